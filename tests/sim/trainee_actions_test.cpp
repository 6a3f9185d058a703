// Trainees' actions (issue 14 point 2; docs/trainees.md): the help desk played by trainees, the PEC
// chair's and the duty officer's actions, their preconditions and refusals, and their drill records.
//
// Index of this file:
//   [SECTION] A drill in Talas
//   [SECTION] The help desk
//   [SECTION] The PEC chair
//   [SECTION] The duty officer
//   [SECTION] Records and replay
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "inline_scenario.hpp"
#include "sim/drill_record.hpp"
#include "sim/help_desk.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/support.hpp"
#include "sim/world.hpp"

namespace trainee_actions_test {
namespace {

using devices::Fault;
using sim::TraineeAction;
using sim::TraineeDo;

const std::string kData = std::string(SHAILOO_SOURCE_DIR) + "/tests/data/";

// [SECTION] A drill in Talas

// Talas with the help desk played by trainees: PEC 6001's fingerprint scanner dies at 09:00 (a crew
// must come), 6002's party-list ARBB jams at 09:10 (fixed by phone), 6004's dies at 10:00, 6003's
// modem loses its signal at 19:50 for two hours.
constexpr const char* kDrill = R"(version: 1
name: trainees
package: ../../assets/kg2021
regions: [6]
support: {help_desk: trainees}
faults:
  - {device: fingerprint_scanner, fault: dead, pecs: [6001], from: "09:00"}
  - {device: arbb_party_list, fault: jam, pecs: [6002], from: "09:10"}
  - {device: arbb_party_list, fault: dead, pecs: [6004], from: "10:00"}
  - {device: modem, fault: no_signal, pecs: [6003], from: "19:50", duration: 2h}
)";

using Drill = sim_test::InlineScenario;

Drill load_drill(const std::string& text = kDrill) { return sim_test::load_inline_scenario(text); }

TraineeAction desk(TraineeDo what, int ticket, std::string base = "") {
    return {.trainee = "aigul", .what = what, .ticket = ticket, .base = std::move(base)};
}

TraineeAction at_pec(TraineeDo what, int pec, std::string trainee = "bakyt") { return {.trainee = std::move(trainee), .what = what, .pec = pec}; }

std::uint32_t faults_of(const sim::World& world, int pec, devices::DeviceKind kind) {
    std::uint32_t bits = 0;
    for (const auto& d : world.detail(*world.index_of(pec)).devices)
        if (d.kind == kind) bits |= d.faults;
    return bits;
}

// The base whose crew reaches PEC `pec` soonest.
std::string nearest_base(const Drill& d, int pec) {
    const core::Pec* p = nullptr;
    for (const auto& q : d.package.pecs)
        if (q.number == pec) p = &q;
    std::string best;
    double best_minutes = 1e9;
    for (const auto& b : d.package.support->bases)
        if (const double m = sim::travel_minutes(*d.package.support, b, p->lat, p->lon); m < best_minutes) best = b.name, best_minutes = m;
    return best;
}

std::string refusal(const core::Result<std::string>& r) { return r ? std::string("accepted: ") + *r : r.error().message; }

// [SECTION] The help desk

TEST(TraineeHelpDesk, ACallRingsWhenTheFaultStartsAndEachStepHasItsPreconditions) {
    const auto d = load_drill();
    sim::World world(d.package, d.scenario, 7, 2);
    ASSERT_NE(world.help_desk(), nullptr);
    world.advance_to(core::at(8, 59), 2);
    EXPECT_TRUE(world.help_desk()->tickets(world.now()).empty());
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::take_call, 1))), "no ticket 1 (the help desk has 0 so far)") << "no future call shows";
    world.advance_to(core::at(9, 1), 2);
    const auto tickets = world.help_desk()->tickets(world.now());
    ASSERT_EQ(tickets.size(), 1u);
    EXPECT_EQ(tickets[0].call->pec, 6001);
    EXPECT_EQ(tickets[0].state, sim::TicketState::ringing);
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::guide, 1))), "ticket 1 is ringing: it cannot be guided");
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::close_ticket, 1))), "ticket 1 is ringing: it cannot be closed (its fault is not resolved)");
    ASSERT_TRUE(world.act(desk(TraineeDo::take_call, 1)));
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::take_call, 1))), "ticket 1 is open: it cannot be taken");
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::guide, 1))),
              "ticket 1: PEC 6001: fingerprint_scanner dead cannot be fixed by phone; dispatch a crew with a spare");
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::dispatch_crew, 1, "Atlantis"))), "no support base named 'Atlantis'");
    const std::string base = nearest_base(d, 6001);
    const auto sent = world.act(desk(TraineeDo::dispatch_crew, 1, base));
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_NE(sent->find("crew of " + base + " sent to PEC 6001"), std::string::npos) << *sent;
    const sim::SupportOutcome& o = *world.help_desk()->tickets(world.now())[0].outcome;
    EXPECT_EQ(o.dispatched, core::at(9, 1));
    EXPECT_GT(o.arrived, o.dispatched);
    EXPECT_GT(o.resolved, o.arrived);
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::close_ticket, 1))), "ticket 1 is working: it cannot be closed (its fault is not resolved)");
    // The scanner stays dead until the crew has swapped it, then works.
    world.advance_to(o.resolved - core::kSecond, 2);
    EXPECT_NE(faults_of(world, 6001, devices::DeviceKind::fingerprint_scanner), 0u);
    world.advance_to(o.resolved, 2);
    EXPECT_EQ(faults_of(world, 6001, devices::DeviceKind::fingerprint_scanner), 0u);
    EXPECT_EQ(world.help_desk()->tickets(world.now())[0].state, sim::TicketState::resolved);
    ASSERT_TRUE(world.act(desk(TraineeDo::close_ticket, 1)));
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::dispatch_crew, 1, base))), "ticket 1 is closed: it cannot be given a crew");
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::escalate, 1))), "ticket 1 is closed: it cannot be escalated");
    // What the crew did is the support figures' too, and the PEC's log says who did it.
    const auto r = world.results();
    ASSERT_TRUE(r.support);
    EXPECT_EQ(r.support->spares_used[0], 1) << "one fingerprint scanner";
    bool logged = false;
    for (const auto& e : world.log(6001)) logged = logged || e.text.find("help desk aigul: ticket 1: crew of " + base) != std::string::npos;
    EXPECT_TRUE(logged);
}

