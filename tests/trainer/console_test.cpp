// End-to-end tests of `shailoo train` under Xvfb (Mesa's software renderer): a scripted drill on
// the demo scenario, its screenshot, its record replayed headless by `shailoo run --replay`.
#include <SFML/Graphics/Image.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include "tests/apps/shailoo_process.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path kSource(SHAILOO_SOURCE_DIR);
const std::string kExe(SHAILOO_EXE);
using shailoo_test::kXvfb;
using shailoo_test::CliRun;
using shailoo_test::run_shell;

nlohmann::json results_without_perf(const fs::path& file) {
    std::ifstream in(file);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object()) j.erase("perf");
    return j;
}

class Console : public ::testing::Test {
protected:
    // One scripted drill shared by the tests (it is the slow part).
    static void SetUpTestSuite() {
        // Per process: ctest runs each test in its own process, possibly two at once.
        dir_ = fs::temp_directory_path() / ("shailoo_console_test_" + std::to_string(getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        drill_ = run_shell(kXvfb + kExe + " train " + (kSource / "scenarios/demo-drill.yaml").string() + " --script " +
                           (kSource / "tests/trainer/console_actions.yaml").string() + " --frames 40 --fps-limit 0 --screenshot " +
                           (dir_ / "shot.png").string() + " --record " + (dir_ / "record.yaml").string() + " --out " +
                           (dir_ / "train").string());
    }
    static nlohmann::json summary() {
        std::istringstream lines(drill_.output);
        for (std::string line; std::getline(lines, line);)
            if (line.starts_with("trainer-summary: ")) return nlohmann::json::parse(line.substr(17), nullptr, false);
        return {};
    }
    static inline fs::path dir_;
    static inline CliRun drill_;
};

TEST_F(Console, ScriptedDrillRunsAndTheInjectedFaultReachesTheDevice) {
    ASSERT_EQ(drill_.code, 0) << drill_.output;
    const nlohmann::json s = summary();
    ASSERT_TRUE(s.is_object()) << drill_.output;
    EXPECT_EQ(s["frames"], 40);
    EXPECT_EQ(s["pecs"], 176);
    EXPECT_EQ(s["actions"], 2 + 1);  // 6006, 6020, and 5 % of Talas's 117 PECs: one action listing its 6 PECs
    const auto& pec = s["selected"];
    ASSERT_EQ(pec["pec"], 6006);
    bool dead = false;
    for (const auto& d : pec["devices"])
        if (d["id"] == "6006-arbb-1")
            for (const auto& f : d["faults"]) dead |= f == "dead";
    EXPECT_TRUE(dead) << pec.dump();
    EXPECT_EQ(pec["state"], "device fault");
    EXPECT_GE(s["time"].get<std::string>(), std::string("09:31"));
}

TEST_F(Console, InjectedFaultChangesTheOutcomeAndReplayReproducesIt) {
    ASSERT_EQ(drill_.code, 0) << drill_.output;
    const auto trained = results_without_perf(dir_ / "train/results.json");
    ASSERT_TRUE(trained.is_object());
    {  // a paced session's timings are no performance figures: its results.json has none
        std::ifstream in(dir_ / "train/results.json");
        EXPECT_FALSE(nlohmann::json::parse(in, nullptr, false).contains("perf"));
    }

    {  // the share of Talas is one action of the record (version 2), with the 6 PECs it drew
        std::ifstream in(dir_ / "record.yaml");
        const std::string record((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_NE(record.find("version: 7"), std::string::npos) << record;  // sim::kDrillRecordVersion
        const auto pecs = record.find("region: 6, share: 0.05, pecs: [");
        ASSERT_NE(pecs, std::string::npos) << record;
        const std::string list = record.substr(record.find('[', pecs), record.find(']', pecs) - record.find('[', pecs));
        EXPECT_EQ(std::count(list.begin(), list.end(), ','), 5) << list;  // 6 PECs
    }
    const CliRun replayed = run_shell(kExe + " run --replay " + (dir_ / "record.yaml").string() + " --threads 2 -q --out " + (dir_ / "replayed").string());
    ASSERT_EQ(replayed.code, 0) << replayed.output;
    EXPECT_EQ(results_without_perf(dir_ / "replayed/results.json"), trained);

    const CliRun plain = run_shell(kExe + " run " + (kSource / "scenarios/demo-drill.yaml").string() + " --threads 2 -q --out " + (dir_ / "plain").string());
    ASSERT_EQ(plain.code, 0) << plain.output;
    const auto untouched = results_without_perf(dir_ / "plain/results.json");
    EXPECT_NE(untouched, trained);

    // At 6006 the dead party-list ARBB was replaced: ballots wait for the manual count.
    auto party_box_of_6006 = [](const nlohmann::json& results) {
        for (const auto& p : results["pec_results"])
            if (p["number"] == 6006) return p["arbb"][0];
        return nlohmann::json();
    };
    const auto with = party_box_of_6006(trained), without = party_box_of_6006(untouched);
    ASSERT_TRUE(with.is_object() && without.is_object());
    EXPECT_EQ(with["replaced_by_stationary_box"], true);
    EXPECT_EQ(without["replaced_by_stationary_box"], false);
    EXPECT_GT(with["awaiting_manual_count"].get<int>(), 0);
    EXPECT_LT(with["scanned"].get<int>(), without["scanned"].get<int>());
}

TEST_F(Console, ScreenshotShowsThePanels) {
    ASSERT_EQ(drill_.code, 0) << drill_.output;
    sf::Image shot;
    ASSERT_TRUE(shot.loadFromFile((dir_ / "shot.png").string()));
    ASSERT_EQ(shot.getSize().x, 1280u);
    ASSERT_EQ(shot.getSize().y, 800u);
    // Not a blank frame: many colours, and the panels' title bars, text and map dots cover a good
    // share of the picture.
    std::set<sf::Uint32> colours;
    std::size_t lit = 0;
    for (unsigned y = 0; y < 800; y += 2)
        for (unsigned x = 0; x < 1280; x += 2) {
            const sf::Color c = shot.getPixel(x, y);
            colours.insert(c.toInteger());
            lit += (c.r + c.g + c.b) > 120;
        }
    EXPECT_GT(colours.size(), 100u);
    EXPECT_GT(lit, 320u * 200u / 100u);  // more than 1 % of the pixels bright
    // The map's state colours: "voting" blue and "device fault" red dots are on screen.
    auto has = [&](sf::Color want) {
        for (unsigned y = 0; y < 800; ++y)
            for (unsigned x = 0; x < 1280; ++x)
                if (shot.getPixel(x, y) == want) return true;
        return false;
    };
    EXPECT_TRUE(has(sf::Color(70, 170, 255)));
    EXPECT_TRUE(has(sf::Color(240, 60, 60)));
}

// A script's `screenshot: FILE` step saves a PNG of the window's size (here not the default size).
TEST(ConsoleScript, ScreenshotStepsSavePngsOfTheWindowSize) {
    const fs::path dir = fs::temp_directory_path() / ("shailoo_console_shots_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "shots.yaml") << "version: 1\nsteps:\n"
                                      << "  - advance_to: \"20:45\"\n  - select: 6014\n"
                                      << "  - screenshot: " << (dir / "night.png").string() << "\n"
                                      << "  - map: {region: 6, zoom: 2}\n"
                                      << "  - screenshot: " << (dir / "new/talas.png").string() << "\n";
    const CliRun r = run_shell(kXvfb + kExe + " train " + (kSource / "scenarios/demo-drill.yaml").string() + " --size 1024 700 --frames 8" +
                               " --fps-limit 0 --script " + (dir / "shots.yaml").string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("\"screenshots\":2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"reported_curve_points\":46"), std::string::npos) << r.output;  // 20:00 to 20:45, filled by advance_to
    for (const char* name : {"night.png", "new/talas.png"}) {
        sf::Image shot;
        ASSERT_TRUE(shot.loadFromFile((dir / name).string())) << name;
        EXPECT_EQ(shot.getSize().x, 1024u) << name;
        EXPECT_EQ(shot.getSize().y, 700u) << name;
    }
    // Too few frames for the last screenshot: the run says so and fails.
    const CliRun short_run = run_shell(kXvfb + kExe + " train " + (kSource / "scenarios/demo-drill.yaml").string() +
                                       " --frames 3 --fps-limit 0 --script " + (dir / "shots.yaml").string());
    EXPECT_EQ(short_run.code, 1) << short_run.output;
    EXPECT_NE(short_run.output.find("talas.png not taken"), std::string::npos) << short_run.output;
}

TEST(ConsoleWithoutDisplay, FailsWithAHintToUseXvfb) {
    const CliRun r = run_shell("env -u DISPLAY " + kExe + " train " + (kSource / "scenarios/demo-drill.yaml").string() + " --frames 1");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("xvfb-run"), std::string::npos) << r.output;
}

TEST(ConsoleArguments, BadScriptIsAnInputError) {
    const fs::path bad = fs::temp_directory_path() / "shailoo_console_bad_script.yaml";
    std::ofstream(bad) << "version: 1\nsteps:\n  - inject: {pec: 6001, device: toaster, fault: dead}\n";
    const CliRun r = run_shell(kXvfb + kExe + " train " + (kSource / "scenarios/demo-drill.yaml").string() + " --frames 1 --script " + bad.string());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find(":3: field 'steps[0].inject.device': unknown device 'toaster'"), std::string::npos) << r.output;
}

}  // namespace
