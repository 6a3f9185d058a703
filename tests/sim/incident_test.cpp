// Cyber incidents on the real chain (issue 15 point 1; sim/incident.hpp, docs/drills.md "Incidents"):
// each attack's messages reach the real central::Ingest, the CEC's checks find it (or show that only
// a comparison with the printed protocol can), and the duty officer's responses work.
//
// Index of this file:
//   [SECTION] A night in Talas
//   [SECTION] Attacks on the wire
//   [SECTION] Removable media
//   [SECTION] Desk access: a PIN told, a desk left logged in
//   [SECTION] A flood of connections on the ingest
//   [SECTION] The display error
//   [SECTION] Records and replay
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "central/publication.hpp"
#include "core/device_keys.hpp"
#include "core/wire.hpp"
#include "inline_scenario.hpp"
#include "sim/drill_record.hpp"
#include "sim/flood.hpp"
#include "sim/incident.hpp"
#include "sim/world.hpp"
#include "devices/device.hpp"

namespace incident_test {
namespace {

using sim::Incident;
using sim::IncidentKind;
using sim::TraineeAction;
using sim::TraineeDo;

// [SECTION] A night in Talas

constexpr const char* kNight = R"(version: 1
name: incidents
package: ../../assets/kg2021
regions: [6]
)";

const sim_test::InlineScenario& night() {
    static const sim_test::InlineScenario d = sim_test::load_inline_scenario(kNight);
    return d;
}

// The night run to its end with `incidents` started at their times (and the duty officer's `responses`).
struct Timed {
    sim::Time at;
    std::optional<Incident> incident;
    std::optional<TraineeAction> response;
};

sim::RunResults run(const std::vector<Timed>& steps, sim::World& world) {
    for (const auto& s : steps) {
        world.advance_to(s.at, 2);
        if (s.incident) {
            EXPECT_TRUE(world.apply(*s.incident)) << sim::describe(*s.incident);
        }
        if (s.response) {
            auto done = world.act(*s.response);
            EXPECT_TRUE(done) << (done ? "" : done.error().message);
        }
    }
    world.run_to_end(2);
    return world.results();
}

// The alerts of the duty officer about `pec` whose text holds `words`.
std::vector<sim::DutyAlert> alerts_with(sim::World& world, int pec, const std::string& words) {
    std::vector<sim::DutyAlert> out;
    for (const auto& a : world.duty_alerts())
        if (a.pec == pec && a.text.find(words) != std::string::npos) out.push_back(a);
    return out;
}

// The published results document (what the public page shows).
nlohmann::json page(const sim::RunResults& r) {
    EXPECT_TRUE(r.central.results);
    return central::results_document(*r.central.results, night().package);
}

bool has_finding(const sim::RunResults& r, int pec, const std::string& check) {
    return std::any_of(r.central.reconciliation.begin(), r.central.reconciliation.end(),
                       [&](const sim::Discrepancy& d) { return d.pec == pec && d.check == check; });
}

const sim::RunResults& baseline() {
    static const sim::RunResults r = [] {
        sim::World world(night().package, night().scenario, 7, 2);
        return run({}, world);
    }();
    return r;
}

constexpr int kPec = 6006;

// [SECTION] Attacks on the wire

TEST(Incidents, AStolenKeyIsStoredFoundAgainstThePrintedProtocolAndRevocationTakesItOffThePage) {
    sim::World world(night().package, night().scenario, 7, 2);
    // Armed before the box reports: the attack acts the moment the box's final report passes.
    world.advance_to(core::at(19, 0), 2);
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::stolen_key, .pec = kPec}));
    world.advance_to(core::at(22, 0), 2);
    const auto found = alerts_with(world, kPec, "differ from the protocol the ARBB printed");
    ASSERT_EQ(found.size(), 1u) << "the chair compares the published figures with the printed protocol";
    const sim::Time forged_at = found[0].at;
    EXPECT_GT(forged_at, core::at(20, 0));
    EXPECT_EQ(world.wrong_on_page(kPec, 0, core::at(22, 0)), core::at(22, 0) - forged_at) << "on the page until someone acts";
    const auto r_before = world.results();
    EXPECT_EQ(r_before.central.counters.accepted, baseline().central.counters.accepted + 1) << "validly signed: the ingest stores it";
    EXPECT_NE(page(r_before), page(baseline())) << "the forged figures are what the page shows";

    const TraineeAction revoke{.trainee = "cholpon", .what = TraineeDo::revoke, .pec = kPec, .box = 0};
    ASSERT_TRUE(world.act(revoke));
    EXPECT_EQ(world.act(revoke).error().message, "device '6006-arbb-1' is revoked already");
    const auto r = run({}, world);
    EXPECT_EQ(world.wrong_on_page(kPec, core::at(22, 0), core::at(23, 59)), 0) << "revoked: its PEC is under review, off the page";
    ASSERT_TRUE(r.central.results);
    EXPECT_EQ(r.central.results->withheld, std::vector<int>{kPec});
    EXPECT_TRUE(has_finding(r, kPec, "box_vs_stored")) << "the reconciliation shows the stored figures are not the printed ones";
    EXPECT_FALSE(has_finding(baseline(), kPec, "box_vs_stored"));
}

