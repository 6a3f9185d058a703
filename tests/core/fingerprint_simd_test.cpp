// FingerprintTemplate::from_minutiae against a scalar reference copy of it without vector paths
// (below): every vector path (AVX-512, AVX2) must give the same template, bit for bit, for
// any input, including ones no scanner produces (extreme coordinates, duplicates, more than 48).
#include "core/fingerprint.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <string>
#include <utility>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/random.hpp"

namespace {

using core::FingerprintTemplate;
using core::Minutia;
using core::MinutiaType;

// The reference: core/fingerprint.cpp's from_minutiae and its tables as of commit 68782dc, with one
// change: a neighbour index past the last minutia is dropped (`near &= ...` below). Without it, a
// minutia within the radius of (32767, 32767) found the far-away padding points as neighbours and
// read uninitialised coordinates (undefined behaviour); no template from a sensor is affected.
namespace reference {

constexpr int R = core::kCylinderRadius;
constexpr int kRingEdges[5] = {0, 32, 48, 62, R};
constexpr int kRingMargin = 4;
constexpr int kDirMargin = 14;

struct RingTable {
    std::uint8_t mask[R * R];
    constexpr RingTable() : mask{} {
        for (int d2 = 0; d2 < R * R; ++d2)
            for (int k = 0; k < 4; ++k) {
                const int lo = k == 0 ? 0 : kRingEdges[k] - kRingMargin;
                const int hi = k == 3 ? kRingEdges[4] : kRingEdges[k + 1] + kRingMargin;
                if (d2 >= lo * lo && d2 < hi * hi) mask[d2] = static_cast<std::uint8_t>(mask[d2] | (1 << k));
            }
    }
};
constexpr RingTable kRings;

struct DirectionTable {
    static constexpr int kWidth = 2 * R - 1;
    std::uint8_t at[R][kWidth];
    DirectionTable() {
        for (int dy = 0; dy < R; ++dy)
            for (int dx = -(R - 1); dx < R; ++dx)
                at[dy][dx + R - 1] = static_cast<std::uint8_t>(
                    static_cast<int>(core::angle_units(static_cast<float>(dx), static_cast<float>(dy))) & 255);
    }
};
const DirectionTable kDirections;

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

std::uint64_t cell_row(std::uint8_t alpha, std::uint8_t dtheta) {
    return std::uint64_t{kCells.sector_spread[alpha >> 3] * kCells.dir_bins[dtheta]};
}

FingerprintTemplate from_minutiae(std::span<const Minutia> minutiae) {
    FingerprintTemplate t;
    const int n = static_cast<int>(std::min<std::size_t>(minutiae.size(), core::kMaxMinutiae));
    t.count = static_cast<std::uint8_t>(n);
    std::array<std::uint64_t, core::kMaxMinutiae> keys;
    for (int i = 0; i < n; ++i) {
        const Minutia& m = minutiae[i];
        keys[i] = (std::uint64_t{static_cast<std::uint16_t>(m.y + 32768)} << 38) |
                  (std::uint64_t{static_cast<std::uint16_t>(m.x + 32768)} << 22) | (std::uint64_t{m.angle} << 14) |
                  (std::uint64_t{static_cast<std::uint8_t>(m.type)} << 6) | static_cast<std::uint64_t>(i);
    }
    for (int i = 1; i < n; ++i) {
        const std::uint64_t k = keys[i];
        int j = i;
        for (; j > 0 && keys[j - 1] > k; --j) keys[j] = keys[j - 1];
        keys[j] = k;
    }
    for (int r = 0; r < n; ++r) t.minutiae[r] = minutiae[keys[r] & 63];
    std::array<int, core::kMaxMinutiae> xs, ys, as;
    alignas(16) std::array<std::int16_t, 2 * (core::kMaxMinutiae + 4)> xy;
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
        near &= (std::uint64_t{1} << n) - 1;  // the one change (see above)
        std::uint64_t own0 = 0, own1 = 0;
        for (; near != 0; near &= near - 1) {
            const int j = std::countr_zero(near);
            const int dx = xs[j] - xi, dy = ys[j] - yi;
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

}  // namespace reference

// Where two templates first differ (every field, every slot, including the unused ones), or "".
std::string first_difference(const FingerprintTemplate& a, const FingerprintTemplate& b) {
    if (a.count != b.count) return "count";
    for (int i = 0; i < core::kMaxMinutiae; ++i) {
        if (!(a.minutiae[i] == b.minutiae[i])) return "minutiae[" + std::to_string(i) + "]";
        if (a.cylinders[i].bits[0] != b.cylinders[i].bits[0] || a.cylinders[i].bits[1] != b.cylinders[i].bits[1])
            return "cylinders[" + std::to_string(i) + "]";
        if (a.cylinder_bits[i] != b.cylinder_bits[i]) return "cylinder_bits[" + std::to_string(i) + "]";
    }
    return "";
}

std::int16_t to_i16(long v) { return static_cast<std::int16_t>(std::clamp<long>(v, -32768, 32767)); }

// A random minutiae set of 0..60 minutiae in one of several shapes: a sensor's spread, a dense
// cluster (every pair neighbours, more than 16 per minutia), anywhere in int16, near the int16
// extremes (saturated differences), copies of a few minutiae (same positions), and offsets on the
// ring edges (distances of 28 to 77 px, within a pixel of an edge).
std::vector<Minutia> random_minutiae(core::RandomStream& rs) {
    const int size = static_cast<int>(rs.below(61));
    const int shape = static_cast<int>(rs.below(7));
    std::vector<Minutia> m;
    const long bx = static_cast<long>(rs.below(600)), by = static_cast<long>(rs.below(600));
    std::array<Minutia, 5> pool;
    const std::size_t pool_size = 1 + rs.below(pool.size());
    for (auto& p : pool)
        p = {to_i16(static_cast<long>(rs.below(640))), to_i16(static_cast<long>(rs.below(640))), 0, MinutiaType::ending};
    constexpr int kEdges[] = {28, 32, 36, 44, 48, 52, 58, 62, 66, 75, 76, 77};
    for (int k = 0; k < size; ++k) {
        const int s = shape == 6 ? static_cast<int>(rs.below(6)) : shape;  // 6: a mix of the others
        Minutia p{0, 0, static_cast<std::uint8_t>(rs.below(256)), rs.below(2) ? MinutiaType::bifurcation : MinutiaType::ending};
        switch (s) {
            case 0: p.x = to_i16(static_cast<long>(rs.below(641))); p.y = to_i16(static_cast<long>(rs.below(641))); break;
            case 1: p.x = to_i16(bx + static_cast<long>(rs.below(60))); p.y = to_i16(by + static_cast<long>(rs.below(60))); break;
            case 2: p.x = static_cast<std::int16_t>(rs.next_u64()); p.y = static_cast<std::int16_t>(rs.next_u64()); break;
            case 3: {
                auto extreme = [&] {
                    const long off = static_cast<long>(rs.below(120));
                    return to_i16(rs.below(2) ? 32767 - off : -32768 + off);
                };
                p.x = extreme();
                p.y = extreme();
                break;
            }
            case 4: {
                const Minutia& q = pool[rs.below(pool_size)];
                p.x = q.x;
                p.y = q.y;
                if (rs.below(2)) p.angle = q.angle;
                break;
            }
            default: {
                const long d = kEdges[rs.below(std::size(kEdges))] + static_cast<long>(rs.below(3)) - 1;
                const long dx = static_cast<long>(rs.below(static_cast<std::uint64_t>(2 * d + 1))) - d;
                const long dy = std::lround(std::sqrt(static_cast<double>(d * d - dx * dx))) + static_cast<long>(rs.below(3)) - 1;
                const Minutia& q = pool[rs.below(pool_size)];
                p.x = to_i16(q.x + dx);
                p.y = to_i16(q.y + (rs.below(2) ? dy : -dy));
                break;
            }
        }
        m.push_back(p);
    }
    return m;
}

// Every vector width the dispatch knows; a width wider than the CPU's runs the widest it has.
constexpr int kWidths[] = {512, 256, 0};

TEST(FingerprintTemplateSimd, EveryPathMatchesTheScalarReferenceBitForBit) {
    core::RandomStream rs(20240607, 1);
    int failures = 0;
    for (int c = 0; c < 200'000; ++c) {
        const std::vector<Minutia> m = random_minutiae(rs);
        const FingerprintTemplate want = reference::from_minutiae(m);
        for (const int width : kWidths) {
            const std::string diff = first_difference(want, FingerprintTemplate::from_minutiae(m, width));
            if (!diff.empty() && ++failures <= 5) ADD_FAILURE() << "case " << c << ", width " << width << ": " << diff;
        }
        if (!first_difference(want, FingerprintTemplate::from_minutiae(m)).empty()) ++failures;
    }
    EXPECT_EQ(failures, 0);
}

TEST(FingerprintTemplateSimd, EveryPairGeometryMatchesTheScalarReference) {
    // Two minutiae: every offset within the radius (the direction of the pair), and every pair of
    // angles at a few offsets (all relative angles and directions, for the cell rows' tables).
    int failures = 0;
    auto check = [&](int dx, int dy, int ai, int aj) {
        const std::vector<Minutia> m{{100, 100, static_cast<std::uint8_t>(ai), MinutiaType::ending},
                                     {static_cast<std::int16_t>(100 + dx), static_cast<std::int16_t>(100 + dy),
                                      static_cast<std::uint8_t>(aj), MinutiaType::bifurcation}};
        const FingerprintTemplate want = reference::from_minutiae(m);
        for (const int width : kWidths) {
            const std::string diff = first_difference(want, FingerprintTemplate::from_minutiae(m, width));
            if (!diff.empty() && ++failures <= 5)
                ADD_FAILURE() << "(" << dx << ", " << dy << ") angles " << ai << ", " << aj << ", width " << width << ": " << diff;
        }
    };
    constexpr int R = core::kCylinderRadius;
    for (int dy = 0; dy < R; ++dy)
        for (int dx = -(R - 1); dx < R; ++dx)
            if (dx * dx + dy * dy < R * R && (dx != 0 || dy != 0)) check(dx, dy, 0, 37);
    for (const auto& [dx, dy] : {std::pair{3, 0}, std::pair{-40, 17}, std::pair{0, 70}})
        for (int ai = 0; ai < 256; ++ai)
            for (int aj = 0; aj < 256; ++aj) check(dx, dy, ai, aj);
    EXPECT_EQ(failures, 0);
}

TEST(FingerprintTemplateSimd, TheCpuHasTheVectorUnitsItReports) {
    const int width = core::template_vector_width();
    EXPECT_TRUE(width == 512 || width == 256 || width == 0) << width;
    RecordProperty("template_vector_width", width);
}

TEST(FingerprintTemplateSimd, MinutiaeAtTheInt16CornerHaveNoPhantomNeighbours) {
    // The padding past the last minutia once sat at (32767, 32767) and counted as a neighbour of these.
    const std::vector<Minutia> m{{32767, 32700, 10, MinutiaType::ending}, {32767, 32767, 40, MinutiaType::bifurcation}};
    for (const int width : kWidths) {
        const auto one = FingerprintTemplate::from_minutiae(std::span(m).first(1), width);
        EXPECT_EQ(one.cylinder_bits[0], 0) << width;
        const auto two = FingerprintTemplate::from_minutiae(m, width);
        EXPECT_EQ(first_difference(two, reference::from_minutiae(m)), "") << width;
        for (int i = 2; i < core::kMaxMinutiae; ++i) EXPECT_EQ(two.cylinder_bits[i], 0) << width;
    }
}

}  // namespace