TEST(TraineeHelpDesk, APhoneFixEndsTheJamAndAFaultNobodyWorksOnLastsTheDay) {
    const auto d = load_drill();
    sim::World world(d.package, d.scenario, 7, 2);
    world.advance_to(core::at(9, 15), 2);
    ASSERT_EQ(world.help_desk()->tickets(world.now()).size(), 2u);
    ASSERT_TRUE(world.act(desk(TraineeDo::take_call, 2)));
    const auto guided = world.act(desk(TraineeDo::guide, 2));
    ASSERT_TRUE(guided) << guided.error().message;
    const auto resolved = world.help_desk()->tickets(world.now())[1].outcome->resolved;
    EXPECT_GE(resolved - core::at(9, 15), 3 * core::kMinute);
    EXPECT_LE(resolved - core::at(9, 15), 15 * core::kMinute);
    world.advance_to(resolved, 2);
    EXPECT_EQ(faults_of(world, 6002, devices::DeviceKind::ballot_scanner), 0u);
    // Nobody took 6001's call: its scanner is dead all day.
    world.run_to_end(2);
    EXPECT_NE(faults_of(world, 6001, devices::DeviceKind::fingerprint_scanner), 0u);
    const auto json = sim::results_to_json(world.results(), d.package, false);
    EXPECT_EQ(json["support"]["unresolved"], 2) << "6001's scanner and 6004's ARBB";
    EXPECT_EQ(json["support"]["unanswered"], 2) << "nobody took their calls";
    EXPECT_EQ(json["support"]["help_desk"], "trainees");
}