TEST(Incidents, ACallToThePecAndAnAcceptPutTheGenuineFiguresBackOnThePageAfterARevocation) {
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(19, 0), 2);
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::stolen_key, .pec = kPec}));
    world.advance_to(core::at(22, 0), 2);
    const TraineeAction accept{.trainee = "cholpon", .what = TraineeDo::accept, .pec = kPec, .box = 0};
    const TraineeAction call{.trainee = "cholpon", .what = TraineeDo::call_pec, .pec = kPec};
    EXPECT_NE(world.act(accept).error().message.find("is not revoked"), std::string::npos);
    ASSERT_TRUE(world.act({.trainee = "cholpon", .what = TraineeDo::revoke, .pec = kPec, .box = 0}));
    EXPECT_NE(world.act(accept).error().message.find("call PEC 6006 first"), std::string::npos)
        << "only the printed protocol tells which report is genuine";

    world.advance_to(core::at(22, 5), 2);
    const auto heard = world.act(call);
    ASSERT_TRUE(heard);
    EXPECT_NE(heard->find("the party-list ARBB's matches stored report"), std::string::npos) << *heard;
    EXPECT_NE(heard->find("differs from it (the key is revoked)"), std::string::npos) << *heard;
    EXPECT_NE(heard->find("the district ARBB's matches stored report"), std::string::npos) << *heard;
    world.advance_to(core::at(22, 10), 2);
    const auto accepted = world.act(accept);
    ASSERT_TRUE(accepted) << accepted.error().message;
    EXPECT_NE(accepted->find("PEC 6006's figures are published again"), std::string::npos) << *accepted;
    EXPECT_FALSE(world.act(accept)) << "accepted already";

    const auto r = run({}, world);
    ASSERT_TRUE(r.central.results);
    EXPECT_TRUE(r.central.results->withheld.empty());
    EXPECT_EQ(world.wrong_on_page(kPec, core::at(22, 0), core::at(23, 59)), 0);
    EXPECT_EQ(r.central.results->national.option_votes, baseline().central.results->national.option_votes)
        << "the genuine report is counted, the forged one left out";
    EXPECT_EQ(r.central.counters.accepted, baseline().central.counters.accepted + 1) << "the forged report is kept, not dropped";
}

TEST(Incidents, AForgedBoxStaysWrongOnThePageWhateverThePecsOtherBoxReports) {
    // The district box's key stolen: the party-list box's own, correct report must not end the time
    // the page shows the PEC's forged figures, in whichever order the two are stored.
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(19, 0), 2);
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::stolen_key, .pec = kPec, .box = 1}));
    world.advance_to(core::at(22, 0), 2);
    const auto found = alerts_with(world, kPec, "differ from the protocol the ARBB printed");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].text.find("6006-arbb-2"), std::string::npos) << found[0].text;
    EXPECT_EQ(world.wrong_on_page(kPec, 0, core::at(22, 0)), core::at(22, 0) - found[0].at);
}

TEST(Incidents, ARogueDeviceIsRefusedAndAlertedAndChangesNothing) {
    sim::World world(night().package, night().scenario, 7, 2);
    const auto r = run({{core::at(19, 0), Incident{.kind = IncidentKind::rogue_device, .pec = kPec}, {}}}, world);
    EXPECT_EQ(r.central.counters.rejections(central::RejectReason::unknown_device),
              baseline().central.counters.rejections(central::RejectReason::unknown_device) + 1);
    const auto found = alerts_with(world, kPec, "a key not in the registry");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].text.find(sim::rogue_device_id(kPec)), std::string::npos);
    EXPECT_EQ(page(r), page(baseline()));
}

