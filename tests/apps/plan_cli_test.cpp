// `shailoo plan` as a user meets it: the plan, the scenario it writes (which `shailoo run` takes),
// exit code 3 when a budget leaves PECs above the risk, 2 for a bad budget.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "shailoo_process.hpp"

namespace {

using shailoo_test::shailoo;
using shailoo_test::temp_dir;

const std::string kScenario = std::string(SHAILOO_SOURCE_DIR) + "/tests/data/talas-district-27.yaml";

}  // namespace

TEST(PlanCli, WritesThePlanAndAScenarioWithThePlannedDesksThatRuns) {
    const auto dir = temp_dir("plan-cli");
    const auto r = shailoo("plan " + kScenario + " --nights 1 --target-wait 20 --max-desks 12 --out " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("PECs needing more desks than today: "), std::string::npos) << r.output;
    std::ifstream in(dir / "plan.json");
    const auto plan = nlohmann::json::parse(in);
    EXPECT_EQ(plan["format"], "shailoo-plan");
    ASSERT_EQ(plan["pecs"].size(), 58u);
    const YAML::Node planned = YAML::LoadFile((dir / "scenario.yaml").string());
    std::int64_t total = 0;
    for (const auto& p : plan["pecs"]) {
        EXPECT_EQ(planned["desks"][p["pec"].get<int>()].as<int>(), p["desks_planned"].get<int>());
        total += p["desks_planned"].get<int>();
    }
    EXPECT_EQ(total, plan["desks_planned"].get<std::int64_t>());
    // The planned scenario is a scenario: shailoo run takes it from its own folder.
    const auto run = shailoo("run " + (dir / "scenario.yaml").string() + " --quiet --out " + (dir / "run").string());
    EXPECT_TRUE(run.code == 0 || run.code == 3) << run.output;
    EXPECT_TRUE(std::filesystem::exists(dir / "run" / "results.json"));
}

TEST(PlanCli, ABudgetTooSmallExitsWith3AndABadOneWith2) {
    const auto dir = temp_dir("plan-cli-budget");
    const auto small = shailoo("plan " + kScenario + " --nights 1 --target-wait 20 --budget 60 --out " + dir.string());
    EXPECT_EQ(small.code, 3) << small.output;
    EXPECT_NE(small.output.find("the budget"), std::string::npos) << small.output;
    const auto bad = shailoo("plan " + kScenario + " --budget lots --out " + dir.string());
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_NE(bad.output.find("--budget: expected none, today or a positive number of desks, got 'lots'"), std::string::npos) << bad.output;
}
