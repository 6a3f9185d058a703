// Synthetic fingerprint images through the HIL image path (docs/hil.md, "Synthetic fingerprint
// images"): many synthetic fingers (seeds from a fixed seed) are grown into ridge patterns and rendered
// as impressions (devices/finger_image.hpp), each captured through libfprint's virtual_image driver
// and hil::LibfprintScanner (NBIS minutiae, the quality gate, the adapter's template); every pair of
// one finger's impressions is a genuine comparison, the first accepted impression of each finger
// against every other finger's an impostor comparison, all scored with the project's matcher.
// Prints the measured render times, the gate's refusals and figures, both score distributions, FNMR
// at FMR 1e-3 (and 1e-4), the EER and the error rates at hil::kLibfprintThreshold.
// Usage: bench_finger_images [FINGERS [IMPRESSIONS [SEED]]] (defaults 500 3 2021: the run of docs/hil.md).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "devices/finger_image.hpp"
#include "devices/synthetic_finger.hpp"
#include "station/fingerprint_matcher.hpp"
#include "tests/hil/hil_support.hpp"

namespace {

// Random-stream purpose of the bench's impressions ("bench" 1).
constexpr std::uint64_t kImpressionPurpose = 0x62656e6368000001ULL;

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// The value below which `share` of the sorted `values` lie.
double quantile(const std::vector<double>& sorted, double share) {
    return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(share * static_cast<double>(sorted.size())))];
}

// Share of sorted genuine scores below t (false non-matches) and of sorted impostor scores at or above t (false matches).
double fnmr_at(const std::vector<double>& genuine, double t) {
    return static_cast<double>(std::lower_bound(genuine.begin(), genuine.end(), t) - genuine.begin()) / static_cast<double>(genuine.size());
}
double fmr_at(const std::vector<double>& impostor, double t) {
    return static_cast<double>(impostor.end() - std::lower_bound(impostor.begin(), impostor.end(), t)) / static_cast<double>(impostor.size());
}

// Equal error rate: over thresholds in steps of 0.0005, where FNMR and FMR come closest, their mean.
double equal_error_rate(const std::vector<double>& genuine, const std::vector<double>& impostor) {
    double best = 2.0, eer = 1.0;
    for (int k = 0; k <= 2000; ++k) {
        const double t = k * 0.0005, fnmr = fnmr_at(genuine, t), fmr = fmr_at(impostor, t);
        if (std::abs(fnmr - fmr) < best) best = std::abs(fnmr - fmr), eer = (fnmr + fmr) / 2;
    }
    return eer;
}

// The smallest threshold (steps of 0.0005) at which at most `fmr` of the impostor scores pass.
double threshold_at_fmr(const std::vector<double>& impostor, double fmr) {
    for (int k = 0; k <= 2000; ++k)
        if (fmr_at(impostor, k * 0.0005) <= fmr) return k * 0.0005;
    return 1.0;
}

// The finger's pattern class from its orientation field: arch (no core), left or right loop (the
// delta's side of the core), whorl (two cores).
int pattern_class(const devices::RidgeOrientation& field) {
    if (field.ncores != 1) return field.ncores == 0 ? 0 : 3;
    return field.deltas[0].x < field.cores[0].x ? 1 : 2;
}

// What the captures gave: each finger's accepted templates, render times and refusals.
struct Captures {
    std::vector<std::vector<core::FingerprintTemplate>> accepted;  // per finger
    std::vector<int> classes;                                      // per finger, pattern_class
    std::vector<double> grow_ms, render_ms, first_ms;              // per finger, per impression, grow + first render
    std::vector<double> decision_ms;  // per impression after a finger's first accepted one: capture through virtual_image to the match decision
    std::vector<double> minutiae, coherence;                       // per impression: libfprint's count, the gate's figure
    std::map<std::string, int> refused;                             // by verdict
    int impressions = 0;
};

