#include "station/fingerprint_matcher.hpp"

// Index of this file:
//   [SECTION] Tolerances and tables
//   [SECTION] The local stage, portable
//   [SECTION] The local stage with AVX2 and AVX-512
//   [SECTION] Alignments and agreement
//   [SECTION] Consolidation with AVX-512
//   [SECTION] Pairing and the consolidated similarity
//   [SECTION] The score

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace station {

namespace {

// [SECTION] Tolerances and tables

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
    std::array<float, 256> cos{}, sin{};
    Tables() {
        for (int a = 0; a < 256; ++a) {
            cos[a] = static_cast<float>(std::cos(a * 6.283185307179586 / 256));
            sin[a] = static_cast<float>(std::sin(a * 6.283185307179586 / 256));
        }
    }
};
const Tables kTables;

// [SECTION] The local stage, portable

// Local similarity of two descriptors, 0..256: the Dice overlap 2c / (wa + wb) scaled to 512c / s
// and truncated. Computed as a float quotient because the AVX2 path divides 8 lanes at once; it is
// exact: 512c < 2^17 and s < 2^9, so a quotient that is not an integer lies at least 1/s from the
// next one, far more than a float's rounding error, and truncation gives the integer quotient.
inline std::uint32_t dice(std::uint32_t c, std::uint32_t s) {
    return static_cast<std::uint32_t>(static_cast<float>(512 * c) / static_cast<float>(s));
}

// B's descriptors in columns for the local stage: the two 64-bit halves of every descriptor in
// their own arrays (unusable descriptors emptied, so the inner loop needs no test), padded with
// empty descriptors to whole blocks of 8, and the cells-set counts (never 0: no 0 / 0) in the form
// the kernel of the given vector width reads: integers in natural order (portable), floats divided
// by 512 in natural order (AVX-512, see local_rows_avx512), or floats and indices in the lane order j = 0, 4, 1, 5, 2, 6, 3, 7 in
// which the AVX2 kernel produces the 8 counts of a block. Only that kernel's arrays are filled.
constexpr int kBlock = 8;
constexpr int kColumns = (core::kMaxMinutiae + kBlock - 1) / kBlock * kBlock;
constexpr int kLaneMinutia[kBlock] = {0, 4, 1, 5, 2, 6, 3, 7};

struct DescriptorColumns {
    alignas(64) std::uint64_t lo[kColumns];
    alignas(64) std::uint64_t hi[kColumns];
    alignas(32) std::uint32_t cells[kColumns];       // natural order (portable path)
    alignas(32) float cells_f[kColumns];             // natural order, / 512 (AVX-512 path)
    alignas(32) float cells_lane[kColumns];          // lane order (AVX2 path)
    alignas(32) std::uint32_t index_lane[kColumns];  // lane order (AVX2 path)
    int blocks = 0;
    int count = 0;  // b's minutiae (the AVX-512 kernel steps over these only)

    /// Columns of b's descriptors for the kernel of vector width `width` (512, 256 or 0).
    DescriptorColumns(const core::FingerprintTemplate& b, int width);
};

struct LocalPair {
    std::uint8_t i, j;
    std::uint16_t sim;
};

// Appends row i's best two pairs (keys similarity << 8 | j) if they are similar enough.
inline void keep_best_two(int i, std::uint32_t best1, std::uint32_t best2, LocalPair* pairs, int& np) {
    if ((best1 >> 8) >= kMinLocalSimilarity)
        pairs[np++] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(best1 & 255), static_cast<std::uint16_t>(best1 >> 8)};
    if ((best2 >> 8) >= kMinLocalSimilarity)
        pairs[np++] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(best2 & 255), static_cast<std::uint16_t>(best2 >> 8)};
}

// The local stage, portable: for every usable minutia of A, its two most similar minutiae of B.
// The hot loop needs the hardware popcount; target_clones picks it at load time where the CPU has
// it and keeps a portable version for the rest. Results are identical to local_pairs_avx2.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(SHAILOO_NO_TARGET_CLONES)
[[gnu::target_clones("popcnt", "default")]]
#endif
int local_pairs_portable(const core::FingerprintTemplate& a, const DescriptorColumns& cb, LocalPair* pairs) {
    int np = 0;
    const int nb = cb.blocks * kBlock;
    for (int i = 0; i < a.count; ++i) {
        const std::uint32_t wa = a.cylinder_bits[i];
        if (wa < kMinCylinderBits) continue;
        const std::uint64_t a0 = a.cylinders[i].bits[0], a1 = a.cylinders[i].bits[1];
        std::uint32_t best1 = 0, best2 = 0;
        for (int j = 0; j < nb; ++j) {
            const std::uint32_t c = static_cast<std::uint32_t>(std::popcount(a0 & cb.lo[j]) + std::popcount(a1 & cb.hi[j]));
            const std::uint32_t key = (dice(c, wa + cb.cells[j]) << 8) | static_cast<std::uint32_t>(j);
            const std::uint32_t lo = std::min(best1, key);
            best1 = std::max(best1, key);
            best2 = std::max(best2, lo);
        }
        keep_best_two(i, best1, best2, pairs, np);
    }
    return np;
}

// [SECTION] The local stage with AVX2 and AVX-512

