// Fingerprint matcher benchmark on a generated set (fixed seed):
//   genuine:  10,000 people, enrolment template vs a new impression of the same finger, with
//             the person's age drawn uniformly from 18 to 85 (skin quality from age) and one
//             capture in ten on a degraded sensor (severity uniform 0..0.6);
//   impostor: 1,000 enrolment templates x 1,000 impressions of 1,000 other people = 1,000,000.
// Times the 1,010,000 verifications on one thread (thread CPU time; wall time as an extra line)
// and prints, last, exactly:
//   verifications_per_s: N / eer: X / fnmr_at_fmr_1e-4: Y
// Before them, per-stage CPU times in microseconds: master_finger_us (SyntheticFinger::generate),
// impression_us (make_impression with its template), template_us (FingerprintTemplate::from_minutiae
// alone, on the impressions' minutiae), compare_us / genuine_compare_us (score), and
// identification_path_us (finger + enrolment template + capture + one verification).
// Usage: bench_identification [genuine_people] [impostor_side]   (defaults 10000 1000)
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <vector>

#include <fmt/core.h>

#include "core/random.hpp"
#include "devices/synthetic_finger.hpp"
#include "station/fingerprint_matcher.hpp"

namespace {

// CPU time of this thread: the per-core rate the target is about, unaffected by other jobs
// sharing the machine (wall time is printed too).
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

constexpr std::uint64_t kSeed = 2021;

devices::CaptureConditions conditions_for(core::RandomStream& rs) {
    const int age = 18 + static_cast<int>(rs.below(68));
    const double degradation = rs.bernoulli(0.1) ? rs.uniform() * 0.6 : 0.0;
    return {devices::skin_quality_for_age(age), degradation};
}

}  // namespace

