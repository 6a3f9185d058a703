// The store contract (central/report_store.hpp), one typed suite run against both stores: the SQLite
// file and a PostgreSQL database on a throwaway cluster (tests/central/pg_cluster.hpp). What only one
// of them has (the WAL header, a damaged file; a lost connection, the server's own errors) is tested
// in store_test.cpp and postgres_store_test.cpp.
//
// Index of this file:
//   [SECTION] The two stores
//   [SECTION] Writing and reading back
//   [SECTION] Failures, doubt, keys and integrity
//   [SECTION] Several writers on one database
//   [SECTION] Operator actions and the audit log
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <memory>
#include <string>

#include "central/postgres_store.hpp"
#include "central/report_store.hpp"
#include "ingest_fixture.hpp"
#include "pg_cluster.hpp"

namespace store_contract_test {

using namespace central;

namespace {

// [SECTION] The two stores

/// A SQLite file under the build tree, removed at the end.
struct SqliteBackend {
    static constexpr const char* kName = "SQLite";
    explicit SqliteBackend(const std::string& test) : file("contract-" + test) {}
    std::string db() const { return file.path().string(); }
    ingest_fixture::TempStoreFile file;
};

/// A fresh database on this process's throwaway cluster.
struct PostgresBackend {
    static constexpr const char* kName = "PostgreSQL";
    explicit PostgresBackend(const std::string& test) : uri(pg_cluster::Cluster::shared().fresh_database(database_name(test))) {}
    std::string db() const { return uri; }
    static std::string database_name(std::string test) {
        std::transform(test.begin(), test.end(), test.begin(), [](unsigned char c) { return std::tolower(c); });
        return "c_" + test.substr(0, 60);
    }
    std::string uri;
};

std::string current_test() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

template <class Backend>
class StoreContract : public ::testing::Test {
protected:
    StoreContract() : backend_(current_test()) {}
    std::unique_ptr<ReportStore> open(GroupCommitPolicy policy = {}) { return open_store(backend_.db(), policy); }
    std::string db() const { return backend_.db(); }
    Backend backend_;
};

struct BackendNames {
    template <class T>
    static std::string GetName(int) {
        return T::kName;
    }
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(StoreContract, Backends, BackendNames);

StoredReport contract_report(int pec, std::uint64_t sequence) { return ingest_fixture::sample_stored_report(pec, sequence); }

}  // namespace

// [SECTION] Writing and reading back

TYPED_TEST(StoreContract, CommittedReportsSurviveReopening) {
    {
        auto store = this->open();
        store->stage(contract_report(1001, 1), 0);
        store->stage(contract_report(1001, 2), 1);
        store->stage(contract_report(2040, 1), 2);
        auto c = store->commit();
        EXPECT_TRUE(c.committed) << c.error;
        EXPECT_EQ(c.tickets, (std::vector<std::uint64_t>{1, 2, 3}));
        EXPECT_TRUE(c.stored_elsewhere.empty());
    }
    auto again = this->open();
    auto all = again->reports();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0], contract_report(1001, 1));
    EXPECT_EQ(all[2], contract_report(2040, 1));
    auto keys = again->keys();
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[1].device, "1001-arbb-1");
    EXPECT_EQ(keys[1].sequence, 2u);
    EXPECT_EQ(keys[1].body_hash, contract_report(1001, 2).body_hash);
    EXPECT_EQ(again->count(), 3);
}

TYPED_TEST(StoreContract, ExtremeCountsAndEmptyFieldsRoundTrip) {
    auto r = contract_report(1001, 7);
    r.raw.clear();
    r.violations.clear();
    r.option_votes = {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(), 0, 0};
    r.preference_votes = {};
    r.received_at = -5;
    r.sequence = std::numeric_limits<std::uint64_t>::max();  // stored as a signed 64-bit column, read back the same
    auto store = this->open();
    store->stage(r, 0);
    ASSERT_TRUE(store->commit().committed);
    auto all = this->open()->reports();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0], r);
}

