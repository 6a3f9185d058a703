#include "station/fingerprint_matcher.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace station {

namespace {

// A cylinder with fewer cells set has too few neighbours to be told apart (MCC's "invalid
// cylinder" rule); it takes no part in the local stage.
constexpr int kMinCylinderBits = 6;
// Local similarity (0..256) a pair needs to be considered at all.
constexpr int kMinLocalSimilarity = 50;
// Candidate alignments tried (the best local pairs).
constexpr int kCandidates = 5;
// Global pairing tolerance: position error^2 <= T0^2 + (k * distance from reference)^2.
constexpr float kT0 = 10.0f, kSlope = 0.15f;
// Direction tolerance in 1/256 turn (about 25 degrees).
constexpr int kAngleTolerance = 18;

struct Tables {
    std::array<std::uint32_t, 260> dice{};  // c * dice[s] >> 8 = 2c/s scaled to 256 (rounded up: identical = 256)
    std::array<float, 256> cos{}, sin{};
    Tables() {
        for (int s = 1; s < 260; ++s) dice[s] = static_cast<std::uint32_t>(((512u << 8) + static_cast<unsigned>(s) - 1) / static_cast<unsigned>(s));
        for (int a = 0; a < 256; ++a) {
            cos[a] = static_cast<float>(std::cos(a * 6.283185307179586 / 256));
            sin[a] = static_cast<float>(std::sin(a * 6.283185307179586 / 256));
        }
    }
};
const Tables kTables;

struct LocalPair {
    std::uint8_t i, j;
    std::uint16_t sim;
};

}  // namespace

// The hot loop needs the hardware popcount; target_clones picks it at load time where the CPU has it
// (every x86-64 since 2008) and keeps a portable version for the rest. Integer results are identical.
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target_clones("popcnt", "default")]]
#endif
std::uint32_t consolidated_similarity(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b) {
    const int na = a.count, nb = b.count;
    std::array<LocalPair, 2 * core::kMaxMinutiae> pairs;
    int np = 0;
    // B's descriptors with the unusable ones emptied, so the inner loop needs no test.
    std::array<core::Cylinder, core::kMaxMinutiae> cb;
    std::array<std::uint32_t, core::kMaxMinutiae> wbs;
    for (int j = 0; j < nb; ++j) {
        const bool ok = b.cylinder_bits[j] >= kMinCylinderBits;
        cb[j].bits[0] = ok ? b.cylinders[j].bits[0] : 0;
        cb[j].bits[1] = ok ? b.cylinders[j].bits[1] : 0;
        wbs[j] = b.cylinder_bits[j];
    }
    for (int i = 0; i < na; ++i) {
        const int wa = a.cylinder_bits[i];
        if (wa < kMinCylinderBits) continue;
        const std::uint64_t a0 = a.cylinders[i].bits[0], a1 = a.cylinders[i].bits[1];
        const std::uint32_t* dice = kTables.dice.data() + wa;
        // Best two (similarity << 8 | j) of the row, branch-free.
        std::uint32_t best1 = 0, best2 = 0;
        for (int j = 0; j < nb; ++j) {
            const std::uint32_t c = static_cast<std::uint32_t>(std::popcount(a0 & cb[j].bits[0]) + std::popcount(a1 & cb[j].bits[1]));
            const std::uint32_t key = (((c * dice[wbs[j]]) >> 8) << 8) | static_cast<std::uint32_t>(j);
            const std::uint32_t lo = std::min(best1, key);
            best1 = std::max(best1, key);
            best2 = std::max(best2, lo);
        }
        if ((best1 >> 8) >= kMinLocalSimilarity)
            pairs[np++] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(best1 & 255), static_cast<std::uint16_t>(best1 >> 8)};
        if ((best2 >> 8) >= kMinLocalSimilarity)
            pairs[np++] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(best2 & 255), static_cast<std::uint16_t>(best2 >> 8)};
    }
    if (np == 0) return 0;
    // The kCandidates best local pairs (selection; np <= 96).
    int cand[kCandidates], nc = 0;
    std::uint64_t taken = 0, taken_hi = 0;
    for (; nc < kCandidates && nc < np; ++nc) {
        int best = -1;
        for (int p = 0; p < np; ++p) {
            const bool t = p < 64 ? (taken >> p) & 1 : (taken_hi >> (p - 64)) & 1;
            if (!t && (best < 0 || pairs[p].sim > pairs[best].sim)) best = p;
        }
        if (best < 64) taken |= std::uint64_t{1} << best;
        else taken_hi |= std::uint64_t{1} << (best - 64);
        cand[nc] = best;
    }
    std::uint32_t best_sum = 0;
    for (int c = 0; c < nc; ++c) {
        const LocalPair& ref = pairs[cand[c]];
        const core::Minutia& ra = a.minutiae[ref.i];
        const core::Minutia& rb = b.minutiae[ref.j];
        const std::uint8_t rot = static_cast<std::uint8_t>(rb.angle - ra.angle);
        const float cs = kTables.cos[rot], sn = kTables.sin[rot];
        std::uint64_t used_b = 0;
        int last_row = -1;
        std::uint32_t sum = 0;
        for (int p = 0; p < np; ++p) {
            const LocalPair& q = pairs[p];
            if (q.i == last_row || ((used_b >> q.j) & 1)) continue;
            const core::Minutia& ma = a.minutiae[q.i];
            const core::Minutia& mb = b.minutiae[q.j];
            const int dang = static_cast<std::int8_t>(static_cast<std::uint8_t>(mb.angle - rot - ma.angle));
            if (dang > kAngleTolerance || dang < -kAngleTolerance) continue;
            const float bx = static_cast<float>(mb.x - rb.x), by = static_cast<float>(mb.y - rb.y);
            const float ax = static_cast<float>(ma.x - ra.x), ay = static_cast<float>(ma.y - ra.y);
            const float ex = cs * bx + sn * by - ax, ey = -sn * bx + cs * by - ay;
            if (ex * ex + ey * ey > kT0 * kT0 + kSlope * kSlope * (ax * ax + ay * ay)) continue;
            used_b |= std::uint64_t{1} << q.j;
            last_row = q.i;
            sum += q.sim;
        }
        if (sum > best_sum) best_sum = sum;
    }
    return best_sum;
}

namespace {

// Minutiae with a usable descriptor, but at least kMinMinutiae: a print with very few usable
// minutiae cannot score high (a partial touch must not pass on three lucky pairs).
constexpr int kMinMinutiae = 12;

int usable(const core::FingerprintTemplate& t) {
    int n = 0;
    for (int i = 0; i < t.count; ++i) n += t.cylinder_bits[i] >= kMinCylinderBits;
    return std::max(n, kMinMinutiae);
}

}  // namespace

double FingerprintMatcher::score(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b) const {
    if (a.count == 0 || b.count == 0) return 0.0;
    const double s = consolidated_similarity(a, b) / 256.0;
    const double v = s * s / (static_cast<double>(usable(a)) * usable(b));
    return v > 1.0 ? 1.0 : v;
}

}  // namespace station
