// `shailoo train --drill` under Xvfb: a drill conducted live (the inject fires at its time, the
// trainees' scripted actions are scored in the drill tab and the summary line), its record naming the
// drill and the inject, and the record replayed by the console scoring the same.
#include <SFML/Graphics/Image.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "tests/apps/shailoo_process.hpp"
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace drill_console_test {
namespace {

namespace fs = std::filesystem;
const fs::path kSource(SHAILOO_SOURCE_DIR);
const std::string kExe(SHAILOO_EXE);
using shailoo_test::kXvfb;
const std::string kDrill = (kSource / "drills/arbb-stationary-box.yaml").string();

using Ran = shailoo_test::CliRun;
using shailoo_test::run_shell;

nlohmann::json summary_of(const Ran& r) {
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("trainer-summary: ")) return nlohmann::json::parse(line.substr(17), nullptr, false);
    return {};
}

// trainee -> the trainee's entry of the summary's drill scores.
std::map<std::string, nlohmann::json> trainees_of(const nlohmann::json& summary) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& t : summary["drill"]["trainees"]) out[t["trainee"].is_null() ? std::string("(nobody)") : t["trainee"].get<std::string>()] = t;
    return out;
}

class DrillConsole : public ::testing::Test {
protected:
    // One live drill shared by the tests: inject at 10:00, the help desk's and the chair's actions, 12:40.
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("shailoo_drill_console_test_" + std::to_string(getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        live_ = run_shell(kXvfb + kExe + " train --drill " + kDrill + " --script " + (kSource / "tests/trainer/drill_console_actions.yaml").string() +
                    " --frames 30 --fps-limit 0 --screenshot " + (dir_ / "drill.png").string() + " --record " + (dir_ / "record.yaml").string());
    }
    static inline fs::path dir_;
    static inline Ran live_;
};

TEST_F(DrillConsole, InjectFiresAndTheTraineesActionsAreScoredLive) {
    ASSERT_EQ(live_.code, 0) << live_.output;
    const nlohmann::json s = summary_of(live_);
    ASSERT_TRUE(s.is_object()) << live_.output;
    EXPECT_EQ(s["time"].get<std::string>().substr(0, 5), "12:40");
    ASSERT_TRUE(s.contains("drill")) << s.dump();
    EXPECT_EQ(s["drill"]["name"], "ARBB failure and the stationary box");
    EXPECT_EQ(s["drill"]["final"], false);  // the drill ends at 21:30: scores so far
    const auto trainees = trainees_of(s);
    // Exactly the two who acted, in the roles they played; nobody else is listed.
    ASSERT_EQ(trainees.size(), 2u) << s["drill"].dump();
    ASSERT_TRUE(trainees.contains("bakyt") && trainees.contains("aigul")) << s["drill"].dump();
    EXPECT_EQ(trainees.at("bakyt")["role"], "pec_chair");
    EXPECT_EQ(trainees.at("aigul")["role"], "help_desk");
    EXPECT_EQ(trainees.at("bakyt")["points"], 20);
    EXPECT_EQ(trainees.at("aigul")["points"], 30);
    // The chair replaced the box 8 minutes after the inject (expected 10m): full points for the time.
    EXPECT_GE(trainees.at("bakyt")["earned"].get<double>(), 10.0) << s["drill"].dump();
    EXPECT_GT(trainees.at("aigul")["earned"].get<double>(), 0.0) << s["drill"].dump();
    // Both responded within the acceptable limits of every measure: each passed their objective.
    EXPECT_EQ(trainees.at("bakyt")["passed"], 1) << s["drill"].dump();
    EXPECT_EQ(trainees.at("aigul")["passed"], 1) << s["drill"].dump();
    EXPECT_EQ(s["selected"]["pec"], 6050);
}

TEST_F(DrillConsole, RecordNamesTheDrillAndTheInject) {
    ASSERT_EQ(live_.code, 0) << live_.output;
    std::ifstream in(dir_ / "record.yaml");
    const std::string record((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(record.find("drill: "), std::string::npos) << record;
    EXPECT_NE(record.find("arbb-stationary-box.yaml"), std::string::npos) << record;
    EXPECT_NE(record.find("inject: \"arbb-dead\""), std::string::npos) << record;
    EXPECT_NE(record.find("stationary_box"), std::string::npos) << record;
}

TEST_F(DrillConsole, ScreenshotShowsTheDrillTab) {
    ASSERT_EQ(live_.code, 0) << live_.output;
    sf::Image shot;
    ASSERT_TRUE(shot.loadFromFile((dir_ / "drill.png").string()));
    ASSERT_EQ(shot.getSize().x, 1280u);
    ASSERT_EQ(shot.getSize().y, 800u);
    // The drill tab's PASS green and the fired inject's orange are drawn in the fault panel's place
    // (right column, 46 % to 79 % of the height).
    auto has = [&](sf::Color want) {
        for (unsigned y = 368; y < 632; ++y)
            for (unsigned x = 768; x < 1280; ++x)
                if (const sf::Color c = shot.getPixel(x, y); std::abs(c.r - want.r) + std::abs(c.g - want.g) + std::abs(c.b - want.b) < 40) return true;
        return false;
    };
    EXPECT_TRUE(has(sf::Color(128, 217, 128)));  // PASS
    EXPECT_TRUE(has(sf::Color(255, 166, 77)));   // fired at 10:00
}

// The record replayed by the console: the drill is conducted from the record and scores the same.
TEST_F(DrillConsole, ReplayOfTheRecordScoresTheSame) {
    ASSERT_EQ(live_.code, 0) << live_.output;
    std::ofstream(dir_ / "replay.yaml") << "version: 1\nsteps:\n  - advance_to: \"12:40\"\n";
    const Ran replay = run_shell(kXvfb + kExe + " train --replay " + (dir_ / "record.yaml").string() + " --script " + (dir_ / "replay.yaml").string() +
                           " --frames 5 --fps-limit 0");
    ASSERT_EQ(replay.code, 0) << replay.output;
    const nlohmann::json again = summary_of(replay), live = summary_of(live_);
    ASSERT_TRUE(again.contains("drill")) << replay.output;
    EXPECT_EQ(again["time"], live["time"]);
    EXPECT_EQ(again["drill"], live["drill"]);
}

TEST(DrillConsoleArguments, DrillAndScenarioTogetherAreAnInputError) {
    const Ran r = run_shell(kXvfb + kExe + " train " + (kSource / "scenarios/demo-drill.yaml").string() + " --drill " + kDrill + " --frames 1");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("give one of them"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace drill_console_test
