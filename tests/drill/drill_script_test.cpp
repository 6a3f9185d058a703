// Script steps added for the console at its documented size: `screenshot`, `map`, and the default
// duration an `inject` shares with the fault panel (docs/trainer.md).
#include "drill/drill_script.hpp"
#include "sim/help_desk.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace drill_script_test {

namespace {

namespace fs = std::filesystem;
const fs::path kSource(SHAILOO_SOURCE_DIR);
const drill::WallTime kWall{std::chrono::seconds(5000)};

fs::path write_script(const std::string& name, const std::string& steps) {
    const fs::path dir = fs::temp_directory_path() / "shailoo_drill_script_test";
    fs::create_directories(dir);
    std::ofstream(dir / name) << "version: 1\nsteps:\n" << steps;
    return dir / name;
}

std::string error_of(const std::string& name, const std::string& steps) {
    auto s = drill::load_drill_script(write_script(name, steps));
    return s ? std::string("loaded") : s.error().message;
}

// The script of `steps` is refused with a message holding `words`.
::testing::AssertionResult refused_with(const std::string& name, const std::string& steps, const std::string& words) {
    const std::string error = error_of(name, steps);
    if (error.find(words) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << error << "' does not say '" << words << "'";
}

// A script of `steps` loaded, and a session of `scenario` opened at `start` to run it in.
struct Loaded {
    drill::DrillScript script;
    std::unique_ptr<drill::DrillSession> session;
};
Loaded load_and_open(const std::string& name, const std::string& steps, const std::string& scenario, sim::Time start) {
    auto script = drill::load_drill_script(write_script(name, steps));
    EXPECT_TRUE(script) << script.error().message;
    auto session = drill::DrillSession::open(kSource / scenario, std::nullopt, std::nullopt, start, kWall, 1);
    EXPECT_TRUE(session) << session.error().message;
    return {script ? std::move(*script) : drill::DrillScript{}, session ? std::move(*session) : nullptr};
}

TEST(DrillScript, AnInjectWithoutDurationLastsTheDefaultDuration) {
    auto s = drill::load_drill_script(write_script("duration.yaml",
                                                   "  - inject: {pec: 6001, device: printer, fault: dead}\n"
                                                   "  - inject: {pec: 6001, device: printer, fault: dead, duration: 0s}\n"
                                                   "  - inject: {region: 6, device: modem, fault: no_signal, duration: 1h}\n"
                                                   "  - clear: {pec: 6001, device: printer, fault: dead}\n"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(drill::kDefaultFaultDuration, 30 * core::kMinute);
    EXPECT_EQ(s->steps[0].action.duration, drill::kDefaultFaultDuration);
    EXPECT_EQ(s->steps[1].action.duration, 0);  // until cleared
    EXPECT_EQ(s->steps[2].action.duration, core::kHour);
    EXPECT_EQ(s->steps[3].action.duration, 0);  // a clear has none
}

TEST(DrillScript, ScreenshotStepNamesAPngAndWaitsForItsFrames) {
    EXPECT_NE(error_of("shot_a.yaml", "  - pause\n  - screenshot: moment.jpg\n")
                  .find("shot_a.yaml:4: field 'steps[1].screenshot': 'moment.jpg' does not end in .png"),
              std::string::npos);
    EXPECT_NE(error_of("shot_b.yaml", "  - screenshot: [a.png]\n").find("shot_b.yaml:3: field 'steps[0].screenshot': expected a file name"),
              std::string::npos);
    auto script = drill::load_drill_script(write_script("shot.yaml", "  - screenshot: shots/09-30.PNG\n"));
    ASSERT_TRUE(script) << script.error().message;
    ASSERT_EQ(script->steps[0].kind, drill::ScriptStep::Kind::screenshot);
    auto session = drill::DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt, core::at(9, 0), kWall, 1);
    ASSERT_TRUE(session) << session.error().message;
    auto out = drill::run_script_step(*script, script->steps[0], **session, kWall);
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_TRUE(out->screenshot);
    EXPECT_EQ(*out->screenshot, fs::path("shots/09-30.PNG"));
    EXPECT_EQ(out->wait_frames, drill::kScreenshotFrames);
    EXPECT_FALSE(out->map);
}

TEST(DrillScript, MapStepSetsTheViewAndChecksTheRegion) {
    EXPECT_NE(error_of("map_a.yaml", "  - map: {zoom: 1000}\n").find("map_a.yaml:3: field 'steps[0].map.zoom': 1000 is out of range [1, 256]"),
              std::string::npos);
    EXPECT_NE(error_of("map_b.yaml", "  - map: {centre: [72.2]}\n").find("field 'steps[0].map.centre': expected [longitude, latitude]"),
              std::string::npos);
    EXPECT_NE(error_of("map_c.yaml", "  - map: {region: 6, colour: red}\n").find("field 'steps[0].map.colour': unknown field"),
              std::string::npos);
    auto script = drill::load_drill_script(write_script("map.yaml", "  - map: {region: 6, zoom: 4, centre: [72.23, 42.52]}\n"
                                                                    "  - map: {}\n"
                                                                    "  - map: {region: 1}\n"));
    ASSERT_TRUE(script) << script.error().message;
    auto session = drill::DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt, core::at(9, 0), kWall, 1);
    ASSERT_TRUE(session) << session.error().message;
    auto talas = drill::run_script_step(*script, script->steps[0], **session, kWall);
    ASSERT_TRUE(talas && talas->map);
    EXPECT_EQ(talas->map->region, 6);
    EXPECT_EQ(talas->map->zoom, 4.0);
    ASSERT_TRUE(talas->map->centre);
    EXPECT_EQ(talas->map->centre->lon, 72.23);
    auto whole = drill::run_script_step(*script, script->steps[1], **session, kWall);
    ASSERT_TRUE(whole && whole->map);
    EXPECT_EQ(whole->map->region, 0);
    EXPECT_EQ(whole->map->zoom, 1.0);
    EXPECT_FALSE(whole->map->centre);
    auto bishkek = drill::run_script_step(*script, script->steps[2], **session, kWall);  // not in the demo drill
    ASSERT_FALSE(bishkek);
    EXPECT_NE(bishkek.error().message.find("map.yaml:5: map: no PEC of region 1 is in this drill"), std::string::npos)
        << bishkek.error().message;
}

// A trainee's action from a script: recorded with the trainee's id and the world's answer; a refusal
// does not stop the script unless the step expects an acceptance.
TEST(DrillScript, ActStepsTakeTraineesActionsAndRecordTheirAnswers) {
    EXPECT_TRUE(refused_with("act_bad.yaml", "  - act: {trainee: a, do: take_call}\n", "act_bad.yaml:3: field 'steps[0].act.ticket': is missing"));
    EXPECT_TRUE(refused_with("act_key.yaml", "  - act: {trainee: a, do: take_call, ticket: 1, colour: red}\n", "steps[0].act.colour': unknown field"));
    auto loaded = load_and_open("act.yaml",
                                "  - act: {trainee: aigul, do: take_call, ticket: 1, expect: accepted}\n"
                                "  - act: {trainee: aigul, do: guide, ticket: 1}\n"
                                "  - act: {trainee: aigul, do: guide, ticket: 1, expect: accepted}\n"
                                "  - act: {trainee: bakyt, role: pec_chair, do: paper_list, pec: 6001, unit: 1}\n",
                                "scenarios/help-desk-drill.yaml", core::at(12, 0));
    ASSERT_TRUE(loaded.session);
    const auto* script = &loaded.script;
    ASSERT_EQ(script->steps[0].kind, drill::ScriptStep::Kind::act);
    auto& s = *loaded.session;
    ASSERT_NE(s.world().help_desk(), nullptr);
    const auto first = s.world().help_desk()->tickets(s.world().now()).at(0);
    for (int i : {0, 1}) ASSERT_TRUE(drill::run_script_step(*script, script->steps[static_cast<std::size_t>(i)], s, kWall)) << i;
    const bool by_phone = first.call->way != sim::SupportWay::crew;
    // The third step expects the guide accepted: it is, unless the first call needs a crew.
    EXPECT_EQ(static_cast<bool>(drill::run_script_step(*script, script->steps[2], s, kWall)), false) << "guided already, or a crew job";
    ASSERT_TRUE(drill::run_script_step(*script, script->steps[3], s, kWall));
    const auto& actions = s.record().actions;
    ASSERT_EQ(actions.size(), 4u);
    EXPECT_EQ(actions[0].trainee->trainee, "aigul");
    EXPECT_TRUE(actions[0].refused.empty());
    EXPECT_EQ(actions[1].refused.empty(), by_phone) << actions[1].refused;
    EXPECT_FALSE(actions[2].refused.empty());
    EXPECT_EQ(actions[3].trainee->what, sim::TraineeDo::paper_list);
    EXPECT_NE(s.notes().back().text.find("pec_chair bakyt: paper_list PEC 6001 desk 1"), std::string::npos) << s.notes().back().text;
}

TEST(DrillScript, IncidentStepsStartACyberIncidentAndTheDutyOfficerAnswersIt) {
    EXPECT_TRUE(refused_with("incident_bad.yaml", "  - incident: {kind: meteor}\n", "field 'steps[0].incident.kind': 'meteor' is not an incident"));
    EXPECT_TRUE(refused_with("incident_key.yaml", "  - incident: {kind: replay, pec: 6006, colour: red}\n", "steps[0].incident.colour': unknown field"));
    auto loaded = load_and_open("incident.yaml",
                                "  - incident: {kind: display_error}\n"
                                "  - act: {trainee: chynara, do: correct_page, expect: accepted}\n"
                                "  - act: {trainee: chynara, do: correct_page, expect: refused}\n"
                                "  - incident: {kind: replay, pec: 6006, box: district, copies: 25}\n",
                                "scenarios/drill-talas.yaml", core::at(21, 0));
    ASSERT_TRUE(loaded.session);
    EXPECT_EQ(loaded.script.steps[3].incident, (sim::Incident{.kind = sim::IncidentKind::replay, .pec = 6006, .box = 1, .copies = 25}));
    auto& s = *loaded.session;
    for (const auto& step : loaded.script.steps) ASSERT_TRUE(drill::run_script_step(loaded.script, step, s, kWall)) << step.line;
    const auto& actions = s.record().actions;
    ASSERT_EQ(actions.size(), 4u);
    ASSERT_TRUE(actions[0].incident);
    EXPECT_EQ(actions[0].incident->kind, sim::IncidentKind::display_error);
    EXPECT_TRUE(actions[1].refused.empty()) << "the page was wrong: rebuilt";
    EXPECT_FALSE(actions[2].refused.empty()) << "nothing left to correct";
    EXPECT_EQ(actions[3].incident->copies, 25);
}

}  // namespace

}  // namespace drill_script_test
