// Technical support on its own (the help desk, the dispatcher, spares, reach) and in the world
// (faults end when support ends them; the scenario's `support` and `repair` settings).
//
// Index of this file:
//   [SECTION] The help desk and the dispatcher
//   [SECTION] In the world
//   [SECTION] A failed UPS
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "inline_scenario.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/support.hpp"
#include "sim/world.hpp"

namespace support_test {
namespace {

using devices::DeviceKind;
using devices::Fault;
using sim::SupportWay;

const std::string kData = std::string(SHAILOO_SOURCE_DIR) + "/tests/data/";

// [SECTION] The help desk and the dispatcher

// Two bases on a line of longitude 42.5 N: West at 72.0 E, East at 73.0 E (about 82 km apart).
core::SupportOrganisation two_bases(int crews_each, int scanners_each) {
    core::SupportOrganisation org;
    org.help_desk_lines = 1;
    org.road_circuity = 1.0;
    org.set_off_minutes = 0;
    org.max_travel_minutes = 240;
    for (const auto& [name, lon] : {std::pair{"West", 72.0}, std::pair{"East", 73.0}}) {
        core::SupportBase b{.name = name, .region_code = 6, .district = 27, .lat = 42.5, .lon = lon, .crews = crews_each, .road_kmh = 60};
        b.spares[0] = scanners_each;  // fingerprint scanners
        org.bases.push_back(b);
    }
    return org;
}

sim::SupportCall call(core::Micros at, int pec, double lon, SupportWay way, std::uint64_t stream = 0) {
    const DeviceKind kind = way == SupportWay::phone ? DeviceKind::ballot_scanner : DeviceKind::fingerprint_scanner;
    return {.at = at, .pec = pec, .region = 6, .lat = 42.5, .lon = lon, .kind = kind,
            .fault = way == SupportWay::phone ? Fault::jam : Fault::dead, .way = way, .stream = stream};
}

TEST(Support, WhoEndsWhichFault) {
    EXPECT_EQ(sim::support_way(DeviceKind::ballot_scanner, Fault::jam, false), SupportWay::phone);
    EXPECT_EQ(sim::support_way(DeviceKind::fingerprint_scanner, Fault::degraded, false), SupportWay::phone);
    EXPECT_EQ(sim::support_way(DeviceKind::fingerprint_scanner, Fault::dead, false), SupportWay::crew);
    EXPECT_EQ(sim::support_way(DeviceKind::ballot_scanner, Fault::dead, true), SupportWay::stationary_box);
    EXPECT_FALSE(sim::support_way(DeviceKind::modem, Fault::no_signal, false));
    EXPECT_FALSE(sim::support_way(DeviceKind::power_supply, Fault::mains_loss, false)) << "nothing a crew can do about the grid";
    EXPECT_EQ(sim::support_way(DeviceKind::power_supply, Fault::dead, false), SupportWay::crew) << "a crew brings a spare UPS";
    EXPECT_EQ(sim::spare_index(DeviceKind::power_supply), 6u);
    EXPECT_STREQ(core::kSpareKinds[sim::spare_index(DeviceKind::power_supply)], "power_supply");
}

TEST(Support, TheHelpDeskAnswersInTurnOnItsLines) {
    const auto org = two_bases(1, 1);
    const core::Micros t = core::at(10, 0);
    const auto day = sim::dispatch_support(org, {}, {call(t, 6001, 72.0, SupportWay::phone), call(t, 6002, 72.0, SupportWay::phone)}, 7);
    ASSERT_EQ(day.calls.size(), 2u);
    EXPECT_EQ(day.outcomes[0].answered, t);
    // One line: the second call waits until the first is over, then takes its own guidance time.
    EXPECT_EQ(day.outcomes[1].answered, day.outcomes[0].resolved);
    for (const auto& o : day.outcomes) {
        EXPECT_GE(o.resolved - o.answered, 3 * core::kMinute);
        EXPECT_LE(o.resolved - o.answered, 15 * core::kMinute);
        EXPECT_EQ(o.arrived, -1);
    }
    // Two lines: both answered at once.
    const auto wide = sim::dispatch_support(org, {.help_desk_lines = 2}, {call(t, 6001, 72.0, SupportWay::phone), call(t, 6002, 72.0, SupportWay::phone)}, 7);
    EXPECT_EQ(wide.outcomes[1].answered, t);
}

TEST(Support, TheNearestCrewWithASpareGoesAndTravelsTheRoadDistance) {
    const core::Micros t = core::at(10, 0);
    // A PEC 10 km east of West: West's crew goes.
    auto day = sim::dispatch_support(two_bases(1, 1), {}, {call(t, 6001, 72.1227, SupportWay::crew)}, 7);
    EXPECT_EQ(day.outcomes[0].base, 0);
    const double minutes = sim::travel_minutes(two_bases(1, 1), two_bases(1, 1).bases[0], 42.5, 72.1227);
    EXPECT_NEAR(minutes, 10.0, 0.1);  // 10 km at 60 km/h
    EXPECT_EQ(day.outcomes[0].arrived - day.outcomes[0].dispatched, std::llround(minutes * core::kMinute));
    EXPECT_EQ(day.spares_used[0], 1);
    // West has no scanner: East's crew comes, further away.
    auto org = two_bases(1, 1);
    org.bases[0].spares[0] = 0;
    day = sim::dispatch_support(org, {}, {call(t, 6001, 72.1227, SupportWay::crew)}, 7);
    EXPECT_EQ(day.outcomes[0].base, 1);
    EXPECT_GT(day.outcomes[0].arrived - day.outcomes[0].dispatched, 60 * core::kMinute);
}

TEST(Support, AJobWaitsForTheFirstCrewBackAndWithoutSparesNobodyComes) {
    const core::Micros t = core::at(10, 0);
    auto org = two_bases(1, 1);
    org.bases.pop_back();        // West only: one crew
    org.bases[0].spares[0] = 2;
    org.help_desk_lines = 2;
    const core::Micros later = t + 10 * core::kMinute;  // its triage is over after the first's
    auto day = sim::dispatch_support(org, {}, {call(t, 6001, 72.1227, SupportWay::crew, 0), call(later, 6002, 72.1227, SupportWay::crew, 0)}, 7);
    // The second job sets off when the crew is back at its base: after the first repair and the drive back.
    EXPECT_EQ(day.outcomes[1].dispatched, day.outcomes[0].resolved + (day.outcomes[0].arrived - day.outcomes[0].dispatched));
    EXPECT_GT(day.busy_by_slot.size(), 0u);
    // One spare for two jobs: the second fault is never resolved.
    org.bases[0].spares[0] = 1;
    day = sim::dispatch_support(org, {}, {call(t, 6001, 72.1227, SupportWay::crew, 0), call(later, 6002, 72.1227, SupportWay::crew, 0)}, 7);
    EXPECT_GE(day.outcomes[0].resolved, 0);
    EXPECT_EQ(day.outcomes[1].resolved, -1);
    EXPECT_EQ(day.outcomes[1].arrived, -1);
    // Out of reach (max_travel_minutes): nobody comes either.
    org.bases[0].spares[0] = 5;
    org.max_travel_minutes = 5;
    day = sim::dispatch_support(org, {}, {call(t, 6001, 72.1227, SupportWay::crew)}, 7);
    EXPECT_EQ(day.outcomes[0].resolved, -1);
    // No crews at all (the scenario's share rounds them away).
    org.max_travel_minutes = 240;
    day = sim::dispatch_support(org, {.crews_share = 0.1}, {call(t, 6001, 72.1227, SupportWay::crew)}, 7);
    EXPECT_EQ(day.crews, 0);
    EXPECT_EQ(day.outcomes[0].resolved, -1);
}

TEST(Support, OutcomesDoNotDependOnTheOrderCallsAreGiven) {
    const auto org = two_bases(2, 3);
    std::vector<sim::SupportCall> calls;
    for (int i = 0; i < 12; ++i)
        calls.push_back(call(core::at(9, 0) + i % 4 * 7 * core::kMinute, 6001 + i, 72.0 + 0.08 * i, i % 3 ? SupportWay::crew : SupportWay::phone));
    const auto a = sim::dispatch_support(org, {}, calls, 11);
    std::shuffle(calls.begin(), calls.end(), std::mt19937(3));
    const auto b = sim::dispatch_support(org, {}, calls, 11);
    ASSERT_EQ(a.calls.size(), b.calls.size());
    for (std::size_t i = 0; i < a.calls.size(); ++i) {
        EXPECT_EQ(a.calls[i].pec, b.calls[i].pec);
        EXPECT_EQ(a.outcomes[i].resolved, b.outcomes[i].resolved);
        EXPECT_EQ(a.outcomes[i].base, b.outcomes[i].base);
    }
}

// [SECTION] In the world

sim_test::InlineScenario load(const std::string& text) { return sim_test::load_inline_scenario(text); }

std::string talas_support(const std::string& extra = "") {
    return "version: 1\nname: t\npackage: ../../assets/kg2021\nregions: [6]\n" + extra +
           "faults:\n  - {device: fingerprint_scanner, fault: dead, share: 1.0, from: \"09:00\"}\n"
           "  - {device: arbb_party_list, fault: jam, share: 1.0, from: \"10:00\", to: \"11:00\"}\n";
}

// Every Talas PEC loses a fingerprint scanner at 09:00: the crews of Talas's bases bring their
// spares until none is left; the faults they reach end when the crew has swapped the scanner.
TEST(SupportInTheWorld, ScannerFaultsEndWhenACrewSwapsThemAndSparesRunOut) {
    const auto l = load(talas_support());
    sim::World world(l.package, l.scenario, 7, 2);
    world.run_to_end(2);
    const auto r = world.results();
    ASSERT_TRUE(r.support.has_value());
    const auto& day = *r.support;
    int spares = 0;
    for (const auto& b : l.package.support->bases)
        if (b.region_code == 6) spares += b.spares[0];
    std::int64_t crew_jobs = 0, resolved = 0, phone = 0;
    for (std::size_t i = 0; i < day.calls.size(); ++i) {
        if (day.calls[i].way == SupportWay::phone) {
            ++phone;
            EXPECT_GE(day.outcomes[i].resolved, day.calls[i].at);
            continue;
        }
        ++crew_jobs;
        if (day.outcomes[i].resolved >= 0) ++resolved;
    }
    EXPECT_EQ(phone, std::ssize(r.pecs));
    EXPECT_EQ(crew_jobs, std::ssize(r.pecs));
    // Talas's own bases are nearest; spares from further bases come only within reach.
    EXPECT_GE(resolved, spares);
    EXPECT_LT(resolved, crew_jobs) << "Talas has fewer spare scanners than PECs";
    // The fault ledger sees the same: the episodes support never ended are still on at the end.
    std::int64_t ongoing = 0;
    for (const auto& p : r.pecs)
        for (const auto& f : p.fault_effects)
            if (f.device == sim::FaultDevice::fingerprint_scanner) ongoing += f.ongoing;
    EXPECT_EQ(ongoing, crew_jobs - resolved);
    const auto json = sim::results_to_json(r, l.package, false);
    EXPECT_EQ(json["support"]["crew_jobs"], crew_jobs);
    EXPECT_EQ(json["support"]["unresolved"], crew_jobs - resolved);
}

TEST(SupportInTheWorld, FewerCrewsResolveLaterAndOffMeansDrawnTimes) {
    const auto full = load(talas_support());
    const auto few = load(talas_support("support: {crews: 0.2}\n"));
    const auto minutes = [](const sim_test::InlineScenario& l) {
        sim::World world(l.package, l.scenario, 7, 2);
        world.run_to_end(2);
        return sim::results_to_json(world.results(), l.package, false)["support"];
    };
    const auto a = minutes(full), b = minutes(few);
    EXPECT_LT(b["crews"].get<int>(), a["crews"].get<int>());
    EXPECT_GT(b["minutes_to_arrive"]["mean"].get<double>(), a["minutes_to_arrive"]["mean"].get<double>());
    const auto off = minutes(load(talas_support("support: off\n")));
    EXPECT_EQ(off, nlohmann::ordered_json({{"modelled", false}}));
}

TEST(SupportInTheWorld, TheRepairFieldIsCheckedWithFileAndLine) {
    auto bad = sim::parse_scenario(
        "version: 1\nname: t\npackage: ../../assets/kg2021\nfaults:\n  - {device: arbb, fault: jam, share: 0.1, duration: 5m, repair: support}\n",
        kData + "inline.yaml");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("inline.yaml:5: field 'faults[0].repair'"), std::string::npos) << bad.error().message;
    bad = sim::parse_scenario("version: 1\nname: t\npackage: ../../assets/kg2021\nfaults:\n  - {device: arbb, fault: jam, share: 0.1, repair: soon}\n",
                              kData + "inline.yaml");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("expected support or timed"), std::string::npos) << bad.error().message;
    // Support cannot end a network outage.
    auto scenario = sim::parse_scenario(
        "version: 1\nname: t\npackage: ../../assets/kg2021\nfaults:\n  - {device: modem, fault: no_signal, share: 0.1, repair: support}\n",
        kData + "inline.yaml");
    ASSERT_TRUE(scenario) << scenario.error().message;
    auto package = core::load_election_package(scenario->package_dir);
    ASSERT_TRUE(package);
    const auto bound = sim::bind_to_package(*scenario, *package);
    ASSERT_FALSE(bound);
    EXPECT_NE(bound.error().message.find("inline.yaml:5: field 'faults[0].repair': technical support does not end no_signal"), std::string::npos)
        << bound.error().message;
}

