// The CEC's responses (central/oversight.hpp): revoking a device key, holding and releasing a PEC's
// figures, the alerts on anomalies and the tamper-evident audit log, through the real Ingest and
// the SQLite store. (The same store calls on PostgreSQL: store_contract_test.cpp.)
//
// Index of this file:
//   [SECTION] The hash chain and the replay of actions
//   [SECTION] Revoking a key
//   [SECTION] Holding and releasing
//   [SECTION] Alerts
//   [SECTION] The audit log in the store
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "central/aggregation.hpp"
#include "central/oversight.hpp"
#include "central/publication.hpp"
#include "ingest_fixture.hpp"

namespace oversight_test {

using namespace ingest_fixture;

namespace {

OperatorAction revoke(const std::string& device, core::Micros at = core::at(20, 30)) {
    return {.what = OperatorDo::revoke, .device = device, .by = "aida", .reason = "key leaked in a phishing reply", .at = at};
}
OperatorAction hold(int pec, core::Micros at = core::at(20, 30)) {
    return {.what = OperatorDo::hold, .pec = pec, .by = "aida", .reason = "figures differ from the protocol", .at = at};
}
OperatorAction release(int pec, core::Micros at = core::at(21, 0)) {
    return {.what = OperatorDo::release, .pec = pec, .by = "aida", .reason = "checked against the paper protocol", .at = at};
}
OperatorAction accept(const std::string& device, std::uint64_t sequence, core::Micros at = core::at(21, 10)) {
    return {.what = OperatorDo::accept, .device = device, .sequence = sequence, .by = "aida",
            .reason = "the chair read the printed protocol over the phone", .at = at};
}

/// Runs `sql` on the store file behind the server's back (an insider editing the database).
void tamper(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.string().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

bool has_alert(const Ingest& ingest, const std::string& words) {
    return std::any_of(ingest.alerts().begin(), ingest.alerts().end(), [&](const Alert& a) { return a.text.find(words) != std::string::npos; });
}

std::vector<std::string> actions_of(const Store& store) {
    std::vector<std::string> out;
    for (const auto& e : store.audit_log()) out.push_back(e.record.action);
    return out;
}

}  // namespace

// [SECTION] The hash chain and the replay of actions

TEST(AuditChain, AnyChangedRemovedOrReorderedEntryIsNamed) {
    std::vector<AuditEntry> log;
    std::array<std::uint8_t, 32> previous{};
    for (int i = 1; i <= 5; ++i) {
        AuditEntry e{.number = i, .record = {.at = i * core::kSecond, .actor = "ingest", .action = "stored", .pec = 1001,
                                             .device = "1001-arbb-1", .sequence = static_cast<std::uint64_t>(i), .detail = "x"}};
        e.hash = audit_hash(previous, e.number, e.record);
        previous = e.hash;
        log.push_back(e);
    }
    EXPECT_TRUE(verify_audit(log).sound());
    EXPECT_EQ(verify_audit(log).entries, 5);

    auto edited = log;
    edited[2].record.detail = "y";
    EXPECT_EQ(verify_audit(edited).first_broken, 3);
    auto rehashed = edited;  // the forger recomputes entry 3's hash: entry 4 no longer follows
    rehashed[2].hash = audit_hash(rehashed[1].hash, 3, rehashed[2].record);
    EXPECT_EQ(verify_audit(rehashed).first_broken, 4);
    auto removed = log;
    removed.erase(removed.begin() + 1);
    EXPECT_EQ(verify_audit(removed).first_broken, 2);
    EXPECT_NE(verify_audit(removed).why.find("missing"), std::string::npos);
}

TEST(OperatorActions, ReplayRefusesWhatMakesNoSense) {
    auto r = revoke("1001-arbb-1");
    r.pec = 1001;
    EXPECT_TRUE(replay(std::vector{r}));
    EXPECT_FALSE(replay(std::vector{r, r}));
    EXPECT_FALSE(replay(std::vector{hold(1001), hold(1001)}));
    EXPECT_FALSE(replay(std::vector{release(1001)}));
    const auto state = replay(std::vector{r, hold(1002), release(1001)});
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->is_revoked("1001-arbb-1"));  // a release ends the review, not the revocation
    EXPECT_FALSE(state->is_withheld(1001));
    EXPECT_TRUE(state->is_withheld(1002));
}

TEST(OperatorActions, AnAcceptNeedsARevokedDeviceAndEndsTheReviewWhenEachRevokedDeviceOfThePecHasOne) {
    auto r1 = revoke("1001-arbb-1");
    r1.pec = 1001;
    auto r2 = revoke("1001-arbb-2");
    r2.pec = 1001;
    auto a1 = accept("1001-arbb-1", 1);
    a1.pec = 1001;
    auto a2 = accept("1001-arbb-2", 3);
    a2.pec = 1001;
    EXPECT_FALSE(replay(std::vector{a1}));          // not revoked
    EXPECT_FALSE(replay(std::vector{r1, a1, a1}));  // accepted already
    auto none = a1;
    none.sequence = 0;
    EXPECT_FALSE(replay(std::vector{r1, none}));
    const auto one = replay(std::vector{r1, r2, a1});
    ASSERT_TRUE(one);
    EXPECT_TRUE(one->is_withheld(1001));  // the district ARBB's key is revoked too, nothing accepted for it
    EXPECT_EQ(one->accepted_sequence("1001-arbb-1"), 1u);
    const auto both = replay(std::vector{r1, r2, a1, a2});
    ASSERT_TRUE(both);
    EXPECT_FALSE(both->is_withheld(1001));
    EXPECT_TRUE(both->is_revoked("1001-arbb-1"));  // an accept ends the review, not the revocation
    EXPECT_EQ(both->accepted_sequence("1001-arbb-2"), 3u);
}

// [SECTION] Revoking a key

TEST(RevokeKey, LaterReportsAreRefusedWithTheirReasonAndEarlierOnesGoUnderReview) {
    Server s("revoke");
    s.package.rules.seats_party_list = 10;
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "pec", 0).outcome,
              core::AckOutcome::stored);
    ASSERT_EQ(s.ingest.submit(sign(1002, "1002-arbb-1", 1, final_party_list(1002)), "pec", 0).outcome, core::AckOutcome::stored);
    s.ingest.finish(1);
    ASSERT_TRUE(s.ingest.apply(revoke("1001-arbb-1")));

    const auto d = s.ingest.submit(sign(1001, "1001-arbb-1", 2, final_party_list(1001)), "thief", core::at(20, 31));
    EXPECT_EQ(d.outcome, core::AckOutcome::rejected);
    EXPECT_EQ(d.reason, core::RejectReason::revoked_device);
    EXPECT_TRUE(has_alert(s.ingest, "revoked the key of '1001-arbb-1'"));
    EXPECT_EQ(s.ingest.counters().rejections(core::RejectReason::revoked_device), 1);
    // The other box of the PEC still reports: only the revoked key is refused.
    EXPECT_EQ(s.ingest.submit(sign(1001, "1001-arbb-2", 1, zero_report(1001, BoxKind::district)), "pec", 1).outcome,
              core::AckOutcome::stored);
    s.ingest.finish(core::at(20, 32));

    // What the device sent before is kept, not dropped: stored, and withheld from publication for review.
    EXPECT_EQ(s.store.count(), 3);
    const auto published = aggregate(s.package, s.store);
    ASSERT_TRUE(published) << published.error().message;
    EXPECT_EQ(published->withheld, std::vector<int>{1001});
    EXPECT_EQ(published->reports_stored, 3);
    EXPECT_EQ(published->national.pecs_reporting, 1);  // 1002 only
    ASSERT_TRUE(s.ingest.apply(release(1001)));
    EXPECT_TRUE(aggregate(s.package, s.store)->withheld.empty());
}

