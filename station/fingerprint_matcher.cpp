#include "station/fingerprint_matcher.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

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
    std::array<float, 256> cos{}, sin{};
    Tables() {
        for (int a = 0; a < 256; ++a) {
            cos[a] = static_cast<float>(std::cos(a * 6.283185307179586 / 256));
            sin[a] = static_cast<float>(std::sin(a * 6.283185307179586 / 256));
        }
    }
};
const Tables kTables;

// Local similarity of two descriptors, 0..256: the Dice overlap 2c / (wa + wb) scaled to 512c / s
// and truncated. Computed as a float quotient because the AVX2 path divides 8 lanes at once; it is
// exact: 512c < 2^17 and s < 2^9, so a quotient that is not an integer lies at least 1/s from the
// next one, far more than a float's rounding error, and truncation gives the integer quotient.
inline std::uint32_t dice(std::uint32_t c, std::uint32_t s) {
    return static_cast<std::uint32_t>(static_cast<float>(512 * c) / static_cast<float>(s));
}

// B's descriptors in columns for the local stage: the two 64-bit halves of every descriptor in
// their own arrays (unusable descriptors emptied, so the inner loop needs no test), padded with
// empty descriptors to whole blocks of 8. The AVX2 kernel produces the 8 counts of a block in the
// lane order j = 0, 4, 1, 5, 2, 6, 3, 7, so cells-set and index are also kept in that order.
constexpr int kBlock = 8;
constexpr int kColumns = (core::kMaxMinutiae + kBlock - 1) / kBlock * kBlock;
constexpr int kLaneMinutia[kBlock] = {0, 4, 1, 5, 2, 6, 3, 7};

struct DescriptorColumns {
    alignas(64) std::uint64_t lo[kColumns];
    alignas(64) std::uint64_t hi[kColumns];
    alignas(32) std::uint32_t cells[kColumns];       // natural order (portable path)
    alignas(32) float cells_f[kColumns];             // natural order (AVX-512 path)
    alignas(32) float cells_lane[kColumns];          // lane order (AVX2 path)
    alignas(32) std::uint32_t index_lane[kColumns];  // lane order (AVX2 path)
    int blocks = 0;

    /// Columns of b's descriptors; the lane-order arrays only when the AVX2 kernel will read them.
    DescriptorColumns(const core::FingerprintTemplate& b, bool lane_order) {
        const int nb = b.count;
        blocks = (nb + kBlock - 1) / kBlock;
        for (int j = 0; j < blocks * kBlock; ++j) {
            const auto keep = 0 - static_cast<std::uint64_t>((j < nb) && b.cylinder_bits[j] >= kMinCylinderBits);
            lo[j] = b.cylinders[j].bits[0] & keep;
            hi[j] = b.cylinders[j].bits[1] & keep;
            cells[j] = std::max<std::uint32_t>(b.cylinder_bits[j], 1);  // never 0: no 0 / 0
            cells_f[j] = static_cast<float>(cells[j]);
        }
        if (!lane_order) return;
        for (int k = 0; k < blocks; ++k)
            for (int l = 0; l < kBlock; ++l) {
                const int j = k * kBlock + kLaneMinutia[l];
                cells_lane[k * kBlock + l] = static_cast<float>(cells[j]);
                index_lane[k * kBlock + l] = static_cast<std::uint32_t>(j);
            }
    }
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
#if defined(__x86_64__) && defined(__GNUC__)
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

// The same with AVX-512: the 64-bit halves' popcounts directly (VPOPCNTDQ), 8 minutiae of B per
// step in their natural order, then the same quotient, keys and merge in 8 lanes of 32 bits.
[[gnu::target("avx512f,avx512vl,avx512dq,avx512bw,avx512vpopcntdq,avx2,popcnt")]]
int local_pairs_avx512(const core::FingerprintTemplate& a, const DescriptorColumns& cb, LocalPair* pairs) {
    const __m256 scale = _mm256_set1_ps(512.0f);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int np = 0;
    for (int i = 0; i < a.count; ++i) {
        const std::uint32_t wa = a.cylinder_bits[i];
        if (wa < kMinCylinderBits) continue;
        const __m512i a0 = _mm512_set1_epi64(static_cast<long long>(a.cylinders[i].bits[0]));
        const __m512i a1 = _mm512_set1_epi64(static_cast<long long>(a.cylinders[i].bits[1]));
        const __m256 fwa = _mm256_set1_ps(static_cast<float>(wa));
        __m256i best1 = _mm256_setzero_si256(), best2 = _mm256_setzero_si256();
        for (int k = 0; k < cb.blocks; ++k) {
            const int j = k * kBlock;
            const __m512i c64 = _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_and_si512(a0, _mm512_load_si512(cb.lo + j))),
                                                 _mm512_popcnt_epi64(_mm512_and_si512(a1, _mm512_load_si512(cb.hi + j))));
            // (the masked form of VPMOVQD: the plain intrinsic trips a false -Wmaybe-uninitialized in GCC 12)
            const __m256i c = _mm512_mask_cvtepi64_epi32(_mm256_setzero_si256(), 0xff, c64);
            const __m256 s = _mm256_add_ps(fwa, _mm256_load_ps(cb.cells_f + j));
            const __m256i sim = _mm256_cvttps_epi32(_mm256_div_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(c), scale), s));
            const __m256i key = _mm256_or_si256(_mm256_slli_epi32(sim, 8), _mm256_add_epi32(iota, _mm256_set1_epi32(j)));
            const __m256i lo = _mm256_min_epu32(best1, key);
            best1 = _mm256_max_epu32(best1, key);
            best2 = _mm256_max_epu32(best2, lo);
        }
        keep_lane_best_two(i, best1, best2, pairs, np);
    }
    return np;
}