TEST(Incidents, AReplayIsAnsweredDuplicateAndItsRateRaisesAnAlert) {
    sim::World world(night().package, night().scenario, 7, 2);
    const auto r = run({{core::at(21, 30), Incident{.kind = IncidentKind::replay, .pec = kPec, .copies = 30}, {}}}, world);
    EXPECT_EQ(r.central.counters.duplicates, baseline().central.counters.duplicates + 30);
    EXPECT_EQ(alerts_with(world, kPec, "identical retransmissions").size(), 1u);
    EXPECT_EQ(page(r), page(baseline()));
}

TEST(Incidents, ChangedCountsUnderACapturedSequenceFailTheSignatureAndRaiseAnAlert) {
    sim::World world(night().package, night().scenario, 7, 2);
    const auto r = run({{core::at(21, 30), Incident{.kind = IncidentKind::altered_replay, .pec = kPec}, {}}}, world);
    EXPECT_EQ(r.central.counters.rejections(central::RejectReason::bad_signature),
              baseline().central.counters.rejections(central::RejectReason::bad_signature) + 1);
    EXPECT_EQ(alerts_with(world, kPec, "failed its signature check").size(), 1u);
    EXPECT_EQ(page(r), page(baseline()));
}

TEST(Incidents, TheAttackersReportKeepsEveryControlRatioAndSwapsTheLeaders) {
    const auto keys = core::derive_device_keys(core::kSimulatedDeviceSecret, "6006-arbb-1");
    // craft_attack on a report made here: the leader loses just enough to fall behind the second.
    core::ArbbReport report;
    report.kind = core::ReportKind::final;
    report.pec = kPec;
    report.device_id = "6006-arbb-1";
    report.option_counts = {3, 100, 40, 7};
    report.preference_counts = {{90, 10}, {40, 0}, {7, 7}};
    report.valid = 150;
    const core::WireReport wire{{"kg2021", kPec, "6006-arbb-1", 5, core::at(20, 10)}, report};
    const auto signed_bytes = core::encode_signed_report(wire, keys.secret_key);
    auto crafted = sim::craft_attack({.kind = IncidentKind::stolen_key, .pec = kPec}, signed_bytes, core::kSimulatedDeviceSecret, core::at(21, 0));
    ASSERT_TRUE(crafted) << crafted.error().message;
    ASSERT_EQ(crafted->size(), 1u);
    const auto envelope = core::open_envelope((*crafted)[0].bytes);
    ASSERT_TRUE(envelope);
    const auto forged = core::decode_body(envelope->body);
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->header.sequence, 6u) << "the next sequence number";
    EXPECT_EQ(forged->header.sent_at, core::at(21, 0));
    const auto& counts = std::get<core::ArbbReport>(forged->payload);
    EXPECT_EQ(counts.option_counts, (std::vector<std::int64_t>{3, 69, 71, 7})) << "31 votes moved: the second now leads";
    EXPECT_EQ(counts.preference_counts[0], (std::vector<std::int64_t>{69, 10})) << "no preference above its party's votes";
    EXPECT_TRUE(core::verify_detached(keys.public_key, envelope->body, envelope->signature)) << "signed with the stolen key";
    report.option_counts = {0, 0, 0, 0};
    const auto empty = core::encode_signed_report({wire.header, report}, keys.secret_key);
    EXPECT_EQ(sim::craft_attack({.kind = IncidentKind::stolen_key, .pec = kPec}, empty, core::kSimulatedDeviceSecret, 0).error().message,
              "the report counts no votes: nothing to change");
}

TEST(Incidents, AnIncidentAtAPecOrBoxThatIsNotThereIsRefused) {
    sim::World world(night().package, night().scenario, 7, 2);
    EXPECT_EQ(world.apply(Incident{.kind = IncidentKind::replay, .pec = 1001}).error().message, "no PEC 1001 in this run");
}

