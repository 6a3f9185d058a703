// What only the PostgreSQL store has: the server's own errors reach the caller in its words, a lost
// connection, synchronous_commit, amcheck. The contract both stores keep is store_contract_test.cpp.
#include "central/postgres_store.hpp"

#include <gtest/gtest.h>

#include <string>

#include "central/ingest.hpp"
#include "ingest_fixture.hpp"
#include "pg_cluster.hpp"

namespace postgres_store_test {

using namespace central;

namespace {

StoredReport pg_report(int pec, std::uint64_t sequence) {
    StoredReport r;
    r.pec = pec;
    r.device = std::to_string(pec) + "-arbb-1";
    r.sequence = sequence;
    r.kind = "final";
    r.raw = {9, 8, 7};
    r.body_hash[0] = static_cast<std::uint8_t>(pec);
    r.body_hash[1] = static_cast<std::uint8_t>(sequence);
    r.option_votes = {1, 2, 3};
    return r;
}

pg_cluster::Cluster& cluster() { return pg_cluster::Cluster::shared(); }

}  // namespace

TEST(PostgresStore, AnUnreachableDatabaseIsAnErrorInTheServersWords) {
    const auto uri = cluster().uri("no_such_database");
    try {
        PostgresStore store(uri);
        FAIL() << "opened a database that does not exist";
    } catch (const StoreCorrupt& e) {
        FAIL() << "not corruption: " << e.what();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("database \"no_such_database\" does not exist"), std::string::npos) << e.what();
    }
}

TEST(PostgresStore, APasswordNeverAppearsInItsName) {
    EXPECT_EQ(redacted_uri("postgresql://cec:s3cret@db.example:5432/night"), "postgresql://cec:***@db.example:5432/night");
    EXPECT_EQ(redacted_uri("postgresql:///night?host=/run&password=s3cret&user=cec"), "postgresql:///night?host=/run&password=***&user=cec");
    EXPECT_EQ(redacted_uri("postgresql://cec@db/night"), "postgresql://cec@db/night");
    EXPECT_TRUE(is_postgres_uri("postgres://x/y"));
    EXPECT_FALSE(is_postgres_uri("/var/lib/shailoo/store.sqlite"));
}

// Durable before ack: a database whose default is synchronous_commit = off still commits with `on`.
TEST(PostgresStore, CommitsWaitForTheWalFlushWhateverTheDatabaseDefault) {
    const auto uri = cluster().fresh_database("sync_off");
    cluster().sql("postgres", "ALTER DATABASE sync_off SET synchronous_commit = off");
    PostgresStore store(uri);
    EXPECT_EQ(store.synchronous_commit(), "on");
}

// A write the server refuses: the batch is dropped with the server's sentence and nothing of it stays.
TEST(PostgresStore, AServerErrorDuringTheBatchDropsItWithTheServersWords) {
    const auto uri = cluster().fresh_database("refused_write");
    PostgresStore store(uri);
    cluster().sql("refused_write", "ALTER TABLE reports ADD CONSTRAINT bishkek_only CHECK (pec < 2000)");
    store.stage(pg_report(1001, 1), 0);
    store.stage(pg_report(2040, 1), 0);
    const auto c = store.commit();
    EXPECT_FALSE(c.committed);
    EXPECT_NE(c.error.find("violates check constraint \"bishkek_only\""), std::string::npos) << c.error;
    EXPECT_EQ(store.count(), 0);
    store.stage(pg_report(1001, 1), 0);
    EXPECT_TRUE(store.commit().committed);
}

// The connection is cut (the server's backend terminated) with a batch staged: the commit fails in the
// server's words, the store reconnects to look whether the batch is stored (it is not: nothing is
// acknowledged), and the next commit stores.
TEST(PostgresStore, ALostConnectionDropsTheBatchAndTheNextCommitReconnects) {
    const auto uri = cluster().fresh_database("lost_connection");
    PostgresStore store(uri);
    store.stage(pg_report(1001, 1), 0);
    cluster().sql("postgres", fmt::format("SELECT pg_terminate_backend({})", store.backend_pid()));
    const auto c = store.commit();
    EXPECT_FALSE(c.committed);
    EXPECT_FALSE(c.error.empty());
    EXPECT_NE(c.error.find("terminat"), std::string::npos) << c.error;
    store.stage(pg_report(1001, 1), 1);
    store.stage(pg_report(1002, 1), 1);
    const auto again = store.commit();
    EXPECT_TRUE(again.committed) << again.error;
    EXPECT_EQ(store.count(), 2);
}

