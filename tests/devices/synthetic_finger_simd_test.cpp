// SyntheticFinger::generate and make_impression: the AVX-512 path against the portable one, which
// is the reference. Same master minutiae, templates and stream positions, bit for bit, for many
// random inputs, including hand-made fingers that fill the template (the 48-minutiae early stop).
#include "devices/synthetic_finger.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>

#include "core/random.hpp"

namespace {

using devices::SyntheticFinger;

constexpr int kCases = 200'000;

constexpr const char* kNoVectorPath = "no AVX-512 (F, DQ, BW, VL, VBMI, VNNI) with BMI2 on this CPU: only the portable path runs";

// The first field where two fingers differ (all kMaxMasterMinutiae slots; floats bit for bit), or "".
std::string first_difference(const SyntheticFinger& a, const SyntheticFinger& b) {
    if (a.count != b.count) return "count " + std::to_string(a.count) + " vs " + std::to_string(b.count);
    for (int i = 0; i < devices::kMaxMasterMinutiae; ++i) {
        const auto& p = a.minutiae[i];
        const auto& q = b.minutiae[i];
        if (std::bit_cast<std::uint32_t>(p.x) != std::bit_cast<std::uint32_t>(q.x)) return "x of minutia " + std::to_string(i);
        if (std::bit_cast<std::uint32_t>(p.y) != std::bit_cast<std::uint32_t>(q.y)) return "y of minutia " + std::to_string(i);
        if (std::bit_cast<std::uint32_t>(p.angle) != std::bit_cast<std::uint32_t>(q.angle)) return "angle of minutia " + std::to_string(i);
        if (p.type != q.type) return "type of minutia " + std::to_string(i);
    }
    return "";
}

std::string first_difference(const core::FingerprintTemplate& a, const core::FingerprintTemplate& b) {
    if (a.count != b.count) return "count " + std::to_string(a.count) + " vs " + std::to_string(b.count);
    for (std::size_t i = 0; i < a.count; ++i) {
        if (!(a.minutiae[i] == b.minutiae[i])) return "minutia " + std::to_string(i);
        if (a.cylinders[i].bits[0] != b.cylinders[i].bits[0] || a.cylinders[i].bits[1] != b.cylinders[i].bits[1])
            return "cylinder " + std::to_string(i);
        if (a.cylinder_bits[i] != b.cylinder_bits[i]) return "cylinder_bits " + std::to_string(i);
    }
    return "";
}

// Conditions over the whole range, the extremes 0 and 1 included (one case in four each).
devices::CaptureConditions random_conditions(core::RandomStream& rs) {
    auto level = [&rs] {
        switch (rs.below(8)) {
            case 0: return 0.0;
            case 1: return 1.0;
            default: return rs.uniform();
        }
    };
    const double skin = level();
    return {skin, level()};
}

// A hand-made finger of `count` minutiae within `spread` px of the centre, any direction and type.
SyntheticFinger random_finger(core::RandomStream& rs, int count, float spread) {
    SyntheticFinger f;
    f.count = count;
    for (int i = 0; i < count; ++i) {
        auto& m = f.minutiae[i];
        m.x = static_cast<float>((rs.uniform() * 2 - 1) * spread);
        m.y = static_cast<float>((rs.uniform() * 2 - 1) * spread);
        m.angle = static_cast<float>(rs.uniform() * 256);
        m.type = rs.bernoulli(0.5) ? core::MinutiaType::bifurcation : core::MinutiaType::ending;
    }
    return f;
}

// One impression by both paths from the same stream position: the same template and position after.
void expect_same_impression(const SyntheticFinger& f, const devices::CaptureConditions& c, const core::RandomStream& rs,
                            int& failures, int case_number, int* count = nullptr, std::uint64_t* drawn = nullptr) {
    core::RandomStream vector_rs = rs, portable_rs = rs;
    const auto vector = devices::make_impression(f, c, vector_rs);
    const auto portable = devices::make_impression(f, c, portable_rs, 0);
    std::string diff = first_difference(vector, portable);
    if (diff.empty() && vector_rs.position() != portable_rs.position())
        diff = "stream position " + std::to_string(vector_rs.position()) + " vs " + std::to_string(portable_rs.position());
    if (diff.empty() && vector_rs.next_u64() != portable_rs.next_u64()) diff = "next draw";
    if (!diff.empty() && ++failures <= 5)
        ADD_FAILURE() << "case " << case_number << " (skin " << c.skin_quality << ", sensor " << c.sensor_degradation << "): " << diff;
    if (count) *count = static_cast<int>(portable.count);
    if (drawn) *drawn = portable_rs.position() - 1 - rs.position();  // less the next_u64 above
}

TEST(SyntheticFingerSimd, GenerateIsTheSameOnEveryPath) {
    if (devices::synthetic_finger_vector_width() < 512) GTEST_SKIP() << kNoVectorPath;
    core::RandomStream rs(20240901, 1);
    int failures = 0;
    for (int i = 0; i < kCases; ++i) {
        const std::uint64_t seed = rs.next_u64();
        const auto finger = static_cast<core::Finger>(rs.below(10));
        const std::string diff =
            first_difference(SyntheticFinger::generate(seed, finger), SyntheticFinger::generate(seed, finger, 0));
        if (!diff.empty() && ++failures <= 5) ADD_FAILURE() << "seed " << seed << ", finger " << static_cast<int>(finger) << ": " << diff;
    }
    EXPECT_EQ(failures, 0);
}

TEST(SyntheticFingerSimd, ImpressionsAreTheSameOnEveryPath) {
    if (devices::synthetic_finger_vector_width() < 512) GTEST_SKIP() << kNoVectorPath;
    core::RandomStream rs(20240901, 2);
    int failures = 0;
    for (int i = 0; i < kCases; ++i) {
        // Generated fingers mostly; one in four hand-made, of any size up to kMaxMasterMinutiae,
        // partly off the contact area and the sensor.
        const SyntheticFinger f = i % 4 == 3 ? random_finger(rs, static_cast<int>(rs.below(devices::kMaxMasterMinutiae + 1)), 300.0f)
                                             : SyntheticFinger::generate(rs.next_u64(), static_cast<core::Finger>(rs.below(10)));
        const auto c = random_conditions(rs);
        core::RandomStream capture(rs.next_u64(), 3);
        capture.seek(rs.below(1000));  // any position: draws are computed from it
        expect_same_impression(f, c, capture, failures, i);
    }
    EXPECT_EQ(failures, 0);
}

TEST(SyntheticFingerSimd, ImpressionsThatFillTheTemplateStopWhereThePortablePathStops) {
    if (devices::synthetic_finger_vector_width() < 512) GTEST_SKIP() << kNoVectorPath;
    // 64 minutiae near the centre: always in the contact area and on the sensor, so only the missed
    // ones (6 % to 12 % with these conditions) are lost and the 48th kept one ends the master loop early.
    core::RandomStream rs(20240901, 4);
    int failures = 0, full = 0, early = 0;
    constexpr int kFillCases = 20'000;
    for (int i = 0; i < kFillCases; ++i) {
        const SyntheticFinger f = random_finger(rs, devices::kMaxMasterMinutiae, 30.0f);
        const devices::CaptureConditions c{i % 2 ? 1.0 : 0.8 + 0.2 * rs.uniform(), 0.0};
        const core::RandomStream capture(rs.next_u64(), 5);
        int count = 0;
        std::uint64_t drawn = 0;
        expect_same_impression(f, c, capture, failures, i, &count, &drawn);
        full += count == core::kMaxMinutiae;
        early += drawn < 3 + devices::kMaxMasterMinutiae;  // 3 for the placement, then fewer than one per minutia
    }
    EXPECT_EQ(failures, 0);
    EXPECT_GT(full, kFillCases * 95 / 100);
    EXPECT_GT(early, kFillCases * 95 / 100);
    RecordProperty("filled", full);
}

}  // namespace
