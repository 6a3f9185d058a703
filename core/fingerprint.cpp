#include "core/fingerprint.hpp"

// Index of this file:
//   [SECTION] Finger names
//   [SECTION] Descriptor geometry and tables
//   [SECTION] Sorting the minutiae
//   [SECTION] Descriptors
//   [SECTION] Sorting and descriptors with AVX-512
//   [SECTION] Building a template

#include <algorithm>
#include <bit>
#include <cmath>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace core {

// [SECTION] Finger names

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

// [SECTION] Descriptor geometry and tables

// Descriptor geometry. Cells are soft: a neighbour close to a cell border also sets the
// neighbouring cell, which stands in for MCC's Gaussian spread and absorbs the placement,
// rotation and distortion noise of a new impression. Cell index = ring * 32 + sector * 4 + dir.
constexpr int kRingEdges[5] = {0, 32, 48, 62, kCylinderRadius};  // px
constexpr int kRingMargin = 4;      // px
constexpr int kSectorMargin = 64;   // of a 45-degree sector = 256 steps: about 11 degrees
constexpr int kDirMargin = 14;      // of a 90-degree direction bin = 64 units: about 20 degrees

// Ring k takes r in [edge_k - margin, edge_k+1 + margin): squared distances in [ring_lo2(k), ring_hi2(k)).
constexpr int ring_lo2(int k) {
    const int lo = k == 0 ? 0 : kRingEdges[k] - kRingMargin;
    return lo * lo;
}
constexpr int ring_hi2(int k) {
    const int hi = k == 3 ? kRingEdges[4] : kRingEdges[k + 1] + kRingMargin;
    return hi * hi;
}

// The rings (bit k = ring k, one or two bits) a neighbour at squared distance d2 falls in.
// A table by d2 (5.8 KB) instead of a search.
struct RingTable {
    std::uint8_t mask[kCylinderRadius * kCylinderRadius];
    constexpr RingTable() : mask{} {
        for (int d2 = 0; d2 < kCylinderRadius * kCylinderRadius; ++d2)
            for (int k = 0; k < 4; ++k)
                if (d2 >= ring_lo2(k) && d2 < ring_hi2(k)) mask[d2] = static_cast<std::uint8_t>(mask[d2] | (1 << k));
    }
};
constexpr RingTable kRings;

