#include "drill/drill_session.hpp"

// Index of this file:
//   [SECTION] Opening and fault actions
//   [SECTION] Replay
//   [SECTION] Scripts and the map outline
//   [SECTION] After voting close
//   [SECTION] Clearing a fault from a script

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "drill/drill_script.hpp"
#include "drill/map_outline.hpp"
#include "drill/map_view.hpp"
#include "sim/results_json.hpp"
#include "sim/world.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace drill_session_test {

// [SECTION] Opening and fault actions

namespace {

namespace fs = std::filesystem;
using drill::DrillSession;
using drill::WallTime;

const fs::path kSource(SHAILOO_SOURCE_DIR);
const WallTime kWall{std::chrono::seconds(5000)};

std::unique_ptr<DrillSession> open_demo(std::optional<sim::DrillRecord> replay = std::nullopt) {
    auto s = DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::move(replay), core::at(9, 0), kWall, 1);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
}

sim::FaultAction dead_party_arbb() {
    sim::FaultAction a;
    a.target = sim::FaultTarget::arbb_party_list;
    a.fault = devices::Fault::dead;
    a.replace_arbb = true;
    return a;
}

TEST(DrillSession, OpensAtTheStartTimeWithEveryPecOfTheScenario) {
    auto s = open_demo();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->world().now(), core::at(9, 0));
    EXPECT_EQ(s->world().pec_count(), 176u);  // Talas 117 + abroad 59
    EXPECT_EQ(s->views().size(), 176u);
    EXPECT_GT(s->summary().voters, 0);
    EXPECT_EQ(s->summary().reports_printed, 0);
    EXPECT_TRUE(s->reported_curve().empty());  // before 20:00
}

TEST(DrillSession, InjectedFaultReachesTheDeviceAndIsRecorded) {
    auto s = open_demo();
    ASSERT_TRUE(s);
    drill::PecSelection sel;
    sel.pec = 6006;
    auto n = s->inject(sel, dead_party_arbb());
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, 1);
    ASSERT_EQ(s->record().actions.size(), 1u);
    EXPECT_EQ(s->record().actions[0].issued, core::at(9, 0));
    EXPECT_EQ(s->record().actions[0].action.pec, 6006);
    EXPECT_EQ(s->record().actions[0].action.at, core::at(9, 0));  // "now"
    s->step_minute(kWall);
    EXPECT_EQ(s->world().now(), core::at(9, 1));
    EXPECT_TRUE(s->paused());
    const auto i = *s->world().index_of(6006);
    EXPECT_EQ(s->views()[i].state, sim::PecState::device_fault);
    bool found = false;
    for (const auto& f : s->active_faults()) found |= f.pec == 6006 && f.device_id == "6006-arbb-1" && f.fault == devices::Fault::dead;
    EXPECT_TRUE(found);
    ASSERT_TRUE(s->select(6006));
    EXPECT_EQ(s->selected(), i);
    EXPECT_FALSE(s->select(1001));  // Bishkek is not in the demo drill
}

TEST(DrillSession, ShareOfARegionPicksTheSamePecsEveryTime) {
    auto a = open_demo(), b = open_demo();
    ASSERT_TRUE(a && b);
    drill::PecSelection sel;
    sel.scope = drill::PecSelection::Scope::share;
    sel.region = 6;
    sel.share = 0.1;
    sim::FaultAction f;
    f.target = sim::FaultTarget::printer;
    f.fault = devices::Fault::out_of_paper;
    f.duration = 20 * core::kMinute;
    auto na = a->inject(sel, f), nb = b->inject(sel, f);
    ASSERT_TRUE(na && nb);
    EXPECT_EQ(*na, 12);  // round(0.1 x 117)
    ASSERT_EQ(a->record().actions.size(), 1u);
    ASSERT_EQ(b->record().actions.size(), 1u);
    const auto& drawn = a->record().actions[0];
    EXPECT_EQ(drawn.pecs, b->record().actions[0].pecs);
    ASSERT_EQ(drawn.pecs.size(), 12u);
    for (int pec : drawn.pecs) EXPECT_EQ(pec / 1000, 6);
    EXPECT_EQ(drawn.region, 6);
    EXPECT_EQ(drawn.share, 0.1);
}