TEST(Incidents, AFollowedPhishingMessageLeaksTheKeyAndAReportedOneWarnsTheCec) {
    const auto chair = [](TraineeDo what) { return TraineeAction{.trainee = "bakyt", .what = what, .pec = kPec}; };
    sim::World followed(night().package, night().scenario, 7, 2);
    followed.advance_to(core::at(19, 30), 2);
    EXPECT_EQ(followed.act(chair(TraineeDo::report_phishing)).error().message, "PEC 6006's chair has no message waiting");
    ASSERT_TRUE(followed.apply(Incident{.kind = IncidentKind::phishing, .pec = kPec}));
    ASSERT_TRUE(followed.inbox(kPec));
    EXPECT_NE(followed.inbox(kPec)->find("Upload its key file"), std::string::npos);
    followed.advance_to(core::at(19, 40), 2);
    ASSERT_TRUE(followed.act(chair(TraineeDo::follow_link)));
    EXPECT_FALSE(followed.inbox(kPec)) << "the message is answered";
    EXPECT_EQ(followed.act(chair(TraineeDo::report_phishing)).error().message, "PEC 6006's chair has no message waiting");
    const auto leaked = run({}, followed);
    EXPECT_EQ(leaked.central.counters.accepted, baseline().central.counters.accepted + 1) << "the leaked key signs a forged report";
    EXPECT_TRUE(has_finding(leaked, kPec, "box_vs_stored"));
    EXPECT_EQ(alerts_with(followed, kPec, "differ from the protocol the ARBB printed").size(), 1u);

    sim::World reported(night().package, night().scenario, 7, 2);
    const auto r = run({{core::at(19, 30), Incident{.kind = IncidentKind::phishing, .pec = kPec}, {}},
                        {core::at(19, 35), {}, chair(TraineeDo::report_phishing)}},
                       reported);
    EXPECT_EQ(alerts_with(reported, kPec, "reports a phishing message").size(), 1u);
    EXPECT_EQ(page(r), page(baseline())) << "nothing leaked";
}

// [SECTION] Removable media

// Whether desk 1's fingerprint reader of `pec` is in the dead fault now.
bool desk_reader_dead(const sim::World& world, int pec) {
    for (std::size_t i = 0; i < world.pec_count(); ++i) {
        const auto d = world.detail(i);
        if (d.view.number != pec) continue;
        for (const auto& dev : d.devices)
            if (dev.id == core::device_id(pec, core::DeviceRole::identification) + "-fingerprint")
                return ((dev.faults >> static_cast<unsigned>(devices::Fault::dead)) & 1u) != 0;
    }
    return false;
}

TEST(Incidents, AStickInAnArbbIsRejectedByItsPolicyAndTheChairsReportReachesTheDutyOfficer) {
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(15, 0), 2);
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = kPec, .box = 0, .usb = "stick"}));
    const auto notice = world.usb_notice(kPec);
    ASSERT_TRUE(notice);
    EXPECT_NE(notice->text.find("blocked by rule 10 of its policy (reject with-interface one-of { 08:*:* 03:*:* })"), std::string::npos) << notice->text;
    const TraineeAction report{.trainee = "bakyt", .what = TraineeDo::report_device, .pec = kPec, .box = 0};
    EXPECT_FALSE(world.act({.trainee = "bakyt", .what = TraineeDo::report_device, .pec = kPec, .box = 1})) << "nothing at the district ARBB";
    ASSERT_TRUE(world.act(report));
    EXPECT_FALSE(world.usb_notice(kPec));
    EXPECT_EQ(alerts_with(world, kPec, "reports a USB device (stick) plugged into its ARBB").size(), 1u);
    EXPECT_FALSE(world.act(report)) << "nothing waits any more";
    // Two at once: the page shows the older; each action names its machine.
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = kPec, .box = 1, .usb = "keyboard"}));
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = kPec, .box = sim::kStationLaptop, .usb = "stick"}));
    EXPECT_NE(world.usb_notice(kPec)->text.find("the district ARBB"), std::string::npos);
    ASSERT_TRUE(world.act({.trainee = "bakyt", .what = TraineeDo::report_device, .pec = kPec, .box = sim::kStationLaptop}));
    EXPECT_EQ(world.usb_notice(kPec)->box, 1);
    ASSERT_TRUE(world.act({.trainee = "bakyt", .what = TraineeDo::report_device, .pec = kPec, .box = 1}));
    const auto r = run({}, world);
    EXPECT_EQ(page(r), page(baseline())) << "blocked and reported: the night is the night without it";
}

