// What the faults did (results.json `fault_effects`, docs/results.md), checked against what a QA
// engineer would count by hand: the event log's "entered"/"left" lines, the PECs' fault_events,
// the manual count of a dead ARBB's sheets, the queue's leavers and the modem's send times.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <tuple>

#include "core/election_package.hpp"
#include "sim/fault_effects.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace {

using devices::Fault;
using sim::FaultDevice;

struct Day {
    sim::Scenario scenario;
    core::ElectionPackage package;
    std::unique_ptr<sim::World> world;
    sim::RunResults results;
};

// tests/data/talas-half-jams.yaml run to the end once (every test reads the same day; the world
// refers to the scenario and package, so the Day stays where it was built).
const Day& half_jams() {
    static const std::unique_ptr<Day> day = [] {
        auto day = std::make_unique<Day>();
        Day& d = *day;
        auto scenario = sim::load_scenario(std::string(SHAILOO_SOURCE_DIR) + "/tests/data/talas-half-jams.yaml");
        EXPECT_TRUE(scenario) << scenario.error().message;
        d.scenario = *scenario;
        auto package = core::load_election_package(d.scenario.package_dir);
        EXPECT_TRUE(package) << package.error().message;
        d.package = std::move(*package);
        EXPECT_TRUE(sim::bind_to_package(d.scenario, d.package));
        d.world = std::make_unique<sim::World>(d.package, d.scenario, d.scenario.seed, 2);
        d.world->run_to_end(2);
        d.results = d.world->results();
        return day;
    }();
    return *day;
}

const sim::FaultEffect* find(const std::vector<sim::FaultEffect>& rows, FaultDevice device, Fault fault) {
    for (const auto& r : rows)
        if (r.device == device && r.fault == fault) return &r;
    return nullptr;
}

const sim::PecFaultEffect* find(const sim::PecResult& pec, FaultDevice device, Fault fault) {
    for (const auto& r : pec.fault_effects)
        if (r.device == device && r.fault == fault) return &r;
    return nullptr;
}

// The device a log line's device id names, as results.json does ("6001-arbb-2" -> arbb).
std::string device_of(const std::string& id) {
    const auto ends = [&](const std::string& tail) { return id.size() >= tail.size() && id.compare(id.size() - tail.size(), tail.size(), tail) == 0; };
    const bool arbb = id.find("-arbb-") != std::string::npos;
    if (arbb) return ends("-printer") ? "arbb_printer" : "arbb";
    if (ends("-modem")) return "modem";
    if (ends("-ups")) return "power";
    if (ends("-fingerprint")) return "fingerprint_scanner";
    if (ends("-document")) return "document_reader";
    if (ends("-webcam")) return "webcam";
    return "printer";
}

// What the event log says each (device, fault) did: PECs, episodes, downtime, longest.
struct Counted {
    std::set<int> pecs;
    std::int64_t episodes = 0;
    core::Micros downtime = 0, longest = 0;
};

std::map<std::string, Counted> count_from_log(const std::vector<sim::LogEntry>& log, core::Micros until) {
    static const std::regex line(R"(^(\S+) (entered|left) (\w+)$)");
    std::map<std::pair<std::string, std::string>, core::Micros> on;  // (device id, fault) -> since
    std::map<std::pair<std::string, std::string>, std::string> key_of;
    std::map<std::string, Counted> counted;
    const auto close = [&](const std::string& key, core::Micros length) {
        counted[key].downtime += length;
        counted[key].longest = std::max(counted[key].longest, length);
    };
    for (const auto& e : log) {
        std::smatch m;
        if (!std::regex_match(e.text, m, line)) continue;
        const std::pair id{m[1].str(), m[3].str()};
        const std::string key = device_of(id.first) + "/" + id.second;
        if (m[2] == "entered") {
            if (on.contains(id)) continue;  // already in it: a new severity
            on[id] = e.at, key_of[id] = key;
            counted[key].pecs.insert(e.pec);
            ++counted[key].episodes;
        } else if (on.contains(id)) {
            close(key, e.at - on[id]);
            on.erase(id);
        }
    }
    for (const auto& [id, since] : on) close(key_of[id], until - since);
    return counted;
}

