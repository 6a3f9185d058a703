// `shailoo cec` against a running `shailoo serve`: an operator revokes a device's key and holds a
// PEC while the server ingests; the server refuses the key's reports, leaves the PEC out of the
// published results, and the revocation and the audit chain survive a SIGKILL of the server.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include "serve_process.hpp"
#include "shailoo_process.hpp"
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <mutex>
#include <thread>

#include "central/http_server.hpp"
#include "central/store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/wire.hpp"
#include "net/tls_client.hpp"
#include "net/tls_context.hpp"

namespace cec_command_test {

namespace {

using shailoo_test::http_get;
using shailoo_test::ServeProcess;
using shailoo_test::shailoo;
using shailoo_test::temp_dir;

const std::filesystem::path kPackage = std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021";

/// A zero report of `device` (a party-list ARBB) under `sequence`, signed with its training key.
std::vector<std::uint8_t> signed_zero_report(const std::string& election, int pec, const std::string& device, std::uint64_t sequence) {
    core::ArbbReport r;
    r.kind = core::ReportKind::zero;
    r.pec = pec;
    r.box = core::BoxKind::party_list;
    r.at = core::at(7, 30);
    core::WireReport w{{election, pec, device, sequence, core::at(7, 31)}, r};
    return core::encode_signed_report(w, core::derive_device_keys(core::kSimulatedDeviceSecret, device).secret_key);
}

/// The server's answer to one report.
core::Ack send(std::uint16_t port, const std::vector<std::uint8_t>& report) {
    auto tls = net::make_client_tls_context(kPackage / "tls" / "cec-ca.pem");
    if (!tls) return {};
    auto acks = net::exchange_blocking(**tls, {boost::asio::ip::make_address("127.0.0.1"), port}, "127.0.0.1", {report},
                                       std::chrono::milliseconds(5000));
    return acks && acks->size() == 1 ? acks->front() : core::Ack{};
}

/// The published document's withheld PECs, waited for (bounded: 10 s) until it lists `pecs`.
nlohmann::json withheld_when_published(std::uint16_t http_port, const nlohmann::json& pecs) {
    nlohmann::json withheld;
    for (int i = 0; i < 100 && withheld != pecs; ++i) {
        const auto body = http_get(http_port, "/api/results.json");
        const auto doc = nlohmann::json::parse(body, nullptr, false);
        withheld = doc.is_object() ? doc["progress"].value("withheld_pecs", nlohmann::json::array()) : nlohmann::json();
        if (withheld != pecs) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return withheld;
}

}  // namespace

TEST(CecCommand, ARevocationAndTheAuditChainSurviveAKillOfTheServer) {
    const auto dir = temp_dir("cec-kill");
    const auto db = dir / "cec.sqlite";
    const auto package = core::load_election_package(kPackage);
    ASSERT_TRUE(package);
    const int pec = package->pecs.front().number;
    const std::string device = fmt::format("{}-arbb-1", pec);
    {
        ServeProcess server(db, dir / "serve.log", {"--http", "127.0.0.1:0", "--ops", "127.0.0.1:0"});
        ASSERT_NE(server.port(), 0) << server.first_line();
        ASSERT_EQ(send(server.port(), signed_zero_report(package->name, pec, device, 1)).outcome, core::AckOutcome::stored);
        const auto revoked = shailoo(fmt::format("cec revoke {} --db {} --by aida --reason 'key phished'", device, db.string()));
        ASSERT_EQ(revoked.code, 0) << revoked.output;
        EXPECT_NE(revoked.output.find("under review"), std::string::npos) << revoked.output;
        // Only a stored final report of the revoked key can be accepted as the box's result.
        const auto zero = shailoo(fmt::format("cec accept {} 1 --db {} --by aida --reason 'protocol read'", device, db.string()));
        EXPECT_EQ(zero.code, 2);
        EXPECT_NE(zero.output.find("nothing written: report 1 of '" + device + "' is a zero report, not a final one"), std::string::npos)
            << zero.output;
        const auto none = shailoo(fmt::format("cec accept {} 9 --db {} --by aida --reason 'protocol read'", device, db.string()));
        EXPECT_NE(none.output.find("has no stored report 9 to accept"), std::string::npos) << none.output;
        const int other = package->pecs.back().number;
        ASSERT_EQ(shailoo(fmt::format("cec hold {} --db {} --by aida --reason check", other, db.string())).code, 0);
        // The running server takes both up: the page leaves the PECs out and names them...
        EXPECT_EQ(withheld_when_published(server.http_port(), nlohmann::json::array({pec, other})),
                  nlohmann::json::array({pec, other}));
        // The operator view shows what is in force.
        const auto page = http_get(server.ops_port(), "/operator");
        EXPECT_NE(page.find(fmt::format("key of {} (PEC {}) revoked by aida: key phished", device, pec)), std::string::npos) << page;
        EXPECT_NE(page.find(fmt::format("held from publication: {}", other)), std::string::npos) << page;
        const auto metrics = http_get(server.ops_port(), "/metrics");
        EXPECT_NE(metrics.find("shailoo_revoked_keys 1\n"), std::string::npos) << metrics;
        EXPECT_NE(metrics.find("shailoo_pecs_withheld{why=\"under_review\"} 1\n"), std::string::npos) << metrics;
        // ...and refuses the key's next report with its reason.
        const auto ack = send(server.port(), signed_zero_report(package->name, pec, device, 2));
        EXPECT_EQ(ack.outcome, core::AckOutcome::rejected);
        EXPECT_EQ(ack.reason, static_cast<std::uint8_t>(core::RejectReason::revoked_device)) << ack.text;
        server.kill(SIGKILL);
    }
    ServeProcess again(db, dir / "serve-again.log");
    ASSERT_NE(again.port(), 0) << again.first_line();
    EXPECT_EQ(send(again.port(), signed_zero_report(package->name, pec, device, 2)).reason,
              static_cast<std::uint8_t>(core::RejectReason::revoked_device));
    EXPECT_EQ(WEXITSTATUS(again.kill(SIGTERM)), 0);

    const auto audit = shailoo(fmt::format("cec audit --db {}", db.string()));
    EXPECT_EQ(audit.code, 0) << audit.output;
    EXPECT_NE(audit.output.find("hash chain sound and matching the store's rows"), std::string::npos) << audit.output;
    for (const char* action : {"stored", "revoke", "hold", "rejected:revoked_device"})
        EXPECT_NE(audit.output.find(action), std::string::npos) << action << " not in:\n" << audit.output;
    const auto status = shailoo(fmt::format("cec status --db {}", db.string()));
    EXPECT_NE(status.output.find(device + " (PEC " + std::to_string(pec) + ")"), std::string::npos) << status.output;
}

TEST(CecCommand, MistakesAreNamedAndNothingIsWritten) {
    const auto dir = temp_dir("cec-mistakes");
    const auto missing = shailoo(fmt::format("cec hold 6006 --db {} --by a --reason r", (dir / "none.sqlite").string()));
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.output.find("no such store"), std::string::npos) << missing.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "none.sqlite"));
    const auto db = dir / "cec.sqlite";
    { central::Store create(db); }
    const auto unknown = shailoo(fmt::format("cec revoke 1-arbb-7 --db {} --by a --reason r", db.string()));
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.output.find("'1-arbb-7' is not in the key registry"), std::string::npos) << unknown.output;
    const auto not_revoked = shailoo(fmt::format("cec accept 6006-arbb-1 2 --db {} --by a --reason r", db.string()));
    EXPECT_EQ(not_revoked.code, 2);
    EXPECT_NE(not_revoked.output.find("device '6006-arbb-1' is not revoked"), std::string::npos) << not_revoked.output;
    const auto nobody = shailoo(fmt::format("cec hold 6006 --db {} --reason r", db.string()));
    EXPECT_NE(nobody.code, 0);
    EXPECT_NE(nobody.output.find("--by"), std::string::npos) << nobody.output;
    EXPECT_EQ(central::Store(db).audit_log().size(), 0u);
}

}  // namespace cec_command_test

