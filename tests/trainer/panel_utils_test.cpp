// The panels' shared helpers (trainer/panel_utils.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "trainer/panels.hpp"

namespace {

TEST(Panels, EveryInspectorDeviceThatCanFailIsAddressable) {
    using devices::DeviceKind;
    EXPECT_EQ(trainer::target_of({"6006-id-3-fingerprint", DeviceKind::fingerprint_scanner, 0}),
              std::make_optional(std::pair{sim::FaultTarget::fingerprint_scanner, 2}));
    EXPECT_EQ(trainer::target_of({"6006-arbb-2", DeviceKind::ballot_scanner, 0}),
              std::make_optional(std::pair{sim::FaultTarget::arbb_district, 0}));
    EXPECT_EQ(trainer::target_of({"6006-ups", DeviceKind::power_supply, 0}), std::make_optional(std::pair{sim::FaultTarget::power, 0}));
    EXPECT_FALSE(trainer::target_of({"6006-arbb-1-printer", DeviceKind::printer, 0}));
    EXPECT_EQ(trainer::fault_names(0), "ok");
    EXPECT_EQ(trainer::fault_names((1u << static_cast<unsigned>(devices::Fault::jam)) | 1u), "dead, jam");
}

}  // namespace

namespace {

TEST(Panels, MeanWaitShowsInMinutes) {
    EXPECT_EQ(trainer::minutes_text(110.0), "1.8 min");
    EXPECT_EQ(trainer::minutes_text(0.0), "0.0 min");
    EXPECT_EQ(trainer::minutes_text(3600.0), "60.0 min");
}

// The form's default duration is the script's (drill::kDefaultFaultDuration, docs/trainer.md).
TEST(Panels, TheFaultFormDefaultsToTheScriptsDuration) {
    EXPECT_EQ(static_cast<sim::Time>(trainer::FaultPanelState{}.duration_min) * core::kMinute, drill::kDefaultFaultDuration);
}

// The six panels tile the window whatever its size: no gap, no overlap, whole pixels.
TEST(Panels, LayoutTilesTheWindowAtEverySize) {
    const auto& l = trainer::kLayout;
    for (const ImVec2 display : {ImVec2(1280, 800), ImVec2(1024, 700), ImVec2(1920, 1080), ImVec2(1366, 768)}) {
        std::vector<ImVec4> rects;
        double area = 0;
        for (const auto* r : {&l.map, &l.timeline, &l.log, &l.inspector, &l.faults, &l.summary}) {
            rects.push_back(trainer::panel_pixels(*r, display));
            const ImVec4& p = rects.back();
            EXPECT_EQ(p.x, std::round(p.x));
            EXPECT_GE(p.x, 0.0f);
            EXPECT_LE(p.x + p.z, display.x);
            EXPECT_LE(p.y + p.w, display.y);
            area += static_cast<double>(p.z) * p.w;
        }
        EXPECT_EQ(area, static_cast<double>(display.x) * display.y) << display.x << "x" << display.y;
        for (std::size_t a = 0; a < rects.size(); ++a)
            for (std::size_t b = a + 1; b < rects.size(); ++b) {
                const ImVec4 &p = rects[a], &q = rects[b];
                const bool apart = p.x + p.z <= q.x || q.x + q.z <= p.x || p.y + p.w <= q.y || q.y + q.w <= p.y;
                EXPECT_TRUE(apart) << a << " overlaps " << b << " at " << display.x << "x" << display.y;
            }
    }
}

}  // namespace
