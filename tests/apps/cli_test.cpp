// The `shailoo` command line as a user meets it: help, errors with exit code 2, results.json, criteria
// and their verdicts (exit code 3, JUnit), comparing two runs.
//
// Index of this file:
//   [SECTION] Help and bad arguments
//   [SECTION] Bad scenarios, options and folders
//   [SECTION] results.json and the summary
//   [SECTION] Messages for bad arguments
//   [SECTION] Criteria and verdicts
//   [SECTION] Comparing two runs
#include <gtest/gtest.h>

#include "shailoo_process.hpp"
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using shailoo_test::CliRun;
using shailoo_test::shailoo;
using shailoo_test::temp_dir;

const std::string kData = std::string(SHAILOO_SOURCE_DIR) + "/tests/data/";

// [SECTION] Help and bad arguments

TEST(Cli, HelpListsEverySubcommand) {
    const CliRun r = shailoo("--help");
    EXPECT_EQ(r.code, 0);
    for (const char* sub : {"run", "package", "seats"}) EXPECT_NE(r.output.find(sub), std::string::npos) << sub;
}

TEST(Cli, RunHelpDescribesItsOptions) {
    const CliRun r = shailoo("run --help");
    EXPECT_EQ(r.code, 0);
    for (const char* opt : {"--seed", "--threads", "--out", "results.json", "--report", "docs/report.md"}) EXPECT_NE(r.output.find(opt), std::string::npos) << opt;
}

TEST(Cli, UnknownSubcommandOrOptionExitsWithCode2) {
    EXPECT_EQ(shailoo("frobnicate").code, 2);
    EXPECT_EQ(shailoo("run --no-such-option").code, 2);
    EXPECT_EQ(shailoo("run --threads 0").code, 2);
    EXPECT_EQ(shailoo("run --seed banana").code, 2);
}

TEST(Cli, MissingScenarioFileIsNamedAndExitsWithCode2) {
    const CliRun r = shailoo("run /nonexistent/scenario.yaml");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("/nonexistent/scenario.yaml"), std::string::npos) << r.output;
}

// Runs `shailoo run` on a scenario made of the usual header and `body`; expects exit code 2 and
// an error that names the file, the line and `what`.
void expect_scenario_error(const std::string& name, const std::string& body, int line, const std::string& what) {
    const auto dir = temp_dir(name);
    const auto file = dir / "bad.yaml";
    std::ofstream(file) << "version: 1\nname: bad\npackage: " << SHAILOO_SOURCE_DIR << "/assets/kg2021\n" << body;
    const CliRun r = shailoo("run " + file.string() + " --out " + (dir / "out").string());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find(file.string() + ":" + std::to_string(line) + ":"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(what), std::string::npos) << r.output;
}

// [SECTION] Bad scenarios, options and folders

TEST(Cli, BadScenarioFieldIsReportedWithFileAndLine) {
    expect_scenario_error("bad-scenario", "faults:\n  - {device: arbb, fault: explode, share: 0.1}\n", 5, "explode");
}

TEST(Cli, InconsistentDeskPaceIsReportedWithFileAndLine) {
    expect_scenario_error("bad-pace", "desk_pace: {median: 1.0, sigma: 0.2, min: 1.5, max: 2.0}\n", 4, "min <= median <= max");
    expect_scenario_error("bad-patience", "patience: {median_min: 30, spread: 0.2}\n", 4, "spread");
}

TEST(Cli, NotANumberInAScenarioIsRefused) {
    // .nan passed every range check (each comparison with it is false) and went into the day's draws.
    expect_scenario_error("nan-sd", "turnout_sd_pec: .nan\n", 4, "field 'turnout_sd_pec': expected a finite number, got .nan");
    expect_scenario_error("nan-pace", "desk_pace: {median: .nan}\n", 4, "field 'desk_pace.median': expected a finite number");
    expect_scenario_error("nan-patience", "patience: {median_min: .nan}\n", 4, "field 'patience.median_min': expected a finite number");
    expect_scenario_error("nan-arrivals", "arrivals: [1, 1, 1, 1, 1, .nan, 1, 1, 1, 1, 1, 1]\n", 4, "weights are finite numbers >= 0");
}

