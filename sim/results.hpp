#pragma once
/// What a simulated election day produced: per PEC and national figures, ground truth beside what
/// the ARBBs counted, and the engine's own performance. Written to results.json (docs/results.md).
#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "central/aggregation.hpp"
#include "central/ingest.hpp"
#include "core/identification_report.hpp"
#include "core/reports.hpp"

namespace sim {

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
    core::IdentificationCounts identification;
    GroundTruth truth;
    std::array<core::ArbbReport, 2> final_reports;  ///< [0] party list box, [1] district box
    core::IdentificationReport identification_report;  ///< the PEC's identification report (all desks)
    core::Micros reported_at = 0;        ///< when the last report was acknowledged by the CEC (0: never)
    std::int64_t reports_rejected = 0;   ///< reports the CEC refused
    std::int64_t fault_events = 0;       ///< faults entered at this PEC's devices
    std::int64_t events = 0;             ///< engine events executed for this PEC
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
    std::optional<central::Results> results;   ///< aggregation of the store (empty if it failed)
    std::string aggregation_error;
    std::vector<Discrepancy> reconciliation;
};

/// A whole run.
struct RunResults {
    std::string scenario;
    std::string package;
    std::uint64_t seed = 0;
    int threads = 1;
    std::vector<PecResult> pecs;         ///< in PEC number order
    core::Micros voting_close = 0;       ///< the scenario's closing time (the reporting curve starts there)
    CentralOutcome central;
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
