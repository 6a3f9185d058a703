// hil::SocketModem under the station's real store-and-forward transmitter, against the real ingest
// server on loopback, and hil::DelayRelay on that path (docs/hil.md, "A real network link").
#include <gtest/gtest.h>

#include <chrono>

#include "../central/ingest_server_fixture.hpp"
#include "hil/delay_relay.hpp"
#include "tests/hil/free_port.hpp"
#include "hil/socket_modem.hpp"
#include "station/transmitter.hpp"

namespace socket_modem_test {
namespace {

using namespace std::chrono_literals;
using ingest_server_fixture::Server;

class ManualClock final : public core::Clock {
public:
    core::Micros now() const override { return t; }
    core::Micros t = core::at(20, 5);
};

hil::SocketModemSettings settings_for(std::uint16_t port, const core::Clock& clock) {
    return {.server = {"127.0.0.1", port}, .server_name = {}, .ca = ingest_server_fixture::kTls / "cec-ca.pem", .timeout = 5000ms,
            .clock = &clock};
}

/// Hands the modem's answers to the transmitter, as the PEC's main loop (or `shailoo hil send`) does.
void deliver_acks(hil::SocketModem& modem, station::Transmitter& tx) {
    for (const auto& a : modem.take_acks()) EXPECT_TRUE(tx.on_ack(a.device_id, a.sequence, a.ack.outcome, a.ack.text)) << a.device_id;
}

TEST(SocketModem, ATransmitterOverItRetriesWhileNoServerAnswersAndEachReportIsStoredOnce) {
    Server server("socket-modem");
    ManualClock clock;
    const std::uint16_t port = hil_test::free_port();
    auto modem = hil::SocketModem::open("1001-modem-1", settings_for(port, clock));
    ASSERT_TRUE(modem) << modem.error().message;
    station::Transmitter tx(**modem, clock);
    tx.enqueue("1001-id-1", 1, ingest_server_fixture::identification(1, 10));
    tx.enqueue("1001-id-1", 2, ingest_server_fixture::identification(2, 25));

    // Nothing listens yet: both sends fail as no_signal, in the network's words, and wait for the backoff.
    EXPECT_TRUE(tx.poll().empty());
    for (const auto& s : tx.states()) {
        EXPECT_EQ(s.modem_failures, 1);
        EXPECT_NE(s.reason.find("connect"), std::string::npos) << s.reason;
        EXPECT_NE(s.reason.find(std::to_string(port)), std::string::npos) << s.reason;
    }
    EXPECT_EQ(tx.next_wakeup(), clock.t + station::TransmitterPolicy{}.first_backoff);

    // The link comes up (a relay on that port to the server): the retry delivers both, each stored once.
    auto relay = hil::DelayRelay::start({boost::asio::ip::make_address("127.0.0.1"), port}, server.endpoint(), {});
    ASSERT_TRUE(relay) << relay.error().message;
    clock.t += 5 * core::kSecond;
    EXPECT_EQ(tx.poll().size(), 2u);
    deliver_acks(**modem, tx);
    EXPECT_TRUE(tx.done());
    EXPECT_EQ(server.store->count(), 2);

    // A report sent again (its ack lost on the way, say) is answered duplicate and not stored twice.
    tx.enqueue("1001-id-1", 2, ingest_server_fixture::identification(2, 25));
    ASSERT_EQ(tx.poll().size(), 1u);
    const auto acks = (*modem)->take_acks();
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0].ack.outcome, core::AckOutcome::duplicate);
    EXPECT_EQ(acks[0].device_id, "1001-id-1");
    EXPECT_EQ(acks[0].sequence, 2u);
    EXPECT_EQ(server.store->count(), 2);
    EXPECT_EQ((*modem)->counters().exchanges, 3);
    EXPECT_EQ((*modem)->counters().failures, 2);
}

TEST(SocketModem, RefusesAServerWhoseCertificateDoesNotNameTheHostAndAMissingCa) {
    Server server("socket-modem-name");
    ManualClock clock;
    auto settings = settings_for(server.endpoint().port(), clock);
    settings.server_name = "results.example.org";  // the training certificate names localhost and 127.0.0.1 only
    auto modem = hil::SocketModem::open("1001-modem-1", settings);
    ASSERT_TRUE(modem) << modem.error().message;
    const auto sent = (*modem)->send(ingest_server_fixture::identification(1, 10), clock.t);
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().cause, devices::Fault::no_signal);
    EXPECT_NE(sent.error().message.find("handshake"), std::string::npos) << sent.error().message;
    EXPECT_EQ(server.store->count(), 0);

    settings.ca = "/nonexistent/cec-ca.pem";
    auto missing = hil::SocketModem::open("1001-modem-1", settings);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("/nonexistent/cec-ca.pem"), std::string::npos) << missing.error().message;
    EXPECT_FALSE((*modem)->transmit(100, clock.t)) << "a socket modem carries reports, not sizes";
}

TEST(DelayRelay, HoldsEveryChunkForItsDelayAndPassesTheExchangeOnWhole) {
    Server server("delay-relay");
    ManualClock clock;
    constexpr auto kDelay = 60ms, kJitter = 20ms;
    auto relay = hil::DelayRelay::start({boost::asio::ip::make_address("127.0.0.1"), 0}, server.endpoint(), {kDelay, kJitter, 7});
    ASSERT_TRUE(relay) << relay.error().message;
    auto modem = hil::SocketModem::open("1001-modem-1", settings_for((*relay)->port(), clock));
    ASSERT_TRUE(modem) << modem.error().message;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE((*modem)->send(ingest_server_fixture::identification(1, 10), clock.t));
    const auto took = std::chrono::steady_clock::now() - start;
    const auto acks = (*modem)->take_acks();
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0].ack.outcome, core::AckOutcome::stored);
    // TLS 1.3 and the report need at least four one-way passes (hello, server's flight, client's
    // finish with the frame, the ack), each held at least delay - jitter.
    EXPECT_GE(took, 4 * (kDelay - kJitter));
    EXPECT_GE((*relay)->counters().chunks.load(), 4);
    EXPECT_EQ((*relay)->counters().connections.load(), 1);
    EXPECT_EQ(server.store->count(), 1);
}

TEST(DelayRelay, CountsAConnectionWhoseTargetIsUnreachableAndRefusesANegativeDelay) {
    const std::uint16_t nowhere = hil_test::free_port();
    auto relay = hil::DelayRelay::start({boost::asio::ip::make_address("127.0.0.1"), 0},
                                        {boost::asio::ip::make_address("127.0.0.1"), nowhere}, {});
    ASSERT_TRUE(relay) << relay.error().message;
    ManualClock clock;
    auto modem = hil::SocketModem::open("1001-modem-1", settings_for((*relay)->port(), clock));
    ASSERT_TRUE(modem);
    EXPECT_FALSE((*modem)->send(ingest_server_fixture::identification(1, 10), clock.t));
    EXPECT_EQ((*relay)->counters().failed_connects.load(), 1);
    auto negative = hil::DelayRelay::start({boost::asio::ip::make_address("127.0.0.1"), 0}, {}, {.delay = -1ms});
    ASSERT_FALSE(negative);
    EXPECT_NE(negative.error().message.find("negative"), std::string::npos);
}

}  // namespace
}  // namespace socket_modem_test