#if defined(__x86_64__) && defined(__GNUC__)
#define SHAILOO_MATCHER_AVX2 1

// The local stage with AVX2, 8 minutiae of B at a time: AND, per-byte popcount by nibble table
// lookups (W. Mula, N. Kurz, D. Lemire, "Faster population counts using AVX2 instructions",
// The Computer Journal 61(1), 2018), byte sums, then the same Dice quotient and keys as the
// portable loop, the best two kept per lane and merged at the end of the row.
[[gnu::target("avx2"), gnu::always_inline]] inline __m256i byte_counts(__m256i v) {
    const __m256i nibble_counts = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                   0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low_nibbles = _mm256_set1_epi8(0x0f);
    const __m256i lo = _mm256_and_si256(v, low_nibbles);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low_nibbles);
    return _mm256_add_epi8(_mm256_shuffle_epi8(nibble_counts, lo), _mm256_shuffle_epi8(nibble_counts, hi));
}

// Merges two sets of per-lane best two keys into (best1, best2).
[[gnu::target("avx2"), gnu::always_inline]] inline void merge_best_two(__m256i& best1, __m256i& best2, __m256i o1, __m256i o2) {
    const __m256i lo = _mm256_min_epu32(best1, o1);
    best1 = _mm256_max_epu32(best1, o1);
    best2 = _mm256_max_epu32(_mm256_max_epu32(best2, o2), lo);
}

// Merges the 8 lanes' best two keys (the best two of a union are among both halves' best two)
// and keeps minutia i's two best local pairs.
[[gnu::target("avx2"), gnu::always_inline]] inline void keep_lane_best_two(int i, __m256i best1, __m256i best2,
                                                                         LocalPair* pairs, int& np) {
    merge_best_two(best1, best2, _mm256_permute2x128_si256(best1, best1, 1), _mm256_permute2x128_si256(best2, best2, 1));
    merge_best_two(best1, best2, _mm256_shuffle_epi32(best1, 0x4e), _mm256_shuffle_epi32(best2, 0x4e));
    merge_best_two(best1, best2, _mm256_shuffle_epi32(best1, 0xb1), _mm256_shuffle_epi32(best2, 0xb1));
    keep_best_two(i, static_cast<std::uint32_t>(_mm256_cvtsi256_si32(best1)),
                  static_cast<std::uint32_t>(_mm256_cvtsi256_si32(best2)), pairs, np);
}

[[gnu::target("avx2,popcnt")]]
int local_pairs_avx2(const core::FingerprintTemplate& a, const DescriptorColumns& cb, LocalPair* pairs) {
    const __m256 scale = _mm256_set1_ps(512.0f);
    int np = 0;
    for (int i = 0; i < a.count; ++i) {
        const std::uint32_t wa = a.cylinder_bits[i];
        if (wa < kMinCylinderBits) continue;
        const __m256i a0 = _mm256_set1_epi64x(static_cast<long long>(a.cylinders[i].bits[0]));
        const __m256i a1 = _mm256_set1_epi64x(static_cast<long long>(a.cylinders[i].bits[1]));
        const __m256 fwa = _mm256_set1_ps(static_cast<float>(wa));
        __m256i best1 = _mm256_setzero_si256(), best2 = _mm256_setzero_si256();
        for (int k = 0; k < cb.blocks; ++k) {
            const int j = k * kBlock;
            const __m256i l0 = _mm256_and_si256(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(cb.lo + j)));
            const __m256i l1 = _mm256_and_si256(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(cb.lo + j + 4)));
            const __m256i h0 = _mm256_and_si256(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(cb.hi + j)));
            const __m256i h1 = _mm256_and_si256(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(cb.hi + j + 4)));
            const __m256i s0 = _mm256_sad_epu8(_mm256_add_epi8(byte_counts(l0), byte_counts(h0)), _mm256_setzero_si256());
            const __m256i s1 = _mm256_sad_epu8(_mm256_add_epi8(byte_counts(l1), byte_counts(h1)), _mm256_setzero_si256());
            const __m256i c = _mm256_or_si256(s0, _mm256_slli_epi64(s1, 32));  // lanes j+0, j+4, j+1, j+5, ...
            const __m256 s = _mm256_add_ps(fwa, _mm256_load_ps(cb.cells_lane + j));
            const __m256i sim = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(c), scale), s));
            const __m256i key = _mm256_or_si256(_mm256_slli_epi32(sim, 8),
                                                _mm256_load_si256(reinterpret_cast<const __m256i*>(cb.index_lane + j)));
            const __m256i lo = _mm256_min_epu32(best1, key);
            best1 = _mm256_max_epu32(best1, key);
            best2 = _mm256_max_epu32(best2, lo);
        }
        keep_lane_best_two(i, best1, best2, pairs, np);
    }
    return np;
}

// Word w (0..3, low first) of B's descriptor j in all 16 lanes, read as 32 bits (no aliasing of lo, hi).
[[gnu::target("avx512f"), gnu::always_inline]] inline __m512i word(const DescriptorColumns& cb, int j, int w) {
    const std::uint64_t* half = w < 2 ? cb.lo : cb.hi;
    return _mm512_broadcastd_epi32(_mm_loadu_si32(reinterpret_cast<const char*>(half + j) + 4 * (w & 1)));
}

