#include "station/transmitter.hpp"

#include <algorithm>

namespace station {

Transmitter::Transmitter(devices::Modem& modem, const core::Clock& clock, TransmitterPolicy policy)
    : modem_(modem), clock_(clock), policy_(policy) {}

void Transmitter::enqueue(std::string device_id, std::uint64_t sequence, std::vector<std::uint8_t> bytes) {
    Outgoing o;
    o.state.device_id = std::move(device_id);
    o.state.sequence = sequence;
    o.bytes = std::move(bytes);
    o.next_attempt = clock_.now();
    o.backoff = policy_.first_backoff;
    outgoing_.push_back(std::move(o));
}

std::vector<Transmission> Transmitter::poll() {
    const core::Micros now = clock_.now();
    std::vector<Transmission> sent;
    for (auto& o : outgoing_) {
        if (o.state.acknowledged || o.state.rejected || o.next_attempt > now) continue;
        ++o.state.attempts;
        const auto delivered = modem_.send(o.bytes, now);
        if (!delivered) {
            // No link: try again later, waiting twice as long each time (bounded).
            ++o.state.modem_failures;
            o.state.reason = delivered.error().message;
            o.next_attempt = now + o.backoff;
            o.backoff = std::min(o.backoff * 2, policy_.max_backoff);
            continue;
        }
        sent.push_back(Transmission{o.state.device_id, o.state.sequence, o.bytes, *delivered, o.state.attempts, now});
        // If no answer comes, send again; the CEC acknowledges a retransmission as a duplicate.
        o.next_attempt = *delivered + policy_.ack_timeout;
        o.backoff = policy_.first_backoff;
    }
    return sent;
}

std::optional<core::Micros> Transmitter::next_wakeup() const {
    std::optional<core::Micros> next;
    for (const auto& o : outgoing_)
        if (!o.state.acknowledged && !o.state.rejected) next = next ? std::min(*next, o.next_attempt) : o.next_attempt;
    return next;
}

bool Transmitter::on_ack(std::string_view device_id, std::uint64_t sequence, core::AckOutcome outcome, std::string_view reason) {
    for (auto& o : outgoing_) {
        if (o.state.device_id != device_id || o.state.sequence != sequence) continue;
        if (o.state.acknowledged || o.state.rejected) return true;
        if (outcome == core::AckOutcome::retry) {
            o.state.reason = std::string(reason);
        } else if (outcome == core::AckOutcome::rejected) {
            o.state.rejected = true;
            o.state.reason = std::string(reason);
        } else {
            o.state.acknowledged = true;
            o.state.acknowledged_at = clock_.now();
        }
        return true;
    }
    return false;
}

bool Transmitter::done() const { return pending() == 0; }

std::size_t Transmitter::pending() const {
    return static_cast<std::size_t>(std::count_if(outgoing_.begin(), outgoing_.end(), [](const Outgoing& o) {
        return !o.state.acknowledged && !o.state.rejected;
    }));
}

std::vector<OutgoingState> Transmitter::states() const {
    std::vector<OutgoingState> out;
    for (const auto& o : outgoing_) out.push_back(o.state);
    return out;
}

}  // namespace station