TEST(RevokeKey, ARevocationSurvivesARestartAndAnotherProcessesWrite) {
    TempStoreFile file("ingest-revoke-restart");
    const auto package = small_package();
    const auto registry = core::make_device_key_registry(package, kDeviceSecret);
    {
        Store store(file.path());
        Ingest ingest(package, registry, store);
        ASSERT_TRUE(ingest.apply(revoke("1002-arbb-1")));
    }  // the process ends
    Store store(file.path());
    Ingest ingest(package, registry, store);
    EXPECT_EQ(ingest.submit(sign(1002, "1002-arbb-1", 1, zero_report(1002, BoxKind::party_list)), "p", 0).reason,
              core::RejectReason::revoked_device);
    // Another process (shailoo cec) revokes a second key; refresh_oversight takes it up.
    {
        Store other(file.path());
        ASSERT_TRUE(other.apply(central::resolve(package, registry, revoke("1001-arbb-1")).value()));
    }
    EXPECT_EQ(ingest.refresh_oversight().value(), true);
    EXPECT_EQ(ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "p", 1).reason,
              core::RejectReason::revoked_device);
    EXPECT_EQ(ingest.refresh_oversight().value(), false);
}

TEST(RevokeKey, TheReportThePrintedProtocolConfirmsIsAcceptedAndTheForgedLaterOneLeftOut) {
    Server s("revoke-accept");
    s.package.rules.seats_party_list = 10;
    auto forged = final_party_list(1001);
    std::swap(forged.option_counts[1], forged.option_counts[2]);  // a thief's newer report, validly signed
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "pec", 0).outcome,
              core::AckOutcome::stored);
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 2, final_party_list(1001)), "pec", 1).outcome, core::AckOutcome::stored);
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 3, forged), "thief", 2).outcome, core::AckOutcome::stored);
    s.ingest.finish(3);
    EXPECT_EQ(aggregate(s.package, s.store)->national.option_votes[1], 200);  // the forged figures are published

    ASSERT_TRUE(s.ingest.apply(revoke("1001-arbb-1")));
    // Only a stored final report of the revoked device can be accepted; nothing is written otherwise.
    const auto missing = s.ingest.apply(accept("1001-arbb-1", 9));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("no stored report 9"), std::string::npos) << missing.error().message;
    const auto zero = s.ingest.apply(accept("1001-arbb-1", 1));
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.error().message.find("a zero report, not a final one"), std::string::npos) << zero.error().message;
    EXPECT_FALSE(s.ingest.apply(accept("1002-arbb-1", 1)));  // not revoked

    const auto number = s.ingest.apply(accept("1001-arbb-1", 2));
    ASSERT_TRUE(number) << number.error().message;
    const auto published = aggregate(s.package, s.store);
    ASSERT_TRUE(published);
    EXPECT_TRUE(published->withheld.empty());
    EXPECT_EQ(published->national.option_votes, (std::vector<std::int64_t>{10, 380, 200}));  // the genuine report's
    EXPECT_EQ(published->reports_stored, 3);  // the forged report is kept, only left out
    // Later reports of the key are still refused, and the accept is in the audit log with its sequence number.
    EXPECT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 4, forged), "thief", core::at(21, 11)).reason, core::RejectReason::revoked_device);
    const auto log = s.store.audit_log();
    const auto entry = std::find_if(log.begin(), log.end(), [](const AuditEntry& e) { return e.record.action == "accept"; });
    ASSERT_NE(entry, log.end());
    EXPECT_EQ(entry->number, *number);
    EXPECT_EQ(entry->record.sequence, 2u);
    EXPECT_TRUE(s.store.audit_problems().empty());
    // It survives the process: a new store on the file knows the accepted report.
    Store again(s.file.path());
    EXPECT_EQ(again.oversight().accepted_sequence("1001-arbb-1"), 2u);
}

