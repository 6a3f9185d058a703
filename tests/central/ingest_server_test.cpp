// The TLS ingest server on 127.0.0.1 (port picked by the OS), with the package's training
// certificate and CA. Each test starts its own server; every exchange is bounded by a timeout.
#include "central/ingest_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <thread>

#include "core/wire.hpp"
#include "net/tls_client.hpp"
#include "net/tls_context.hpp"
#include "net/tls_frame.hpp"
#include "ingest_server_fixture.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace ingest_server_test {

using namespace central;
using namespace net;
using core::Ack;
using core::AckOutcome;

using namespace ingest_server_fixture;


TEST(IngestServer, StoresAReportOverTlsWithThePinnedCaAndAcksAfterTheCommit) {
    Server s("round-trip");
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls) << tls.error().message;
    auto acks = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, kTimeout);
    ASSERT_TRUE(acks) << acks.error().message;
    ASSERT_EQ(acks->size(), 1u);
    EXPECT_EQ(acks->front().outcome, AckOutcome::stored) << acks->front().text;
    EXPECT_EQ(acks->front().sequence, 1u);
    // The ack came back: the report must already be in the file, seen by another connection.
    EXPECT_EQ(stored_on_disk(s.file), 1);
}

TEST(IngestServer, AConnectionFromOutsideTheAllowedNetworksIsClosedBeforeItsHandshakeAndOneFromInsideIsServed) {
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls) << tls.error().message;
    {
        Server s("allow-elsewhere", kTls, "training-server", 4096, 512, PeerFilter::parse({"10.64.0.0/10", "2001:db8::/32"}).value());
        auto acks = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, kTimeout);
        EXPECT_FALSE(acks) << "127.0.0.1 is not in the modems' networks";
        EXPECT_EQ(s.server->counters().refused_network.load(), 1);
        EXPECT_EQ(s.server->counters().handshake_failures.load(), 0) << "closed before any TLS";
        EXPECT_EQ(stored_on_disk(s.file), 0);
    }
    Server s("allow-loopback", kTls, "training-server", 4096, 512, PeerFilter::parse({"10.64.0.0/10", "127.0.0.0/8"}).value());
    auto acks = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, kTimeout);
    ASSERT_TRUE(acks) << acks.error().message;
    EXPECT_EQ(acks->front().outcome, AckOutcome::stored);
    EXPECT_EQ(s.server->counters().refused_network.load(), 0);
}

TEST(PeerFilter, TakesNetworksAndSingleAddressesAndNamesAnEntryThatIsNeither) {
    const auto f = PeerFilter::parse({"10.64.0.0/10", "192.0.2.7", "2001:db8::/32"});
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_TRUE(f->allows(std::string("10.64.3.9")));
    EXPECT_TRUE(f->allows(std::string("10.127.255.255")));
    EXPECT_FALSE(f->allows(std::string("10.128.0.1")));
    EXPECT_TRUE(f->allows(std::string("192.0.2.7")));
    EXPECT_FALSE(f->allows(std::string("192.0.2.8")));
    EXPECT_TRUE(f->allows(std::string("::ffff:10.64.0.1"))) << "IPv4 mapped into IPv6 (a dual-stack listener)";
    EXPECT_TRUE(f->allows(std::string("2001:db8:1::5")));
    EXPECT_FALSE(f->allows(std::string("2001:db9::5")));
    EXPECT_FALSE(f->allows(std::string("")));
    EXPECT_EQ(f->describe(), "10.64.0.0/10, 192.0.2.7/32, 2001:db8::/32");
    EXPECT_TRUE(PeerFilter{}.allows(std::string("203.0.113.1"))) << "empty: any address";
    const auto bad = PeerFilter::parse({"10.64.0.0/10", "10.64.0.0/33"});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("'10.64.0.0/33' is not a network"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(PeerFilter::parse({"modems"}));
}

TEST(IngestServer, ARetransmissionIsAcknowledgedAsDuplicateAndStoredOnce) {
    Server s("duplicate");
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    const auto message = identification(1, 500);
    auto first = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {message}, kTimeout);
    auto again = exchange_blocking(**tls, s.endpoint(), "localhost", {message}, kTimeout);
    ASSERT_TRUE(first && again) << (first ? again.error().message : first.error().message);
    EXPECT_EQ(first->front().outcome, AckOutcome::stored);
    EXPECT_EQ(again->front().outcome, AckOutcome::duplicate);
    EXPECT_EQ(stored_on_disk(s.file), 1);
}

