#include "devices/synthetic_finger.hpp"

// Index of this file:
//   [SECTION] Constants, random fields, the ridge model
//   [SECTION] The master finger's minutiae
//   [SECTION] Impressions
//   [SECTION] AVX-512 building blocks
//   [SECTION] AVX-512 minutiae and impressions
//   [SECTION] Public functions

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <new>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace devices {

namespace {

// [SECTION] Constants, random fields, the ridge model

// Random-stream purposes (keys) of this file.
constexpr std::uint64_t kMasterPurpose = 0x66696e6765720001ULL;     // "finger" 1
constexpr std::uint64_t kEnrolmentPurpose = 0x66696e6765720002ULL;  // "finger" 2

// Fingertip contact area: an ellipse of 13 x 17 mm at 500 dpi.
constexpr float kHalfWidth = kFingertipHalfWidth, kHalfHeight = kFingertipHalfHeight;
// Minutiae are spread on a jittered grid (one candidate per cell): even coverage without
// the cost of Poisson-disk sampling. 36 px is about 4 ridge periods.
constexpr float kCell = 36.0f;
// Sensor window (a 25.6 x 32 mm platen at 500 dpi): impressions are placed around its centre.
constexpr float kSensorWidth = 512.0f, kSensorHeight = 640.0f;

// Scales of the random fields and of the small conversions below (shared with the vector path).
constexpr float kUnit16 = 1.0f / 65536.0f, kUnit8 = 1.0f / 256.0f;
constexpr float kBellStep = 2.4494897f / 256.0f;
constexpr float kRoundOffset = 16384.5f;
constexpr int kRoundBias = 16384;

float unit16(std::uint64_t bits, int field) {  // uniform in [0, 1) from a 16-bit field
    return static_cast<float>((bits >> (16 * field)) & 0xffff) * kUnit16;
}
float unit8(std::uint64_t bits, int field) {  // uniform in [0, 1) from an 8-bit field
    return static_cast<float>((bits >> (8 * field)) & 0xff) * kUnit8;
}
// Approximately standard normal from two 8-bit fields: the sum of two uniforms (triangular,
// variance 1/6) rescaled, centred on 0, in steps of 0.01. Cheap and bounded (|z| < 2.45), which
// is what capture noise needs.
float bell8(std::uint64_t bits, int field) {
    const int sum = static_cast<int>(((bits >> (8 * field)) & 0xff) + ((bits >> (8 * field + 8)) & 0xff)) - 255;
    return static_cast<float>(sum) * kBellStep;
}
float wrap256(float a) {  // into [0, 256) for a in [-1024, 3072), in steps of 1/256 unit; branch-free
    return static_cast<float>(static_cast<int>((a + 1024.0f) * 256.0f) & 0xffff) * kUnit8;
}
// Nearest integer for |v| < 16384 without a libm call (the offset makes truncation round down).
int round_px(float v) { return static_cast<int>(v + kRoundOffset) - kRoundBias; }

enum class Pattern { arch, left_loop, right_loop, whorl };

// The grid cells (lower-left corners, row by row) whose candidate area, [0.1, 0.9] of the cell,
// reaches the fingertip ellipse: the others could never keep a minutia, so they are not drawn.
struct GridCells {
    static constexpr int kMax = 128;
    float x[kMax]{}, y[kMax]{};
    int count = 0;
    constexpr GridCells() {
        for (float gy = -kHalfHeight; gy < kHalfHeight; gy += kCell)
            for (float gx = -kHalfWidth; gx < kHalfWidth; gx += kCell) {
                // The point of the area nearest the centre, in ellipse units (the terms are separable).
                const float lx = gx + 0.1f * kCell, hx = gx + 0.9f * kCell, ly = gy + 0.1f * kCell, hy = gy + 0.9f * kCell;
                const float nx = lx > 0 ? lx : hx < 0 ? hx : 0.0f, ny = ly > 0 ? ly : hy < 0 ? hy : 0.0f;
                if ((nx / kHalfWidth) * (nx / kHalfWidth) + (ny / kHalfHeight) * (ny / kHalfHeight) > 1.0f) continue;
                x[count] = gx;
                y[count] = gy;
                ++count;
            }
    }
};
constexpr GridCells kGridCells;

// cos and sin of the 256 angle units: table lookups instead of libm calls per spurious minutia.
struct UnitCircle {
    std::array<float, 256> cos{}, sin{};
    UnitCircle() {
        for (int a = 0; a < 256; ++a) {
            cos[a] = static_cast<float>(std::cos(a * 6.283185307179586 / 256));
            sin[a] = static_cast<float>(std::sin(a * 6.283185307179586 / 256));
        }
    }
};
const UnitCircle kUnitCircle;

// The finger's ridge pattern and minutiae density: the first draws of its stream.
struct RidgeModel : RidgeOrientation {
    float keep = 0;  // share of the candidates kept

    explicit RidgeModel(core::RandomStream& rs) {
        // Pattern class frequencies: loops about 65 %, whorls 30 %, arches 5 % (Henry classes).
        const double p = rs.uniform();
        const Pattern pattern = p < 0.05 ? Pattern::arch : p < 0.38 ? Pattern::left_loop
                              : p < 0.70 ? Pattern::right_loop : Pattern::whorl;
        const float cx = static_cast<float>(rs.uniform() * 40 - 20), cy = static_cast<float>(rs.uniform() * 40 - 40);
        const float side = pattern == Pattern::left_loop ? -1.0f : 1.0f;
        if (pattern == Pattern::left_loop || pattern == Pattern::right_loop) {
            cores[0] = {cx, cy};
            deltas[0] = {cx + side * static_cast<float>(70 + rs.uniform() * 40), cy + static_cast<float>(100 + rs.uniform() * 40)};
            ncores = 1;
        } else if (pattern == Pattern::whorl) {
            const float s = static_cast<float>(10 + rs.uniform() * 20);
            cores[0] = {cx - s, cy};
            cores[1] = {cx + s, cy + static_cast<float>(rs.uniform() * 20 - 10)};
            deltas[0] = {cx - static_cast<float>(90 + rs.uniform() * 30), cy + static_cast<float>(110 + rs.uniform() * 30)};
            deltas[1] = {cx + static_cast<float>(90 + rs.uniform() * 30), cy + static_cast<float>(110 + rs.uniform() * 30)};
            ncores = 2;
        }
        base = static_cast<float>(rs.uniform() * 12 - 6);
        keep = static_cast<float>(0.55 + rs.uniform() * 0.25);  // minutiae density differs between fingers
    }

    float orientation(float x, float y) const { return at(x, y); }
};

// [SECTION] The master finger's minutiae

// Whether the draw of a kept candidate makes it a bifurcation (45 %).
constexpr std::uint64_t kBifurcationBelow = 115;

// The master finger's minutiae from the rest of its stream, in two passes: the cells' candidates
// first, kept without a branch (whether a candidate is kept is a coin toss, which a branch would
// mispredict half the time), then their directions.
void place_minutiae_portable(const RidgeModel& model, core::RandomStream& rs, SyntheticFinger& f) {
    std::array<std::uint64_t, kMaxMasterMinutiae> kept_bits;
    int n = 0;
    for (int c = 0; c < kGridCells.count && n < kMaxMasterMinutiae; ++c) {
        const std::uint64_t bits = rs.next_u64();
        const float x = kGridCells.x[c] + kCell * (0.1f + 0.8f * unit16(bits, 0));
        const float y = kGridCells.y[c] + kCell * (0.1f + 0.8f * unit16(bits, 1));
        const float ex = x * (1.0f / kHalfWidth), ey = y * (1.0f / kHalfHeight);
        f.minutiae[n].x = x;
        f.minutiae[n].y = y;
        kept_bits[n] = bits;
        n += static_cast<int>((ex * ex + ey * ey <= 1.0f) & (unit16(bits, 2) < model.keep));
    }
    f.count = n;
    for (int i = 0; i < n; ++i) {
        MasterMinutia& m = f.minutiae[i];
        const std::uint64_t bits = kept_bits[i];
        // A minutia points along its ridge, one way or the other.
        m.angle = wrap256(model.orientation(m.x, m.y) + static_cast<float>((bits >> 48) & 1) * 128.0f);
        m.type = ((bits >> 49) & 0xff) < kBifurcationBelow ? core::MinutiaType::bifurcation : core::MinutiaType::ending;
    }
}

// [SECTION] Impressions

// One capture: placement, distortion, partial contact and noise levels, from the first three draws.
struct Capture {
    float cr, sr, tx, ty, rot_units;
    float e1, e2, e3, e4, e5;
    float ccx, ccy, inv_a, inv_b;
    float p_missing, p_flip, pos_sd, dir_sd;
    int spurious;

    Capture(const CaptureConditions& conditions, core::RandomStream& stream) {
        const float bad = static_cast<float>(1.0 - capture_quality(conditions));
        const std::uint64_t g0 = stream.next_u64(), g1 = stream.next_u64(), g2 = stream.next_u64();
        // Placement on the platen.
        const float rot = (unit16(g0, 0) * 2 - 1) * 0.314f;  // +-18 degrees
        tx = (unit16(g0, 1) * 2 - 1) * 35.0f;
        ty = (unit16(g0, 2) * 2 - 1) * 35.0f;
        cr = std::cos(rot);
        sr = std::sin(rot);
        rot_units = rot * (256.0f / 6.2831853f);
        // Elastic distortion: a smooth displacement field (affine strain plus quadratic bending)
        // whose strength grows with pressure and poor skin; a few pixels at the fingertip's edge.
        const float strain = 0.02f + 0.04f * bad;
        e1 = (unit16(g1, 0) * 2 - 1) * strain;
        e2 = (unit16(g1, 1) * 2 - 1) * strain;
        e3 = (unit16(g1, 2) * 2 - 1) * strain;
        e4 = (unit16(g1, 3) * 2 - 1) * strain;
        e5 = (unit16(g0, 3) * 2 - 1) * strain / 150.0f;
        // Partial contact: the part of the fingertip that touched the platen.
        ccx = (unit16(g2, 0) * 2 - 1) * (15.0f + 45.0f * bad);
        ccy = (unit16(g2, 1) * 2 - 1) * (15.0f + 45.0f * bad);
        const float scale = std::clamp(1.05f - 0.35f * bad - 0.2f * unit16(g2, 2), 0.5f, 1.1f);
        inv_a = 1.0f / (kHalfWidth * scale);
        inv_b = 1.0f / (kHalfHeight * scale);
        p_missing = 0.06f + 0.30f * bad;
        p_flip = 0.08f + 0.20f * bad;
        pos_sd = 1.5f + 3.5f * bad;  // px
        dir_sd = 3.0f + 8.0f * bad;  // 1/256 turn (4 to 15 degrees)
        spurious = static_cast<int>(unit16(g2, 3) * (1.0f + 12.0f * bad));
    }
};

// Writes the minutia at fingertip point (x, y) as the sensor sees it; true if it lies on the sensor.
bool place(const Capture& c, float x, float y, float angle, core::MinutiaType type, core::Minutia& out) {
    const float sx = c.cr * x - c.sr * y + c.tx + kSensorWidth / 2, sy = c.sr * x + c.cr * y + c.ty + kSensorHeight / 2;
    out = core::Minutia{static_cast<std::int16_t>(round_px(std::clamp(sx, -1.0f, kSensorWidth))),
                        static_cast<std::int16_t>(round_px(std::clamp(sy, -1.0f, kSensorHeight))),
                        static_cast<std::uint8_t>(round_px(angle + c.rot_units) & 255), type};
    return (sx >= 0) & (sy >= 0) & (sx < kSensorWidth) & (sy < kSensorHeight);
}

// The impression's minutiae into `out` (kMaxMinutiae + 1 slots); returns how many.
// Minutiae are written unconditionally and kept by advancing n: whether one is kept is random,
// so a branch would be mispredicted often. `out` has a spare slot for the last unkept write.
int impress_portable(const SyntheticFinger& finger, const Capture& c, core::RandomStream& stream, core::Minutia* out) {
    int n = 0;
    for (int i = 0; i < finger.count && n < core::kMaxMinutiae; ++i) {
        const MasterMinutia& m = finger.minutiae[i];
        const float ex = (m.x - c.ccx) * c.inv_a, ey = (m.y - c.ccy) * c.inv_b;
        // One 64-bit draw per minutia, in 8-bit fields: three bells (x, y, direction), missed, type flip.
        const std::uint64_t b = stream.next_u64();
        const bool touched = (ex * ex + ey * ey <= 1.0f) & (unit8(b, 6) >= c.p_missing);
        const float x = m.x + c.e1 * m.x + c.e2 * m.y + c.e5 * m.x * m.y + c.pos_sd * bell8(b, 0);
        const float y = m.y + c.e3 * m.x + c.e4 * m.y + c.e5 * m.x * m.x * 0.5f + c.pos_sd * bell8(b, 2);
        const auto flip = static_cast<std::uint8_t>(unit8(b, 7) < c.p_flip);
        const auto type = static_cast<core::MinutiaType>(static_cast<std::uint8_t>(m.type) ^ flip);
        n += static_cast<int>(place(c, x, y, m.angle + c.dir_sd * bell8(b, 4), type, out[n]) & touched);
    }
    for (int k = 0; k < c.spurious && n < core::kMaxMinutiae; ++k) {
        const std::uint64_t b = stream.next_u64();
        // A point uniform on the contact ellipse: radius sqrt(u), angle from the unit-circle table.
        const float r = std::sqrt(unit16(b, 0));
        const auto t = static_cast<std::uint8_t>(b >> 16);
        n += static_cast<int>(place(c, c.ccx + r * kUnitCircle.cos[t] / c.inv_a, c.ccy + r * kUnitCircle.sin[t] / c.inv_b,
                                    unit16(b, 2) * 256.0f, (b >> 63) ? core::MinutiaType::bifurcation : core::MinutiaType::ending,
                                    out[n]));
    }
    return n;
}

// [SECTION] AVX-512 building blocks

#if defined(__x86_64__) && defined(__GNUC__)
#define SHAILOO_SYNTH_AVX512 1
#define SHAILOO_SYNTH_TARGET gnu::target("avx512f,avx512dq,avx512bw,avx512vl,avx512vbmi,avx512vnni,bmi2")
// GCC 12's AVX-512 intrinsics start many results from _mm512_undefined_epi32(), which trips false
// -Wmaybe-uninitialized warnings once inlined here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
// The vector paths give the portable results bit for bit: the same IEEE operations in the same
// order, each rounded on its own (the build turns FMA contraction off: CMakeLists.txt).

// The first `lanes` lanes (any int; <= 0 none, >= 16 all).
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __mmask16 first_lanes(int lanes) {
    return static_cast<__mmask16>(_bzhi_u32(0xffff, static_cast<unsigned>(std::clamp(lanes, 0, 16))));
}

// core::mix64 in eight 64-bit lanes (VPMULLQ), less its first step: x is the input plus 0x9e3779b97f4a7c15.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512i mix64_x8_added(__m512i x) {
    x = _mm512_mullo_epi64(_mm512_xor_si512(x, _mm512_srli_epi64(x, 30)), _mm512_set1_epi64(static_cast<long long>(0xbf58476d1ce4e5b9ULL)));
    x = _mm512_mullo_epi64(_mm512_xor_si512(x, _mm512_srli_epi64(x, 27)), _mm512_set1_epi64(static_cast<long long>(0x94d049bb133111ebULL)));
    return _mm512_xor_si512(x, _mm512_srli_epi64(x, 31));
}

// Draws `pos` to `pos` + 7 of the stream with this key (RandomStream::next_u64 without moving it).
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512i draws_x8(std::uint64_t key, std::uint64_t pos) {
    // mix64 starts by adding 0x9e3779b97f4a7c15, the stream's step: draw i's mixer input plus it is
    // key + (i + 1) * step, so the addition is made once, in the scalar base.
    constexpr std::uint64_t s = core::RandomStream::kStep;
    static_assert(s == 0x9e3779b97f4a7c15ULL, "mix64 adds the stream's step first");
    return mix64_x8_added(_mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(key + (pos + 1) * s)),
                                           _mm512_setr_epi64(0, s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s)));
}