// Direction of every neighbour offset (dx, dy) within the radius, below or level (dy >= 0: the
// scan only looks down the sorted minutiae), in 1/256 turn: a table lookup instead of an atan2 per
// neighbour pair (11.6 KB, small enough to stay in the L1 cache; same values as angle_units).
// 1/256 turn is all the cells need: the relative angle is taken in steps of 1/32 turn
// (sector_nibbles) after subtracting a direction in whole 1/256 turns.
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
// built from three small tables and an AND instead of branches:
//  - dir_nibbles[dtheta >> 1]: the direction bins (4 bits) of a relative direction (1/256 turn) in
//    both nibbles of a byte; kDirMargin is even, so dtheta / 2 decides them (128 bytes: two
//    registers for a byte permute);
//  - sector_nibbles[alpha >> 3]: the sectors of a relative angle (1/256 turn), a whole nibble per
//    sector (sector s -> bits 4s..4s+3); kSectorMargin is a quarter sector, so alpha / 8 decides it.
//    row = sectors & dirs (the direction byte copied into all four bytes) puts the direction bins
//    into every selected sector's nibble;
//  - ring_factors[rings]: multipliers that copy the 32-bit row into the 32-bit ring slots of
//    the two 64-bit words (1 = low ring, 2^32 = high ring).
static_assert(kSectorMargin == 64, "sector_nibbles resolves the sector margin in steps of 64");
static_assert(kDirMargin % 2 == 0, "dir_nibbles resolves the direction margin in steps of 2");
struct CellTables {
    std::uint8_t dir_nibbles[128]{};
    std::uint32_t sector_nibbles[32]{};
    std::uint64_t ring_factors[16][2]{};
    constexpr CellTables() {
        for (int h = 0; h < 128; ++h) {
            const int d0 = h >> 5, frac = 2 * h & 63;
            unsigned bins = 1u << d0;
            if (frac < kDirMargin) bins |= 1u << ((d0 + 3) & 3);
            else if (frac >= 64 - kDirMargin) bins |= 1u << ((d0 + 1) & 3);
            dir_nibbles[h] = static_cast<std::uint8_t>(bins * 0x11);
        }
        for (int q = 0; q < 32; ++q) {
            const int s0 = q >> 2, quarter = q & 3;
            std::uint32_t sectors = 0xfu << (4 * s0);
            if (quarter == 0) sectors |= 0xfu << (4 * ((s0 + 7) & 7));
            else if (quarter == 3) sectors |= 0xfu << (4 * ((s0 + 1) & 7));
            sector_nibbles[q] = sectors;
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
    return std::uint64_t{kCells.sector_nibbles[alpha >> 3] & kCells.dir_nibbles[dtheta >> 1] * 0x01010101u};
}

// [SECTION] Sorting the minutiae

// Minutiae are kept sorted by y (then x, angle, type): the neighbour search then stops at the
// first minutia a radius below, and the template does not depend on the extractor's order.
// Sorted as packed 64-bit keys (one integer compare each) that carry the input index in the
// low bits, so equal minutiae keep their input order and every key is distinct: any correct
// sort of the keys gives the same order.
struct SortKeys {
    std::array<std::uint64_t, kMaxMinutiae> key;
    int n = 0;
    std::uint32_t y_min = 0xffff, y_max = 0;            // of the biased y (y + 32768)
};

// The keys of the first kMaxMinutiae minutiae: y, x (biased to unsigned), angle, type, input index.
SortKeys sort_keys(std::span<const Minutia> minutiae) {
    SortKeys k;
    k.n = static_cast<int>(std::min<std::size_t>(minutiae.size(), kMaxMinutiae));
    for (int i = 0; i < k.n; ++i) {
        const Minutia& m = minutiae[i];
        const std::uint32_t y = static_cast<std::uint16_t>(m.y + 32768);
        k.key[i] = (std::uint64_t{y} << 38) | (std::uint64_t{static_cast<std::uint16_t>(m.x + 32768)} << 22) |
                   (std::uint64_t{m.angle} << 14) | (std::uint64_t{static_cast<std::uint8_t>(m.type)} << 6) |
                   static_cast<std::uint64_t>(i);
        k.y_min = std::min(k.y_min, y);
        k.y_max = std::max(k.y_max, y);
    }
    return k;
}

// Sorts the keys, portable: first into kBands bands of y between the lowest and the highest (a
// stable counting sort; the band rises with the key), then an insertion sort, which only has to
// order each band. band = (y - y_min) * scale >> 16 with scale = floor(kBands * 2^16 / span): rises
// with y, below kBands.
void sort_keys_portable(SortKeys& k) {
    const int n = k.n;
    constexpr std::uint64_t kBands = 32;
    const std::uint64_t scale = (kBands << 16) / (k.y_max - k.y_min + 1);
    std::array<std::uint64_t, kMaxMinutiae> keys;
    std::array<std::uint8_t, kMaxMinutiae> band;
    std::array<std::uint32_t, kBands + 1> start{};
    for (int i = 0; i < n; ++i) {
        band[i] = static_cast<std::uint8_t>(((k.key[i] >> 38) - k.y_min) * scale >> 16);
        ++start[band[i] + 1];
    }
    for (std::uint64_t b = 1; b <= kBands; ++b) start[b] += start[b - 1];
    for (int i = 0; i < n; ++i) keys[start[band[i]]++] = k.key[i];
    for (int i = 1; i < n; ++i) {
        const std::uint64_t key = keys[i];
        int j = i;
        for (; j > 0 && keys[j - 1] > key; --j) keys[j] = keys[j - 1];
        keys[j] = key;
    }
    std::copy_n(keys.begin(), n, k.key.begin());
}

// The template's minutiae in the order of the sorted keys.
void place_sorted(std::span<const Minutia> minutiae, const SortKeys& k, FingerprintTemplate& t) {
    t.count = static_cast<std::uint8_t>(k.n);
    for (int r = 0; r < k.n; ++r) t.minutiae[r] = minutiae[k.key[r] & 63];
}

// [SECTION] Descriptors

// The descriptors and their cells-set counts of t's sorted minutiae, portable. Hardware popcount
// where the CPU has it (every x86-64 since 2008), a portable one elsewhere.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(SHAILOO_NO_TARGET_CLONES)
[[gnu::target_clones("popcnt", "default")]]
#endif
void describe_portable(FingerprintTemplate& t) {
    const int n = t.count;
    // Coordinates side by side: ints for the pair arithmetic, and (x, y) as interleaved int16
    // for the vector distance test, padded with far-away points so a 4-wide load never reads
    // past the end (lanes past the last minutia are dropped from the result).
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
    const std::uint64_t present = (std::uint64_t{1} << n) - 1;
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
        // (A padding point is a neighbour of a minutia within the radius of (32767, 32767).)
        near &= present;
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
}

// [SECTION] Sorting and descriptors with AVX-512

#if defined(__x86_64__) && defined(__GNUC__)
#define SHAILOO_TEMPLATE_AVX512 1
// GCC 12's AVX-512 intrinsics start many results from _mm512_undefined_epi32(), which trips false
// -Wmaybe-uninitialized warnings once inlined here.
#pragma GCC diagnostic push
#if !defined(__clang__)  // clang has no -Wmaybe-uninitialized (and warns about the unknown group)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"

// The cell rows of 16 neighbour pairs (32-bit lanes; alpha and dtheta in 1/256 turn, any bits above
// the low 8 ignored), as cell_row: the sectors by a two-register permute (its index is the low 5 bits
// of alpha >> 3), the direction byte by a two-register byte permute whose index, bits 1..7 of
// dtheta, VPMULTISHIFTQB puts into all four bytes of the lane (no gather, no multiplication).
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"), gnu::always_inline]]
inline __m512i cell_rows(__m512i alpha, __m512i dtheta) {
    const __m512i sectors = _mm512_permutex2var_epi32(_mm512_loadu_si512(kCells.sector_nibbles), _mm512_srli_epi32(alpha, 3),
                                                      _mm512_loadu_si512(kCells.sector_nibbles + 16));
    const __m512i half = _mm512_multishift_epi64_epi8(_mm512_set1_epi64(0x2121212101010101), dtheta);
    const __m512i dirs = _mm512_permutex2var_epi8(_mm512_loadu_si512(kCells.dir_nibbles), half,
                                                  _mm512_loadu_si512(kCells.dir_nibbles + 64));
    return _mm512_and_si512(sectors, dirs);
}

// The descriptor contributions of 16 pairs from their cell rows: a descriptor is four 32-bit ring
// words (ring k = word k: bits[0] holds rings 0 and 1, bits[1] rings 2 and 3), and word k of pair p
// is its row where the pair lies in ring k (what the multiplication by kCells.ring_factors does).
// A 4x4 transpose within each 128-bit lane makes each pair's words one 128-bit descriptor:
// out[k] holds pairs 4L + k (L = 128-bit lane), i.e. pair p lands in 128-bit slot 4 (p & 3) + (p >> 2).
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"), gnu::always_inline]]
inline void descriptor_parts(__m512i row, const __mmask16 (&in_ring)[4], __m512i (&out)[4]) {
    const __m512i w0 = _mm512_maskz_mov_epi32(in_ring[0], row), w1 = _mm512_maskz_mov_epi32(in_ring[1], row);
    const __m512i w2 = _mm512_maskz_mov_epi32(in_ring[2], row), w3 = _mm512_maskz_mov_epi32(in_ring[3], row);
    const __m512i t0 = _mm512_unpacklo_epi32(w0, w1), t1 = _mm512_unpackhi_epi32(w0, w1);
    const __m512i t2 = _mm512_unpacklo_epi32(w2, w3), t3 = _mm512_unpackhi_epi32(w2, w3);
    out[0] = _mm512_unpacklo_epi64(t0, t2);
    out[1] = _mm512_unpackhi_epi64(t0, t2);
    out[2] = _mm512_unpacklo_epi64(t1, t3);
    out[3] = _mm512_unpackhi_epi64(t1, t3);
}

// Sorts and places t.count minutiae with AVX-512 (t.count set, minutiae its first t.count): the same
// keys as sort_keys, sorted by a bitonic sorting network (K. E. Batcher, "Sorting networks and their
// applications", AFIPS 1968) over the smallest of 8, 16, 32 or 64 slots that holds them, padded with the
// largest key, in 1, 2, 4 or 8 registers of 8 keys (slot = 8 * register + lane), of which the first U
// hold minutiae. A compare-exchange across registers is a min and a max; within a register the partner
// comes from a permute and a blend keeps the min or the max per lane. A register known to hold only
// padding (all R - U at first) needs no sort within it, and a compare-exchange with it is a move; the
// unrolled network tracks them at compile time, so 33 to 48 minutiae cost 6 registers' work, not 8.
// A key holds all 48 bits of its minutia, so the keys are built from the input's bytes and the sorted
// minutiae rebuilt from the sorted keys by byte permutes (VPERMB), without a gather by index and
// without leaving the registers: 8 minutiae (48 bytes, a masked load that never reads past the input)
// per register, the biased y, x, angle and type as bytes 4-5, 2-3, 1, 0 of a lane, shifted up by 6.
template <int U>
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt")]]
void sort_place(std::span<const Minutia> minutiae, FingerprintTemplate& t) {
    static_assert(sizeof(Minutia) == 6, "a minutia is x, y, angle, type packed in 6 bytes");
    constexpr int R = static_cast<int>(std::bit_ceil(static_cast<unsigned>(U)));
    const int n = t.count;
    const auto* in = reinterpret_cast<const std::uint8_t*>(minutiae.data());
    auto* out = reinterpret_cast<std::uint8_t*>(t.minutiae.data());
    // Bytes of lane l: minutia l's type, angle, x, y (bytes 6 and 7 zeroed), and back.
    const __m512i to_key = _mm512_set_epi8(
        0, 0, 45, 44, 43, 42, 46, 47, 0, 0, 39, 38, 37, 36, 40, 41, 0, 0, 33, 32, 31, 30, 34, 35, 0, 0, 27, 26, 25, 24, 28, 29,
        0, 0, 21, 20, 19, 18, 22, 23, 0, 0, 15, 14, 13, 12, 16, 17, 0, 0, 9, 8, 7, 6, 10, 11, 0, 0, 3, 2, 1, 0, 4, 5);
    const __m512i from_key = _mm512_set_epi8(
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 56, 57, 61, 60, 59, 58, 48, 49, 53, 52, 51, 50, 40, 41, 45, 44,
        43, 42, 32, 33, 37, 36, 35, 34, 24, 25, 29, 28, 27, 26, 16, 17, 21, 20, 19, 18, 8, 9, 13, 12, 11, 10, 0, 1, 5, 4, 3, 2);
    constexpr __mmask64 kLaneBytes = 0x3f3f3f3f3f3f3f3f;
    // The +32768 bias of x and y (bit 15 flipped) where they sit after the shift by 6, and the lanes' input index.
    const __m512i bias = _mm512_set1_epi64(std::int64_t{0x8000} << 38 | std::int64_t{0x8000} << 22);
    const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    const __m512i padding = _mm512_set1_epi64(-1);
    __m512i v[R];
#pragma GCC unroll 8
    for (int r = U; r < R; ++r) v[r] = padding;
#pragma GCC unroll 8
    for (int r = 0; r < U; ++r) {
        const int lanes = std::clamp(n - 8 * r, 0, 8);
        const __m512i bytes = _mm512_maskz_loadu_epi8(_cvtu64_mask64((std::uint64_t{1} << 6 * lanes) - 1), in + 48 * r);
        const __m512i fields = _mm512_slli_epi64(_mm512_maskz_permutexvar_epi8(kLaneBytes, to_key, bytes), 6);
        v[r] = _mm512_mask_xor_epi64(padding, static_cast<__mmask8>((1u << lanes) - 1), fields,
                                     _mm512_or_si512(bias, _mm512_add_epi64(lane, _mm512_set1_epi64(8 * r))));
    }
    const __m512i partner[3] = {_mm512_setr_epi64(1, 0, 3, 2, 5, 4, 7, 6), _mm512_setr_epi64(2, 3, 0, 1, 6, 7, 4, 5),
                                _mm512_setr_epi64(4, 5, 6, 7, 0, 1, 2, 3)};
    constexpr unsigned kLower[3] = {0x55, 0x33, 0x0f};  // lanes l with (l & j) == 0, for j = 1, 2, 4
    unsigned only_padding = ((1u << R) - 1) & ~((1u << U) - 1);  // bit r: v[r] holds only padding
    // Slots s ascending in stage (size, stride): (s & size) == 0. The loops count log2 of both, which
    // GCC can unroll fully (not size *= 2, stride /= 2), so that only_padding is a constant everywhere.
    constexpr int kLogSlots = std::countr_zero(8u * R);
#pragma GCC unroll 8
    for (int log_size = 1; log_size <= kLogSlots; ++log_size)
#pragma GCC unroll 8
        for (int log_stride = log_size - 1; log_stride >= 0; --log_stride) {
            const int size = 1 << log_size, stride = 1 << log_stride;
            if (stride >= 8) {
                const int rs = stride / 8;
#pragma GCC unroll 8
                for (int r = 0; r < R; ++r) {
                    if (r & rs) continue;
                    const bool ascending = ((8 * r) & size) == 0;
                    const int to_min = ascending ? r : r | rs, to_max = ascending ? r | rs : r;
                    const unsigned pad_r = only_padding >> r & 1, pad_rs = only_padding >> (r | rs) & 1;
                    if (pad_r | pad_rs) {  // the other register's keys are the mins: a move
                        v[to_min] = pad_r ? v[r | rs] : v[r];
                        v[to_max] = padding;
                        only_padding = (only_padding & ~(1u << to_min)) | (pad_r & pad_rs) << to_min | 1u << to_max;
                        continue;
                    }
                    const __m512i lo = _mm512_min_epu64(v[r], v[r | rs]), hi = _mm512_max_epu64(v[r], v[r | rs]);
                    v[to_min] = lo;
                    v[to_max] = hi;
                }
                continue;
            }
#pragma GCC unroll 8
            for (int r = 0; r < R; ++r) {
                if (only_padding >> r & 1) continue;
                const unsigned ascending = size == 2 ? 0x33 : size == 4 ? 0x0f : ((8 * r) & size) == 0 ? 0xff : 0x00;
                const auto take_min = static_cast<__mmask8>(~(kLower[log_stride] ^ ascending));
                const __m512i p = _mm512_permutexvar_epi64(partner[log_stride], v[r]);
                v[r] = _mm512_mask_blend_epi64(take_min, _mm512_max_epu64(v[r], p), _mm512_min_epu64(v[r], p));
            }
        }
    // The padding keys sort last: the first n slots are the minutiae, each stored as its 6 bytes.
#pragma GCC unroll 8
    for (int r = 0; r < U; ++r) {
        const int lanes = std::clamp(n - 8 * r, 0, 8);
        const __m512i fields = _mm512_srli_epi64(_mm512_xor_si512(v[r], bias), 6);
        _mm512_mask_storeu_epi8(out + 48 * r, _cvtu64_mask64((std::uint64_t{1} << 6 * lanes) - 1),
                                _mm512_permutexvar_epi8(from_key, fields));
    }
}

[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt")]]
void sort_place_avx512(std::span<const Minutia> minutiae, FingerprintTemplate& t) {
    t.count = static_cast<std::uint8_t>(std::min<std::size_t>(minutiae.size(), kMaxMinutiae));
    static_assert(kMaxMinutiae <= 48, "at most 6 registers of minutiae");
    switch ((t.count + 7) / 8) {
        case 1: return sort_place<1>(minutiae, t);
        case 2: return sort_place<2>(minutiae, t);
        case 3: return sort_place<3>(minutiae, t);
        case 4: return sort_place<4>(minutiae, t);
        case 5: return sort_place<5>(minutiae, t);
        default: return sort_place<6>(minutiae, t);
    }
}

// Step (0) of describe_avx512: per minutia, one 32-bit lane of (x, y) as two int16 (x low) for the
// distance test, built for all kMaxMinutiae slots, 16 (96 bytes) at a time by byte permutes, and a
// whole vector of zeros after them (slots past t.count are read, but masked off); returns the angles,
// byte j of one register, which step (2) looks up by VPERMB.
static_assert(sizeof(Minutia) == 6 && kMaxMinutiae % 16 == 0, "16 minutiae of x, y, angle, type in 96 bytes");
static_assert(kMaxMinutiae <= 64, "the angles of all minutiae in one register of 64 bytes");
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"), gnu::always_inline]]
inline __m512i load_positions(const FingerprintTemplate& t, std::uint32_t* xy) {
    const __m512i zero = _mm512_setzero_si512();
    __m512i angles = zero;
    const auto* in = reinterpret_cast<const std::uint8_t*>(t.minutiae.data());
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i first_byte = _mm512_mullo_epi32(lane, _mm512_set1_epi32(0x06060606));  // 6 * lane in each byte
    const __m512i xy_bytes = _mm512_add_epi8(first_byte, _mm512_set1_epi32(0x03020100));
    // Byte b: the angle of minutia b % 16 (byte 6 * (b % 16) + 4 of the 16).
    const __m512i angle_bytes = _mm512_broadcast_i32x4(_mm_setr_epi8(4, 10, 16, 22, 28, 34, 40, 46, 52, 58, 64, 70, 76, 82, 88, 94));
    for (int j0 = 0; j0 < kMaxMinutiae; j0 += 16) {
        const __m512i lo = _mm512_loadu_si512(in + 6 * j0);
        const __m512i hi = _mm512_zextsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 6 * j0 + 64)));
        _mm512_store_si512(xy + j0, _mm512_permutex2var_epi8(lo, xy_bytes, hi));
        angles = _mm512_or_si512(angles, _mm512_maskz_permutex2var_epi8(std::uint64_t{0xffff} << j0, lo, angle_bytes, hi));
    }
    _mm512_store_si512(xy + kMaxMinutiae, zero);
    _mm512_store_si512(xy + kMaxMinutiae + 16, zero);
    return angles;
}