// An injection into a region is one action in the record and one line in the log, listing the PECs
// it drew; replaying the record (in the console or with `shailoo run --replay`) gives the same results.
TEST(DrillSession, RegionInjectionIsOneRecordedActionAndItsReplayReproducesTheResults) {
    auto live = open_demo();
    ASSERT_TRUE(live);
    drill::PecSelection sel;
    sel.scope = drill::PecSelection::Scope::region;
    sel.region = 6;
    sim::FaultAction printer;
    printer.target = sim::FaultTarget::printer;
    printer.fault = devices::Fault::out_of_paper;
    printer.duration = 40 * core::kMinute;
    ASSERT_TRUE(live->run_to(core::at(10, 20) + 77, kWall));
    auto n = live->inject(sel, printer);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, 117);
    ASSERT_EQ(live->record().actions.size(), 1u);
    const sim::RecordedAction& r = live->record().actions[0];
    EXPECT_EQ(r.pecs.size(), 117u);
    EXPECT_EQ(r.pecs.front(), 6001);
    EXPECT_EQ(r.pecs.back(), 6117);
    EXPECT_EQ(r.region, 6);
    EXPECT_EQ(r.issued, core::at(10, 20) + 77);
    ASSERT_EQ(live->notes().size(), 1u);
    EXPECT_EQ(live->notes()[0].pecs, r.pecs);
    EXPECT_EQ(live->notes()[0].text,
              "instructor: region Talas, 117 PECs (6001-6117): printer (desk 1) enters out_of_paper for 40m at 10:20:00");

    const fs::path file = fs::temp_directory_path() / "shailoo_drill_region_record.yaml";
    ASSERT_TRUE(sim::save_drill_record(live->record(), file));
    auto loaded = sim::load_drill_record(file);
    ASSERT_TRUE(loaded) << loaded.error().message;
    ASSERT_EQ(loaded->actions.size(), 1u);
    EXPECT_EQ(loaded->actions[0].pecs, r.pecs);
    const std::string live_json = sim::results_to_json(live->finish(2), live->package(), false).dump();

    auto replayed = open_demo(*loaded);
    ASSERT_TRUE(replayed);
    EXPECT_EQ(sim::results_to_json(replayed->finish(2), replayed->package(), false).dump(), live_json);
    ASSERT_EQ(replayed->record().actions.size(), 1u);
    EXPECT_EQ(replayed->record().actions[0].pecs, r.pecs);
    EXPECT_EQ(replayed->notes().size(), 1u);

    // `shailoo run --replay`: the record applied to a fresh world.
    sim::World world(replayed->package(), replayed->scenario(), loaded->seed, 2);
    ASSERT_TRUE(sim::apply_drill_record(*loaded, world, 2));
    world.run_to_end(2);
    EXPECT_EQ(sim::results_to_json(world.results(), replayed->package(), false).dump(), live_json);
}

TEST(DrillSession, DescribesAnActionOnManyPecsWithEveryPecItDrew) {
    EXPECT_EQ(drill::format_pec_list({6007, 6001, 6002, 6003, 6010, 6011}), "6001-6003, 6007, 6010, 6011");
    EXPECT_EQ(drill::format_pec_list({9001}), "9001");
    sim::RecordedAction r;
    r.action.target = sim::FaultTarget::fingerprint_scanner;
    r.action.fault = devices::Fault::degraded;
    r.action.severity = 0.7;
    r.action.duration = core::kHour;
    r.action.at = core::at(10, 0);
    r.pecs = {6040, 6003};
    r.region = 6;
    r.share = 0.05;
    EXPECT_EQ(drill::describe(r, "Talas"),
              "instructor: 5 % of region Talas, 2 PECs (6003, 6040): fingerprint_scanner (desk 1) enters degraded, severity 0.7 for 1h at 10:00:00");
    r.region = 0;
    EXPECT_EQ(drill::describe(r, "").substr(0, 35), "instructor: 5 % of all PECs, 2 PECs");
    r.pecs.clear();
    r.action.pec = 6006;
    EXPECT_EQ(drill::describe(r, "").substr(0, 48), "instructor: PEC 6006 fingerprint_scanner (desk 1");
}