// Draws `pos` to `pos` + 15 as their low and high 32-bit halves, one draw per 32-bit lane.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline void draws_x16(std::uint64_t key, std::uint64_t pos, __m512i& lo, __m512i& hi) {
    const __m512i a = draws_x8(key, pos), b = draws_x8(key, pos + 8);
    lo = _mm512_permutex2var_epi32(a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
    hi = _mm512_permutex2var_epi32(a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
}

// The 8-bit field at bit kShift of 32-bit lanes.
template <int kShift>
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512i byte_x16(__m512i half) {
    if constexpr (kShift == 24) return _mm512_srli_epi32(half, 24);  // nothing above it to mask
    return _mm512_and_si512(_mm512_srli_epi32(half, kShift), _mm512_set1_epi32(0xff));
}

// unit16, bell8, wrap256 and round_px in 16 lanes (fields already moved into 32-bit lanes). unit8 tests
// compare the field itself with the probability times 256 instead: scaling by 2^8 is exact.
template <int kShift>
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512 field16_x16(__m512i half) {  // the 16-bit field, unscaled
    return _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(half, kShift), _mm512_set1_epi32(0xffff)));
}
template <int kShift>
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512 unit16_x16(__m512i half) {
    return _mm512_mul_ps(field16_x16<kShift>(half), _mm512_set1_ps(kUnit16));
}
// bell8 of the bytes kByte and kByte + 1 of 32-bit lanes: their sum less 255 is one VPDPBUSD (the
// lane's unsigned bytes times the signed weights 1, 1 there and 0 elsewhere, added to -255).
template <int kByte>
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512 bell8_x16(__m512i half) {
    const __m512i sum = _mm512_dpbusd_epi32(_mm512_set1_epi32(-255), half, _mm512_set1_epi32(0x0101 << (8 * kByte)));
    return _mm512_mul_ps(_mm512_cvtepi32_ps(sum), _mm512_set1_ps(kBellStep));
}
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512 wrap256_x16(__m512 a) {
    const __m512i units = _mm512_cvttps_epi32(_mm512_mul_ps(_mm512_add_ps(a, _mm512_set1_ps(1024.0f)), _mm512_set1_ps(256.0f)));
    return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(units, _mm512_set1_epi32(0xffff))), _mm512_set1_ps(kUnit8));
}
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512i round_px_biased_x16(__m512 v) {  // round_px(v) + kRoundBias
    return _mm512_cvttps_epi32(_mm512_add_ps(v, _mm512_set1_ps(kRoundOffset)));
}

