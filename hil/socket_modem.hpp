#pragma once
/// A PEC modem on a real network link (docs/hil.md, "A real network link"): each report the
/// station's store-and-forward transmitter sends goes over a fresh TLS 1.3 connection to an ingest
/// server (ours or a system under test), with the CEC's CA pinned, exactly as `net::exchange`
/// speaks the protocol; the server's answer is kept for whoever runs the transmitter to hand to
/// `station::Transmitter::on_ack`. The transmitter does not know which modem it got: a failed
/// connection is a `no_signal` error and it backs off and retries as over a virtual modem.
///
/// Blocking: send() returns when the server answered or the exchange failed, after at most
/// `SocketModemSettings::timeout`. Not thread-safe (one PEC's devices belong to one thread).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/wire.hpp"
#include "devices/modem.hpp"
#include "net/tls_client.hpp"

namespace boost::asio::ssl {
class context;
}

namespace hil {

/// Where and how a socket modem connects.
struct SocketModemSettings {
    net::ServerAddress server;                 ///< the ingest server, HOST:PORT
    std::string server_name;                   ///< the name its certificate must carry (empty: server.host)
    std::filesystem::path ca;                  ///< the CEC's CA certificate, PEM (pinned: nothing else is trusted)
    std::chrono::milliseconds timeout{10'000};  ///< per report: connect, handshake, frame, ack
    const core::Clock* clock = nullptr;        ///< the time a report counts as delivered (required)
};

/// The server's answer to one report the modem carried.
struct ModemAck {
    std::string device_id;  ///< the report's device, read from the report sent
    std::uint64_t sequence = 0;
    core::Ack ack;          ///< as the server sent it
    core::Micros at = 0;    ///< the clock's time when it came
};

/// What the modem did so far.
struct SocketModemCounters {
    std::int64_t exchanges = 0;   ///< reports answered by the server
    std::int64_t failures = 0;    ///< reports that got no answer (no connection, timeout, broken link)
    std::int64_t bytes_sent = 0;  ///< report bytes of the answered exchanges
    std::string last_error;       ///< the latest failure, in the network's words
};

class SocketModem final : public devices::Modem {
public:
    /// A modem with device id `id` (e.g. "6006-modem-1"). Fails when the CA cannot be read, the
    /// clock is missing or the server address has no port; the error names the file or field.
    static core::Result<std::unique_ptr<SocketModem>> open(std::string id, SocketModemSettings settings);
    ~SocketModem() override;

    /// A socket modem carries real bytes only: always an error naming send().
    devices::DeviceResult<core::Micros> transmit(std::size_t bytes, core::Micros now) override;
    /// Connects, sends `message` as one frame, reads the server's Ack and closes. Returns the clock's
    /// time when the Ack came; a `no_signal` error naming the server and the step that failed
    /// (resolve, connect, handshake, send, ack) otherwise.
    devices::DeviceResult<core::Micros> send(std::span<const std::uint8_t> message, core::Micros now) override;

    /// The answers received since the last call, in the order they came.
    std::vector<ModemAck> take_acks();
    const SocketModemCounters& counters() const { return counters_; }
    const SocketModemSettings& settings() const { return settings_; }

private:
    SocketModem(std::string id, SocketModemSettings settings, std::shared_ptr<boost::asio::ssl::context> tls);
    SocketModemSettings settings_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::vector<ModemAck> acks_;
    SocketModemCounters counters_;
};

}  // namespace hil
