#pragma once
/// What a run and a drill open before they build the World: the scenario bound to its election
/// package, the seed, and the drill record they replay. `shailoo run --replay` and the console
/// (drill::DrillSession) open it the same way, through open_run.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "core/election_package.hpp"
#include "core/result.hpp"
#include "sim/drill_record.hpp"
#include "sim/scenario.hpp"

namespace sim {

struct RunSetup {
    Scenario scenario;                ///< bound to `package` (bind_to_package)
    core::ElectionPackage package;
    std::uint64_t seed = 0;           ///< the record's seed when replaying, else the one asked for or the scenario's
    std::optional<DrillRecord> replay;
};

/// Loads the scenario and its package, binds them, and checks a drill record to replay against them:
/// it must have been made with this scenario, and a `seed` given must be the record's. Errors name
/// the file (and for the package, the scenario that points at it). `overrides` replace fields of the
/// scenario before it is read (`shailoo run --set`, load_scenario).
core::Result<RunSetup> open_run(const std::filesystem::path& scenario_file, std::optional<DrillRecord> replay,
                                std::optional<std::uint64_t> seed, const std::vector<ScenarioOverride>& overrides = {});

}  // namespace sim
