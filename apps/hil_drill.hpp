#pragma once
// The physical devices of a drill (`shailoo train --hil PEC:SLOT=DEVICE --hil-voter FILE`, docs/hil.md):
// libfprint readers at identification desks and SANE scanners in ARBB slots, each serving the voters
// trainees play (enrolled by `shailoo hil enroll`), and a PEC modem's real network link (hil::ModemLink),
// recording what they deliver for the drill record.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/election_package.hpp"
#include "core/result.hpp"
#include "hil/libfprint_scanner.hpp"
#include "hil/modem_link.hpp"
#include "hil/sane_ballot_scanner.hpp"
#include "sim/hardware.hpp"
#include "trainer/console.hpp"

namespace apps {

/// One `--hil` argument: PEC, slot and the device.
struct HilSlot {
    int pec = 0;
    int desk = 0;        ///< `deskN`: 1-based; 0 for an ARBB slot
    int box = -1;        ///< `arbb-party` 0, `arbb-district` 1; -1 for a desk
    bool modem = false;  ///< `modem`: the PEC modem's link
    std::string device;  ///< libfprint selector (index, driver, device id), SANE device name, or the link's CEC end IP:PORT
    std::string via;     ///< a modem link's `,via=HOST:PORT`: where the PEC's end dials (empty: the CEC's end)
};
/// Reads "PEC:deskN=DEVICE", "PEC:arbb-party=DEVICE", "PEC:arbb-district=DEVICE" or
/// "PEC:modem=IP:PORT[,via=HOST:PORT]"; the error says what is wrong and which slots exist.
core::Result<HilSlot> parse_hil_slot(std::string_view text);

/// What `shailoo train` asks of the hardware.
struct HilRequest {
    std::vector<std::string> slots;        ///< --hil
    std::vector<std::string> enrolments;   ///< --hil-voter
    std::vector<std::string> scanner_options;  ///< --hil-scanner-option NAME=VALUE (SANE backend options)
    std::filesystem::path tls;                 ///< the package's tls/ folder: the link's training certificate and CA
    std::chrono::milliseconds timeout{15'000};  ///< a reader's capture; a modem link's report or answer
    /// How long the world waits for a trainee's sheet after saying what to mark (a scanner with a
    /// paper sensor: until the sheet is loaded, at most this long).
    std::chrono::milliseconds sheet_wait{15'000};
};

/// The devices, open, with their voters; alive for the whole drill.
class HilDrill {
public:
    /// Opens each slot's device and binds each enrolment to every device of its PEC; every device
    /// must serve a voter. `package`: the drill's (the ballots the scanners read).
    static core::Result<std::unique_ptr<HilDrill>> open(const HilRequest& request, const core::ElectionPackage& package);
    /// The devices for the drill session.
    sim::Hardware hardware() const;
    /// The last image any reader captured, and the last sheet any scanner scanned.
    trainer::ReaderImage last_image() const;
    trainer::ReaderImage last_sheet() const;

private:
    HilDrill() = default;
    core::Result<void> open_reader(const HilSlot& slot, std::chrono::milliseconds timeout);
    core::Result<void> open_scanner(const HilSlot& slot, const HilRequest& request, const core::ElectionPackage& package);
    core::Result<void> open_modem(const HilSlot& slot, const HilRequest& request, const core::ElectionPackage& package);
    void captured(sim::ExternalFingerprintReader& reader, const devices::FingerprintDelivery& d, const hil::GreyImage* image);
    void scanned(sim::ExternalBallotScanner& scanner, const devices::BallotDelivery& d, const hil::SheetImage* image);

    std::unique_ptr<hil::LibfprintSession> session_;
    std::vector<std::unique_ptr<sim::ExternalFingerprintReader>> readers_;
    std::vector<std::unique_ptr<hil::LibfprintScanner>> reader_devices_;  // after session_: closed before it
    std::vector<std::unique_ptr<sim::ExternalBallotScanner>> scanners_;
    std::vector<std::unique_ptr<hil::SaneBallotScanner>> scanner_devices_;
    std::vector<std::unique_ptr<sim::ExternalModem>> modems_;
    std::vector<std::unique_ptr<devices::ModemLink>> links_;
    mutable std::mutex mutex_;
    trainer::ReaderImage last_image_, last_sheet_;
};

}  // namespace apps
