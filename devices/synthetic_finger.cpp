#include "devices/synthetic_finger.hpp"

#include <algorithm>
#include <cmath>

namespace devices {

namespace {

// Random-stream purposes (keys) of this file.
constexpr std::uint64_t kMasterPurpose = 0x66696e6765720001ULL;     // "finger" 1
constexpr std::uint64_t kEnrolmentPurpose = 0x66696e6765720002ULL;  // "finger" 2

// Fingertip contact area: an ellipse of 13 x 17 mm at 500 dpi.
constexpr float kHalfWidth = 130.0f, kHalfHeight = 170.0f;
// Minutiae are spread on a jittered grid (one candidate per cell): even coverage without
// the cost of Poisson-disk sampling. 36 px is about 4 ridge periods.
constexpr float kCell = 36.0f;
// Sensor window (a 25.6 x 32 mm platen at 500 dpi): impressions are placed around its centre.
constexpr float kSensorWidth = 512.0f, kSensorHeight = 640.0f;

float unit16(std::uint64_t bits, int field) {  // uniform in [0, 1) from a 16-bit field
    return static_cast<float>((bits >> (16 * field)) & 0xffff) * (1.0f / 65536.0f);
}
float unit8(std::uint64_t bits, int field) {  // uniform in [0, 1) from an 8-bit field
    return static_cast<float>((bits >> (8 * field)) & 0xff) * (1.0f / 256.0f);
}
// Approximately standard normal from two 8-bit fields: the sum of two uniforms (triangular,
// variance 1/6) rescaled, centred on 0, in steps of 0.01. Cheap and bounded (|z| < 2.45), which
// is what capture noise needs.
float bell8(std::uint64_t bits, int field) {
    const int sum = static_cast<int>(((bits >> (8 * field)) & 0xff) + ((bits >> (8 * field + 8)) & 0xff)) - 255;
    return static_cast<float>(sum) * (2.4494897f / 256.0f);
}
float wrap256(float a) {  // into [0, 256) for a in [-1024, 3072), in steps of 1/256 unit; branch-free
    return static_cast<float>(static_cast<int>((a + 1024.0f) * 256.0f) & 0xffff) * (1.0f / 256.0f);
}
// Nearest integer for |v| < 16384 without a libm call (the offset makes truncation round down).
int round_px(float v) { return static_cast<int>(v + 16384.5f) - 16384; }

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

}  // namespace

SyntheticFinger SyntheticFinger::generate(std::uint64_t biometric_seed, core::Finger finger) {
    core::RandomStream rs(biometric_seed, kMasterPurpose, static_cast<std::uint64_t>(finger));
    SyntheticFinger f;
    // Pattern class frequencies: loops about 65 %, whorls 30 %, arches 5 % (Henry classes).
    const double p = rs.uniform();
    const Pattern pattern = p < 0.05 ? Pattern::arch : p < 0.38 ? Pattern::left_loop
                          : p < 0.70 ? Pattern::right_loop : Pattern::whorl;
    struct Point { float x, y; };
    Point cores[2], deltas[2];
    int ncores = 0;
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
    const float base = static_cast<float>(rs.uniform() * 12 - 6);
    // Ridge orientation (1/256 turn, modulo 128) at (x, y): Sherlock-Monro zero-pole model,
    // base + (sum of arg(z - core) - sum of arg(z - delta)) / 2. The sum of arguments is the
    // argument of a product, so one atan2 per minutia: w = prod (z - core_k) * conj(z - delta_k).
    // (Modulo a whole turn before halving: the orientation is the same modulo half a turn.)
    auto orientation = [&](float x, float y) {
        if (ncores == 0) return base + 22.0f * (x * (1.0f / kHalfWidth)) * std::max(0.0f, 1.0f - std::fabs(y) * (1.0f / 220.0f));
        float wr = 1.0f, wi = 0.0f;
        for (int k = 0; k < ncores; ++k) {
            const float cr = x - cores[k].x, ci = y - cores[k].y;   // z - core
            const float dr = x - deltas[k].x, di = -(y - deltas[k].y);  // conj(z - delta)
            const float pr = cr * dr - ci * di, pi = cr * di + ci * dr;
            const float nr = wr * pr - wi * pi;
            wi = wr * pi + wi * pr;
            wr = nr;
        }
        return base + 0.5f * core::angle_units(wr, wi);
    };
    const float keep = static_cast<float>(0.55 + rs.uniform() * 0.25);  // minutiae density differs between fingers
    // Two passes: the cells' candidates first, kept without a branch (whether a candidate is kept
    // is a coin toss, which a branch would mispredict half the time), then their directions.
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
        n += static_cast<int>((ex * ex + ey * ey <= 1.0f) & (unit16(bits, 2) < keep));
    }
    f.count = n;
    for (int i = 0; i < n; ++i) {
        MasterMinutia& m = f.minutiae[i];
        const std::uint64_t bits = kept_bits[i];
        // A minutia points along its ridge, one way or the other.
        m.angle = wrap256(orientation(m.x, m.y) + static_cast<float>((bits >> 48) & 1) * 128.0f);
        m.type = ((bits >> 49) & 0xff) < 115 ? core::MinutiaType::bifurcation : core::MinutiaType::ending;  // 45 %
    }
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
                                          core::RandomStream& stream) {
    const float bad = static_cast<float>(1.0 - capture_quality(conditions));
    const std::uint64_t g0 = stream.next_u64(), g1 = stream.next_u64(), g2 = stream.next_u64();
    // Placement on the platen.
    const float rot = (unit16(g0, 0) * 2 - 1) * 0.314f;  // +-18 degrees
    const float tx = (unit16(g0, 1) * 2 - 1) * 35.0f, ty = (unit16(g0, 2) * 2 - 1) * 35.0f;
    const float cr = std::cos(rot), sr = std::sin(rot);
    const float rot_units = rot * (256.0f / 6.2831853f);
    // Elastic distortion: a smooth displacement field (affine strain plus quadratic bending)
    // whose strength grows with pressure and poor skin; a few pixels at the fingertip's edge.
    const float strain = 0.02f + 0.04f * bad;
    const float e1 = (unit16(g1, 0) * 2 - 1) * strain, e2 = (unit16(g1, 1) * 2 - 1) * strain;
    const float e3 = (unit16(g1, 2) * 2 - 1) * strain, e4 = (unit16(g1, 3) * 2 - 1) * strain;
    const float e5 = (unit16(g0, 3) * 2 - 1) * strain / 150.0f;
    // Partial contact: the part of the fingertip that touched the platen.
    const float ccx = (unit16(g2, 0) * 2 - 1) * (15.0f + 45.0f * bad);
    const float ccy = (unit16(g2, 1) * 2 - 1) * (15.0f + 45.0f * bad);
    const float scale = std::clamp(1.05f - 0.35f * bad - 0.2f * unit16(g2, 2), 0.5f, 1.1f);
    const float inv_a = 1.0f / (kHalfWidth * scale), inv_b = 1.0f / (kHalfHeight * scale);
    const float p_missing = 0.06f + 0.30f * bad;
    const float p_flip = 0.08f + 0.20f * bad;
    const float pos_sd = 1.5f + 3.5f * bad;  // px
    const float dir_sd = 3.0f + 8.0f * bad;  // 1/256 turn (4 to 15 degrees)
    const int spurious = static_cast<int>(unit16(g2, 3) * (1.0f + 12.0f * bad));

    // Minutiae are written unconditionally and kept by advancing n: whether one is kept is random,
    // so a branch would be mispredicted often. `out` has a spare slot for the last unkept write.
    std::array<core::Minutia, core::kMaxMinutiae + 1> out;
    int n = 0;
    auto place = [&](float x, float y, float angle, core::MinutiaType type, bool keep) {
        const float sx = cr * x - sr * y + tx + kSensorWidth / 2, sy = sr * x + cr * y + ty + kSensorHeight / 2;
        keep &= (sx >= 0) & (sy >= 0) & (sx < kSensorWidth) & (sy < kSensorHeight);
        out[n] = core::Minutia{static_cast<std::int16_t>(round_px(std::clamp(sx, -1.0f, kSensorWidth))),
                               static_cast<std::int16_t>(round_px(std::clamp(sy, -1.0f, kSensorHeight))),
                               static_cast<std::uint8_t>(round_px(angle + rot_units) & 255), type};
        n += static_cast<int>(keep);
    };
    for (int i = 0; i < finger.count && n < core::kMaxMinutiae; ++i) {
        const MasterMinutia& m = finger.minutiae[i];
        const float ex = (m.x - ccx) * inv_a, ey = (m.y - ccy) * inv_b;
        // One 64-bit draw per minutia, in 8-bit fields: three bells (x, y, direction), missed, type flip.
        const std::uint64_t b = stream.next_u64();
        const bool touched = (ex * ex + ey * ey <= 1.0f) & (unit8(b, 6) >= p_missing);
        const float x = m.x + e1 * m.x + e2 * m.y + e5 * m.x * m.y + pos_sd * bell8(b, 0);
        const float y = m.y + e3 * m.x + e4 * m.y + e5 * m.x * m.x * 0.5f + pos_sd * bell8(b, 2);
        const auto flip = static_cast<std::uint8_t>(unit8(b, 7) < p_flip);
        const auto type = static_cast<core::MinutiaType>(static_cast<std::uint8_t>(m.type) ^ flip);
        place(x, y, m.angle + dir_sd * bell8(b, 4), type, touched);
    }
    for (int k = 0; k < spurious && n < core::kMaxMinutiae; ++k) {
        const std::uint64_t b = stream.next_u64();
        // A point uniform on the contact ellipse: radius sqrt(u), angle from the unit-circle table.
        const float r = std::sqrt(unit16(b, 0));
        const auto t = static_cast<std::uint8_t>(b >> 16);
        place(ccx + r * kUnitCircle.cos[t] / inv_a, ccy + r * kUnitCircle.sin[t] / inv_b, unit16(b, 2) * 256.0f,
              (b >> 63) ? core::MinutiaType::bifurcation : core::MinutiaType::ending, true);
    }
    return core::FingerprintTemplate::from_minutiae({out.data(), static_cast<std::size_t>(n)});
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