// The results page's reader: the read that finds its connection cut fails in libpq's words, the next reconnects.
TEST(PostgresStore, AReaderWhoseConnectionWasCutReconnectsAtTheNextRead) {
    const auto uri = cluster().fresh_database("reader_cut");
    PostgresStore writer(uri), reader(uri);
    writer.stage(pg_report(1001, 1), 0);
    ASSERT_TRUE(writer.commit().committed);
    ASSERT_EQ(reader.count(), 1);
    cluster().sql("postgres", fmt::format("SELECT pg_terminate_backend({})", reader.backend_pid()));
    try {
        (void)reader.count();
        ADD_FAILURE() << "a read on a cut connection succeeded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("count reports"), std::string::npos) << e.what();
    }
    EXPECT_EQ(reader.count(), 1);
    EXPECT_EQ(reader.reports().size(), 1u);
}

// The ingest asks the store about a sequence it does not expect; with the store unreadable the answer
// is retry (the station resends), never a final rejection; once it reads again, the usual answer.
TEST(PostgresStore, AnIngestThatCannotAskTheStoreAnswersRetryNotARejection) {
    using namespace ingest_fixture;
    const auto uri = cluster().fresh_database("ingest_retry");
    const auto package = small_package();
    const auto registry = core::make_device_key_registry(package, kDeviceSecret);
    PostgresStore store(uri);
    Ingest ingest(package, registry, store);
    const auto third = sign(1001, "1001-arbb-1", 3, final_party_list(1001));
    cluster().sql("postgres", fmt::format("SELECT pg_terminate_backend({})", store.backend_pid()));
    const auto d = ingest.submit(third, "pec", 0);
    EXPECT_EQ(d.outcome, core::AckOutcome::retry) << d.text;
    EXPECT_NE(d.text.find("cannot be read"), std::string::npos) << d.text;
    const auto again = ingest.submit(third, "pec", 1);
    EXPECT_EQ(again.reason, RejectReason::out_of_order_sequence) << again.text;
}

TEST(PostgresStore, WithoutAmcheckTheIntegrityCheckSaysItDidNotCheck) {
    const auto uri = cluster().fresh_database("no_amcheck");
    PostgresStore store(uri);
    EXPECT_TRUE(store.integrity_problems().empty());
    cluster().sql("no_amcheck", "DROP EXTENSION amcheck");
    const auto problems = store.integrity_problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("amcheck"), std::string::npos) << problems[0];
}

// Another schema version in the database: not this server's store.
TEST(PostgresStore, AnotherSchemaVersionIsStoreCorrupt) {
    const auto uri = cluster().fresh_database("other_version");
    { PostgresStore store(uri); }
    cluster().sql("other_version", "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    EXPECT_THROW(PostgresStore store(uri), StoreCorrupt);
}

// A store of schema version 3 (operator actions without the accepted report's sequence number) is
// upgraded on opening, its actions kept.
TEST(PostgresStore, ASchemaVersion3StoreIsUpgradedWithItsActionsKept) {
    const auto uri = cluster().fresh_database("version_3");
    {
        PostgresStore store(uri);
        ASSERT_TRUE(store.apply({.what = OperatorDo::hold, .pec = 1001, .by = "aida", .reason = "check", .at = 1}));
    }
    cluster().sql("version_3", "ALTER TABLE operator_actions DROP COLUMN sequence; UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    PostgresStore store(uri);
    EXPECT_EQ(store.oversight().held, std::vector<int>{1001});
    ASSERT_TRUE(store.apply({.what = OperatorDo::release, .pec = 1001, .by = "aida", .reason = "checked", .at = 2}));
    EXPECT_TRUE(store.audit_problems().empty());
}

}  // namespace postgres_store_test