// Renders and captures `impressions` impressions of each of `fingers` fingers. Conditions: the skin of
// a voter aged 18 to 80 (uniform, drawn per finger), a clean sensor.
std::optional<Captures> capture_all(hil_test::VirtualImageReader& reader, int fingers, int impressions, std::uint64_t seed) {
    const station::FingerprintMatcher matcher(station::MatcherSettings{hil::kLibfprintThreshold});
    Captures out;
    out.accepted.resize(static_cast<std::size_t>(fingers));
    for (int f = 0; f < fingers; ++f) {
        const std::uint64_t biometric_seed = core::hash_keys(seed, static_cast<std::uint64_t>(f));
        const auto finger = devices::SyntheticFinger::generate(biometric_seed, core::Finger::right_index);
        out.classes.push_back(pattern_class(finger.orientation));
        core::RandomStream stream(biometric_seed, kImpressionPurpose);
        const devices::CaptureConditions conditions{devices::skin_quality_for_age(18 + static_cast<int>(stream.below(63))), 0.0};
        auto start = Clock::now();
        const devices::RidgePattern pattern = devices::grow_ridge_pattern(finger);
        out.grow_ms.push_back(ms_since(start));
        for (int k = 0; k < impressions; ++k) {
            start = Clock::now();
            const devices::FingerImage image = devices::render_impression(pattern, conditions, stream, devices::kFingertipReader);
            out.render_ms.push_back(ms_since(start));
            if (k == 0) out.first_ms.push_back(out.grow_ms.back() + out.render_ms.back());
            ++out.impressions;
            // Capture to decision, as at the desk: the image goes to the reader when it asks for a finger,
            // libfprint captures and extracts, the adapter gates and builds the template, the matcher decides
            // against the finger's enrolled (first accepted) template.
            start = Clock::now();
            auto c = reader.capture(hil::GreyImage{image.width, image.height, image.pixels});
            if (!c) return fmt::print(stderr, "capture failed: {}\n", c.error().message), std::nullopt;
            auto& enrolled = out.accepted[static_cast<std::size_t>(f)];
            if (!enrolled.empty() && c->verdict == hil::QualityVerdict::accepted) {
                [[maybe_unused]] const volatile bool match = matcher.verify(enrolled.front(), c->capture.print);
                out.decision_ms.push_back(ms_since(start));
            }
            out.minutiae.push_back(c->figures.minutiae);
            out.coherence.push_back(c->figures.coherence);
            if (c->verdict != hil::QualityVerdict::accepted) {
                ++out.refused[std::string(hil::to_string(c->verdict))];
                continue;
            }
            out.accepted[static_cast<std::size_t>(f)].push_back(c->capture.print);
        }
    }
    return out;
}

void print_times(const char* what, std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    fmt::print("{}: {}  median {:.1f} ms  p99 {:.1f} ms  max {:.1f} ms\n", what, ms.size(), quantile(ms, 0.5), quantile(ms, 0.99), ms.back());
}

void print_figure(const char* what, std::vector<double> v, int decimals) {
    std::sort(v.begin(), v.end());
    const int d = decimals;
    fmt::print("{}: min {:.{}f}  p1 {:.{}f}  median {:.{}f}  p99 {:.{}f}  max {:.{}f}\n", what, v.front(), d, quantile(v, 0.01), d,
               quantile(v, 0.5), d, quantile(v, 0.99), d, v.back(), d);
}

void print_scores(const char* what, const std::vector<double>& s) {
    fmt::print("{}: {}  min {:.4f}  p1 {:.4f}  median {:.4f}  p99 {:.4f}  p99.9 {:.4f}  max {:.4f}\n", what, s.size(), s.front(),
               quantile(s, 0.01), quantile(s, 0.5), quantile(s, 0.99), quantile(s, 0.999), s.back());
}

}  // namespace

