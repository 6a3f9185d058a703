#include "sim/drill_record.hpp"

// Index of this file:
//   [SECTION] Saving and loading records
//   [SECTION] Version 2: the PECs of a region or share injection
//   [SECTION] Replaying records on a world

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/election_package.hpp"
#include "sim/results_json.hpp"
#include "sim/run_setup.hpp"
#include "sim/world.hpp"

// [SECTION] Saving and loading records

namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
    const fs::path dir = fs::temp_directory_path() / "shailoo_drill_record_test";
    fs::create_directories(dir);
    return dir;
}

fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = temp_dir() / name;
    std::ofstream(p) << text;
    return p;
}

sim::FaultAction jam_at_6006() {
    sim::FaultAction a;
    a.at = core::at(10, 0) + 123456;
    a.pec = 6006;
    a.target = sim::FaultTarget::arbb_party_list;
    a.fault = devices::Fault::dead;
    a.replace_arbb = true;
    return a;
}

TEST(DrillRecord, SavesAndLoadsEveryFieldExactly) {
    sim::DrillRecord r;
    r.scenario = (fs::path(SHAILOO_SOURCE_DIR) / "scenarios/demo-drill.yaml").string();
    r.scenario_name = "Demo drill (Talas and abroad)";
    r.seed = 77;
    r.actions.push_back({core::at(9, 59, 3) + 7, jam_at_6006()});
    sim::FaultAction clear;
    clear.at = core::at(11, 0);
    clear.pec = 6007;
    clear.target = sim::FaultTarget::fingerprint_scanner;
    clear.unit = 2;
    clear.fault = devices::Fault::degraded;
    clear.enter = false;
    r.actions.push_back({core::at(10, 30), clear});
    sim::FaultAction slow = jam_at_6006();
    slow.target = sim::FaultTarget::fingerprint_scanner;
    slow.fault = devices::Fault::degraded;
    slow.replace_arbb = false;
    slow.severity = 0.1 + 0.2;  // not exactly representable in short decimal: must survive the round trip
    slow.duration = 90 * core::kMinute + 5 * core::kSecond;
    slow.at = core::at(10, 45);
    r.actions.push_back({core::at(10, 30), slow});

    const fs::path file = temp_dir() / "roundtrip.yaml";
    ASSERT_TRUE(sim::save_drill_record(r, file));
    auto back = sim::load_drill_record(file);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(fs::path(back->scenario).lexically_normal(), fs::path(r.scenario).lexically_normal());
    EXPECT_EQ(back->scenario_name, r.scenario_name);
    EXPECT_EQ(back->seed, 77u);
    ASSERT_EQ(back->actions.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& ea = r.actions[i].action;
        const auto& ga = back->actions[i].action;
        EXPECT_EQ(back->actions[i].issued, r.actions[i].issued);
        EXPECT_EQ(ga.at, ea.at);
        EXPECT_EQ(ga.pec, ea.pec);
        EXPECT_EQ(ga.target, ea.target);
        EXPECT_EQ(ga.unit, ea.unit);
        EXPECT_EQ(ga.fault, ea.fault);
        EXPECT_EQ(ga.enter, ea.enter);
        EXPECT_EQ(ga.severity, ea.severity);
        EXPECT_EQ(ga.duration, ea.duration);
        EXPECT_EQ(ga.replace_arbb, ea.replace_arbb);
    }
}

TEST(DrillRecord, FormatsAndParsesDurations) {
    EXPECT_EQ(sim::format_duration(90 * core::kMinute + 5 * core::kSecond), "1h30m5s");
    EXPECT_EQ(sim::format_duration(0), "0s");
    EXPECT_EQ(*sim::parse_duration(sim::format_duration(3 * core::kHour + 1 * core::kSecond)), 3 * core::kHour + core::kSecond);
}

// Found by fuzzing the drill record (tests/fuzz/regressions/drill_record/duration-overflow.yaml): a
// duration whose microseconds pass 2^63 wrapped round (undefined behaviour) instead of being refused.
TEST(DrillRecord, ADurationTooLongForItsMicrosecondsIsRefused) {
    for (const std::string text : {"222222222222m", "2562047789h", "9223372036854775807s", "1h9223372036854775807s"}) {
        auto d = sim::parse_duration(text);
        ASSERT_FALSE(d) << text << " gave " << *d;
        EXPECT_NE(d.error().message.find("too long a duration"), std::string::npos) << d.error().message;
    }
    EXPECT_EQ(*sim::parse_duration("2562047788h"), 2562047788LL * core::kHour);  // the most whole hours that fit
}