TEST(RevokeKey, AStoreOfSchemaVersion3IsUpgradedWithItsOperatorActionsKept) {
    TempStoreFile file("ingest-schema-3");
    {
        Store store(file.path());
        auto r = revoke("1001-arbb-1");
        r.pec = 1001;
        ASSERT_TRUE(store.apply(r));
    }
    tamper(file.path(), "ALTER TABLE operator_actions DROP COLUMN sequence; UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    EXPECT_THROW(Store(file.path(), {}, {.read_only = true}), StoreCorrupt);  // read only: it says to open it read-write once
    Store store(file.path());
    const auto state = store.oversight();
    EXPECT_TRUE(state.is_revoked("1001-arbb-1"));
    EXPECT_TRUE(store.apply({.what = OperatorDo::accept, .device = "1001-arbb-1", .pec = 1001, .sequence = 1, .by = "aida",
                             .reason = "r", .at = 1})
                    .error()
                    .message.find("no stored report 1") != std::string::npos);
    EXPECT_TRUE(store.audit_problems().empty());
}

TEST(RevokeKey, AnActionOnWhatIsNotThereIsRefusedWithNothingWritten) {
    Server s("revoke-refused");
    const auto unknown = s.ingest.apply(revoke("7777-arbb-1"));
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("not in the key registry"), std::string::npos);
    EXPECT_FALSE(s.ingest.apply(hold(4242)));
    ASSERT_TRUE(s.ingest.apply(hold(1001)));
    const auto twice = s.ingest.apply(hold(1001));
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.error().message.find("held already"), std::string::npos);
    auto nameless = hold(1002);
    nameless.by.clear();
    EXPECT_FALSE(s.ingest.apply(nameless));
    EXPECT_EQ(s.store.operator_actions().size(), 1u);
    EXPECT_EQ(s.store.audit_log().size(), 1u);
}