TEST(Cli, MissingScenarioFieldsAreNamed) {
    // A missing required field is named, not let out as yaml-cpp's "invalid node" exception with exit
    // code 1 (a defect the input fuzz found).
    for (const auto& [body, field] : {std::pair<std::string, std::string>{"version: 1\n", "name"}, {"version: 1\nname: x\n", "package"}}) {
        const auto dir = temp_dir("missing-" + field);
        const auto file = dir / "bad.yaml";
        std::ofstream(file) << body;
        const CliRun r = shailoo("run " + file.string() + " --out " + (dir / "out").string());
        EXPECT_EQ(r.code, 2) << r.output;
        EXPECT_NE(r.output.find(file.string() + ":1: field '" + field + "': is missing"), std::string::npos) << r.output;
    }
}

TEST(Cli, UnwritableOutputFolderExitsWithCode2) {
    const CliRun r = shailoo("run " + kData + "talas-clean.yaml --out /proc/no-such-dir");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("/proc/no-such-dir"), std::string::npos) << r.output;
}

TEST(Cli, AnUnwritableReportPathExitsWithCode2BeforeTheDayIsSimulated) {
    const auto dir = shailoo_test::temp_dir("unwritable-report");
    const CliRun r = shailoo("run " + kData + "talas-clean.yaml --out " + (dir / "out").string() + " --report " +
                             (dir / "no-such-dir/report.html").string());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("cannot write " + (dir / "no-such-dir/report.html").string() + ": No such file or directory"),
              std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("simulating"), std::string::npos) << r.output;  // refused before the day, not after it
}

