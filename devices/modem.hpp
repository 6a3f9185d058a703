#pragma once
/// The modem an ARBB is connected to after 20:00 to send its results to the CEC.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/clock.hpp"
#include "core/wire.hpp"
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

/// What a real network link did with one message it carried (hardware in the loop, docs/hil.md).
struct LinkDelivery {
    bool answer = false;       ///< the CEC's answer going back to the PEC (else a report going to the CEC)
    bool arrived = false;      ///< it reached the other end
    std::string error;         ///< why not, in the network's words
    std::int64_t wall_ms = 0;  ///< how long it took, or until it failed
};

/// A real network link both of whose ends belong to the simulation: a PEC's modem at one end, the
/// simulated CEC at the other (hil::ModemLink; a drill record's replay). The modem's transmitter and
/// the CEC decide what is sent and answered; the link decides whether and when it gets there.
/// Blocking, bounded by the link's own timeout.
class ModemLink {
public:
    virtual ~ModemLink() = default;
    /// Carries one signed report from the PEC's end to the CEC's end: returns once it arrived there
    /// or the link failed; `ticket` then names the report's connection, which waits for the answer.
    virtual LinkDelivery carry_report(std::span<const std::uint8_t> report, std::uint64_t& ticket) = 0;
    /// Carries the CEC's answer to report `ticket` back over its connection: returns once the PEC's
    /// end read it or the link failed (the connection had closed, timed out or broke).
    virtual LinkDelivery carry_answer(std::uint64_t ticket, const core::Ack& ack) = 0;
};

}  // namespace devices