TEST(Incidents, AStickTheChairAllowsOnAnArbbCopiesItsKeyAndAForgedReportFollows) {
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(15, 0), 2);
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = kPec, .box = 0, .usb = "stick"}));
    ASSERT_TRUE(world.act({.trainee = "bakyt", .what = TraineeDo::allow_device, .pec = kPec, .box = 0}));
    world.advance_to(core::at(23, 0), 2);
    EXPECT_EQ(alerts_with(world, kPec, "differ from the protocol the ARBB printed").size(), 1u);
    EXPECT_GT(world.wrong_on_page(kPec, 0, core::at(23, 0)), 0);
}

TEST(Incidents, ABadUsbKeyboardAllowedOnTheStationStopsItsBiometricsAndTheSpareModemIsSimplyAllowed) {
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(10, 0), 2);
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = kPec, .box = sim::kStationLaptop, .usb = "keyboard"}));
    EXPECT_NE(world.usb_notice(kPec)->text.find("the identification station's laptop: blocked by rule"), std::string::npos);
    EXPECT_FALSE(desk_reader_dead(world, kPec));
    ASSERT_TRUE(world.act({.trainee = "bakyt", .what = TraineeDo::allow_device, .pec = kPec, .box = sim::kStationLaptop}));
    world.advance_to(core::at(10, 1), 2);
    EXPECT_TRUE(desk_reader_dead(world, kPec)) << "the payload encrypted the biometric software";

    // The procured modem model on an ARBB: its policy allows it, nothing waits, nothing happens.
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = 6010, .box = 1, .usb = "modem"}));
    EXPECT_FALSE(world.usb_notice(6010));
    // A device claiming the modem's id with a keyboard interface is not the modem.
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = 6010, .box = 1, .usb = "spoofed-modem"}));
    EXPECT_TRUE(world.usb_notice(6010));
    EXPECT_FALSE(world.apply(Incident{.kind = IncidentKind::usb_device, .pec = 6011, .box = 1, .usb = "floppy"}));
}

// [SECTION] Desk access: a PIN told, a desk left logged in

// A PEC with several desks, its operator of desk 1 on a 30-minute break from 13:00.
constexpr int kDeskPec = 6055;

sim::PecResult result_at(const sim::RunResults& r, int pec) {
    const auto it = std::find_if(r.pecs.begin(), r.pecs.end(), [&](const sim::PecResult& p) { return p.number == pec; });
    EXPECT_NE(it, r.pecs.end());
    return it == r.pecs.end() ? sim::PecResult{} : *it;
}

TEST(Incidents, ADeskLeftLoggedInIssuesBallotsToCollectedPassportsThatNoCheckOfTheCecFinds) {
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(13, 0), 2);
    const Incident on_break{.kind = IncidentKind::desk_break, .pec = kDeskPec, .desk = 0, .away = 30 * core::kMinute, .ballots = 15};
    ASSERT_TRUE(world.apply(on_break));
    const auto notice = world.desk_notice(kDeskPec);
    ASSERT_TRUE(notice);
    EXPECT_FALSE(notice->pin_request);
    EXPECT_NE(notice->text.find("her session on the desk is still open"), std::string::npos) << notice->text;
    EXPECT_FALSE(world.apply(on_break)) << "she is on her break already";
    world.advance_to(core::at(13, 10), 2);
    const auto detail = world.detail(*world.index_of(kDeskPec));
    EXPECT_EQ(detail.forged_ballots, 15);
    const auto r = run({}, world);
    const sim::PecResult pec = result_at(r, kDeskPec), before = result_at(baseline(), kDeskPec);
    EXPECT_EQ(pec.forged_ballots, 15);
    EXPECT_GE(pec.identification.manual, before.identification.manual + 15) << "the real desk issued each by the paper list";
    EXPECT_GT(pec.identification.refused_already_voted, before.identification.refused_already_voted)
        << "voters whose passports he used came later and were refused as having voted";
    EXPECT_EQ(pec.final_reports[0].option_counts[1], pec.truth.party[1]) << "the boxes counted his sheets as they counted any";
    // Nothing the CEC checks sees it: no alert, no reconciliation finding, and the page shows the stored figures.
    EXPECT_TRUE(alerts_with(world, kDeskPec, "").empty());
    EXPECT_FALSE(std::any_of(r.central.reconciliation.begin(), r.central.reconciliation.end(),
                             [](const sim::Discrepancy& d) { return d.pec == kDeskPec; }));
    EXPECT_EQ(pec.reports_rejected, 0);
}