// [SECTION] A failed UPS

// PEC 6001's UPS fails at 10:00 (support ends it; or `until`, e.g. ", duration: 0s": the end of the
// day); mains is lost at 11:00 for 30 minutes, less than a charged UPS's 45.
std::string ups_fails(const std::string& support = "", const std::string& until = "") {
    return "version: 1\nname: t\npackage: ../../assets/kg2021\nregions: [6]\n" + support +
           "faults:\n  - {device: power, fault: dead, pecs: [6001], from: \"10:00\"" + until + "}\n"
           "  - {device: power, fault: mains_loss, pecs: [6001], from: \"11:00\", duration: 30m}\n";
}

const sim::PecFaultEffect* effect(const sim::RunResults& r, int pec, sim::FaultDevice device, Fault fault) {
    for (const auto& p : r.pecs)
        if (p.number == pec)
            for (const auto& f : p.fault_effects)
                if (f.device == device && f.fault == fault) return &f;
    return nullptr;
}

TEST(SupportInTheWorld, ACrewBringsASpareUpsAndTheArbbKeepsPowerThroughTheMainsLoss) {
    const auto l = load(ups_fails());
    sim::World world(l.package, l.scenario, 7, 2);
    world.run_to_end(2);
    const auto r = world.results();
    ASSERT_TRUE(r.support.has_value());
    const auto& day = *r.support;
    ASSERT_EQ(day.calls.size(), 1u) << "mains loss calls nobody: support cannot end it";
    EXPECT_EQ(day.calls[0].kind, DeviceKind::power_supply);
    EXPECT_EQ(day.calls[0].way, SupportWay::crew);
    // The nearest base holding a spare UPS sends its crew.
    const core::Pec& pec = *std::find_if(l.package.pecs.begin(), l.package.pecs.end(), [](const core::Pec& p) { return p.number == 6001; });
    const std::size_t ups = sim::spare_index(DeviceKind::power_supply);
    std::size_t nearest = 0;
    for (std::size_t b = 0; b < l.package.support->bases.size(); ++b) {
        const auto minutes = [&](std::size_t i) { return sim::travel_minutes(*l.package.support, l.package.support->bases[i], pec.lat, pec.lon); };
        if (l.package.support->bases[b].spares[ups] > 0 && minutes(b) < minutes(nearest)) nearest = b;
    }
    const sim::SupportOutcome& o = day.outcomes[0];
    EXPECT_EQ(o.base, static_cast<int>(nearest)) << l.package.support->bases[nearest].name;
    ASSERT_GE(o.resolved, 0);
    ASSERT_LT(o.resolved, core::at(11, 0)) << "the spare UPS is in before the mains goes";
    EXPECT_EQ(day.spares_used[ups], 1);
    // The replaced UPS came charged: not one sheet was held for lack of power.
    const auto* dead = effect(r, 6001, sim::FaultDevice::power, Fault::dead);
    ASSERT_NE(dead, nullptr);
    EXPECT_EQ(dead->ongoing, 0);
    EXPECT_EQ(dead->downtime, o.resolved - core::at(10, 0));
    const auto* mains = effect(r, 6001, sim::FaultDevice::power, Fault::mains_loss);
    ASSERT_NE(mains, nullptr);
    EXPECT_EQ(mains->downtime, 30 * core::kMinute);
    EXPECT_EQ(mains->sheets_held, 0);
    const auto json = sim::results_to_json(r, l.package, false);
    EXPECT_EQ(json["support"]["spares_used"]["power_supply"], 1);
    EXPECT_EQ(json["support"]["crew_jobs"], 1);
    EXPECT_EQ(json["support"]["unresolved"], 0);
}

TEST(SupportInTheWorld, WithoutSupportADeadUpsLeavesTheArbbDarkAtOnceWhenMainsGoes) {
    const auto l = load(ups_fails("support: off\n", ", duration: 0s"));
    sim::World world(l.package, l.scenario, 7, 2);
    world.run_to_end(2);
    const auto r = world.results();
    const auto* dead = effect(r, 6001, sim::FaultDevice::power, Fault::dead);
    ASSERT_NE(dead, nullptr);
    EXPECT_EQ(dead->ongoing, 1) << "nobody replaced the UPS";
    const auto* mains = effect(r, 6001, sim::FaultDevice::power, Fault::mains_loss);
    ASSERT_NE(mains, nullptr);
    EXPECT_GT(mains->sheets_held, 0) << "no autonomy: ballots go to the reserve slot from 11:00";
}

}  // namespace
}  // namespace support_test
