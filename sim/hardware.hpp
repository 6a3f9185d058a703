#pragma once
/// Physical devices in a run or a drill (hardware in the loop, docs/hil.md): fingerprint readers at
/// identification desks (sim/identification_station.hpp) and ballot scanners in an ARBB's slot. The
/// caller owns them and everything they point at for the whole run; a PEC's thread uses its own.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/ballot.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"
#include "devices/ballot_scanner.hpp"
#include "sim/identification_station.hpp"
#include "sim/scenario.hpp"

namespace sim {

/// A ballot scanner from outside the simulation in one ARBB's slot. Only the sheets of `voters` (the
/// voters trainees play) go through it: the world tells the person at the scanner what the voter
/// marks (`present`), and the ARBB's real code (station::BallotBox) reads the sheet on it and counts
/// it in the same box as every other sheet, which the ARBB's virtual scanner reads as without it.
/// What the person feeds is what counts: a sheet marked otherwise than the voter meant shows in the
/// reconciliation as a difference between the ground truth and the ARBB.
struct ExternalBallotScanner {
    int pec = 0;
    int box = 0;                                   ///< 0 the party-list ARBB, 1 the district one
    devices::BallotScanner* scanner = nullptr;     ///< e.g. a hil::SaneBallotScanner
    std::string device;                            ///< what it is (backend and device), for the record
    std::vector<std::int64_t> voters;              ///< whose sheets go through it (index in the national roll)
    /// Called on the PEC's thread before the voter's sheet is read: the voter and the ballot they meant.
    std::function<void(std::int64_t voter, const core::Ballot& meant)> present;
    PecClock clock;                                ///< the PEC's clock, followed once the world builds the PEC
    std::int64_t sheets = 0;                       ///< sheets of `voters` the ARBB took through it (written by the PEC's thread)
    /// What the scanner delivered, read by read, for the drill record: appended on the PEC's thread by
    /// whatever feeds the box (hil's on_read, a sim::ReplayedBallotScanner).
    std::vector<devices::BallotDelivery> delivered;
};

/// The physical devices of a run: readers at desks and scanners in ARBB slots.
struct Hardware {
    std::vector<ExternalFingerprintReader*> readers;
    std::vector<ExternalBallotScanner*> scanners;
    bool empty() const { return readers.empty() && scanners.empty(); }
};

/// The scanner an ARBB with a physical scanner reads through: the ARBB's virtual scanner, or the
/// physical one while a trainee's voter's sheet is in it (use_external). It is the device the box
/// knows (the virtual scanner's id); its sheets dropped are both scanners'.
class SwitchedBallotScanner final : public devices::BallotScanner {
public:
    SwitchedBallotScanner(devices::BallotScanner& simulated, devices::BallotScanner& external)
        : BallotScanner(simulated.id()), simulated_(simulated), external_(external) {}
    void use_external(bool on) { external_on_ = on; }
    bool sheet_waiting() const override { return current().sheet_waiting(); }
    devices::DeviceResult<core::BallotMarks> read(core::Micros now) override { return current().read(now); }
    devices::DeviceResult<void> route(devices::Compartment where, core::Micros now) override { return current().route(where, now); }
    std::int64_t sheets_dropped() const override { return simulated_.sheets_dropped() + external_.sheets_dropped(); }

private:
    devices::BallotScanner& current() const { return external_on_ ? external_ : simulated_; }
    devices::BallotScanner& simulated_;
    devices::BallotScanner& external_;
    bool external_on_ = false;
};

/// check_external_readers, and each scanner has a device, stands in an ARBB the PEC has (the district
/// one only in a PEC with a district), one per ARBB, its voters on that PEC's roll; errors name them.
core::Result<void> check_hardware(const core::ElectionPackage& package, const Scenario& scenario, const Hardware& hardware);

}  // namespace sim