TEST(DrillSession, RefusesActionsInThePastAndUnknownPecs) {
    auto s = open_demo();
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->run_to(core::at(8, 0), kWall));
    drill::PecSelection sel;
    sel.pec = 1234;
    EXPECT_FALSE(s->inject(sel, dead_party_arbb()));
    sel.scope = drill::PecSelection::Scope::region;
    sel.region = 1;
    EXPECT_FALSE(s->inject(sel, dead_party_arbb()));
    EXPECT_TRUE(s->record().actions.empty());
}

// [SECTION] Replay

TEST(DrillSession, ReplayingTheRecordReproducesTheSessionsResults) {
    std::string live_json, untouched_json;
    sim::DrillRecord record;
    {
        auto s = open_demo();
        ASSERT_TRUE(s);
        drill::PecSelection sel;
        sel.pec = 6006;
        ASSERT_TRUE(s->inject(sel, dead_party_arbb()));
        ASSERT_TRUE(s->run_to(core::at(10, 17) + 345, kWall));
        sim::FaultAction jam;
        jam.target = sim::FaultTarget::arbb_district;
        jam.fault = devices::Fault::jam;
        jam.duration = 90 * core::kMinute;
        sel.pec = 6040;
        ASSERT_TRUE(s->inject(sel, jam));
        s->step_event(kWall);
        record = s->record();
        live_json = sim::results_to_json(s->finish(2), s->package(), false).dump();
    }
    {
        auto replayed = open_demo(record);
        ASSERT_TRUE(replayed);
        EXPECT_EQ(replayed->replay_pending(), 1u);  // the 09:00 action is applied on opening, the 10:17 one later
        EXPECT_EQ(sim::results_to_json(replayed->finish(2), replayed->package(), false).dump(), live_json);
        EXPECT_EQ(replayed->record().actions.size(), 2u);
    }
    {
        auto untouched = open_demo();
        ASSERT_TRUE(untouched);
        untouched_json = sim::results_to_json(untouched->finish(2), untouched->package(), false).dump();
    }
    EXPECT_NE(untouched_json, live_json);
}

TEST(DrillSession, ReplayOfARecordFromAnotherScenarioIsRefused) {
    sim::DrillRecord record;
    record.scenario_name = "Some other drill";
    auto s = DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, record, core::at(9, 0), kWall, 1);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("Some other drill"), std::string::npos);
}

// [SECTION] Scripts and the map outline

