// Golden scenario logs (SimGrid's .tesh idea): a fixed scenario and seed must keep producing the
// same day, line for line. A change in the model shows up here as a readable diff; if it is
// intended, regenerate with SHAILOO_UPDATE_GOLDEN=1 and review the diff in the commit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/election_package.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace {

std::string day_log(const std::string& scenario_file) {
    auto scenario = sim::load_scenario(scenario_file);
    EXPECT_TRUE(scenario) << scenario.error().message;
    auto package = core::load_election_package(scenario->package_dir);
    EXPECT_TRUE(package) << package.error().message;
    sim::World world(*package, *scenario, scenario->seed);
    world.run_to_end(2);
    std::ostringstream out;
    const auto results = world.results();
    const auto doc = sim::results_to_json(results, *package, false);
    out << "turnout " << doc["turnout"]["voters"] << " of " << doc["registered"] << "\n";
    for (const auto& p : doc["parties"]) out << "party " << p["name"].get<std::string>() << " " << p["votes"] << "\n";
    out << "against_all " << doc["against_all"] << " invalid " << doc["invalid"] << "\n";
    out << "identification " << doc["identification"].dump() << "\n";
    out << "queues " << doc["queues"].dump() << "\n";
    out << "reporting " << doc["reporting_curve"]["cumulative"].dump() << "\n";
    out << "seats " << doc["seats"]["party_list"].dump() << "\n";
    out << "reconciliation " << doc["reconciliation"]["by_check"].dump() << "\n";
    out << "fault_effects " << doc["fault_effects"].dump() << "\n";
    for (const auto& entry : world.log(0, 40)) out << "log " << entry.at << " " << entry.pec << " " << entry.text << "\n";
    return out.str();
}

TEST(Golden, TalasFaultsDayIsUnchanged) {
    const std::string source = SHAILOO_SOURCE_DIR;
    const std::string expected_file = source + "/tests/golden/talas-faults.expected";
    const std::string actual = day_log(source + "/tests/data/talas-faults.yaml");
    if (std::getenv("SHAILOO_UPDATE_GOLDEN")) {
        std::ofstream(expected_file) << actual;
        GTEST_SKIP() << "golden file rewritten: " << expected_file;
    }
    std::ifstream in(expected_file);
    ASSERT_TRUE(in) << "missing " << expected_file << " (generate it with SHAILOO_UPDATE_GOLDEN=1)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str());
}

}  // namespace
