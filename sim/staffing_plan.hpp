#pragma once
/// The staffing planner (`shailoo plan`): for every PEC the fewest identification desks (and with
/// them booths, `booths_per_desk` each) such that, over a sweep of nights with the scenario's faults
/// and the real desk and matcher, the share of nights on which any voter waits longer than a target
/// stays at or below a risk, within a national budget of desks.
///
/// Method: a simulation optimisation in the spirit of Allen, Yang, Huang and Hernandez, "Method to
/// allocate voting resources with unequal ballots and/or education", MethodsX 7 (2020) 100872
/// (a probabilistic guarantee on the longest wait, checked by discrete-event simulation). Each PEC
/// runs on its own engine with its own random streams, so its longest wait depends only on its own
/// desks and the night's seed: every PEC starts at one desk and, round after round, the PECs whose
/// risk is still above the limit get one more desk and only they are simulated again over the same
/// nights. Risk falls as desks are added, so each PEC stops at its fewest. When the budget would be
/// exceeded, the riskiest PECs get the remaining desks first (ties: PEC number).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/election_package.hpp"
#include "sim/scenario.hpp"

namespace sim {

struct PlanOptions {
    int nights = 20;                          ///< seeds first_seed .. first_seed + nights - 1
    std::uint64_t first_seed = 1;
    double target_wait_s = 30 * 60.0;         ///< a voter waiting longer than this is a "long wait"
    double risk = 0.05;                       ///< highest acceptable share of nights with a long wait at a PEC
    std::int64_t budget = 0;                  ///< national desks at most (0: no limit)
    int max_desks = 10;                       ///< desks a PEC can hold at most
    int threads = 1;
};

/// One PEC's staffing today and as planned.
struct PecPlan {
    int pec = 0;
    int region = 0;
    int desks_today = 0;        ///< the scenario's (or package's) desks
    int desks_planned = 0;
    double risk_today = 0.0;    ///< share of nights with a long wait at today's desks
    double risk_planned = 0.0;  ///< the same at the planned desks
    double longest_wait_s = 0.0;  ///< longest wait over the nights at the planned desks
    std::string held_back;      ///< why a PEC still above the risk got no more desks: "max_desks" or "budget"
};

struct StaffingPlan {
    std::vector<PecPlan> pecs;      ///< in package order
    std::int64_t desks_today = 0;
    std::int64_t desks_planned = 0;
    int pecs_above_risk = 0;        ///< PECs still above the risk at the planned desks (budget or max_desks)
    int rounds = 0;                 ///< rounds of simulation
    std::int64_t nights_simulated = 0;  ///< PEC-nights simulated in all
};

/// Progress: (round, PECs simulated this round).
using PlanProgress = std::function<void(int, std::size_t)>;

/// Plans the staffing of the scenario's PECs. The scenario must be bound to `package`.
StaffingPlan plan_staffing(const core::ElectionPackage& package, const Scenario& scenario, const PlanOptions& options,
                           const PlanProgress& progress = {});

/// The plan as JSON (docs/plan.md).
std::string plan_json(const StaffingPlan& plan, const PlanOptions& options, const Scenario& scenario);

}  // namespace sim