// [SECTION] Holding and releasing

TEST(HoldFigures, AHeldPecIsLeftOutOfThePublishedResultsAndNamed) {
    Server s("hold");
    s.package.rules.seats_party_list = 10;
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 1, final_party_list(1001)), "pec", 0).outcome, core::AckOutcome::stored);
    ASSERT_EQ(s.ingest.submit(sign(1002, "1002-arbb-1", 1, final_party_list(1002)), "pec", 0).outcome, core::AckOutcome::stored);
    s.ingest.finish(1);
    const auto before = aggregate(s.package, s.store).value();
    ASSERT_TRUE(s.ingest.apply(hold(1002)));
    const auto held = aggregate(s.package, s.store).value();
    EXPECT_EQ(held.withheld, std::vector<int>{1002});
    EXPECT_EQ(held.national.valid, before.national.valid - 590);
    const auto document = results_document(held, s.package);
    EXPECT_EQ(document["progress"]["withheld_pecs"], nlohmann::json::array({1002}));
    ASSERT_TRUE(s.ingest.apply(release(1002)));
    EXPECT_EQ(aggregate(s.package, s.store)->national.valid, before.national.valid);
    EXPECT_FALSE(results_document(*aggregate(s.package, s.store), s.package)["progress"].contains("withheld_pecs"));
}

// [SECTION] Alerts

TEST(IngestAlerts, ARogueKeyIsAlertedOncePerDeviceId) {
    Server s("rogue");
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
        const auto bytes = sign("test-election", 1001, "1001-arbb-9", seq, zero_report(1001, BoxKind::party_list));
        EXPECT_EQ(s.ingest.submit(bytes, "10.9.9.9", 0).reason, core::RejectReason::unknown_device);
    }
    EXPECT_EQ(s.ingest.counters().alerts, 1);
    EXPECT_TRUE(has_alert(s.ingest, "'1001-arbb-9', a key not in the registry"));
}