// The same with AVX-512, transposed: 16 minutiae of A at a time, one per 32-bit lane, their
// descriptors held as 4 registers of one 32-bit word each (word k of 16 rows), and B's columns
// stepped one at a time with each word broadcast: AND, VPOPCNTD, the same quotient and keys, and
// every lane keeps its own row's best two, so no lanes are merged. The quotient is c / (s / 512):
// s / 512 is exact (s < 2^9), so the true quotient, and hence the rounded one, is the same as
// 512c / s's, one multiplication fewer; a key is made by one double shift of the quotient and
// the column j << 24. G groups of 16 rows share the
// pass over B (more independent work per step). At the end the rows' pairs are interleaved
// (best1, best2 per row) and compressed out in row order; lanes of unusable or absent rows are
// zeroed first, so they keep nothing.
// (GCC 12's AVX-512 intrinsics trip the same false -Wmaybe-uninitialized here as further down.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
template <int G>
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx512vbmi2,avx2,popcnt"), gnu::always_inline]]
inline void local_rows_avx512(const core::FingerprintTemplate& a, const DescriptorColumns& cb, int i, LocalPair* pairs, int& np) {
    static_assert(sizeof(LocalPair) == 4 && sizeof(core::Cylinder) == 16, "a pair is one 32-bit lane, a descriptor 4 words");
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    // Word 0 and 1 (then 2 and 3) of 8 descriptors out of two registers of 4 descriptors each.
    const __m512i words01 = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const __m512i words23 = _mm512_setr_epi32(2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    __m512i d[G][4], best1[G], best2[G];
    __m512 fwa[G];
    __mmask16 use[G];
    for (int g = 0; g < G; ++g) {
        const auto* rows = a.cylinders.data() + i + 16 * g;
        const __m512i r0 = _mm512_loadu_si512(rows), r1 = _mm512_loadu_si512(rows + 4);
        const __m512i r2 = _mm512_loadu_si512(rows + 8), r3 = _mm512_loadu_si512(rows + 12);
        const __m512i t0 = _mm512_permutex2var_epi32(r0, words01, r1), t1 = _mm512_permutex2var_epi32(r0, words23, r1);
        const __m512i t2 = _mm512_permutex2var_epi32(r2, words01, r3), t3 = _mm512_permutex2var_epi32(r2, words23, r3);
        d[g][0] = _mm512_shuffle_i64x2(t0, t2, 0x44), d[g][1] = _mm512_shuffle_i64x2(t0, t2, 0xee);
        d[g][2] = _mm512_shuffle_i64x2(t1, t3, 0x44), d[g][3] = _mm512_shuffle_i64x2(t1, t3, 0xee);
        const __m512i wa =
            _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a.cylinder_bits.data() + i + 16 * g)));
        use[g] = _mm512_mask_cmpge_epu32_mask(_mm512_cmpgt_epi32_mask(_mm512_set1_epi32(a.count - i - 16 * g), iota), wa,
                                              _mm512_set1_epi32(kMinCylinderBits));
        fwa[g] = _mm512_mul_ps(_mm512_cvtepi32_ps(wa), _mm512_set1_ps(1.0f / 512));
        best1[g] = best2[g] = _mm512_setzero_si512();
    }
    for (int j = 0; j < cb.count; ++j) {
        const __m512i w0 = word(cb, j, 0), w1 = word(cb, j, 1), w2 = word(cb, j, 2), w3 = word(cb, j, 3);
        const __m512 wb = _mm512_set1_ps(cb.cells_f[j]);
        const __m512i column = _mm512_set1_epi32(j << 24);
        for (int g = 0; g < G; ++g) {
            const __m512i c = _mm512_add_epi32(_mm512_add_epi32(_mm512_popcnt_epi32(_mm512_and_si512(d[g][0], w0)),
                                                                _mm512_popcnt_epi32(_mm512_and_si512(d[g][1], w1))),
                                               _mm512_add_epi32(_mm512_popcnt_epi32(_mm512_and_si512(d[g][2], w2)),
                                                                _mm512_popcnt_epi32(_mm512_and_si512(d[g][3], w3))));
            const __m512 s = _mm512_add_ps(fwa[g], wb);
            const __m512i sim = _mm512_cvttps_epi32(_mm512_div_ps(_mm512_cvtepi32_ps(c), s));
            const __m512i key = _mm512_shldi_epi32(sim, column, 8);  // sim << 8 | j
            const __m512i lo = _mm512_min_epu32(best1[g], key);
            best1[g] = _mm512_max_epu32(best1[g], key);
            best2[g] = _mm512_max_epu32(best2[g], lo);
        }
    }
    // Rows' (best1, best2) pairs in row order, rows 0-7 then 8-15.
    const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i second = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512i min_pair = _mm512_set1_epi32(kMinLocalSimilarity << 16);
    for (int g = 0; g < G; ++g) {
        const __m512i row = _mm512_add_epi32(iota, _mm512_set1_epi32(i + 16 * g));
        const __m512i p1 = _mm512_maskz_or_epi32(use[g], _mm512_slli_epi32(best1[g], 8), row);
        const __m512i p2 = _mm512_maskz_or_epi32(use[g], _mm512_slli_epi32(best2[g], 8), row);
        const __m512i q0 = _mm512_permutex2var_epi32(p1, first, p2), q1 = _mm512_permutex2var_epi32(p1, second, p2);
        const __mmask16 k0 = _mm512_cmpge_epu32_mask(q0, min_pair), k1 = _mm512_cmpge_epu32_mask(q1, min_pair);
        // Whole stores past the last pair stay inside pairs: at most 2 pairs per row before them.
        _mm512_storeu_si512(pairs + np, _mm512_maskz_compress_epi32(k0, q0));
        np += std::popcount(static_cast<unsigned>(k0));
        _mm512_storeu_si512(pairs + np, _mm512_maskz_compress_epi32(k1, q1));
        np += std::popcount(static_cast<unsigned>(k1));
    }
}

