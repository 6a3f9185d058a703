// The USB device policy of a PEC's machines (station/usb_policy.hpp): the package's USBGuard rules
// files decided by USBGuard's own matching (issue 15, the removable-media incident).
#include <gtest/gtest.h>

#include <string>

#include "station/usb_policy.hpp"

namespace usb_policy_test {
namespace {

const std::string kPackage = std::string(SHAILOO_SOURCE_DIR) + "/assets/kg2021/usb/";

station::UsbDecision decide(const station::UsbPolicy& policy, const std::string& device) {
    auto d = policy.decide(device);
    EXPECT_TRUE(d) << d.error().message;
    return d.value_or(station::UsbDecision{});
}

}  // namespace

TEST(UsbPolicy, TheArbbTakesItsModemAndNothingElse) {
    const auto arbb = station::UsbPolicy::load(kPackage + "arbb.conf");
    ASSERT_TRUE(arbb) << arbb.error().message;
    const auto modem = decide(*arbb, R"(id 12d1:1506 name "E3372" with-interface { 02:02:ff 0a:00:00 })");
    EXPECT_TRUE(modem.allowed);
    EXPECT_EQ(modem.rule.rfind("allow id 12d1:1506", 0), 0u) << modem.rule;
    const auto stick = decide(*arbb, R"(id 0781:5567 serial "4C530001" name "Cruzer Blade" with-interface 08:06:50)");
    EXPECT_FALSE(stick.allowed);
    EXPECT_EQ(stick.rule.rfind("reject", 0), 0u) << stick.rule;
    // The modem's id with a keyboard interface besides: the allow rule wants every interface in its set.
    EXPECT_FALSE(decide(*arbb, R"(id 12d1:1506 name "E3372" with-interface { 02:02:ff 0a:00:00 03:01:01 })").allowed);
    // A device no rule names: the last rule blocks everything.
    const auto other = decide(*arbb, "id 1234:5678 with-interface e0:01:01");
    EXPECT_FALSE(other.allowed);
    EXPECT_EQ(other.rule, "block");
}

TEST(UsbPolicy, TheStationTakesItsOwnReadersAndWebcamButNoStorageOrKeyboard) {
    const auto laptop = station::UsbPolicy::load(kPackage + "station.conf");
    ASSERT_TRUE(laptop) << laptop.error().message;
    EXPECT_TRUE(decide(*laptop, R"(id 1c7a:0603 name "ET850" with-interface ff:00:00)").allowed);
    EXPECT_TRUE(decide(*laptop, "id 046d:0825 with-interface { 0e:01:00 0e:02:00 01:01:00 01:02:00 }").allowed);
    EXPECT_FALSE(decide(*laptop, R"(id 0781:5567 name "Cruzer Blade" with-interface 08:06:50)").allowed);
    EXPECT_FALSE(decide(*laptop, R"(id 03eb:2401 name "USB Keyboard" with-interface 03:01:01)").allowed);
    EXPECT_FALSE(decide(*laptop, R"(id 12d1:1506 name "E3372" with-interface { 02:02:ff 0a:00:00 })").allowed) << "a modem is the ARBB's";
}

TEST(UsbPolicy, NoRuleMeansBlockedAndTheFirstApplyingRuleDecides) {
    const auto policy = station::UsbPolicy::parse("# comment\n\nallow id 0781:5567\nblock id 0781:*\n", "test.conf");
    ASSERT_TRUE(policy) << policy.error().message;
    const auto first = decide(*policy, "id 0781:5567 with-interface 08:06:50");
    EXPECT_TRUE(first.allowed);
    EXPECT_EQ(first.line, 3);
    EXPECT_EQ(decide(*policy, "id 0781:0001 with-interface 08:06:50").line, 4);
    const auto none = decide(*policy, "id 1111:2222 with-interface 08:06:50");
    EXPECT_FALSE(none.allowed);
    EXPECT_EQ(none.line, 0);
}

TEST(UsbPolicy, ABrokenRuleOrDeviceIsNamedWithItsFileAndLine) {
    const auto bad = station::UsbPolicy::parse("allow id 0781:5567\nallow idd 1:2\n", "rules.conf");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind("rules.conf:2: 'allow idd 1:2' is not a USBGuard rule", 0), 0u) << bad.error().message;
    const auto device_rule = station::UsbPolicy::parse("device id 0781:5567\n", "rules.conf");
    ASSERT_FALSE(device_rule);
    EXPECT_NE(device_rule.error().message.find("rules.conf:1:"), std::string::npos);
    const auto policy = station::UsbPolicy::parse("block\n", "rules.conf");
    ASSERT_TRUE(policy);
    EXPECT_FALSE(policy->decide("id zz:1"));
    EXPECT_FALSE(station::UsbPolicy::load("/nonexistent/rules.conf"));
}

}  // namespace usb_policy_test