TEST(IngestServer, SeveralReportsOnOneConnectionAreAckedInOrderAndRejectionsCarryTheReason) {
    Server s("several");
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    auto bad = identification(2, 500);
    bad.back() ^= 0x01;  // last signature byte: the body is intact, the signature is not
    auto acks = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500), bad, identification(2, 2000)}, kTimeout);
    ASSERT_TRUE(acks) << acks.error().message;
    ASSERT_EQ(acks->size(), 3u);
    EXPECT_EQ((*acks)[0].outcome, AckOutcome::stored);
    EXPECT_EQ((*acks)[1].outcome, AckOutcome::rejected);
    EXPECT_EQ((*acks)[1].reason, static_cast<std::uint8_t>(RejectReason::bad_signature)) << (*acks)[1].text;
    EXPECT_EQ((*acks)[2].outcome, AckOutcome::rejected);
    EXPECT_EQ((*acks)[2].reason, static_cast<std::uint8_t>(RejectReason::exceeds_registered_voters)) << (*acks)[2].text;
    EXPECT_EQ(stored_on_disk(s.file), 1);
}

TEST(IngestServer, AClientPinningAnotherCaRefusesTheServer) {
    Server s("other-ca");
    auto tls = make_client_tls_context(kSource / "tests" / "central" / "data" / "other-ca.pem");
    ASSERT_TRUE(tls) << tls.error().message;
    auto acks = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, kTimeout);
    ASSERT_FALSE(acks);
    EXPECT_NE(acks.error().message.find("TLS handshake"), std::string::npos) << acks.error().message;
    EXPECT_EQ(stored_on_disk(s.file), 0);
}

TEST(IngestServer, AClientExpectingAnotherHostNameRefusesTheServer) {
    Server s("other-name");
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    auto acks = exchange_blocking(**tls, s.endpoint(), "cec.example.kg", {identification(1, 500)}, kTimeout);
    ASSERT_FALSE(acks);
    EXPECT_NE(acks.error().message.find("TLS handshake"), std::string::npos) << acks.error().message;
}

// The client context remembers a certificate it has verified; that must not let a server with
// another certificate, or the same server under a name its certificate does not carry, through.
TEST(IngestServer, AVerifiedCertificateIsRememberedOnlyForThatCertificateAndName) {
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    {
        Server s("remembered");
        for (const char* host : {"127.0.0.1", "127.0.0.1", "localhost"}) {
            auto acks = exchange_blocking(**tls, s.endpoint(), host, {identification(1, 500)}, kTimeout);
            ASSERT_TRUE(acks) << host << ": " << acks.error().message;
        }
        auto renamed = exchange_blocking(**tls, s.endpoint(), "cec.example.kg", {identification(1, 500)}, kTimeout);
        ASSERT_FALSE(renamed);
        EXPECT_NE(renamed.error().message.find("TLS handshake"), std::string::npos) << renamed.error().message;
    }
    // Same names, same address, a certificate the pinned CA did not sign.
    Server impostor("impostor", kSource / "tests" / "central" / "data", "impostor-server");
    for (const char* host : {"127.0.0.1", "localhost"}) {
        auto acks = exchange_blocking(**tls, impostor.endpoint(), host, {identification(1, 500)}, kTimeout);
        ASSERT_FALSE(acks) << host;
        EXPECT_NE(acks.error().message.find("TLS handshake"), std::string::npos) << acks.error().message;
    }
    EXPECT_EQ(stored_on_disk(impostor.file), 0);
}

