#pragma once
/// Hardware in the loop in a drill record (docs/hil.md, "Drills with hardware"): each physical
/// fingerprint reader, ballot scanner and modem link of the session, the voters it served and
/// everything it delivered. A replay gives the same desks, ARBBs and transmitters the same captures,
/// sheets and link outcomes at the device interface, without the hardware: the desk's, the ARBB's
/// and the transmitter's real code, the matcher, the CEC and the devices' faults run again;
/// libfprint, SANE, the mark reader and the network do not.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "devices/fingerprint_scanner.hpp"
#include "devices/ballot_scanner.hpp"
#include "devices/modem.hpp"
#include "sim/hardware.hpp"

namespace YAML {
class Emitter;
class Node;
}
namespace core {
class YamlReader;
}

namespace sim {

/// One physical reader of a drill as its record keeps it.
struct HilReaderRecord {
    int pec = 0;
    int desk = 1;
    std::string device;                                    ///< what it was (driver and name)
    double threshold = 0;                                  ///< the matcher threshold its desk used
    std::vector<BoundVoter> bound;                         ///< the voters identified on it
    std::vector<devices::FingerprintDelivery> deliveries;  ///< every capture, in the order the desk asked
};

/// One physical ballot scanner of a drill as its record keeps it.
struct HilScannerRecord {
    int pec = 0;
    int box = 0;                                      ///< 0 the party-list ARBB, 1 the district one
    std::string device;                               ///< what it was (SANE device)
    std::vector<std::int64_t> voters;                 ///< whose sheets went through it
    std::vector<devices::BallotDelivery> deliveries;  ///< every read (and empty feed), in order
};

/// One modem link of a drill as its record keeps it.
struct HilModemRecord {
    int pec = 0;
    std::string link;                               ///< what it was (its ends)
    std::vector<devices::LinkDelivery> deliveries;  ///< every report and answer it carried, in order
};

/// A session's physical devices as its record keeps them (the record's `hardware` list).
struct HardwareRecord {
    std::vector<HilReaderRecord> readers;
    std::vector<HilScannerRecord> scanners;
    std::vector<HilModemRecord> modems;
    bool empty() const { return readers.empty() && scanners.empty() && modems.empty(); }
};

/// The record of a session's devices now (what the Hardware's entries hold).
HardwareRecord record_of(const Hardware& hardware);

/// Reads a record's `hardware` list (`node` is the list: readers with `desk`, scanners with `box`,
/// modem links with `link`); errors name FILE:LINE: field.
core::Result<HardwareRecord> read_hardware(const core::YamlReader& reader, const YAML::Node& node);
/// Writes the devices as the `hardware` list's value.
void emit_hardware(YAML::Emitter& out, const HardwareRecord& hardware);

/// A fingerprint scanner that gives back a record's deliveries in order: a capture as it was, an
/// error with its words, and with a `dead` error the scanner enters the dead fault (at its clock's
/// time) as the physical reader did. Asked for more captures than the record holds, it answers
/// `dead` and counts the capture in excess(): the replay has diverged from the session.
class ReplayedFingerprintReader final : public devices::FingerprintScanner {
public:
    /// Replays `deliveries` under the id `id`; each one given is appended to `delivered` (the replay's
    /// own record) when it is set; `clock` dates the fault events.
    ReplayedFingerprintReader(std::string id, std::vector<devices::FingerprintDelivery> deliveries, const core::Clock* clock,
                              std::vector<devices::FingerprintDelivery>* delivered);
    devices::DeviceResult<devices::FingerprintCapture> capture(core::Finger which) override;
    /// Captures asked for beyond the record (0 in a faithful replay).
    std::int64_t excess() const { return excess_; }
    /// Deliveries of the record not given yet.
    std::size_t pending() const { return deliveries_.size() - next_; }

private:
    std::vector<devices::FingerprintDelivery> deliveries_;
    std::size_t next_ = 0;
    std::int64_t excess_ = 0;
    const core::Clock* clock_;
    std::vector<devices::FingerprintDelivery>* delivered_;
};

/// A ballot scanner that gives back a record's reads in order, as hil::SaneBallotScanner gave them:
/// an empty feed, marks (held until routed), or an error with its words; jam, cover_open and dead
/// are entered as states (at its clock's time) and cleared by the next sheet read. Asked for more
/// than the record holds, it answers `dead` and counts the read in excess().
class ReplayedBallotScanner final : public devices::BallotScanner {
public:
    ReplayedBallotScanner(std::string id, std::vector<devices::BallotDelivery> deliveries, const core::Clock* clock,
                          std::vector<devices::BallotDelivery>* delivered);
    bool sheet_waiting() const override;
    devices::DeviceResult<core::BallotMarks> read(core::Micros now) override;
    devices::DeviceResult<void> route(devices::Compartment where, core::Micros now) override;
    std::int64_t sheets_dropped() const override { return dropped_; }
    std::int64_t excess() const { return excess_; }
    std::size_t pending() const { return deliveries_.size() - next_; }

private:
    std::vector<devices::BallotDelivery> deliveries_;
    mutable std::size_t next_ = 0;  // sheet_waiting() takes a recorded empty feed
    std::int64_t excess_ = 0;
    bool held_ = false;
    std::int64_t dropped_ = 0;
    const core::Clock* clock_;
    std::vector<devices::BallotDelivery>* delivered_;
};

/// A modem link that gives back a record's outcomes: the n-th report it carries gets the record's
/// n-th report leg, the n-th answer its n-th answer leg (each arrives, or fails with the network's
/// words, after the wall time recorded). Reports and answers are matched each in their own order:
/// which of a report and an answer came first in wall time depends on how the session's frames cut
/// the night, their virtual times do not. Asked for more of either than the record holds, it fails
/// the leg and counts it in excess(): the replay has diverged.
class ReplayedModemLink final : public devices::ModemLink {
public:
    /// Replays `deliveries` for the link `name` (for messages).
    ReplayedModemLink(std::string name, std::vector<devices::LinkDelivery> deliveries);
    devices::LinkDelivery carry_report(std::span<const std::uint8_t> report, std::uint64_t& ticket) override;
    devices::LinkDelivery carry_answer(std::uint64_t ticket, const core::Ack& ack) override;
    const std::string& name() const { return name_; }
    std::int64_t excess() const { return excess_; }
    std::size_t pending() const { return legs_[0].size() - next_[0] + legs_[1].size() - next_[1]; }

private:
    devices::LinkDelivery next(bool answer);
    std::string name_;
    std::vector<devices::LinkDelivery> legs_[2];  // the reports, the answers
    std::size_t next_[2] = {0, 0};
    std::int64_t excess_ = 0;
    std::uint64_t tickets_ = 0;
};

/// A record's devices made ready for a world: each reader an ExternalFingerprintReader at its desk
/// with its bound voters, on a ReplayedFingerprintReader (id "PEC-id-DESK-fingerprint-hil"), each
/// scanner an ExternalBallotScanner on a ReplayedBallotScanner (id "PEC-arbb-N-hil"), each modem
/// link an ExternalModem on a ReplayedModemLink.
struct ReplayedHardware {
    std::vector<std::unique_ptr<ExternalFingerprintReader>> readers;
    std::vector<std::unique_ptr<ReplayedFingerprintReader>> reader_devices;
    std::vector<std::unique_ptr<ExternalBallotScanner>> scanners;
    std::vector<std::unique_ptr<ReplayedBallotScanner>> scanner_devices;
    std::vector<std::unique_ptr<ExternalModem>> modems;
    std::vector<std::unique_ptr<ReplayedModemLink>> modem_links;
    /// The devices to give sim::World.
    Hardware for_world() const;
    /// Empty when no device was asked for more than its record holds and, once the night is over
    /// (`night_over`), every device gave all of its record's; else what differed, per device.
    std::string divergence(bool night_over = true) const;
};
ReplayedHardware replay_hardware(const HardwareRecord& record);

/// The id a physical reader at desk `desk` (1-based) of PEC `pec` takes: "PPPP-id-D-fingerprint-hil"
/// (the desk's virtual scanner keeps "PPPP-id-D-fingerprint").
std::string hil_reader_id(int pec, int desk);
/// The id a physical scanner in ARBB `box` (0 party list, 1 district) of PEC `pec` takes:
/// "PPPP-arbb-N-hil" (the ARBB's virtual scanner keeps "PPPP-arbb-N").
std::string hil_scanner_id(int pec, int box);

}  // namespace sim