// The widest vector unit this CPU has for the local stage: 512 (AVX-512 with VPOPCNTDQ), 256 (AVX2) or 0.
const int kVectorWidth = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vpopcntdq"))
        return 512;
    return __builtin_cpu_supports("avx2") ? 256 : 0;
}();
#endif

std::uint32_t consolidated_similarity(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b, int max_vector_width) {
    std::array<LocalPair, 2 * core::kMaxMinutiae> pairs;
#ifdef SHAILOO_MATCHER_AVX2
    const int width = std::min(kVectorWidth, max_vector_width);
    const DescriptorColumns cb(b, width == 256);
#else
    const DescriptorColumns cb(b, false);
#endif
    int np = 0;
#ifdef SHAILOO_MATCHER_AVX2
    if (width >= 512) np = local_pairs_avx512(a, cb, pairs.data());
    else if (width >= 256) np = local_pairs_avx2(a, cb, pairs.data());
    else
#endif
        np = local_pairs_portable(a, cb, pairs.data());
    (void)max_vector_width;
    if (np == 0) return 0;
    // The kCandidates best local pairs, most similar first (earlier pair first on ties): one pass
    // keeping a small sorted list of keys similarity << 8 | (255 - p).
    // Branch-free (min/max) insertion: whether a pair enters the list is hard to predict.
    static_assert(kCandidates == 5, "the insertion below keeps five");
    std::uint32_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    auto insert = [](std::uint32_t& slot, std::uint32_t& key) {
        const std::uint32_t hi = slot > key ? slot : key;
        key = slot > key ? key : slot;
        slot = hi;
    };
    for (int p = 0; p < np; ++p) {
        std::uint32_t key = (std::uint32_t{pairs[p].sim} << 8) | static_cast<std::uint32_t>(255 - p);
        insert(t0, key);
        insert(t1, key);
        insert(t2, key);
        insert(t3, key);
        insert(t4, key);
    }
    const std::uint32_t top[kCandidates] = {t0, t1, t2, t3, t4};
    const int nc = std::min(np, kCandidates);
    // Pair data side by side, padded to whole chunks of 16: relative direction (B's minus A's) and
    // both positions as floats.
    constexpr int kPairChunks = (2 * core::kMaxMinutiae + 15) / 16;
    alignas(16) std::uint8_t pdir[kPairChunks * 16] = {};
    alignas(16) float pax[kPairChunks * 16] = {}, pay[kPairChunks * 16] = {};
    alignas(16) float pbx[kPairChunks * 16] = {}, pby[kPairChunks * 16] = {};
    for (int p = 0; p < np; ++p) {
        const core::Minutia& ma = a.minutiae[pairs[p].i];
        const core::Minutia& mb = b.minutiae[pairs[p].j];
        pdir[p] = static_cast<std::uint8_t>(mb.angle - ma.angle);
        pax[p] = ma.x;
        pay[p] = ma.y;
        pbx[p] = mb.x;
        pby[p] = mb.y;
    }
    const int chunks = (np + 15) / 16;
    const unsigned __int128 valid = (static_cast<unsigned __int128>(1) << np) - 1;  // np <= 96
    std::uint32_t best_sum = 0;
    for (int c = 0; c < nc; ++c) {
        const int r = 255 - static_cast<int>(top[c] & 255);
        const std::uint8_t rot = pdir[r];
        const float cs = kTables.cos[rot], sn = kTables.sin[rot];
        const float rax = pax[r], ray = pay[r], rbx = pbx[r], rby = pby[r];
        // The pairs that agree with this alignment, as a bit mask, without a branch per pair (whether
        // a pair agrees is hard to predict): (1) direction: the signed difference shifted by the
        // tolerance, as unsigned, is at most twice the tolerance; (2) position: B's minutia, turned
        // and moved onto A, lies within the tolerance of A's. SSE2 four or sixteen pairs at a time;
        // the same float operations in the same order as the scalar form, so the same results.
        unsigned __int128 agree = 0;
#if defined(__SSE2__)
        const __m128i shift = _mm_set1_epi8(static_cast<char>(kAngleTolerance - rot));
        const __m128i limit = _mm_set1_epi8(2 * kAngleTolerance);
        const __m128 vcs = _mm_set1_ps(cs), vsn = _mm_set1_ps(sn), vnsn = _mm_set1_ps(-sn);
        const __m128 vrax = _mm_set1_ps(rax), vray = _mm_set1_ps(ray), vrbx = _mm_set1_ps(rbx), vrby = _mm_set1_ps(rby);
        const __m128 t0 = _mm_set1_ps(kT0 * kT0), slope = _mm_set1_ps(kSlope * kSlope);
        for (int k = 0; k < chunks; ++k) {
            const __m128i d = _mm_add_epi8(_mm_load_si128(reinterpret_cast<const __m128i*>(pdir + 16 * k)), shift);
            auto bits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, limit), d)));
            unsigned near = 0;
            for (int q = 0; q < 4; ++q) {
                const int p = 16 * k + 4 * q;
                const __m128 bx = _mm_sub_ps(_mm_load_ps(pbx + p), vrbx), by = _mm_sub_ps(_mm_load_ps(pby + p), vrby);
                const __m128 ax = _mm_sub_ps(_mm_load_ps(pax + p), vrax), ay = _mm_sub_ps(_mm_load_ps(pay + p), vray);
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
            const float bx = pbx[p] - rbx, by = pby[p] - rby, ax = pax[p] - rax, ay = pay[p] - ray;
            const float ex = cs * bx + sn * by - ax, ey = -sn * bx + cs * by - ay;
            const bool ok = static_cast<std::uint8_t>(pdir[p] - rot + kAngleTolerance) <= 2 * kAngleTolerance &&
                            ex * ex + ey * ey <= kT0 * kT0 + kSlope * kSlope * (ax * ax + ay * ay);
            agree |= static_cast<unsigned __int128>(ok) << p;
        }
#endif
        agree &= valid;
        // Greedy one-to-one pairing in pair order (rows ascending, each row's best first).
        std::uint64_t used_b = 0;
        int last_row = -1;
        std::uint32_t sum = 0;
        for (; agree != 0; agree &= agree - 1) {
            const auto lo = static_cast<std::uint64_t>(agree);
            const int p = lo ? std::countr_zero(lo) : 64 + std::countr_zero(static_cast<std::uint64_t>(agree >> 64));
            const LocalPair& q = pairs[p];
            if (q.i == last_row || ((used_b >> q.j) & 1)) continue;
            used_b |= std::uint64_t{1} << q.j;
            last_row = q.i;
            sum += q.sim;
        }
        if (sum > best_sum) best_sum = sum;
    }
    return best_sum;
}

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
    const double s = consolidated_similarity(a, b, settings_.max_vector_width) / 256.0;
    const double v = s * s / (static_cast<double>(usable(a)) * usable(b));
    return v > 1.0 ? 1.0 : v;
}

}  // namespace station
