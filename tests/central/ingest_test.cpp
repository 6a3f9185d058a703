#include "central/ingest.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <set>

#include "core/random.hpp"
#include "core/wire.hpp"
#include "ingest_fixture.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace ingest_test {

using namespace ingest_fixture;

TEST(Ingest, AcceptedReportIsAcknowledgedOnlyAfterItsCommit) {
    Server s("accept", {.max_reports = 10, .max_delay = 1000});
    auto d = s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "peer-a", 0);
    EXPECT_EQ(d.outcome, core::AckOutcome::stored) << d.text;
    EXPECT_FALSE(d.acknowledged_now);
    EXPECT_EQ(s.store.count(), 0);
    EXPECT_TRUE(s.ingest.poll(999).empty());  // batch not due yet: no acknowledgement
    auto released = s.ingest.poll(1000);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].ticket, d.ticket);
    EXPECT_TRUE(released[0].acknowledged);
    EXPECT_EQ(s.store.count(), 1);
    auto stored = s.store.reports();
    EXPECT_EQ(stored[0].kind, "zero");
    EXPECT_EQ(stored[0].device, "1001-arbb-1");
}

TEST(Ingest, ManyReportsShareOneCommit) {
    Server s("group", {.max_reports = 4, .max_delay = 1'000'000});
    std::vector<std::uint64_t> tickets;
    for (int pec : {1001, 1002})
        for (auto [role, box] : {std::pair{"-arbb-1", BoxKind::party_list}, std::pair{"-arbb-2", BoxKind::district}})
            tickets.push_back(s.ingest.submit(sign(pec, std::to_string(pec) + role, 1, zero_report(pec, box)), "p", 5).ticket);
    auto released = s.ingest.poll(5);
    ASSERT_EQ(released.size(), 4u);
    EXPECT_EQ(s.ingest.counters().commits, 1);
    EXPECT_EQ(s.store.count(), 4);
}

TEST(Ingest, IdenticalRetransmissionIsADuplicateAcknowledgedWithTheOriginal) {
    Server s("duplicate");
    const auto bytes = sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list));
    auto first = s.ingest.submit(bytes, "p", 0);
    auto again = s.ingest.submit(bytes, "p", 1);
    EXPECT_EQ(again.outcome, core::AckOutcome::duplicate);
    EXPECT_FALSE(again.acknowledged_now);  // the original is not durable yet
    auto released = s.ingest.flush(2);
    ASSERT_EQ(released.size(), 2u);
    EXPECT_EQ(released[0].ticket, first.ticket);
    EXPECT_EQ(released[1].ticket, again.ticket);
    auto late = s.ingest.submit(bytes, "p", 3);
    EXPECT_EQ(late.outcome, core::AckOutcome::duplicate);
    EXPECT_TRUE(late.acknowledged_now);
    EXPECT_EQ(s.store.count(), 1);
    EXPECT_EQ(s.ingest.counters().duplicates, 2);
}

TEST(Ingest, DifferentReportUnderAUsedSequenceIsRejectedAndRaisedAsAnAlert) {
    Server s("conflict");
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "p", 0).outcome,
              core::AckOutcome::stored);
    s.ingest.flush(0);
    auto other = final_party_list(1001);
    auto d = s.ingest.submit(sign(1001, "1001-arbb-1", 1, other), "modem-17", 10);
    EXPECT_EQ(d.outcome, core::AckOutcome::rejected);
    EXPECT_EQ(d.reason, RejectReason::sequence_reused);
    ASSERT_EQ(s.ingest.alerts().size(), 1u);
    EXPECT_EQ(s.ingest.alerts()[0].peer, "modem-17");
    EXPECT_EQ(s.ingest.alerts()[0].device, "1001-arbb-1");
    EXPECT_EQ(s.ingest.counters().rejections(RejectReason::sequence_reused), 1);
    EXPECT_EQ(s.store.count(), 1);
}