// Step (1) of describe_avx512: pairs (i, j > i) with 0 < d2 < R^2 of the n minutiae at `xy`, as in
// describe_portable (saturated int16 differences, VPMADDWD sums; 0 < d2 < R^2 as one unsigned compare
// of d2 - 1), in one column of four bytes: dx, 4 i, dy, 4 j. |dx| < R and 0 <= dy < R fit a signed
// byte: one VPTERNLOGD keeps the low bytes of the differences and puts in i and j, so that a single
// compress per 16 candidates stores a pair. 4 i and 4 j are the descriptors' offsets in 32-bit words,
// which the scalar loop of step (2) uses as they are. Step (2) recomputes d2 and the index in
// kDirections from dx and dy and looks up the angles of i and j. The column gets a whole vector stored
// per 16 candidates (compressed pairs first), hence 16 spare entries after `pairs`. Returns how many.
static_assert(kCylinderRadius <= 128, "dx and dy of a neighbour fit a signed byte");
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"), gnu::always_inline]]
inline int find_pairs(const std::uint32_t* xy, int n, std::uint32_t* pairs) {
    constexpr int R = kCylinderRadius;
    const auto y = [xy](int j) { return static_cast<int>(static_cast<std::int16_t>(xy[j] >> 16)); };
    int np = 0;
    const std::uint64_t present = (std::uint64_t{1} << n) - 1;
    const __m512i low_bytes = _mm512_set1_epi32(0x00ff00ff);
    // 4 i << 8 | 4 j << 24 for the candidates j = i + 1 + lane.
    __m512i ij_next = _mm512_slli_epi32(_mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                                         _mm512_set1_epi32(1)), 26);
    for (int i = 0; i < n; ++i) {
        const __m512i pos_i = _mm512_set1_epi32(static_cast<int>(xy[i]));
        __m512i ij = ij_next;
        ij_next = _mm512_add_epi32(ij_next, _mm512_set1_epi32(4 << 24 | 4 << 8));
        // The first 16 candidates whatever they are (one past the last minutia is masked off; when the
        // next minutia is a radius or more below, none is near), so that only the rare next 16 (while
        // still less than a radius below) take a branch, one that is seldom taken: well predicted.
        int j0 = i + 1;
        do {
            const __m512i d = _mm512_subs_epi16(_mm512_loadu_si512(xy + j0), pos_i);
            const __m512i d2 = _mm512_madd_epi16(d, d);
            const auto candidates = static_cast<__mmask16>(present >> j0);
            const __mmask16 near = _mm512_mask_cmplt_epu32_mask(candidates, _mm512_sub_epi32(d2, _mm512_set1_epi32(1)),
                                                                _mm512_set1_epi32(R * R - 1));
            _mm512_storeu_si512(pairs + np, _mm512_maskz_compress_epi32(near, _mm512_ternarylogic_epi32(d, low_bytes, ij, 0xea)));
            // A 32-bit POPCNT: GCC narrows the count of a 16-bit mask to a 16-bit POPCNT, whose write
            // to the low 16 bits of a register merges with (so waits for) what it held, here np, which
            // would make each 16 candidates wait for the previous ones' count. The empty asm hides the width.
            unsigned near_bits = _cvtmask16_u32(near);
            asm("" : "+r"(near_bits));
            np += std::popcount(near_bits);
            ij = _mm512_add_epi32(ij, _mm512_set1_epi32(64 << 24));
            j0 += 16;
        } while ((j0 < n) & (y(j0) - y(i) < R));
    }
    return np;
}

