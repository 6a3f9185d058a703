// Regressions (hostile-client audit, issue 17): garbage frames grew the ingest's log without
// bound; slow clients that announce a large frame held its whole size in memory each, silent
// connections at the cap kept an honest PEC waiting ~28 s for the idle timeout, and one address
// could hold every connection of the cap.
#include <gtest/gtest.h>

#include <malloc.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstdio>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "../central/ingest_fixture.hpp"
#include "../central/ingest_server_fixture.hpp"
#include "net/tls_client.hpp"
#include "net/tls_context.hpp"

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using core::AckOutcome;
using net::exchange_blocking;
using net::make_client_tls_context;

TEST(IngestLog, AFloodOfGarbageCostsCountersNotMemory) {
    ingest_fixture::Server s("garbage-flood");
    constexpr int kFrames = 20'000;
    const std::vector<std::uint8_t> garbage(64, 0xAB);
    for (int i = 0; i < kFrames; ++i) s.ingest.submit(garbage, "flood", i);
    EXPECT_EQ(s.ingest.counters().rejections(central::RejectReason::malformed), kFrames);
    EXPECT_EQ(s.ingest.counters().log_lines, kFrames);
    EXPECT_EQ(s.ingest.log().size(), central::Ingest::kKeptLogLines);
    EXPECT_EQ(s.ingest.log().back().at, kFrames - 1);  // the latest lines are the ones kept
}

TEST(IngestLog, AlertsAreCountedAllAndKeptLatest) {
    ingest_fixture::Server s("alert-flood");
    // Sequence reuse raises an alert each time: the same sequence 1, each time with other counts.
    ASSERT_EQ(s.ingest.submit(ingest_fixture::sign(1001, "1001-arbb-1", 1, ingest_fixture::zero_report(1001, core::BoxKind::party_list)), "p", 0).outcome,
              core::AckOutcome::stored);
    const int kAlerts = static_cast<int>(central::Ingest::kKeptAlerts) + 50;
    for (int i = 0; i < kAlerts; ++i) {
        auto r = ingest_fixture::final_party_list(1001);
        r.at = i + 1;  // a different body every time
        s.ingest.submit(ingest_fixture::sign(1001, "1001-arbb-1", 1, r), "p", i + 1);
    }
    EXPECT_EQ(s.ingest.counters().alerts, kAlerts);
    EXPECT_EQ(s.ingest.alerts().size(), central::Ingest::kKeptAlerts);
}

namespace {

/// A TLS connection to the server that completes its handshake and then does what the test says.
struct RawTlsConnection {
    RawTlsConnection(asio::io_context& io, ssl::context& tls, tcp::endpoint server) : stream(io, tls) {
        stream.lowest_layer().connect(server);
        stream.set_verify_mode(ssl::verify_none);
        stream.handshake(ssl::stream_base::client);
    }
    ssl::stream<tcp::socket> stream;
};

}  // namespace

// Silent connections fill a cap of four. A PEC that connects now is served at once: the oldest
// silent connection is closed to make room, so the PEC does not wait in the backlog for the idle timeout.
TEST(SlowClients, AtTheCapTheOldestIdleConnectionMakesRoomForAnHonestStation) {
    using namespace ingest_server_fixture;
    Server s("cap-evicts", kTls, "training-server", 4);
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    asio::io_context io;
    std::vector<tcp::socket> silent;
    for (int i = 0; i < 4; ++i) {
        silent.emplace_back(io);
        silent.back().connect(s.endpoint());
    }
    for (int i = 0; i < 400 && s.server->counters().open.load() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(s.server->counters().open.load(), 4);
    const auto started = std::chrono::steady_clock::now();
    auto served = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, std::chrono::milliseconds(3000));
    ASSERT_TRUE(served) << served.error().message;
    EXPECT_EQ(served->front().outcome, AckOutcome::stored);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_GE(s.server->counters().evicted.load(), 1);
    EXPECT_EQ(stored_on_disk(s.file), 1);
    // The evicted connection was really closed: reading from it ends.
    boost::system::error_code ec;
    std::array<char, 1> byte{};
    silent.front().non_blocking(false);
    silent.front().read_some(asio::buffer(byte), ec);
    EXPECT_TRUE(ec) << "the oldest silent connection is still open";
}