TEST(DrillRecord, RejectsBadFieldsWithFileLineAndField) {
    const std::string head = "version: 1\nscenario: x.yaml\nscenario_name: X\nseed: 1\nactions:\n";
    auto error_of = [&](const std::string& name, const std::string& action) {
        auto r = sim::load_drill_record(write(name, head + action));
        return r ? std::string("loaded") : r.error().message;
    };
    EXPECT_NE(error_of("a.yaml", "  - {issued: \"10:00\", at: \"10:00\", pec: 6001, device: modem, fault: jam, action: enter}\n")
                  .find("a.yaml:6: field 'actions[0].fault': 'jam' is not a fault of modem"),
              std::string::npos);
    EXPECT_NE(error_of("b.yaml", "  - {issued: \"10:00\", at: \"09:00\", pec: 6001, device: printer, fault: dead, action: enter}\n")
                  .find("b.yaml:6: field 'actions[0].at': is before 'issued'"),
              std::string::npos);
    EXPECT_NE(error_of("c.yaml", "  - {issued: \"10:00\", at: \"10:00\", pec: 6001, device: printer, fault: dead, action: enter, colour: red}\n")
                  .find("c.yaml:6: field 'actions[0].colour': unknown field"),
              std::string::npos);
    EXPECT_NE(error_of("d.yaml", "  - {issued: \"10:00\", at: \"10:00\", pec: 61, device: printer, fault: dead, action: enter}\n")
                  .find("field 'actions[0].pec'"),
              std::string::npos);
    EXPECT_NE(error_of("e.yaml", "  - {issued: \"10:00\", at: \"10:00\", pec: 6001, device: printer, fault: dead, action: fix}\n")
                  .find("field 'actions[0].action'"),
              std::string::npos);
    EXPECT_NE(error_of("f.yaml", "  - {issued: \"11:00\", at: \"11:00\", pec: 6001, device: printer, fault: dead, action: enter}\n"
                                 "  - {issued: \"10:00\", at: \"11:00\", pec: 6001, device: printer, fault: dead, action: clear}\n")
                  .find("f.yaml:7: field 'actions[1].issued'"),
              std::string::npos);
    auto v8 = sim::load_drill_record(write("g.yaml", "version: 8\nscenario: x\nscenario_name: X\nseed: 1\n"));
    ASSERT_FALSE(v8);
    EXPECT_NE(v8.error().message.find("g.yaml:1: field 'version': '8' is not a supported version (1 to 7"), std::string::npos)
        << v8.error().message;
    // `pecs` came with version 2: a version 1 record has one PEC per action.
    EXPECT_NE(error_of("h.yaml", "  - {issued: \"10:00\", at: \"10:00\", pecs: [6001], device: printer, fault: dead, action: enter}\n")
                  .find("h.yaml:6: field 'actions[0].pecs': unknown field"),
              std::string::npos);
}

// [SECTION] Version 2: the PECs of a region or share injection

TEST(DrillRecord, Version2ListsThePecsOfOneRegionOrShareInjection) {
    const std::string head = "version: 2\nscenario: x.yaml\nscenario_name: X\nseed: 1\nactions:\n";
    auto error_of = [&](const std::string& name, const std::string& action) {
        auto r = sim::load_drill_record(write(name, head + action));
        return r ? std::string("loaded") : r.error().message;
    };
    EXPECT_NE(error_of("v2a.yaml", "  - {issued: \"10:00\", at: \"10:00\", pecs: [6001, 61], device: printer, fault: dead, action: enter}\n")
                  .find("v2a.yaml:6: field 'actions[0].pecs[1]': '61' is not a 4-digit PEC number"),
              std::string::npos);
    EXPECT_NE(error_of("v2b.yaml", "  - {issued: \"10:00\", at: \"10:00\", pec: 6001, pecs: [6002], device: printer, fault: dead, action: enter}\n")
                  .find("field 'actions[0].pec': give 'pec' or 'pecs', not both"),
              std::string::npos);
    EXPECT_NE(error_of("v2c.yaml", "  - {issued: \"10:00\", at: \"10:00\", pecs: [6001, 6001], device: printer, fault: dead, action: enter}\n")
                  .find("'actions[0].pecs[1]': PEC 6001 is listed twice"),
              std::string::npos);
    EXPECT_NE(error_of("v2d.yaml", "  - {issued: \"10:00\", at: \"10:00\", pec: 6001, region: 6, device: printer, fault: dead, action: enter}\n")
                  .find("'actions[0].region': only an action with 'pecs' has a region or a share"),
              std::string::npos);
    EXPECT_NE(error_of("v2e.yaml", "  - {issued: \"10:00\", at: \"10:00\", pecs: [], device: printer, fault: dead, action: enter}\n")
                  .find("'actions[0].pecs': expected a non-empty list"),
              std::string::npos);

    sim::DrillRecord r;
    r.scenario = "x.yaml";
    r.scenario_name = "X";
    r.seed = 3;
    sim::RecordedAction region;
    region.issued = core::at(10, 20);
    region.action = jam_at_6006();
    region.action.pec = 0;
    region.action.at = core::at(10, 20);
    region.pecs = {6003, 6001, 6117};  // in the order applied, not necessarily sorted
    region.region = 6;
    region.share = 0.05;
    r.actions.push_back(region);
    sim::FaultAction one = jam_at_6006();
    one.at = core::at(10, 31);
    r.actions.push_back({core::at(10, 30), one});
    const fs::path file = temp_dir() / "v2.yaml";
    ASSERT_TRUE(sim::save_drill_record(r, file));
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("version: 7"), std::string::npos);
    EXPECT_NE(text.find("pecs: [6003, 6001, 6117]"), std::string::npos) << text;
    auto back = sim::load_drill_record(file);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->actions.size(), 2u);
    EXPECT_EQ(back->actions[0].pecs, region.pecs);
    EXPECT_EQ(back->actions[0].region, 6);
    EXPECT_EQ(back->actions[0].share, 0.05);
    EXPECT_EQ(sim::pecs_of(back->actions[0]), region.pecs);
    EXPECT_TRUE(back->actions[1].pecs.empty());
    EXPECT_EQ(sim::pecs_of(back->actions[1]), std::vector<int>{6006});
}