TYPED_TEST(StoreContract, BatchIsDueWhenFullOrWhenItsOldestReportHasWaited) {
    auto store = this->open({.max_reports = 3, .max_delay = 500});
    EXPECT_FALSE(store->commit_due(0));
    store->stage(contract_report(1001, 1), 100);
    EXPECT_FALSE(store->commit_due(599));
    EXPECT_TRUE(store->commit_due(600));
    store->stage(contract_report(1002, 1), 200);
    store->stage(contract_report(1003, 1), 300);
    EXPECT_TRUE(store->commit_due(300));
    EXPECT_TRUE(store->commit().committed);
    EXPECT_FALSE(store->commit_due(10'000));
}

// The database's UNIQUE(device, sequence) decides, not a check before the insert: a report whose
// (device, sequence) is stored already is not written again, and the batch around it commits.
TYPED_TEST(StoreContract, AReportTheDatabaseHoldsIsAnsweredByTheStoredRow) {
    auto store = this->open();
    store->stage(contract_report(1001, 1), 0);
    ASSERT_TRUE(store->commit().committed);
    auto other_body = contract_report(1001, 1);
    other_body.body_hash[5] = 0xEE;
    other_body.valid = 1;
    store->stage(contract_report(1002, 1), 0);   // ticket 2: new
    store->stage(contract_report(1001, 1), 0);   // ticket 3: the same report again
    store->stage(other_body, 0);                 // ticket 4: the same key, another body
    auto c = store->commit();
    ASSERT_TRUE(c.committed) << c.error;
    ASSERT_EQ(c.stored_elsewhere.size(), 2u);
    EXPECT_EQ(c.stored_elsewhere[0].ticket, 3u);
    EXPECT_EQ(c.stored_elsewhere[0].stored_hash, contract_report(1001, 1).body_hash);
    EXPECT_EQ(c.stored_elsewhere[1].ticket, 4u);
    EXPECT_EQ(c.stored_elsewhere[1].stored_hash, contract_report(1001, 1).body_hash);
    EXPECT_EQ(store->count(), 2);
    EXPECT_EQ(store->reports()[0], contract_report(1001, 1));  // the first body stays
    EXPECT_EQ(store->staged(), 0u);
}

// [SECTION] Failures, doubt, keys and integrity

TYPED_TEST(StoreContract, FailureAtAnyWriteLeavesNothingOfTheBatch) {
    // Loop N = 0, 1, 2, ...: the N-th write of the commit fails; nothing of the batch may remain.
    int n = 0;
    for (;; ++n) {
        auto store = this->open();
        if (store->count() == 0) {
            store->stage(contract_report(1001, 1), 0);
            ASSERT_TRUE(store->commit().committed);
        }
        store->stage(contract_report(1001, 2), 0);
        store->stage(contract_report(1002, 1), 0);
        store->fail_at(n);
        auto c = store->commit();
        if (c.committed) {
            EXPECT_EQ(store->count(), 3);
            break;
        }
        EXPECT_FALSE(c.error.empty());
        EXPECT_EQ(store->count(), 1) << "fail at write " << n;
        EXPECT_EQ(this->open()->count(), 1) << "fail at write " << n;
    }
    // BEGIN + 2 reports (one row each, counts in the row) + COMMIT = 4 writes.
    EXPECT_EQ(n, 4);
}

TYPED_TEST(StoreContract, ACommitInDoubtThatReachedTheDatabaseIsCommittedNotDropped) {
    auto store = this->open();
    store->stage(contract_report(1001, 1), 0);
    store->stage(contract_report(1002, 1), 0);
    store->fail_after_commit_at(0);
    auto c = store->commit();
    EXPECT_TRUE(c.committed) << c.error;
    EXPECT_EQ(this->open()->count(), 2);
}

TYPED_TEST(StoreContract, KeysOfOneDeviceComeInSequenceOrder) {
    auto store = this->open();
    for (std::uint64_t seq : {3u, 1u, 2u}) store->stage(contract_report(1001, seq), 0);
    store->stage(contract_report(1002, 1), 0);
    ASSERT_TRUE(store->commit().committed);
    const auto keys = store->keys_of("1001-arbb-1");
    ASSERT_EQ(keys.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(keys[i].sequence, i + 1);
    EXPECT_TRUE(store->keys_of("nobody").empty());
}

TYPED_TEST(StoreContract, TheIntegrityCheckFindsASoundStoreSound) {
    auto store = this->open();
    for (int pec = 1001; pec < 1051; ++pec) store->stage(contract_report(pec, 1), 0);
    ASSERT_TRUE(store->commit().committed);
    EXPECT_EQ(store->integrity_problems(), std::vector<std::string>{});
}

// [SECTION] Several writers on one database

// Two ingests (two processes' worth: each its own connection and in-memory index) on one database:
// each report is stored once, and the answers are the ones a single ingest gives.
TYPED_TEST(StoreContract, TwoIngestsOnOneDatabaseStoreEachReportOnceWithTheSameAnswers) {
    using namespace ingest_fixture;
    const auto package = small_package();
    const auto registry = core::make_device_key_registry(package, kDeviceSecret);
    auto store_a = this->open(), store_b = this->open();
    Ingest a(package, registry, *store_a), b(package, registry, *store_b);
    const auto zero = sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list));
    const auto final_report = sign(1001, "1001-arbb-1", 2, final_party_list(1001));
    auto other = final_party_list(1001);
    other.option_counts = {10, 379, 201};
    const auto reused = sign(1001, "1001-arbb-1", 2, other);

    ASSERT_EQ(a.submit(zero, "pec", 0).outcome, core::AckOutcome::stored);
    ASSERT_TRUE(a.flush(1).at(0).acknowledged);
    // A's ack was lost; the PEC resends to B, which does not know what A stored: the database answers.
    ASSERT_EQ(b.submit(zero, "pec", 2).outcome, core::AckOutcome::stored);  // staged: only the commit can tell
    auto released = b.flush(3);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_TRUE(released[0].acknowledged);
    EXPECT_EQ(released[0].outcome, core::AckOutcome::duplicate) << released[0].text;
    // The next report goes to B and is stored; a resend of it to A is staged there (sequence 2 is the
    // next A expects) and answered duplicate by the database at A's commit.
    ASSERT_EQ(b.submit(final_report, "pec", 4).outcome, core::AckOutcome::stored);
    ASSERT_TRUE(b.flush(5).at(0).acknowledged);
    ASSERT_EQ(a.submit(final_report, "pec", 6).outcome, core::AckOutcome::stored);
    released = a.flush(6);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].outcome, core::AckOutcome::duplicate) << released[0].text;
    // From then on A knows it: a further resend is a duplicate at once.
    const auto again = a.submit(final_report, "pec", 7);
    EXPECT_EQ(again.outcome, core::AckOutcome::duplicate) << again.text;
    EXPECT_TRUE(again.acknowledged_now);
    // Sequence 2 with another body, to B: refused (B stored sequence 2).
    EXPECT_EQ(b.submit(reused, "pec", 7).reason, RejectReason::sequence_reused);
    // B stores sequence 3; sequence 4 reaches A, which knows up to 2: A asks the store and accepts it.
    ASSERT_EQ(b.submit(sign(1001, "1001-arbb-1", 3, final_party_list(1001)), "pec", 8).outcome, core::AckOutcome::stored);
    ASSERT_TRUE(b.flush(9).at(0).acknowledged);
    const auto fourth = a.submit(sign(1001, "1001-arbb-1", 4, final_party_list(1001)), "pec", 10);
    EXPECT_EQ(fourth.outcome, core::AckOutcome::stored) << fourth.text;
    ASSERT_TRUE(a.flush(11).at(0).acknowledged);
    // Sequence 6 is still out of order everywhere.
    EXPECT_EQ(b.submit(sign(1001, "1001-arbb-1", 6, final_party_list(1001)), "pec", 12).reason, RejectReason::out_of_order_sequence);
    // A third ingest started now reads what the database holds.
    auto store_c = this->open();
    Ingest c(package, registry, *store_c);
    const auto third_zero = c.submit(zero, "pec", 8);
    EXPECT_EQ(third_zero.outcome, core::AckOutcome::duplicate) << third_zero.text;  // it read the store at start
    EXPECT_EQ(this->open()->count(), 4);
    EXPECT_EQ(store_a->reports(), store_b->reports());
    EXPECT_EQ(a.counters().duplicates + b.counters().duplicates, 3);
}

