#pragma once
/// The optical scanner on top of an ARBB: takes one sheet from the voter, reads its marks,
/// then drops it into the main bin or the separate (invalid) compartment, or hands it back.
#include <cstdint>

#include "core/ballot.hpp"
#include "core/clock.hpp"
#include "devices/device.hpp"

namespace devices {

/// Where the scanner sends the sheet it has just read.
enum class Compartment : std::uint8_t {
    main_bin,         ///< valid ballots
    invalid,          ///< the separate compartment for invalid ballots
    return_to_voter,  ///< handed back unread or refused (e.g. a ballot of the other box's form)
};

/// What a physical ballot scanner read for the ARBB from one sheet (hardware in the loop): kept in a
/// drill record so a replay gives the box the same again without the scanner (docs/hil.md).
struct BallotDelivery {
    DeviceResult<core::BallotMarks> result;  ///< the marks read, or the scanner's error (fault and words)
    std::int64_t wall_ms = 0;                ///< how long the scanner took, wall clock
    bool no_sheet = false;                   ///< the paper sensor said no sheet (sheet_waiting false; nothing read)
};

/// A ballot scanner. Faults: dead, jam, misfeed, misread, box_full, cover_open.
class BallotScanner : public Device {
public:
    /// A scanner with this device id, e.g. "1001-arbb-1".
    explicit BallotScanner(std::string id) : Device(std::move(id), DeviceKind::ballot_scanner) {}

    /// Whether a sheet is waiting in the feed.
    virtual bool sheet_waiting() const = 0;
    /// Reads the waiting sheet and holds it in the transport until route(). On a fault the sheet
    /// goes back to the voter and the error names the fault.
    virtual DeviceResult<core::BallotMarks> read(core::Micros now) = 0;
    /// Sends the sheet held after read() to a compartment. Fails if no sheet is held.
    virtual DeviceResult<void> route(Compartment where, core::Micros now) = 0;
    /// Sheets dropped into the box so far (both compartments), by the scanner's own counter.
    virtual std::int64_t sheets_dropped() const = 0;
};

}  // namespace devices