TEST(DrillRecord, Version4KeepsTheDrillFileAndTheInjectOfAnAction) {
    sim::DrillRecord r{(fs::path(SHAILOO_SOURCE_DIR) / "scenarios/drill-talas.yaml").string(), "Drill stage", 2021,
                       (fs::path(SHAILOO_SOURCE_DIR) / "drills/arbb-stationary-box.yaml").string(), {}};
    sim::RecordedAction a{core::at(10, 0), jam_at_6006()};
    a.action.at = core::at(10, 0);
    a.inject = "arbb-dead";
    r.actions.push_back(a);
    const fs::path file = temp_dir() / "v4.yaml";
    ASSERT_TRUE(sim::save_drill_record(r, file));
    auto back = sim::load_drill_record(file);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(fs::path(back->drill), fs::path(r.drill).lexically_normal());
    ASSERT_EQ(back->actions.size(), 1u);
    EXPECT_EQ(back->actions[0].inject, "arbb-dead");
    // Older versions know neither field: a version 3 record with them is refused, naming the field.
    const auto v3 = sim::parse_drill_record("version: 3\nscenario: s.yaml\nscenario_name: t\nseed: 1\ndrill: d.yaml\nactions: []\n", "r.yaml");
    ASSERT_FALSE(v3);
    EXPECT_EQ(v3.error().message, "r.yaml:5: field 'drill': is new in version 4");
    const auto inject3 = sim::parse_drill_record(
        "version: 3\nscenario: s.yaml\nscenario_name: t\nseed: 1\nactions:\n  - {issued: \"10:00:00\", at: \"10:00:00\", pec: 6006, "
        "device: modem, unit: 1, fault: dead, action: enter, severity: 1, duration: 0s, inject: x}\n",
        "r.yaml");
    ASSERT_FALSE(inject3);
    EXPECT_NE(inject3.error().message.find("field 'actions[0].inject': unknown field"), std::string::npos) << inject3.error().message;
}

// [SECTION] Replaying records on a world

// A small world (Talas) to replay records on.
class DrillRecordWorld : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const fs::path scenario = write("talas.yaml", fmt::format("version: 1\nname: Talas\npackage: {}\nseed: 5\nregions: [6]\n",
                                                                    (fs::path(SHAILOO_SOURCE_DIR) / "assets/kg2021").string()));
        auto s = sim::load_scenario(scenario);
        ASSERT_TRUE(s) << s.error().message;
        scenario_ = std::make_unique<sim::Scenario>(*s);
        auto p = core::load_election_package(scenario_->package_dir);
        ASSERT_TRUE(p) << p.error().message;
        package_ = std::make_unique<core::ElectionPackage>(std::move(*p));
    }
    static std::string results(const std::function<void(sim::World&)>& before) {
        sim::World world(*package_, *scenario_, 5);
        before(world);
        world.run_to_end(2);
        return sim::results_to_json(world.results(), *package_, false).dump();
    }
    static inline std::unique_ptr<sim::Scenario> scenario_;
    static inline std::unique_ptr<core::ElectionPackage> package_;
};

