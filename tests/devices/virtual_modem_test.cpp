#include "devices/virtual_modem.hpp"

#include <gtest/gtest.h>

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace virtual_modem_test {

using devices::Fault;
using devices::VirtualModem;

namespace {
VirtualModem make() { return VirtualModem("1001-modem-1", core::RandomStream(7, 1001, 3)); }
}  // namespace

TEST(VirtualModem, DeliversAfterBaseLatencyPlusPerByteTime) {
    auto m = make();
    const auto t = m.transmit(5000, core::at(20, 0));
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, core::at(20, 0) + 400'000 + 5000 * 8);
    EXPECT_EQ(m.bytes_delivered(), 5000);
}

TEST(VirtualModem, NoSignalAndDeadRefuse) {
    auto m = make();
    m.enter_fault(Fault::no_signal, 0);
    EXPECT_EQ(m.transmit(10, 1).error().cause, Fault::no_signal);
    m.clear_fault(Fault::no_signal, 2);
    m.enter_fault(Fault::dead, 3);
    EXPECT_EQ(m.transmit(10, 4).error().cause, Fault::dead);
    EXPECT_EQ(m.bytes_delivered(), 0);
}

TEST(VirtualModem, SlowMultipliesLatencyBySeverity) {
    auto m = make();
    m.enter_fault(Fault::slow, 0, 10.0);
    EXPECT_EQ(*m.transmit(1000, 0), 10 * (400'000 + 8000));
}

TEST(VirtualModem, FlappingLinkIsDownForItsShareOfTime) {
    auto m = make();
    m.enter_fault(Fault::flapping, 0, 0.3);
    int failed = 0;
    const int tries = 6000;
    for (int i = 0; i < tries; ++i)
        if (!m.transmit(100, core::at(20, 0) + i * 100'000)) ++failed;  // every 0.1 s over 10 minutes
    // Down 30 % of the time, plus transfers (0.4 s) that would run into a down window.
    EXPECT_NEAR(failed / double(tries), 0.3 + 0.4 / 60.0, 0.02);
}

TEST(VirtualModem, FailAtNFailsExactlyTheNthTransfer) {
    for (int n = 0; n < 3; ++n) {
        auto m = make();
        m.fail_at(n);
        for (int i = 0; i < 4; ++i) EXPECT_EQ(m.transmit(10, i).has_value(), i != n) << "n=" << n << " i=" << i;
    }
}

}  // namespace virtual_modem_test