[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx512vbmi2,avx2,popcnt")]]
int local_pairs_avx512(const core::FingerprintTemplate& a, const DescriptorColumns& cb, LocalPair* pairs) {
    int np = 0;
    int i = 0;
    for (; a.count - i > 16; i += 32) local_rows_avx512<2>(a, cb, i, pairs, np);
    if (i < a.count) local_rows_avx512<1>(a, cb, i, pairs, np);
    return np;
}
#pragma GCC diagnostic pop

// DescriptorColumns for the AVX-512 kernel, 8 descriptors per step: the halves split by two
// permutes of the 16 words of 8 descriptors, unusable ones zeroed by the permutes' mask.
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx2,popcnt")]]
void fill_columns_avx512(const core::FingerprintTemplate& b, DescriptorColumns& cb) {
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int k = 0; k < cb.blocks; ++k) {
        const int j = k * kBlock;
        const __m512i c0 = _mm512_loadu_si512(b.cylinders.data() + j), c1 = _mm512_loadu_si512(b.cylinders.data() + j + 4);
        const __m256i bits = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b.cylinder_bits.data() + j)));
        const __mmask8 keep = _mm256_mask_cmpge_epu32_mask(
            _mm256_cmpgt_epi32_mask(_mm256_set1_epi32(b.count), _mm256_add_epi32(iota, _mm256_set1_epi32(j))), bits,
            _mm256_set1_epi32(kMinCylinderBits));
        _mm512_store_si512(cb.lo + j, _mm512_maskz_permutex2var_epi64(keep, c0, even, c1));
        _mm512_store_si512(cb.hi + j, _mm512_maskz_permutex2var_epi64(keep, c0, odd, c1));
        _mm256_store_ps(cb.cells_f + j, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_max_epu32(bits, _mm256_set1_epi32(1))),
                                                      _mm256_set1_ps(1.0f / 512)));
    }
}

// The widest vector unit this CPU has for the local stage: 512 (AVX-512 with VPOPCNTDQ and VBMI2), 256 (AVX2) or 0.
const int kVectorWidth = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vpopcntdq") &&
        __builtin_cpu_supports("avx512vbmi2"))
        return 512;
    return __builtin_cpu_supports("avx2") ? 256 : 0;
}();
#endif

DescriptorColumns::DescriptorColumns(const core::FingerprintTemplate& b, int width) : blocks((b.count + kBlock - 1) / kBlock), count(b.count) {
#ifdef SHAILOO_MATCHER_AVX2
    if (width >= 512) {
        fill_columns_avx512(b, *this);
        return;
    }
#endif
    for (int j = 0; j < blocks * kBlock; ++j) {
        const auto keep = 0 - static_cast<std::uint64_t>((j < b.count) && b.cylinder_bits[j] >= kMinCylinderBits);
        lo[j] = b.cylinders[j].bits[0] & keep;
        hi[j] = b.cylinders[j].bits[1] & keep;
        cells[j] = std::max<std::uint32_t>(b.cylinder_bits[j], 1);
    }
    if (width < 256) return;
    for (int k = 0; k < blocks; ++k)
        for (int l = 0; l < kBlock; ++l) {
            const int j = k * kBlock + kLaneMinutia[l];
            cells_lane[k * kBlock + l] = static_cast<float>(cells[j]);
            index_lane[k * kBlock + l] = static_cast<std::uint32_t>(j);
        }
}

// [SECTION] Alignments and agreement

// The local pairs' data side by side, padded to whole chunks of 16 with finite values (the lanes
// past the last pair are computed, then masked off): relative direction (B's minus A's) and both
// positions as floats.
constexpr int kPairChunks = (2 * core::kMaxMinutiae + 15) / 16;

struct PairColumns {
    alignas(64) std::uint8_t dir[kPairChunks * 16];
    alignas(64) float ax[kPairChunks * 16];
    alignas(64) float ay[kPairChunks * 16];
    alignas(64) float bx[kPairChunks * 16];
    alignas(64) float by[kPairChunks * 16];

    /// The data of the first np pairs; AVX-512 where the width allows.
    PairColumns(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b, const LocalPair* pairs, int np, int width);
};

// A candidate alignment: the rotation that takes B's reference minutia onto A's, and both positions.
struct Alignment {
    std::uint8_t rot;
    float cs, sn, rax, ray, rbx, rby;
};

