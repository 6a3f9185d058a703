// The election-day world: determinism, the closing-time rule, ground truth vs ARBB counts, faults.
//
// Index of this file:
//   [SECTION] Determinism and the counts
//   [SECTION] Queues and voters
//   [SECTION] Faults
//   [SECTION] Visitors turned away and the scenario's options
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "core/election_package.hpp"
#include "central/publication.hpp"
#include "sim/reconciler.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace world_test {

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
    sim::World world(l.package, l.scenario, seed, threads);
    world.run_to_end(threads);
    return sim::results_to_json(world.results(), l.package, false).dump();
}

// [SECTION] Determinism and the counts

TEST(World, SameSeedGivesIdenticalResultsWhateverTheThreadCount) {
    const auto& l = load("talas-clean.yaml");
    const std::string one = run_json(l, 7, 1);
    const std::string two = run_json(l, 7, 2);
    EXPECT_EQ(one, two);
    EXPECT_NE(one, run_json(l, 8, 2));
}

TEST(World, RunToEndStopsAtMidnightOrTheLastAcknowledgementIfLater) {
    const auto& l = load("talas-clean.yaml");
    sim::World world(l.package, l.scenario, 7);
    world.run_to_end(2);
    sim::Time last = core::at(24, 0);
    for (const auto& p : world.results().pecs) last = std::max(last, p.reported_at);
    EXPECT_EQ(world.now(), last);
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

// [SECTION] Queues and voters

TEST(World, VotersQueuedAtClosingTimeStillVote) {
    const auto& l = load("naryn-crowded.yaml");
    sim::World world(l.package, l.scenario, 3);
    world.run_to_end(2);
    int queued_pecs = 0;
    for (const auto& p : world.results().pecs) {
        EXPECT_EQ(p.voters + p.identification.refused(), p.arrivals) << "PEC " << p.number;
        if (p.in_queue_at_close > 0) {
            ++queued_pecs;
            EXPECT_GT(p.last_voter_at, core::at(20, 0)) << "PEC " << p.number;
        }
    }
    EXPECT_GT(queued_pecs, 10) << "the scenario should leave queues at 20:00";
}

// The same crowded day with impatient voters: some leave, every arrival is accounted for exactly
// once (voted, refused or left), and nobody waits much longer than the most patient would.
TEST(World, VotersLeaveAQueueLongerThanTheirPatience) {
    const auto& l = load("naryn-crowded.yaml");
    sim::World patient(l.package, l.scenario, 3);
    patient.run_to_end(2);
    sim::Scenario impatient_scenario = l.scenario;
    impatient_scenario.patience = {.median_min = 20, .sigma = 0.3};
    sim::World impatient(l.package, impatient_scenario, 3);
    impatient.run_to_end(2);
    std::int64_t left = 0, voters_patient = 0, voters_impatient = 0;
    double longest_patient = 0, longest_impatient = 0;
    for (const auto& p : patient.results().pecs) {
        EXPECT_EQ(p.left_queue, 0) << "PEC " << p.number;
        voters_patient += p.voters;
        longest_patient = std::max(longest_patient, p.max_wait_s);
    }
    for (const auto& p : impatient.results().pecs) {
        EXPECT_EQ(p.voters + p.identification.refused() + p.left_queue, p.arrivals) << "PEC " << p.number;
        left += p.left_queue;
        voters_impatient += p.voters;
        longest_impatient = std::max(longest_impatient, p.max_wait_s);
    }
    EXPECT_GT(left, 100);
    EXPECT_EQ(voters_impatient + left, voters_patient) << "the same voters come; those who leave do not vote";
    EXPECT_LT(longest_impatient, longest_patient / 2);
    EXPECT_LT(longest_impatient, 3 * 3600.0) << "a queue that looked short can still grow behind a voter, but not for hours";
}

// Operators twice as slow at every PEC (pace fixed at 2): identification takes twice as long, so
// queues and waits grow, and the pace is reported per PEC.
TEST(World, SlowerOperatorsMakeLongerWaits) {
    const auto& l = load("talas-clean.yaml");
    sim::World normal(l.package, l.scenario, 5);
    normal.run_to_end(2);
    sim::Scenario slow_scenario = l.scenario;
    slow_scenario.desk_pace = {.median = 2.0, .sigma = 0.0, .min = 2.0, .max = 2.0};
    sim::World slow(l.package, slow_scenario, 5);
    slow.run_to_end(2);
    double wait_normal = 0, wait_slow = 0;
    for (const auto& p : normal.results().pecs) {
        EXPECT_EQ(p.desk_pace, 1.0);
        wait_normal += p.mean_wait_s;
    }
    for (const auto& p : slow.results().pecs) {
        EXPECT_EQ(p.desk_pace, 2.0);
        wait_slow += p.mean_wait_s;
    }
    EXPECT_GT(wait_slow, 3 * wait_normal);
}

// [SECTION] Faults

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

// [SECTION] Visitors turned away and the scenario's options

// Visitors the desk must turn away (scenario turned_away): the real desk refuses each with its
// reason, about the scenario's share of the voters who come, and none of them receives ballots.
TEST(World, VisitorsNotOnTheListOrWithoutADocumentAreTurnedAwayByTheDesk) {
    const auto& l = load("talas-clean.yaml");
    sim::Scenario s = l.scenario;
    s.turned_away = {.not_on_list = 0.04, .no_document = 0.01};
    sim::World world(l.package, s, 5);
    world.run_to_end(2);
    std::int64_t voters = 0, not_on_list = 0, no_document = 0, already = 0, arrivals = 0, left = 0;
    for (const auto& p : world.results().pecs) {
        voters += p.voters;
        not_on_list += p.identification.refused_not_on_list;
        no_document += p.identification.refused_other;
        already += p.identification.refused_already_voted;
        arrivals += p.arrivals;
        left += p.left_queue;
        EXPECT_EQ(p.identification.ballots_issued, p.voters) << "PEC " << p.number;
    }
    ASSERT_GT(voters, 10'000);
    // Binomial counts: within five standard deviations of the expectation.
    const auto near = [](std::int64_t count, double expected) { return std::abs(count - expected) < 5 * std::sqrt(expected); };
    EXPECT_TRUE(near(not_on_list, 0.04 * voters)) << not_on_list << " of " << voters;
    EXPECT_TRUE(near(no_document, 0.01 * voters)) << no_document << " of " << voters;
    EXPECT_EQ(already, 0);
    EXPECT_EQ(voters + not_on_list + no_document + left, arrivals) << "every arrival voted, was turned away or left";
    // The same world without them: nobody refused.
    sim::World plain(l.package, l.scenario, 5);
    plain.run_to_end(2);
    for (const auto& p : plain.results().pecs) EXPECT_EQ(p.identification.refused(), 0) << "PEC " << p.number;
    // The event log says why.
    bool logged = false;
    for (const auto& e : world.log(0, 100'000))
        logged = logged || e.text.find("visitor turned away") != std::string::npos;
    EXPECT_TRUE(logged);
}

// Scenario `districts`: only the PECs of those districts are simulated.
TEST(World, ADistrictListSimulatesOnlyItsPecs) {
    const auto& l = load("talas-clean.yaml");
    sim::Scenario s = l.scenario;
    int talas_district = 0;
    for (const auto& p : l.package.pecs)
        if (p.region_code == 6 && p.district > 0) talas_district = p.district;
    ASSERT_GT(talas_district, 0);
    s.only_districts = {talas_district};
    sim::World world(l.package, s, 7);
    world.run_to_end(2);
    const auto results = world.results();
    ASSERT_FALSE(results.pecs.empty());
    std::size_t expected = 0;
    for (const auto& p : l.package.pecs) expected += p.region_code == 6 && p.district == talas_district;
    EXPECT_EQ(results.pecs.size(), expected);
    for (const auto& p : results.pecs) EXPECT_EQ(p.district, talas_district) << "PEC " << p.number;
}

// Scenario `opening`: commissions that meet late open late, and say so in the log.
TEST(World, LateCommissionsOpenLate) {
    const auto& l = load("talas-clean.yaml");
    sim::Scenario s = l.scenario;
    s.opening = {.late_share = 0.5, .late_by = core::kHour, .max_late_by = 2 * core::kHour};
    sim::World late(l.package, s, 7), normal(l.package, l.scenario, 7);
    late.run_to_end(2);
    normal.run_to_end(2);
    const auto a = late.results(), b = normal.results();
    std::size_t later = 0;
    for (std::size_t i = 0; i < a.pecs.size(); ++i) {
        EXPECT_GE(a.pecs[i].opened_at, b.pecs[i].opened_at) << "PEC " << a.pecs[i].number;
        later += a.pecs[i].opened_at >= core::at(9, 0);
    }
    EXPECT_GT(later, a.pecs.size() / 4);
    EXPECT_LT(later, a.pecs.size() * 3 / 4);
    const auto doc = sim::results_to_json(a, l.package, false);
    EXPECT_GE(doc["opening"]["pecs_opened_late"].get<std::size_t>(), later);
    bool logged = false;
    for (const auto& e : late.log(0, 100'000)) logged = logged || e.text.find("min late") != std::string::npos;
    EXPECT_TRUE(logged) << "the event log says which commissions met late";
}

// Scenario `cec.down`: deliveries while the server is down get no answer; the PECs resend and every
// report is stored after the outage.
TEST(World, ReportsSentWhileTheCecIsDownAreResentAndStoredAfterwards) {
    const auto& l = load("talas-clean.yaml");
    sim::Scenario s = l.scenario;
    s.cec_down = {{.from = core::at(20, 0), .to = core::at(21, 30)}};
    sim::World world(l.package, s, 7);
    world.run_to_end(2);
    const auto results = world.results();
    EXPECT_GT(results.central.unreachable, 100);
    for (const auto& p : results.pecs) EXPECT_GE(p.reported_at, core::at(21, 30)) << "PEC " << p.number;
    EXPECT_EQ(results.central.counters.committed, 3 * static_cast<std::int64_t>(results.pecs.size()));
    for (const auto& d : results.central.reconciliation) ADD_FAILURE() << d.pec << " " << d.check << ": " << d.detail;
}

// Scenario `display_error: rows_shifted`: the store is right, the page is not, and the
// reconciliation says so in both of its publication checks.
TEST(World, TheDisplayErrorIsFoundByTheReconciliation) {
    const auto& l = load("talas-clean.yaml");
    sim::Scenario s = l.scenario;
    s.display_error = sim::DisplayError::rows_shifted;
    sim::World world(l.package, s, 7);
    world.run_to_end(2);
    std::set<std::string> checks;
    for (const auto& d : world.results().central.reconciliation) checks.insert(d.check);
    EXPECT_TRUE(checks.count("box_vs_published"));
    EXPECT_TRUE(checks.count("stored_vs_published"));
    EXPECT_FALSE(checks.count("box_vs_stored")) << "the store itself is right";
}

}  // namespace world_test