TEST(FaultEffects, HalfTheArbbsJamAtAboutHalfThePecs) {
    const Day& d = half_jams();
    const auto rows = sim::fault_effects(d.results, d.package);
    const sim::FaultEffect* jam = find(rows, FaultDevice::arbb, Fault::jam);
    ASSERT_NE(jam, nullptr);
    const double pecs = static_cast<double>(d.results.pecs.size());
    ASSERT_EQ(pecs, 117);
    // share 0.5 of 117 PECs: 58.5 expected, sd 5.4; within three sd.
    EXPECT_GT(jam->pecs_affected, 42);
    EXPECT_LT(jam->pecs_affected, 75);
    EXPECT_EQ(jam->episodes, jam->pecs_affected) << "one jam per chosen PEC";
    EXPECT_EQ(jam->ongoing, 0);
    // Each jam lasts 10 to 30 minutes.
    EXPECT_GE(jam->downtime, jam->episodes * 10 * core::kMinute);
    EXPECT_LE(jam->downtime, jam->episodes * 30 * core::kMinute);
    EXPECT_LE(jam->longest, 30 * core::kMinute);
    EXPECT_GT(jam->sheets_held, 0) << "a jammed ARBB takes the sheets into its reserve slot";
    // Nobody waits for an ARBB: its faults are not counted against the voters.
    EXPECT_EQ(jam->voters_waited + jam->voters_left, 0);
    const sim::FaultEffect* modem = find(rows, FaultDevice::modem, Fault::no_signal);
    ASSERT_NE(modem, nullptr);
    EXPECT_NEAR(static_cast<double>(modem->pecs_affected) / pecs, 0.4, 0.15);
}

TEST(FaultEffects, AffectedPecsEpisodesAndDowntimesAreThoseOfTheEventLog) {
    const Day& d = half_jams();
    const auto counted = count_from_log(d.world->log(0, std::numeric_limits<std::size_t>::max()), d.results.until);
    const auto rows = sim::fault_effects(d.results, d.package);
    ASSERT_EQ(rows.size(), counted.size());
    for (const auto& r : rows) {
        const std::string key = std::string(sim::to_string(r.device)) + "/" + std::string(devices::to_string(r.fault));
        ASSERT_TRUE(counted.contains(key)) << key;
        const Counted& c = counted.at(key);
        EXPECT_EQ(r.pecs_affected, std::ssize(c.pecs)) << key;
        EXPECT_EQ(r.episodes, c.episodes) << key;
        EXPECT_EQ(r.downtime, c.downtime) << key;
        EXPECT_EQ(r.longest, c.longest) << key;
    }
    // The PECs with an episode of any fault are those whose fault_events say a fault was entered.
    std::set<int> with_events, with_episodes;
    for (const auto& p : d.results.pecs) {
        if (p.fault_events > 0) with_events.insert(p.number);
        for (const auto& e : p.fault_effects)
            if (e.episodes > 0) with_episodes.insert(p.number);
    }
    EXPECT_EQ(with_episodes, with_events);
}

TEST(FaultEffects, SheetsHeldByADeadArbbAreTheSheetsLeftForTheManualCount) {
    const Day& d = half_jams();
    std::int64_t held = 0;
    for (const auto& p : d.results.pecs) {
        const auto* dead = find(p, FaultDevice::arbb, Fault::dead);
        if (p.number < 6001 || p.number > 6004) {
            EXPECT_EQ(dead, nullptr) << "PEC " << p.number;
            continue;
        }
        // Dead from 19:00 to the end: every sheet after 19:00 waited in the reserve slot, and at
        // closing the box was replaced, so they are the ones awaiting the manual count.
        ASSERT_NE(dead, nullptr) << "PEC " << p.number;
        EXPECT_EQ(dead->ongoing, 1);
        EXPECT_GT(dead->sheets_held, 0);
        EXPECT_EQ(dead->sheets_held, p.final_reports[1].ballots_awaiting_manual_count) << "PEC " << p.number;
        EXPECT_EQ(dead->downtime, d.results.until - core::at(19, 0));
        held += dead->sheets_held;
    }
    const auto rows = sim::fault_effects(d.results, d.package);
    const auto* row = find(rows, FaultDevice::arbb, Fault::dead);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->sheets_held, held);
    EXPECT_EQ(row->pecs_affected, 4);
}