// The alignments proposed by the best local pairs (keys similarity << 8 | (255 - p), most similar
// first or in any order; a key of 0 means no pair and proposes the first pair's alignment again).
void candidate_alignments(const PairColumns& pc, const std::uint32_t (&top)[kCandidates], Alignment (&al)[kCandidates]) {
    for (int c = 0; c < kCandidates; ++c) {
        const int r = 255 - static_cast<int>((top[c] ? top[c] : top[0]) & 255);
        const std::uint8_t rot = pc.dir[r];
        al[c] = {rot, kTables.cos[rot], kTables.sin[rot], pc.ax[r], pc.ay[r], pc.bx[r], pc.by[r]};
    }
}

// The pairs of `chunks` chunks of 16 that agree with an alignment, as a bit mask, without a branch
// per pair (whether a pair agrees is hard to predict): (1) direction: the signed difference shifted
// by the tolerance, as unsigned, is at most twice the tolerance; (2) position: B's minutia, turned
// and moved onto A, lies within the tolerance of A's. SSE2 four or sixteen pairs at a time; the same
// float operations in the same order as the scalar form, so the same results.
unsigned __int128 agreement(const PairColumns& pc, int chunks, const Alignment& al) {
    unsigned __int128 agree = 0;
#if defined(__SSE2__)
    const __m128i shift = _mm_set1_epi8(static_cast<char>(kAngleTolerance - al.rot));
    const __m128i limit = _mm_set1_epi8(2 * kAngleTolerance);
    const __m128 vcs = _mm_set1_ps(al.cs), vsn = _mm_set1_ps(al.sn), vnsn = _mm_set1_ps(-al.sn);
    const __m128 vrax = _mm_set1_ps(al.rax), vray = _mm_set1_ps(al.ray), vrbx = _mm_set1_ps(al.rbx), vrby = _mm_set1_ps(al.rby);
    const __m128 t0 = _mm_set1_ps(kT0 * kT0), slope = _mm_set1_ps(kSlope * kSlope);
    for (int k = 0; k < chunks; ++k) {
        const __m128i d = _mm_add_epi8(_mm_load_si128(reinterpret_cast<const __m128i*>(pc.dir + 16 * k)), shift);
        auto bits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, limit), d)));
        unsigned near = 0;
        for (int q = 0; q < 4; ++q) {
            const int p = 16 * k + 4 * q;
            const __m128 bx = _mm_sub_ps(_mm_load_ps(pc.bx + p), vrbx), by = _mm_sub_ps(_mm_load_ps(pc.by + p), vrby);
            const __m128 ax = _mm_sub_ps(_mm_load_ps(pc.ax + p), vrax), ay = _mm_sub_ps(_mm_load_ps(pc.ay + p), vray);
            const __m128 ex = _mm_sub_ps(_mm_add_ps(_mm_mul_ps(vcs, bx), _mm_mul_ps(vsn, by)), ax);
            const __m128 ey = _mm_sub_ps(_mm_add_ps(_mm_mul_ps(vnsn, bx), _mm_mul_ps(vcs, by)), ay);
            const __m128 e2 = _mm_add_ps(_mm_mul_ps(ex, ex), _mm_mul_ps(ey, ey));
            const __m128 tol = _mm_add_ps(t0, _mm_mul_ps(slope, _mm_add_ps(_mm_mul_ps(ax, ax), _mm_mul_ps(ay, ay))));
            near |= static_cast<unsigned>(_mm_movemask_ps(_mm_cmple_ps(e2, tol))) << (4 * q);
        }
        agree |= static_cast<unsigned __int128>(bits & near) << (16 * k);
    }
#else
    for (int p = 0; p < chunks * 16; ++p) {
        const float bx = pc.bx[p] - al.rbx, by = pc.by[p] - al.rby, ax = pc.ax[p] - al.rax, ay = pc.ay[p] - al.ray;
        const float ex = al.cs * bx + al.sn * by - ax, ey = -al.sn * bx + al.cs * by - ay;
        const bool ok = static_cast<std::uint8_t>(pc.dir[p] - al.rot + kAngleTolerance) <= 2 * kAngleTolerance &&
                        ex * ex + ey * ey <= kT0 * kT0 + kSlope * kSlope * (ax * ax + ay * ay);
        agree |= static_cast<unsigned __int128>(ok) << p;
    }
#endif
    return agree;
}

// [SECTION] Consolidation with AVX-512

#ifdef SHAILOO_MATCHER_AVX2
// GCC 12's AVX-512 intrinsics start many results from _mm512_undefined_epi32(), which trips false
// -Wmaybe-uninitialized warnings once inlined here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

