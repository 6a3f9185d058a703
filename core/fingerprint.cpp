#include "core/fingerprint.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

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

// Direction of every neighbour offset (dx, dy) within the radius, in 1/2048 turn: a table
// lookup instead of an atan2 per neighbour pair (46 KB; same values as angle_units).
struct DirectionTable {
    static constexpr int kSide = 2 * kCylinderRadius - 1;
    std::uint16_t at[kSide][kSide];
    DirectionTable() {
        for (int dy = -(kCylinderRadius - 1); dy < kCylinderRadius; ++dy)
            for (int dx = -(kCylinderRadius - 1); dx < kCylinderRadius; ++dx)
                at[dy + kCylinderRadius - 1][dx + kCylinderRadius - 1] = static_cast<std::uint16_t>(
                    static_cast<int>(angle_units(static_cast<float>(dx), static_cast<float>(dy)) * 8.0f) & 2047);
    }
};
const DirectionTable kDirections;

// A neighbour's cells factor into ring x sector x direction, so its 128-bit contribution is
// built from three small tables and two multiplications instead of branches:
//  - kDirBins[dtheta]: the direction bins (4 bits) of a relative direction (1/256 turn);
//  - kSectorSpread[alpha >> 6]: the sectors of a relative angle (1/2048 turn), one bit per
//    nibble (sector s -> bit 4s); kSectorMargin is a quarter sector, so alpha / 64 decides it.
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

// Adds a neighbour with ring set `rings`, relative position angle `alpha` (1/2048 turn,
// in [0, 2048)) and relative direction `dtheta` (1/256 turn) to cylinder c.
inline void add_neighbour(Cylinder& c, const std::uint64_t* ring_factors, int alpha, std::uint8_t dtheta) {
    const std::uint64_t row = std::uint64_t{kCells.sector_spread[alpha >> 6] * kCells.dir_bins[dtheta]};
    c.bits[0] |= row * ring_factors[0];
    c.bits[1] |= row * ring_factors[1];
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
    // Sorted as packed 64-bit keys (one integer compare each).
    std::array<std::uint64_t, kMaxMinutiae> keys;
    for (int i = 0; i < n; ++i) {
        const Minutia& m = minutiae[i];
        keys[i] = (std::uint64_t{static_cast<std::uint16_t>(m.y + 32768)} << 32) |
                  (std::uint64_t{static_cast<std::uint16_t>(m.x + 32768)} << 16) | (std::uint64_t{m.angle} << 8) |
                  static_cast<std::uint64_t>(m.type);
    }
    std::sort(keys.begin(), keys.begin() + n);
    for (int i = 0; i < n; ++i)
        t.minutiae[i] = Minutia{static_cast<std::int16_t>(static_cast<int>((keys[i] >> 16) & 0xffff) - 32768),
                                static_cast<std::int16_t>(static_cast<int>((keys[i] >> 32) & 0xffff) - 32768),
                                static_cast<std::uint8_t>(keys[i] >> 8), static_cast<MinutiaType>(keys[i] & 0xff)};
    // Coordinates as plain ints side by side (structure of arrays) for the pair scan.
    constexpr int R = kCylinderRadius;
    std::array<int, kMaxMinutiae> xs, ys, as;
    for (int i = 0; i < n; ++i) {
        xs[i] = t.minutiae[i].x;
        ys[i] = t.minutiae[i].y;
        as[i] = t.minutiae[i].angle;
    }
    for (int i = 0; i < n; ++i) {
        const int xi = xs[i], yi = ys[i], ai = as[i];
        for (int j = i + 1; j < n; ++j) {
            const int dx = xs[j] - xi, dy = ys[j] - yi;
            if (dy >= R) break;
            const int d2 = dx * dx + dy * dy;
            if (d2 >= R * R || d2 == 0) continue;
            // Direction from i to j in 1/2048 turn; from j to i is half a turn more.
            const int ab = kDirections.at[dy + R - 1][dx + R - 1];
            const std::uint64_t* rings = kCells.ring_factors[kRings.mask[d2]];
            add_neighbour(t.cylinders[i], rings, (ab - ai * 8) & 2047, static_cast<std::uint8_t>(as[j] - ai));
            add_neighbour(t.cylinders[j], rings, (ab + 1024 - as[j] * 8) & 2047, static_cast<std::uint8_t>(ai - as[j]));
        }
    }
    for (int i = 0; i < n; ++i)
        t.cylinder_bits[i] = static_cast<std::uint8_t>(std::popcount(t.cylinders[i].bits[0]) + std::popcount(t.cylinders[i].bits[1]));
    return t;
}

}  // namespace core
