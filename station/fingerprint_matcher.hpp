#pragma once
/// 1:1 fingerprint verification: scores two templates and decides with a measured threshold.
///
/// Method. (1) Local similarity of every minutia pair from their binary cylinders, the
/// popcount form of Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni, IEEE TPAMI 2010):
/// Dice overlap 2|a AND b| / (|a| + |b|). (2) Consolidation by alignment and pairing, as in
/// Hough-style matchers (Ratha et al. 1996) and MCC's relaxation: the best local pairs propose
/// a rigid alignment (rotation from the pair's directions, translation from its positions);
/// under each, the locally similar pairs that also agree globally (position within a tolerance
/// that grows with the distance from the reference pair, to absorb skin distortion, and
/// direction within 25 degrees) are paired one-to-one. (3) Score = S^2 / (nA * nB), where S is
/// the sum of the local similarities of the paired minutiae and nA, nB the numbers of minutiae
/// with a usable descriptor (at least 12): 1 for identical templates, near 0 for unrelated ones.
#include "core/fingerprint.hpp"

namespace station {

/// Decision threshold on the score, chosen at FMR = 1e-4 on the generated set of
/// bench/bench_identification.cpp (10,000 genuine and 1,000,000 impostor comparisons, seed 2021):
/// `cmake --build build/ident --target bench_identification && build/ident/bench/bench_identification`
/// printed `threshold_at_fmr_1e-4: 0.0222` (EER 0.0068, FNMR 0.0176 there); rounded up here.
/// Re-run it after any change to the matcher, the descriptors or the synthetic fingers.
inline constexpr double kFingerprintThreshold = 0.0223;

/// Matcher settings.
struct MatcherSettings {
    double threshold = kFingerprintThreshold;  ///< scores at or above it are a match
    bool portable = false;  ///< use the portable local stage even where the CPU has AVX2 (same scores; for tests)
};

/// The verification algorithm. Stateless apart from its settings; safe to share between threads.
class FingerprintMatcher {
public:
    /// A matcher with these settings.
    explicit FingerprintMatcher(MatcherSettings settings = {}) : settings_(settings) {}

    /// Similarity of two templates in [0, 1]; symmetric up to rounding.
    double score(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b) const;
    /// True if the two templates come from the same finger by this matcher's threshold.
    bool verify(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b) const {
        return score(a, b) >= settings_.threshold;
    }
    /// The decision threshold in use.
    double threshold() const { return settings_.threshold; }

private:
    MatcherSettings settings_;
};

}  // namespace station