TEST(IngestAlerts, ABadSignatureUnderARegisteredDeviceIsAlertedOncePerDevice) {
    Server s("bad-signature");
    // A captured report whose counts were changed: the body no longer matches the signature.
    for (std::uint64_t seq = 1; seq <= 2; ++seq) {
        auto bytes = sign(1001, "1001-arbb-1", seq, zero_report(1001, BoxKind::party_list));
        auto envelope = core::open_envelope(bytes);
        ASSERT_TRUE(envelope);
        envelope->signature[0] ^= 0x01;
        EXPECT_EQ(s.ingest.submit(core::encode_envelope(*envelope), "10.9.9.9", 0).reason, core::RejectReason::bad_signature);
    }
    EXPECT_EQ(s.ingest.counters().alerts, 1);
    EXPECT_TRUE(has_alert(s.ingest, "naming device '1001-arbb-1' of PEC 1001 failed its signature check"));
}

TEST(IngestAlerts, AFinalReportBeforeVotingClosedIsStoredWithAFindingAndAlerted) {
    Server s("before-close");
    Ingest strict(s.package, s.registry, s.store, {.voting_closes = core::at(20, 0)});
    auto early = final_party_list(1001);
    WireReport w{{"test-election", 1001, "1001-arbb-1", 1, core::at(14, 5)}, early};
    const auto bytes = core::encode_signed_report(w, core::derive_device_keys(kDeviceSecret, "1001-arbb-1").secret_key);
    EXPECT_EQ(strict.submit(bytes, "pec", core::at(20, 10)).outcome, core::AckOutcome::stored);
    EXPECT_TRUE(has_alert(strict, "before_voting_closed: a final report sent at 14:05:00"));
    // Received before closing with an honest-looking device clock: the same.
    EXPECT_EQ(strict.submit(sign(1002, "1002-arbb-1", 1, final_party_list(1002)), "pec", core::at(19, 0)).outcome,
              core::AckOutcome::stored);
    EXPECT_EQ(strict.counters().flagged, 2);
    // A zero report in the morning is what stations do.
    EXPECT_EQ(strict.submit(sign(1001, "1001-arbb-2", 1, zero_report(1001, BoxKind::district)), "pec", core::at(7, 30)).outcome,
              core::AckOutcome::stored);
    EXPECT_EQ(strict.counters().flagged, 2);
    strict.finish(core::at(20, 11));
    EXPECT_NE(s.store.reports()[0].violations.find("before_voting_closed"), std::string::npos);
}

TEST(IngestAlerts, ReplaysBeyondTheRateAreAlertedOncePerMinute) {
    Server s("replays");
    Ingest ingest(s.package, s.registry, s.store, {.duplicates_per_minute = 5});
    const auto bytes = sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list));
    ingest.submit(bytes, "pec", 0);
    ingest.finish(1);
    for (int i = 0; i < 5; ++i) ingest.submit(bytes, "pec", 2 + i);
    EXPECT_EQ(ingest.counters().alerts, 0);
    for (int i = 0; i < 20; ++i) ingest.submit(bytes, "pec", 10 + i);
    EXPECT_EQ(ingest.counters().alerts, 1);
    EXPECT_TRUE(has_alert(ingest, "more than 5 identical retransmissions from '1001-arbb-1'"));
    for (int i = 0; i < 6; ++i) ingest.submit(bytes, "pec", core::kMinute + i);  // the next minute
    EXPECT_EQ(ingest.counters().alerts, 2);
}

// [SECTION] The audit log in the store

TEST(AuditLog, EveryDecisionAndActionIsChainedAndMatchesTheStore) {
    Server s("audit");
    const auto bytes = sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list));
    s.ingest.submit(bytes, "pec", 0);
    s.ingest.submit(bytes, "pec", 1);
    s.ingest.submit(std::vector<std::uint8_t>{1, 2, 3}, "garbage", 2);
    s.ingest.finish(3);
    ASSERT_TRUE(s.ingest.apply(hold(1002)));
    EXPECT_EQ(actions_of(s.store), (std::vector<std::string>{"stored", "duplicate", "rejected:malformed", "hold"}));
    const auto log = s.store.audit_log();
    EXPECT_EQ(log[0].record.detail, hex(s.store.keys()[0].body_hash));
    EXPECT_EQ(log[3].record.actor, "operator:aida");
    EXPECT_TRUE(s.store.audit_problems().empty());
}

