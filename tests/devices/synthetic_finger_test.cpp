#include "devices/synthetic_finger.hpp"

#include <gtest/gtest.h>

namespace {

TEST(SyntheticFinger, IsTheSameForTheSameSeedAndFingerAndDiffersOtherwise) {
    const auto a = devices::SyntheticFinger::generate(42, core::Finger::right_index);
    const auto b = devices::SyntheticFinger::generate(42, core::Finger::right_index);
    const auto c = devices::SyntheticFinger::generate(42, core::Finger::left_index);
    ASSERT_EQ(a.count, b.count);
    for (int i = 0; i < a.count; ++i) EXPECT_EQ(a.minutiae[i].x, b.minutiae[i].x);
    bool differs = a.count != c.count;
    for (int i = 0; i < std::min(a.count, c.count); ++i) differs |= a.minutiae[i].x != c.minutiae[i].x;
    EXPECT_TRUE(differs);
}

TEST(SyntheticFinger, HasAPlausibleNumberOfMinutiae) {
    for (std::uint64_t seed = 1; seed < 50; ++seed) {
        const auto f = devices::SyntheticFinger::generate(seed, core::Finger::right_thumb);
        EXPECT_GE(f.count, 25) << seed;
        EXPECT_LE(f.count, devices::kMaxMasterMinutiae) << seed;
    }
}

TEST(Impression, IsDifferentEachTimeButReproducibleFromTheStream) {
    const auto f = devices::SyntheticFinger::generate(7, core::Finger::right_index);
    core::RandomStream s1(1, 2), s2(1, 2);
    const auto a = devices::make_impression(f, {0.9, 0.0}, s1);
    const auto b = devices::make_impression(f, {0.9, 0.0}, s2);
    const auto c = devices::make_impression(f, {0.9, 0.0}, s1);
    ASSERT_EQ(a.count, b.count);
    for (int i = 0; i < a.count; ++i) EXPECT_EQ(a.minutiae[i], b.minutiae[i]);
    bool differs = a.count != c.count;
    for (int i = 0; i < std::min(a.count, c.count); ++i) differs |= !(a.minutiae[i] == c.minutiae[i]);
    EXPECT_TRUE(differs);
}

TEST(Impression, LosesMoreMinutiaeWhenTheCaptureIsPoor) {
    const auto f = devices::SyntheticFinger::generate(11, core::Finger::right_index);
    core::RandomStream rs(3, 4);
    double good = 0, poor = 0;
    for (int i = 0; i < 200; ++i) {
        good += devices::make_impression(f, {1.0, 0.0}, rs).count;
        // Spurious minutiae are added too, so compare genuine content via the master count bound.
        poor += devices::make_impression(f, {0.4, 0.8}, rs).count;
    }
    EXPECT_GT(good / 200, 0.75 * f.count);
    EXPECT_LT(poor / 200, good / 200);
}

TEST(CaptureQuality, FallsWithAgeAndADirtySensor) {
    EXPECT_DOUBLE_EQ(devices::skin_quality_for_age(25), 1.0);
    EXPECT_LT(devices::skin_quality_for_age(80), devices::skin_quality_for_age(50));
    EXPECT_LT(devices::capture_quality({1.0, 0.5}), devices::capture_quality({1.0, 0.0}));
}

}  // namespace
