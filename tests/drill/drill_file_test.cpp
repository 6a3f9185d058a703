#include "drill/drill_file.hpp"
#include "sim/drill_record.hpp"

#include <gtest/gtest.h>

#include <filesystem>

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder.
namespace drill_file_test {
namespace {

namespace fs = std::filesystem;
const fs::path kSource(SHAILOO_SOURCE_DIR);
const fs::path kFile = kSource / "drills/test.yaml";

// A small valid drill; each test breaks one thing in it.
const std::string kDrill = R"(version: 1
drill: Test drill
scenario: ../scenarios/drill-talas.yaml
start: "08:00"
end: "21:00"
roles: [pec_chair, help_desk]
injects:
  - {name: dead, at: "10:00", pec: 6050, device: arbb_party_list, fault: dead, support: true}
  - {name: rush, when: {queue_above: 40}, pec: 6055, device: fingerprint_scanner, unit: 2, fault: degraded, severity: 0.6, duration: 1h}
objectives:
  - name: Box
    role: pec_chair
    inject: dead
    steps: [stationary_box]
    measures:
      - {measure: time_to_acknowledge, expected: 5m, acceptable: 15m, points: 10}
      - {measure: ballots_at_risk, expected: 10, acceptable: 50, points: 5}
model_answer:
  - {after: dead, delay: 3m, trainee: model, do: stationary_box, box: party_list}
  - {after: dead, delay: 1m, trainee: model, do: take_call}
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
    auto d = drill::parse_drill_file(text, kFile);
    return d ? std::string("(loaded)") : d.error().message;
}

TEST(DrillFile, ReadsInjectsObjectivesAndTheModelAnswer) {
    auto d = drill::parse_drill_file(kDrill, kFile);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->name, "Test drill");
    EXPECT_EQ(d->scenario, kSource / "scenarios/drill-talas.yaml");
    EXPECT_EQ(d->start, core::at(8, 0));
    ASSERT_EQ(d->injects.size(), 2u);
    EXPECT_EQ(d->injects[0].at, core::at(10, 0));
    EXPECT_TRUE(d->injects[0].action.call_support);
    EXPECT_EQ(d->injects[0].action.duration, 0) << "an inject lasts until someone ends it unless it says";
    ASSERT_TRUE(d->injects[1].when);
    EXPECT_EQ(d->injects[1].when->value, 40);
    EXPECT_EQ(d->injects[1].action.unit, 1) << "desks are numbered from 1 in files";
    EXPECT_EQ(d->injects[1].action.duration, core::kHour);
    ASSERT_EQ(d->objectives.size(), 1u);
    EXPECT_EQ(d->objectives[0].measures[0].expected, 300.0) << "durations are seconds";
    EXPECT_EQ(d->objectives[0].measures[1].acceptable, 50.0);
    ASSERT_EQ(d->model_answer.size(), 2u);
    EXPECT_FALSE(d->model_answer[0].pec_given) << "the PEC is the inject's";
    EXPECT_EQ(d->model_answer[0].action.pec, 6050);
    EXPECT_FALSE(d->model_answer[1].ticket_given) << "the ticket is found when the action is taken";
}