TEST(DrillScript, RejectsUnknownStepsAndFaultsWithFileAndLine) {
    const fs::path dir = fs::temp_directory_path() / "shailoo_trainer_test";
    fs::create_directories(dir);
    auto load = [&](const std::string& name, const std::string& steps) {
        std::ofstream(dir / name) << "version: 1\nsteps:\n" << steps;
        auto s = drill::load_drill_script(dir / name);
        return s ? std::string("loaded") : s.error().message;
    };
    EXPECT_NE(load("a.yaml", "  - jump: 3\n").find("a.yaml:3: field 'steps[0].jump': unknown step"), std::string::npos);
    EXPECT_NE(load("b.yaml", "  - pause\n  - inject: {pec: 6001, device: webcam, fault: jam}\n")
                  .find("b.yaml:4: field 'steps[1].inject.fault': 'jam' is not a fault of webcam"),
              std::string::npos);
    EXPECT_NE(load("c.yaml", "  - speed: 1000\n").find("field 'steps[0].speed': 1000 is out of range"), std::string::npos);
    EXPECT_NE(load("d.yaml", "  - clear: {region: 6, device: printer, fault: dead}\n").find("clear addresses one PEC"), std::string::npos);
    // .nan passes a plain range check (every comparison with it is false).
    EXPECT_NE(load("f.yaml", "  - speed: .nan\n").find("field 'steps[0].speed': expected a finite number, got .nan"), std::string::npos);
    EXPECT_NE(load("g.yaml", "  - inject: {region: 6, share: .nan, device: printer, fault: dead}\n").find("share': expected a finite number"),
              std::string::npos);
    EXPECT_EQ(load("e.yaml", "  - speed: 600\n  - advance_to: \"10:00\"\n  - step: event\n  - wait_frames: 3\n  - play\n"), "loaded");
    auto ok = drill::load_drill_script(kSource / "tests/trainer/console_actions.yaml");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->steps.size(), 12u);
}

TEST(MapOutline, LoadsTheCommittedKyrgyzstanOutline) {
    auto m = drill::load_map_outline(kSource / "assets/map/kyrgyzstan.geojson");
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->rings.size(), 3u);  // border + Vorukh + Sokh
    EXPECT_GT(m->rings[0].size(), 500u);
    for (const auto& p : m->rings[0]) {
        EXPECT_GE(p.lon, 69.2);
        EXPECT_LE(p.lon, 80.3);
        EXPECT_GE(p.lat, 39.1);
        EXPECT_LE(p.lat, 43.3);
    }
}

}  // namespace

// [SECTION] After voting close

namespace {

// The console follows the night past voting close: PECs close, print their final reports and hand
// them to the modem, and the curve of reports after 20:00 grows.
TEST(DrillSession, FollowsTheNightPastVotingClose) {
    auto s = DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt, core::at(19, 50), kWall, 1);
    ASSERT_TRUE(s) << s.error().message;
    for (int minute = 0; minute < 40; ++minute) (*s)->step_minute(kWall);
    EXPECT_EQ((*s)->world().now(), core::at(20, 30));
    EXPECT_GT((*s)->summary().reports_printed, 100);
    ASSERT_GE((*s)->reported_curve().size(), 30u);
    EXPECT_LE((*s)->reported_curve().front().printed, (*s)->reported_curve().back().printed);
}

// The timeline's curve has a point for every minute from voting close, however the session got
// there: stepping, one jump with run_to (a script's advance_to), or opening after the close.
TEST(DrillSession, TimelineCurveIsFilledAfterAJumpPastVotingClose) {
    auto s = DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt, core::at(19, 50), kWall, 1);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE((*s)->run_to(core::at(22, 0), kWall));
    const auto& curve = (*s)->reported_curve();
    ASSERT_EQ(curve.size(), 121u);  // 20:00, 20:01, ..., 22:00
    for (std::size_t k = 0; k < curve.size(); ++k) {
        EXPECT_EQ(curve[k].at, core::at(20, 0) + static_cast<sim::Time>(k) * core::kMinute);
        EXPECT_LE(curve[k].transmitted, curve[k].printed);
        if (k > 0) {
            EXPECT_GE(curve[k].printed, curve[k - 1].printed);
        }
    }
    EXPECT_LT(curve.front().printed, curve.back().printed);
    EXPECT_GT(curve.back().transmitted, 0);
    EXPECT_EQ(curve.back().printed, (*s)->summary().reports_printed);
    EXPECT_EQ(curve.back().transmitted, (*s)->summary().reports_transmitted);

    auto late = DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt, core::at(21, 0), kWall, 1);
    ASSERT_TRUE(late) << late.error().message;
    ASSERT_EQ((*late)->reported_curve().size(), 61u);
    EXPECT_EQ((*late)->reported_curve()[30].printed, curve[30].printed);  // the same night, sampled the same
}

