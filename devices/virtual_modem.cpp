#include "devices/virtual_modem.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace devices {

VirtualModem::VirtualModem(std::string id, core::RandomStream random)
    : Modem(std::move(id)), phase_(static_cast<core::Micros>(random.below(static_cast<std::uint64_t>(kFlapPeriod)))) {}

bool VirtualModem::link_down_at(core::Micros t) const {
    if (!has_fault(Fault::flapping)) return false;
    const double share = std::clamp(severity(Fault::flapping), 0.0, 1.0);
    const auto down = static_cast<core::Micros>(share * static_cast<double>(kFlapPeriod));
    core::Micros in_cycle = (t - phase_) % kFlapPeriod;
    if (in_cycle < 0) in_cycle += kFlapPeriod;
    return in_cycle < down;
}

DeviceResult<core::Micros> VirtualModem::transmit(std::size_t bytes, core::Micros now) {
    ++transfers_;
    if (has_fault(Fault::dead))
        return std::unexpected(DeviceError{Fault::dead,
            fmt::format("modem {} does not respond: check its power and cable, or replace it", id())});
    if (has_fault(Fault::no_signal))
        return std::unexpected(DeviceError{Fault::no_signal,
            fmt::format("modem {} has no signal: move it or its antenna, or use the backup channel", id())});
    if (auto injected = injected_failure(Fault::no_signal, "transfer")) return std::unexpected(std::move(*injected));
    core::Micros latency = transfer_time(bytes);
    if (has_fault(Fault::slow))
        latency = static_cast<core::Micros>(static_cast<double>(latency) * std::max(1.0, severity(Fault::slow)));
    if (has_fault(Fault::flapping)) {
        // The link is down when any part of [now, now + latency] falls in a down window.
        const double share = std::clamp(severity(Fault::flapping), 0.0, 1.0);
        bool dropped = share > 0.0 && (latency >= kFlapPeriod || link_down_at(now) || link_down_at(now + latency));
        if (!dropped && share > 0.0) {
            // A down window starts inside the transfer if the cycle boundary falls inside it.
            core::Micros start_in_cycle = (now - phase_) % kFlapPeriod;
            if (start_in_cycle < 0) start_in_cycle += kFlapPeriod;
            dropped = start_in_cycle + latency >= kFlapPeriod;
        }
        if (dropped)
            return std::unexpected(DeviceError{Fault::flapping,
                fmt::format("modem {} link dropped during the transfer (unstable signal): send again", id())});
    }
    bytes_delivered_ += static_cast<std::int64_t>(bytes);
    return now + latency;
}

}  // namespace devices
