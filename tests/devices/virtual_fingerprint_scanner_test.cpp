#include "devices/virtual_fingerprint_scanner.hpp"

#include <gtest/gtest.h>

namespace {

TEST(VirtualFingerprintScanner, CapturesTheFingerOfThePresentedHand) {
    devices::VirtualFingerprintScanner scanner("1001-fingerprint-1", core::RandomStream(5, 1001));
    scanner.present_hand(99, 1.0);
    auto capture = scanner.capture(core::Finger::right_index);
    ASSERT_TRUE(capture.has_value());
    EXPECT_GT(capture->print.count, 15);
    EXPECT_GT(capture->quality, 50);
}

TEST(VirtualFingerprintScanner, CapturesTheSameImpressionFromASharedFingerAsFromTheSeed) {
    devices::VirtualFingerprintScanner a("1001-fingerprint-1", core::RandomStream(5, 1001));
    devices::VirtualFingerprintScanner b("1001-fingerprint-1", core::RandomStream(5, 1001));
    a.present_hand(99, 0.8);
    b.present_hand(99, 0.8);
    b.share_finger(core::Finger::right_index, devices::SyntheticFinger::generate(99, core::Finger::right_index));
    const auto ca = a.capture(core::Finger::right_index), cb = b.capture(core::Finger::right_index);
    ASSERT_TRUE(ca && cb);
    ASSERT_EQ(ca->print.count, cb->print.count);
    for (int i = 0; i < ca->print.count; ++i) EXPECT_EQ(ca->print.minutiae[i], cb->print.minutiae[i]);
}

TEST(VirtualFingerprintScanner, FailsWithAReasonWhenDeadOrWithoutAHand) {
    devices::VirtualFingerprintScanner scanner("1001-fingerprint-1", core::RandomStream(5, 1001));
    auto no_hand = scanner.capture(core::Finger::right_index);
    ASSERT_FALSE(no_hand.has_value());
    EXPECT_NE(no_hand.error().message.find("no finger"), std::string::npos);
    scanner.present_hand(99, 1.0);
    ASSERT_TRUE(scanner.enter_fault(devices::Fault::dead, 0));
    auto dead = scanner.capture(core::Finger::right_index);
    ASSERT_FALSE(dead.has_value());
    EXPECT_EQ(dead.error().cause, devices::Fault::dead);
    scanner.clear_fault(devices::Fault::dead, 1);
    EXPECT_TRUE(scanner.capture(core::Finger::right_index).has_value());
}

TEST(VirtualFingerprintScanner, ReportsLowerQualityWhenDegraded) {
    devices::VirtualFingerprintScanner scanner("1001-fingerprint-1", core::RandomStream(5, 1001));
    scanner.present_hand(99, 0.9);
    const int clean = scanner.capture(core::Finger::right_index)->quality;
    scanner.enter_fault(devices::Fault::degraded, 0, 0.8);
    const int dirty = scanner.capture(core::Finger::right_index)->quality;
    EXPECT_LT(dirty, clean);
}

}  // namespace
