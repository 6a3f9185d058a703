#pragma once
/// What a simulated election day produced: per PEC and national figures, ground truth beside what
/// the ARBBs counted, and the engine's own performance. Written to results.json (docs/results.md).
#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "central/aggregation.hpp"
#include "central/ingest.hpp"
#include "core/identification_report.hpp"
#include "core/reports.hpp"
#include "devices/device.hpp"
#include "sim/support.hpp"

namespace sim {

/// Which device of a PEC a fault hit, named as in a scenario's faults section (docs/scenarios.md):
/// `arbb` is either ARBB's ballot scanner, `printer` a desk's receipt printer, `power` the PEC's
/// supply; `arbb_printer` (an ARBB's report printer) is no scenario target but runs out of paper by itself.
enum class FaultDevice : std::uint8_t {
    fingerprint_scanner, document_reader, webcam, printer, arbb, arbb_printer, modem, power
};

/// Name of a fault device ("arbb", "fingerprint_scanner", ...).
std::string_view to_string(FaultDevice device);

/// What one fault of one device family did at one PEC (sim/fault_ledger.hpp keeps it; the exact
/// definitions are those of results.json `fault_effects`, docs/results.md).
struct PecFaultEffect {
    FaultDevice device = FaultDevice::arbb;
    devices::Fault fault = devices::Fault::jam;
    std::int64_t episodes = 0;           ///< a device entering the fault while not in it (several desks: each counts)
    std::int64_t ongoing = 0;            ///< of them, not over when the results were taken
    core::Micros downtime = 0;           ///< summed length of the episodes (ongoing ones up to RunResults::until)
    core::Micros longest = 0;            ///< longest single episode
    std::int64_t sheets_held = 0;        ///< sheets that went into an ARBB's reserve slot, refused for this fault
    std::int64_t voters_waited = 0;      ///< voters whose wait for a desk overlapped an episode
    std::int64_t voters_left = 0;        ///< voters who left the queue while an episode was on
    bool reports_delayed = false;        ///< modem faults: an episode between handing the final reports to the modem and their delivery, which came late
    bool reports_undelivered = false;    ///< modem faults: an episode after the handing, and a report never delivered
    core::Micros reporting_delay = 0;    ///< when reports_delayed: the last report's first delivery minus when a healthy modem delivers it
    /// Device-time in the fault in each kFaultSlot of the day, from midnight (slot i: [i, i + 1) x kFaultSlot),
    /// up to the last slot with any; ongoing episodes count up to RunResults::until. Sums to `downtime`.
    std::vector<core::Micros> downtime_by_slot;
};

/// The time step of results.json `fault_effects` timelines (devices in each fault over the day).
inline constexpr core::Micros kFaultSlot = 30 * core::kMinute;

/// What the voters meant to vote (known only to the simulator).
struct GroundTruth {
    std::vector<std::int64_t> party;     ///< party[0] = against all, party[p] = Party.id p
    std::int64_t party_spoilt = 0;       ///< party-list ballots spoilt on purpose or by mistake
    std::vector<std::int64_t> district;  ///< district[0] = against all, district[c] = candidate c
    std::int64_t district_spoilt = 0;
};

/// One PEC's day.
struct PecResult {
    int number = 0;
    int region = 0;
    int district = 0;
    std::int64_t registered = 0;
    std::int64_t voters = 0;             ///< voters who received ballots
    std::int64_t arrivals = 0;           ///< voters who came (including refused)
    core::Micros opened_at = 0;          ///< zero reports printed, voting open
    core::Micros last_voter_at = 0;      ///< last ballot cast (>= 20:00 if a queue remained)
    std::int64_t max_queue = 0;          ///< longest queue for identification
    double mean_wait_s = 0.0;            ///< mean wait for an identification desk
    double mean_queue = 0.0;             ///< time-average queue length from opening to voting close
    double max_wait_s = 0.0;             ///< longest wait
    std::int64_t in_queue_at_close = 0;  ///< voters still queued at voting close (they still vote)
    double desk_pace = 1.0;              ///< the PEC's operator pace: multiplier on identification durations
    std::int64_t left_queue = 0;         ///< voters who came, saw the queue and left without voting
    std::int64_t forged_ballots = 0;     ///< ballots issued to collected passports at a desk left open (a desk_break incident)
    core::IdentificationCounts identification;
    GroundTruth truth;
    std::array<core::ArbbReport, 2> final_reports;  ///< [0] party list box, [1] district box
    core::IdentificationReport identification_report;  ///< the PEC's identification report (all desks)
    core::Micros reported_at = 0;        ///< when the last report was acknowledged by the CEC (0: never)
    std::int64_t reports_rejected = 0;   ///< reports the CEC refused
    std::int64_t fault_events = 0;       ///< faults entered at this PEC's devices
    std::vector<PecFaultEffect> fault_effects;  ///< what each (device, fault) did here, in (device, fault) order
    std::int64_t events = 0;             ///< engine events executed for this PEC
    /// Voters who received ballots in each hour from RunResults::hours_from (up to the last hour with any).
    std::vector<std::int64_t> voters_by_hour;
    /// Time-average queue for identification in each hour from RunResults::hours_from, up to voting
    /// close and on while voters still queue after it (the lull before opening and a late opening included).
    std::vector<double> queue_by_hour;
};

/// One difference found by the reconciliation (sim/reconciler.hpp).
struct Discrepancy {
    int pec = 0;
    std::string check;   ///< which comparison: identified_vs_box, box_vs_manual_count, box_vs_stored, not_stored, ...
    std::string detail;  ///< what differs, in words
};

/// What the in-process CEC did and published.
struct CentralOutcome {
    central::IngestCounters counters;
    std::int64_t alerts = 0;
    std::int64_t unreachable = 0;              ///< deliveries that found the server down (scenario cec.down)
    std::optional<central::Results> results;   ///< aggregation of the store (empty if it failed)
    std::string aggregation_error;
    std::vector<Discrepancy> reconciliation;
    std::vector<int> held;                     ///< PECs the duty officer held back from publication (not in `results`)
};

/// A whole run.
struct RunResults {
    std::string scenario;
    std::string package;
    std::uint64_t seed = 0;
    int threads = 1;
    std::vector<PecResult> pecs;         ///< in PEC number order
    core::Micros voting_open = 0;        ///< the scenario's opening time
    core::Micros voting_close = 0;       ///< the scenario's closing time (the reporting curve starts there)
    core::Micros hours_from = 0;         ///< start of the hourly figures (PecResult::voters_by_hour): the hour voting opens in
    core::Micros until = 0;              ///< virtual time the results were taken at (World::now()): ongoing faults count up to it
    CentralOutcome central;
    std::optional<SupportDay> support;   ///< the technical support's day (none: faults ended at drawn times)
    double wall_s = 0.0;                 ///< wall time from building the world to the results gathered
    /// Where wall_s went (their sum is at most wall_s): building the world (PECs, devices, plans, key
    /// pairs), the day and night (every PEC and the CEC), gathering the results (store, seats,
    /// reconciliation, publication check).
    struct Phases {
        double build_s = 0.0;
        double simulate_s = 0.0;
        double results_s = 0.0;
    } phases;
    double cpu_s = 0.0;                  ///< CPU time of the process over wall_s, all threads
    std::int64_t events = 0;
};

}  // namespace sim