// core::angle_units in 16 lanes: the same rounded operations in the same order (its exact folds as
// masked ones). std::max(ax, ay) is VMAXPS(ay, ax) and std::min(ax, ay) VMINPS(ay, ax) (both return
// their second operand unless the first compares greater, resp. less, as std::max and std::min do,
// NaN included).
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512 angle_units_x16(__m512 x, __m512 y) {
    const __m512 zero = _mm512_setzero_ps();
    const __m512 ax = _mm512_abs_ps(x), ay = _mm512_abs_ps(y);
    const __m512 mx = _mm512_max_ps(ay, ax), mn = _mm512_min_ps(ay, ax);
    const __m512 a = _mm512_div_ps(mn, mx), s = _mm512_mul_ps(a, a);
    __m512 r = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(-0.0464964749f), s), _mm512_set1_ps(0.15931422f));
    r = _mm512_sub_ps(_mm512_mul_ps(r, s), _mm512_set1_ps(0.327622764f));
    r = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(r, s), a), a);
    // The scalar code's s * c + (1 - 2 * s) * r for a 0/1 flag s is r or c - r exactly (r >= +0 here:
    // +0 + r is r), (1 - 2 * s) * r is r or -r, and u + s * 256 is u or u + 256 (u is never -0: r
    // is +0 only right of the origin): masked subtractions, a sign flip and a masked add.
    const __mmask16 steep = _mm512_cmp_ps_mask(ay, ax, _CMP_GT_OQ);
    const __mmask16 left = _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ), down = _mm512_cmp_ps_mask(y, zero, _CMP_LT_OQ);
    r = _mm512_mask_sub_ps(r, steep, _mm512_set1_ps(1.57079637f), r);
    r = _mm512_mask_sub_ps(r, left, _mm512_set1_ps(3.14159274f), r);
    r = _mm512_mask_xor_ps(r, down, r, _mm512_set1_ps(-0.0f));
    __m512 u = _mm512_mul_ps(r, _mm512_set1_ps(256.0f / 6.28318531f));
    u = _mm512_mask_add_ps(u, _mm512_cmp_ps_mask(u, zero, _CMP_LT_OQ), u, _mm512_set1_ps(256.0f));
    const __mmask16 to_zero = _mm512_cmp_ps_mask(u, _mm512_set1_ps(256.0f), _CMP_GE_OQ) | _mm512_cmp_ps_mask(mx, zero, _CMP_EQ_OQ);
    return _mm512_mask_mov_ps(u, to_zero, zero);
}