TEST(Incidents, ADeskTheChairLocksStaysShutToTheMemberUnlessHeWasToldThePin) {
    const auto forged = [](bool told, bool locked) {
        sim::World world(night().package, night().scenario, 7, 2);
        world.advance_to(core::at(11, 0), 2);
        EXPECT_TRUE(world.apply(Incident{.kind = IncidentKind::pin_request, .pec = kDeskPec, .desk = 0}));
        const auto request = world.desk_notice(kDeskPec);
        EXPECT_TRUE(request && request->pin_request);
        EXPECT_NE(request->text.find("the PIN of Aida, the operator of desk 1"), std::string::npos) << request->text;
        EXPECT_FALSE(world.act({.trainee = "bakyt", .what = TraineeDo::refuse_pin, .pec = kDeskPec, .unit = 1})) << "nobody asks for desk 2's";
        EXPECT_TRUE(world.act({.trainee = "bakyt", .what = told ? TraineeDo::give_pin : TraineeDo::refuse_pin, .pec = kDeskPec, .unit = 0}));
        EXPECT_FALSE(world.desk_notice(kDeskPec));
        EXPECT_EQ(alerts_with(world, kDeskPec, "asked for the PIN of desk 1's operator").size(), told ? 0u : 1u);
        world.advance_to(core::at(13, 0), 2);
        EXPECT_TRUE(world.apply(Incident{.kind = IncidentKind::desk_break, .pec = kDeskPec, .desk = 0, .away = 30 * core::kMinute, .ballots = 15}));
        world.advance_to(core::at(13, 2), 2);
        if (locked) {
            const auto done = world.act({.trainee = "bakyt", .what = TraineeDo::lock_desk, .pec = kDeskPec, .unit = 0});
            EXPECT_TRUE(done && done->find("locked until Aida is back") != std::string::npos) << (done ? *done : done.error().message);
            EXPECT_FALSE(world.desk_notice(kDeskPec)) << "nothing open any more";
            EXPECT_FALSE(world.act({.trainee = "bakyt", .what = TraineeDo::lock_desk, .pec = kDeskPec, .unit = 0})) << "locked already";
        }
        world.advance_to(core::at(14, 0), 2);
        const auto d = world.detail(*world.index_of(kDeskPec));
        EXPECT_TRUE(d.access.size() == 1 && d.access[0].open && !d.access[0].away) << "Aida is back and logged in";
        return d.forged_ballots;
    };
    EXPECT_EQ(forged(false, true), 0);
    EXPECT_EQ(forged(true, true), 15) << "locking does not help once the PIN is out";
    EXPECT_EQ(forged(false, false), 15);
}

TEST(Incidents, ADeskIncidentAtADeskThatIsNotThereOrOutsideVotingIsRefused) {
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(7, 0), 2);
    EXPECT_FALSE(world.apply(Incident{.kind = IncidentKind::desk_break, .pec = kDeskPec, .desk = 0})) << "voting is not open";
    world.advance_to(core::at(9, 0), 2);
    const auto no_desk = world.apply(Incident{.kind = IncidentKind::pin_request, .pec = kDeskPec, .desk = 40});
    ASSERT_FALSE(no_desk);
    EXPECT_NE(no_desk.error().message.find("has no desk 41"), std::string::npos) << no_desk.error().message;
    EXPECT_FALSE(world.act({.trainee = "bakyt", .what = TraineeDo::give_pin, .pec = kDeskPec, .unit = 0})) << "nobody asked";
}

// [SECTION] A flood of connections on the ingest

