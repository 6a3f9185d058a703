#include "central/aggregation.hpp"

#include <gtest/gtest.h>

using namespace central;

namespace {

core::ElectionPackage package() {
    core::ElectionPackage p;
    p.name = "agg";
    p.rules.seats_party_list = 10;
    p.rules.threshold_national = 0.05;
    p.rules.threshold_regional = 0.005;
    p.rules.women_reserved_share = 0.3;
    p.regions = {{.code = 1, .name = "Bishkek"}, {.code = 9, .name = "Abroad", .abroad = true}};
    for (int id = 1; id <= 3; ++id) {
        core::Party party{.id = id, .name = "Party " + std::to_string(id)};
        party.list = {{1, "M1", core::Sex::male}, {2, "M2", core::Sex::male}, {3, "W3", core::Sex::female},
                      {4, "M4", core::Sex::male}, {5, "W5", core::Sex::female}};
        p.parties.push_back(party);
    }
    core::District d{.number = 1, .region_code = 1, .name = "Bishkek-1"};
    d.candidates = {{.id = 1, .name = "Asel"}, {.id = 2, .name = "Bakyt"}};
    p.districts.push_back(d);
    p.pecs = {{.number = 1001, .region_code = 1, .district = 1, .registered = 1000},
              {.number = 1002, .region_code = 1, .district = 1, .registered = 1000},
              {.number = 9001, .region_code = 9, .district = 0, .registered = 500}};
    return p;
}

StoredReport final_report(int pec, core::DeviceRole source, std::uint64_t seq, std::vector<std::int64_t> options) {
    StoredReport r;
    r.pec = pec;
    r.source = source;
    r.device = std::to_string(pec) + (source == core::DeviceRole::arbb_party_list ? "-arbb-1" : "-arbb-2");
    r.sequence = seq;
    r.kind = "final";
    r.option_votes = options;
    for (auto v : options) r.valid += v;
    r.invalid = 10;
    r.ballots_in_box = r.valid + r.invalid;
    r.registered = pec == 9001 ? 500 : 1000;
    if (source == core::DeviceRole::arbb_party_list) r.preference_votes = {{5, 1, 40, 0, 0}, {0, 0, 0, 0, 0}, {}};
    return r;
}

}  // namespace

TEST(Aggregation, SumsLatestFinalReportsIntoNationalRegionAndDistrictResults) {
    std::vector<StoredReport> reports;
    StoredReport zero = final_report(1001, core::DeviceRole::arbb_party_list, 1, {});
    zero.kind = "zero";
    reports.push_back(zero);
    reports.push_back(final_report(1001, core::DeviceRole::arbb_party_list, 2, {0, 999, 999, 999}));  // superseded below
    reports.push_back(final_report(1001, core::DeviceRole::arbb_party_list, 3, {10, 300, 150, 40}));
    reports.push_back(final_report(9001, core::DeviceRole::arbb_party_list, 1, {0, 100, 50, 0}));
    reports.push_back(final_report(1001, core::DeviceRole::arbb_district, 2, {100, 250, 150}));
    auto res = aggregate(package(), reports);
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->national.option_votes, (std::vector<std::int64_t>{10, 400, 200, 40}));
    EXPECT_EQ(res->national.pecs, 3);
    EXPECT_EQ(res->national.pecs_reporting, 2);
    EXPECT_EQ(res->national.ballots_in_box, 510 + 160);
    EXPECT_NEAR(res->national.turnout(), 670.0 / 1500.0, 1e-12);
    EXPECT_EQ(res->regions[0].party_list.option_votes, (std::vector<std::int64_t>{10, 300, 150, 40}));
    EXPECT_NEAR(res->regions[0].party_list.progress(), 0.5, 1e-12);
    // District: 250 for Asel beats 150 and 100 against all.
    EXPECT_EQ(res->districts[0].decision.outcome, core::DistrictOutcome::elected);
    EXPECT_EQ(res->districts[0].decision.winner, 1);
    EXPECT_TRUE(res->pecs[0].zero_party_list);
    EXPECT_TRUE(res->pecs[0].final_party_list);
    EXPECT_FALSE(res->pecs[1].final_party_list);
    EXPECT_EQ(res->reports_expected, 3 * 2 + 2);
    EXPECT_EQ(res->reports_final, 3);
    // Seats: base = 670 voters who took part; Party 3 has 40 / 670 = 5.97 % nationally, passes.
    // 640 passing votes / 10 seats: 400 -> 6.25, 200 -> 3.125, 40 -> 0.625 -> 6 + 3 + 0, remainders .625, .25, .125 -> Party 3.
    EXPECT_TRUE(res->seats.base_is_took_part);
    EXPECT_EQ(res->seats.national_base, 670);
    EXPECT_EQ(res->seats.parties[1].seats, 6);
    EXPECT_EQ(res->seats.parties[2].seats, 3);
    EXPECT_EQ(res->seats.parties[3].seats, 1);
    ASSERT_EQ(res->mandates.size(), 3u);
    // Party 1, 6 seats: preference order W3, M1, M2, M4, W5 -> 2 women required, both elected.
    EXPECT_EQ(res->mandates[0].mandates.women_required, 2);
    EXPECT_EQ(res->mandates[0].mandates.women_elected, 2);
    EXPECT_EQ(res->mandates[0].mandates.elected[0].name, "W3");
}

TEST(Aggregation, AgainstAllLeadingADistrictCallsARepeatElection) {
    auto res = aggregate(package(), {final_report(1002, core::DeviceRole::arbb_district, 2, {330, 300, 250})});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->districts[0].decision.outcome, core::DistrictOutcome::repeat_against_all);
}

TEST(Aggregation, RegionalThresholdIgnoresAbroadAndRemovesAPartyWeakAtHome) {
    // Party 3 is strong abroad only: 0 votes in Bishkek -> below 0.5 % there -> no seats.
    auto res = aggregate(package(), {final_report(1001, core::DeviceRole::arbb_party_list, 2, {0, 300, 300, 0}),
                                     final_report(9001, core::DeviceRole::arbb_party_list, 1, {0, 0, 0, 200})});
    ASSERT_TRUE(res);
    EXPECT_TRUE(res->seats.regional_applied);
    EXPECT_TRUE(res->seats.parties[3].passed_national);
    EXPECT_FALSE(res->seats.parties[3].passed);
    EXPECT_EQ(res->seats.parties[3].failed_regions, std::vector<std::string>{"Bishkek"});
}

TEST(Aggregation, ReportFromAnUnknownPecIsAnError) {
    auto res = aggregate(package(), {final_report(4444, core::DeviceRole::arbb_party_list, 1, {0, 1, 1, 1})});
    ASSERT_FALSE(res);
    EXPECT_NE(res.error().message.find("4444"), std::string::npos);
}