// RidgeOrientation::at in 16 lanes.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __m512 orientation_x16(const RidgeModel& model, __m512 x, __m512 y) {
    const __m512 base = _mm512_set1_ps(model.base);
    if (model.ncores == 0) {
        const __m512 fade = _mm512_max_ps(_mm512_sub_ps(_mm512_set1_ps(1.0f), _mm512_mul_ps(_mm512_abs_ps(y), _mm512_set1_ps(1.0f / 220.0f))),
                                          _mm512_setzero_ps());  // std::max(0.0f, v) is VMAXPS(v, 0)
        return _mm512_add_ps(base, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(22.0f), _mm512_mul_ps(x, _mm512_set1_ps(1.0f / kHalfWidth))), fade));
    }
    // The scalar product starts from w = 1: its first step gives the first factor exactly, but for
    // the sign of a zero (1 * p - 0 * q), which angle_units never tells apart (it takes magnitudes and
    // tests < 0), nor do the later steps (a zero factor makes zero products, of either sign). So w
    // starts as the first factor.
    __m512 wr, wi;
    for (int k = 0; k < model.ncores; ++k) {
        const __m512 cr = _mm512_sub_ps(x, _mm512_set1_ps(model.cores[k].x)), ci = _mm512_sub_ps(y, _mm512_set1_ps(model.cores[k].y));
        const __m512 dr = _mm512_sub_ps(x, _mm512_set1_ps(model.deltas[k].x));
        const __m512 di = _mm512_xor_ps(_mm512_sub_ps(y, _mm512_set1_ps(model.deltas[k].y)), _mm512_set1_ps(-0.0f));
        const __m512 pr = _mm512_sub_ps(_mm512_mul_ps(cr, dr), _mm512_mul_ps(ci, di));
        const __m512 pi = _mm512_add_ps(_mm512_mul_ps(cr, di), _mm512_mul_ps(ci, dr));
        if (k == 0) {
            wr = pr;
            wi = pi;
            continue;
        }
        const __m512 nr = _mm512_sub_ps(_mm512_mul_ps(wr, pr), _mm512_mul_ps(wi, pi));
        wi = _mm512_add_ps(_mm512_mul_ps(wr, pi), _mm512_mul_ps(wi, pr));
        wr = nr;
    }
    return _mm512_add_ps(base, _mm512_mul_ps(_mm512_set1_ps(0.5f), angle_units_x16(wr, wi)));
}

// [SECTION] AVX-512 minutiae and impressions

