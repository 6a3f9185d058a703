#pragma once
// A scenario given as text in a test (resolved as if it were tests/data/inline.yaml, so its
// `package: ../../assets/kg2021` names the repository's package), with its election package, bound.
#include <gtest/gtest.h>

#include <string>

#include "core/election_package.hpp"
#include "sim/scenario.hpp"

namespace sim_test {

struct InlineScenario {
    sim::Scenario scenario;
    core::ElectionPackage package;
};

inline InlineScenario load_inline_scenario(const std::string& text) {
    auto scenario = sim::parse_scenario(text, std::string(SHAILOO_SOURCE_DIR) + "/tests/data/inline.yaml");
    EXPECT_TRUE(scenario) << scenario.error().message;
    auto package = core::load_election_package(scenario->package_dir);
    EXPECT_TRUE(package) << package.error().message;
    EXPECT_TRUE(sim::bind_to_package(*scenario, *package));
    return {*scenario, *package};
}

}  // namespace sim_test