TEST(FaultEffects, VotersWhoLeftWhileADeskDeviceWasDownAreCountedAgainstIt) {
    const Day& d = half_jams();
    std::int64_t left_all_day = 0;
    for (const auto& p : d.results.pecs) {
        // The document reader was dead from before opening to the end at these PECs: every voter
        // who left, left during it.
        if (const auto* reader = find(p, FaultDevice::document_reader, Fault::dead)) {
            EXPECT_EQ(reader->voters_left, p.left_queue) << "PEC " << p.number;
            EXPECT_GT(reader->voters_waited, 0) << "PEC " << p.number;
            EXPECT_LE(reader->voters_waited, p.voters + p.identification.refused()) << "PEC " << p.number;
            left_all_day += reader->voters_left;
        }
        if (const auto* scanner = find(p, FaultDevice::fingerprint_scanner, Fault::dead)) {
            EXPECT_LE(scanner->voters_left, p.left_queue) << "PEC " << p.number;
            EXPECT_LE(scanner->voters_waited, p.voters + p.identification.refused()) << "PEC " << p.number;
        }
    }
    EXPECT_GT(left_all_day, 0);
}

// The delay of a PEC's reports: the last report's first delivery against a healthy modem's, which
// with no_signal (no slow link) is, to the difference of the reports' transfer times, the last first
// send against the handing to the modem, both in the log.
TEST(FaultEffects, ReportingDelayIsTheLastFirstSendAfterTheHandingAndSumsByRegion) {
    const Day& d = half_jams();
    static const std::regex sent(R"(^(\S+) report (\d+) sent \(attempt \d+\).*)");
    std::map<int, core::Micros> handed, last_first_send;
    std::set<std::tuple<int, std::string, std::string>> seen;
    for (const auto& e : d.world->log(0, std::numeric_limits<std::size_t>::max())) {
        std::smatch m;
        if (e.text == "final reports handed to the modem") handed[e.pec] = e.at;
        else if (std::regex_match(e.text, m, sent) && seen.insert({e.pec, m[1].str(), m[2].str()}).second)
            last_first_send[e.pec] = std::max(last_first_send[e.pec], e.at);
    }
    std::int64_t delayed = 0;
    for (const auto& p : d.results.pecs) {
        const core::Micros late = last_first_send.at(p.number) - handed.at(p.number);
        const auto* modem = find(p, FaultDevice::modem, Fault::no_signal);
        EXPECT_EQ(late > 0, modem && modem->reports_delayed) << "PEC " << p.number;
        // The reports differ in size by a few kB: a healthy modem takes up to some 50 ms longer for one than another.
        if (modem && modem->reports_delayed) {
            EXPECT_NEAR(modem->reporting_delay, late, 100'000) << "PEC " << p.number;
        }
        delayed += late > 0;
    }
    const auto rows = sim::fault_effects(d.results, d.package);
    const auto* row = find(rows, FaultDevice::modem, Fault::no_signal);
    ASSERT_NE(row, nullptr);
    EXPECT_GT(row->reporting.pecs_delayed, 0);
    EXPECT_EQ(row->reporting.pecs_delayed, delayed);
    ASSERT_EQ(row->regions.size(), 1u);  // Talas only
    EXPECT_EQ(row->regions[0].region, 6);
    EXPECT_EQ(row->regions[0].pecs_delayed, row->reporting.pecs_delayed);
    EXPECT_EQ(row->regions[0].total, row->reporting.total);
    EXPECT_EQ(row->regions[0].longest, row->reporting.longest);
    EXPECT_EQ(row->reporting.pecs_undelivered, 0);
    // Faults of other devices hold no report back in this model.
    for (const auto& r : rows) {
        if (r.device == FaultDevice::modem) continue;
        EXPECT_EQ(r.reporting.pecs_delayed + r.reporting.pecs_undelivered, 0);
    }
}

TEST(FaultEffects, JsonIsTheSameWhateverTheThreadCount) {
    const Day& d = half_jams();
    sim::World one(d.package, d.scenario, d.scenario.seed, 1);
    one.run_to_end(1);
    sim::World three(d.package, d.scenario, d.scenario.seed, 3);
    three.run_to_end(3);
    const auto a = sim::results_to_json(one.results(), d.package, false);
    EXPECT_EQ(a.dump(), sim::results_to_json(three.results(), d.package, false).dump());
    EXPECT_EQ(a.dump(), sim::results_to_json(d.results, d.package, false).dump());
    ASSERT_TRUE(a.contains("fault_effects"));
    EXPECT_EQ(a["fault_effects"]["faults"].size(), sim::fault_effects(d.results, d.package).size());
}

}  // namespace
