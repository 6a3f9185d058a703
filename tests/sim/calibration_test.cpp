// The default scenario against the public 2021 figures (../shared/domain/calibration-kg2021.yaml).
// One whole-country run; every figure a CEC trainer would quote is checked against 2021.
#include <gtest/gtest.h>

#include <map>

#include "core/election_package.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace {

TEST(Calibration, WholeCountryDayMatchesThe2021Figures) {
    auto scenario = sim::load_scenario(std::string(SHAILOO_SOURCE_DIR) + "/scenarios/election-night-2021.yaml");
    ASSERT_TRUE(scenario) << scenario.error().message;
    auto package = core::load_election_package(scenario->package_dir);
    ASSERT_TRUE(package) << package.error().message;
    sim::World world(*package, *scenario, scenario->seed);
    world.run_to_end(2);
    const auto results = world.results();
    const auto n = sim::national_figures(results, *package);

    // Turnout 35.5 % (+/- 1 pp) nationally, with regional variation.
    EXPECT_EQ(results.pecs.size(), 2494u);
    EXPECT_EQ(n.registered, 3703420);
    const double turnout = static_cast<double>(n.voters) / static_cast<double>(n.registered);
    EXPECT_NEAR(turnout, 0.355, 0.01);
    std::map<int, std::pair<std::int64_t, std::int64_t>> region;
    for (const auto& p : results.pecs) region[p.region].first += p.voters, region[p.region].second += p.registered;
    double lo = 1, hi = 0;
    for (const auto& [code, vr] : region) {
        if (code == 9) continue;  // abroad
        const double t = static_cast<double>(vr.first) / static_cast<double>(vr.second);
        lo = std::min(lo, t), hi = std::max(hi, t);
    }
    EXPECT_GT(hi - lo, 0.08) << "regions should differ";
    EXPECT_LT(hi - lo, 0.30);

    // The six parties that passed 5 % in 2021, within 12 % of their final votes.
    const std::map<std::string, double> passing{{"Ata-Jurt Kyrgyzstan", 222005}, {"Ishenim", 174470}, {"Yntymak", 141009},
                                                {"Alliance", 106955},           {"Butun Kyrgyzstan", 90223}, {"Yiman Nuru", 79025}};
    for (const auto& party : package->parties) {
        const auto it = passing.find(party.name);
        if (it == passing.end()) continue;
        const double votes = static_cast<double>(n.party_votes[party.id]);
        EXPECT_NEAR(votes / it->second, 1.0, 0.12) << party.name << ": " << votes;
    }
    // Against all ~2.2 %, invalid ~9.3 % of ballots (the ARBB's separate compartment).
    EXPECT_NEAR(static_cast<double>(n.party_votes[0]) / static_cast<double>(n.voters), 0.022, 0.004);
    EXPECT_NEAR(static_cast<double>(n.party_invalid) / static_cast<double>(n.voters), 0.0927, 0.01);

    // Everybody identified somehow; the real matcher lets almost everyone through by fingerprint.
    const auto& id = n.identification;
    EXPECT_EQ(id.fingerprint + id.other_finger + id.face + id.manual, n.voters);
    EXPECT_GT(static_cast<double>(id.fingerprint) / static_cast<double>(n.voters), 0.9);
    EXPECT_GT(id.face + id.manual, 0);

    // Queues as observed in 2021: long all day at 19 % of PECs, none at 47 % (+/- 5 pp), and the
    // voters who leave a long queue stay a small minority.
    const double pecs = static_cast<double>(results.pecs.size());
    EXPECT_NEAR(static_cast<double>(n.pecs_long_queues) / pecs, 0.19, 0.05);
    EXPECT_NEAR(static_cast<double>(n.pecs_no_queue) / pecs, 0.47, 0.05);
    EXPECT_GT(n.left_queue, 0);
    EXPECT_LT(static_cast<double>(n.left_queue) / static_cast<double>(n.left_queue + n.voters), 0.03);
    EXPECT_LT(n.max_wait_s, 4 * 3600.0);

    // Every PEC reports; about 84 % within the first hour after 20:00.
    int reported = 0, first_hour = 0;
    for (const auto& p : results.pecs) {
        reported += p.reported_at > 0;
        first_hour += p.reported_at > 0 && p.reported_at <= core::at(21, 0);
    }
    EXPECT_EQ(reported, 2494);
    EXPECT_NEAR(first_hour / 2494.0, 0.84, 0.06);

    // The CEC's seats from its own store: the six parties of 2021, each within 2 seats of the official result.
    ASSERT_TRUE(results.central.results.has_value()) << results.central.aggregation_error;
    const std::map<std::string, int> official{{"Ata-Jurt Kyrgyzstan", 15}, {"Ishenim", 12}, {"Yntymak", 9},
                                              {"Alliance", 7},           {"Butun Kyrgyzstan", 6}, {"Yiman Nuru", 5}};
    int seats = 0;
    for (const auto& p : results.central.results->seats.parties) {
        seats += p.seats;
        const auto it = official.find(p.party);
        if (it == official.end()) EXPECT_EQ(p.seats, 0) << p.party;
        else EXPECT_NEAR(p.seats, it->second, 2) << p.party;
    }
    EXPECT_EQ(seats, 54);

    // ARBB failures as in 2021: about 5 % of PECs with a party-list ARBB replaced by a stationary box.
    int replaced = 0;
    for (const auto& p : results.pecs) replaced += p.final_reports[0].replaced_by_stationary_box;
    EXPECT_NEAR(replaced / 2494.0, 0.05, 0.015);
}

}  // namespace
