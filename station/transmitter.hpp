#pragma once
/// The PEC's result transmitter: stores every signed report until the CEC acknowledges it and
/// forwards it over the modem, retrying with exponential backoff while the modem has no link.
/// A modem outage delays delivery; it never loses a report, and the CEC's duplicate detection
/// makes a retransmission harmless (docs/protocol.md).
///
/// The transmitter has no timer of its own: whoever runs it (the simulator, or the device's main
/// loop) calls poll() at next_wakeup() and hands it the CEC's answers through on_ack().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/wire.hpp"
#include "devices/modem.hpp"

namespace station {

/// Retry settings. Defaults: first retry after 5 s, doubling up to 5 minutes; a report delivered
/// but not acknowledged within 60 s is sent again.
struct TransmitterPolicy {
    core::Micros first_backoff = 5 * core::kSecond;
    core::Micros max_backoff = 5 * core::kMinute;
    core::Micros ack_timeout = 60 * core::kSecond;
};

/// Bytes the modem delivered to the CEC: what the network carries.
struct Transmission {
    std::string device_id;
    std::uint64_t sequence = 0;
    std::vector<std::uint8_t> bytes;
    core::Micros delivered_at = 0;  ///< when the last byte reached the CEC
    int attempt = 0;                ///< 1 for the first send
    core::Micros sent_at = 0;       ///< when the modem began to send (its connection opened)
};

/// Where one report stands.
struct OutgoingState {
    std::string device_id;
    std::uint64_t sequence = 0;
    int attempts = 0;            ///< modem sends tried
    int modem_failures = 0;      ///< sends the modem could not make
    bool acknowledged = false;
    bool rejected = false;
    std::string reason;          ///< last modem error or the rejection reason
    core::Micros acknowledged_at = 0;
};

/// Store-and-forward sender over one modem.
class Transmitter {
public:
    /// A transmitter on `modem`, reading time from `clock`.
    Transmitter(devices::Modem& modem, const core::Clock& clock, TransmitterPolicy policy = {});

    /// Stores a signed report for sending; it is sent at the next poll().
    void enqueue(std::string device_id, std::uint64_t sequence, std::vector<std::uint8_t> bytes);
    /// Sends every report that is due now; returns what the modem delivered.
    std::vector<Transmission> poll();
    /// When poll() has work next (a retry, an ack timeout), or nullopt when nothing is pending.
    std::optional<core::Micros> next_wakeup() const;
    /// The CEC answered for (device, sequence): stored or duplicate acknowledge it, rejected ends it
    /// (`reason` kept), retry leaves it pending (sent again when its ack timeout passes). Answers for
    /// unknown reports are ignored (returns false).
    bool on_ack(std::string_view device_id, std::uint64_t sequence, core::AckOutcome outcome, std::string_view reason = {});

    /// True when every stored report is acknowledged (or rejected).
    bool done() const;
    /// Reports not yet acknowledged or rejected.
    std::size_t pending() const;
    /// Every report's state, in enqueue order.
    std::vector<OutgoingState> states() const;

private:
    struct Outgoing {
        OutgoingState state;
        std::vector<std::uint8_t> bytes;
        core::Micros next_attempt = 0;
        core::Micros backoff = 0;
    };
    devices::Modem& modem_;
    const core::Clock& clock_;
    TransmitterPolicy policy_;
    std::vector<Outgoing> outgoing_;
};

}  // namespace station