TEST(AuditLog, AnEditedDeletedOrForgedRowIsFound) {
    Server s("audit-tamper");
    s.ingest.submit(sign(1001, "1001-arbb-1", 1, final_party_list(1001)), "pec", 0);
    s.ingest.submit(sign(1002, "1002-arbb-1", 1, final_party_list(1002)), "pec", 0);
    s.ingest.finish(1);
    ASSERT_TRUE(s.ingest.apply(revoke("1002-arbb-1")));
    ASSERT_TRUE(s.store.audit_problems().empty());

    tamper(s.file.path(), "UPDATE audit SET detail = 'nothing to see' WHERE number = 2");
    auto problems = s.store.audit_problems();
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].find("broken at entry 2"), std::string::npos) << problems[0];

    Server t("audit-tamper-rows");
    t.ingest.submit(sign(1001, "1001-arbb-1", 1, final_party_list(1001)), "pec", 0);
    t.ingest.finish(1);
    ASSERT_TRUE(t.ingest.apply(revoke("1002-arbb-1")));
    tamper(t.file.path(), "DELETE FROM operator_actions");  // the chain is intact; the rows are not
    problems = t.store.audit_problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("no matching operator action row"), std::string::npos) << problems[0];
    tamper(t.file.path(), "INSERT INTO reports SELECT NULL, pec, box, device, 2, kind, received_at, raw, body_hash, ballots_in_box, "
                          "valid, invalid, identified, ballots_issued, registered, violations, option_votes, preference_votes "
                          "FROM reports");
    problems = t.store.audit_problems();
    EXPECT_TRUE(std::any_of(problems.begin(), problems.end(), [](const std::string& p) {
        return p.find("1001-arbb-1 sequence 2 is stored but the audit log has no entry") != std::string::npos;
    }));
}

TEST(AuditLog, AFailedCommitDropsItsReportsEntriesAndKeepsTheOthers) {
    Server s("audit-failed-commit");
    s.ingest.submit(std::vector<std::uint8_t>{9, 9}, "garbage", 0);
    s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "pec", 0);
    s.store.fail_at(1);  // the report's insert
    const auto released = s.ingest.finish(1);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_FALSE(released[0].acknowledged);
    EXPECT_TRUE(s.store.audit_log().empty());
    s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "pec", 2);  // the retransmission
    s.ingest.finish(3);
    EXPECT_EQ(actions_of(s.store), (std::vector<std::string>{"rejected:malformed", "stored"}));
    EXPECT_TRUE(s.store.audit_problems().empty());
}

TEST(AuditLog, AFloodCostsTheLogOneLinePerCommitBeyondItsItemisedDecisions) {
    Server s("audit-flood");
    const int flood = static_cast<int>(Ingest::kAuditItemsPerCommit) + 500;
    for (int i = 0; i < flood; ++i) s.ingest.submit(std::vector<std::uint8_t>{static_cast<std::uint8_t>(i), 1}, "flood", i);
    EXPECT_TRUE(s.ingest.flush(flood).empty());  // rejections alone wait for their delay: no commit per frame
    EXPECT_EQ(s.ingest.counters().commits, 0);
    s.ingest.poll(flood + GroupCommitPolicy{}.max_delay);
    EXPECT_EQ(s.ingest.counters().commits, 1);
    const auto log = s.store.audit_log();
    ASSERT_EQ(log.size(), Ingest::kAuditItemsPerCommit + 1);
    EXPECT_EQ(log.back().record.action, "not_itemised");
    EXPECT_EQ(log.back().record.detail, "500 more decisions: rejected:malformed x 500");
    EXPECT_TRUE(s.store.audit_problems().empty());
}

}  // namespace oversight_test
