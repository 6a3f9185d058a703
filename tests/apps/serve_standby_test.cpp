// A synchronous streaming standby takes over (issue 17, point 3): a primary and a standby, both
// throwaway clusters (tests/central/pg_cluster.hpp); `shailoo serve` on the primary while a fleet
// of resending stations streams reports; the primary killed with SIGKILL during ingest, the standby
// promoted, a serve started on it, the fleet pointed there; every report acknowledged at any time -
// by the dead primary's server above all - is in the promoted standby, exactly once.
//
// The primary runs with synchronous_standby_names = 'standby1' and the store's synchronous_commit
// `on`: a COMMIT returns once the standby has flushed the transaction's WAL, so a report is acked
// only when the standby holds it; promotion replays all the WAL the standby has before it accepts
// writes, so `remote_apply` (wait until replayed, so that reads on the standby see it too) is not
// needed for this, and costs a replay per commit (docs/serve.md).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <tuple>

#include "../central/pg_cluster.hpp"
#include "central/postgres_store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/wire.hpp"
#include "loadgen/load_generator.hpp"
#include "loadgen/resending_fleet.hpp"
#include "serve_process.hpp"
#include "shailoo_process.hpp"

namespace serve_standby_test {

namespace {

using Key = std::tuple<std::string, std::uint64_t>;

const std::filesystem::path kPackageDir = std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021";

/// (device, sequence) and body hash of each planned report, by plan index.
std::vector<std::pair<Key, core::BodyHash>> plan_keys(const std::vector<loadgen::PlannedReport>& plan) {
    std::vector<std::pair<Key, core::BodyHash>> out;
    for (const auto& p : plan) {
        const auto env = core::open_envelope(p.message);
        if (!env) throw std::runtime_error("an undecodable planned report");
        const auto body = core::decode_body(env->body);
        if (!body) throw std::runtime_error("an undecodable planned report");
        out.emplace_back(Key{body->header.device_id, body->header.sequence}, core::hash_body(env->body));
    }
    return out;
}

/// Waits (bounded) until the primary reports `name` as its synchronous standby.
bool standby_is_synchronous(const pg_cluster::Cluster& primary, const std::string& name) {
    for (int i = 0; i < 300; ++i) {
        if (primary.sql("postgres", "SELECT sync_state FROM pg_stat_replication WHERE application_name = '" + name + "'") == "sync")
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

bool acked(const loadgen::ResendingFleet& fleet, std::size_t i) {
    const auto s = fleet.state(i);
    return s == loadgen::ReportState::stored || s == loadgen::ReportState::duplicate;
}

}  // namespace

TEST(ServeStandby, APromotedSynchronousStandbyHoldsEveryReportTheKilledPrimaryAcknowledged) {
    // The database first, then the standby, then the standby made synchronous (before it exists,
    // every commit on the primary would wait for it).
    pg_cluster::Cluster primary;
    const auto primary_uri = primary.fresh_database("night");
    const auto standby = pg_cluster::Cluster::standby_of(primary, "standby1");
    primary.sql("postgres", "ALTER SYSTEM SET synchronous_standby_names = 'standby1'");
    primary.sql("postgres", "SELECT pg_reload_conf()");
    ASSERT_TRUE(standby_is_synchronous(primary, "standby1")) << standby->log();

    auto package = core::load_election_package(kPackageDir);
    ASSERT_TRUE(package) << package.error().message;
    const auto plan = loadgen::plan_fleet(*package, 400, core::kSimulatedDeviceSecret, 1717, nullptr, 1.0);
    const auto keys = plan_keys(plan);
    auto fleet = loadgen::ResendingFleet::start(plan, {.ca_file = kPackageDir / "tls" / "cec-ca.pem", .threads = 4});
    ASSERT_TRUE(fleet) << fleet.error().message;
    const auto dir = shailoo_test::temp_dir("serve-standby");

    // Ingest on the primary; kill it (SIGKILL) once a quarter of the fleet is acknowledged.
    std::size_t acked_by_primary = 0;
    std::vector<bool> acked_before_kill(plan.size(), false);
    {
        shailoo_test::ServeProcess on_primary(primary_uri, dir / "primary-serve.log");
        ASSERT_NE(on_primary.port(), 0) << on_primary.first_line();
        (*fleet)->set_port(on_primary.port());
        for (int i = 0; i < 10'000 && (*fleet)->acknowledged() < static_cast<std::int64_t>(plan.size() / 4); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (std::size_t i = 0; i < plan.size(); ++i) acked_before_kill[i] = acked(**fleet, i);  // before the kill: a lower bound
        primary.kill_hard();
        // Until the operator points the servers elsewhere, the ingest answers retry (its commits fail).
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        (*fleet)->set_port(0);
        on_primary.kill(SIGKILL);
        for (std::size_t i = 0; i < plan.size(); ++i) acked_by_primary += acked(**fleet, i);
    }
    EXPECT_GT(acked_by_primary, 0u);
    EXPECT_LT(acked_by_primary, plan.size()) << "the fleet was done before the kill: nothing was in flight";

    // Promote the standby and serve on it; the stations resend what is still unacknowledged.
    EXPECT_EQ(standby->sql("postgres", "SELECT pg_promote(true, 60)"), "t");
    const auto standby_uri = standby->uri("night");
    shailoo_test::ServeProcess on_standby(standby_uri, dir / "standby-serve.log");
    ASSERT_NE(on_standby.port(), 0) << on_standby.first_line();
    (*fleet)->set_port(on_standby.port());
    ASSERT_TRUE((*fleet)->wait_done(std::chrono::seconds(60))) << (*fleet)->acknowledged() << " of " << plan.size();
    EXPECT_EQ((*fleet)->rejected(), 0) << (*fleet)->first_rejection();

    // Every report acknowledged (by either server) is in the promoted standby once, with its body.
    central::PostgresStore promoted(standby_uri);
    std::map<Key, core::BodyHash> stored;
    std::size_t rows = 0;
    for (const auto& k : promoted.keys()) {
        stored[{k.device, k.sequence}] = k.body_hash;
        ++rows;
    }
    EXPECT_EQ(rows, stored.size()) << "a report stored twice";
    std::size_t lost = 0, lost_of_primary = 0, wrong_body = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (!acked(**fleet, i)) continue;
        const auto it = stored.find(keys[i].first);
        lost += it == stored.end();
        lost_of_primary += it == stored.end() && acked_before_kill[i];
        wrong_body += it != stored.end() && it->second != keys[i].second;
    }
    EXPECT_EQ(lost, 0u);
    EXPECT_EQ(lost_of_primary, 0u);
    EXPECT_EQ(wrong_body, 0u);
    EXPECT_EQ(rows, plan.size());
    EXPECT_EQ(promoted.integrity_problems(), std::vector<std::string>{});
    std::printf("standby takeover: %zu reports, %zu acknowledged by the primary's server before its database was killed, "
                "%lld resends, lost %zu, stored twice %zu\n",
                plan.size(), acked_by_primary, static_cast<long long>((*fleet)->failed_attempts()), lost, rows - stored.size());
    EXPECT_EQ(WEXITSTATUS(on_standby.kill(SIGTERM)), 0);
}

}  // namespace serve_standby_test
