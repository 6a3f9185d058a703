#pragma once
/// One PEC's ledger of what its faults did: each episode (a device in a fault, from entering it to
/// leaving it), the sheets its ARBBs refused into their reserve slots, the voters who queued or left
/// while an episode was on, and how late the final reports reached the CEC because of the modem.
/// The PecModel feeds it where the world already knows these things; results.json `fault_effects`
/// sums the PECs' ledgers (sim/fault_effects.hpp; definitions in docs/results.md).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "devices/device.hpp"
#include "sim/results.hpp"
#include "station/ballot_box.hpp"

namespace sim {

/// The fault device of a desk or PEC device of this kind (a printer is a desk's receipt printer,
/// a ballot scanner an ARBB).
FaultDevice fault_device_of(devices::DeviceKind kind);

/// Whether a fault device is one of an identification desk's (the devices a voter's wait depends on).
bool desk_device(FaultDevice device);

/// What one PEC's faults did. Thread-compatible: a PEC's ledger belongs to its thread.
class FaultLedger {
public:
    /// A device of `device` entered or left a fault. Entering a fault the device is already in
    /// (a new severity) continues the episode.
    void record(FaultDevice device, const devices::FaultEvent& event);
    /// A sheet went into an ARBB's reserve slot, refused by the box for `why`; counted under the
    /// fault that refusal stands for (none for refusals that are no device fault).
    void sheet_held(station::Refusal why);
    /// A voter waited for a desk from `arrived` to `served` (nothing when the wait was zero); counted
    /// under each desk-device fault with an episode in that time. Only the desks' devices stand
    /// between a voter and the ballots: a broken ARBB takes the sheets into its reserve slot, and
    /// the modem and the UPS serve the ARBBs and the reports.
    void voter_waited(core::Micros arrived, core::Micros served) {
        if (desk_episodes_ > 0 && served > arrived) count_voter(arrived, served - 1, &PecFaultEffect::voters_waited);
    }
    /// A voter left the queue at `at`: counted under each desk-device fault with an episode on then.
    void voter_left(core::Micros at) {
        if (desk_episodes_ > 0) count_voter(at, at, &PecFaultEffect::voters_left);
    }
    /// The PEC's `reports` final reports were handed to the modem at `at`.
    void reports_handed(core::Micros at, std::size_t reports);
    /// A report sent at `sent` reached the CEC at `delivered`; a healthy modem takes `healthy_transfer`
    /// (devices::VirtualModem::transfer_time). Only each report's first delivery counts (a resend
    /// after a lost answer is no delay of the PEC's).
    void report_delivered(std::string_view device_id, std::uint64_t sequence, core::Micros sent, core::Micros delivered,
                          core::Micros healthy_transfer);
    /// What each (device, fault) did, in (device, fault) order; episodes still on count up to `until`.
    std::vector<PecFaultEffect> effects(core::Micros until) const;

private:
    struct Episode {
        std::size_t row = 0;         // index in rows_
        std::string device_id;
        core::Micros from = 0;
        core::Micros to = -1;        // -1: still on
    };
    PecFaultEffect& row(FaultDevice device, devices::Fault fault);
    void count_voter(core::Micros first, core::Micros last, std::int64_t PecFaultEffect::*counter);
    void add_reporting_delay(std::vector<PecFaultEffect>& rows, core::Micros until) const;

    std::vector<PecFaultEffect> rows_;   // in order of first appearance
    std::vector<Episode> episodes_;
    std::size_t desk_episodes_ = 0;      // episodes of the desks' devices so far
    core::Micros handed_at_ = -1;        // final reports handed to the modem (-1: not yet)
    std::size_t reports_ = 0;
    std::vector<std::pair<std::string, std::uint64_t>> delivered_;  // reports delivered at least once
    core::Micros last_delivery_ = 0;     // latest first delivery
    core::Micros last_send_ = 0;         // latest send that was a report's first delivery
    core::Micros healthy_by_ = 0;        // when a healthy modem delivers the last of them
};

}  // namespace sim