TEST(TraineeHelpDesk, ABaseWithoutAFreeCrewOrOutOfReachIsRefused) {
    auto d = load_drill();
    for (auto& b : d.package.support->bases) b.crews = 1;
    sim::World world(d.package, d.scenario, 7, 1);
    world.advance_to(core::at(10, 1), 1);
    const std::string base = nearest_base(d, 6001);
    for (int t : {1, 3}) ASSERT_TRUE(world.act(desk(TraineeDo::take_call, t)));
    ASSERT_TRUE(world.act(desk(TraineeDo::dispatch_crew, 1, base)));
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::dispatch_crew, 3, base))), "base " + base + " has no free crew now");
    // No crew is needed to send a spare scanner: the PEC swaps it, guided by phone. An ARBB needs a crew.
    const auto spare = world.act(desk(TraineeDo::send_spare, 3, base));
    EXPECT_EQ(refusal(spare), "ticket 3: an ARBB's scanner unit is swapped and tested by a crew: dispatch_crew");
    std::string far;  // a base abroad, hours away from Talas
    for (const auto& b : d.package.support->bases)
        if (sim::travel_minutes(*d.package.support, b, 42.5, 72.2) > d.package.support->max_travel_minutes) far = b.name;
    ASSERT_FALSE(far.empty());
    EXPECT_NE(refusal(world.act(desk(TraineeDo::dispatch_crew, 3, far))).find("is out of base " + far + "'s reach"), std::string::npos);
}

TEST(TraineeHelpDesk, ASpareSentWithoutACrewArrivesAndThePecSwapsIt) {
    const auto d = load_drill();
    sim::World world(d.package, d.scenario, 7, 1);
    world.advance_to(core::at(9, 1), 1);
    ASSERT_TRUE(world.act(desk(TraineeDo::take_call, 1)));
    const auto sent = world.act(desk(TraineeDo::send_spare, 1, nearest_base(d, 6001)));
    ASSERT_TRUE(sent) << sent.error().message;
    const sim::SupportOutcome o = *world.help_desk()->tickets(world.now())[0].outcome;
    EXPECT_GT(o.arrived, world.now());
    EXPECT_GE(o.resolved - o.arrived, 13 * core::kMinute) << "the swap (10-20 min) plus the guidance (3-15 min)";
    EXPECT_EQ(world.help_desk()->free_crews(world.now()), world.help_desk()->free_crews(0)) << "no crew left its base";
    world.advance_to(o.resolved, 1);
    EXPECT_EQ(faults_of(world, 6001, devices::DeviceKind::fingerprint_scanner), 0u);
}

// The instructor's inject rings the trainees' help desk: a new ticket after every call that has rung,
// lasting until a trainee ends it; without trainees at the help desk it is refused.
TEST(TraineeHelpDesk, AnInstructorsInjectThatCallsTheHelpDeskRingsAsANewTicket) {
    const auto d = load_drill();
    sim::World world(d.package, d.scenario, 7, 1);
    world.advance_to(core::at(9, 30), 1);
    sim::FaultAction inject{.at = core::at(9, 30), .pec = 6020, .target = sim::FaultTarget::printer, .fault = Fault::dead, .call_support = true};
    ASSERT_TRUE(world.apply(inject));
    auto timed = inject;
    timed.duration = 30 * core::kMinute;
    const auto refused = world.apply(timed);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("with no duration and no replacement"), std::string::npos) << refused.error().message;
    world.advance_to(core::at(9, 31), 1);
    const auto tickets = world.help_desk()->tickets(world.now());
    ASSERT_EQ(tickets.size(), 3u) << "6001 at 09:00, 6002 at 09:10, then the inject";
    EXPECT_EQ(tickets[2].call->pec, 6020);
    EXPECT_EQ(tickets[2].call->way, sim::SupportWay::crew);
    EXPECT_EQ(tickets[2].call->kind, devices::DeviceKind::printer);
    ASSERT_TRUE(world.act(desk(TraineeDo::take_call, 3)));
    ASSERT_TRUE(world.act(desk(TraineeDo::send_spare, 3, nearest_base(d, 6020))));
    const auto resolved = world.help_desk()->tickets(world.now())[2].outcome->resolved;
    world.advance_to(resolved - core::kSecond, 1);
    EXPECT_NE(faults_of(world, 6020, devices::DeviceKind::printer), 0u) << "no drawn end: dead until the spare is in";
    world.advance_to(resolved, 1);
    EXPECT_EQ(faults_of(world, 6020, devices::DeviceKind::printer), 0u);
    // The same inject where the dispatcher plays the help desk is refused.
    const auto automatic = load_drill(std::string(kDrill).replace(std::string(kDrill).find("help_desk: trainees"), 19, "help_desk: automatic"));
    sim::World other(automatic.package, automatic.scenario, 7, 1);
    const auto no = other.apply(inject);
    ASSERT_FALSE(no);
    EXPECT_NE(no.error().message.find("the help desk is not played by trainees"), std::string::npos);
}