TEST(Ingest, EveryRejectionReasonIsSpecificCountedAndLogged) {
    Server s("reasons");
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "p", 0).outcome,
              core::AckOutcome::stored);
    auto expect = [&](const std::vector<std::uint8_t>& bytes, RejectReason reason, std::string_view words) {
        auto d = s.ingest.submit(bytes, "peer-x", 1);
        EXPECT_EQ(d.outcome, core::AckOutcome::rejected) << to_string(reason);
        EXPECT_EQ(d.reason, reason) << d.text;
        EXPECT_NE(d.text.find(words), std::string::npos) << d.text;
        EXPECT_EQ(s.ingest.counters().rejections(reason), 1) << to_string(reason);
        EXPECT_NE(s.ingest.log().back().text.find(std::string("rejected ") + std::string(to_string(reason))), std::string::npos);
    };
    const auto good = final_party_list(1001);
    expect({0x0a, 0xff, 0x01}, RejectReason::malformed, "malformed_envelope");
    expect(sign("drill-2021", 1001, "1001-arbb-1", 2, good), RejectReason::wrong_election, "drill-2021");
    expect(sign(1003, "1003-arbb-1", 1, final_party_list(1003)), RejectReason::unknown_device, "1003-arbb-1");
    expect(sign(1002, "1001-arbb-1", 2, final_party_list(1002)), RejectReason::wrong_pec, "belongs to PEC 1001");
    auto district_report = good;
    district_report.box = BoxKind::district;
    district_report.preference_counts.clear();
    expect(sign(1001, "1001-arbb-1", 2, district_report), RejectReason::wrong_box, "sent a district report");
    expect(sign("test-election", 1001, "1001-arbb-1", 2, good, kDeviceSecret + 1), RejectReason::bad_signature,
           "does not verify");
    expect(sign(1001, "1001-arbb-1", 3, good), RejectReason::out_of_order_sequence, "expected 2");
    auto short_counts = good;
    short_counts.option_counts = {10, 580};
    expect(sign(1001, "1001-arbb-1", 2, short_counts), RejectReason::wrong_shape, "3 options");
    auto bad_sum = good;
    bad_sum.valid = 591;
    bad_sum.ballots_scanned = 601;
    bad_sum.ballots_in_box = 601;
    expect(sign(1001, "1001-arbb-1", 2, bad_sum), RejectReason::failed_control_ratios, "option_counts_sum_eq_valid");
    auto too_many = final_party_list(9001);  // 600 ballots, 300 registered abroad
    too_many.figures = {2000, 600, 600};
    expect(sign(9001, "9001-arbb-1", 1, too_many), RejectReason::exceeds_registered_voters, "300 registered");
    s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "p", 2);  // duplicate
    EXPECT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 1, good), "p", 2).reason, RejectReason::sequence_reused);
    // Abroad PECs have no district box.
    EXPECT_EQ(s.ingest.submit(sign(9001, "9001-arbb-2", 1, zero_report(9001, BoxKind::district)), "p", 2).reason,
              RejectReason::wrong_box);
    // None of them reached the store.
    s.ingest.flush(3);
    EXPECT_EQ(s.store.count(), 1);
    // After all that the device's next report in order is still accepted.
    EXPECT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 2, good), "p", 4).outcome, core::AckOutcome::stored);
}

TEST(Ingest, ProtocolFindingsAreStoredFlaggedAndAlerted) {
    Server s("flagged");
    auto r = final_party_list(1001);
    r.figures.identified_voters = 590;  // 600 ballots in the box but 590 identified voters (the 2021 case)
    auto d = s.ingest.submit(sign(1001, "1001-arbb-1", 1, r), "p", 0);
    EXPECT_EQ(d.outcome, core::AckOutcome::stored) << d.text;
    EXPECT_EQ(s.ingest.counters().flagged, 1);
    ASSERT_EQ(s.ingest.alerts().size(), 1u);
    EXPECT_NE(s.ingest.alerts()[0].text.find("in_box_le_identified"), std::string::npos);
    s.ingest.flush(1);
    EXPECT_NE(s.store.reports()[0].violations.find("in_box_le_identified"), std::string::npos);
}

TEST(Ingest, IdentificationReportIsCheckedAndStored) {
    Server s("ident");
    core::IdentificationReport r;
    r.fingerprint = 500;
    r.face = 60;
    r.manual = 40;
    r.ballots_issued = 600;
    EXPECT_EQ(s.ingest.submit(sign(1001, "1001-id-1", 1, r), "p", 0).outcome, core::AckOutcome::stored);
    r.ballots_issued = 601;
    EXPECT_EQ(s.ingest.submit(sign(1002, "1002-id-1", 1, r), "p", 0).reason, RejectReason::failed_control_ratios);
    EXPECT_EQ(s.ingest.submit(sign(1002, "1002-arbb-1", 1, r), "p", 0).reason, RejectReason::wrong_box);
    s.ingest.flush(1);
    auto stored = s.store.reports();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].source, core::DeviceRole::identification);
    EXPECT_EQ(stored[0].ballots_issued, 600);
}

TEST(Ingest, EveryTruncationAndGarbageIsRejectedWithoutTouchingTheStore) {
    Server s("malformed");
    const auto bytes = sign(1001, "1001-arbb-1", 1, final_party_list(1001));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto d = s.ingest.submit(std::span(bytes.data(), n), "p", 0);
        EXPECT_EQ(d.outcome, core::AckOutcome::rejected) << n;
    }
    core::RandomStream rng(11, 3);
    for (int i = 0; i < 500; ++i) {
        std::vector<std::uint8_t> junk(bytes);
        for (int k = 0; k < 4; ++k) junk[rng.below(junk.size())] ^= static_cast<std::uint8_t>(1 + rng.below(255));
        EXPECT_EQ(s.ingest.submit(junk, "p", 0).outcome, core::AckOutcome::rejected) << i;
    }
    EXPECT_EQ(s.store.staged(), 0u);
    s.ingest.flush(0);
    EXPECT_EQ(s.store.count(), 0);
    EXPECT_EQ(s.ingest.counters().accepted, 0);
}