// place_minutiae_portable with AVX-512: 16 cells' candidates at a time, the kept ones compressed
// into columns (x, y, high half of the draw), then the directions of 16 kept minutiae at a time,
// transposed into MasterMinutia records by two rounds of two-register permutes.
[[SHAILOO_SYNTH_TARGET]]
void place_minutiae_avx512(const RidgeModel& model, const core::RandomStream& rs, SyntheticFinger& f) {
    static_assert(GridCells::kMax % 16 == 0, "cells are read 16 at a time");
    static_assert(sizeof(MasterMinutia) == 16 && offsetof(MasterMinutia, y) == 4 && offsetof(MasterMinutia, angle) == 8 &&
                      offsetof(MasterMinutia, type) == 12,
                  "a MasterMinutia is stored as four 32-bit lanes");
    // Each column gets whole vectors stored (the kept candidates first), hence the 16 spare entries.
    alignas(64) float xs[kMaxMasterMinutiae + 16], ys[kMaxMasterMinutiae + 16];
    alignas(64) std::uint32_t highs[kMaxMasterMinutiae + 16];
    const std::uint64_t start = rs.position();
    int n = 0, c = 0;
    __m512 x, y;
    __mmask16 kept = 0;
    for (; c < kGridCells.count; c += 16) {
        __m512i lo, hi;
        draws_x16(rs.key(), start + static_cast<std::uint64_t>(c), lo, hi);
        // 0.8f * unit16(bits) as one product: scaling by 2^-16 is exact, so 0.8f * (v * 2^-16) and
        // (0.8f * 2^-16) * v round alike. Likewise the keep test compares the field with keep * 2^16.
        x = _mm512_add_ps(_mm512_loadu_ps(kGridCells.x + c),
                          _mm512_mul_ps(_mm512_set1_ps(kCell), _mm512_add_ps(_mm512_set1_ps(0.1f), _mm512_mul_ps(_mm512_set1_ps(0.8f * kUnit16), field16_x16<0>(lo)))));
        y = _mm512_add_ps(_mm512_loadu_ps(kGridCells.y + c),
                          _mm512_mul_ps(_mm512_set1_ps(kCell), _mm512_add_ps(_mm512_set1_ps(0.1f), _mm512_mul_ps(_mm512_set1_ps(0.8f * kUnit16), field16_x16<16>(lo)))));
        const __m512 ex = _mm512_mul_ps(x, _mm512_set1_ps(1.0f / kHalfWidth)), ey = _mm512_mul_ps(y, _mm512_set1_ps(1.0f / kHalfHeight));
        kept = _mm512_mask_cmp_ps_mask(first_lanes(kGridCells.count - c), _mm512_add_ps(_mm512_mul_ps(ex, ex), _mm512_mul_ps(ey, ey)),
                                       _mm512_set1_ps(1.0f), _CMP_LE_OQ) &
               _mm512_cmp_ps_mask(field16_x16<0>(hi), _mm512_set1_ps(model.keep * 65536.0f), _CMP_LT_OQ);
        _mm512_storeu_ps(xs + n, _mm512_maskz_compress_ps(kept, x));
        _mm512_storeu_ps(ys + n, _mm512_maskz_compress_ps(kept, y));
        _mm512_storeu_si512(highs + n, _mm512_maskz_compress_epi32(kept, hi));
        n += std::popcount(static_cast<unsigned>(kept));
        if (n >= kMaxMasterMinutiae) break;  // the scalar loop stops at the cap: later cells are never looked at
    }
    f.count = n = std::min(n, kMaxMasterMinutiae);

    const __m512i pair_lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i pair_hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512i quad_lo = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), quad_hi = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    auto* records = reinterpret_cast<float*>(f.minutiae.data());
    for (int i = 0; i < n; i += 16) {
        const __mmask16 live = first_lanes(n - i);
        const __m512 mx = _mm512_maskz_loadu_ps(live, xs + i), my = _mm512_maskz_loadu_ps(live, ys + i);
        const __m512i h = _mm512_maskz_loadu_epi32(live, highs + i);
        // A minutia points along its ridge, one way or the other.
        const __m512 flip = _mm512_maskz_mov_ps(_mm512_test_epi32_mask(h, _mm512_set1_epi32(1 << 16)), _mm512_set1_ps(128.0f));
        const __m512 angle = wrap256_x16(_mm512_add_ps(orientation_x16(model, mx, my), flip));
        const __mmask16 bifurcation = _mm512_cmplt_epu32_mask(byte_x16<17>(h), _mm512_set1_epi32(kBifurcationBelow));
        const __m512 type = _mm512_castsi512_ps(
            _mm512_maskz_mov_epi32(bifurcation, _mm512_set1_epi32(static_cast<int>(core::MinutiaType::bifurcation))));
        // Records: (x, y) pairs and (angle, type) pairs interleaved, then a pair of each per record.
        const __m512d xy_lo = _mm512_castps_pd(_mm512_permutex2var_ps(mx, pair_lo, my));
        const __m512d xy_hi = _mm512_castps_pd(_mm512_permutex2var_ps(mx, pair_hi, my));
        const __m512d at_lo = _mm512_castps_pd(_mm512_permutex2var_ps(angle, pair_lo, type));
        const __m512d at_hi = _mm512_castps_pd(_mm512_permutex2var_ps(angle, pair_hi, type));
        const __m512d rows[4] = {_mm512_permutex2var_pd(xy_lo, quad_lo, at_lo), _mm512_permutex2var_pd(xy_lo, quad_hi, at_lo),
                                 _mm512_permutex2var_pd(xy_hi, quad_lo, at_hi), _mm512_permutex2var_pd(xy_hi, quad_hi, at_hi)};
        for (int k = 0; k < 4; ++k)
            _mm512_mask_storeu_ps(records + 4 * i + 16 * k, first_lanes(4 * (n - i) - 16 * k), _mm512_castpd_ps(rows[k]));
    }
    // The scalar loop writes each candidate to slot n before deciding to keep it: when the last cell's
    // candidate was not kept (and the cap was not reached), slot n holds its position.
    const int last = kGridCells.count - 1 - (c - 16);
    if (n < kMaxMasterMinutiae && !((kept >> last) & 1)) {
        f.minutiae[n].x = _mm512_cvtss_f32(_mm512_permutexvar_ps(_mm512_set1_epi32(last), x));
        f.minutiae[n].y = _mm512_cvtss_f32(_mm512_permutexvar_ps(_mm512_set1_epi32(last), y));
    }
}

