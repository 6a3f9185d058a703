#include "devices/virtual_fingerprint_scanner.hpp"

#include <cmath>

#include <fmt/core.h>

namespace devices {

void VirtualFingerprintScanner::present_hand(std::uint64_t biometric_seed, double skin_quality) {
    hand_.present = true;
    hand_.seed = biometric_seed;
    hand_.skin_quality = skin_quality;
    hand_.generated = 0;
}

void VirtualFingerprintScanner::share_finger(core::Finger which, const SyntheticFinger& master) {
    if (!hand_.present) return;
    const auto f = static_cast<unsigned>(which);
    ::new (hand_.fingers[f]) SyntheticFinger(master);
    hand_.generated |= static_cast<std::uint16_t>(1u << f);
}

DeviceResult<FingerprintCapture> VirtualFingerprintScanner::capture(core::Finger which) {
    ++captures_;
    if (has_fault(Fault::dead))
        return std::unexpected(DeviceError{Fault::dead, fmt::format("fingerprint scanner {} does not respond: "
                                                                    "check its USB cable or replace it", id())});
    if (!hand_.present)
        return std::unexpected(DeviceError{Fault::dead, fmt::format("fingerprint scanner {}: no finger on the sensor; "
                                                                    "ask the voter to place the finger", id())});
    if (auto injected = injected_failure(Fault::dead, "capture")) return std::unexpected(std::move(*injected));
    const auto f = static_cast<unsigned>(which);
    if (!((hand_.generated >> f) & 1u)) {
        ::new (hand_.fingers[f]) SyntheticFinger(SyntheticFinger::generate(hand_.seed, which));
        hand_.generated |= static_cast<std::uint16_t>(1u << f);
    }
    const CaptureConditions conditions{hand_.skin_quality, severity(Fault::degraded)};
    // Made in a plain variable and copied once into the result: made inside a FingerprintCapture{...}
    // aggregate, the template (1.2 KB) would first be zeroed by g++ 12, then copied.
    const core::FingerprintTemplate print = make_impression(hand_.finger(f), conditions, stream_);
    // Quality as a scanner estimates it: the conditions, and how much of the finger it saw.
    const double coverage = std::min(1.0, print.count / 30.0);
    const int quality = static_cast<int>(std::lround(100.0 * capture_quality(conditions) * coverage));
    return DeviceResult<FingerprintCapture>(std::in_place, print, quality);
}

}  // namespace devices
