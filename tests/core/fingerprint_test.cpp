#include "core/fingerprint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace {

using core::FingerprintTemplate;
using core::Minutia;
using core::MinutiaType;

std::vector<Minutia> grid_minutiae() {
    std::vector<Minutia> m;
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j)
            m.push_back({static_cast<std::int16_t>(100 + 37 * i + (j * 7) % 11), static_cast<std::int16_t>(120 + 41 * j + (i * 5) % 13),
                         static_cast<std::uint8_t>(i * 40 + j * 23), (i + j) % 2 ? MinutiaType::ending : MinutiaType::bifurcation});
    return m;
}

TEST(AngleUnits, MatchesTheFourAxesAndDiagonals) {
    EXPECT_NEAR(core::angle_units(1, 0), 0.0f, 0.01f);
    EXPECT_NEAR(core::angle_units(1, 1), 32.0f, 0.01f);
    EXPECT_NEAR(core::angle_units(0, 1), 64.0f, 0.01f);
    EXPECT_NEAR(core::angle_units(-1, 0), 128.0f, 0.01f);
    EXPECT_NEAR(core::angle_units(0, -1), 192.0f, 0.01f);
    EXPECT_NEAR(core::angle_units(1, -1), 224.0f, 0.01f);
}

TEST(FingerprintTemplate, KeepsAtMostTheMaximumNumberOfMinutiae) {
    std::vector<Minutia> many(70, Minutia{10, 10, 0, MinutiaType::ending});
    for (int i = 0; i < 70; ++i) many[i].x = static_cast<std::int16_t>(10 * i);
    const auto t = FingerprintTemplate::from_minutiae(many);
    EXPECT_EQ(t.count, core::kMaxMinutiae);
    EXPECT_EQ(t.minutiae[core::kMaxMinutiae - 1].x, 10 * (core::kMaxMinutiae - 1));
}

TEST(FingerprintTemplate, DescribesEachMinutiaByItsNeighbours) {
    const auto t = FingerprintTemplate::from_minutiae(grid_minutiae());
    ASSERT_EQ(t.count, 36);
    for (int i = 0; i < t.count; ++i) EXPECT_GT(t.cylinder_bits[i], 0) << "minutia " << i;
    // A lone minutia has no neighbours and so an empty descriptor.
    const std::vector<Minutia> lone{{50, 50, 10, MinutiaType::ending}, {400, 400, 20, MinutiaType::ending}};
    const auto u = FingerprintTemplate::from_minutiae(lone);
    EXPECT_EQ(u.cylinder_bits[0], 0);
    EXPECT_EQ(u.cylinder_bits[1], 0);
}

TEST(FingerprintTemplate, DescriptorsDoNotChangeWhenTheFingerIsMovedOrTurnedByQuarterTurns) {
    const auto m = grid_minutiae();
    std::vector<Minutia> moved, turned;
    for (auto x : m) {
        moved.push_back({static_cast<std::int16_t>(x.x + 53), static_cast<std::int16_t>(x.y - 17), x.angle, x.type});
        // A quarter turn (x, y) -> (-y, x) is exact on the pixel grid; directions turn by 64 units.
        turned.push_back({static_cast<std::int16_t>(600 - x.y), x.x, static_cast<std::uint8_t>(x.angle + 64), x.type});
    }
    // Templates keep minutiae sorted by position, so compare the sets of descriptors.
    auto descriptors = [](const FingerprintTemplate& t) {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> d;
        for (int i = 0; i < t.count; ++i) d.emplace_back(t.cylinders[i].bits[0], t.cylinders[i].bits[1]);
        std::sort(d.begin(), d.end());
        return d;
    };
    const auto a = descriptors(FingerprintTemplate::from_minutiae(m));
    EXPECT_EQ(a, descriptors(FingerprintTemplate::from_minutiae(moved)));
    EXPECT_EQ(a, descriptors(FingerprintTemplate::from_minutiae(turned)));
}

TEST(Finger, HasAHumanName) {
    EXPECT_EQ(core::to_string(core::Finger::left_thumb), "left_thumb");
}

}  // namespace
