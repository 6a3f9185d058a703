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

TEST(VirtualPowerSupply, ADeadUpsLosesPowerAtOnceWhenMainsIsLost) {
    VirtualPowerSupply ups("1001-ups");
    const auto t0 = core::at(10, 0);
    ups.powered(t0 - kMinute);
    ASSERT_TRUE(ups.enter_fault(Fault::dead, t0));
    EXPECT_EQ(ups.autonomy_left(t0), 0);
    ups.enter_fault(Fault::mains_loss, t0 + 60 * kMinute);
    EXPECT_FALSE(ups.powered(t0 + 60 * kMinute)) << "no autonomy: the ARBB goes dark with the mains";
    EXPECT_EQ(ups.autonomy_left(t0 + 60 * kMinute), 0);
    ups.clear_fault(Fault::mains_loss, t0 + 90 * kMinute);
    EXPECT_TRUE(ups.powered(t0 + 90 * kMinute));
}

TEST(VirtualPowerSupply, ADeadUpsStillRunsOnMainsAndDoesNotRecharge) {
    VirtualPowerSupply ups("u");
    const auto t0 = core::at(9, 0);
    ups.powered(t0);
    ups.enter_fault(Fault::dead, t0);
    EXPECT_TRUE(ups.powered(t0 + kMinute));
    EXPECT_TRUE(ups.powered(t0 + 10 * 60 * kMinute));
    EXPECT_EQ(ups.autonomy_left(t0 + 10 * 60 * kMinute), 0) << "ten hours on mains: a failed UPS holds no charge";
    EXPECT_TRUE(ups.has_fault(Fault::dead));
}

TEST(VirtualPowerSupply, AReplacedUpsComesChargedWithFullAutonomy) {
    VirtualPowerSupply ups("u");
    const auto t0 = core::at(10, 0);
    ups.powered(t0);
    ups.enter_fault(Fault::dead, t0);
    ASSERT_TRUE(ups.clear_fault(Fault::dead, t0 + 30 * kMinute));  // the spare is in
    EXPECT_EQ(ups.autonomy_left(t0 + 30 * kMinute), VirtualPowerSupply::kFullAutonomy);
    ups.enter_fault(Fault::mains_loss, t0 + 60 * kMinute);
    EXPECT_TRUE(ups.powered(t0 + 104 * kMinute));
    EXPECT_FALSE(ups.powered(t0 + 105 * kMinute)) << "the spare's 45 minutes, then dark";
}

TEST(VirtualPowerSupply, AUpsReplacedDuringAMainsLossRunsOnItsFullCharge) {
    VirtualPowerSupply ups("u");
    const auto t0 = core::at(10, 0);
    ups.powered(t0);
    ups.enter_fault(Fault::dead, t0);
    ups.enter_fault(Fault::mains_loss, t0 + 10 * kMinute);
    EXPECT_FALSE(ups.powered(t0 + 10 * kMinute));
    ups.clear_fault(Fault::dead, t0 + 20 * kMinute);
    EXPECT_TRUE(ups.powered(t0 + 20 * kMinute));
    EXPECT_EQ(ups.autonomy_left(t0 + 50 * kMinute), 15 * kMinute);
    EXPECT_FALSE(ups.powered(t0 + 65 * kMinute));
}