TEST(DrillFile, MistakesNameTheFileLineAndField) {
    const std::string f = kFile.string();
    EXPECT_EQ(error_of(replaced(kDrill, "roles:", "rolez:")), f + ":6: field 'rolez': unknown field");
    EXPECT_EQ(error_of(replaced(kDrill, "{measure: time_to_acknowledge,", "{measure: time_to_ack,")),
              f + ":16: field 'objectives[0].measures[0].measure': 'time_to_ack' is not a measure (docs/drills.md, \"Measures\")");
    EXPECT_EQ(error_of(replaced(kDrill, "    inject: dead", "    inject: deaf")), f + ":13: field 'objectives[0].inject': no inject is named 'deaf'");
    EXPECT_EQ(error_of(replaced(kDrill, "    role: pec_chair", "    role: duty_officer")),
              f + ":12: field 'objectives[0].role': duty_officer is not one of the drill's roles");
    EXPECT_EQ(error_of(replaced(kDrill, "at: \"10:00\"", "at: \"22:00\"")),
              f + ":8: field 'injects[0].at': is outside the drill (after its start, before its end)");
    EXPECT_EQ(error_of(replaced(kDrill, "expected: 10, acceptable: 50", "expected: 60, acceptable: 50")),
              f + ":17: field 'objectives[0].measures[1].acceptable': is less than 'expected'");
    EXPECT_EQ(error_of(replaced(kDrill, "{after: dead, delay: 1m", "{after: alive, delay: 1m")),
              f + ":20: field 'model_answer[1].after': no inject is named 'alive'");
    EXPECT_EQ(error_of(replaced(kDrill, "steps: [stationary_box]", "steps: [take_call]")),
              f + ":14: field 'objectives[0].steps[0]': take_call is not the pec_chair's to do");
    EXPECT_EQ(error_of(replaced(kDrill, "fault: dead, support", "fault: jammed, support")),
              f + ":8: field 'injects[0].fault': 'jammed' is not a fault of arbb_party_list");
    EXPECT_EQ(error_of(replaced(kDrill, "when: {queue_above: 40}", "at: \"09:00\", when: {queue_above: 40}")),
              f + ":9: field 'injects[1].at': give a time ('at') or a condition ('when'), one of them");
    EXPECT_EQ(error_of(replaced(kDrill, "{name: rush,", "{name: dead,")), f + ":9: field 'injects[1].name': is used by another inject");
    EXPECT_EQ(error_of(replaced(kDrill, "trainee: model, do: stationary_box, box: party_list", "trainee: model, do: stationary_box, box: both")),
              f + ":19: field 'model_answer[0].box': 'both' is neither party_list nor district");
}

TEST(DrillFile, AnIncidentInjectTakesItsOwnFieldsAndNamesTheOthers) {
    const std::string f = kFile.string();
    const std::string fault = "{name: rush, when: {queue_above: 40}, pec: 6055, device: fingerprint_scanner, unit: 2, fault: degraded, severity: 0.6, duration: 1h}";
    const auto with = [&](const std::string& inject) { return replaced(kDrill, fault, inject); };
    auto d = drill::parse_drill_file(with("{name: rush, at: \"20:30\", incident: replay, pec: 6055, box: district, copies: 40}"), kFile);
    ASSERT_TRUE(d) << d.error().message;
    ASSERT_TRUE(d->injects[1].incident);
    EXPECT_EQ(*d->injects[1].incident, (sim::Incident{.kind = sim::IncidentKind::replay, .pec = 6055, .box = 1, .copies = 40}));
    EXPECT_EQ(d->injects[1].action.pec, 6055) << "the inject's PEC, for the responses and the measures";
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: meteor, pec: 6055}")),
              f + ":9: field 'injects[1].incident': 'meteor' is not an incident (docs/drills.md, \"Incidents\")");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: stolen_key, pec: 6055, device: modem}")),
              f + ":9: field 'injects[1].device': belongs to a fault inject, not an incident");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: display_error, pec: 6055}")),
              f + ":9: field 'injects[1].pec': a display error is on the public page: it takes no pec");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: stolen_key, pec: 6055, copies: 3}")),
              f + ":9: field 'injects[1].copies': only a replay sends copies");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", pec: 6055, device: modem, fault: dead, box: district}")),
              f + ":9: field 'injects[1].box': belongs to an incident (a fault inject names its device and fault)");
    // A USB device: its `usb` (a named device or a USBGuard description) and `box: station` are its own.
    d = drill::parse_drill_file(with("{name: rush, at: \"20:30\", incident: usb_device, pec: 6055, box: station, usb: keyboard}"), kFile);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(*d->injects[1].incident, (sim::Incident{.kind = sim::IncidentKind::usb_device, .pec = 6055, .box = sim::kStationLaptop, .usb = "keyboard"}));
    EXPECT_TRUE(drill::parse_drill_file(with("{name: rush, at: \"20:30\", incident: usb_device, pec: 6055, usb: 'id 0781:5567 with-interface 08:06:50'}"), kFile));
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: usb_device, pec: 6055, usb: floppy}")),
              f + ":9: field 'injects[1].usb': 'floppy' is neither a named device (stick, keyboard, modem, spoofed-modem) nor a USBGuard "
                  "device description starting with 'id '");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: usb_device, pec: 6055}")).find(f + ":9:"), 0u) << "usb is required";
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: stolen_key, pec: 6055, box: station}")),
              f + ":9: field 'injects[1].box': 'station' is neither party_list nor district");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:30\", incident: replay, pec: 6055, usb: stick}")),
              f + ":9: field 'injects[1].usb': only a usb_device incident plugs in a device");
    // A desk incident: `desk` from 1; a break's `away` (5m to 4h) and `ballots`; no box.
    d = drill::parse_drill_file(with("{name: rush, at: \"13:00\", incident: desk_break, pec: 6055, desk: 2, away: 45m, ballots: 20}"), kFile);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(*d->injects[1].incident,
              (sim::Incident{.kind = sim::IncidentKind::desk_break, .pec = 6055, .desk = 1, .away = 45 * core::kMinute, .ballots = 20}));
    EXPECT_EQ(error_of(with("{name: rush, at: \"13:00\", incident: desk_break, pec: 6055, desk: 1, away: 2m}")),
              f + ":9: field 'injects[1].away': must be from 5m to 4h");
    EXPECT_EQ(error_of(with("{name: rush, at: \"13:00\", incident: pin_request, pec: 6055, desk: 1, ballots: 3}")),
              f + ":9: field 'injects[1].ballots': pin_request takes no ballots");
    EXPECT_EQ(error_of(with("{name: rush, at: \"13:00\", incident: pin_request, pec: 6055, desk: 1, box: district}")),
              f + ":9: field 'injects[1].box': pin_request takes no box");
    EXPECT_EQ(error_of(with("{name: rush, at: \"13:00\", incident: stolen_key, pec: 6055, desk: 1}")),
              f + ":9: field 'injects[1].desk': stolen_key takes no desk");
    EXPECT_EQ(error_of(with("{name: rush, at: \"13:00\", incident: pin_request, pec: 6055}")).find(f + ":9: field 'injects[1].desk'"), 0u)
        << "desk is required";
    // A flood on the CEC's ingest: no PEC; its rate, addresses and length.
    d = drill::parse_drill_file(with("{name: rush, at: \"20:01\", incident: flood, rate: 9000, addresses: 300, lasts: 10m}"), kFile);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(*d->injects[1].incident,
              (sim::Incident{.kind = sim::IncidentKind::flood, .rate = 9000, .addresses = 300, .lasts = 10 * core::kMinute}));
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:01\", incident: flood, pec: 6055}")),
              f + ":9: field 'injects[1].pec': a flood is on the CEC's ingest: it takes no pec");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:01\", incident: flood, lasts: 5h}")), f + ":9: field 'injects[1].lasts': must be from 1m to 4h");
    d = drill::parse_drill_file(with("{name: rush, at: \"20:01\", incident: flood, target: page}"), kFile);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_TRUE(d->injects[1].incident->on_page);
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:01\", incident: flood, target: modem}")),
              f + ":9: field 'injects[1].target': 'modem' is neither ingest nor page");
    EXPECT_EQ(error_of(with("{name: rush, at: \"20:01\", incident: replay, pec: 6055, rate: 5}")),
              f + ":9: field 'injects[1].rate': replay takes no rate");
}