// PairColumns with AVX-512, 16 pairs per step: each template's minutiae gathered twice, as 32-bit
// words at bytes 0 (x, y) and 2 (y, angle) of each 6-byte minutia. Lanes past np gather minutia 0.
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx2,popcnt")]]
void fill_pairs_avx512(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b, const LocalPair* pairs, int np,
                       PairColumns& pc) {
    static_assert(sizeof(core::Minutia) == 6 && offsetof(core::Minutia, y) == 2 && offsetof(core::Minutia, angle) == 4,
                  "a minutia is x, y, angle, type in 6 bytes");
    const __m512i byte = _mm512_set1_epi32(255);
    for (int k = 0; 16 * k < np; ++k) {
        const auto live = static_cast<__mmask16>((1u << std::min(np - 16 * k, 16)) - 1);
        const __m512i v = _mm512_maskz_loadu_epi32(live, pairs + 16 * k);
        // Byte offsets 6i and 6j as 3i and 3j at scale 2.
        const __m512i i3 = _mm512_mullo_epi32(_mm512_and_si512(v, byte), _mm512_set1_epi32(3));
        const __m512i j3 = _mm512_mullo_epi32(_mm512_and_si512(_mm512_srli_epi32(v, 8), byte), _mm512_set1_epi32(3));
        const __m512i a_xy = _mm512_i32gather_epi32(i3, a.minutiae.data(), 2);
        const __m512i b_xy = _mm512_i32gather_epi32(j3, b.minutiae.data(), 2);
        const __m512i a_ya = _mm512_i32gather_epi32(_mm512_add_epi32(i3, _mm512_set1_epi32(1)), a.minutiae.data(), 2);
        const __m512i b_ya = _mm512_i32gather_epi32(_mm512_add_epi32(j3, _mm512_set1_epi32(1)), b.minutiae.data(), 2);
        _mm_store_si128(reinterpret_cast<__m128i*>(pc.dir + 16 * k),
                        _mm512_cvtepi32_epi8(_mm512_sub_epi32(_mm512_srli_epi32(b_ya, 16), _mm512_srli_epi32(a_ya, 16))));
        _mm512_store_ps(pc.ax + 16 * k, _mm512_cvtepi32_ps(_mm512_srai_epi32(_mm512_slli_epi32(a_xy, 16), 16)));
        _mm512_store_ps(pc.ay + 16 * k, _mm512_cvtepi32_ps(_mm512_srai_epi32(a_xy, 16)));
        _mm512_store_ps(pc.bx + 16 * k, _mm512_cvtepi32_ps(_mm512_srai_epi32(_mm512_slli_epi32(b_xy, 16), 16)));
        _mm512_store_ps(pc.by + 16 * k, _mm512_cvtepi32_ps(_mm512_srai_epi32(b_xy, 16)));
    }
}

// The keys of the kCandidates best local pairs with AVX-512, in any order (the consolidation takes
// the best of their sums): all keys in six registers, the largest found by a butterfly of maxima
// and removed, five times over. Fixed work instead of the scalar insertion's per-pair chain.
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx2,popcnt")]]
void best_keys_avx512(const LocalPair* pairs, int np, std::uint32_t (&top)[kCandidates]) {
    static_assert(sizeof(LocalPair) == 4, "a pair is one 32-bit lane: i | j << 8 | similarity << 16");
    static_assert(kPairChunks == 6, "the maxima below take six registers of keys");
    const __m512i rank = _mm512_setr_epi32(255, 254, 253, 252, 251, 250, 249, 248, 247, 246, 245, 244, 243, 242, 241, 240);
    __m512i keys[kPairChunks];
    for (int k = 0; k < kPairChunks; ++k) {
        const auto live = static_cast<__mmask16>((1u << std::clamp(np - 16 * k, 0, 16)) - 1);
        const __m512i v = _mm512_maskz_loadu_epi32(live, pairs + 16 * k);
        keys[k] = _mm512_maskz_or_epi32(live, _mm512_slli_epi32(_mm512_srli_epi32(v, 16), 8),
                                        _mm512_sub_epi32(rank, _mm512_set1_epi32(16 * k)));
    }
    for (int c = 0; c < kCandidates; ++c) {
        __m512i m = _mm512_max_epu32(_mm512_max_epu32(_mm512_max_epu32(keys[0], keys[1]), _mm512_max_epu32(keys[2], keys[3])),
                                     _mm512_max_epu32(keys[4], keys[5]));
        m = _mm512_max_epu32(m, _mm512_shuffle_i32x4(m, m, _MM_SHUFFLE(1, 0, 3, 2)));
        m = _mm512_max_epu32(m, _mm512_shuffle_i32x4(m, m, _MM_SHUFFLE(2, 3, 0, 1)));
        m = _mm512_max_epu32(m, _mm512_shuffle_epi32(m, _MM_PERM_BADC));
        m = _mm512_max_epu32(m, _mm512_shuffle_epi32(m, _MM_PERM_CDAB));
        top[c] = static_cast<std::uint32_t>(_mm512_cvtsi512_si32(m));
        for (auto& v : keys) v = _mm512_maskz_mov_epi32(_mm512_cmplt_epu32_mask(v, m), v);
    }
}

// Short names for the arithmetic below. Each operation rounds on its own, as in the portable
// code: the build turns FMA contraction off (CMakeLists.txt).
[[gnu::target("avx512f"), gnu::always_inline]] inline __m512 mul(__m512 a, __m512 b) { return _mm512_mul_ps(a, b); }
[[gnu::target("avx512f"), gnu::always_inline]] inline __m512 add(__m512 a, __m512 b) { return _mm512_add_ps(a, b); }
[[gnu::target("avx512f"), gnu::always_inline]] inline __m512 sub(__m512 a, __m512 b) { return _mm512_sub_ps(a, b); }

