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
///
/// Speed (about 1 us a comparison on one core; the whole country is verified in seconds): the
/// local stage compares each of A's descriptors with 8 of B's at a time (AVX2), or 16 of A's with
/// one of B's (AVX-512 with VPOPCNTDQ and VBMI2; portable code elsewhere; the same scores), keeps
/// each row's best two pairs, and the consolidation tests all pairs against an alignment at once
/// as bit masks (direction, then position) before the greedy one-to-one pass; with AVX-512, the
/// pairs' data is gathered and tested against all five alignments 16 pairs at a time (the same
/// float operations, no FMA), and the alignments are paired best bound first until no bound left
/// can beat the best sum.
#include "core/fingerprint.hpp"

namespace station {

/// Decision threshold on the score, chosen at FMR = 1e-4 on the generated set of
/// bench/bench_identification.cpp (10,000 genuine and 1,000,000 impostor comparisons, seed 2021):
/// the smallest threshold that at most 100 of the 1,000,000 impostor scores reach, i.e. just
/// above the 101st highest impostor score. `cmake --build build/fast --target bench_identification
/// && build/fast/bench/bench_identification` printed `threshold_at_fmr_1e-4: 0.0224` (EER 0.0067,
/// FNMR 0.0178 there); rounded up here. Re-run it after any change to the matcher, the
/// descriptors or the synthetic fingers.
inline constexpr double kFingerprintThreshold = 0.0225;

/// Matcher settings.
struct MatcherSettings {
    double threshold = kFingerprintThreshold;  ///< scores at or above it are a match
    /// Widest vector unit the matcher may use, in bits: 512 (AVX-512), 256 (AVX2) or 0 (portable
    /// code); the CPU's own limit applies too. Scores are the same whichever runs (tests compare them).
    int max_vector_width = 512;
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
