#include "devices/virtual_power_supply.hpp"

#include <gtest/gtest.h>

using core::kMinute;
using devices::Fault;
using devices::VirtualPowerSupply;

TEST(VirtualPowerSupply, StaysPoweredOnMains) {
    VirtualPowerSupply ups("1001-ups-1");
    EXPECT_TRUE(ups.powered(core::at(8, 0)));
    EXPECT_TRUE(ups.powered(core::at(20, 0)));
    EXPECT_EQ(ups.autonomy_left(core::at(20, 0)), VirtualPowerSupply::kFullAutonomy);
}

TEST(VirtualPowerSupply, RunsOnTheUpsForItsAutonomyAfterMainsLoss) {
    VirtualPowerSupply ups("u");
    const auto t0 = core::at(10, 0);
    ups.powered(t0 - kMinute);
    ups.enter_fault(Fault::mains_loss, t0);
    EXPECT_TRUE(ups.powered(t0 + 44 * kMinute));
    EXPECT_EQ(ups.autonomy_left(t0 + 44 * kMinute), kMinute);
    EXPECT_FALSE(ups.powered(t0 + 45 * kMinute));
    EXPECT_FALSE(ups.powered(t0 + 90 * kMinute));
}

TEST(VirtualPowerSupply, ComesBackWithMainsAndRechargesAtTheDocumentedRate) {
    VirtualPowerSupply ups("u");
    const auto t0 = core::at(10, 0);
    ups.powered(t0);
    ups.enter_fault(Fault::mains_loss, t0);
    ups.clear_fault(Fault::mains_loss, t0 + 60 * kMinute);
    EXPECT_TRUE(ups.powered(t0 + 60 * kMinute));
    EXPECT_EQ(ups.autonomy_left(t0 + 60 * kMinute), 0);
    EXPECT_EQ(ups.autonomy_left(t0 + 140 * kMinute), 10 * kMinute);  // 80 min on mains x 1/8
    ups.enter_fault(Fault::mains_loss, t0 + 140 * kMinute);
    EXPECT_TRUE(ups.powered(t0 + 149 * kMinute));
    EXPECT_FALSE(ups.powered(t0 + 150 * kMinute));
}

TEST(VirtualPowerSupply, ChangingSeverityDoesNotRestartTheRunDown) {
    VirtualPowerSupply ups("u");
    ups.powered(0);
    ups.enter_fault(Fault::mains_loss, 0);
    ups.enter_fault(Fault::mains_loss, 30 * kMinute, 0.5);
    EXPECT_FALSE(ups.powered(45 * kMinute));
}
