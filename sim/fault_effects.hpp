#pragma once
/// What the faults did over a run: the PECs' fault ledgers (sim/fault_ledger.hpp) summed per device
/// and fault, in PEC order. results.json writes them as `fault_effects` and the summary as a table
/// (sim/results_json.hpp); the definitions are in docs/results.md.
#include <cstdint>
#include <vector>

#include "core/clock.hpp"
#include "core/election_package.hpp"
#include "devices/device.hpp"
#include "sim/results.hpp"

namespace sim {

/// PECs whose final reports a fault held back, in one region or the whole run.
struct ReportingDelay {
    int region = 0;                    ///< region code (0: the whole run)
    std::int64_t pecs_delayed = 0;     ///< PECs whose reports reached the CEC late (PecFaultEffect::reports_delayed)
    core::Micros total = 0;            ///< their delays summed
    core::Micros longest = 0;          ///< the longest delay
    std::int64_t pecs_undelivered = 0; ///< PECs with a report that never reached the CEC (reports_undelivered)
};

/// What one (device, fault) did over the run.
struct FaultEffect {
    FaultDevice device = FaultDevice::arbb;
    devices::Fault fault = devices::Fault::jam;
    std::int64_t pecs_affected = 0;    ///< PECs with at least one episode
    std::int64_t episodes = 0;
    std::int64_t ongoing = 0;          ///< episodes still on when the results were taken
    core::Micros downtime = 0;
    core::Micros longest = 0;
    int longest_pec = 0;               ///< PEC of the longest episode (the first in PEC order on a tie)
    std::int64_t sheets_held = 0;
    std::int64_t voters_waited = 0;
    std::int64_t voters_left = 0;
    ReportingDelay reporting;          ///< the whole run
    std::vector<ReportingDelay> regions;  ///< regions with a delayed or undelivered PEC, in the package's order
    std::vector<core::Micros> downtime_by_slot;  ///< device-time in the fault per kFaultSlot from midnight (PecFaultEffect's, summed)
};

/// The PECs' fault effects summed per (device, fault), in (device, fault) order; only those that
/// happened (an episode, or a sheet refused for them).
std::vector<FaultEffect> fault_effects(const RunResults& results, const core::ElectionPackage& package);

}  // namespace sim