// The race itself: the same report staged by two ingests before either commits; one INSERT wins,
// the other is answered by the stored row (a different body: sequence_reused, with an alert).
TYPED_TEST(StoreContract, TheSameSequenceStagedByTwoIngestsIsDecidedByTheDatabase) {
    using namespace ingest_fixture;
    const auto package = small_package();
    const auto registry = core::make_device_key_registry(package, kDeviceSecret);
    auto store_a = this->open(), store_b = this->open();
    Ingest a(package, registry, *store_a), b(package, registry, *store_b);
    const auto zero = sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list));
    const auto zero_other = sign(1002, "1002-arbb-1", 1, zero_report(1002, BoxKind::party_list));
    auto changed = zero_report(1001, BoxKind::party_list);
    changed.at = core::at(7, 31);
    const auto zero_changed = sign(1001, "1001-arbb-1", 1, changed);
    ASSERT_EQ(a.submit(zero, "pec", 0).outcome, core::AckOutcome::stored);
    ASSERT_EQ(b.submit(zero_other, "pec", 0).outcome, core::AckOutcome::stored);
    ASSERT_EQ(b.submit(zero_changed, "pec", 0).outcome, core::AckOutcome::stored);
    ASSERT_TRUE(a.flush(1).at(0).acknowledged);
    const auto released = b.flush(2);
    ASSERT_EQ(released.size(), 2u);
    EXPECT_TRUE(released[0].acknowledged);
    EXPECT_FALSE(released[0].outcome.has_value());  // 1002's report: stored by B
    EXPECT_EQ(released[1].outcome, core::AckOutcome::rejected);
    EXPECT_EQ(released[1].reason, RejectReason::sequence_reused) << released[1].text;
    EXPECT_EQ(b.counters().rejections(RejectReason::sequence_reused), 1);
    EXPECT_EQ(b.counters().alerts, 1);
    EXPECT_EQ(this->open()->count(), 2);
    // B now knows what the database holds: the original is a duplicate there, the changed one refused.
    EXPECT_EQ(b.submit(zero, "pec", 3).outcome, core::AckOutcome::duplicate);
    EXPECT_EQ(b.submit(zero_changed, "pec", 4).reason, RejectReason::sequence_reused);
    // Both processes' decisions are in one audit chain, and it matches the rows: B's entry for the
    // report A stored first says so.
    a.finish(5);
    b.finish(6);
    const auto reader = this->open();
    EXPECT_EQ(reader->audit_problems(), std::vector<std::string>{});
    const auto log = reader->audit_log();
    EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const AuditEntry& e) { return e.record.action == "stored_elsewhere"; }));
}

