// Broken input files, as a user or a bad disk makes them: each kind of file `shailoo` reads is cut
// short, loses a line, or has a few characters changed (fixed seed), and the command must answer
// with its own error (exit code 2, or its usual codes) - never a crash, a raw library exception
// or a hang. Three defects found this way are fixed: a scenario without `name` (yaml-cpp's
// "invalid node", exit 1), and a rate profile point that was no number ("bad conversion") or NaN.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shailoo_process.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace input_fuzz_test {

namespace {

namespace fs = std::filesystem;
using shailoo_test::CliRun;
using shailoo_test::shailoo;
using shailoo_test::temp_dir;

const fs::path kSource = SHAILOO_SOURCE_DIR;

std::string read(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A broken version of a file and what was done to it.
struct Broken {
    std::string text;
    std::string what;
};

/// `count` broken versions of `text`: cut after a line, one line left out, 1-3 characters changed.
std::vector<Broken> broken_versions(const std::string& text, int count, std::uint32_t seed) {
    std::vector<std::size_t> line_starts{0};
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n' && i + 1 < text.size()) line_starts.push_back(i + 1);
    std::mt19937 random(seed);
    auto pick = [&random](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
    const std::string characters = "-:[]{}0123456789x\"\n #\t.,&*!|>'";
    std::vector<Broken> out;
    for (int k = 0; k < count; ++k) {
        const std::size_t line = pick(line_starts.size());
        const std::size_t next = line + 1 < line_starts.size() ? line_starts[line + 1] : text.size();
        switch (k % 3) {
            case 0: out.push_back({text.substr(0, line_starts[line]), "cut before line " + std::to_string(line + 1)}); break;
            case 1: out.push_back({text.substr(0, line_starts[line]) + text.substr(next), "line " + std::to_string(line + 1) + " left out"}); break;
            default: {
                Broken b{text, "characters changed at offsets"};
                for (std::size_t n = 1 + pick(3); n > 0; --n) {
                    const std::size_t at = pick(b.text.size());
                    b.text[at] = characters[pick(characters.size())];
                    b.what += ' ';
                    b.what += std::to_string(at);
                }
                out.push_back(std::move(b));
            }
        }
    }
    return out;
}

/// Runs `command` (FILE, if there, stands for `file`) on each broken version of `original` written to `file`;
/// every answer must be one of `codes` (a change inside a comment or a name leaves a valid file)
/// and in the command's own words.
void expect_clear_answers(const fs::path& original, const fs::path& file, const std::string& command, int count,
                          std::initializer_list<int> codes) {
    const std::string text = read(original);
    std::string args = command;
    if (const auto at = args.find("FILE"); at != std::string::npos) args.replace(at, 4, file.string());
    for (const Broken& broken : broken_versions(text, count, 2021)) {
        std::ofstream(file, std::ios::trunc) << broken.text;
        const CliRun r = shailoo(args);
        const bool known_code = std::find(codes.begin(), codes.end(), r.code) != codes.end();
        const bool raw = r.output.find("invalid node") != std::string::npos || r.output.find("bad conversion") != std::string::npos ||
                         r.output.find("Sanitizer") != std::string::npos ||  // an ASan or UBSan report (the asan preset)
                         r.output.find("terminate called") != std::string::npos || r.output.starts_with("shailoo: ") ||
                         r.output.find("\nshailoo: ") != std::string::npos;  // main()'s last-resort catch
        EXPECT_TRUE(known_code && !raw) << original.filename() << ", " << broken.what << ": exit code " << r.code << "\n" << r.output;
    }
    std::ofstream(file, std::ios::trunc) << text;
}

TEST(InputFuzz, BrokenScenariosGetClearErrors) {
    const auto dir = temp_dir("fuzz-scenario");
    // The scenario names its package relative to itself: the copy names it by its full path.
    std::string scenario = read(kSource / "tests/data/talas-faults.yaml");
    const std::size_t package = scenario.find("package: ");
    scenario.replace(package, scenario.find('\n', package) - package, "package: " + (kSource / "assets/kg2021").string());
    std::ofstream(dir / "original.yaml") << scenario;
    expect_clear_answers(dir / "original.yaml", dir / "s.yaml", "run FILE -q --out " + (dir / "out").string(), 24, {0, 2});
}

TEST(InputFuzz, BrokenPackageFilesGetClearErrors) {
    const auto dir = temp_dir("fuzz-package");
    fs::copy(kSource / "assets/kg2021", dir / "pkg", fs::copy_options::recursive);
    for (const char* name : {"election.yaml", "regions.yaml", "districts.yaml", "parties.yaml", "pecs.yaml", "device-keys.yaml"}) {
        fs::copy_file(dir / "pkg" / name, dir / name);
        expect_clear_answers(dir / name, dir / "pkg" / name, "package check " + (dir / "pkg").string(), 24, {0, 2});
    }
}

TEST(InputFuzz, BrokenVotesTablesGetClearErrors) {
    const auto dir = temp_dir("fuzz-votes");
    std::ofstream(dir / "original.csv") << "party,votes,Bishkek,Osh city\nParty A,300,100,200\nParty B,1000,600,400\n"
                                           "Party C,50,25,25\nagainst all,20,10,10\ntook part,1400,750,650\n";
    expect_clear_answers(dir / "original.csv", dir / "v.csv", "seats --votes FILE --seats 10", 45, {0, 2});
}

TEST(InputFuzz, BrokenRateProfilesGetClearErrors) {
    const auto dir = temp_dir("fuzz-rate");
    // No server listens on port 1: a valid profile ends with exit code 1 (reports not acknowledged).
    expect_clear_answers(kSource / "scenarios/rate-2021.yaml", dir / "r.yaml",
                         "load --rate-profile FILE --speed 100000 --target 127.0.0.1:1 --pecs 1 --timeout 1 --out " + (dir / "out").string(),
                         30, {0, 1, 2});
}

TEST(InputFuzz, BrokenResultsFilesForLoadGetClearErrors) {
    const auto dir = temp_dir("fuzz-results");
    // A run's results.json cut down to its first two PECs (what `load --from` reads of it).
    const auto run = shailoo("run " + (kSource / "tests/data/talas-clean.yaml").string() + " -q --threads 2 --out " + (dir / "run").string());
    ASSERT_EQ(run.code, 0) << run.output;
    std::ifstream in(dir / "run" / "results.json");
    auto results = nlohmann::json::parse(in);
    auto& pecs = results["pec_results"];
    pecs.erase(pecs.begin() + 2, pecs.end());
    std::ofstream(dir / "original.json") << results.dump(1) << "\n";
    // No server listens on port 1: a valid file ends with exit code 1 (reports not acknowledged).
    expect_clear_answers(dir / "original.json", dir / "r.json",
                         "load --from FILE --target 127.0.0.1:1 --timeout 1 --out " + (dir / "out").string(), 18, {0, 1, 2});
}

}  // namespace

}  // namespace input_fuzz_test