// agreement for all kCandidates alignments with AVX-512, 16 pairs per step: each chunk's pair data
// loaded once for all five; the same float operations in the same order, each rounded (mul, add, sub above).
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx2,popcnt")]]
void agreement_avx512(const PairColumns& pc, int chunks, const Alignment (&al)[kCandidates],
                      unsigned __int128 (&agree)[kCandidates]) {
    std::uint16_t masks[kCandidates][8] = {};  // 16 pairs a word, words in pair order
    static_assert(kPairChunks <= 8, "a candidate's masks fill 128 bits");
    const __m128i limit = _mm_set1_epi8(2 * kAngleTolerance);
    const __m512 t0 = _mm512_set1_ps(kT0 * kT0), slope = _mm512_set1_ps(kSlope * kSlope);
    for (int k = 0; k < chunks; ++k) {
        const __m128i dir = _mm_load_si128(reinterpret_cast<const __m128i*>(pc.dir + 16 * k));
        const __m512 pax = _mm512_load_ps(pc.ax + 16 * k), pay = _mm512_load_ps(pc.ay + 16 * k);
        const __m512 pbx = _mm512_load_ps(pc.bx + 16 * k), pby = _mm512_load_ps(pc.by + 16 * k);
        for (int c = 0; c < kCandidates; ++c) {
            const __mmask16 turned =
                _mm_cmple_epu8_mask(_mm_add_epi8(dir, _mm_set1_epi8(static_cast<char>(kAngleTolerance - al[c].rot))), limit);
            const __m512 cs = _mm512_set1_ps(al[c].cs), sn = _mm512_set1_ps(al[c].sn), nsn = _mm512_set1_ps(-al[c].sn);
            const __m512 bx = sub(pbx, _mm512_set1_ps(al[c].rbx)), by = sub(pby, _mm512_set1_ps(al[c].rby));
            const __m512 ax = sub(pax, _mm512_set1_ps(al[c].rax)), ay = sub(pay, _mm512_set1_ps(al[c].ray));
            const __m512 ex = sub(add(mul(cs, bx), mul(sn, by)), ax);
            const __m512 ey = sub(add(mul(nsn, bx), mul(cs, by)), ay);
            const __m512 e2 = add(mul(ex, ex), mul(ey, ey));
            const __m512 tol = add(t0, mul(slope, add(mul(ax, ax), mul(ay, ay))));
            masks[c][k] = _mm512_mask_cmp_ps_mask(turned, e2, tol, _CMP_LE_OS);
        }
    }
    for (int c = 0; c < kCandidates; ++c) std::memcpy(&agree[c], masks[c], sizeof agree[c]);
}

// Per candidate, a bound on its greedy sum: the pairing takes at most one pair a row, and a row's
// first pair is its most similar, so the bound sums each row's first agreeing pair only (a row's
// second pair counts only where its first disagrees). 16 pairs per step by masked adds (the masks
// hold no pair past np, so no lane past np is added).
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx2,popcnt")]]
void agreeing_sums_avx512(const LocalPair* pairs, int chunks, const unsigned __int128 (&agree)[kCandidates], std::uint32_t (&bound)[kCandidates]) {
    const __m512i row = _mm512_set1_epi32(255);
    unsigned __int128 second = 0;  // pairs whose row is the previous pair's (pair 0 has none)
    __m512i last_rows = _mm512_setzero_si512();  // the previous chunk's
    for (int k = 0; k < chunks; ++k) {
        const __m512i rows = _mm512_and_si512(_mm512_loadu_si512(pairs + 16 * k), row);
        const __m512i previous_rows = _mm512_alignr_epi32(rows, last_rows, 15);
        const auto has_previous = static_cast<__mmask16>(k == 0 ? 0xfffe : 0xffff);
        second |= static_cast<unsigned __int128>(_mm512_mask_cmpeq_epi32_mask(has_previous, rows, previous_rows)) << (16 * k);
        last_rows = rows;
    }
    __m512i acc[kCandidates];
    unsigned __int128 counted[kCandidates];
    for (int c = 0; c < kCandidates; ++c) {
        acc[c] = _mm512_setzero_si512();
        counted[c] = agree[c] & ~(second & (agree[c] << 1));
    }
    for (int k = 0; k < chunks; ++k) {
        const __m512i sim = _mm512_srli_epi32(_mm512_loadu_si512(pairs + 16 * k), 16);
        for (int c = 0; c < kCandidates; ++c)
            acc[c] = _mm512_mask_add_epi32(acc[c], static_cast<__mmask16>(counted[c] >> (16 * k)), acc[c], sim);
    }
    for (int c = 0; c < kCandidates; ++c) bound[c] = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(acc[c]));
}
#pragma GCC diagnostic pop
#endif

// [SECTION] Pairing and the consolidated similarity

// Greedy one-to-one pairing of the agreeing pairs in pair order (rows ascending, each row's best
// first): the sum of the similarities of the pairs taken. Branch-free per pair: whether a pair is
// taken (its row and B's minutia still free) is hard to predict.
std::uint32_t paired_similarity(const LocalPair* pairs, unsigned __int128 agree) {
    std::uint64_t used_b = 0;
    int last_row = -1;
    std::uint32_t sum = 0;
    for (int h = 0; h < 2; ++h)
        for (auto bits = static_cast<std::uint64_t>(agree >> (64 * h)); bits != 0; bits &= bits - 1) {
            const LocalPair& q = pairs[64 * h + std::countr_zero(bits)];
            const std::uint64_t take = (q.i != last_row) & ~(used_b >> q.j) & 1;
            used_b |= take << q.j;
            last_row = take ? q.i : last_row;
            sum += take ? q.sim : 0u;
        }
    return sum;
}