TEST_F(DrillRecordWorld, ReplayGivesTheResultsOfTheLiveSessionAndTheActionsChangeThem) {
    sim::DrillRecord record;
    record.scenario_name = "Talas";
    record.seed = 5;
    record.actions.push_back({core::at(9, 30), jam_at_6006()});
    sim::FaultAction printer;
    printer.pec = 6010;
    printer.target = sim::FaultTarget::printer;
    printer.fault = devices::Fault::out_of_paper;
    printer.at = core::at(11, 0);
    printer.duration = 2 * core::kHour;
    record.actions.push_back({core::at(11, 0), printer});

    // The live session: the instructor advances the world in frames and acts at the issued times.
    const std::string live = results([&](sim::World& w) {
        for (sim::Time t = core::at(7, 0); t <= core::at(12, 0); t += 61 * core::kSecond) {
            for (const auto& r : record.actions)
                if (r.issued > w.now() && r.issued <= t) {
                    w.advance_to(r.issued);
                    ASSERT_TRUE(w.apply(r.action));
                }
            w.advance_to(t);
        }
    });
    const std::string replayed = results([&](sim::World& w) { ASSERT_TRUE(sim::apply_drill_record(record, w, 2)); });
    const std::string untouched = results([](sim::World&) {});
    EXPECT_EQ(replayed, live);
    EXPECT_NE(replayed, untouched);

    // The dead party-list ARBB at 6006 was replaced: its ballots wait for the manual count.
    sim::World world(*package_, *scenario_, 5);
    ASSERT_TRUE(sim::apply_drill_record(record, world));
    world.run_to_end(2);
    const auto r = world.results();
    const auto& pec = r.pecs[*world.index_of(6006)];
    EXPECT_GT(pec.final_reports[0].ballots_in_box, pec.final_reports[0].ballots_scanned);
    EXPECT_GE(pec.fault_events, 1);
}

// One action listing several PECs is the same as one action per PEC, in that order, at the same time.
TEST_F(DrillRecordWorld, AnActionListingPecsAppliesAtEachOfThem) {
    sim::FaultAction printer;
    printer.target = sim::FaultTarget::printer;
    printer.fault = devices::Fault::out_of_paper;
    printer.at = core::at(10, 0);
    printer.duration = 90 * core::kMinute;
    sim::DrillRecord one, many;
    sim::RecordedAction region{core::at(10, 0), printer, {6040, 6002, 6077}, 6, 0.0};
    one.actions.push_back(region);
    for (int pec : region.pecs) {
        printer.pec = pec;
        many.actions.push_back({core::at(10, 0), printer});
    }
    const std::string with_one = results([&](sim::World& w) { ASSERT_TRUE(sim::apply_drill_record(one, w, 2)); });
    EXPECT_EQ(with_one, results([&](sim::World& w) { ASSERT_TRUE(sim::apply_drill_record(many, w, 2)); }));
    EXPECT_NE(with_one, results([](sim::World&) {}));
}

TEST_F(DrillRecordWorld, ApplyingARecordNamesTheActionThatFails) {
    sim::DrillRecord record;
    auto bad = jam_at_6006();
    bad.pec = 1001;  // not in a Talas-only world
    record.actions.push_back({core::at(9, 0), bad});
    sim::World world(*package_, *scenario_, 5);
    auto ok = sim::apply_drill_record(record, world);
    ASSERT_FALSE(ok);
    EXPECT_NE(ok.error().message.find("action 0 (PEC 1001"), std::string::npos);
}

}  // namespace

// `shailoo run --replay` and the console open a record the same way (sim::open_run).
TEST(OpenRun, AReplayTakesTheRecordsSeedAndMustMatchItsScenario) {
    const fs::path demo = fs::path(SHAILOO_SOURCE_DIR) / "scenarios/demo-drill.yaml";
    sim::DrillRecord record;
    record.scenario = demo.string();
    record.seed = 77;
    auto s = sim::load_scenario(demo);
    ASSERT_TRUE(s) << s.error().message;
    record.scenario_name = s->name;

    auto plain = sim::open_run(demo, std::nullopt, std::nullopt);
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->seed, s->seed);
    EXPECT_FALSE(plain->package.pecs.empty());

    auto replay = sim::open_run(demo, record, std::nullopt);
    ASSERT_TRUE(replay) << replay.error().message;
    EXPECT_EQ(replay->seed, 77u);
    ASSERT_TRUE(replay->replay);

    auto other_seed = sim::open_run(demo, record, 78);
    ASSERT_FALSE(other_seed);
    EXPECT_NE(other_seed.error().message.find("seed 78 differs from the drill record's seed 77"), std::string::npos);

    record.scenario_name = "another night";
    auto other_scenario = sim::open_run(demo, record, std::nullopt);
    ASSERT_FALSE(other_scenario);
    EXPECT_NE(other_scenario.error().message.find("was made with scenario 'another night'"), std::string::npos);
}