TEST(Incidents, AFloodOnTheIngestCutsThePecsReportsOffUntilTheDutyOfficerRestrictsItToTheModemsNetworks) {
    const auto night_with = [](std::optional<sim::Time> restrict_at) {
        sim::World world(night().package, night().scenario, 7, 2);
        world.advance_to(core::at(20, 1), 2);
        EXPECT_TRUE(world.apply(Incident{.kind = IncidentKind::flood, .rate = 12'000, .addresses = 20'000, .lasts = 20 * core::kMinute}));
        EXPECT_FALSE(world.apply(Incident{.kind = IncidentKind::flood})) << "one flood at a time";
        world.advance_to(core::at(20, 2), 2);
        EXPECT_EQ(alerts_with(world, 0, "a flood of connections").size(), 1u) << "the budget's closures climb at once";
        if (restrict_at) {
            world.advance_to(*restrict_at, 2);
            const TraineeAction restrict{.trainee = "chynara", .what = TraineeDo::restrict_ingest};
            EXPECT_TRUE(world.act(restrict));
            EXPECT_FALSE(world.act(restrict)) << "restricted already";
        }
        auto r = run({}, world);
        return std::pair{world.connections_cut(), r};
    };
    const auto [cut, flooded] = night_with(std::nullopt);
    EXPECT_GT(cut, 50) << "the PECs' connections closed before their reports arrived";
    // Nothing lost, nothing twice: once the flood is over every report is stored, and the page is the night's.
    EXPECT_EQ(flooded.central.counters.committed, baseline().central.counters.committed);
    EXPECT_EQ(page(flooded), page(baseline()));
    const auto last_report = [](const sim::RunResults& r) {
        sim::Time last = 0;
        for (const auto& p : r.pecs) last = std::max(last, p.reported_at);
        return last;
    };
    std::int64_t later = 0;
    for (std::size_t i = 0; i < flooded.pecs.size(); ++i) later += flooded.pecs[i].reported_at > baseline().pecs[i].reported_at ? 1 : 0;
    EXPECT_GT(later, 20) << "their modems sent them again, a minute later each time, until the flood ended";
    EXPECT_GE(last_report(flooded), last_report(baseline()));
    const auto [cut_restricted, restricted] = night_with(core::at(20, 4));
    EXPECT_EQ(cut_restricted, 0) << "restricted before the PECs reported: the flood closed at accept";
    EXPECT_EQ(page(restricted), page(baseline()));
}

TEST(Incidents, AFloodOnTheResultsPageMakesTheCecsProbeFailUntilItEnds) {
    sim::World world(night().package, night().scenario, 7, 2);
    world.advance_to(core::at(20, 40), 2);
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::flood, .rate = 12'000, .addresses = 20'000, .lasts = 10 * core::kMinute, .on_page = true}));
    EXPECT_FALSE(world.apply(Incident{.kind = IncidentKind::flood, .on_page = true})) << "one flood on the page at a time";
    EXPECT_TRUE(world.apply(Incident{.kind = IncidentKind::flood, .rate = 500, .addresses = 10, .lasts = core::kMinute})) << "the ingest's is another";
    world.advance_to(core::at(21, 0), 2);
    EXPECT_EQ(alerts_with(world, 0, "a flood of connections on the page").size(), 1u);
    const sim::Time down = world.page_unreachable(core::at(20, 40), core::at(21, 0));
    EXPECT_GE(down, 9 * core::kMinute);
    EXPECT_LE(down, 10 * core::kMinute + sim::kProbeEvery);
    EXPECT_EQ(world.page_unreachable(core::at(20, 51), core::at(21, 0)), 0) << "the flood is over";
    // As many addresses, slower: 3,000 a second put 300 connections into a request's 0.1 s, under the page's 512.
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::flood, .rate = 3'000, .addresses = 20'000, .lasts = 5 * core::kMinute, .on_page = true}));
    world.advance_to(core::at(21, 10), 2);
    EXPECT_EQ(world.page_unreachable(core::at(21, 0), core::at(21, 10)), 0);
    EXPECT_EQ(world.connections_cut(), 0) << "the page's floods and a slow one on the ingest cut no PEC's report";
}

// [SECTION] The display error

