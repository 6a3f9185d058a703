// The election-day world: determinism, the closing-time rule, ground truth vs ARBB counts, faults.
#include <gtest/gtest.h>

#include <numeric>

#include "core/election_package.hpp"
#include "central/publication.hpp"
#include "sim/reconciler.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace {

const std::string kData = std::string(SHAILOO_SOURCE_DIR) + "/tests/data/";

struct Loaded {
    sim::Scenario scenario;
    core::ElectionPackage package;
};

const Loaded& load(const std::string& name) {
    static std::map<std::string, Loaded> cache;
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    auto scenario = sim::load_scenario(kData + name);
    EXPECT_TRUE(scenario) << scenario.error().message;
    auto package = core::load_election_package(scenario->package_dir);
    EXPECT_TRUE(package) << package.error().message;
    return cache.emplace(name, Loaded{*scenario, *package}).first->second;
}

std::string run_json(const Loaded& l, std::uint64_t seed, int threads) {
    sim::World world(l.package, l.scenario, seed);
    world.run_to_end(threads);
    return sim::results_to_json(world.results(), l.package, false).dump();
}

TEST(World, SameSeedGivesIdenticalResultsWhateverTheThreadCount) {
    const auto& l = load("talas-clean.yaml");
    const std::string one = run_json(l, 7, 1);
    const std::string two = run_json(l, 7, 2);
    EXPECT_EQ(one, two);
    EXPECT_NE(one, run_json(l, 8, 2));
}

TEST(World, ArbbCountsEqualGroundTruthWhenNoDeviceFails) {
    const auto& l = load("talas-clean.yaml");
    sim::World world(l.package, l.scenario, 7);
    world.run_to_end(2);
    const auto results = world.results();
    ASSERT_EQ(results.pecs.size(), 117u);  // Talas has 117 PECs
    std::int64_t voters = 0;
    for (const auto& p : results.pecs) {
        voters += p.voters;
        const auto& party = p.final_reports[0];
        ASSERT_EQ(party.option_counts.size(), p.truth.party.size());
        for (std::size_t i = 0; i < party.option_counts.size(); ++i)
            EXPECT_EQ(party.option_counts[i], p.truth.party[i]) << "PEC " << p.number << " option " << i;
        EXPECT_EQ(party.invalid, p.truth.party_spoilt) << "PEC " << p.number;
        EXPECT_EQ(party.ballots_in_box, p.voters) << "PEC " << p.number;
        const auto& district = p.final_reports[1];
        for (std::size_t i = 0; i < district.option_counts.size(); ++i)
            EXPECT_EQ(district.option_counts[i], p.truth.district[i]) << "PEC " << p.number;
        EXPECT_TRUE(party.consistent()) << party.violations.front();
        EXPECT_TRUE(district.consistent()) << district.violations.front();
        EXPECT_EQ(p.identification.fingerprint + p.identification.other_finger + p.identification.face + p.identification.manual,
                  p.voters);
    }
    EXPECT_GT(voters, 0);
    // Ground truth = ARBB = stored = published: the reconciliation finds nothing.
    for (const auto& d : results.central.reconciliation) ADD_FAILURE() << d.pec << " " << d.check << ": " << d.detail;
    ASSERT_TRUE(results.central.results.has_value());
    EXPECT_EQ(results.central.counters.committed, 3 * 117);
}

TEST(World, ADisplayScriptShowingOtherPartyFiguresIsFound) {
    const auto& l = load("talas-clean.yaml");
    sim::World world(l.package, l.scenario, 7);
    world.run_to_end(2);
    const auto results = world.results();
    ASSERT_TRUE(results.central.results.has_value());
    auto page = central::results_document(*results.central.results, l.package);
    EXPECT_TRUE(sim::reconcile_published(results, l.package, page).empty());
    // The 2021 incident: the page shows another party's figure in one row.
    page["parties"][2]["votes"] = page["parties"][3]["votes"];
    const auto found = sim::reconcile_published(results, l.package, page);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].check, "box_vs_published");
    EXPECT_NE(found[0].detail.find(page["parties"][2]["name"].get<std::string>()), std::string::npos) << found[0].detail;
}

TEST(World, VotersQueuedAtClosingTimeStillVote) {
    const auto& l = load("naryn-crowded.yaml");
    sim::World world(l.package, l.scenario, 3);
    world.run_to_end(2);
    int queued_pecs = 0;
    for (const auto& p : world.results().pecs) {
        EXPECT_EQ(p.voters + p.identification.refused, p.arrivals) << "PEC " << p.number;
        if (p.in_queue_at_close > 0) {
            ++queued_pecs;
            EXPECT_GT(p.last_voter_at, core::at(20, 0)) << "PEC " << p.number;
        }
    }
    EXPECT_GT(queued_pecs, 10) << "the scenario should leave queues at 20:00";
}

TEST(World, ReplacedArbbLeavesItsBallotsForTheManualCount) {
    const auto& l = load("talas-faults.yaml");
    sim::World world(l.package, l.scenario, 7);
    world.run_to_end(2);
    for (const auto& p : world.results().pecs) {
        const auto& party = p.final_reports[0];
        EXPECT_TRUE(party.replaced_by_stationary_box) << "PEC " << p.number;
        EXPECT_GT(party.ballots_awaiting_manual_count, 0) << "PEC " << p.number;
        const std::int64_t truth = std::accumulate(p.truth.party.begin(), p.truth.party.end(), p.truth.party_spoilt);
        EXPECT_EQ(party.valid + party.invalid + party.ballots_awaiting_manual_count, truth) << "PEC " << p.number;
        // The district box jammed for an hour: its sheets waited in the reserve slot and were all counted.
        const auto& district = p.final_reports[1];
        EXPECT_FALSE(district.replaced_by_stationary_box);
        const std::int64_t dtruth = std::accumulate(p.truth.district.begin(), p.truth.district.end(), p.truth.district_spoilt);
        EXPECT_EQ(district.valid + district.invalid, dtruth) << "PEC " << p.number;
        EXPECT_GE(p.fault_events, 2);
    }
}

TEST(World, InstructorFaultActionReachesTheDeviceAndChangesTheOutcome) {
    const auto& l = load("talas-clean.yaml");
    sim::World world(l.package, l.scenario, 7);
    const auto index = world.index_of(6001);
    ASSERT_TRUE(index.has_value());
    world.advance_to(core::at(9, 0));
    sim::FaultAction action;
    action.at = core::at(9, 30);
    action.pec = 6001;
    action.target = sim::FaultTarget::arbb_party_list;
    action.fault = devices::Fault::dead;
    action.replace_arbb = true;
    ASSERT_TRUE(world.apply(action));
    world.advance_to(core::at(9, 31));
    const auto detail = world.detail(*index);
    bool dead = false;
    for (const auto& d : detail.devices)
        if (d.id == "6001-arbb-1") dead = (d.faults >> static_cast<unsigned>(devices::Fault::dead)) & 1u;
    EXPECT_TRUE(dead);
    world.run_to_end(1);
    EXPECT_TRUE(world.results().pecs[*index].final_reports[0].replaced_by_stationary_box);
    // An action in the past, or for an unknown PEC, is refused with a reason.
    action.at = core::at(8, 0);
    EXPECT_FALSE(world.apply(action));
    action.pec = 9999;
    action.at = core::at(25, 0);
    EXPECT_FALSE(world.apply(action));
}

}  // namespace