int main(int argc, char** argv) {
    const int fingers = argc > 1 ? std::max(2, std::atoi(argv[1])) : 500;
    const int impressions = argc > 2 ? std::max(2, std::atoi(argv[2])) : 3;
    const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2021;
    hil_test::VirtualImageReader reader(std::filesystem::temp_directory_path() / "bench-finger-images");
    const auto start = Clock::now();
    const auto captures = capture_all(reader, fingers, impressions, seed);
    if (!captures) return 1;
    const double capture_s = ms_since(start) / 1000;
    const station::FingerprintMatcher matcher;
    std::vector<double> genuine, impostor;
    int passing_same_class = 0, passing = 0;  // impostor scores at or above hil::kLibfprintThreshold
    const auto& accepted = captures->accepted;
    for (const auto& own : accepted)
        for (std::size_t i = 0; i < own.size(); ++i)
            for (std::size_t j = i + 1; j < own.size(); ++j) genuine.push_back(matcher.score(own[i], own[j]));
    for (std::size_t a = 0; a < accepted.size(); ++a)
        for (std::size_t b = a + 1; b < accepted.size(); ++b)
            if (!accepted[a].empty() && !accepted[b].empty()) {
                impostor.push_back(matcher.score(accepted[a].front(), accepted[b].front()));
                if (impostor.back() < hil::kLibfprintThreshold) continue;
                ++passing;
                passing_same_class += captures->classes[a] == captures->classes[b];
            }
    if (genuine.empty() || impostor.empty()) return fmt::print(stderr, "no comparisons: every capture was refused\n"), 1;
    std::sort(genuine.begin(), genuine.end());
    std::sort(impostor.begin(), impostor.end());
    fmt::print("fingers: {} x {} impressions ({} x {} px, 500 dpi; skin of a voter aged 18-80, clean sensor; seed {}), "
               "rendered and captured in {:.0f} s\n", fingers, impressions, devices::kFingertipReader.width, devices::kFingertipReader.height,
               seed, capture_s);
    print_times("ridge pattern grown per finger", captures->grow_ms);
    print_times("impression rendered from the pattern", captures->render_ms);
    print_times("first impression from the finger (grow + render)", captures->first_ms);
    print_times("capture to decision through virtual_image (libfprint capture and NBIS, gate, template, match)", captures->decision_ms);
    int refused = 0;
    std::string reasons;
    for (const auto& [verdict, n] : captures->refused) refused += n, reasons += fmt::format(" {} {}", verdict, n);
    fmt::print("refused by the quality gate: {} / {}{}\n", refused, captures->impressions, reasons);
    print_figure("minutiae libfprint found per impression", captures->minutiae, 0);
    print_figure("ridge coherence per impression (the gate's figure)", captures->coherence, 2);
    print_scores("genuine pairs", genuine);
    print_scores("impostor pairs", impostor);
    for (const double target : {1e-3, 1e-4}) {
        const double t = threshold_at_fmr(impostor, target);
        fmt::print("FMR {:.0e} from threshold {:.4f}: FMR {:.5f}, FNMR {:.4f}\n", target, t, fmr_at(impostor, t), fnmr_at(genuine, t));
    }
    fmt::print("EER {:.4f}\n", equal_error_rate(genuine, impostor));
    for (double t : {station::kFingerprintThreshold, hil::kLibfprintThreshold})
        fmt::print("threshold {:.4f}: FMR {:.5f} ({} / {}), FNMR {:.4f} ({} / {})\n", t, fmr_at(impostor, t),
                   impostor.end() - std::lower_bound(impostor.begin(), impostor.end(), t), impostor.size(), fnmr_at(genuine, t),
                   std::lower_bound(genuine.begin(), genuine.end(), t) - genuine.begin(), genuine.size());
    int same_class = 0;
    for (std::size_t a = 0; a < accepted.size(); ++a)
        for (std::size_t b = a + 1; b < accepted.size(); ++b)
            same_class += !accepted[a].empty() && !accepted[b].empty() && captures->classes[a] == captures->classes[b];
    fmt::print("impostor pairs at or above {:.4f}: {} of one pattern class (of all impostor pairs: {:.2f})\n", hil::kLibfprintThreshold,
               passing == 0 ? std::string("none") : fmt::format("{} / {}", passing_same_class, passing),
               static_cast<double>(same_class) / static_cast<double>(impostor.size()));
    return 0;
}
