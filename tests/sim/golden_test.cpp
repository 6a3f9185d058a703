// Golden scenario logs (SimGrid's .tesh idea): a fixed scenario and seed must keep producing the
// same day, line for line: the day's figures, then the whole event log with its times of day. A change in the model shows up here as a readable diff; if it is
// intended, regenerate with SHAILOO_UPDATE_GOLDEN=1 and review the diff in the commit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <fstream>
#include <sstream>

#include "core/clock.hpp"
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
    out << "# figures of the day\n";
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
    out << "\n# the whole day's event log: time, PEC, what happened (faults entered and left, refusals, reports, acks)\n";
    for (const auto& entry : world.log(0, std::numeric_limits<std::size_t>::max()))
        out << core::clock_time(entry.at, core::ClockText::millis) << "  " << entry.pec << "  " << entry.text << "\n";
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
    // Line by line, as a diff would show it: the first few lines that differ, with their numbers.
    std::istringstream want(expected.str()), got(actual);
    std::string a, b;
    int line = 0, differences = 0;
    for (;;) {
        const bool more_a = static_cast<bool>(std::getline(want, a)), more_b = static_cast<bool>(std::getline(got, b));
        if (!more_a && !more_b) break;
        ++line;
        if (more_a && more_b && a == b) continue;
        if (++differences <= 5)
            ADD_FAILURE() << expected_file << ":" << line << "\n  expected: " << (more_a ? a : "(end of file)")
                          << "\n  actual:   " << (more_b ? b : "(end of the day's log)");
    }
    EXPECT_EQ(differences, 0) << "lines differ from " << expected_file
                              << " (if the change is intended: SHAILOO_UPDATE_GOLDEN=1, then review the diff)";
}

}  // namespace
