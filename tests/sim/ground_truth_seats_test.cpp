// The seats from the ground truth (sim/ground_truth_seats.hpp) and the check that compares them with
// the CEC's (`check: seats_match_ground_truth`, results.json `seats.differing_from_ground_truth`): on a
// Talas night without faults the store's seats are the ground truth's and the check holds; with one
// seat of the CEC's moved to another party it fails, saying how many parties differ.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "sim/criteria.hpp"
#include "sim/ground_truth_seats.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path kSource = SHAILOO_SOURCE_DIR;

struct Night {
    sim::Scenario scenario;
    core::ElectionPackage package;
    sim::RunResults results;
};

// tests/data/talas-clean.yaml with the check as its one criterion, run once for every test here.
const Night& talas_night() {
    static const Night night = [] {
        std::ifstream in(kSource / "tests/data/talas-clean.yaml");
        std::stringstream text;
        text << in.rdbuf();
        std::string yaml = text.str();
        yaml.replace(yaml.find("../../assets/kg2021"), 19, (kSource / "assets/kg2021").string());
        const auto dir = fs::path(SHAILOO_BINARY_DIR) / "test-scenarios";
        fs::create_directories(dir);
        std::ofstream(dir / "talas-seats.yaml") << yaml << "criteria:\n  - {name: Seats as cast, check: seats_match_ground_truth}\n";
        auto scenario = sim::load_scenario(dir / "talas-seats.yaml");
        EXPECT_TRUE(scenario) << scenario.error().message;
        auto package = core::load_election_package(scenario->package_dir);
        EXPECT_TRUE(package) << package.error().message;
        sim::World world(*package, *scenario, scenario->seed);
        world.run_to_end(2);
        return Night{*scenario, *package, world.results()};
    }();
    return night;
}

}  // namespace

TEST(GroundTruthSeats, TheTableSumsWhatTheVotersCastNationallyAndByRegion) {
    const Night& n = talas_night();
    const auto table = sim::ground_truth_vote_table(n.results, n.package);
    std::int64_t cast = 0, first_party = 0;
    for (const auto& p : n.results.pecs) {
        cast += std::accumulate(p.truth.party.begin(), p.truth.party.end(), std::int64_t{0}) + p.truth.party_spoilt;
        first_party += p.truth.party[1];
    }
    ASSERT_EQ(table.rows.size(), n.package.parties.size() + 1);
    EXPECT_TRUE(table.rows[0].against_all);
    EXPECT_EQ(table.rows[1].votes, first_party);
    EXPECT_EQ(table.took_part, cast);
    const auto talas = std::find(table.regions.begin(), table.regions.end(), "Talas");
    ASSERT_NE(talas, table.regions.end());
    EXPECT_EQ(table.regional_took_part[static_cast<std::size_t>(talas - table.regions.begin())], cast);  // only Talas was simulated
    EXPECT_EQ(std::accumulate(table.regional_took_part.begin(), table.regional_took_part.end(), std::int64_t{0}), cast);
}

TEST(GroundTruthSeats, OnANightWithoutFaultsTheCecsSeatsAreTheGroundTruthsAndTheCheckHolds) {
    const Night& n = talas_night();
    const auto doc = sim::results_to_json(n.results, n.package, false);
    const auto& seats = doc.at("seats");
    EXPECT_EQ(seats.at("differing_from_ground_truth"), 0);
    ASSERT_EQ(seats.at("ground_truth_seats").size(), seats.at("party_list").size());
    int total = 0;
    for (std::size_t i = 0; i < seats.at("party_list").size(); ++i) {
        EXPECT_EQ(seats.at("ground_truth_seats")[i], seats.at("party_list")[i].at("seats")) << i;
        total += seats.at("ground_truth_seats")[i].get<int>();
    }
    EXPECT_EQ(total, n.package.rules.seats_party_list);
    const auto verdicts = sim::evaluate(n.scenario.criteria, doc);
    ASSERT_EQ(verdicts.size(), 1u);
    EXPECT_EQ(verdicts[0].path, "seats.differing_from_ground_truth");
    EXPECT_TRUE(verdicts[0].passed) << verdicts[0].actual;
}

TEST(GroundTruthSeats, ACecSeatMovedToAnotherPartyFailsTheCheck) {
    const Night& n = talas_night();
    sim::RunResults changed = n.results;
    ASSERT_TRUE(changed.central.results.has_value());
    auto& parties = changed.central.results->seats.parties;
    const auto winner = std::max_element(parties.begin(), parties.end(), [](const auto& a, const auto& b) { return a.seats < b.seats; });
    const auto other = std::find_if(parties.begin(), parties.end(), [&](const auto& p) { return !p.against_all && &p != &*winner; });
    ASSERT_NE(other, parties.end());
    --winner->seats;
    ++other->seats;
    const auto doc = sim::results_to_json(changed, n.package, false);
    EXPECT_EQ(doc.at("seats").at("differing_from_ground_truth"), 2);
    const auto verdicts = sim::evaluate(n.scenario.criteria, doc);
    ASSERT_EQ(verdicts.size(), 1u);
    EXPECT_FALSE(verdicts[0].passed);
    EXPECT_EQ(verdicts[0].actual, "2");
    EXPECT_EQ(verdicts[0].expected, "== 0");
}

TEST(GroundTruthSeats, APartyMissingFromOneSideCountsAsDiffering) {
    core::ListSeatAllocation a, b;
    a.parties = {{.party = "against all", .against_all = true}, {.party = "A", .seats = 3}, {.party = "B", .seats = 2}};
    b.parties = {{.party = "against all", .against_all = true}, {.party = "A", .seats = 3}};
    EXPECT_EQ(sim::parties_with_other_seats(a, a), 0);
    EXPECT_EQ(sim::parties_with_other_seats(a, b), 1);
    b.parties.push_back({.party = "B", .seats = 1});
    EXPECT_EQ(sim::parties_with_other_seats(a, b), 1);
}
