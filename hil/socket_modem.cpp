#include "hil/socket_modem.hpp"

#include <fmt/core.h>

#include <boost/asio/ssl/context.hpp>

#include "net/tls_context.hpp"

namespace hil {

core::Result<std::unique_ptr<SocketModem>> SocketModem::open(std::string id, SocketModemSettings settings) {
    if (!settings.clock) return core::fail(fmt::format("socket modem {}: no clock given", id));
    if (settings.server.host.empty() || settings.server.port == 0)
        return core::fail(fmt::format("socket modem {}: server address needs a host and a port other than 0", id));
    auto tls = net::make_client_tls_context(settings.ca);
    if (!tls) return std::unexpected(tls.error());
    if (settings.server_name.empty()) settings.server_name = settings.server.host;
    return std::unique_ptr<SocketModem>(new SocketModem(std::move(id), std::move(settings), std::move(*tls)));
}

SocketModem::SocketModem(std::string id, SocketModemSettings settings, std::shared_ptr<boost::asio::ssl::context> tls)
    : Modem(std::move(id)), settings_(std::move(settings)), tls_(std::move(tls)) {}

SocketModem::~SocketModem() = default;

devices::DeviceResult<core::Micros> SocketModem::transmit(std::size_t bytes, core::Micros) {
    return std::unexpected(devices::DeviceError{
        devices::Fault::dead, fmt::format("{}: a socket modem carries the report itself (send), not a size ({} bytes)", id(), bytes)});
}

devices::DeviceResult<core::Micros> SocketModem::send(std::span<const std::uint8_t> message, core::Micros) {
    const auto failed = [this](const std::string& why) {
        ++counters_.failures;
        counters_.last_error = why;
        return std::unexpected(devices::DeviceError{devices::Fault::no_signal, why});
    };
    // Resolved at every send: the link may come back with another route, and a name another address.
    auto endpoint = net::resolve(settings_.server);
    if (!endpoint) return failed(endpoint.error().message);
    auto acks = net::exchange_blocking(*tls_, *endpoint, settings_.server_name, {std::vector<std::uint8_t>(message.begin(), message.end())},
                                       settings_.timeout);
    if (!acks) return failed(acks.error().message);
    if (acks->size() != 1) return failed(fmt::format("{}:{}: {} answers to one report", settings_.server.host, settings_.server.port, acks->size()));
    const core::Micros at = settings_.clock->now();
    ModemAck answer{.device_id = {}, .sequence = acks->front().sequence, .ack = std::move(acks->front()), .at = at};
    // The answer belongs to the report sent: its device and sequence as the station signed them.
    if (auto envelope = core::open_envelope(message))
        if (auto body = core::decode_body(envelope->body)) {
            answer.device_id = body->header.device_id;
            answer.sequence = body->header.sequence;
        }
    acks_.push_back(std::move(answer));
    ++counters_.exchanges;
    counters_.bytes_sent += static_cast<std::int64_t>(message.size());
    return at;
}

std::vector<ModemAck> SocketModem::take_acks() { return std::exchange(acks_, {}); }

}  // namespace hil
