// The panels' shared helpers (trainer/panel_utils.cpp).
#include <gtest/gtest.h>

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