// place in 16 lanes: the sensor's minutiae as 32-bit lanes x | y << 16 and angle | type << 8;
// returns `keep` and-ed with the on-sensor test. Only the kept lanes are right, which is all the
// callers use: on the sensor (0 <= sx < 512, 0 <= sy < 640) the clamps change nothing and the
// positions rounded with round_px's bias, in [kRoundBias, kRoundBias + 640], lose both biases at
// once from the packed pair without a borrow. The angle's bias is a multiple of 256: the low byte
// is the same with or without it.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline __mmask16 place_x16(const Capture& c, __m512 x, __m512 y, __m512 angle, __m512i type, __mmask16 keep, __m512i& xy,
                           __m512i& at) {
    const __m512 cr = _mm512_set1_ps(c.cr), sr = _mm512_set1_ps(c.sr), zero = _mm512_setzero_ps();
    const __m512 w = _mm512_set1_ps(kSensorWidth), h = _mm512_set1_ps(kSensorHeight);
    const __m512 sx = _mm512_add_ps(_mm512_add_ps(_mm512_sub_ps(_mm512_mul_ps(cr, x), _mm512_mul_ps(sr, y)), _mm512_set1_ps(c.tx)),
                                    _mm512_set1_ps(kSensorWidth / 2));
    const __m512 sy = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(sr, x), _mm512_mul_ps(cr, y)), _mm512_set1_ps(c.ty)),
                                    _mm512_set1_ps(kSensorHeight / 2));
    keep = _mm512_mask_cmp_ps_mask(keep, sx, zero, _CMP_GE_OQ) & _mm512_cmp_ps_mask(sy, zero, _CMP_GE_OQ) &
           _mm512_cmp_ps_mask(sx, w, _CMP_LT_OQ) & _mm512_cmp_ps_mask(sy, h, _CMP_LT_OQ);
    static_assert(kRoundBias % 256 == 0 && kRoundBias + kSensorHeight < 0x10000, "biases come off the packed lanes");
    const __m512i px = round_px_biased_x16(sx), py = round_px_biased_x16(sy);
    xy = _mm512_sub_epi32(_mm512_or_si512(_mm512_and_si512(px, _mm512_set1_epi32(0xffff)), _mm512_slli_epi32(py, 16)),
                          _mm512_set1_epi32(kRoundBias | kRoundBias << 16));
    at = _mm512_or_si512(_mm512_and_si512(round_px_biased_x16(_mm512_add_ps(angle, _mm512_set1_ps(c.rot_units))), _mm512_set1_epi32(255)),
                         _mm512_slli_epi32(type, 8));
    return keep;
}

// Appends the kept lanes to the minutia columns (whole vectors stored: 16 spare entries), up to
// kMaxMinutiae. Returns 0 while there is room, else the lane after the one that filled the
// template: where the scalar loop, which checks for room before each draw, stops drawing.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline int append(__mmask16 kept, __m512i xy, __m512i at, int& n, std::uint32_t* xys, std::uint32_t* ats) {
    _mm512_storeu_si512(xys + n, _mm512_maskz_compress_epi32(kept, xy));
    _mm512_storeu_si512(ats + n, _mm512_maskz_compress_epi32(kept, at));
    const int room = core::kMaxMinutiae - n, count = std::popcount(static_cast<unsigned>(kept));
    if (count < room) {
        n += count;
        return 0;
    }
    n = core::kMaxMinutiae;
    return 32 - std::countl_zero(_pdep_u32((1u << room) - 1, kept));  // PDEP: the first `room` kept lanes
}

// Byte shuffle (VPERMT2B) from 16 lanes x | y << 16 (bytes 0-63) and angle | type << 8 (bytes
// 64-127) to 16 core::Minutia of 6 bytes: output bytes 0-63, then 64-95.
struct MinutiaPacking {
    alignas(64) std::uint8_t index[128]{};
    constexpr MinutiaPacking() {
        for (int k = 0; k < 96; ++k) {
            const int j = k / 6, field = k % 6;
            index[k] = static_cast<std::uint8_t>(field < 4 ? 4 * j + field : 64 + 4 * j + field - 4);
        }
    }
};
constexpr MinutiaPacking kMinutiaPacking;

// 16 master records from `r` on as columns: (x, y) and (angle, type) of 8 records per register, then 16.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline void master_columns_x16(const float* r, __m512& mx, __m512& my, __m512& mangle, __m512i& mtype) {
    const __m512i even = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const __m512i odd = _mm512_setr_epi32(2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    const __m512i halves_lo = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    const __m512i halves_hi = _mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    const __m512 xy0 = _mm512_permutex2var_ps(_mm512_loadu_ps(r), even, _mm512_loadu_ps(r + 16));
    const __m512 xy1 = _mm512_permutex2var_ps(_mm512_loadu_ps(r + 32), even, _mm512_loadu_ps(r + 48));
    const __m512 at0 = _mm512_permutex2var_ps(_mm512_loadu_ps(r), odd, _mm512_loadu_ps(r + 16));
    const __m512 at1 = _mm512_permutex2var_ps(_mm512_loadu_ps(r + 32), odd, _mm512_loadu_ps(r + 48));
    mx = _mm512_permutex2var_ps(xy0, halves_lo, xy1);
    my = _mm512_permutex2var_ps(xy0, halves_hi, xy1);
    mangle = _mm512_permutex2var_ps(at0, halves_lo, at1);
    mtype = _mm512_and_si512(_mm512_castps_si512(_mm512_permutex2var_ps(at0, halves_hi, at1)), _mm512_set1_epi32(0xff));
}