// The descriptor parts of 16 pairs for step (2): column entries c (transposed), offsets d and
// directions from i to j ab (as fetched) give each pair's parts for i and for j. The direction is the
// low byte of ab: the bytes above it (the table's next entries) are left, as cell_rows reads only the
// low 8 bits of its arguments.
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"), gnu::always_inline]]
inline void pair_parts(__m512i c, __m512i d, __m512i ab, __m512i angles, __m512i (&parts_i)[4], __m512i (&parts_j)[4]) {
    constexpr int R = kCylinderRadius;
    const __m512i d2 = _mm512_madd_epi16(d, d);
    // Bytes 1 and 3 of each lane: the angles of i and j (VPERMB reads the low 6 bits of each index
    // byte: 4 i >> 2 and 4 j >> 2; bytes 0 and 2 look up junk, which the shifts drop or cell_rows
    // ignores: it reads the low 8 bits only).
    const __m512i a = _mm512_permutexvar_epi8(_mm512_srli_epi32(c, 2), angles);
    const __m512i ai = _mm512_srli_epi32(a, 8), aj = _mm512_srli_epi32(a, 24);
    // A pair's d2 is in [0, R^2), so ring 0 needs no lower bound and ring 3 no upper one (lanes past
    // the last pair are not used).
    static_assert(ring_lo2(0) == 0 && ring_hi2(3) == R * R, "the inner ring starts at 0, the outer one ends at R");
    __mmask16 in_ring[4];
    in_ring[0] = _mm512_cmplt_epi32_mask(d2, _mm512_set1_epi32(ring_hi2(0)));
    for (int k = 1; k < 3; ++k)
        in_ring[k] = _mm512_mask_cmplt_epi32_mask(_mm512_cmpge_epi32_mask(d2, _mm512_set1_epi32(ring_lo2(k))), d2,
                                                  _mm512_set1_epi32(ring_hi2(k)));
    in_ring[3] = _mm512_cmpge_epi32_mask(d2, _mm512_set1_epi32(ring_lo2(3)));
    descriptor_parts(cell_rows(_mm512_sub_epi32(ab, ai), _mm512_sub_epi32(aj, ai)), in_ring, parts_i);
    descriptor_parts(cell_rows(_mm512_sub_epi32(_mm512_add_epi32(ab, _mm512_set1_epi32(128)), aj), _mm512_sub_epi32(ai, aj)),
                     in_ring, parts_j);
}

