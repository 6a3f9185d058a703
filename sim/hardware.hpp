#pragma once
/// Physical devices in a run or a drill (hardware in the loop, docs/hil.md): fingerprint readers at
/// identification desks (sim/identification_station.hpp), ballot scanners in an ARBB's slot and a
/// PEC modem's real network link. The caller owns them and everything they point at for the whole
/// run; a PEC's thread uses its own.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ballot.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"
#include "devices/ballot_scanner.hpp"
#include "devices/modem.hpp"
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

/// A real network link between one PEC's modem and the simulated CEC (a hil::ModemLink, or a drill
/// record's replay): every report the PEC's transmitter sends crosses it to the CEC, and every answer
/// of the CEC crosses it back. The PEC's modelled modem still applies its faults and its healthy
/// link's time (sim::LinkedModem); the real link adds its own failures and its own time on top.
struct ExternalModem {
    int pec = 0;
    devices::ModemLink* link = nullptr;
    std::string device;                            ///< what the link is (its ends), for the record
    /// What the link did, report by report and answer by answer, in order (written on the PEC's
    /// thread for reports and on the CEC's for answers; never both at once).
    std::vector<devices::LinkDelivery> delivered;
};

/// The physical devices of a run: readers at desks, scanners in ARBB slots, modem links.
struct Hardware {
    std::vector<ExternalFingerprintReader*> readers;
    std::vector<ExternalBallotScanner*> scanners;
    std::vector<ExternalModem*> modems;
    bool empty() const { return readers.empty() && scanners.empty() && modems.empty(); }
};

/// The modem a PEC with a real link sends through (its transmitter's modem). A report goes first
/// through the PEC's modelled modem (its faults refuse it; its healthy-link time is the least the
/// report takes), then over the real link; it arrives at the later of the two times. The CEC's
/// answer goes back the same two ways (answer()). The least time is also what keeps the simulation's
/// synchronisation (docs/architecture.md): nothing arrives sooner than a modelled modem allows.
class LinkedModem final : public devices::Modem {
public:
    /// `modelled`: the PEC's virtual modem (id "PPPP-modem"); `external`: the link. Id "PPPP-modem-hil".
    LinkedModem(devices::Modem& modelled, ExternalModem& external);
    devices::DeviceResult<core::Micros> transmit(std::size_t bytes, core::Micros now) override;
    devices::DeviceResult<core::Micros> send(std::span<const std::uint8_t> message, core::Micros now) override;
    /// The CEC's answer to `device`'s report `sequence`, given at `at`, which the modelled modem would
    /// bring to the PEC at `modelled`: when it arrives over the link, or nullopt when the link lost it.
    std::optional<core::Micros> answer(const std::string& device, std::uint64_t sequence, const core::Ack& ack, core::Micros at,
                                       core::Micros modelled);

private:
    devices::Modem& modelled_;
    ExternalModem& external_;
    std::map<std::pair<std::string, std::uint64_t>, std::deque<std::uint64_t>> waiting_;  // report -> tickets of its copies on the link
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
/// one only in a PEC with a district), one per ARBB, its voters on that PEC's roll; each modem link
/// has a link and stands at a simulated PEC, one per PEC; errors name them.
core::Result<void> check_hardware(const core::ElectionPackage& package, const Scenario& scenario, const Hardware& hardware);

}  // namespace sim
