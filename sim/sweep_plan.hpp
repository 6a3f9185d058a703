#pragma once
/// A sweep's plan (`shailoo sweep`, docs/sweeps.md): a scenario run over a range of seeds and,
/// optionally, a grid of scenario fields (`--set faults[0].share=0.1..0.5:0.1`), and the share of
/// its nights one process runs (`--shard I/N`). The nights are numbered grid point by grid point,
/// seed by seed: night k is grid point k / seeds, seed first + k % seeds; a shard I/N runs the
/// nights whose number mod N is I. A plan is written into each sweep folder (sweep-plan.json) so
/// `shailoo sweep merge` can check that the shards it combines belong to one sweep.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "sim/scenario.hpp"

namespace sim {

/// Seeds first..last, both included.
struct SeedRange {
    std::uint64_t first = 0, last = 0;
    std::uint64_t count() const { return last - first + 1; }
    bool operator==(const SeedRange&) const = default;
};

/// "A..B" (A <= B) or one seed "N".
core::Result<SeedRange> parse_seeds(std::string_view text);

/// One axis of the grid: a scenario field and the values it takes, as YAML text.
struct GridAxis {
    std::string path;
    std::vector<std::string> values;
    bool operator==(const GridAxis&) const = default;
};

/// "PATH=V1,V2,..." or "PATH=LO..HI:STEP" (LO, LO + STEP, ... up to HI, each printed to 12
/// significant digits so 0.1..0.5:0.1 gives 0.1, 0.2, 0.3, 0.4, 0.5).
core::Result<GridAxis> parse_grid_axis(std::string_view text);

/// Which share of the nights a process runs: the nights whose number mod count is index.
struct Shard {
    std::uint64_t index = 0, count = 1;
    bool operator==(const Shard&) const = default;
};

/// "I/N", 0 <= I < N.
core::Result<Shard> parse_shard(std::string_view text);

/// Looks up an environment variable (std::getenv in shailoo, a map in tests).
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

/// `--shard auto`: the shard a batch engine's array task is. Slurm job arrays: SLURM_ARRAY_TASK_ID
/// with SLURM_ARRAY_TASK_COUNT, or with SLURM_ARRAY_TASK_MIN and _MAX (index = id - min, count =
/// max - min + 1; the array must be contiguous, --array=0-9). Kubernetes Indexed Jobs:
/// JOB_COMPLETION_INDEX, the count from `count_given` (--shard-count) or SHAILOO_SHARD_COUNT.
/// An error names what is missing or inconsistent.
core::Result<Shard> shard_from_environment(const EnvLookup& env, std::optional<std::uint64_t> count_given);

/// One night of a sweep.
struct Night {
    std::uint64_t index = 0;  ///< its number in the whole sweep
    std::size_t point = 0;    ///< grid point
    std::uint64_t seed = 0;
};

/// The most nights one sweep may have (seeds x grid points).
inline constexpr std::uint64_t kMaxSweepNights = 10'000'000;

struct SweepPlan {
    std::string scenario;         ///< the scenario's name (not its path: shards may run on other machines)
    SeedRange seeds;
    std::vector<GridAxis> grid;   ///< empty: one point, the scenario as written
    Shard shard;

    /// Grid points: the product of the axes' value counts (1 without a grid).
    std::size_t points() const;
    std::uint64_t nights() const { return points() * seeds.count(); }
    /// The overrides of grid point `point`, one per axis; the first axis varies slowest.
    std::vector<ScenarioOverride> point_overrides(std::size_t point) const;
    /// The nights of this plan's shard, in number order.
    std::vector<Night> shard_nights() const;
    /// "p0-s17": the night's summary file and results folder under nights/.
    static std::string night_name(const Night& night);
    /// The same plan apart from the shard.
    bool same_sweep(const SweepPlan& other) const { return scenario == other.scenario && seeds == other.seeds && grid == other.grid; }
};

/// Checks the number of nights (at most kMaxSweepNights) and the grid (an axis at most once).
core::Result<void> check_plan(const SweepPlan& plan);

/// sweep-plan.json and back; errors name `file`.
nlohmann::ordered_json plan_to_json(const SweepPlan& plan);
core::Result<SweepPlan> plan_from_json(const nlohmann::ordered_json& doc, const std::string& file);

}  // namespace sim
