#include "core/reports.hpp"

#include <algorithm>

#include <gtest/gtest.h>

using core::ArbbReport;
using core::ReportKind;

namespace {
// A consistent final report: 3 parties, 100 ballots: 90 valid (incl. 4 against all), 10 invalid.
ArbbReport good_final() {
    ArbbReport r;
    r.kind = ReportKind::final;
    r.pec = 1001;
    r.box = core::BoxKind::party_list;
    r.option_counts = {4, 50, 30, 6};
    r.preference_counts = {{10, 5}, {3}, {0, 0, 6}};
    r.valid = 90;
    r.invalid = 10;
    r.invalid_by_reason[static_cast<int>(core::InvalidReason::blank)] = 6;
    r.invalid_by_reason[static_cast<int>(core::InvalidReason::overmarked)] = 4;
    r.ballots_scanned = 100;
    r.ballots_in_box = 100;
    r.figures = {120, 100, 100};
    return r;
}
const core::ControlRatio* find(const ArbbReport& r, std::string_view name) {
    auto it = std::find_if(r.control_ratios.begin(), r.control_ratios.end(), [&](auto& c) { return c.name == name; });
    return it == r.control_ratios.end() ? nullptr : &*it;
}
void expect_only_broken(ArbbReport r, std::string_view name) {
    core::check_control_ratios(r);
    ASSERT_EQ(r.violations.size(), 1u) << name;
    const auto* c = find(r, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_FALSE(c->holds) << name;
    EXPECT_NE(r.violations[0].find("PEC 1001"), std::string::npos);
}
}  // namespace

TEST(ControlRatios, AllHoldOnAConsistentFinalReport) {
    auto r = good_final();
    core::check_control_ratios(r);
    EXPECT_TRUE(r.consistent());
    EXPECT_EQ(r.control_ratios.size(), 9u);
    const auto* c = find(r, "in_box_le_issued");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->left, 100);
    EXPECT_EQ(c->right, 100);
}

TEST(ControlRatios, InitialReportChecksOnlyTheArbbsOwnRatios) {
    auto r = good_final();
    r.kind = ReportKind::initial;
    r.figures = {};
    core::check_control_ratios(r);
    EXPECT_TRUE(r.consistent());
    EXPECT_EQ(r.control_ratios.size(), 5u);
}

TEST(ControlRatios, ZeroReportNeedsEveryCounterZero) {
    ArbbReport r;
    r.option_counts = {0, 0, 0};
    core::check_control_ratios(r);
    EXPECT_TRUE(r.consistent());
    r.ballots_in_box = 1;
    core::check_control_ratios(r);
    ASSERT_EQ(r.violations.size(), 1u);
    EXPECT_EQ(r.control_ratios[0].name, "counters_zero");
}

TEST(ControlRatios, ReportsEachBrokenRatioByName) {
    { auto r = good_final(); r.valid = 91; r.ballots_scanned = 101; r.ballots_in_box = 101; r.figures = {120, 101, 101};
      core::check_control_ratios(r); EXPECT_FALSE(find(r, "option_counts_sum_eq_valid")->holds); }
    { auto r = good_final(); r.ballots_scanned = 99; r.ballots_in_box = 99; expect_only_broken(r, "valid_plus_invalid_eq_scanned"); }
    { auto r = good_final(); r.invalid_by_reason[0] = 5; expect_only_broken(r, "invalid_reasons_sum_eq_invalid"); }
    { auto r = good_final(); r.ballots_awaiting_manual_count = 3; r.ballots_in_box = 100;
      expect_only_broken(r, "scanned_plus_manual_eq_in_box"); }
    { auto r = good_final(); r.preference_counts[2] = {0, 0, 7}; expect_only_broken(r, "preferences_le_party_votes"); }
    { auto r = good_final(); r.figures.ballots_received = 99; expect_only_broken(r, "issued_le_received"); }
    { auto r = good_final(); r.figures = {120, 98, 100}; r.figures.identified_voters = 98;
      core::check_control_ratios(r); EXPECT_FALSE(find(r, "in_box_le_issued")->holds);
      EXPECT_FALSE(find(r, "in_box_le_identified")->holds); EXPECT_TRUE(find(r, "identified_eq_issued")->holds); }
    { auto r = good_final(); r.figures.identified_voters = 101; expect_only_broken(r, "identified_eq_issued"); }
}

TEST(ControlRatios, MoreBallotsThanIdentifiedVotersIsReported) {
    auto r = good_final();
    r.figures = {120, 100, 99};
    core::check_control_ratios(r);
    EXPECT_FALSE(find(r, "in_box_le_identified")->holds);
    EXPECT_FALSE(find(r, "identified_eq_issued")->holds);
    EXPECT_EQ(r.violations.size(), 2u);
}

TEST(ControlRatios, ANewCheckReplacesThePreviousOne) {
    auto r = good_final();
    core::check_control_ratios(r);
    core::check_control_ratios(r);
    EXPECT_EQ(r.control_ratios.size(), 9u);
}
