#include "core/fingerprint.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace core {

std::string_view to_string(Finger finger) {
    switch (finger) {
        case Finger::right_index: return "right_index";
        case Finger::left_index: return "left_index";
        case Finger::right_thumb: return "right_thumb";
        case Finger::left_thumb: return "left_thumb";
        case Finger::right_middle: return "right_middle";
        case Finger::left_middle: return "left_middle";
        case Finger::right_ring: return "right_ring";
        case Finger::left_ring: return "left_ring";
        case Finger::right_little: return "right_little";
        case Finger::left_little: return "left_little";
    }
    return "unknown";
}

namespace {

// Descriptor geometry. Cells are soft: a neighbour close to a cell border also sets the
// neighbouring cell, which stands in for MCC's Gaussian spread and absorbs the placement,
// rotation and distortion noise of a new impression. Cell index = ring * 32 + sector * 4 + dir.
constexpr int kRingEdges[5] = {0, 32, 48, 62, kCylinderRadius};  // px
constexpr int kRingMargin = 4;      // px
constexpr int kSectorMargin = 64;   // of a 45-degree sector = 256 steps: about 11 degrees
constexpr int kDirMargin = 14;      // of a 90-degree direction bin = 64 units: about 20 degrees

// The rings (bit k = ring k, one or two bits) a neighbour at squared distance d2 falls in: ring k
// takes r in [edge_k - margin, edge_k+1 + margin). A table by d2 (5.8 KB) instead of a search.
struct RingTable {
    std::uint8_t mask[kCylinderRadius * kCylinderRadius];
    constexpr RingTable() : mask{} {
        for (int d2 = 0; d2 < kCylinderRadius * kCylinderRadius; ++d2)
            for (int k = 0; k < 4; ++k) {
                const int lo = k == 0 ? 0 : kRingEdges[k] - kRingMargin;
                const int hi = k == 3 ? kRingEdges[4] : kRingEdges[k + 1] + kRingMargin;
                if (d2 >= lo * lo && d2 < hi * hi) mask[d2] = static_cast<std::uint8_t>(mask[d2] | (1 << k));
            }
    }
};
constexpr RingTable kRings;

// Direction of every neighbour offset (dx, dy) within the radius, below or level (dy >= 0: the
// scan only looks down the sorted minutiae), in 1/256 turn: a table lookup instead of an atan2 per
// neighbour pair (11.6 KB, small enough to stay in the L1 cache; same values as angle_units).
// 1/256 turn is all the cells need: the relative angle is taken in steps of 1/32 turn
// (kSectorSpread) after subtracting a direction in whole 1/256 turns.
struct DirectionTable {
    static constexpr int kWidth = 2 * kCylinderRadius - 1;
    std::uint8_t at[kCylinderRadius][kWidth];
    DirectionTable() {
        for (int dy = 0; dy < kCylinderRadius; ++dy)
            for (int dx = -(kCylinderRadius - 1); dx < kCylinderRadius; ++dx)
                at[dy][dx + kCylinderRadius - 1] = static_cast<std::uint8_t>(
                    static_cast<int>(angle_units(static_cast<float>(dx), static_cast<float>(dy))) & 255);
    }
};
const DirectionTable kDirections;

// A neighbour's cells factor into ring x sector x direction, so its 128-bit contribution is
// built from three small tables and two multiplications instead of branches:
//  - kDirBins[dtheta]: the direction bins (4 bits) of a relative direction (1/256 turn);
//  - kSectorSpread[alpha >> 3]: the sectors of a relative angle (1/256 turn), one bit per
//    nibble (sector s -> bit 4s); kSectorMargin is a quarter sector, so alpha / 8 decides it.
//    row = spread * dirs puts the direction bins into every selected sector's nibble;
//  - kRingFactors[rings]: multipliers that copy the 32-bit row into the 32-bit ring slots of
//    the two 64-bit words (1 = low ring, 2^32 = high ring).
static_assert(kSectorMargin == 64, "kSectorSpread resolves the sector margin in steps of 64");
struct CellTables {
    std::uint32_t dir_bins[256]{};
    std::uint32_t sector_spread[32]{};
    std::uint64_t ring_factors[16][2]{};
    constexpr CellTables() {
        for (int d = 0; d < 256; ++d) {
            const int d0 = d >> 6, frac = d & 63;
            std::uint32_t bins = 1u << d0;
            if (frac < kDirMargin) bins |= 1u << ((d0 + 3) & 3);
            else if (frac >= 64 - kDirMargin) bins |= 1u << ((d0 + 1) & 3);
            dir_bins[d] = bins;
        }
        for (int q = 0; q < 32; ++q) {
            const int s0 = q >> 2, quarter = q & 3;
            std::uint32_t spread = 1u << (4 * s0);
            if (quarter == 0) spread |= 1u << (4 * ((s0 + 7) & 7));
            else if (quarter == 3) spread |= 1u << (4 * ((s0 + 1) & 7));
            sector_spread[q] = spread;
        }
        for (int r = 0; r < 16; ++r) {
            ring_factors[r][0] = ((r & 1) ? 1u : 0u) | ((r & 2) ? std::uint64_t{1} << 32 : 0);
            ring_factors[r][1] = ((r & 4) ? 1u : 0u) | ((r & 8) ? std::uint64_t{1} << 32 : 0);
        }
    }
};
constexpr CellTables kCells;

// The cells of one ring that a neighbour at relative position angle `alpha` and relative direction
// `dtheta` (both 1/256 turn) sets: 8 sectors x 4 directions in 32 bits (copied into its rings by
// a multiplication with kCells.ring_factors).
inline std::uint64_t cell_row(std::uint8_t alpha, std::uint8_t dtheta) {
    return std::uint64_t{kCells.sector_spread[alpha >> 3] * kCells.dir_bins[dtheta]};
}

}  // namespace

