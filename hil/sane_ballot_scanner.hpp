#pragma once
/// A ballot scanner on any SANE scanner (Scanner Access Now Easy, sane-backends 1.2): the sheet is
/// scanned in grey through the SANE API and its marks read by hil::MarkReader, so the ARBB's
/// station code (station::BallotBox) counts real paper.
///
/// SANE's answers become the device's faults, with the backend's own words (sane_strstatus):
/// SANE_STATUS_JAMMED -> jam, SANE_STATUS_NO_DOCS -> misfeed (no sheet in the feed),
/// SANE_STATUS_COVER_OPEN -> cover_open, every other failure (I/O error, device busy, out of memory,
/// access denied...) -> dead. jam, cover_open and dead are entered as states when SANE reports them
/// and cleared by the next sheet that scans; misfeed concerns one sheet and is only returned. A sheet that scans but whose marks cannot be read (no corner marks, a code failing
/// its check) is held as read, unreadable (core::BallotMarks::readable = false): the ARBB drops it
/// into the invalid compartment as it would any unreadable sheet. SANE has no bin or diverter
/// control: route() counts the sheet; a real ARBB's transport would act here.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "devices/ballot_scanner.hpp"
#include "hil/mark_reader.hpp"

namespace hil {

/// How to open the device.
struct SaneScannerOptions {
    double dpi = 200.0;  ///< resolution asked for (the nearest the device offers is taken)
    /// Backend options set after open, by SANE name, e.g. {"filename", "/tmp/sheet.pgm"} for the
    /// `pnm` backend or {"source", "ADF"}. Booleans take yes/no, numbers their decimal value.
    std::vector<std::pair<std::string, std::string>> extra;
    /// Called on the caller's thread after each read() with what it gave the ARBB and how long it
    /// took, and the scanned image when there was one (else nullptr); and when sheet_waiting() says
    /// no sheet (`no_sheet`). A drill records it (sim/hil_record.hpp) and the console shows the image.
    std::function<void(const devices::BallotDelivery&, const SheetImage*)> on_read;
};

/// A SANE device's name and model, as sane_get_devices lists it.
struct SaneDeviceInfo {
    std::string name, vendor, model, type;
};

/// The SANE devices the backends find now (sane_get_devices, local and network). Errors carry SANE's words.
core::Result<std::vector<SaneDeviceInfo>> sane_devices();

class SaneBallotScanner final : public devices::BallotScanner {
public:
    /// Opens SANE device `device` (e.g. "pnm:0", "fujitsu:fi-7160:1234") as ballot scanner `id`,
    /// asking for grey and `options.dpi` where the device has those options. Errors name the
    /// device, the option and SANE's words.
    static core::Result<std::unique_ptr<SaneBallotScanner>> open(std::string id, const std::string& device, MarkReader reader,
                                                                 const SaneScannerOptions& options = {});
    ~SaneBallotScanner() override;
    SaneBallotScanner(const SaneBallotScanner&) = delete;
    SaneBallotScanner& operator=(const SaneBallotScanner&) = delete;

    /// The device's paper sensor ("page-loaded") where it has one; otherwise true: the feed is
    /// tried, and an empty feed answers misfeed.
    bool sheet_waiting() const override;
    /// The paper sensor ("page-loaded") now, without telling on_read; nullopt when the device has none.
    std::optional<bool> paper_loaded() const;
    devices::DeviceResult<core::BallotMarks> read(core::Micros now) override;
    devices::DeviceResult<void> route(devices::Compartment where, core::Micros now) override;
    std::int64_t sheets_dropped() const override { return dropped_; }

    /// Sets a backend option by name (as SaneScannerOptions::extra), e.g. the pnm backend's file.
    core::Result<void> set_option(const std::string& name, const std::string& value);
    /// The resolution the device scans at (read back from it), dpi.
    double dpi() const { return dpi_; }
    /// Why the last sheet was unreadable (empty when it was read).
    const std::string& last_problem() const { return last_problem_; }
    /// The last sheet's full reading (fills, levels), when it was read.
    const std::optional<SheetReading>& last_reading() const { return last_reading_; }

private:
    struct Handle;
    SaneBallotScanner(std::string id, std::string device, MarkReader reader, std::unique_ptr<Handle> handle);
    devices::DeviceResult<SheetImage> scan_sheet(core::Micros now);
    devices::DeviceError fault_from(int status, const char* operation, core::Micros now);
    core::Result<void> ask_grey_and_dpi(double dpi);

    devices::DeviceResult<core::BallotMarks> read_sheet(core::Micros now, std::optional<SheetImage>& image);

    std::string device_;
    MarkReader reader_;
    std::function<void(const devices::BallotDelivery&, const SheetImage*)> on_read_;
    std::unique_ptr<Handle> handle_;
    double dpi_ = 0.0;
    bool held_ = false;
    std::int64_t dropped_ = 0;
    std::string last_problem_;
    std::optional<SheetReading> last_reading_;
};

}  // namespace hil
