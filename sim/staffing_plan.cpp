#include "sim/staffing_plan.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "sim/world.hpp"

namespace sim {
namespace {

// What the nights gave one PEC at the desks it was simulated with.
struct Outcome {
    int long_nights = 0;     // nights on which a voter waited longer than the target, or left the queue
    double longest_s = 0.0;  // longest wait over the nights
};

// Simulates the PECs `pecs` (package numbers) with `desks` over the plan's nights.
std::map<int, Outcome> simulate(const core::ElectionPackage& package, Scenario s, const std::map<int, int>& desks,
                                std::vector<int> pecs, const PlanOptions& o) {
    std::map<int, Outcome> out;
    if (pecs.empty()) return out;
    s.only_pecs = std::move(pecs);
    s.desks = desks;
    for (int n = 0; n < o.nights; ++n) {
        World world(package, s, o.first_seed + static_cast<std::uint64_t>(n), o.threads);
        world.run_to_end(o.threads);
        for (const auto& p : world.results().pecs) {
            Outcome& x = out[p.number];
            // A voter who left the queue judged the wait too long: that night counts as a long wait.
            x.long_nights += p.max_wait_s > o.target_wait_s || p.left_queue > 0;
            x.longest_s = std::max(x.longest_s, p.max_wait_s);
        }
    }
    return out;
}

double risk_of(const Outcome& x, int nights) { return static_cast<double>(x.long_nights) / nights; }

// The PECs that get one more desk this round: those above the risk, below max_desks, the riskiest
// first while the budget lasts. The others above the risk are frozen (they stay above it).
std::vector<int> next_round(const std::map<int, Outcome>& outcomes, std::map<int, int>& desks,
                            std::map<int, std::string>& frozen, const PlanOptions& o) {
    std::vector<std::pair<double, int>> above;  // (-risk, PEC): riskiest first, then by number
    for (const auto& [pec, x] : outcomes)
        if (risk_of(x, o.nights) > o.risk) {
            if (desks[pec] >= o.max_desks) frozen[pec] = "max_desks";
            else above.emplace_back(-risk_of(x, o.nights), pec);
        }
    std::sort(above.begin(), above.end());
    std::int64_t total = 0;
    for (const auto& [pec, d] : desks) total += d;
    std::vector<int> grown;
    for (const auto& [neg_risk, pec] : above) {
        if (o.budget > 0 && total + 1 > o.budget) {
            frozen[pec] = "budget";
            continue;
        }
        ++desks[pec];
        ++total;
        grown.push_back(pec);
    }
    std::sort(grown.begin(), grown.end());
    return grown;
}

}  // namespace

StaffingPlan plan_staffing(const core::ElectionPackage& package, const Scenario& scenario, const PlanOptions& o,
                           const PlanProgress& progress) {
    StaffingPlan plan;
    std::vector<int> all;
    std::map<int, int> today, desks;
    for (const auto& pec : package.pecs)
        if (simulated(scenario, pec)) {
            all.push_back(pec.number);
            today[pec.number] = desks_at(scenario, pec);
            desks[pec.number] = 1;
        }
    // Today's staffing, for the comparison; then round after round from one desk everywhere.
    if (progress) progress(0, all.size());
    const auto at_today = simulate(package, scenario, today, all, o);
    plan.nights_simulated += static_cast<std::int64_t>(all.size()) * o.nights;
    std::map<int, Outcome> last;
    std::map<int, std::string> frozen;
    std::vector<int> round = all;
    while (!round.empty()) {
        ++plan.rounds;
        if (progress) progress(plan.rounds, round.size());
        const auto outcomes = simulate(package, scenario, desks, round, o);
        plan.nights_simulated += static_cast<std::int64_t>(round.size()) * o.nights;
        for (const auto& [pec, x] : outcomes) last[pec] = x;
        round = next_round(outcomes, desks, frozen, o);
    }
    for (const auto& pec : package.pecs) {
        if (!today.count(pec.number)) continue;
        PecPlan p{.pec = pec.number, .region = pec.region_code, .desks_today = today[pec.number], .desks_planned = desks[pec.number]};
        p.risk_today = risk_of(at_today.at(pec.number), o.nights);
        p.risk_planned = risk_of(last.at(pec.number), o.nights);
        p.longest_wait_s = last.at(pec.number).longest_s;
        if (auto it = frozen.find(pec.number); it != frozen.end()) p.held_back = it->second;
        plan.desks_today += p.desks_today;
        plan.desks_planned += p.desks_planned;
        plan.pecs_above_risk += p.risk_planned > o.risk;
        plan.pecs.push_back(p);
    }
    return plan;
}

std::string plan_json(const StaffingPlan& plan, const PlanOptions& o, const Scenario& scenario) {
    nlohmann::ordered_json pecs = nlohmann::ordered_json::array();
    for (const auto& p : plan.pecs)
        pecs.push_back({{"pec", p.pec},
                        {"region", p.region},
                        {"desks_today", p.desks_today},
                        {"desks_planned", p.desks_planned},
                        {"booths_planned", p.desks_planned * scenario.booths_per_desk},
                        {"risk_today", p.risk_today},
                        {"risk_planned", p.risk_planned},
                        {"longest_wait_s", p.longest_wait_s},
                        {"held_back", p.held_back}});
    nlohmann::ordered_json doc{
        {"format", "shailoo-plan"},
        {"version", 1},
        {"scenario", scenario.name},
        {"nights", o.nights},
        {"first_seed", o.first_seed},
        {"target_wait_s", o.target_wait_s},
        {"risk", o.risk},
        {"budget", o.budget},
        {"desks_today", plan.desks_today},
        {"desks_planned", plan.desks_planned},
        {"booths_planned", plan.desks_planned * scenario.booths_per_desk},
        {"pecs_above_risk", plan.pecs_above_risk},
        {"rounds", plan.rounds},
        {"pec_nights_simulated", plan.nights_simulated},
        {"pecs", pecs}};
    return doc.dump(1) + "\n";
}

}  // namespace sim