namespace {

/// A plain TCP connection to `server` from the loopback address `from` (127.0.0.x: one peer each).
tcp::socket connect_from(asio::io_context& io, const char* from, tcp::endpoint server) {
    tcp::socket socket(io);
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(asio::ip::make_address(from), 0));
    socket.connect(server);
    return socket;
}

/// True when the server closed `socket` (a read ends), false while it stays open.
bool closed_by_server(tcp::socket& socket) {
    socket.non_blocking(true);
    std::array<char, 1> byte{};
    boost::system::error_code ec;
    socket.read_some(asio::buffer(byte), ec);
    return ec && ec != asio::error::would_block;
}

}  // namespace

// One address opens 40 silent connections against a limit of 8 per address: it never holds more
// than 8 (its own oldest make room), the two silent connections another address opened first are
// left alone, and a PEC is served at once.
TEST(SlowClients, OneAddressCannotHoldMoreThanItsShare) {
    using namespace ingest_server_fixture;
    Server s("per-peer", kTls, "training-server", 64, 8);
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    asio::io_context io;
    std::vector<tcp::socket> other, flood;
    for (int i = 0; i < 2; ++i) other.push_back(connect_from(io, "127.0.0.3", s.endpoint()));
    for (int i = 0; i < 40; ++i) flood.push_back(connect_from(io, "127.0.0.2", s.endpoint()));
    for (int i = 0; i < 400 && s.server->counters().evicted.load() < 32; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(s.server->counters().evicted.load(), 32);
    for (int i = 0; i < 400 && s.server->counters().open.load() > 10; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(s.server->counters().open.load(), 10);  // 8 of the flood, 2 of the other address
    int flood_open = 0;
    for (auto& c : flood) flood_open += !closed_by_server(c);
    EXPECT_EQ(flood_open, 8);
    for (auto& c : other) EXPECT_FALSE(closed_by_server(c));
    const auto started = std::chrono::steady_clock::now();
    auto served = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, std::chrono::milliseconds(3000));
    ASSERT_TRUE(served) << served.error().message;
    EXPECT_EQ(served->front().outcome, AckOutcome::stored);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

// 100 connections each announce a 256 KiB frame and send one byte of it. The server's memory
// grows with the bytes that arrived, not with the lengths announced (which would be 100 x 256 KiB).
TEST(SlowClients, AnAnnouncedFrameCostsMemoryOnlyAsItsBytesArrive) {
    using namespace ingest_server_fixture;
    Server s("trickle");
    ssl::context tls(ssl::context::tls_client);
    asio::io_context io;
    constexpr int kConnections = 100;
    std::vector<std::unique_ptr<RawTlsConnection>> trickling;
    for (int i = 0; i < kConnections; ++i) trickling.push_back(std::make_unique<RawTlsConnection>(io, tls, s.endpoint()));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto before = mallinfo2().uordblks;
    const std::array<std::uint8_t, 5> announce{0x00, 0x04, 0x00, 0x00, 0x42};  // 256 KiB announced, one byte sent
    for (auto& c : trickling) asio::write(c->stream, asio::buffer(announce));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto grown = static_cast<double>(mallinfo2().uordblks) - static_cast<double>(before);
    // 100 x 16 KiB read steps = 1.6 MiB at most; 100 x 256 KiB would be 25 MiB.
    EXPECT_LT(grown, 4.0 * 1024 * 1024) << "heap grew by " << grown << " bytes";
    EXPECT_EQ(s.server->counters().open.load(), kConnections);
}
