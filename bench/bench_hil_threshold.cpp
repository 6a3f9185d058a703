// The matcher threshold of the libfprint path (hil::kLibfprintThreshold, docs/hil.md "Threshold"):
// each NIST example print in ../shared/hil/prints/ rendered as impressions with small rotations,
// shifts and crops (fixed seed), captured through libfprint's virtual_image (NBIS minutiae, the
// adapter's template), then every pair scored with the project's matcher: pairs of one print are
// genuine, pairs of two prints impostors. Prints the two distributions, the EER and the smallest
// threshold no impostor reaches.
// Usage: bench_hil_threshold [IMPRESSIONS_PER_PRINT [DEGREES SHIFT CROP]] (defaults 60, 5 8 20: the run of docs/hil.md).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "station/fingerprint_matcher.hpp"
#include "tests/hil/hil_support.hpp"

namespace {

/// Largest perturbations drawn: rotation (degrees), shift and crop of one margin (pixels).
struct Limits {
    double degrees = 5, shift = 8;
    int crop = 20;
};

/// Impression k of a print: k = 0 is the print as it is; the others draw a rotation, a shift and
/// one margin's crop, each uniform up to its limit.
hil_test::Perturbation impression(std::mt19937_64& random, int k, const Limits& limits) {
    if (k == 0) return {};
    std::uniform_real_distribution<double> angle(-limits.degrees, limits.degrees), shift(-limits.shift, limits.shift);
    std::uniform_int_distribution<int> side(0, 3), crop(0, limits.crop);
    hil_test::Perturbation p{angle(random), shift(random), shift(random)};
    int* margins[4] = {&p.crop_left, &p.crop_top, &p.crop_right, &p.crop_bottom};
    *margins[side(random)] = crop(random);
    return p;
}

/// The value below which `share` of the sorted `scores` lie.
double quantile(const std::vector<double>& scores, double share) {
    return scores[std::min(scores.size() - 1, static_cast<std::size_t>(share * static_cast<double>(scores.size())))];
}

/// Equal error rate: the threshold where the share of genuine scores below it meets the share of impostor scores at or above it.
double equal_error_rate(const std::vector<double>& genuine, const std::vector<double>& impostor) {
    double best = 1.0, eer = 1.0;
    for (double t = 0; t <= 1.0; t += 0.0005) {
        const double fnmr = static_cast<double>(std::lower_bound(genuine.begin(), genuine.end(), t) - genuine.begin()) / genuine.size();
        const double fmr = static_cast<double>(impostor.end() - std::lower_bound(impostor.begin(), impostor.end(), t)) / impostor.size();
        if (std::abs(fnmr - fmr) < best) best = std::abs(fnmr - fmr), eer = (fnmr + fmr) / 2;
    }
    return eer;
}

}  // namespace

int main(int argc, char** argv) {
    const int per_print = argc > 1 ? std::max(2, std::atoi(argv[1])) : 60;
    Limits limits;
    if (argc > 4) limits = Limits{std::atof(argv[2]), std::atof(argv[3]), std::atoi(argv[4])};
    const std::vector<std::string> prints = {"arch", "loop-right", "tented_arch", "whorl"};
    hil_test::VirtualImageReader reader(std::filesystem::temp_directory_path() / "bench-hil-threshold");
    std::mt19937_64 random(2021);
    std::vector<std::pair<int, core::FingerprintTemplate>> templates;
    int refused = 0;
    for (int f = 0; f < static_cast<int>(prints.size()); ++f) {
        const hil::GreyImage print = hil_test::load_print(prints[f]);
        for (int k = 0; k < per_print; ++k) {
            auto c = reader.capture(hil_test::perturb(print, impression(random, k, limits)));
            if (!c) return fmt::print(stderr, "capture failed: {}\n", c.error().message), 1;
            if (c->verdict != hil::QualityVerdict::accepted) ++refused;
            templates.emplace_back(f, c->capture.print);
        }
    }
    const station::FingerprintMatcher matcher;
    std::vector<double> genuine, impostor;
    for (std::size_t i = 0; i < templates.size(); ++i)
        for (std::size_t j = i + 1; j < templates.size(); ++j)
            (templates[i].first == templates[j].first ? genuine : impostor).push_back(matcher.score(templates[i].second, templates[j].second));
    std::sort(genuine.begin(), genuine.end());
    std::sort(impostor.begin(), impostor.end());
    fmt::print("impressions: {} ({} prints x {}; rotation up to {} degrees, shift up to {} px, crop up to {} px), refused by the gate: {}\n",
               templates.size(), prints.size(), per_print, limits.degrees, limits.shift, limits.crop, refused);
    fmt::print("genuine pairs: {}  min {:.4f}  p1 {:.4f}  p5 {:.4f}  median {:.4f}\n", genuine.size(), genuine.front(), quantile(genuine, 0.01),
               quantile(genuine, 0.05), quantile(genuine, 0.5));
    fmt::print("impostor pairs: {}  median {:.4f}  p99 {:.4f}  max {:.4f}\n", impostor.size(), quantile(impostor, 0.5), quantile(impostor, 0.99),
               impostor.back());
    const auto passing = [](const std::vector<double>& s, double t) { return s.end() - std::lower_bound(s.begin(), s.end(), t); };
    for (double t : {station::kFingerprintThreshold, hil::kLibfprintThreshold})
        fmt::print("threshold {:.4f}: impostors passing {} / {}, genuine failing {} / {}\n", t, passing(impostor, t), impostor.size(),
                   genuine.size() - passing(genuine, t), genuine.size());
    // The smallest threshold (in steps of 0.0005) that no impostor score reaches, and the one at FMR 1e-3.
    const auto above = [](double score) { return std::ceil(score / 0.0005 + 1e-9) * 0.0005; };
    const double none = above(impostor.back());
    const double fmr_1e3 = above(impostor[impostor.size() - 1 - impostor.size() / 1000]);
    fmt::print("no impostor passes from {:.4f}: FNMR there {:.4f}\n", none,
               static_cast<double>(genuine.size() - passing(genuine, none)) / genuine.size());
    fmt::print("FMR 1e-3 from {:.4f}: FNMR there {:.4f}\n", fmr_1e3, static_cast<double>(genuine.size() - passing(genuine, fmr_1e3)) / genuine.size());
    fmt::print("EER {:.4f}\n", equal_error_rate(genuine, impostor));
    return 0;
}
