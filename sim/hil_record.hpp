#pragma once
/// Hardware in the loop in a drill record (docs/hil.md, "Drills with hardware"): each physical
/// fingerprint reader of the session, the voters it served and every capture it delivered. A replay
/// gives the same desks the same captures at the device interface, without the hardware: the
/// desk's real code, the matcher and the readers' faults run again; libfprint does not.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "devices/fingerprint_scanner.hpp"
#include "sim/identification_station.hpp"

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

/// The record of a session's reader now (what ExternalFingerprintReader holds).
HilReaderRecord record_of(const ExternalFingerprintReader& reader);

/// Reads a record's `hardware` list (`node` is the list); errors name FILE:LINE: field.
core::Result<std::vector<HilReaderRecord>> read_hil_readers(const core::YamlReader& reader, const YAML::Node& node);
/// Writes the readers as the `hardware` list's value.
void emit_hil_readers(YAML::Emitter& out, const std::vector<HilReaderRecord>& readers);

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

/// A record's readers made ready for a world: each an ExternalFingerprintReader at its desk with its
/// bound voters, on a ReplayedFingerprintReader (ids "PEC-id-DESK-fingerprint-hil").
struct ReplayedHardware {
    std::vector<std::unique_ptr<ExternalFingerprintReader>> readers;
    std::vector<std::unique_ptr<ReplayedFingerprintReader>> scanners;
    /// The readers to give sim::World.
    std::vector<ExternalFingerprintReader*> for_world() const;
    /// Empty when no reader was asked for a capture beyond its record and, once the night is over
    /// (`night_over`), every reader gave all of its record's captures; else what differed, per reader.
    std::string divergence(bool night_over = true) const;
};
ReplayedHardware replay_hardware(const std::vector<HilReaderRecord>& readers);

/// The id a physical reader at desk `desk` (1-based) of PEC `pec` takes: "PPPP-id-D-fingerprint-hil"
/// (the desk's virtual scanner keeps "PPPP-id-D-fingerprint").
std::string hil_reader_id(int pec, int desk);

}  // namespace sim