TEST(Ingest, RestartRebuildsSequencesFromTheStore) {
    TempStoreFile file("restart");
    auto package = small_package();
    auto registry = core::make_device_key_registry(package, kDeviceSecret);
    const auto zero = sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list));
    {
        Store store(file.path());
        Ingest ingest(package, registry, store);
        ingest.submit(zero, "p", 0);
        ingest.flush(0);
    }
    Store store(file.path());
    Ingest ingest(package, registry, store);
    auto d = ingest.submit(zero, "p", 1);
    EXPECT_EQ(d.outcome, core::AckOutcome::duplicate);
    EXPECT_TRUE(d.acknowledged_now);
    EXPECT_EQ(ingest.submit(sign(1001, "1001-arbb-1", 3, final_party_list(1001)), "p", 1).reason,
              RejectReason::out_of_order_sequence);
    EXPECT_EQ(ingest.submit(sign(1001, "1001-arbb-1", 2, final_party_list(1001)), "p", 1).outcome, core::AckOutcome::stored);
}

TEST(Ingest, NoAcknowledgedReportIsLostWhateverWriteFails) {
    // Loop N = 0, 1, 2, ...: the store's N-th write fails once. Six devices transmit in order and
    // resend until acknowledged (store and forward). Afterwards every report is stored exactly
    // once, and every report acknowledged at any moment was in the file at that moment.
    struct Device {
        int pec;
        std::string id;
        std::vector<std::vector<std::uint8_t>> messages;
        std::size_t acked = 0;
        std::uint64_t in_flight = 0;  // ticket of the message sent and not answered yet
    };
    int n = 0;
    for (;; ++n) {
        Server s("fail-at-" + std::to_string(n), {.max_reports = 3, .max_delay = 10});
        std::vector<Device> devices;
        for (int pec : {1001, 1002}) {
            const auto p = std::to_string(pec);
            devices.push_back({pec, p + "-arbb-1", {sign(pec, p + "-arbb-1", 1, zero_report(pec, BoxKind::party_list)),
                                                    sign(pec, p + "-arbb-1", 2, final_party_list(pec))}});
            auto district = final_party_list(pec);
            district.box = BoxKind::district;
            district.option_counts = {10, 380, 200};
            district.preference_counts.clear();
            devices.push_back({pec, p + "-arbb-2", {sign(pec, p + "-arbb-2", 1, zero_report(pec, BoxKind::district)),
                                                    sign(pec, p + "-arbb-2", 2, district)}});
            core::IdentificationReport id;
            id.fingerprint = 600;
            id.ballots_issued = 600;
            devices.push_back({pec, p + "-id-1", {sign(pec, p + "-id-1", 1, id)}});
        }
        s.store.fail_at(n);
        const auto writes_before = s.store.writes();
        std::set<std::pair<std::string, std::uint64_t>> acknowledged;
        core::Micros now = 0;
        for (int round = 0; round < 100; ++round, now += 4) {
            bool pending = false;
            for (auto& d : devices) {
                if (d.acked == d.messages.size() || d.in_flight) continue;
                pending = true;
                auto decision = s.ingest.submit(d.messages[d.acked], d.id, now);
                ASSERT_NE(decision.outcome, core::AckOutcome::rejected) << decision.text;
                if (decision.acknowledged_now) {
                    acknowledged.insert({d.id, ++d.acked});
                } else {
                    d.in_flight = decision.ticket;
                }
            }
            for (const auto& r : s.ingest.poll(now)) {
                for (auto& d : devices) {
                    if (d.in_flight != r.ticket) continue;
                    d.in_flight = 0;
                    if (r.acknowledged) acknowledged.insert({d.id, ++d.acked});
                }
            }
            // Everything acknowledged so far is in the file, read by a second connection.
            Store reader(s.file.path());
            std::set<std::pair<std::string, std::uint64_t>> on_disk;
            for (const auto& k : reader.keys()) on_disk.insert({k.device, k.sequence});
            for (const auto& a : acknowledged) ASSERT_TRUE(on_disk.contains(a)) << a.first << " " << a.second << " N=" << n;
            if (!pending && s.store.staged() == 0) break;
        }
        EXPECT_EQ(acknowledged.size(), 10u) << "N=" << n;
        EXPECT_EQ(s.store.count(), 10) << "N=" << n;
        const bool failure_fired = s.ingest.counters().failed_commits > 0;
        if (!failure_fired) {
            EXPECT_EQ(s.store.writes() - writes_before, n);  // the first N past the last write of the run
            break;
        }
    }
    EXPECT_GT(n, 10);  // every write of the run (BEGIN, one row per report, COMMIT) failed once first
}

}  // namespace ingest_test
