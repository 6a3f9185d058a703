// The staffing planner: each PEC gets the fewest desks that keep long waits within the risk, the
// plan does not depend on the thread count, and a budget holds the riskiest PECs back last.
#include "sim/staffing_plan.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "sim/world.hpp"

namespace {

struct Setup {
    sim::Scenario scenario;
    core::ElectionPackage package;
};

// Talas with its first six PECs, a 10-minute target and no night allowed above it.
const Setup& setup() {
    static const Setup s = [] {
        auto scenario = sim::load_scenario(std::string(SHAILOO_SOURCE_DIR) + "/tests/data/talas-clean.yaml");
        auto package = core::load_election_package(scenario->package_dir);
        EXPECT_TRUE(sim::bind_to_package(*scenario, *package));
        for (const auto& p : package->pecs)
            if (p.region_code == 6 && scenario->only_pecs.size() < 6) scenario->only_pecs.push_back(p.number);
        return Setup{*scenario, *package};
    }();
    return s;
}

sim::PlanOptions options() {
    sim::PlanOptions o;
    o.nights = 2;
    o.target_wait_s = 10 * 60.0;
    o.risk = 0.0;
    o.threads = 2;
    return o;
}

// Whether any of the nights at `desks` desks has a voter waiting longer than the target, or leaving.
bool any_long_night(int pec, int desks, const sim::PlanOptions& o) {
    sim::Scenario s = setup().scenario;
    s.only_pecs = {pec};
    s.desks[pec] = desks;
    for (int n = 0; n < o.nights; ++n) {
        sim::World world(setup().package, s, o.first_seed + static_cast<std::uint64_t>(n), 1);
        world.run_to_end(1);
        const auto& r = world.results().pecs.at(0);
        if (r.max_wait_s > o.target_wait_s || r.left_queue > 0) return true;
    }
    return false;
}

}  // namespace

TEST(StaffingPlan, EachPecGetsTheFewestDesksThatKeepItsWaitsWithinTheTarget) {
    const auto o = options();
    const auto plan = sim::plan_staffing(setup().package, setup().scenario, o);
    ASSERT_EQ(plan.pecs.size(), 6u);
    int above_one = 0;
    for (const auto& p : plan.pecs) {
        if (!p.held_back.empty()) continue;
        EXPECT_EQ(p.risk_planned, 0.0) << "PEC " << p.pec;
        EXPECT_FALSE(any_long_night(p.pec, p.desks_planned, o)) << "PEC " << p.pec << " at " << p.desks_planned;
        if (p.desks_planned > 1) {
            ++above_one;
            EXPECT_TRUE(any_long_night(p.pec, p.desks_planned - 1, o)) << "PEC " << p.pec << " would do with one desk fewer";
        }
    }
    EXPECT_GT(above_one, 2) << "the target should need more than one desk at several PECs";
    EXPECT_EQ(plan.desks_planned, std::accumulate(plan.pecs.begin(), plan.pecs.end(), std::int64_t{0},
                                                  [](std::int64_t a, const sim::PecPlan& p) { return a + p.desks_planned; }));
}

TEST(StaffingPlan, ThePlanDoesNotDependOnTheThreadCount) {
    auto one = options(), two = options();
    one.threads = 1;
    two.threads = 2;
    EXPECT_EQ(sim::plan_json(sim::plan_staffing(setup().package, setup().scenario, one), one, setup().scenario),
              sim::plan_json(sim::plan_staffing(setup().package, setup().scenario, two), two, setup().scenario));
}

TEST(StaffingPlan, ABudgetBelowTheNeedHoldsPecsBackAndIsKept) {
    auto o = options();
    const auto free_plan = sim::plan_staffing(setup().package, setup().scenario, o);
    o.budget = free_plan.desks_planned - 3;
    const auto plan = sim::plan_staffing(setup().package, setup().scenario, o);
    EXPECT_LE(plan.desks_planned, o.budget);
    EXPECT_GT(plan.pecs_above_risk, 0);
    int held = 0;
    for (const auto& p : plan.pecs) held += p.held_back == "budget";
    EXPECT_GT(held, 0);
}
