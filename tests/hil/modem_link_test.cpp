// hil::ModemLink, both ends of a PEC modem's real link in a drill (docs/hil.md, "Drills with
// hardware"), over TLS on loopback: a report crosses to the CEC's end and the answer comes back on
// its connection; a dead route, a PEC's end that gave up, and a delay stage on the path each show
// as the link's own failure or time.
#include "hil/modem_link.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "hil/delay_relay.hpp"
#include "tests/hil/free_port.hpp"

namespace modem_link_test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

const std::filesystem::path kTls = std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021" / "tls";

hil::ModemLinkSettings settings(std::uint16_t listen_port, std::chrono::milliseconds timeout = 5000ms) {
    return {.listen = {"127.0.0.1", listen_port},
            .dial = std::nullopt,
            .certificate = kTls / "training-server.pem",
            .private_key = kTls / "training-server.key",
            .ca = kTls / "cec-ca.pem",
            .server_name = "localhost",
            .timeout = timeout};
}

const std::vector<std::uint8_t> kReport{8, 1, 18, 3, 'a', 'b', 'c', 42, 42, 42};
const core::Ack kStored{.outcome = core::AckOutcome::stored, .reason = 0, .ticket = 0, .sequence = 7, .text = "stored"};

TEST(ModemLink, AReportCrossesToTheCecsEndAndItsAnswerComesBackOnItsConnection) {
    auto link = hil::ModemLink::open(settings(0));
    ASSERT_TRUE(link) << link.error().message;
    EXPECT_NE((*link)->cec_end().port, 0);
    EXPECT_EQ((*link)->pec_dials().port, (*link)->cec_end().port);
    for (int round = 0; round < 3; ++round) {
        std::uint64_t ticket = 0;
        const devices::LinkDelivery report = (*link)->carry_report(kReport, ticket);
        ASSERT_TRUE(report.arrived) << report.error;
        EXPECT_FALSE(report.answer);
        EXPECT_LT(report.wall_ms, 5000);
        const devices::LinkDelivery answer = (*link)->carry_answer(ticket, kStored);
        ASSERT_TRUE(answer.arrived) << answer.error;
        EXPECT_TRUE(answer.answer);
    }
    const hil::ModemLinkCounters c = (*link)->counters();
    EXPECT_EQ(c.reports, 3);
    EXPECT_EQ(c.answers, 3);
    EXPECT_EQ(c.failures, 0);
    EXPECT_EQ(c.strays, 0);
    // An answer for a report that is not waiting is refused, not sent anywhere.
    const devices::LinkDelivery nobody = (*link)->carry_answer(99, kStored);
    EXPECT_FALSE(nobody.arrived);
    EXPECT_NE(nobody.error.find("ticket 99"), std::string::npos) << nobody.error;
}

TEST(ModemLink, NothingWhereThePecsEndDialsFailsTheReportInTheNetworksWords) {
    hil::ModemLinkSettings s = settings(0);
    const std::uint16_t nowhere = hil_test::free_port();
    s.dial = net::ServerAddress{"127.0.0.1", nowhere};
    auto link = hil::ModemLink::open(s);
    ASSERT_TRUE(link) << link.error().message;
    std::uint64_t ticket = 0;
    const devices::LinkDelivery report = (*link)->carry_report(kReport, ticket);
    EXPECT_FALSE(report.arrived);
    EXPECT_NE(report.error.find("connect"), std::string::npos) << report.error;
    EXPECT_NE(report.error.find(std::to_string(nowhere)), std::string::npos) << report.error;
    EXPECT_EQ((*link)->counters().failures, 1);
}

TEST(ModemLink, AnAnswerTheCecGivesAfterThePecsEndGaveUpIsLost) {
    auto link = hil::ModemLink::open(settings(0, 600ms));
    ASSERT_TRUE(link) << link.error().message;
    std::uint64_t ticket = 0;
    ASSERT_TRUE((*link)->carry_report(kReport, ticket).arrived);
    std::this_thread::sleep_for(1200ms);  // the CEC takes longer than the link's timeout (a paused drill, say)
    const devices::LinkDelivery answer = (*link)->carry_answer(ticket, kStored);
    EXPECT_FALSE(answer.arrived);
    EXPECT_NE(answer.error.find("timed out"), std::string::npos) << answer.error;
}

TEST(ModemLink, ADelayStageOnThePathShowsInBothLegsTimes) {
    const std::uint16_t cec = hil_test::free_port();
    hil::DelaySettings delay;
    delay.delay = 150ms;
    auto relay = hil::DelayRelay::start({asio::ip::make_address("127.0.0.1"), 0}, {asio::ip::make_address("127.0.0.1"), cec}, delay);
    ASSERT_TRUE(relay) << relay.error().message;
    hil::ModemLinkSettings s = settings(cec);
    s.dial = net::ServerAddress{"127.0.0.1", (*relay)->port()};
    auto link = hil::ModemLink::open(s);
    ASSERT_TRUE(link) << link.error().message;
    std::uint64_t ticket = 0;
    const devices::LinkDelivery report = (*link)->carry_report(kReport, ticket);
    ASSERT_TRUE(report.arrived) << report.error;
    // Connect, the TLS 1.3 handshake and the frame: at least two passes through the stage one way.
    EXPECT_GE(report.wall_ms, 300);
    const devices::LinkDelivery answer = (*link)->carry_answer(ticket, kStored);
    ASSERT_TRUE(answer.arrived) << answer.error;
    EXPECT_GE(answer.wall_ms, 150);
}

TEST(ModemLink, OpeningNamesWhatIsWrong) {
    hil::ModemLinkSettings s = settings(0);
    s.listen.host = "localhost";
    auto named = hil::ModemLink::open(s);
    ASSERT_FALSE(named);
    EXPECT_NE(named.error().message.find("localhost:0: the CEC's end needs an IP address"), std::string::npos) << named.error().message;
    s = settings(0);
    s.certificate = "/nonexistent/server.pem";
    auto no_cert = hil::ModemLink::open(s);
    ASSERT_FALSE(no_cert);
    EXPECT_NE(no_cert.error().message.find("/nonexistent/server.pem"), std::string::npos) << no_cert.error().message;
    auto first = hil::ModemLink::open(settings(0));
    ASSERT_TRUE(first);
    auto taken = hil::ModemLink::open(settings((*first)->cec_end().port));
    ASSERT_FALSE(taken);
    EXPECT_NE(taken.error().message.find("cannot listen"), std::string::npos) << taken.error().message;
}

}  // namespace
}  // namespace modem_link_test