namespace cec_command_test {

// serve --watch-page: a mirror of the results page that shows one party a different figure is
// found against the store and raised as an alert on the operator page and in the log.
TEST(ServePageWatch, AMirrorShowingOtherFiguresRaisesAnAlert) {
    const auto dir = temp_dir("page-watch");
    // The mirror, in this process: it serves whatever `shown` holds.
    std::mutex m;
    std::string shown = "{}";
    boost::asio::io_context io;
    central::HttpServer mirror(io, {boost::asio::ip::make_address("127.0.0.1"), 0}, [&] {
        std::lock_guard lock(m);
        return shown;
    });
    ASSERT_TRUE(mirror.start());
    std::jthread mirror_thread([&] { io.run(); });
    ServeProcess server(dir / "watch.sqlite", dir / "serve.log",
                        {"--http", "127.0.0.1:0", "--ops", "127.0.0.1:0", "--watch-page", fmt::format("http://127.0.0.1:{}", mirror.port()),
                         "--watch-page-every", "0.2"});
    ASSERT_NE(server.http_port(), 0) << server.first_line();
    auto page = nlohmann::json::parse(http_get(server.http_port(), "/api/results.json"), nullptr, false);
    ASSERT_TRUE(page.is_object());
    page["parties"][0]["votes"] = 7;  // the store holds no vote yet
    {
        std::lock_guard lock(m);
        shown = page.dump();
    }
    std::string operator_page;
    for (int i = 0; i < 100 && operator_page.find("published page") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        operator_page = http_get(server.ops_port(), "/operator");
    }
    EXPECT_NE(operator_page.find("the page&#39;s figures differ from the store&#39;s at 0 reports"), std::string::npos) << operator_page;
    mirror.stop();
    io.stop();
}

}  // namespace cec_command_test