// Hardware popcount where the CPU has it (every x86-64 since 2008), a portable one elsewhere.
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target_clones("popcnt", "default")]]
#endif
FingerprintTemplate FingerprintTemplate::from_minutiae(std::span<const Minutia> minutiae) {
    FingerprintTemplate t;
    const int n = static_cast<int>(std::min<std::size_t>(minutiae.size(), kMaxMinutiae));
    t.count = static_cast<std::uint8_t>(n);
    // Minutiae are kept sorted by y (then x, angle, type): the neighbour search then stops at the
    // first minutia a radius below, and the template does not depend on the extractor's order.
    // Sorted as packed 64-bit keys (one integer compare each) that carry the input index in the
    // low bits, so equal minutiae keep their input order.
    std::array<std::uint64_t, kMaxMinutiae> keys;
    for (int i = 0; i < n; ++i) {
        const Minutia& m = minutiae[i];
        keys[i] = (std::uint64_t{static_cast<std::uint16_t>(m.y + 32768)} << 38) |
                  (std::uint64_t{static_cast<std::uint16_t>(m.x + 32768)} << 22) | (std::uint64_t{m.angle} << 14) |
                  (std::uint64_t{static_cast<std::uint8_t>(m.type)} << 6) | static_cast<std::uint64_t>(i);
    }
    // Insertion sort: an impression's minutiae arrive nearly in order (the master's rows, turned
    // by at most ~18 degrees), with a few spurious ones at the end; for 48 keys this beats std::sort.
    for (int i = 1; i < n; ++i) {
        const std::uint64_t k = keys[i];
        int j = i;
        for (; j > 0 && keys[j - 1] > k; --j) keys[j] = keys[j - 1];
        keys[j] = k;
    }
    for (int r = 0; r < n; ++r) t.minutiae[r] = minutiae[keys[r] & 63];
    // Coordinates side by side: ints for the pair arithmetic, and (x, y) as interleaved int16
    // for the vector distance test, padded with far-away points so a 4-wide load never reads
    // past the end nor finds a neighbour there.
    constexpr int R = kCylinderRadius;
    std::array<int, kMaxMinutiae> xs, ys, as;
    alignas(16) std::array<std::int16_t, 2 * (kMaxMinutiae + 4)> xy;
    xy.fill(32767);
    for (int i = 0; i < n; ++i) {
        xs[i] = t.minutiae[i].x;
        ys[i] = t.minutiae[i].y;
        as[i] = t.minutiae[i].angle;
        xy[2 * i] = t.minutiae[i].x;
        xy[2 * i + 1] = t.minutiae[i].y;
    }
    for (int i = 0; i < n; ++i) {
        const int xi = xs[i], yi = ys[i], ai = as[i];
        // Neighbours j > i (so dy >= 0), four at a time: squared distances of the saturated int16
        // differences (a saturated difference is beyond the radius anyway; dy >= 0 keeps the sum
        // within int32), kept where 0 < d2 < R^2, gathered into one mask. Minutiae a radius or more
        // below end the search.
        std::uint64_t near = 0;
        for (int j0 = i + 1; j0 < n && ys[j0] - yi < R; j0 += 4) {
#if defined(__SSE2__)
            const __m128i d = _mm_subs_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(xy.data() + 2 * j0)),
                                             _mm_set1_epi32(static_cast<int>((static_cast<std::uint32_t>(yi) << 16) |
                                                                             (static_cast<std::uint32_t>(xi) & 0xffff))));
            const __m128i d2 = _mm_madd_epi16(d, d);
            near |= static_cast<std::uint64_t>(_mm_movemask_ps(_mm_castsi128_ps(
                        _mm_and_si128(_mm_cmplt_epi32(d2, _mm_set1_epi32(R * R)), _mm_cmpgt_epi32(d2, _mm_setzero_si128())))))
                    << j0;
#else
            for (int l = 0; l < 4 && j0 + l < n; ++l) {
                const int dx = xs[j0 + l] - xi, dy = ys[j0 + l] - yi, d2 = dx * dx + dy * dy;
                near |= static_cast<std::uint64_t>(d2 < R * R && d2 != 0) << (j0 + l);
            }
#endif
        }
        // i's own descriptor accumulates in registers; each neighbour's in memory.
        std::uint64_t own0 = 0, own1 = 0;
        for (; near != 0; near &= near - 1) {
            const int j = std::countr_zero(near);
            const int dx = xs[j] - xi, dy = ys[j] - yi;
            // Direction from i to j in 1/256 turn; from j to i is half a turn more.
            const int ab = kDirections.at[dy][dx + R - 1];
            const std::uint64_t* rings = kCells.ring_factors[kRings.mask[dx * dx + dy * dy]];
            const std::uint64_t row_i = cell_row(static_cast<std::uint8_t>(ab - ai), static_cast<std::uint8_t>(as[j] - ai));
            const std::uint64_t row_j = cell_row(static_cast<std::uint8_t>(ab + 128 - as[j]), static_cast<std::uint8_t>(ai - as[j]));
            own0 |= row_i * rings[0];
            own1 |= row_i * rings[1];
            t.cylinders[j].bits[0] |= row_j * rings[0];
            t.cylinders[j].bits[1] |= row_j * rings[1];
        }
        t.cylinders[i].bits[0] |= own0;
        t.cylinders[i].bits[1] |= own1;
    }
    for (int i = 0; i < n; ++i)
        t.cylinder_bits[i] = static_cast<std::uint8_t>(std::popcount(t.cylinders[i].bits[0]) + std::popcount(t.cylinders[i].bits[1]));
    return t;
}

}  // namespace core
