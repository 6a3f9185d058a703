#pragma once
/// The modem an ARBB is connected to after 20:00 to send its results to the CEC.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/clock.hpp"
#include "devices/device.hpp"

namespace devices {

/// A modem. Faults: dead, no_signal, slow, flapping.
class Modem : public Device {
public:
    /// A modem with this device id, e.g. "1001-modem-1".
    explicit Modem(std::string id) : Device(std::move(id), DeviceKind::modem) {}

    /// Sends `bytes` starting at `now`; returns the time they are delivered at the other end,
    /// or the fault that stopped them (the sender retries; nothing is half-delivered).
    virtual DeviceResult<core::Micros> transmit(std::size_t bytes, core::Micros now) = 0;
    /// Sends one message (a signed report) starting at `now`: what the transmitter calls. A modelled
    /// modem needs only its size (transmit); a modem on a real link (hil::SocketModem) carries the
    /// bytes themselves and overrides this.
    virtual DeviceResult<core::Micros> send(std::span<const std::uint8_t> message, core::Micros now) {
        return transmit(message.size(), now);
    }
};

}  // namespace devices