TEST(DrillFile, AScenarioOrARecordGivenForTheOtherIsNamedForWhatItIs) {
    auto scenario = drill::load_drill_file(kSource / "scenarios/drill-talas.yaml");
    ASSERT_FALSE(scenario);
    EXPECT_NE(scenario.error().message.find("this is a scenario (docs/scenarios.md), not a drill file"), std::string::npos)
        << scenario.error().message;
    auto record = sim::load_drill_record(kSource / "drills/arbb-stationary-box.yaml");
    ASSERT_FALSE(record);
    EXPECT_NE(record.error().message.find("this is a drill file (docs/drills.md), not a drill record"), std::string::npos)
        << record.error().message;
}

TEST(DrillFile, EveryShippedDrillAndResponseLoads) {
    int drills = 0;
    for (const auto& entry : fs::directory_iterator(kSource / "drills")) {
        if (entry.path().extension() != ".yaml") continue;
        auto d = drill::load_drill_file(entry.path());
        ASSERT_TRUE(d) << d.error().message;
        EXPECT_TRUE(fs::exists(d->scenario)) << d->scenario;
        ++drills;
        for (const char* kind : {".good.yaml", ".poor.yaml"}) {
            const fs::path r = kSource / "drills/responses" / (entry.path().stem().string() + kind);
            auto responses = drill::load_responses(r, *d);
            EXPECT_TRUE(responses) << r << ": " << (responses ? "" : responses.error().message);
        }
    }
    EXPECT_GE(drills, 5);
}

}  // namespace
}  // namespace drill_file_test