// [SECTION] Operator actions and the audit log

TYPED_TEST(StoreContract, OperatorActionsAndTheAuditLogAreDurableChainedAndChecked) {
    const OperatorAction revoke{.what = OperatorDo::revoke, .device = "1001-arbb-1", .pec = 1001, .by = "aida", .reason = "leaked", .at = 5};
    const OperatorAction hold{.what = OperatorDo::hold, .pec = 1002, .by = "bolot", .reason = "check", .at = 6};
    const OperatorAction accept{.what = OperatorDo::accept, .device = "1001-arbb-1", .pec = 1001, .sequence = 2, .by = "aida",
                                .reason = "the protocol read by phone", .at = 7};
    {
        auto store = this->open();
        for (std::uint64_t sequence : {1, 2}) {
            const auto ticket = store->stage(contract_report(1001, sequence), 1);
            store->stage_audit({.at = 1, .actor = "ingest", .action = "stored", .pec = 1001, .device = "1001-arbb-1", .sequence = sequence,
                                .detail = hex(contract_report(1001, sequence).body_hash), .report_ticket = ticket});
        }
        store->stage_audit({.at = 2, .actor = "ingest", .action = "rejected:malformed", .detail = "garbage"});
        ASSERT_TRUE(store->commit().committed);
        EXPECT_EQ(store->apply(revoke).value(), 4);
        EXPECT_EQ(store->apply(hold).value(), 5);
        const auto again = store->apply(hold);
        ASSERT_FALSE(again);
        EXPECT_NE(again.error().message.find("held already"), std::string::npos);
        auto not_final = accept;
        not_final.sequence = 1;  // the zero report
        EXPECT_FALSE(store->apply(not_final));
        EXPECT_EQ(store->apply(accept).value(), 6);
    }
    auto store = this->open();  // another connection, as after a restart
    EXPECT_EQ(store->operator_actions(), (std::vector<OperatorAction>{revoke, hold, accept}));
    const auto oversight = store->oversight();
    EXPECT_TRUE(oversight.is_revoked("1001-arbb-1"));
    EXPECT_EQ(oversight.accepted_sequence("1001-arbb-1"), 2u);
    EXPECT_EQ(oversight.held, std::vector<int>{1002});
    EXPECT_TRUE(oversight.under_review.empty());  // the accept ended 1001's review
    const auto log = store->audit_log();
    ASSERT_EQ(log.size(), 6u);
    EXPECT_EQ(log[3].record.actor, "operator:aida");
    EXPECT_EQ(log[5].record.sequence, 2u);
    EXPECT_TRUE(verify_audit(log).sound());
    EXPECT_EQ(store->audit_problems(), std::vector<std::string>{});
}

TYPED_TEST(StoreContract, TwoWritersAppendToOneUnbrokenChain) {
    auto a = this->open(), b = this->open();
    for (int round = 0; round < 10; ++round) {
        for (auto* store : {a.get(), b.get()}) {
            store->stage_audit({.at = round, .actor = "ingest", .action = "rejected:malformed", .detail = fmt::format("round {}", round)});
            store->stage_audit({.at = round, .actor = "ingest", .action = "duplicate", .detail = fmt::format("round {}", round)});
        }
        ASSERT_TRUE(b->commit().committed);
        ASSERT_TRUE(a->commit().committed);
    }
    const auto log = this->open()->audit_log();
    ASSERT_EQ(log.size(), 40u);
    const auto check = verify_audit(log);
    EXPECT_TRUE(check.sound()) << check.why;
}

}  // namespace store_contract_test
