// Regression (hostile-client audit, issue 17): correctly signed reports whose counts were chosen so
// that 64-bit sums wrap were stored, and the page showed parties with ~4.6e18 votes and 1.43e9
// seats each. Every count must be bounded by what the PEC can hold and every sum checked.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "../central/ingest_fixture.hpp"
#include "central/aggregation.hpp"
#include "core/checked_count.hpp"
#include "core/reports.hpp"
#include "core/seat_allocation.hpp"

using namespace ingest_fixture;

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k2Pow62 = std::int64_t{1} << 62;

/// The audit's report: each of the three option counts carries an extra of about 2^64 / 3 (each
/// fits in 64 bits), so the extras add up to exactly 2^64 and the sum wraps back to `valid`.
ArbbReport wrapped_party_counts(int pec) {
    constexpr std::uint64_t third = ~std::uint64_t{0} / 3 + 1;
    constexpr std::uint64_t rest = std::uint64_t{0} - 2 * third;  // third + third + rest = 2^64
    auto r = final_party_list(pec);
    r.option_counts[0] += static_cast<std::int64_t>(third);
    r.option_counts[1] += static_cast<std::int64_t>(third);
    r.option_counts[2] += static_cast<std::int64_t>(rest);
    return r;
}

}  // namespace

TEST(WrappedCounts, PartyCountsWhoseSumWrapsBackToValidAreRejectedNamingTheField) {
    Server s("wrap-options");
    const auto d = s.ingest.submit(sign(1001, "1001-arbb-1", 1, wrapped_party_counts(1001)), "hostile", 0);
    EXPECT_EQ(d.outcome, core::AckOutcome::rejected);
    EXPECT_EQ(d.reason, RejectReason::exceeds_registered_voters) << d.text;
    EXPECT_NE(d.text.find("option_counts[0]"), std::string::npos) << d.text;
    EXPECT_NE(d.text.find("1000 registered voters of PEC 1001"), std::string::npos) << d.text;
    s.ingest.flush(1);
    EXPECT_EQ(s.store.count(), 0);
}

TEST(WrappedCounts, PreferenceCountsThatWrapToZeroAreRejected) {
    Server s("wrap-preferences");
    auto r = final_party_list(1001);
    r.preference_counts[0] = {kMax, kMax, 2};
    const auto d = s.ingest.submit(sign(1001, "1001-arbb-1", 1, r), "hostile", 0);
    EXPECT_EQ(d.reason, RejectReason::exceeds_registered_voters) << d.text;
    EXPECT_NE(d.text.find("preference_counts[0][0]"), std::string::npos) << d.text;
}

TEST(WrappedCounts, IdentificationMethodsThatWrapToIssuedAreRejected) {
    Server s("wrap-identification");
    core::IdentificationReport r;
    r.ballots_issued = 600;
    r.fingerprint = 300 + k2Pow62;  // four extras of 2^62 add up to 2^64: the sum wraps to 600
    r.other_finger = k2Pow62;
    r.face = k2Pow62;
    r.manual = 300 + k2Pow62;
    const auto d = s.ingest.submit(sign(1001, "1001-id-1", 1, r), "hostile", 0);
    EXPECT_EQ(d.reason, RejectReason::exceeds_registered_voters) << d.text;
    EXPECT_NE(d.text.find("fingerprint"), std::string::npos) << d.text;
}

TEST(WrappedCounts, ControlRatiosNeverHoldOnAWrappedSum) {
    auto r = wrapped_party_counts(1001);
    core::check_control_ratios(r);
    bool found = false;
    for (const auto& c : r.control_ratios)
        if (c.name == "option_counts_sum_eq_valid") {
            found = true;
            EXPECT_FALSE(c.holds);
        }
    EXPECT_TRUE(found);
    auto p = final_party_list(1001);
    p.preference_counts[0] = {kMax, kMax, 2};
    core::check_control_ratios(p);
    EXPECT_FALSE(p.consistent());
}

TEST(WrappedCounts, CheckedSumsSayWhenTheyDoNotFit) {
    EXPECT_EQ(core::checked_sum(std::vector<std::int64_t>{1, 2, 3}), 6);
    EXPECT_FALSE(core::checked_sum(std::vector<std::int64_t>{kMax, 1}));
    EXPECT_FALSE(core::checked_add(std::optional<std::int64_t>{}, 1));
}

TEST(WrappedCounts, AggregationRefusesAStoredCountNoPecCanHold) {
    // A store written by another program (or damaged): the ingest would never have stored this.
    Server s("wrap-aggregate");
    StoredReport bad;
    bad.pec = 1001;
    bad.source = core::DeviceRole::arbb_party_list;
    bad.device = "1001-arbb-1";
    bad.sequence = 1;
    bad.kind = "final";
    bad.ballots_in_box = 600;
    bad.valid = 590;
    bad.option_votes = {10, 380 + k2Pow62, 200};
    bad.preference_votes = {{0, 0, 0}, {0, 0, 0}};
    s.store.stage(bad, 0);
    ASSERT_TRUE(s.store.commit().committed);
    const auto results = aggregate(s.package, s.store);
    ASSERT_FALSE(results);
    EXPECT_NE(results.error().message.find("PEC 1001"), std::string::npos) << results.error().message;
    EXPECT_NE(results.error().message.find("option_votes[1]"), std::string::npos) << results.error().message;
}

TEST(WrappedCounts, AVotesTableWhoseVotesDoNotFitIsAnError) {
    const auto table = core::parse_vote_table_csv("party,votes\nA,9223372036854775807\nB,1\n", "votes.csv");
    ASSERT_FALSE(table);
    EXPECT_NE(table.error().message.find("64-bit"), std::string::npos) << table.error().message;
    core::VoteTable direct;
    direct.rows = {{"A", kMax, {}, false}, {"B", 5, {}, false}};
    const auto seats = core::allocate_list_seats(direct, {});
    ASSERT_FALSE(seats);
    EXPECT_NE(seats.error().message.find("64-bit"), std::string::npos) << seats.error().message;
}