// The map legend's "device fault" counts what the summary's "PECs with faults" counts, including PECs
// not open yet or closed, whose state is not "device fault".
TEST(DrillSession, MapLegendCountsEveryPecWithAFaultAsTheSummaryDoes) {
    auto s = DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt, core::at(6, 30), kWall, 1);
    ASSERT_TRUE(s) << s.error().message;
    drill::PecSelection sel;
    sel.pec = 6001;
    sim::FaultAction dead;
    dead.target = sim::FaultTarget::printer;
    dead.fault = devices::Fault::dead;
    ASSERT_TRUE((*s)->inject(sel, dead));
    (*s)->step_minute(kWall);
    const auto& summary = (*s)->summary();
    const auto device_fault = static_cast<std::size_t>(sim::PecState::device_fault);
    EXPECT_EQ(summary.pecs_with_faults, 1);
    EXPECT_EQ(summary.by_state[device_fault], 0);  // 6001 is not open yet
    EXPECT_EQ(drill::map_legend(summary)[device_fault].count, summary.pecs_with_faults);
    EXPECT_EQ(drill::map_legend(summary)[static_cast<std::size_t>(sim::PecState::not_open)].count, 176);

    ASSERT_TRUE((*s)->run_to(core::at(21, 0), kWall));  // closed PECs with modems in a fault
    const auto& night = (*s)->summary();
    EXPECT_GT(night.pecs_with_faults, night.by_state[device_fault]);
    EXPECT_EQ(drill::map_legend(night)[device_fault].count, night.pecs_with_faults);
}

}  // namespace

// [SECTION] Clearing a fault from a script

TEST(DrillScript, ClearingAFaultThatIsNotActiveIsAnError) {
    const fs::path dir = fs::temp_directory_path() / "shailoo_trainer_test";
    fs::create_directories(dir);
    std::ofstream(dir / "clear.yaml") << "version: 1\nsteps:\n"
                                         "  - clear: {pec: 6006, device: modem, fault: no_signal}\n"
                                         "  - inject: {pec: 6006, device: modem, fault: no_signal}\n"
                                         "  - advance_to: \"09:05\"\n"
                                         "  - clear: {pec: 6006, device: modem, fault: no_signal}\n"
                                         "  - inject: {pec: 6006, device: printer, fault: dead}\n"
                                         "  - clear: {pec: 6006, device: printer, fault: dead}\n";
    auto script = drill::load_drill_script(dir / "clear.yaml");
    ASSERT_TRUE(script) << script.error().message;
    auto s = DrillSession::open(kSource / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt, core::at(9, 0), kWall, 1);
    ASSERT_TRUE(s) << s.error().message;
    auto& session = **s;
    const auto nothing = drill::run_script_step(*script, script->steps[0], session, kWall);
    ASSERT_FALSE(nothing);
    EXPECT_NE(nothing.error().message.find("clear.yaml:3: clear: no modem of PEC 6006 is in the fault 'no_signal' now"),
              std::string::npos) << nothing.error().message;
    ASSERT_TRUE(drill::run_script_step(*script, script->steps[1], session, kWall));
    ASSERT_TRUE(drill::run_script_step(*script, script->steps[2], session, kWall));
    const auto cleared = drill::run_script_step(*script, script->steps[3], session, kWall);
    EXPECT_TRUE(cleared) << cleared.error().message;
    // Cleared right after its inject, before the world applied it: as in docs/trainer.md's example.
    ASSERT_TRUE(drill::run_script_step(*script, script->steps[4], session, kWall));
    const auto at_once = drill::run_script_step(*script, script->steps[5], session, kWall);
    EXPECT_TRUE(at_once) << at_once.error().message;
}

}  // namespace drill_session_test
