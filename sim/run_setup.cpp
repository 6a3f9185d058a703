#include "sim/run_setup.hpp"

#include <fmt/core.h>

namespace sim {

core::Result<RunSetup> open_run(const std::filesystem::path& scenario_file, std::optional<DrillRecord> replay,
                                std::optional<std::uint64_t> seed, const std::vector<ScenarioOverride>& overrides) {
    auto scenario = load_scenario(scenario_file, overrides);
    if (!scenario) return std::unexpected(scenario.error());
    if (replay) {
        if (replay->scenario_name != scenario->name)
            return core::fail(fmt::format("the drill record was made with scenario '{}', not '{}' ({})", replay->scenario_name,
                                          scenario->name, scenario_file.string()));
        if (seed && *seed != replay->seed)
            return core::fail(fmt::format("seed {} differs from the drill record's seed {}", *seed, replay->seed));
        seed = replay->seed;
    }
    auto package = core::load_election_package(scenario->package_dir);
    if (!package) return core::fail(fmt::format("election package of {}: {}", scenario_file.string(), package.error().message));
    if (auto bound = bind_to_package(*scenario, *package); !bound) return std::unexpected(bound.error());
    RunSetup setup{.scenario = std::move(*scenario), .package = std::move(*package), .seed = 0, .replay = std::move(replay)};
    setup.seed = seed.value_or(setup.scenario.seed);
    return setup;
}

}  // namespace sim