int main(int argc, char** argv) {
    const int genuine_people = argc > 1 ? std::atoi(argv[1]) : 10'000;
    const int side = argc > 2 ? std::atoi(argv[2]) : 1'000;
    using clock = std::chrono::steady_clock;
    const station::FingerprintMatcher matcher;
    const auto finger = core::Finger::right_index;

    // Genuine set.
    std::vector<core::FingerprintTemplate> enrolled(genuine_people), probes(genuine_people);
    std::vector<devices::SyntheticFinger> masters(genuine_people);
    double c0 = thread_cpu_seconds();
    for (int p = 0; p < genuine_people; ++p) masters[p] = devices::SyntheticFinger::generate(core::hash_keys(kSeed, 1, p), finger);
    const double master_us = (thread_cpu_seconds() - c0) * 1e6 / genuine_people;
    for (int p = 0; p < genuine_people; ++p) enrolled[p] = devices::enrolment_template(core::hash_keys(kSeed, 1, p), finger);
    c0 = thread_cpu_seconds();
    for (int p = 0; p < genuine_people; ++p) {
        core::RandomStream rs(kSeed, 2, p);
        probes[p] = devices::make_impression(masters[p], conditions_for(rs), rs);
    }
    const double impression_us = (thread_cpu_seconds() - c0) * 1e6 / genuine_people;
    // The template alone, rebuilt from the impressions' minutiae (five rounds over the genuine set).
    constexpr int kTemplateRounds = 5;
    std::uint64_t cells = 0;
    c0 = thread_cpu_seconds();
    for (int round = 0; round < kTemplateRounds; ++round)
        for (const auto& t : probes) cells += core::FingerprintTemplate::from_minutiae(t.valid_minutiae()).cylinder_bits[0];
    const double template_us = (thread_cpu_seconds() - c0) * 1e6 / (kTemplateRounds * genuine_people);
    if (cells == ~std::uint64_t{0}) return 1;  // keeps the loop observable
    // Impostor set: enrolments of people 0..side-1 vs impressions of people side..2*side-1.
    std::vector<core::FingerprintTemplate> imp_enrolled(side), imp_probes(side);
    for (int p = 0; p < side; ++p) {
        imp_enrolled[p] = enrolled[p % genuine_people];
        const std::uint64_t seed = core::hash_keys(kSeed, 3, p);
        core::RandomStream rs(kSeed, 4, p);
        imp_probes[p] = devices::make_impression(devices::SyntheticFinger::generate(seed, finger), conditions_for(rs), rs);
    }
    // The biometric work of one voter at the desk in the whole-country run: generate the finger,
    // its enrolment template (what the voter list holds), a capture, and one verification.
    double path_us = 0;
    {
        const int n = std::min(genuine_people, 5'000);
        double accepted = 0;
        const double c1 = thread_cpu_seconds();
        for (int p = 0; p < n; ++p) {
            const std::uint64_t seed = core::hash_keys(kSeed, 5, p);
            core::RandomStream rs(kSeed, 6, p);
            const auto master = devices::SyntheticFinger::generate(seed, finger);
            const auto enrolment = devices::enrolment_template(master, seed, finger);
            const auto capture = devices::make_impression(master, conditions_for(rs), rs);
            accepted += matcher.verify(enrolment, capture);
        }
        path_us = (thread_cpu_seconds() - c1) * 1e6 / n;
        if (accepted < 0) return 1;  // keeps the loop observable
    }
    double minutiae = 0;
    for (auto& t : probes) minutiae += t.count;

    std::vector<double> genuine(genuine_people), impostor(static_cast<std::size_t>(side) * side);
    const double cpu0 = thread_cpu_seconds();
    auto t0 = clock::now();
    for (int p = 0; p < genuine_people; ++p) genuine[p] = matcher.score(enrolled[p], probes[p]);
    const double genuine_compare_us = (thread_cpu_seconds() - cpu0) * 1e6 / genuine_people;
    for (int i = 0; i < side; ++i)
        for (int j = 0; j < side; ++j) impostor[static_cast<std::size_t>(i) * side + j] = matcher.score(imp_enrolled[i], imp_probes[j]);
    auto t1 = clock::now();
    const double cpu_seconds = thread_cpu_seconds() - cpu0;
    const double seconds = std::chrono::duration<double>(t1 - t0).count();
    const double comparisons = static_cast<double>(genuine.size() + impostor.size());

    std::sort(genuine.begin(), genuine.end());
    std::sort(impostor.begin(), impostor.end());
    const double ng = static_cast<double>(genuine.size()), ni = static_cast<double>(impostor.size());
    auto fnmr = [&](double t) { return static_cast<double>(std::lower_bound(genuine.begin(), genuine.end(), t) - genuine.begin()) / ng; };
    auto fmr = [&](double t) { return static_cast<double>(impostor.end() - std::lower_bound(impostor.begin(), impostor.end(), t)) / ni; };
    // EER: over every distinct score as a threshold, the point where FNMR and FMR cross.
    double eer = 1.0, eer_t = 0;
    {
        std::vector<double> ts(genuine);
        ts.insert(ts.end(), impostor.end() - std::min<std::size_t>(impostor.size(), 200'000), impostor.end());
        std::sort(ts.begin(), ts.end());
        ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
        double best_gap = 2;
        for (double t : ts) {
            const double a = fnmr(t), b = fmr(t);
            if (std::abs(a - b) < best_gap) { best_gap = std::abs(a - b); eer = (a + b) / 2; eer_t = t; }
        }
    }
    // Smallest threshold with FMR <= 1e-4: just above the (floor(1e-4 * N) + 1)-th highest impostor score.
    const std::size_t k = static_cast<std::size_t>(1e-4 * ni);
    const double t_fmr = k < impostor.size() ? std::nextafter(impostor[impostor.size() - 1 - k], 2.0) : 0.0;

    fmt::print("genuine_comparisons: {}\nimpostor_comparisons: {}\n", genuine.size(), impostor.size());
    fmt::print("mean_minutiae_per_impression: {:.1f}\n", minutiae / genuine_people);
    fmt::print("master_finger_us: {:.2f}\nimpression_us: {:.2f}\n", master_us, impression_us);
    fmt::print("template_us: {:.3f}\n", template_us);
    // Per-stage CPU time of one voter's path (single thread): the finger, one capture with its
    // template, one comparison (all comparisons; genuine ones, as at the desk, separately), the whole path.
    fmt::print("compare_us: {:.2f}\ngenuine_compare_us: {:.2f}\n", cpu_seconds * 1e6 / comparisons, genuine_compare_us);
    fmt::print("identification_path_us: {:.2f}\n", path_us);
    fmt::print("genuine_score_median: {:.4f}\nimpostor_score_max: {:.4f}\n", genuine[genuine.size() / 2], impostor.back());
    fmt::print("eer_threshold: {:.4f}\n", eer_t);
    fmt::print("threshold_at_fmr_1e-4: {:.4f}\n", t_fmr);
    fmt::print("fnmr_at_configured_threshold_{:.4f}: {:.4f} (fmr {:.2e})\n", matcher.threshold(), fnmr(matcher.threshold()), fmr(matcher.threshold()));
    fmt::print("verifications_per_s_wall: {:.0f}\n", comparisons / seconds);
    fmt::print("verifications_per_s: {:.0f}\n", comparisons / cpu_seconds);
    fmt::print("eer: {:.4f}\n", eer);
    fmt::print("fnmr_at_fmr_1e-4: {:.4f}\n", fnmr(t_fmr));
    return 0;
}