TEST(Cli, PackageCheckChecksTheDeviceKeysAreThePackages) {
    const std::filesystem::path package = std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets/kg2021";
    const CliRun ok = shailoo("package check " + package.string());
    ASSERT_EQ(ok.code, 0) << ok.output;
    EXPECT_NE(ok.output.find("device keys          7482 (3 for each PEC)"), std::string::npos) << ok.output;

    // The same package with the registry of a package that lacks its last PEC.
    const auto dir = temp_dir("package-keys");
    std::filesystem::copy(package, dir, std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
    std::ifstream in(package / "device-keys.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto last = text.rfind("  - pec: ");
    ASSERT_NE(last, std::string::npos);
    const std::string last_pec = text.substr(last + 9, 4);
    std::ofstream(dir / "device-keys.yaml") << text.substr(0, last);
    for (const std::string& command : {std::string("package check "), "serve --db " + (dir / "s.sqlite").string() + " --package "}) {
        const CliRun r = shailoo(command + dir.string());
        EXPECT_EQ(r.code, 2) << command << r.output;
        EXPECT_NE(r.output.find("device-keys.yaml: PEC " + last_pec + " has no key for its device '" + last_pec + "-arbb-1'"),
                  std::string::npos) << command << r.output;
    }
}

TEST(Cli, SeedsOutsideTheirRangeAreRefusedNotWrapped) {
    // CLI11 alone turned "-1" into 2^64 - 1 and capped larger numbers, running with a seed nobody gave.
    for (const std::string args : {"run --seed -1", "run --seed 18446744073709551616", "run --seed 12x", "train --seed -3",
                                   "load --seed -1", "load --secret-seed 1.5", "package generate --out never-written --seed -2"}) {
        const CliRun r = shailoo(args);
        EXPECT_EQ(r.code, 2) << args;
        const std::string option = args.find("secret") != std::string::npos ? "--secret-seed" : "--seed";
        EXPECT_NE(r.output.find(option + ": '"), std::string::npos) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("a seed is a whole number from 0 to 18446744073709551615"), std::string::npos) << args << "\n" << r.output;
    }
    // The largest seed is a seed.
    const auto dir = temp_dir("largest-seed");
    const CliRun r = shailoo("run " + kData + "talas-clean.yaml -q --seed 18446744073709551615 --out " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    std::ifstream in(dir / "results.json");
    EXPECT_EQ(nlohmann::json::parse(in)["seed"].get<std::uint64_t>(), UINT64_MAX);
}

TEST(Cli, RealNumberOptionsMustBeFinite) {
    // "nan" passed CLI11's range checks (every comparison with it is false) and reached timers and
    // durations. Each command line would also fail later without the check (no server, no display,
    // a bad address), so a missing check fails here rather than hangs.
    for (const std::string args : {"load --speed nan --target 127.0.0.1:1 --pecs 1 --out /proc/x", "load --timeout inf --target 127.0.0.1:1 --pecs 1 --out /proc/x",
                                   "serve --db /proc/x/s.sqlite --listen bad --batch-delay-ms nan", "serve --db /proc/x/s.sqlite --listen bad --stats-every -inf",
                                   "seats --votes /proc/x/v.csv --threshold nan", "seats --votes /proc/x/v.csv --regional-threshold nan",
                                   "train --speed nan --frames 1"}) {
        const CliRun r = shailoo(args);
        EXPECT_EQ(r.code, 2) << args;
        EXPECT_NE(r.output.find("': expected a finite number"), std::string::npos) << args << "\n" << r.output;
    }
}

// [SECTION] results.json and the summary

TEST(Cli, RunWritesResultsJsonWithTheDocumentedFields) {
    const auto dir = temp_dir("results");
    const CliRun r = shailoo("run " + kData + "talas-clean.yaml --threads 2 --out " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("Turnout by region"), std::string::npos);
    EXPECT_NE(r.output.find("events/s"), std::string::npos);
    std::ifstream in(dir / "results.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["pecs"], 117);
    EXPECT_GT(j["registered"].get<long>(), 0);
    EXPECT_GT(j["turnout"]["voters"].get<long>(), 0);
    EXPECT_GT(j["turnout"]["share"].get<double>(), 0.2);
    EXPECT_EQ(j["parties"].size(), 21u);
    EXPECT_TRUE(j["parties"][0].contains("name") && j["parties"][0].contains("votes"));
    EXPECT_TRUE(j.contains("against_all") && j.contains("invalid"));
    for (const char* k : {"fingerprint", "other_finger", "face", "manual", "refused"}) EXPECT_TRUE(j["identification"].contains(k)) << k;
    ASSERT_EQ(j["pec_results"].size(), 117u);
    EXPECT_TRUE(j["pec_results"][0].contains("turnout") && j["pec_results"][0].contains("max_queue"));
    EXPECT_TRUE(j["pec_results"][0]["arbb"].is_array());
    const auto& perf = j["perf"];
    for (const char* k : {"wall_s", "cpu_s", "events", "events_per_s"}) EXPECT_TRUE(perf.contains(k)) << k;
    EXPECT_GT(perf["events"].get<long>(), 0);
    // The phases are parts of the wall time, each measured (none left at zero), and add up to at most it.
    double phases = 0;
    for (const char* k : {"build", "simulate", "results"}) {
        ASSERT_TRUE(perf["phases_s"].contains(k)) << k;
        EXPECT_GT(perf["phases_s"][k].get<double>(), 0.0) << k;
        phases += perf["phases_s"][k].get<double>();
    }
    EXPECT_LE(phases, perf["wall_s"].get<double>() + 1e-9);  // + rounding of the seconds
    EXPECT_GT(perf["cpu_s"].get<double>(), 0.0);
    EXPECT_NE(r.output.find("day and night"), std::string::npos) << r.output;
    // No device fault in this scenario: the summary says so and fault_effects lists none.
    EXPECT_NE(r.output.find("Device faults: none"), std::string::npos) << r.output;
    EXPECT_TRUE(j["fault_effects"]["faults"].empty());
}

// The summary's fault table says what results.json's fault_effects says, one line per device/fault.
TEST(Cli, RunSummaryShowsWhatEachFaultDidAsResultsJsonDoes) {
    const auto dir = temp_dir("fault-effects");
    const CliRun r = shailoo("run " + kData + "talas-half-jams.yaml --threads 2 --out " + dir.string());
    ASSERT_EQ(r.code, 0) << r.output;
    std::ifstream in(dir / "results.json");
    const auto j = nlohmann::json::parse(in);
    const auto& faults = j["fault_effects"]["faults"];
    ASSERT_GE(faults.size(), 4u);
    EXPECT_NE(r.output.find("Device faults (results.json fault_effects"), std::string::npos) << r.output;
    for (const auto& f : faults) {
        const std::string name = f["device"].get<std::string>() + "/" + f["fault"].get<std::string>();
        const auto at = r.output.find("\n  " + name + " ");
        ASSERT_NE(at, std::string::npos) << name << "\n" << r.output;
        std::istringstream line(r.output.substr(at + 1, r.output.find('\n', at + 1) - at - 1));
        std::string shown, percent;
        long pecs = 0, episodes = 0;
        double share = 0;
        line >> shown >> pecs >> share >> percent >> episodes;
        EXPECT_EQ(pecs, f["pecs_affected"].get<long>()) << name;
        EXPECT_NEAR(share, 100.0 * f["share_of_pecs"].get<double>(), 0.05) << name;
        EXPECT_EQ(episodes, f["episodes"].get<long>()) << name;
        for (const char* k : {"ongoing_at_end", "downtime_s", "longest_downtime_s", "longest_at_pec", "sheets_in_reserve_slots",
                              "voters_waited_during", "voters_left_during", "reporting_delay"})
            EXPECT_TRUE(f.contains(k)) << name << " " << k;
    }
    EXPECT_EQ(faults[0]["device"], "fingerprint_scanner") << "rows in the order of the devices";
}

}  // namespace

// [SECTION] Messages for bad arguments

TEST(Cli, ABadArgumentGetsItsMessageAndAOneLineHintNotTheWholeHelp) {
    const CliRun r = shailoo("run --seed 12x");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("see 'shailoo run --help'"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("Options:"), std::string::npos) << "the whole help was printed:\n" << r.output;
}

TEST(Cli, AnUnknownSubcommandIsNamedWithTheListOfSubcommands) {
    const CliRun r = shailoo("frobnicate --fast");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("'frobnicate' is not a subcommand"), std::string::npos) << r.output;
    for (const char* name : {"run", "package", "seats", "train", "serve", "load"})
        EXPECT_NE(r.output.find(name), std::string::npos) << name << "\n" << r.output;
}

TEST(Cli, PackageGenerateWithoutOutRefusesRatherThanOverwriteTheShippedPackage) {
    const CliRun r = shailoo("package generate");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("--out"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("see 'shailoo package generate --help'"), std::string::npos) << r.output;
}

TEST(Cli, LoadRefusesMorePecsThanThePackageHas) {
    const CliRun r = shailoo("load --pecs 9999 --target 127.0.0.1:1");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("--pecs 9999: the package"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("has 2494 PECs"), std::string::npos) << r.output;
}

// [SECTION] Criteria and verdicts

namespace {

// Runs `shailoo run` on the Talas region (seed 7, no faults) with these criteria, JUnit to a file.
struct CriteriaRun {
    CliRun run;
    std::string junit;
};

CriteriaRun run_with_criteria(const std::string& name, const std::string& criteria) {
    const auto dir = temp_dir(name);
    const auto file = dir / "criteria.yaml";
    std::ofstream(file) << "version: 1\nname: Talas with criteria\npackage: " << SHAILOO_SOURCE_DIR
                        << "/assets/kg2021\nseed: 7\nregions: [6]\ncriteria:\n" << criteria;
    CriteriaRun r;
    r.run = shailoo("run " + file.string() + " --threads 2 --junit " + (dir / "junit.xml").string() + " --out " + (dir / "out").string());
    std::ifstream in(dir / "junit.xml");
    std::stringstream text;
    text << in.rdbuf();
    r.junit = text.str();
    return r;
}

}  // namespace

TEST(Cli, AFailingCriterionExitsWith3AndItsJunitFailureHasTheActualValue) {
    const auto r = run_with_criteria("criteria-fail", "  - {name: too few PECs, path: pecs, op: \">\", expected: 100000}\n"
                                                      "  - {name: clean, check: reconciliation_clean}\n");
    EXPECT_EQ(r.run.code, 3) << r.run.output;
    EXPECT_NE(r.run.output.find("Criteria: 1 of 2 hold, 1 failed"), std::string::npos) << r.run.output;
    const auto pecs = r.run.output.find("\nPECs ");  // the summary's "PECs N   registered ..."
    ASSERT_NE(pecs, std::string::npos);
    const std::string count = r.run.output.substr(pecs + 6, r.run.output.find(' ', pecs + 6) - pecs - 6);
    EXPECT_NE(r.junit.find("<failure message=\"actual " + count + ", expected &gt; 100000\""), std::string::npos) << r.junit;
    EXPECT_NE(r.junit.find("<testcase name=\"clean\""), std::string::npos) << r.junit;
}

TEST(Cli, CriteriaThatHoldExitWith0AndAnOptionalFailureDoesNotCount) {
    const auto r = run_with_criteria("criteria-hold", "  - {name: clean, check: reconciliation_clean}\n"
                                                      "  - {name: nothing rejected, path: central.rejected, op: ==, expected: 0}\n"
                                                      "  - {name: quick, path: reporting_curve.share_first_hour, range: [0.5, 1]}\n"
                                                      "  - {name: nobody waits, path: queues.max_wait_s, op: ==, expected: 0, optional: true}\n");
    EXPECT_EQ(r.run.code, 0) << r.run.output;
    EXPECT_NE(r.run.output.find("Criteria: 3 of 4 hold, 1 optional failed"), std::string::npos) << r.run.output;
    EXPECT_NE(r.junit.find("<skipped message=\"optional criterion failed: actual "), std::string::npos) << r.junit;
    EXPECT_EQ(r.junit.find("<failure"), std::string::npos) << r.junit;
}

TEST(Cli, ACriterionOnAFieldResultsJsonDoesNotHaveExitsWith2) {
    expect_scenario_error("criteria-unknown-path", "criteria:\n  - {name: waits, path: queues.longest_wait, op: \"<=\", expected: 3600}\n", 5,
                          "field 'criteria[0].path': 'queues.longest_wait' names no field of results.json");
}

// [SECTION] Comparing two runs

TEST(Cli, CompareTellsWhatChangedBetweenTwoRuns) {
    const auto dir = temp_dir("compare");
    for (const char* seed : {"7", "8"})
        ASSERT_EQ(shailoo("run " + kData + "talas-clean.yaml -q --threads 2 --seed " + seed + " --out " + (dir / seed).string()).code, 0);
    const std::string a = (dir / "7" / "results.json").string(), b = (dir / "8" / "results.json").string();
    const CliRun same = shailoo("compare " + a + " " + a);
    EXPECT_EQ(same.code, 0) << same.output;
    EXPECT_NE(same.output.find("No figure differs beyond the tolerance."), std::string::npos) << same.output;
    const CliRun changed = shailoo("compare " + a + " " + b + " --limit 5");
    EXPECT_EQ(changed.code, 1) << changed.output;
    const auto seed = changed.output.find("\n  seed ");  // the first national figure that differs
    ASSERT_NE(seed, std::string::npos) << changed.output;
    EXPECT_EQ(changed.output.substr(changed.output.find_first_not_of(' ', seed + 7), 7), "7 -> 8\n") << changed.output;
    EXPECT_NE(changed.output.find("(--limit 0 prints all)"), std::string::npos) << changed.output;
    EXPECT_NE(changed.output.find("PECs: "), std::string::npos) << changed.output;
    std::ofstream(dir / "not.json") << "{\"format\": \"something else\"}";
    const CliRun bad = shailoo("compare " + a + " " + (dir / "not.json").string());
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_NE(bad.output.find("not a results.json of shailoo run"), std::string::npos) << bad.output;
}
