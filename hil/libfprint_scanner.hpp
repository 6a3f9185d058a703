#pragma once
/// A physical fingerprint reader behind devices::FingerprintScanner, through libfprint 1.94.
///
/// Threading (docs/hil.md): libfprint's `*_sync` calls and its device enumeration spin GLib's
/// global default main context, so one worker thread per process owns that context and runs every
/// libfprint call; a caller hands it one operation at a time and waits with a deadline. Each
/// operation has its own GCancellable, cancelled by a timer on the worker at the deadline; if the
/// driver has not returned a short grace after that, the caller stops waiting anyway. A session
/// (LibfprintSession) is that worker plus libfprint's context; only one can be open in a process.
///
/// Capture path for image readers: identify against an empty gallery returns the probe print
/// (libfprint extracts its minutiae with NBIS), its FP3 serialisation gives the minutiae
/// (hil/fp3_print.hpp), its image feeds the quality gate (hil/quality_gate.hpp), and the minutiae
/// become a core::FingerprintTemplate that the project's matcher compares, with the threshold
/// measured for this path (kLibfprintThreshold). Match-on-chip readers keep their prints: a capture
/// on one is refused, naming the driver.
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "devices/fingerprint_scanner.hpp"
#include "hil/fp3_print.hpp"
#include "hil/quality_gate.hpp"

namespace hil {

/// Matcher threshold for templates made from libfprint's minutiae (station::FingerprintMatcher's
/// score): the smallest that none of 21,600 impostor scores reached, on the four NIST example prints
/// rendered as 60 impressions each (rotation up to 5 degrees, shift up to 8 px, crop up to 20 px)
/// through virtual_image; 43 % of the 7,080 genuine comparisons fail there. A small sample of four
/// fingers: docs/hil.md, "Threshold" (`bench_hil_threshold`). Measure it again on a real reader's captures.
inline constexpr double kLibfprintThreshold = 0.075;

/// One libfprint device as enumerated.
struct ReaderInfo {
    int index = 0;           ///< position in libfprint's list (a DEVICE argument may be this number)
    std::string driver;      ///< libfprint driver id, e.g. "elan", "virtual_image"
    std::string name;        ///< the driver's full name, e.g. "ElanTech Fingerprint Sensor"
    std::string device_id;   ///< libfprint's device id (USB bus path or virtual socket)
    bool image = false;      ///< true: an image reader; false: match-on-chip (no template)
};

/// Settings of a scanner on a libfprint device.
struct ScannerSettings {
    /// Longest a capture (or open / close) may take before it is an error and the scanner is dead.
    std::chrono::milliseconds timeout{10'000};
    /// Where the times of fault events come from (the simulation's clock); none: time 0.
    const core::Clock* clock = nullptr;
    /// Called on the worker thread when the reader starts waiting for a finger (a prompt; tests feed
    /// virtual_image then). Must not block or call the scanner.
    std::function<void()> on_finger_needed;
    /// Called on the caller's thread after each capture() (the desk's path, not capture_report) with
    /// what it gave the desk and how long it took, and the image when libfprint returned one (else
    /// nullptr): a drill records it (sim/hil_record.hpp) and the console shows the image.
    std::function<void(const devices::FingerprintDelivery&, const GreyImage*)> on_capture;
};

/// What one capture gave, accepted by the quality gate or not.
struct CaptureReport {
    devices::FingerprintCapture capture;  ///< template (all minutiae kept by template_from_nist) and quality
    QualityFigures figures;               ///< the gate's figures (minutiae: libfprint's count)
    QualityVerdict verdict = QualityVerdict::accepted;
    GreyImage image;                      ///< the image libfprint extracted the minutiae from
    std::vector<NistMinutia> minutiae;    ///< all of libfprint's minutiae, as it gave them
};

class LibfprintRuntime;

/// devices::FingerprintScanner on one libfprint device (opened by LibfprintSession::open).
class LibfprintScanner final : public devices::FingerprintScanner {
public:
    /// Closes the device (bounded by the timeout).
    ~LibfprintScanner() override;
    LibfprintScanner(const LibfprintScanner&) = delete;
    LibfprintScanner& operator=(const LibfprintScanner&) = delete;

    /// One capture of whatever finger is on the reader (`which` is the one the desk asked for; the
    /// reader cannot tell). Refused by the quality gate: an error (cause `degraded`, the fault not
    /// entered) naming the verdict. Driver error, timeout, unplug or a match-on-chip reader: an
    /// error with the driver's words, and the scanner enters the `dead` fault.
    devices::DeviceResult<devices::FingerprintCapture> capture(core::Finger which) override;

    /// One capture with the gate's figures, returned even when the gate refuses it (`hil check`).
    devices::DeviceResult<CaptureReport> capture_report();

    /// The reader as enumerated.
    const ReaderInfo& reader() const { return reader_; }

private:
    friend class LibfprintSession;
    LibfprintScanner(std::string id, ReaderInfo reader, void* device, ScannerSettings settings, std::shared_ptr<LibfprintRuntime> runtime);
    devices::DeviceError dead(std::string message);

    ReaderInfo reader_;
    void* device_;  // FpDevice*, used on the worker thread only
    ScannerSettings settings_;
    std::shared_ptr<LibfprintRuntime> runtime_;
    unsigned long needed_handler_ = 0;  // the finger-status signal handler, if any
};

/// libfprint's context on its GLib worker thread: the readers it found, and scanners on them.
class LibfprintSession {
public:
    /// Starts the worker and enumerates the devices (environment such as FP_VIRTUAL_IMAGE and
    /// FP_DRIVERS_WHITELIST is read now). Fails when another session is open in this process, or
    /// enumeration takes longer than `timeout`.
    static std::expected<std::unique_ptr<LibfprintSession>, std::string> start(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// Releases the context once no scanner of it is left.
    ~LibfprintSession();
    LibfprintSession(const LibfprintSession&) = delete;
    LibfprintSession& operator=(const LibfprintSession&) = delete;

    /// The devices libfprint found.
    const std::vector<ReaderInfo>& readers() const { return readers_; }
    /// The reader named by `selector` (its index, driver id or device id), or why none matches.
    std::expected<ReaderInfo, std::string> find(std::string_view selector) const;
    /// Opens the reader named by `selector` as the scanner `scanner_id` (e.g. "6006-fingerprint-1").
    std::expected<std::unique_ptr<LibfprintScanner>, std::string> open(std::string_view selector, std::string scanner_id,
                                                                       ScannerSettings settings = {});

private:
    explicit LibfprintSession(std::shared_ptr<LibfprintRuntime> runtime, std::vector<ReaderInfo> readers)
        : runtime_(std::move(runtime)), readers_(std::move(readers)) {}
    std::shared_ptr<LibfprintRuntime> runtime_;
    std::vector<ReaderInfo> readers_;
};

}  // namespace hil