// A client that holds its ack finds its report counted (ingest_counters(), which /metrics shows):
// the writer publishes the counters before it answers. Slow log and commit hooks on the writer
// widen the gap between the two that ServeOps.MetricsAndTheOperatorPageFollowALoad once fell into.
TEST(IngestServer, AReportIsCountedBeforeItsAckLeaves) {
    auto slow = [](auto&&...) { std::this_thread::sleep_for(std::chrono::milliseconds(50)); };
    Server s("counted-first", kTls, "training-server", 4096, 512, {}, slow, slow);
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    for (std::int64_t i = 1; i <= 3; ++i) {  // rejections: answered at once, with a log line
        auto garbage = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {std::vector<std::uint8_t>(100, 0xAB)}, kTimeout);
        ASSERT_TRUE(garbage) << garbage.error().message;
        EXPECT_EQ(garbage->front().outcome, AckOutcome::rejected);
        const auto c = s.server->ingest_counters();
        EXPECT_EQ(c.received, i);
        EXPECT_EQ(c.rejections(RejectReason::malformed), i);
    }
    for (std::uint64_t sequence = 1; sequence <= 3; ++sequence) {  // stored: answered after the commit
        auto ok = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(sequence, 500)}, kTimeout);
        ASSERT_TRUE(ok) << ok.error().message;
        EXPECT_EQ(ok->front().outcome, AckOutcome::stored);
        const auto c = s.server->ingest_counters();
        EXPECT_EQ(c.received, 3 + static_cast<std::int64_t>(sequence));
        EXPECT_EQ(c.committed, static_cast<std::int64_t>(sequence));
    }
}

TEST(IngestServer, MalformedFramesAreRefusedWithoutHarmingTheServer) {
    Server s("malformed");
    auto tls = make_client_tls_context(kTls / "cec-ca.pem");
    ASSERT_TRUE(tls);
    // A zero-length frame, a frame announcing 4 GiB, and garbage inside a well-formed frame.
    auto zero = send_raw_blocking(**tls, s.endpoint(), "127.0.0.1", {0, 0, 0, 0}, kTimeout);
    ASSERT_TRUE(zero) << zero.error().message;
    ASSERT_EQ(zero->size(), 1u);
    EXPECT_EQ(zero->front().outcome, AckOutcome::rejected);
    auto huge = send_raw_blocking(**tls, s.endpoint(), "127.0.0.1", {0xff, 0xff, 0xff, 0xff, 1, 2, 3}, kTimeout);
    ASSERT_TRUE(huge) << huge.error().message;
    ASSERT_EQ(huge->size(), 1u);
    EXPECT_NE(huge->front().text.find("frame of"), std::string::npos) << huge->front().text;
    auto garbage = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {std::vector<std::uint8_t>(100, 0xAB)}, kTimeout);
    ASSERT_TRUE(garbage) << garbage.error().message;
    EXPECT_EQ(garbage->front().outcome, AckOutcome::rejected);
    EXPECT_EQ(garbage->front().reason, static_cast<std::uint8_t>(RejectReason::malformed));
    // A truncated frame (announces 100 bytes, sends 3, closes): nothing stored, server still serves.
    auto truncated = send_raw_blocking(**tls, s.endpoint(), "127.0.0.1", {0, 0, 0, 100, 1, 2, 3}, std::chrono::milliseconds(300));
    (void)truncated;
    auto ok = exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, kTimeout);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->front().outcome, AckOutcome::stored);
    EXPECT_EQ(s.server->counters().bad_frames.load(), 2);
    EXPECT_EQ(stored_on_disk(s.file), 1);
}

}  // namespace ingest_server_test