// A PEC's UPS fails: the UPS is a plug-in device, so the help desk may send the spare without a crew.
TEST(TraineeHelpDesk, ASpareUpsIsSentWithoutACrewAndTheNewUpsComesCharged) {
    const auto d = load_drill(R"(version: 1
name: ups
package: ../../assets/kg2021
regions: [6]
support: {help_desk: trainees}
faults:
  - {device: power, fault: dead, pecs: [6001], from: "10:00"}
)");
    sim::World world(d.package, d.scenario, 7, 1);
    world.advance_to(core::at(10, 1), 1);
    const auto tickets = world.help_desk()->tickets(world.now());
    ASSERT_EQ(tickets.size(), 1u);
    EXPECT_EQ(tickets[0].call->kind, devices::DeviceKind::power_supply);
    EXPECT_EQ(tickets[0].call->way, sim::SupportWay::crew);
    ASSERT_TRUE(world.act(desk(TraineeDo::take_call, 1)));
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::guide, 1))),
              "ticket 1: PEC 6001: power_supply dead cannot be fixed by phone; dispatch a crew with a spare");
    const std::string base = nearest_base(d, 6001);
    const auto sent = world.act(desk(TraineeDo::send_spare, 1, base));
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_NE(sent->find("a spare power_supply sent from " + base + " to PEC 6001"), std::string::npos) << *sent;
    const auto resolved = world.help_desk()->tickets(world.now())[0].outcome->resolved;
    world.advance_to(resolved - core::kSecond, 1);
    EXPECT_NE(faults_of(world, 6001, devices::DeviceKind::power_supply), 0u) << "dead until the PEC has plugged in the spare";
    world.advance_to(resolved, 1);
    EXPECT_EQ(faults_of(world, 6001, devices::DeviceKind::power_supply), 0u);
    ASSERT_TRUE(world.act(desk(TraineeDo::close_ticket, 1)));
    world.run_to_end(1);
    const auto r = world.results();
    ASSERT_TRUE(r.support.has_value());
    EXPECT_EQ(r.support->spares_used[sim::spare_index(devices::DeviceKind::power_supply)], 1);
    EXPECT_EQ(sim::results_to_json(r, d.package, false)["support"]["spares_used"]["power_supply"], 1);
}

// [SECTION] The PEC chair

TEST(TraineePecChair, PaperListStationaryBoxAndBackupChannelHavePreconditions) {
    const auto d = load_drill();
    sim::World world(d.package, d.scenario, 7, 2);
    world.advance_to(core::at(9, 30), 2);
    TraineeAction paper = at_pec(TraineeDo::paper_list, 6001);
    EXPECT_EQ(refusal(world.act({.trainee = "b", .what = TraineeDo::paper_list, .pec = 6001, .unit = 40})).substr(0, 21), "PEC 6001 has no desk ");
    ASSERT_TRUE(world.act(paper));
    EXPECT_EQ(refusal(world.act(paper)), "desk 1 is already on the paper list");
    const auto manual_before = world.detail(*world.index_of(6001)).identification.manual;
    world.advance_to(core::at(10, 30), 2);
    EXPECT_GT(world.detail(*world.index_of(6001)).identification.manual, manual_before) << "desk 1 identifies by the paper list";
    ASSERT_TRUE(world.act(at_pec(TraineeDo::devices_back, 6001)));
    EXPECT_EQ(refusal(world.act(at_pec(TraineeDo::devices_back, 6001))), "desk 1 is already using its devices");
    // A working ARBB is not replaced; 6004's dead one is.
    EXPECT_EQ(refusal(world.act(at_pec(TraineeDo::stationary_box, 6005))), "6005-arbb-1 works and has power: a stationary box replaces a failed ARBB only");
    ASSERT_TRUE(world.act(at_pec(TraineeDo::stationary_box, 6004)));
    EXPECT_NE(refusal(world.act(at_pec(TraineeDo::stationary_box, 6004))).find("was replaced by a stationary box already"), std::string::npos);
    // The modem: nothing to switch from before 19:50; after, the backup channel brings the signal back.
    EXPECT_EQ(refusal(world.act(at_pec(TraineeDo::backup_channel, 6003))), "the modem's channel works: nothing to switch from");
    world.advance_to(core::at(19, 55), 2);
    EXPECT_NE(faults_of(world, 6003, devices::DeviceKind::modem), 0u);
    ASSERT_TRUE(world.act(at_pec(TraineeDo::backup_channel, 6003)));
    EXPECT_EQ(faults_of(world, 6003, devices::DeviceKind::modem), 0u);
    EXPECT_EQ(refusal(world.act(at_pec(TraineeDo::backup_channel, 9999))), "no PEC 9999 in this run");
}