// The master minutiae's impressions, 16 (16 draws from `pos` on) at a time, as impress_portable's
// first loop: the kept ones appended to the columns, stopped where the scalar loop stops. Returns how
// many draws that loop takes.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline int impress_masters(const SyntheticFinger& finger, const Capture& c, std::uint64_t key, std::uint64_t pos, int& n,
                           std::uint32_t* xys, std::uint32_t* ats) {
    const auto* records = reinterpret_cast<const float*>(finger.minutiae.data());
    for (int i = 0; i < finger.count; i += 16) {
        __m512 mx, my, mangle;
        __m512i mtype;
        master_columns_x16(records + 4 * i, mx, my, mangle, mtype);
        __m512i lo, hi;
        draws_x16(key, pos + static_cast<std::uint64_t>(i), lo, hi);
        const __m512 ex = _mm512_mul_ps(_mm512_sub_ps(mx, _mm512_set1_ps(c.ccx)), _mm512_set1_ps(c.inv_a));
        const __m512 ey = _mm512_mul_ps(_mm512_sub_ps(my, _mm512_set1_ps(c.ccy)), _mm512_set1_ps(c.inv_b));
        const __mmask16 touched = _mm512_mask_cmp_ps_mask(first_lanes(finger.count - i), _mm512_add_ps(_mm512_mul_ps(ex, ex), _mm512_mul_ps(ey, ey)),
                                                          _mm512_set1_ps(1.0f), _CMP_LE_OQ) &
                                  _mm512_cmp_ps_mask(_mm512_cvtepi32_ps(byte_x16<16>(hi)), _mm512_set1_ps(c.p_missing * 256.0f), _CMP_GE_OQ);
        const __m512 e5x = _mm512_mul_ps(_mm512_set1_ps(c.e5), mx), pos_sd = _mm512_set1_ps(c.pos_sd);
        const __m512 x = _mm512_add_ps(
            _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(mx, _mm512_mul_ps(_mm512_set1_ps(c.e1), mx)), _mm512_mul_ps(_mm512_set1_ps(c.e2), my)),
                          _mm512_mul_ps(e5x, my)),
            _mm512_mul_ps(pos_sd, bell8_x16<0>(lo)));
        const __m512 y = _mm512_add_ps(
            _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(my, _mm512_mul_ps(_mm512_set1_ps(c.e3), mx)), _mm512_mul_ps(_mm512_set1_ps(c.e4), my)),
                          _mm512_mul_ps(_mm512_mul_ps(e5x, mx), _mm512_set1_ps(0.5f))),
            _mm512_mul_ps(pos_sd, bell8_x16<2>(lo)));
        const __mmask16 flip = _mm512_cmp_ps_mask(_mm512_cvtepi32_ps(byte_x16<24>(hi)), _mm512_set1_ps(c.p_flip * 256.0f), _CMP_LT_OQ);
        const __m512i type = _mm512_mask_xor_epi32(mtype, flip, mtype, _mm512_set1_epi32(1));
        const __m512 angle = _mm512_add_ps(mangle, _mm512_mul_ps(_mm512_set1_ps(c.dir_sd), bell8_x16<0>(hi)));
        __m512i xy, at;
        const __mmask16 kept = place_x16(c, x, y, angle, type, touched, xy, at);
        if (const int end = append(kept, xy, at, n, xys, ats)) return i + end;
    }
    return finger.count;
}

// The spurious minutiae, draws from `pos` on (moved past them): a point uniform on the contact ellipse
// (as in impress_portable), 8 at a time: there are rarely more (13 at most), and 8 take one mixer
// register, 8-lane gathers, square roots and divisions. The 8 lanes are widened (upper lanes zero,
// never kept) for place_x16.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline void impress_spurious(const Capture& c, std::uint64_t key, std::uint64_t& pos, int& n, std::uint32_t* xys,
                             std::uint32_t* ats) {
    for (int k = 0; k < c.spurious && n < core::kMaxMinutiae; k += 8) {
        const __m512i d = draws_x8(key, pos);
        const __m256i lo = _mm512_cvtepi64_epi32(d), hi = _mm512_cvtepi64_epi32(_mm512_srli_epi64(d, 32));
        const __m256 r = _mm256_sqrt_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(lo, _mm256_set1_epi32(0xffff))), _mm256_set1_ps(kUnit16)));
        const __m256i t = _mm256_and_si256(_mm256_srli_epi32(lo, 16), _mm256_set1_epi32(0xff));
        const __m256 x = _mm256_add_ps(_mm256_set1_ps(c.ccx), _mm256_div_ps(_mm256_mul_ps(r, _mm256_i32gather_ps(kUnitCircle.cos.data(), t, 4)),
                                                                            _mm256_set1_ps(c.inv_a)));
        const __m256 y = _mm256_add_ps(_mm256_set1_ps(c.ccy), _mm256_div_ps(_mm256_mul_ps(r, _mm256_i32gather_ps(kUnitCircle.sin.data(), t, 4)),
                                                                            _mm256_set1_ps(c.inv_b)));
        // unit16 * 256 as the field times 2^-8: both scalings are exact.
        const __m256 angle = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(hi, _mm256_set1_epi32(0xffff))), _mm256_set1_ps(kUnit8));
        const int lanes = std::min(8, c.spurious - k);
        __m512i xy, at;
        const __mmask16 kept = place_x16(c, _mm512_zextps256_ps512(x), _mm512_zextps256_ps512(y), _mm512_zextps256_ps512(angle),
                                         _mm512_zextsi256_si512(_mm256_srli_epi32(hi, 31)), first_lanes(lanes), xy, at);
        const int end = append(kept, xy, at, n, xys, ats);
        pos += static_cast<std::uint64_t>(end ? end : lanes);
    }
}

// The n minutiae of the columns packed into core::Minutia records at `out` by byte shuffles.
[[SHAILOO_SYNTH_TARGET, gnu::always_inline]]
inline void pack_minutiae(const std::uint32_t* xys, const std::uint32_t* ats, int n, core::Minutia* out) {
    auto* bytes = reinterpret_cast<char*>(out);
    const __m512i pack_lo = _mm512_load_si512(kMinutiaPacking.index), pack_hi = _mm512_load_si512(kMinutiaPacking.index + 64);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 live = first_lanes(n - i);
        const __m512i xy = _mm512_maskz_loadu_epi32(live, xys + i), at = _mm512_maskz_loadu_epi32(live, ats + i);
        const unsigned size = 6 * static_cast<unsigned>(std::min(16, n - i));
        _mm512_mask_storeu_epi8(bytes + 6 * i, _bzhi_u64(~0ULL, size), _mm512_permutex2var_epi8(xy, pack_lo, at));
        _mm512_mask_storeu_epi8(bytes + 6 * i + 64, _bzhi_u64(~0ULL, size > 64 ? size - 64 : 0), _mm512_permutex2var_epi8(xy, pack_hi, at));
    }
}