TEST(Incidents, TheDisplayErrorIsFoundByThePageCheckAndCorrectedByTheDutyOfficer) {
    sim::World world(night().package, night().scenario, 7, 2);
    const TraineeAction correct{.trainee = "cholpon", .what = TraineeDo::correct_page};
    world.advance_to(core::at(21, 0), 2);
    EXPECT_EQ(world.act(correct).error().message, "the public page shows the store's figures: nothing to correct");
    ASSERT_TRUE(world.apply(Incident{.kind = IncidentKind::display_error}));
    EXPECT_EQ(world.apply(Incident{.kind = IncidentKind::display_error}).error().message, "the public page already shows a display error");
    const auto found = alerts_with(world, 0, "the public page's figures differ from the store");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].at, core::at(21, 0)) << "the page is checked against the store as it is rebuilt";
    world.advance_to(core::at(21, 10), 2);
    ASSERT_TRUE(world.act(correct));
    const auto r = run({}, world);
    EXPECT_EQ(world.wrong_on_page(0, 0, core::at(23, 59)), 10 * core::kMinute);
    EXPECT_FALSE(has_finding(r, 0, "stored_vs_published")) << "corrected: the page shows the store";

    sim::World left(night().package, night().scenario, 7, 2);
    const auto uncorrected = run({{core::at(21, 0), Incident{.kind = IncidentKind::display_error}, {}}}, left);
    EXPECT_TRUE(has_finding(uncorrected, 0, "stored_vs_published")) << "left alone, the night ends with the wrong page";
}

// [SECTION] Records and replay

TEST(Incidents, ARecordOfIncidentsReplaysToTheSameNight) {
    sim::DrillRecord rec{.scenario = std::string(SHAILOO_SOURCE_DIR) + "/tests/data/inline.yaml", .scenario_name = "incidents", .seed = 7, .actions = {}};
    const auto add = [&](sim::Time t, Incident i, std::string inject) {
        sim::RecordedAction a;
        a.issued = a.action.at = t;
        a.action.pec = i.pec;
        a.incident = i;
        a.inject = std::move(inject);
        rec.actions.push_back(a);
    };
    add(core::at(19, 0), {.kind = IncidentKind::stolen_key, .pec = kPec, .box = 1}, "stolen");
    add(core::at(21, 0), {.kind = IncidentKind::replay, .pec = 6010, .copies = 25}, "");
    add(core::at(21, 5), {.kind = IncidentKind::display_error}, "page");
    add(core::at(21, 6), {.kind = IncidentKind::usb_device, .pec = 6010, .box = sim::kStationLaptop, .usb = "stick"}, "usb");
    add(core::at(21, 7), {.kind = IncidentKind::pin_request, .pec = 6010, .desk = 1}, "pin");
    add(core::at(21, 8), {.kind = IncidentKind::flood, .rate = 9'000, .addresses = 512, .lasts = 3 * core::kMinute}, "flood");
    add(core::at(21, 9), {.kind = IncidentKind::flood, .rate = 20'000, .addresses = 70'000, .lasts = core::kHour, .on_page = true}, "page");
    const auto file = std::filesystem::temp_directory_path() / "shailoo-incident-record.yaml";
    ASSERT_TRUE(sim::save_drill_record(rec, file));
    const auto back = sim::load_drill_record(file);
    std::filesystem::remove(file);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->actions.size(), 7u);
    for (std::size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(back->actions[i].incident, rec.actions[i].incident) << i;
        EXPECT_EQ(back->actions[i].inject, rec.actions[i].inject) << i;
        EXPECT_EQ(back->actions[i].issued, rec.actions[i].issued) << i;
    }
    sim::World a(night().package, night().scenario, 7, 1), b(night().package, night().scenario, 7, 2);
    ASSERT_TRUE(sim::apply_drill_record(*back, a, 1));
    ASSERT_TRUE(sim::apply_drill_record(*back, b, 2));
    a.run_to_end(1);
    b.run_to_end(2);
    EXPECT_EQ(page(a.results()), page(b.results()));
    EXPECT_EQ(a.duty_alerts().size(), b.duty_alerts().size());
    EXPECT_TRUE(a.usb_notice(6010)) << "the stick waits, blocked, for the chair";
    ASSERT_TRUE(a.desk_notice(6010));
    EXPECT_TRUE(a.desk_notice(6010)->pin_request);
    EXPECT_EQ(a.desk_notice(6010)->desk, 1);
    EXPECT_EQ(a.results().central.counters.duplicates, baseline().central.counters.duplicates + 25);
    const auto bad = sim::parse_drill_record("version: 5\nscenario: inline.yaml\nscenario_name: x\nseed: 1\nactions:\n"
                                             "  - {issued: \"21:00\", incident: meteor, pec: 6006, box: party_list}\n",
                                             "r.yaml");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "r.yaml:6: field 'actions[0].incident': 'meteor' is not an incident (docs/drills.md, \"Incidents\")");
}

}  // namespace
}  // namespace incident_test
