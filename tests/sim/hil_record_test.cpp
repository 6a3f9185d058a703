// Physical fingerprint readers in a drill record (sim/hil_record.hpp): the `hardware` list written
// and read back exactly, its errors named, and a world whose reader serves bound voters replayed from
// the record without the reader, to the same results.
#include "sim/hil_record.hpp"

// Index of this file:
//   [SECTION] Stand-ins for physical devices
//   [SECTION] A reader at a desk
//   [SECTION] A scanner in an ARBB
//   [SECTION] A modem on a real link
//   [SECTION] The record's hardware list

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <numeric>
#include <optional>

#include "core/minutiae_text.hpp"
#include "core/random.hpp"
#include "core/voter_roll.hpp"
#include "sim/drill_record.hpp"
#include "sim/results_json.hpp"
#include "sim/run_setup.hpp"
#include "sim/world.hpp"
#include "devices/virtual_fingerprint_scanner.hpp"

namespace hil_record_test {
namespace {

namespace fs = std::filesystem;

constexpr int kPec = 6006;

// [SECTION] Stand-ins for physical devices

// A finger of its own for each seed: 32 minutiae at random places (distinct fingers do not match).
core::FingerprintTemplate finger_of(std::uint64_t seed) {
    core::RandomStream r(seed, 0, 404);
    std::vector<core::Minutia> m;
    for (int i = 0; i < 32; ++i)
        m.push_back({static_cast<std::int16_t>(20 + r.uniform() * 260), static_cast<std::int16_t>(20 + r.uniform() * 360),
                     static_cast<std::uint8_t>(r.uniform() * 256), r.bernoulli(0.5) ? core::MinutiaType::ending : core::MinutiaType::bifurcation});
    return core::FingerprintTemplate::from_minutiae(m);
}

// Stands in for a physical reader: whoever the world presents puts their own finger on it, except
// that every third capture is refused by the "quality gate", the voters with an odd index put
// someone else's finger (so their desk falls back), and the reader is unplugged at its tenth
// capture (dead, as hil::LibfprintScanner then is). Records what it delivered, as hil does.
class ScriptedReader final : public devices::FingerprintScanner {
public:
    ScriptedReader(sim::ExternalFingerprintReader& slot, const core::ElectionPackage& package)
        : FingerprintScanner(sim::hil_reader_id(kPec, 1)), slot_(slot) {
        for (const sim::BoundVoter& b : slot.bound) odd_[core::biometric_seed_of(package, b.voter)] = b.voter % 2 == 1;
    }
    void present(std::uint64_t seed) { seed_ = seed; }
    core::Micros dead_at = -1;
    devices::DeviceResult<devices::FingerprintCapture> capture(core::Finger) override {
        devices::FingerprintDelivery d{devices::FingerprintCapture{finger_of(odd_.at(seed_) ? seed_ + 1 : seed_), 70}, 800 + count_};
        if (++count_ % 3 == 0) d.result = std::unexpected(devices::DeviceError{devices::Fault::degraded, "present the finger again"});
        if (count_ == 10 || has_fault(devices::Fault::dead)) {
            d.result = std::unexpected(devices::DeviceError{devices::Fault::dead, "unplugged"});
            if (!has_fault(devices::Fault::dead)) enter_fault(devices::Fault::dead, slot_.clock.now()), dead_at = slot_.clock.now();
        }
        slot_.delivered.push_back(d);
        return d.result;
    }

private:
    sim::ExternalFingerprintReader& slot_;
    std::map<std::uint64_t, bool> odd_;
    std::uint64_t seed_ = 0;
    int count_ = 0;
};


sim::RunSetup demo() {
    auto setup = sim::open_run(fs::path(SHAILOO_SOURCE_DIR) / "scenarios/demo-drill.yaml", std::nullopt, std::nullopt);
    EXPECT_TRUE(setup) << setup.error().message;
    return std::move(*setup);
}

// The first `n` voters of PEC 6006, each bound with their own finger.
std::vector<sim::BoundVoter> first_voters(const core::ElectionPackage& package, int n) {
    const auto pec = std::find_if(package.pecs.begin(), package.pecs.end(), [](const core::Pec& p) { return p.number == kPec; });
    std::vector<sim::BoundVoter> out;
    for (int i = 0; i < n; ++i) {
        const std::int64_t v = pec->first_voter + i;
        out.push_back({v, finger_of(core::biometric_seed_of(package, v))});
    }
    return out;
}

std::string results_text(sim::World& world, const core::ElectionPackage& package) {
    world.run_to_end(2);
    return sim::results_to_json(world.results(), package, false).dump();
}

// A night with `hardware` recorded, written to `name`, read back and replayed without the devices.
struct Replay {
    std::optional<sim::DrillRecord> loaded;
    sim::ReplayedHardware hardware;
    std::string results;
};
Replay replay_through_a_file(const sim::RunSetup& setup, const sim::Hardware& hardware, const std::string& name) {
    sim::DrillRecord record{.scenario = setup.scenario.file.string(), .scenario_name = setup.scenario.name, .seed = setup.seed};
    record.hardware = sim::record_of(hardware);
    const fs::path file = fs::temp_directory_path() / name;
    EXPECT_TRUE(sim::save_drill_record(record, file));
    auto loaded = sim::load_drill_record(file);
    EXPECT_TRUE(loaded) << loaded.error().message;
    if (!loaded) return {};
    Replay out{*loaded, sim::replay_hardware(loaded->hardware), {}};
    sim::World again(setup.package, setup.scenario, setup.seed, 1, out.hardware.for_world());
    out.results = results_text(again, setup.package);
    return out;
}

// [SECTION] A reader at a desk

TEST(HilRecord, ABoundReaderServesOnlyItsVotersAndAReplayOfItsCapturesGivesTheSameNight) {
    sim::RunSetup setup = demo();
    sim::World plain(setup.package, setup.scenario, setup.seed, 2);
    plain.run_to_end(2);
    const sim::RunResults before = plain.results();

    sim::ExternalFingerprintReader slot{.pec = kPec, .desk = 1, .matcher = {0.075}};
    slot.bound = first_voters(setup.package, 40);
    slot.device = "scripted (test)";
    ScriptedReader reader(slot, setup.package);
    slot.scanner = &reader;
    slot.present = [&reader](std::uint64_t seed, double) { reader.present(seed); };
    sim::World live(setup.package, setup.scenario, setup.seed, 2, sim::Hardware{{&slot}});
    const std::string live_results = results_text(live, setup.package);

    // Only the bound voters met the reader; those who came were identified, the odd ones not by finger.
    EXPECT_GT(slot.counts.identified(), 5);
    EXPECT_LE(slot.counts.identified(), 40);
    EXPECT_GT(slot.counts.fingerprint + slot.counts.other_finger, 0);
    EXPECT_GT(slot.counts.face + slot.counts.manual, 0);
    // Every capture the desk counted came from the reader; the refused ones are delivered too.
    EXPECT_EQ(slot.captures, std::count_if(slot.delivered.begin(), slot.delivered.end(), [](const auto& d) { return d.result.has_value(); }));
    EXPECT_GT(slot.delivered.size(), static_cast<std::size_t>(slot.captures));
    const sim::RunResults after = live.results();
    for (std::size_t i = 0; i < after.pecs.size(); ++i) {
        if (after.pecs[i].number == kPec) {
            EXPECT_GE(after.pecs[i].identification.identified(), slot.counts.identified());  // the reader's desk adds to the PEC's report
            continue;
        }
        EXPECT_EQ(after.pecs[i].identification, before.pecs[i].identification) << "PEC " << after.pecs[i].number;
        EXPECT_EQ(after.pecs[i].reported_at, before.pecs[i].reported_at) << "PEC " << after.pecs[i].number;
    }

    // The record's hardware, written and read back, replayed without the reader: the same night, byte for byte.
    Replay replay = replay_through_a_file(setup, sim::Hardware{{&slot}}, "shailoo_hil_record_test.yaml");
    ASSERT_TRUE(replay.loaded);
    ASSERT_EQ(replay.loaded->hardware.readers.size(), 1u);
    const sim::ReplayedHardware& replayed = replay.hardware;
    EXPECT_EQ(replay.results, live_results);
    EXPECT_EQ(replayed.divergence(), "");
    EXPECT_EQ(replayed.readers[0]->counts, slot.counts);
    // The reader died in the live night, at a time of that night, and so did its replay.
    EXPECT_GT(reader.dead_at, core::at(7, 0));
    EXPECT_EQ(replayed.reader_devices[0]->has_fault(devices::Fault::dead), reader.has_fault(devices::Fault::dead));
    ASSERT_EQ(replayed.readers[0]->delivered.size(), slot.delivered.size());

    // A record cut short: the replay says it diverged.
    std::optional<sim::DrillRecord>& loaded = replay.loaded;
    loaded->hardware.readers[0].deliveries.resize(slot.delivered.size() / 2);
    sim::ReplayedHardware cut = sim::replay_hardware(loaded->hardware);
    sim::World short_of(setup.package, setup.scenario, setup.seed, 1, cut.for_world());
    results_text(short_of, setup.package);
    EXPECT_NE(cut.divergence().find("capture(s) beyond the record"), std::string::npos) << cut.divergence();
}

// [SECTION] A scanner in an ARBB

// Stands in for a physical ballot scanner: the person at it feeds the sheet the voter meant, except
// that every fifth voter's sheet is marked for the next party and the third read jams (the next
// sheet that scans ends the jam, as on a SANE scanner). Records what it delivered, as hil does.
class ScriptedBallotScanner final : public devices::BallotScanner {
public:
    explicit ScriptedBallotScanner(sim::ExternalBallotScanner& slot) : BallotScanner(sim::hil_scanner_id(kPec, 0)), slot_(slot) {}
    void present(std::int64_t voter, const core::Ballot& meant) {
        fed_ = meant.sheet;
        if (voter % 5 == 0 && fed_.option_marks == 1 && fed_.options[0] > 0) fed_.options[0] = static_cast<std::uint8_t>(fed_.options[0] % 20 + 1),
                                                                              fed_.preference_marks = 0, ++marked_otherwise;
    }
    bool sheet_waiting() const override { return true; }
    devices::DeviceResult<core::BallotMarks> read(core::Micros now) override {
        devices::BallotDelivery d{core::BallotMarks{fed_, true}, 2000};
        if (++reads_ == 3) {
            d.result = std::unexpected(devices::DeviceError{devices::Fault::jam, "Document feeder jammed"});
            enter_fault(devices::Fault::jam, now);
        } else if (has_fault(devices::Fault::jam)) {
            clear_fault(devices::Fault::jam, now);
        }
        if (d.result) held_ = true;
        slot_.delivered.push_back(d);
        return d.result;
    }
    devices::DeviceResult<void> route(devices::Compartment where, core::Micros) override {
        held_ = false;
        if (where != devices::Compartment::return_to_voter) ++dropped_;
        return {};
    }
    std::int64_t sheets_dropped() const override { return dropped_; }
    int marked_otherwise = 0;

private:
    sim::ExternalBallotScanner& slot_;
    core::MarkSheet fed_;
    int reads_ = 0;
    bool held_ = false;
    std::int64_t dropped_ = 0;
};

TEST(HilRecord, AScannerInAnArbbCountsWhatTheTraineeFedAndAReplayOfItsSheetsGivesTheSameNight) {
    sim::RunSetup setup = demo();
    sim::ExternalBallotScanner slot{.pec = kPec, .box = 0, .device = "scripted (test)"};
    for (const sim::BoundVoter& b : first_voters(setup.package, 60)) slot.voters.push_back(b.voter);
    ScriptedBallotScanner scanner(slot);
    slot.scanner = &scanner;
    slot.present = [&scanner](std::int64_t voter, const core::Ballot& meant) { scanner.present(voter, meant); };
    sim::World live(setup.package, setup.scenario, setup.seed, 2, sim::Hardware{{}, {&slot}});
    const std::string live_results = results_text(live, setup.package);
    EXPECT_GT(slot.sheets, 5);
    EXPECT_EQ(static_cast<std::size_t>(slot.sheets) + 1, slot.delivered.size());  // one jam, the sheet fed again
    ASSERT_GT(scanner.marked_otherwise, 0);
    // The ARBB counted what was fed: its party counts differ from the ground truth, its total does not.
    const sim::RunResults after = live.results();
    const auto pec = std::find_if(after.pecs.begin(), after.pecs.end(), [](const auto& p) { return p.number == kPec; });
    ASSERT_NE(pec, after.pecs.end());
    const auto& counted = pec->final_reports[0].option_counts;
    EXPECT_NE(counted, pec->truth.party);
    EXPECT_EQ(std::accumulate(counted.begin(), counted.end(), std::int64_t{0}),
              std::accumulate(pec->truth.party.begin(), pec->truth.party.end(), std::int64_t{0}));
    // The inspector lists the scanner as physical.
    int physical = 0;
    for (const auto& dev : live.detail(*live.index_of(kPec)).devices) physical += dev.physical && dev.id == scanner.id();
    EXPECT_EQ(physical, 1);

    const Replay replay = replay_through_a_file(setup, sim::Hardware{{}, {&slot}}, "shailoo_hil_scanner_record_test.yaml");
    ASSERT_TRUE(replay.loaded);
    ASSERT_EQ(replay.loaded->hardware.scanners.size(), 1u);
    EXPECT_EQ(replay.results, live_results);
    EXPECT_EQ(replay.hardware.divergence(), "");
    EXPECT_EQ(replay.hardware.scanners[0]->sheets, slot.sheets);
}

// [SECTION] A modem on a real link

// Stands in for a real link (hil::ModemLink): the first report finds no route, the first answer that
// comes back is lost (the PEC's end timed out), and the rest cross in 1.5 s each way (slower than
// the modelled modem's 0.4 s, so the link's time shows). Records what it carried, as the world does.
class ScriptedLink final : public devices::ModemLink {
public:
    devices::LinkDelivery carry_report(std::span<const std::uint8_t> report, std::uint64_t& ticket) override {
        ticket = ++tickets_;
        reports.push_back(std::vector<std::uint8_t>(report.begin(), report.end()));
        if (reports.size() == 1) return {false, false, "127.0.0.1:7443: connect: Network is unreachable", 3};
        return {false, true, {}, 1500};
    }
    devices::LinkDelivery carry_answer(std::uint64_t, const core::Ack& ack) override {
        answers.push_back(ack);
        if (answers.size() == 1) return {true, false, "127.0.0.1:7443: reading the ack: timed out", 10000};
        return {true, true, {}, 1500};
    }
    std::vector<std::vector<std::uint8_t>> reports;
    std::vector<core::Ack> answers;

private:
    std::uint64_t tickets_ = 0;
};

TEST(HilRecord, AModemOnARealLinkDeliversEveryReportOnceThroughItsFailuresAndAReplayGivesTheSameNight) {
    sim::RunSetup setup = demo();
    sim::World plain(setup.package, setup.scenario, setup.seed, 2);
    plain.run_to_end(2);
    const sim::RunResults before = plain.results();

    ScriptedLink link;
    sim::ExternalModem slot{.pec = kPec, .link = &link, .device = "scripted (test)", .delivered = {}};
    sim::World live(setup.package, setup.scenario, setup.seed, 2, sim::Hardware{{}, {}, {&slot}});
    // The live night in a console's frames (one virtual second each, as at x60, while PEC 6006 reports):
    // where the frames cut the night decides whether a report or an answer crossed the link first,
    // not their virtual times; the replay below runs the night in one go.
    for (core::Micros t = core::at(20, 0); t < core::at(20, 40); t += core::kSecond) live.advance_to(t, 2);
    const std::string live_results = results_text(live, setup.package);
    const sim::RunResults after = live.results();

    // The PEC's reports went over the link: one found no route and was sent again, one answer was
    // lost and its report sent again, which the CEC answered `duplicate`; every report is stored once.
    ASSERT_GE(link.reports.size(), 4u);
    ASSERT_GE(link.answers.size(), 3u);
    EXPECT_GE(std::count(link.reports.begin(), link.reports.end(), link.reports[0]), 2);  // the same signed report, resent
    EXPECT_EQ(after.central.counters.committed, before.central.counters.committed);
    EXPECT_EQ(after.central.counters.duplicates, before.central.counters.duplicates + 1);
    EXPECT_EQ(std::count_if(link.answers.begin(), link.answers.end(), [](const core::Ack& a) { return a.outcome == core::AckOutcome::duplicate; }), 1);
    ASSERT_EQ(slot.delivered.size(), link.reports.size() + link.answers.size());
    EXPECT_FALSE(slot.delivered[0].arrived);
    EXPECT_EQ(slot.delivered[0].error, "127.0.0.1:7443: connect: Network is unreachable");
    for (std::size_t i = 0; i < after.pecs.size(); ++i) {
        if (after.pecs[i].number == kPec) {
            EXPECT_GT(after.pecs[i].reported_at, before.pecs[i].reported_at) << "the link's failures and its 1.5 s legs take time";
            EXPECT_EQ(after.pecs[i].reports_rejected, 0);
            EXPECT_EQ(after.pecs[i].final_reports[0].option_counts, before.pecs[i].final_reports[0].option_counts);
            continue;
        }
        EXPECT_EQ(after.pecs[i].reported_at, before.pecs[i].reported_at) << "PEC " << after.pecs[i].number;
    }
    // The inspector lists the link as the PEC's physical modem.
    int physical = 0;
    for (const auto& dev : live.detail(*live.index_of(kPec)).devices) physical += dev.physical && dev.kind == devices::DeviceKind::modem;
    EXPECT_EQ(physical, 1);

    const Replay replay = replay_through_a_file(setup, sim::Hardware{{}, {}, {&slot}}, "shailoo_hil_modem_record_test.yaml");
    ASSERT_TRUE(replay.loaded);
    ASSERT_EQ(replay.loaded->hardware.modems.size(), 1u);
    EXPECT_EQ(replay.results, live_results);
    EXPECT_EQ(replay.hardware.divergence(), "");
    ASSERT_EQ(replay.hardware.modems[0]->delivered.size(), slot.delivered.size());

    // A record whose first report arrived, where the live link refused it: the replay says it diverged.
    sim::HardwareRecord changed = replay.loaded->hardware;
    changed.modems[0].deliveries[0] = {false, true, {}, 1500};
    sim::ReplayedHardware other = sim::replay_hardware(changed);
    sim::World otherwise(setup.package, setup.scenario, setup.seed, 1, other.for_world());
    results_text(otherwise, setup.package);
    EXPECT_NE(other.divergence().find("modem link scripted (test)"), std::string::npos) << other.divergence();
}

// A link that never delivers (the cable was pulled and never put back).
class DeadLink final : public devices::ModemLink {
public:
    devices::LinkDelivery carry_report(std::span<const std::uint8_t>, std::uint64_t& ticket) override {
        ticket = ++reports;
        return {false, false, "127.0.0.1:7443: connect: Network is unreachable", 1};
    }
    devices::LinkDelivery carry_answer(std::uint64_t, const core::Ack&) override { return {true, false, "no connection", 0}; }
    std::uint64_t reports = 0;
};

TEST(HilRecord, ALinkThatNeverComesBackLeavesItsPecUnreportedAndTheNightStillEnds) {
    sim::RunSetup setup = demo();
    DeadLink link;
    sim::ExternalModem slot{.pec = kPec, .link = &link, .device = "dead (test)", .delivered = {}};
    sim::World live(setup.package, setup.scenario, setup.seed, 2, sim::Hardware{{}, {}, {&slot}});
    live.run_to_end(2);  // returns: the night ends at sim::kNightHorizon at the latest
    const sim::RunResults after = live.results();
    const auto pec = std::find_if(after.pecs.begin(), after.pecs.end(), [](const auto& p) { return p.number == kPec; });
    ASSERT_NE(pec, after.pecs.end());
    EXPECT_EQ(pec->reported_at, 0);
    // Three reports from about 20:15 to the horizon, resent every 5 minutes once the backoff is at its cap.
    EXPECT_GT(link.reports, 3u * 300u);
    EXPECT_LT(link.reports, 3u * 350u);
    EXPECT_EQ(slot.delivered.size(), link.reports);
}

// [SECTION] The record's hardware list

TEST(HilRecord, TheHardwareListReadsBackEveryFieldAndANamedErrorForEachMistake) {
    sim::HilReaderRecord r{.pec = kPec, .desk = 2, .device = "elan (ElanTech \"Fingerprint\" Sensor)", .threshold = 0.075};
    r.bound.push_back({6006123, finger_of(1)});
    r.deliveries.push_back({devices::FingerprintCapture{finger_of(2), 64}, 812});
    r.deliveries.push_back({std::unexpected(devices::DeviceError{devices::Fault::dead, "fingerprint reader x: unplugged: No such device"}), 10003});
    sim::DrillRecord record{.scenario = "x.yaml", .scenario_name = "x", .seed = 5};
    record.hardware.readers = {r};
    sim::HilScannerRecord scan{.pec = kPec, .box = 1, .device = "pnm:0", .voters = {6006123, 6006124}};
    core::MarkSheet marks;
    marks.form = core::BoxKind::party_list;
    marks.mark_option(3);
    marks.mark_preference(3, 5);
    scan.deliveries.push_back({core::BallotMarks{marks, true}, 2100});
    scan.deliveries.push_back({core::BallotMarks{core::MarkSheet{}, false}, 1900});
    scan.deliveries.push_back({std::unexpected(devices::DeviceError{devices::Fault::jam, "Document feeder jammed"}), 40});
    scan.deliveries.push_back({core::BallotMarks{}, 3, true});
    record.hardware.scanners = {scan};
    const fs::path file = fs::temp_directory_path() / "shailoo_hil_record_fields.yaml";
    ASSERT_TRUE(sim::save_drill_record(record, file));
    auto loaded = sim::load_drill_record(file);
    ASSERT_TRUE(loaded) << loaded.error().message;
    const sim::HilReaderRecord& back = loaded->hardware.readers.at(0);
    EXPECT_EQ(back.pec, kPec);
    EXPECT_EQ(back.desk, 2);
    EXPECT_EQ(back.device, r.device);
    EXPECT_EQ(back.threshold, 0.075);
    ASSERT_EQ(back.bound.size(), 1u);
    EXPECT_EQ(back.bound[0].voter, 6006123);
    EXPECT_TRUE(std::equal(back.bound[0].print.valid_minutiae().begin(), back.bound[0].print.valid_minutiae().end(),
                           r.bound[0].print.valid_minutiae().begin(), r.bound[0].print.valid_minutiae().end()));
    ASSERT_EQ(back.deliveries.size(), 2u);
    EXPECT_EQ(back.deliveries[0].wall_ms, 812);
    ASSERT_TRUE(back.deliveries[0].result);
    EXPECT_EQ(back.deliveries[0].result->quality, 64);
    EXPECT_EQ(back.deliveries[0].result->print.cylinders[5].bits[0], r.deliveries[0].result->print.cylinders[5].bits[0]);
    ASSERT_FALSE(back.deliveries[1].result);
    EXPECT_EQ(back.deliveries[1].result.error().cause, devices::Fault::dead);
    EXPECT_EQ(back.deliveries[1].result.error().message, "fingerprint reader x: unplugged: No such device");
    ASSERT_EQ(loaded->hardware.scanners.size(), 1u);
    const sim::HilScannerRecord& sb = loaded->hardware.scanners[0];
    EXPECT_EQ(sb.pec, kPec);
    EXPECT_EQ(sb.box, 1);
    EXPECT_EQ(sb.device, "pnm:0");
    EXPECT_EQ(sb.voters, scan.voters);
    ASSERT_EQ(sb.deliveries.size(), 4u);
    ASSERT_TRUE(sb.deliveries[0].result);
    EXPECT_EQ(sb.deliveries[0].wall_ms, 2100);
    EXPECT_EQ(sb.deliveries[0].result->sheet.option_marks, 1);
    EXPECT_EQ(sb.deliveries[0].result->sheet.options[0], 3);
    EXPECT_EQ(sb.deliveries[0].result->sheet.preference_marks, 1);
    EXPECT_EQ(sb.deliveries[0].result->sheet.preferences[0].position, 5);
    EXPECT_FALSE(sb.deliveries[1].result->readable);
    EXPECT_EQ(sb.deliveries[2].result.error().cause, devices::Fault::jam);
    EXPECT_EQ(sb.deliveries[2].result.error().message, "Document feeder jammed");
    EXPECT_TRUE(sb.deliveries[3].no_sheet);

    const auto error_of = [](const std::string& hardware, int version = 6) {
        auto parsed = sim::parse_drill_record(
            fmt::format("version: {}\nscenario: x.yaml\nscenario_name: x\nseed: 1\nactions: []\nhardware:\n{}", version, hardware), "r.yaml");
        return parsed ? std::string("accepted") : parsed.error().message;
    };
    const std::string ok = "  - {pec: 6006, desk: 1, device: d, threshold: 0.075, bound: [{voter: 5, minutiae: \"1,2,3,e\"}], captures: []}\n";
    EXPECT_EQ(error_of(ok), "accepted");
    EXPECT_NE(error_of(ok, 5).find("'hardware': is new in version 6"), std::string::npos) << error_of(ok, 5);
    EXPECT_NE(error_of("  - {pec: 6006, desk: 1, device: d, threshold: 0.075, bound: [{voter: 5, minutiae: \"1,2,300,e\"}]}\n")
                  .find("hardware[0].bound[0].minutiae': minutia 1 ('1,2,300,e'): the angle must be 0 to 255"),
              std::string::npos);
    EXPECT_NE(error_of("  - {pec: 6006, desk: 1, device: d, threshold: 0.075, captures: [{wall_ms: 3, fault: jam, message: m}]}\n")
                  .find("hardware[0].captures[0].fault': expected dead or degraded"),
              std::string::npos);
    EXPECT_NE(error_of("  - {pec: 6006, desk: 1, device: d, threshold: 0.075, captures: [{wall_ms: 3, quality: 50}]}\n")
                  .find("hardware[0].captures[0].minutiae"),
              std::string::npos);
    EXPECT_NE(error_of("  - {pec: 6006, desk: 1, device: d, threshold: 0.075, colour: red}\n").find("colour"), std::string::npos);
    EXPECT_NE(error_of(ok + ok).find("a second reader at PEC 6006 desk 1"), std::string::npos) << error_of(ok + ok);
    const std::string arbb = "  - {pec: 6006, box: party_list, device: pnm, voters: [5], reads: [{wall_ms: 9, form: party_list, options: [3], preferences: [\"3/5\"], readable: true}]}\n";
    EXPECT_EQ(error_of(arbb), "accepted");
    EXPECT_NE(error_of("  - {pec: 6006, box: middle, device: pnm}\n").find("hardware[0].box': expected party_list or district"), std::string::npos);
    EXPECT_NE(error_of("  - {pec: 6006, box: district, device: pnm, reads: [{wall_ms: 9, form: district, options: [1], preferences: [\"3-5\"], readable: true}]}\n")
                  .find("hardware[0].reads[0].preferences[0]': expected \"party/place\""),
              std::string::npos);
    EXPECT_NE(error_of("  - {pec: 6006, box: district, device: pnm, reads: [{wall_ms: 9, fault: out_of_paper, message: m}]}\n")
                  .find("hardware[0].reads[0].fault': expected one of a ballot scanner's faults"),
              std::string::npos);
    EXPECT_NE(error_of(arbb + arbb).find("a second scanner in PEC 6006's ARBB 1"), std::string::npos) << error_of(arbb + arbb);

    // Modem links (version 7): every leg read back, and the mistakes named.
    const std::string link = "  - {pec: 6006, link: \"CEC end 127.0.0.1:7443\", carried: [{leg: report, wall_ms: 3, error: \"connect: refused\"}, "
                             "{leg: report, wall_ms: 12}, {leg: answer, wall_ms: 4}]}\n";
    auto links = sim::parse_drill_record("version: 7\nscenario: x.yaml\nscenario_name: x\nseed: 1\nhardware:\n" + link, "r.yaml");
    ASSERT_TRUE(links) << links.error().message;
    ASSERT_EQ(links->hardware.modems.size(), 1u);
    const sim::HilModemRecord& m = links->hardware.modems[0];
    EXPECT_EQ(m.pec, kPec);
    EXPECT_EQ(m.link, "CEC end 127.0.0.1:7443");
    ASSERT_EQ(m.deliveries.size(), 3u);
    EXPECT_FALSE(m.deliveries[0].arrived);
    EXPECT_EQ(m.deliveries[0].error, "connect: refused");
    EXPECT_TRUE(m.deliveries[1].arrived && !m.deliveries[1].answer && m.deliveries[1].wall_ms == 12);
    EXPECT_TRUE(m.deliveries[2].arrived && m.deliveries[2].answer);
    sim::DrillRecord with_link{.scenario = "x.yaml", .scenario_name = "x", .seed = 5};
    with_link.hardware.modems = {m};
    ASSERT_TRUE(sim::save_drill_record(with_link, file));
    auto again = sim::load_drill_record(file);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->hardware.modems.at(0).deliveries.size(), 3u);
    EXPECT_EQ(again->hardware.modems[0].deliveries[0].error, "connect: refused");
    EXPECT_NE(error_of(link).find("a modem link (`link`) is new in version 7"), std::string::npos) << error_of(link);
    EXPECT_NE(error_of("  - {pec: 6006, link: l, carried: [{leg: sideways, wall_ms: 3}]}\n", 7).find("hardware[0].carried[0].leg': expected report or answer"),
              std::string::npos);
    EXPECT_NE(error_of("  - {pec: 6006, link: l, carried: [{leg: report}]}\n", 7).find("hardware[0].carried[0].wall_ms"), std::string::npos);
    EXPECT_NE(error_of(link + link, 7).find("a second modem link at PEC 6006"), std::string::npos) << error_of(link + link, 7);
}

TEST(HilRecord, BoundVotersMustBeOnTheReadersPecAndBoundOnce) {
    sim::RunSetup setup = demo();
    devices::VirtualFingerprintScanner scanner("reader", core::RandomStream(1));
    std::vector<sim::BoundVoter> voters = first_voters(setup.package, 2);
    const auto refused = [&](std::vector<sim::BoundVoter> bound, std::vector<sim::BoundVoter> second = {}) {
        sim::ExternalFingerprintReader a{.pec = kPec, .desk = 1, .scanner = &scanner}, b{.pec = kPec, .desk = 2, .scanner = &scanner};
        a.bound = std::move(bound), b.bound = std::move(second);
        std::vector<sim::ExternalFingerprintReader*> readers{&a};
        if (!b.bound.empty()) readers.push_back(&b);
        auto checked = sim::check_external_readers(setup.package, setup.scenario, readers);
        return checked ? std::string("accepted") : checked.error().message;
    };
    EXPECT_EQ(refused(voters), "accepted");
    EXPECT_EQ(refused({voters[0], voters[0]}), fmt::format("PEC 6006 desk 1: voter {} is bound twice", voters[0].voter));
    EXPECT_EQ(refused({{0, voters[0].print}}), "PEC 6006 desk 1: voter 0 is not on this PEC's roll");
    EXPECT_EQ(refused({voters[0]}, {voters[0]}), fmt::format("PEC 6006 desk 2: voter {} is bound to desk 1's reader too", voters[0].voter));
}

}  // namespace
}  // namespace hil_record_test
