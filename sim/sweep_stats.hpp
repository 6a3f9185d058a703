#pragma once
/// What a sweep reports (docs/sweeps.md): each night kept as a small summary (every national figure
/// of its results.json by path, each criterion's verdict), and over the nights of each grid point
/// each figure's mean, sample standard deviation, 95 % confidence interval of the mean (Student t),
/// minimum and maximum, and each criterion's pass rate with its 95 % Wilson score interval.
/// The report is a pure function of the plan and the summaries, taken in (grid point, seed) order:
/// the order nights finish in, or the shards they ran in, never changes a byte of it.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "sim/criteria.hpp"
#include "sim/scenario.hpp"
#include "sim/sweep_plan.hpp"

namespace sim {

/// A night's summary document (nights/p0-s17.json): the scenario's name, the seed, the grid point's
/// overrides, each criterion's verdict and every number of `results` outside `perf`, `pec_results`,
/// `seed`, `version` and `reconciliation.findings`, by path ("parties[2].votes"; true/false as 1/0;
/// an object of counts as its sum and one figure per possible key, 0 when absent).
nlohmann::ordered_json night_summary(std::uint64_t seed, const std::vector<ScenarioOverride>& set,
                                     const nlohmann::ordered_json& results, const std::vector<Verdict>& verdicts);

/// A criterion's verdict on one night.
struct NightVerdict {
    std::string name;
    bool passed = false;
    bool optional = false;
};

/// A night's summary read back.
struct NightSummary {
    std::size_t point = 0;
    std::uint64_t seed = 0;
    std::vector<std::pair<std::string, double>> figures;
    std::vector<NightVerdict> criteria;
};

/// A summary document read and placed in `plan` (its grid point found from its overrides); errors
/// name `file` and what does not fit the plan.
core::Result<NightSummary> read_night_summary(const nlohmann::ordered_json& doc, const SweepPlan& plan, const std::string& file);

/// One figure over the nights that have it.
struct SampleStats {
    std::size_t n = 0;
    double mean = 0, min = 0, max = 0;
    std::optional<double> sd;                           ///< sample standard deviation (n - 1); none for n < 2
    std::optional<std::pair<double, double>> ci95;      ///< mean -+ t(0.975, n - 1) sd / sqrt(n); none for n < 2
};
SampleStats sample_stats(std::span<const double> values);

/// The 95 % Wilson score interval of a proportion `passed` of `n` (Wilson 1927; Brown, Cai &
/// DasGupta 2001), n > 0.
std::pair<double, double> wilson_interval95(std::uint64_t passed, std::uint64_t n);

/// Every (grid point, seed) of the whole plan (all shards) exactly once: an error names the first
/// nights missing or given twice.
core::Result<void> check_complete(const SweepPlan& plan, const std::vector<NightSummary>& nights);

/// sweep.json: per grid point, its overrides, each criterion's pass rate and each figure's statistics.
/// The nights are sorted by (grid point, seed) first; the plan's shard is not part of it.
nlohmann::ordered_json sweep_report(const SweepPlan& plan, std::vector<NightSummary> nights);

/// The report as text (sweep.txt, and what shailoo sweep prints): per grid point the criteria's pass
/// rates, then the figures (those of `districts[...]` left to sweep.json), numbers to 6 significant digits.
std::string sweep_report_text(const nlohmann::ordered_json& report);

}  // namespace sim
