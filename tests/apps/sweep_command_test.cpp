// `shailoo sweep` and `shailoo sweep merge` end to end (docs/sweeps.md): shards merged equal one
// machine's sweep byte for byte, a criterion failing on some nights is a pass rate, a grid point
// changes the nights, and bad arguments are exit code 2 with a message that names them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shailoo_process.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace sweep_command_test {

namespace {

using shailoo_test::CliRun;
using shailoo_test::shailoo;
namespace fs = std::filesystem;

const std::string kSource = SHAILOO_SOURCE_DIR;

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The Talas scenario with ARBB failures and a criterion on turnout that some seeds meet and some do not.
fs::path scenario_with_criterion(const fs::path& dir) {
    const fs::path file = dir / "talas-sweep.yaml";
    std::ofstream(file) << "version: 1\nname: Talas sweep\npackage: " << kSource << "/assets/kg2021\nseed: 7\nregions: [6]\n"
                        << "faults:\n"
                        << "  - {device: arbb_party_list, fault: dead, share: 1.0, from: \"12:00\", duration: 0s, replace: true}\n"
                        << "  - {device: arbb_district, fault: jam, share: 1.0, from: \"10:00\", duration: 1h}\n"
                        << "criteria:\n"
                        << "  - {name: Turnout above 42.4 %, path: turnout.share, op: \">=\", expected: 0.424}\n"
                        << "  - {name: Every PEC reported, check: all_pecs_reported}\n";
    return file;
}

TEST(SweepCli, ShardsMergedEqualTheSingleMachineSweepByteForByte) {
    const fs::path dir = shailoo_test::temp_dir("sweep-merge");
    const std::string scenario = scenario_with_criterion(dir).string();
    const std::string common = scenario + " --seeds 1..2 --set faults[1].share=0.5,1 --threads 1 -q";
    const CliRun single = shailoo("sweep " + common + " --jobs 2 --out " + (dir / "single").string());
    ASSERT_EQ(single.code, 0) << single.output;
    for (int i = 0; i < 2; ++i) {
        const CliRun shard = shailoo("sweep " + common + " --jobs 1 --shard " + std::to_string(i) + "/2 --out " + (dir / ("shard-" + std::to_string(i))).string());
        ASSERT_EQ(shard.code, 0) << shard.output;
    }
    const CliRun merged = shailoo("sweep merge " + (dir / "shard-1").string() + " " + (dir / "shard-0").string() + " -q --out " + (dir / "merged").string());
    ASSERT_EQ(merged.code, 0) << merged.output;
    const std::string report = read(dir / "single" / "sweep.json");
    EXPECT_EQ(read(dir / "merged" / "sweep.json"), report);
    EXPECT_EQ(read(dir / "merged" / "sweep.txt"), read(dir / "single" / "sweep.txt"));

    // 2 grid points x 2 seeds; the turnout criterion's pass rate is the share of nights whose summary says it held.
    const auto doc = nlohmann::json::parse(report);
    ASSERT_EQ(doc["nights"], 4);
    ASSERT_EQ(doc["points"].size(), 2u);
    EXPECT_EQ(doc["points"][1]["set"][0]["value"], "1");
    int held = 0;
    for (int seed = 1; seed <= 2; ++seed) {
        const auto night = nlohmann::json::parse(read(dir / "single" / "nights" / ("p0-s" + std::to_string(seed) + ".json")));
        held += night["criteria"][0]["passed"].get<bool>();
    }
    const auto& turnout = doc["points"][0]["criteria"][0];
    EXPECT_EQ(turnout["held"], held);
    EXPECT_EQ(turnout["nights"], 2);
    EXPECT_EQ(held, 1);  // seeds 1 and 2 straddle 42.4 %: the criterion failed on a night, and the sweep still exits 0
    // Half the district ARBBs jam instead of all: the grid point changes the night.
    const auto pecs_jammed = [&](int point) {
        for (const auto& f : doc["points"][point]["figures"])
            if (f["path"] == "fault_effects.faults[1].pecs_affected") return f["mean"].get<double>();
        return -1.0;
    };
    EXPECT_LT(pecs_jammed(0), pecs_jammed(1));
    EXPECT_GT(pecs_jammed(0), 0);
    EXPECT_FALSE(fs::exists(dir / "single" / "nights" / "p0-s1"));  // the night's results.json is not kept by default

    // Only one shard, or one shard twice: no report.
    const CliRun partial = shailoo("sweep merge " + (dir / "shard-0").string() + " --out " + (dir / "partial").string());
    EXPECT_EQ(partial.code, 2);
    EXPECT_NE(partial.output.find("nights missing: p0-s2"), std::string::npos) << partial.output;
    const CliRun twice = shailoo("sweep merge " + (dir / "shard-0").string() + " " + (dir / "shard-0").string() + " " + (dir / "shard-1").string() +
                                 " --out " + (dir / "twice").string());
    EXPECT_EQ(twice.code, 2);
    EXPECT_NE(twice.output.find("more than once"), std::string::npos) << twice.output;
}

TEST(SweepCli, RunSetChangesTheNightAndItsSummaryHoldsTheOverride) {
    const fs::path dir = shailoo_test::temp_dir("sweep-run-set");
    const std::string scenario = kSource + "/tests/data/talas-faults.yaml";
    const CliRun r = shailoo("run " + scenario + " -q --threads 2 --set faults[0].share=0.5 --summary " + (dir / "night.json").string() +
                             " --out " + (dir / "run").string());
    ASSERT_EQ(r.code, 0) << r.output;
    const auto night = nlohmann::json::parse(read(dir / "night.json"));
    EXPECT_EQ(night["set"][0]["path"], "faults[0].share");
    EXPECT_EQ(night["seed"], 7);
    const auto results = nlohmann::json::parse(read(dir / "run" / "results.json"));
    const int affected = results["fault_effects"]["faults"][0]["pecs_affected"];
    EXPECT_EQ(night["figures"]["fault_effects.faults[0].pecs_affected"], affected);
    EXPECT_LT(affected, results["pecs"].get<int>());  // half the PECs, not all of them as the file says
    EXPECT_GT(affected, 0);
}

TEST(SweepCli, ANightThatFailsStopsTheSweepShowingItsStderr) {
    const fs::path dir = shailoo_test::temp_dir("sweep-night-fails");
    fs::create_directories(dir / "out" / "nights");
    std::ofstream(dir / "out" / "nights" / "p0-s2") << "a file where the night's results folder goes\n";
    const CliRun r = shailoo("sweep " + kSource + "/tests/data/talas-faults.yaml --seeds 2..2 -q --out " + (dir / "out").string());
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("night p0-s2 (seed 2): shailoo run exited with 2; its stderr"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("shailoo run: cannot write"), std::string::npos) << r.output;  // the child's own message
    EXPECT_FALSE(fs::exists(dir / "out" / "sweep.json"));
}

TEST(SweepCli, BadArgumentsAreExitCode2NamingThem) {
    const fs::path dir = shailoo_test::temp_dir("sweep-bad");
    const std::string scenario = kSource + "/tests/data/talas-faults.yaml";
    const std::string out = " --out " + (dir / "out").string();
    const auto expect_error = [&](const std::string& args, const std::string& message) {
        const CliRun r = shailoo("sweep " + args + out);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    };
    expect_error(scenario + " --seeds 5..2", "--seeds '5..2': the last seed 2 is below the first 5");
    expect_error(scenario + " --seeds 1..4 --shard 3/2", "--shard '3/2': the shard index must be below the shard count");
    expect_error(scenario + " --seeds 1..4 --shard auto", "neither SLURM_ARRAY_TASK_ID");
    expect_error(scenario + " --seeds 1..4 --set faults[7].share=0.1,0.2", "--set faults[7].share=0.1: the scenario has no faults[7]");
    expect_error(scenario + " --seeds 1..4 --set faults[0].shar=0.1,0.2", "(with --set faults[0].shar=0.1)");
    expect_error(scenario + " --seeds 1..4 --set faults[0].share=0.5..2:0.5", "(with --set faults[0].share=1.5)");
    expect_error(scenario + " --seeds 1..4 --set faults[0].share", "is not PATH=VALUE");
    expect_error(scenario, "--seeds is required");
    EXPECT_FALSE(fs::exists(dir / "out" / "nights"));  // nothing ran
    const CliRun merge = shailoo("sweep merge " + dir.string() + out);
    EXPECT_EQ(merge.code, 2);
    EXPECT_NE(merge.output.find("sweep-plan.json: cannot read"), std::string::npos) << merge.output;
}

}  // namespace

}  // namespace sweep_command_test