// Step (2) of describe_avx512: the np pairs' descriptor contributions ORed into t's descriptors.
// d2 and the offset's index in kDirections (dy * width + dx, relative to (0, 0)) by VPMADDWD.
// Direction from i to j by a gather from kDirections (bytes read as 32-bit words: the last
// offset within the radius, (dx, dy) = (12, 75), is 64 bytes before the table's end), from j to i
// half a turn more; the ring words by compares of d2 with the rings' bounds. The 16 pairs are
// loaded in transposed order (lane 4L + k holds pair 4k + L), so that descriptor_parts puts pair p
// in 128-bit slot p. Each pair's part for j is ORed into cylinders[j]; the parts for i, whose
// pairs come in runs of the same i, are ORed in a register instead (a segmented OR: the run so far
// is kept where the previous pair has the same i, without a branch), each prefix stored to own[i]
// (the run's last store leaves its whole OR), and own ORed into the descriptors at the end. A
// load-OR-store per pair on cylinders[i] would make every pair wait for the previous pair's store.
// pairs[-1] is a sentinel whose byte 1 no pair has.
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"), gnu::always_inline]]
inline void or_descriptors(FingerprintTemplate& t, __m512i angles, const std::uint32_t* pairs, int np) {
    constexpr int R = kCylinderRadius;
    const std::uint8_t* directions = &kDirections.at[0][R - 1];
    auto* cylinders = reinterpret_cast<__m128i*>(t.cylinders.data());
    // Zeroed by whole-register stores: `= {}` (or a loop of stores of a known zero, which GCC turns
    // into a memset) compiles to REP STOSQ, whose start-up takes longer than the 12 stores.
    alignas(64) __m128i own[kMaxMinutiae];
    {
        __m512i opaque_zero = _mm512_setzero_si512();
        asm("" : "+v"(opaque_zero));
        for (int c = 0; c < kMaxMinutiae; c += 4) _mm512_store_si512(own + c, opaque_zero);
    }
    const __m512i transposed = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    alignas(64) std::int32_t same_i[16];  // per pair: all ones if the previous pair has the same i
    __m128i run = _mm_setzero_si128();
    auto* own_words = reinterpret_cast<std::uint32_t*>(own);
    auto* cylinder_words = reinterpret_cast<std::uint32_t*>(cylinders);
    // The pairs from b on (zeros past np), transposed, their offsets (dx, dy) as two int16 (the
    // signed bytes 0 and 2 of the column, sign-extended) and their directions from i to j (the low
    // byte of each lane). Fetched for the next batch before this batch's scalar loop, so that the
    // gather's latency overlaps that loop instead of stalling the next batch.
    const auto fetch = [&] [[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"),
                             gnu::always_inline]] (int b, __m512i& c, __m512i& d, __m512i& ab) {
        const auto live = static_cast<__mmask16>((1u << std::min(16, np - b)) - 1);
        c = _mm512_permutexvar_epi32(transposed, _mm512_maskz_loadu_epi32(live, pairs + b));
        d = _mm512_srai_epi16(_mm512_slli_epi16(c, 8), 8);
        ab = _mm512_i32gather_epi32(_mm512_madd_epi16(d, _mm512_set1_epi32(DirectionTable::kWidth << 16 | 1)), directions, 1);
    };
    __m512i next_c, next_d, next_ab;
    if (np > 0) fetch(0, next_c, next_d, next_ab);
    for (int b = 0; b < np; b += 16) {
        const int m = std::min(16, np - b);
        __m512i parts_i[4], parts_j[4];
        pair_parts(next_c, next_d, next_ab, angles, parts_i, parts_j);
        const __m512i i_byte = _mm512_set1_epi32(255 << 8);
        _mm512_store_si512(same_i, _mm512_movm_epi32(_mm512_cmpeq_epi32_mask(
                                       _mm512_and_si512(_mm512_loadu_si512(pairs + b), i_byte),
                                       _mm512_and_si512(_mm512_loadu_si512(pairs + b - 1), i_byte))));
        if (b + 16 < np) fetch(b + 16, next_c, next_d, next_ab);
        const auto* slots_i = reinterpret_cast<const __m128i*>(parts_i);
        const auto* slots_j = reinterpret_cast<const __m128i*>(parts_j);
        for (int p = 0; p < m; ++p) {
            // 4 i and 4 j: the descriptors' offsets in 32-bit words.
            const std::uint32_t i4 = (pairs[b + p] >> 8) & 255, j4 = pairs[b + p] >> 24;
            run = _mm_ternarylogic_epi32(run, _mm_set1_epi32(same_i[p]), slots_i[p], 0xea);  // run & same | part
            _mm_store_si128(reinterpret_cast<__m128i*>(own_words + i4), run);
            auto* cylinder_j = reinterpret_cast<__m128i*>(cylinder_words + j4);
            _mm_storeu_si128(cylinder_j, _mm_or_si128(_mm_loadu_si128(cylinder_j), slots_j[p]));
        }
    }
    for (int c = 0; c < kMaxMinutiae; c += 4)
        _mm512_storeu_si512(cylinders + c, _mm512_or_si512(_mm512_loadu_si512(cylinders + c), _mm512_load_si512(&own[c])));
}