// impress_portable with AVX-512: 16 master minutiae (16 draws) at a time, the kept ones compressed
// into columns and stopped where the scalar loop stops, then the spurious minutiae the same way, and
// the columns packed into core::Minutia records by byte shuffles. The stream ends where the scalar
// code leaves it. The steps are inlined into this one function (gnu::always_inline).
[[SHAILOO_SYNTH_TARGET]]
int impress_avx512(const SyntheticFinger& finger, const Capture& c, core::RandomStream& stream, core::Minutia* out) {
    static_assert(sizeof(core::Minutia) == 6 && offsetof(core::Minutia, y) == 2 && offsetof(core::Minutia, angle) == 4 &&
                      offsetof(core::Minutia, type) == 5,
                  "a core::Minutia is packed as x, y, angle, type");
    static_assert(kMaxMasterMinutiae % 16 == 0, "master minutiae are read 16 at a time");
    alignas(64) std::uint32_t xys[core::kMaxMinutiae + 16], ats[core::kMaxMinutiae + 16];
    const std::uint64_t key = stream.key();
    std::uint64_t pos = stream.position();
    int n = 0;
    pos += static_cast<std::uint64_t>(impress_masters(finger, c, key, pos, n, xys, ats));
    impress_spurious(c, key, pos, n, xys, ats);
    stream.seek(pos);
    pack_minutiae(xys, ats, n, out);
    return n;
}

// The widest vector unit this CPU has for these paths: 512 (AVX-512 with VBMI and VNNI, and BMI2) or 0.
// (Every CPU with VBMI so far has VNNI too.)
const int kVectorWidth = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
                   __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("bmi2")
               ? 512
               : 0;
}();
#pragma GCC diagnostic pop
#undef SHAILOO_SYNTH_TARGET
#endif

}  // namespace

// [SECTION] Public functions

// Sherlock-Monro zero-pole model: base + (sum of arg(z - core) - sum of arg(z - delta)) / 2. The sum
// of arguments is the argument of a product, so one atan2 per point: w = prod (z - core_k) *
// conj(z - delta_k). (Modulo a whole turn before halving: the orientation is the same modulo half a turn.)
float RidgeOrientation::at(float x, float y) const {
    if (ncores == 0) return base + 22.0f * (x * (1.0f / kHalfWidth)) * std::max(0.0f, 1.0f - std::fabs(y) * (1.0f / 220.0f));
    float wr = 1.0f, wi = 0.0f;
    for (int k = 0; k < ncores; ++k) {
        const float cr = x - cores[k].x, ci = y - cores[k].y;       // z - core
        const float dr = x - deltas[k].x, di = -(y - deltas[k].y);  // conj(z - delta)
        const float pr = cr * dr - ci * di, pi = cr * di + ci * dr;
        const float nr = wr * pr - wi * pi;
        wi = wr * pi + wi * pr;
        wr = nr;
    }
    return base + 0.5f * core::angle_units(wr, wi);
}

int synthetic_finger_vector_width() {
#ifdef SHAILOO_SYNTH_AVX512
    return kVectorWidth;
#else
    return 0;
#endif
}

SyntheticFinger SyntheticFinger::generate(std::uint64_t biometric_seed, core::Finger finger, int max_vector_width) {
    core::RandomStream rs(biometric_seed, kMasterPurpose, static_cast<std::uint64_t>(finger));
    const RidgeModel model(rs);
    SyntheticFinger f;
    f.orientation = static_cast<const RidgeOrientation&>(model);
#ifdef SHAILOO_SYNTH_AVX512
    if (std::min(kVectorWidth, max_vector_width) >= 512) {
        place_minutiae_avx512(model, rs, f);
        return f;
    }
#endif
    (void)max_vector_width;
    place_minutiae_portable(model, rs, f);
    return f;
}

double skin_quality_for_age(int age) {
    return std::clamp(1.0 - 0.008 * std::max(0, age - 30), 0.4, 1.0);
}

double capture_quality(const CaptureConditions& c) {
    const double skin = std::clamp(c.skin_quality, 0.0, 1.0);
    const double sensor = 1.0 - 0.85 * std::clamp(c.sensor_degradation, 0.0, 1.0);
    return std::clamp(skin * sensor, 0.05, 1.0);
}

core::FingerprintTemplate make_impression(const SyntheticFinger& finger, const CaptureConditions& conditions,
                                          core::RandomStream& stream, int max_vector_width) {
    const Capture capture(conditions, stream);
    // Spare slots past kMaxMinutiae: the portable path's last unkept write, the span of the vector
    // path's (masked) whole-register stores. Raw storage, in which the array of core::Minutia (an
    // implicit-lifetime type) exists implicitly: a std::array of them would be zeroed first, as
    // their members have default initializers, only to be overwritten.
    alignas(core::Minutia) std::byte storage[sizeof(core::Minutia) * (core::kMaxMinutiae + 16)];
    core::Minutia* out = std::launder(reinterpret_cast<core::Minutia*>(storage));
    int n;
#ifdef SHAILOO_SYNTH_AVX512
    if (std::min(kVectorWidth, max_vector_width) >= 512)
        n = impress_avx512(finger, capture, stream, out);
    else
#endif
        n = impress_portable(finger, capture, stream, out);
    return core::FingerprintTemplate::from_minutiae({out, static_cast<std::size_t>(n)}, max_vector_width);
}


core::FingerprintTemplate enrolment_template(const SyntheticFinger& master, std::uint64_t biometric_seed, core::Finger finger) {
    core::RandomStream rs(biometric_seed, kEnrolmentPurpose, static_cast<std::uint64_t>(finger));
    // Registration takes the best of several guided captures: good but not perfect quality.
    return make_impression(master, CaptureConditions{0.9, 0.0}, rs);
}

core::FingerprintTemplate enrolment_template(std::uint64_t biometric_seed, core::Finger finger) {
    return enrolment_template(SyntheticFinger::generate(biometric_seed, finger), biometric_seed, finger);
}

}  // namespace devices
