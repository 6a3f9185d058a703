#pragma once
/// The fingerprint scanner at the identification desk: captures one finger and extracts its template.
#include <cstdint>

#include "core/fingerprint.hpp"
#include "devices/device.hpp"

namespace devices {

/// One capture: the extracted template and the scanner's quality estimate.
struct FingerprintCapture {
    core::FingerprintTemplate print;  ///< minutiae and descriptors of this impression
    int quality = 0;                  ///< 0 (unusable) .. 100 (excellent), NFIQ-like scale
};

/// What a physical reader gave the desk for one capture (hardware in the loop): kept in a drill
/// record so a replay gives the desk the same again without the hardware (docs/hil.md).
struct FingerprintDelivery {
    DeviceResult<FingerprintCapture> result;  ///< the capture, or the reader's error (fault and words)
    std::int64_t wall_ms = 0;                 ///< how long the reader took, wall clock
};

/// A fingerprint scanner. Faults: dead (no capture), degraded (dirty sensor, worse captures).
class FingerprintScanner : public Device {
public:
    /// A scanner with this device id, e.g. "1001-fingerprint-1".
    explicit FingerprintScanner(std::string id) : Device(std::move(id), DeviceKind::fingerprint_scanner) {}

    /// Captures the finger `which` of the person at the scanner. Fails when the scanner is dead
    /// or no hand is on it (the error names which).
    virtual DeviceResult<FingerprintCapture> capture(core::Finger which) = 0;
};

}  // namespace devices