// Step (3) of describe_avx512: cells set, by VPOPCNTQ of the halves of 8 descriptors, the two halves
// of each added (even plus odd 64-bit lanes), narrowed to bytes. Unused descriptors are empty and count 0.
static_assert(kMaxMinutiae % 8 == 0, "descriptors are counted 8 at a time");
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt"), gnu::always_inline]]
inline void count_cells(FingerprintTemplate& t) {
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    for (int c = 0; c < kMaxMinutiae; c += 8) {
        const __m512i lo = _mm512_popcnt_epi64(_mm512_loadu_si512(t.cylinders.data() + c));
        const __m512i hi = _mm512_popcnt_epi64(_mm512_loadu_si512(t.cylinders.data() + c + 4));
        const __m512i sum = _mm512_add_epi64(_mm512_permutex2var_epi64(lo, even, hi), _mm512_permutex2var_epi64(lo, odd, hi));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(t.cylinder_bits.data() + c), _mm512_cvtepi64_epi8(sum));
    }
}

// The same as describe_portable with AVX-512, in three steps: (1) the neighbour pairs, 16 candidates
// at a time, compressed into a list; (2) their descriptor contributions, 16 pairs at a time, ORed into
// the descriptors (j's one pair at a time, i's per run of pairs); (3) the cells-set counts of all
// kMaxMinutiae descriptors. The steps are inlined into this one function (gnu::always_inline).
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vbmi,avx512vpopcntdq,avx2,popcnt")]]
void describe_avx512(FingerprintTemplate& t) {
    alignas(64) std::uint32_t xy[kMaxMinutiae + 32];
    const __m512i angles = load_positions(t, xy);
    constexpr int kMaxPairs = kMaxMinutiae * (kMaxMinutiae - 1) / 2;
    alignas(64) std::uint32_t pairs_and_sentinel[1 + kMaxPairs + 16];
    pairs_and_sentinel[0] = 255 << 8;  // byte 1 = 255, which no pair has
    std::uint32_t* pairs = pairs_and_sentinel + 1;
    const int np = find_pairs(xy, t.count, pairs);
    or_descriptors(t, angles, pairs, np);
    count_cells(t);
}

// The widest vector unit this CPU has for the templates: 512 (AVX-512 with VBMI and VPOPCNTDQ) or 0.
const int kVectorWidth = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                   __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") &&
                   __builtin_cpu_supports("avx512vpopcntdq")
               ? 512
               : 0;
}();
#pragma GCC diagnostic pop
#endif

}  // namespace

// [SECTION] Building a template

int template_vector_width() {
#ifdef SHAILOO_TEMPLATE_AVX512
    return kVectorWidth;
#else
    return 0;
#endif
}

FingerprintTemplate FingerprintTemplate::from_minutiae(std::span<const Minutia> minutiae, int max_vector_width) {
    FingerprintTemplate t;
    if (minutiae.empty()) return t;
#ifdef SHAILOO_TEMPLATE_AVX512
    if (std::min(kVectorWidth, max_vector_width) >= 512) {
        sort_place_avx512(minutiae, t);
        describe_avx512(t);
        return t;
    }
#endif
    (void)max_vector_width;
    SortKeys keys = sort_keys(minutiae);
    sort_keys_portable(keys);
    place_sorted(minutiae, keys, t);
    describe_portable(t);
    return t;
}

}  // namespace core