PairColumns::PairColumns(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b, const LocalPair* pairs, int np,
                         [[maybe_unused]] int width) {
#ifdef SHAILOO_MATCHER_AVX2
    if (width >= 512) {
        fill_pairs_avx512(a, b, pairs, np, *this);
        return;
    }
#endif
    for (int p = 0; p < np; ++p) {
        const core::Minutia& ma = a.minutiae[pairs[p].i];
        const core::Minutia& mb = b.minutiae[pairs[p].j];
        dir[p] = static_cast<std::uint8_t>(mb.angle - ma.angle);
        ax[p] = ma.x;
        ay[p] = ma.y;
        bx[p] = mb.x;
        by[p] = mb.y;
    }
    for (int p = np; p < (np + 15) / 16 * 16; ++p) dir[p] = 0, ax[p] = ay[p] = bx[p] = by[p] = 0.0f;
}

std::uint32_t consolidated_similarity(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b, int max_vector_width) {
#ifdef SHAILOO_MATCHER_AVX2
    const int width = std::min(kVectorWidth, max_vector_width);
#else
    const int width = 0;
    (void)max_vector_width;
#endif
    std::array<LocalPair, 2 * core::kMaxMinutiae> pairs;
    const DescriptorColumns cb(b, width);
    int np = 0;
#ifdef SHAILOO_MATCHER_AVX2
    if (width >= 512) np = local_pairs_avx512(a, cb, pairs.data());
    else if (width >= 256) np = local_pairs_avx2(a, cb, pairs.data());
    else
#endif
        np = local_pairs_portable(a, cb, pairs.data());
    if (np == 0) return 0;
    // The kCandidates best local pairs: keys similarity << 8 | (255 - p) (earlier pair first on ties).
    std::uint32_t top[kCandidates] = {};
#ifdef SHAILOO_MATCHER_AVX2
    if (width >= 512) best_keys_avx512(pairs.data(), np, top);
    else
#endif
    {
        // One pass keeping a small sorted list of keys. Branch-free (min/max) insertion: whether a
        // pair enters the list is hard to predict.
        auto insert = [](std::uint32_t& slot, std::uint32_t& key) {
            const std::uint32_t hi = slot > key ? slot : key;
            key = slot > key ? key : slot;
            slot = hi;
        };
        for (int p = 0; p < np; ++p) {
            std::uint32_t key = (std::uint32_t{pairs[p].sim} << 8) | static_cast<std::uint32_t>(255 - p);
            for (auto& slot : top) insert(slot, key);
        }
    }
    const PairColumns pc(a, b, pairs.data(), np, width);
    Alignment al[kCandidates];
    candidate_alignments(pc, top, al);
    const int chunks = (np + 15) / 16;
    unsigned __int128 agree[kCandidates];
#ifdef SHAILOO_MATCHER_AVX2
    if (width >= 512) agreement_avx512(pc, chunks, al, agree);
    else
#endif
        for (int c = 0; c < kCandidates; ++c) agree[c] = agreement(pc, chunks, al[c]);
    const unsigned __int128 valid = (static_cast<unsigned __int128>(1) << np) - 1;  // np <= 96
    for (auto& mask : agree) mask &= valid;
    // A candidate's greedy sum is at most a bound (agreeing_sums_avx512); candidates are paired
    // highest bound first, and once no bound left exceeds the best sum so far, none can raise the
    // maximum (AVX-512 only: elsewhere the bound costs a serial loop like the pairing's, and every
    // candidate is paired).
    std::uint32_t bound[kCandidates];
    std::fill(bound, bound + kCandidates, ~0u);
#ifdef SHAILOO_MATCHER_AVX2
    if (width >= 512) agreeing_sums_avx512(pairs.data(), chunks, agree, bound);
#endif
    std::uint32_t best_sum = 0;
    for (;;) {
        const int c = static_cast<int>(std::max_element(bound, bound + kCandidates) - bound);
        if (bound[c] <= best_sum) break;
        best_sum = std::max(best_sum, paired_similarity(pairs.data(), agree[c]));
        bound[c] = 0;
    }
    return best_sum;
}

// [SECTION] The score

// Minutiae with a usable descriptor, but at least kMinMinutiae: a print with very few usable
// minutiae cannot score high (a partial touch must not pass on three lucky pairs).
constexpr int kMinMinutiae = 12;

int usable(const core::FingerprintTemplate& t) {
    // Over all kMaxMinutiae slots, the count a condition, in bytes: a fixed trip count that the
    // compiler turns into three whole vector steps, with no scalar loop.
    std::uint8_t n = 0;
    for (std::uint8_t i = 0; i < core::kMaxMinutiae; ++i)
        n = static_cast<std::uint8_t>(n + ((t.cylinder_bits[i] >= kMinCylinderBits) & (i < t.count)));
    return std::max<int>(n, kMinMinutiae);
}

}  // namespace

double FingerprintMatcher::score(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b) const {
    if (a.count == 0 || b.count == 0) return 0.0;
    const double s = consolidated_similarity(a, b, settings_.max_vector_width) / 256.0;
    const double v = s * s / (static_cast<double>(usable(a)) * usable(b));
    return v > 1.0 ? 1.0 : v;
}

}  // namespace station