// PEC 6050's party-list ARBB jams at 10:00 for 30 minutes (timed); `chairs` says who feeds its reserve slot.
Drill reserve_drill(const char* chairs) {
    return load_drill(fmt::format(R"(version: 1
name: reserve
package: ../../assets/kg2021
regions: [6]
pec_chairs: {}
faults:
  - {{device: arbb_party_list, fault: jam, pecs: [6050], from: "10:00", duration: 30m}}
  - {{device: power, fault: mains_loss, pecs: [6010], from: "11:00", duration: 1h}}
)", chairs));
}

std::int64_t waiting_at(const sim::World& world, int pec) { return world.detail(*world.index_of(pec)).ballots_waiting[0]; }

TEST(TraineePecChair, WithChairsPlayedByTraineesTheReserveSlotWaitsForFeedReserve) {
    const auto d = reserve_drill("trainees");
    sim::World world(d.package, d.scenario, 7, 2);
    const TraineeAction feed{.trainee = "bakyt", .what = TraineeDo::feed_reserve, .pec = 6050, .box = 0};
    world.advance_to(core::at(10, 20), 2);
    ASSERT_GT(waiting_at(world, 6050), 0) << "the jammed ARBB's sheets go to its reserve slot";
    EXPECT_EQ(refusal(world.act(feed)), "6050-arbb-1 does not work yet: its reserve slot is fed once it does");
    world.advance_to(core::at(10, 45), 2);
    const auto held = waiting_at(world, 6050);
    EXPECT_GT(held, 0) << "repaired at 10:30, but the reserve slot waits for the chair";
    const auto counted = world.detail(*world.index_of(6050)).boxes[0].ballots_in_box;
    world.advance_to(core::at(10, 50), 2);
    EXPECT_EQ(waiting_at(world, 6050), held) << "new voters' sheets go through the ARBB, not into the reserve slot";
    EXPECT_GT(world.detail(*world.index_of(6050)).boxes[0].ballots_in_box, counted);
    EXPECT_EQ(refusal(world.act(feed)), fmt::format("accepted: {0} of {0} ballots of the reserve slot fed through 6050-arbb-1", held));
    EXPECT_EQ(waiting_at(world, 6050), 0);
    EXPECT_EQ(refusal(world.act(feed)), "the reserve slot of 6050-arbb-1 is empty");
}

TEST(TraineePecChair, ByTheProcedureTheReserveSlotIsFedOnRepairAndWhenMainsComesBack) {
    const auto d = reserve_drill("procedure");
    sim::World world(d.package, d.scenario, 7, 2);
    world.advance_to(core::at(10, 20), 2);
    ASSERT_GT(waiting_at(world, 6050), 0);
    world.advance_to(core::at(10, 31), 2);
    EXPECT_EQ(waiting_at(world, 6050), 0) << "fed as soon as the jam was cleared";
    // Mains lost at 11:00 for an hour: the UPS runs out at 11:45, sheets wait, and go through at 12:00.
    world.advance_to(core::at(11, 59), 2);
    ASSERT_GT(waiting_at(world, 6010), 0);
    world.advance_to(core::at(12, 1), 2);
    EXPECT_EQ(waiting_at(world, 6010), 0) << "mains back: the reserve slot is fed";
    EXPECT_EQ(refusal(world.act({.trainee = "bakyt", .what = TraineeDo::feed_reserve, .pec = 6050, .box = 0})),
              "the reserve slot of 6050-arbb-1 is empty");
}

// [SECTION] The duty officer

TEST(TraineeDutyOfficer, HeldFiguresAreNotPublishedAndAlertsAreAcknowledgedOnce) {
    const auto d = load_drill();
    sim::World world(d.package, d.scenario, 7, 2);
    world.advance_to(core::at(9, 5), 2);
    ASSERT_TRUE(world.act(desk(TraineeDo::take_call, 1)));
    ASSERT_TRUE(world.act(desk(TraineeDo::escalate, 1)));
    EXPECT_EQ(refusal(world.act(desk(TraineeDo::escalate, 1))), "ticket 1 is already with the duty officer");
    const TraineeAction ack{.trainee = "cholpon", .what = TraineeDo::acknowledge, .alert = 1};
    ASSERT_EQ(world.duty_alerts().size(), 1u);
    EXPECT_EQ(world.duty_alerts()[0].pec, 6001);
    ASSERT_TRUE(world.act(ack));
    EXPECT_EQ(refusal(world.act(ack)), "alert 1 was acknowledged by cholpon already");
    EXPECT_EQ(refusal(world.act({.trainee = "c", .what = TraineeDo::acknowledge, .alert = 9})), "no alert 9 (the duty officer has 1)");
    EXPECT_EQ(refusal(world.act(at_pec(TraineeDo::release, 6010, "cholpon"))), "PEC 6010's figures are published already");
    ASSERT_TRUE(world.act(at_pec(TraineeDo::hold, 6010, "cholpon")));
    world.run_to_end(2);
    const auto held = world.results();
    ASSERT_TRUE(held.central.results);
    EXPECT_EQ(held.central.held, std::vector<int>{6010});
    EXPECT_EQ(held.central.results->national.pecs_reporting, std::ssize(held.pecs) - 1) << "6010's figures are held back";
    EXPECT_EQ(sim::results_to_json(held, d.package, false)["central"]["held_from_publication"], nlohmann::json::array({6010}));
}

// [SECTION] Records and replay

// A session of actions, some refused, recorded as the console records them.
sim::DrillRecord play(sim::World& world, const Drill& d) {
    sim::DrillRecord rec{.scenario = kData + "inline.yaml", .scenario_name = d.scenario.name, .seed = 7, .actions = {}};
    const auto take = [&](sim::Time t, TraineeAction a) {
        world.advance_to(t, 2);
        sim::RecordedAction r;
        r.issued = r.action.at = world.now();
        auto done = world.act(a);
        if (!done) r.refused = done.error().message;
        r.trainee = std::move(a);
        rec.actions.push_back(r);
    };
    take(core::at(9, 2), desk(TraineeDo::take_call, 1));
    take(core::at(9, 3), desk(TraineeDo::guide, 1));  // refused: a dead scanner
    take(core::at(9, 4), desk(TraineeDo::dispatch_crew, 1, nearest_base(d, 6001)));
    take(core::at(9, 20), at_pec(TraineeDo::paper_list, 6005));
    take(core::at(10, 5), at_pec(TraineeDo::stationary_box, 6004));
    take(core::at(10, 6), {.trainee = "cholpon", .what = TraineeDo::hold, .pec = 6007});
    // The instructor's inject that rings the help desk, then a trainee's answer to it.
    world.advance_to(core::at(10, 10), 2);
    sim::RecordedAction inject;
    inject.issued = world.now();
    inject.action = {.at = world.now(), .pec = 6030, .target = sim::FaultTarget::arbb_party_list, .fault = Fault::jam, .call_support = true};
    EXPECT_TRUE(world.apply(inject.action));
    rec.actions.push_back(inject);
    take(core::at(10, 12), desk(TraineeDo::take_call, 4));
    take(core::at(10, 13), desk(TraineeDo::guide, 4));
    return rec;
}

TEST(TraineeRecords, AReplayedSessionGivesTheSameResultsAndADivergingOneIsAnError) {
    const auto d = load_drill();
    sim::World live(d.package, d.scenario, 7, 2);
    const auto rec = play(live, d);
    ASSERT_FALSE(rec.actions[1].refused.empty());
    ASSERT_TRUE(rec.actions[rec.actions.size() - 1].refused.empty()) << rec.actions.back().refused;
    live.run_to_end(2);
    const auto file = std::filesystem::temp_directory_path() / "trainee-record.yaml";
    ASSERT_TRUE(sim::save_drill_record(rec, file));
    const auto loaded = sim::load_drill_record(file);
    ASSERT_TRUE(loaded) << loaded.error().message;
    ASSERT_EQ(loaded->actions.size(), rec.actions.size());
    for (std::size_t i = 0; i < rec.actions.size(); ++i) {
        EXPECT_EQ(loaded->actions[i].trainee, rec.actions[i].trainee) << i;
        EXPECT_EQ(loaded->actions[i].refused, rec.actions[i].refused) << i;
        EXPECT_EQ(loaded->actions[i].issued, rec.actions[i].issued) << i;
        EXPECT_EQ(loaded->actions[i].action.call_support, rec.actions[i].action.call_support) << i;
    }
    sim::World again(d.package, d.scenario, 7, 1);  // another thread count: the same world
    ASSERT_TRUE(sim::apply_drill_record(*loaded, again, 1));
    again.run_to_end(1);
    auto a = sim::results_to_json(live.results(), d.package, false), b = sim::results_to_json(again.results(), d.package, false);
    a.erase("perf");
    b.erase("perf");
    EXPECT_EQ(a.dump(), b.dump());
    // A record that says the guide was accepted no longer matches the world: the replay stops.
    auto changed = *loaded;
    changed.actions[1].refused.clear();
    sim::World third(d.package, d.scenario, 7, 1);
    const auto diverged = sim::apply_drill_record(changed, third, 1);
    ASSERT_FALSE(diverged);
    EXPECT_NE(diverged.error().message.find("action 1: the replay has diverged: guide ticket 1 by aigul at 09:03:00.000000 was accepted in the "
                                            "session, refused ('ticket 1: PEC 6001: fingerprint_scanner dead cannot be fixed by phone"),
              std::string::npos)
        << diverged.error().message;
    std::filesystem::remove(file);
}

TEST(TraineeRecords, WrongFieldsAreErrorsNamingFileLineAndField) {
    const auto parse = [](const std::string& action) {
        const auto r = sim::parse_drill_record("version: 3\nscenario: s.yaml\nscenario_name: t\nseed: 1\nactions:\n  - " + action + "\n",
                                               "r.yaml");
        return r ? std::string("ok") : r.error().message;
    };
    EXPECT_EQ(parse(R"({issued: "09:00:00.000000", trainee: a, role: help_desk, do: take_call, ticket: 1})"), "ok");
    EXPECT_EQ(parse(R"({issued: "09:00:00.000000", trainee: a, role: pec_chair, do: take_call, ticket: 1})"),
              "r.yaml:6: field 'actions[0].role': 'pec_chair' does not do take_call (help_desk does)");
    EXPECT_EQ(parse(R"({issued: "09:00:00.000000", trainee: a, role: help_desk, do: take_call})"),
              "r.yaml:6: field 'actions[0].ticket': is missing (take_call needs it)");
    EXPECT_EQ(parse(R"({issued: "09:00:00.000000", trainee: a, role: help_desk, do: take_call, ticket: 1, base: X})"),
              "r.yaml:6: field 'actions[0].base': take_call takes no base");
    EXPECT_EQ(parse(R"({issued: "09:00:00.000000", trainee: a, role: help_desk, do: fly, ticket: 1})"),
              "r.yaml:6: field 'actions[0].do': 'fly' is not a trainee's action (docs/trainees.md)");
    EXPECT_EQ(parse(R"({issued: "09:00:00.000000", trainee: a, role: pec_chair, do: stationary_box, pec: 6004, box: side})"),
              "r.yaml:6: field 'actions[0].box': 'side' is neither party_list nor district");
    EXPECT_EQ(parse(R"({issued: "09:00:00.000000", trainee: a, role: pec_chair, do: paper_list, pec: 6004, unit: 0})").substr(0, 37),
              "r.yaml:6: field 'actions[0].unit': 0 ");
}

}  // namespace
}  // namespace trainee_actions_test
