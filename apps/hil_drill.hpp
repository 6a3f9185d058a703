#pragma once
// The physical devices of a drill (`shailoo train --hil PEC:SLOT=DEVICE --hil-voter FILE`, docs/hil.md):
// libfprint readers at identification desks, each with the voters trainees play at it (enrolled by
// `shailoo hil enroll`), recording what they deliver for the drill record.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "hil/libfprint_scanner.hpp"
#include "sim/identification_station.hpp"
#include "trainer/console.hpp"

namespace apps {

/// One `--hil` argument: PEC, slot (only `deskN` for now) and the device.
struct HilSlot {
    int pec = 0;
    int desk = 0;        ///< 1-based
    std::string device;  ///< libfprint selector: index, driver or device id
};
/// Reads "PEC:deskN=DEVICE"; the error says what is wrong and which slots exist.
core::Result<HilSlot> parse_hil_slot(std::string_view text);

/// The readers, open, with their voters bound; alive for the whole drill.
class HilDrill {
public:
    /// Opens each slot's reader (one libfprint session) and binds each enrolment to the reader of its
    /// PEC; every reader must have a voter. `timeout`: longest capture before the reader counts as dead.
    static core::Result<std::unique_ptr<HilDrill>> open(const std::vector<std::string>& slots, const std::vector<std::string>& enrolments,
                                                        std::chrono::milliseconds timeout);
    /// The readers for the drill session.
    std::vector<sim::ExternalFingerprintReader*> readers() const;
    /// The last image any reader captured.
    trainer::ReaderImage last_image() const;

private:
    HilDrill() = default;
    core::Result<void> open_reader(const HilSlot& slot, std::chrono::milliseconds timeout);
    void delivered(sim::ExternalFingerprintReader& reader, const devices::FingerprintDelivery& d, const hil::GreyImage* image);

    std::unique_ptr<hil::LibfprintSession> session_;
    std::vector<std::unique_ptr<sim::ExternalFingerprintReader>> readers_;
    std::vector<std::unique_ptr<hil::LibfprintScanner>> scanners_;  // after session_: closed before it
    mutable std::mutex mutex_;
    trainer::ReaderImage last_;
};

}  // namespace apps
