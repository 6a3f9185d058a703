// The PEC's store-and-forward transmitter: outages delay reports, never lose or duplicate them.
#include <gtest/gtest.h>

#include <map>

#include "devices/virtual_modem.hpp"
#include "station/transmitter.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace transmitter_test {

namespace {

struct ManualClock final : core::Clock {
    core::Micros t = core::at(20, 0);
    core::Micros now() const override { return t; }
};

std::vector<std::uint8_t> bytes(int n) { return std::vector<std::uint8_t>(static_cast<std::size_t>(n), 7); }

// Drives a transmitter like the simulator does: wake it when it asks, acknowledge every delivery
// (the CEC stores the first copy, answers "duplicate" to the others) until everything is acknowledged.
struct Harness {
    ManualClock clock;
    devices::VirtualModem modem{"1001-modem", core::RandomStream(1)};
    station::Transmitter tx{modem, clock};
    std::map<std::pair<std::string, std::uint64_t>, int> stored;  // how many copies the CEC stored
    int deliveries = 0;

    void run_until_done(core::Micros limit) {
        while (!tx.done() && clock.t < limit) {
            for (const auto& t : tx.poll()) {
                ++deliveries;
                auto& copies = stored[{t.device_id, t.sequence}];
                const bool first = copies == 0;
                if (first) copies = 1;
                clock.t = std::max(clock.t, t.delivered_at);
                tx.on_ack(t.device_id, t.sequence, first ? core::AckOutcome::stored : core::AckOutcome::duplicate);
            }
            if (auto next = tx.next_wakeup()) clock.t = std::max(clock.t, *next);
        }
    }
};

TEST(Transmitter, SendsEveryReportOnceWhenTheLinkIsUp) {
    Harness h;
    h.tx.enqueue("1001-arbb-1", 1, bytes(2000));
    h.tx.enqueue("1001-arbb-2", 1, bytes(900));
    h.tx.enqueue("1001-id-1", 1, bytes(200));
    h.run_until_done(core::at(21, 0));
    EXPECT_TRUE(h.tx.done());
    EXPECT_EQ(h.deliveries, 3);
    EXPECT_EQ(h.stored.size(), 3u);
}

TEST(Transmitter, ModemOutageDelaysButNeverLosesOrDuplicatesAReport) {
    Harness h;
    h.modem.enter_fault(devices::Fault::no_signal, h.clock.t);
    h.tx.enqueue("1001-arbb-1", 1, bytes(2000));
    h.tx.enqueue("1001-id-1", 1, bytes(200));
    // Nothing gets through while there is no signal; the transmitter backs off and keeps the reports.
    for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(h.tx.poll().empty());
        h.clock.t = *h.tx.next_wakeup();
    }
    EXPECT_EQ(h.tx.pending(), 2u);
    EXPECT_GE(h.tx.states()[0].modem_failures, 20);
    // Backoff is bounded: retries never wait more than the policy's maximum.
    const core::Micros before = h.clock.t;
    h.tx.poll();
    EXPECT_LE(*h.tx.next_wakeup() - before, station::TransmitterPolicy{}.max_backoff);
    h.modem.clear_fault(devices::Fault::no_signal, h.clock.t);
    h.run_until_done(core::at(23, 0));
    EXPECT_TRUE(h.tx.done());
    for (const auto& [key, copies] : h.stored) EXPECT_EQ(copies, 1) << key.first;
    EXPECT_EQ(h.stored.size(), 2u);
}

TEST(Transmitter, ResendsWhenNoAnswerComesAndStopsAtTheAcknowledgement) {
    ManualClock clock;
    devices::VirtualModem modem{"1001-modem", core::RandomStream(1)};
    station::Transmitter tx{modem, clock};
    tx.enqueue("1001-arbb-1", 1, bytes(100));
    auto first = tx.poll();
    ASSERT_EQ(first.size(), 1u);
    // The answer is lost: after the ack timeout the same bytes go again.
    clock.t = first[0].delivered_at + station::TransmitterPolicy{}.ack_timeout;
    auto second = tx.poll();
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].bytes, first[0].bytes);
    EXPECT_EQ(second[0].attempt, 2);
    EXPECT_TRUE(tx.on_ack("1001-arbb-1", 1, core::AckOutcome::duplicate));
    EXPECT_TRUE(tx.done());
    EXPECT_FALSE(tx.next_wakeup().has_value());
    EXPECT_FALSE(tx.on_ack("1001-arbb-9", 1, core::AckOutcome::stored));  // unknown report
}

TEST(Transmitter, RejectedReportIsNotResentAndKeepsTheReason) {
    ManualClock clock;
    devices::VirtualModem modem{"1001-modem", core::RandomStream(1)};
    station::Transmitter tx{modem, clock};
    tx.enqueue("1001-arbb-1", 1, bytes(100));
    ASSERT_EQ(tx.poll().size(), 1u);
    tx.on_ack("1001-arbb-1", 1, core::AckOutcome::rejected, "bad_signature");
    EXPECT_TRUE(tx.done());
    EXPECT_TRUE(tx.states()[0].rejected);
    EXPECT_EQ(tx.states()[0].reason, "bad_signature");
    clock.t += core::kHour;
    EXPECT_TRUE(tx.poll().empty());
}

TEST(Transmitter, ARetryAnswerKeepsTheReportAndSendsItAgain) {
    ManualClock clock;
    devices::VirtualModem modem{"1001-modem", core::RandomStream(1)};
    station::Transmitter tx{modem, clock};
    tx.enqueue("1001-arbb-1", 1, bytes(100));
    const auto first = tx.poll();
    ASSERT_EQ(first.size(), 1u);
    EXPECT_TRUE(tx.on_ack("1001-arbb-1", 1, core::AckOutcome::retry, "server store failed"));
    EXPECT_FALSE(tx.done());
    EXPECT_FALSE(tx.states()[0].acknowledged);
    EXPECT_FALSE(tx.states()[0].rejected);
    EXPECT_EQ(tx.states()[0].reason, "server store failed");
    clock.t = first[0].delivered_at + station::TransmitterPolicy{}.ack_timeout;
    const auto again = tx.poll();
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].bytes, first[0].bytes);
    EXPECT_TRUE(tx.on_ack("1001-arbb-1", 1, core::AckOutcome::stored));
    EXPECT_TRUE(tx.done());
}

// Boost.Beast's fail_count idea: make the n-th modem transfer fail, for n = 0, 1, 2, ... until a
// run completes untouched; every run must end with each report stored exactly once.
TEST(Transmitter, EveryModemFailurePointStillDeliversEachReportExactlyOnce) {
    for (int n = 0; n < 12; ++n) {
        Harness h;
        h.modem.fail_at(n);
        h.tx.enqueue("1001-arbb-1", 1, bytes(2000));
        h.tx.enqueue("1001-arbb-2", 1, bytes(900));
        h.tx.enqueue("1001-id-1", 1, bytes(200));
        h.run_until_done(core::at(23, 0));
        ASSERT_TRUE(h.tx.done()) << "fail at " << n;
        EXPECT_EQ(h.stored.size(), 3u) << "fail at " << n;
        for (const auto& [key, copies] : h.stored) EXPECT_EQ(copies, 1) << key.first << " fail at " << n;
    }
}

}  // namespace

}  // namespace transmitter_test
