#pragma once
/// A PEC modem's real network link inside a drill (docs/hil.md, "Drills with hardware"): both ends
/// of one real TLS link, as devices::ModemLink. The CEC's end listens on a TCP address with the
/// training server certificate; the PEC's end dials it (or a relay, a veth path, anything that
/// leads there), pinning the CEC's CA, and speaks the ingest protocol exactly as a PEC device does
/// (net::exchange): one connection per report, one frame out, one Ack back. The report crosses the
/// real link to the CEC's end, the simulated CEC decides, and its answer crosses back on the same
/// connection. Whatever the link does - refuse, reset, stall, drop packets, go down - is what the
/// PEC's transmitter and the CEC see.
///
/// Threads: one Asio thread runs both ends; carry_report and carry_answer block the caller (any
/// thread) until the link delivered or failed, at most the timeout each.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/result.hpp"
#include "devices/modem.hpp"
#include "net/tls_client.hpp"

namespace hil {

/// Where the link's ends are and how long each leg may take.
struct ModemLinkSettings {
    net::ServerAddress listen;                   ///< the CEC's end: IP:PORT (port 0: any free port)
    std::optional<net::ServerAddress> dial;      ///< where the PEC's end connects (default: the CEC's end)
    std::filesystem::path certificate;           ///< the CEC's end's certificate chain, PEM
    std::filesystem::path private_key;           ///< and its key, PEM
    std::filesystem::path ca;                    ///< the CA the PEC's end pins, PEM
    std::string server_name = "localhost";       ///< the name the certificate must carry
    std::chrono::milliseconds timeout{10'000};   ///< per report: connect, handshake, frame, answer
};

/// What the link carried so far.
struct ModemLinkCounters {
    std::int64_t reports = 0;           ///< reports that reached the CEC's end
    std::int64_t answers = 0;           ///< answers the PEC's end read
    std::int64_t failures = 0;          ///< reports or answers the link did not deliver
    std::int64_t strays = 0;            ///< frames at the CEC's end that no waiting report sent (a late copy)
};

class ModemLink final : public devices::ModemLink {
public:
    /// Opens the CEC's end (listening) and readies the PEC's end; errors name the address or file.
    static core::Result<std::unique_ptr<ModemLink>> open(ModemLinkSettings settings);
    ~ModemLink() override;
    ModemLink(const ModemLink&) = delete;
    ModemLink& operator=(const ModemLink&) = delete;

    devices::LinkDelivery carry_report(std::span<const std::uint8_t> report, std::uint64_t& ticket) override;
    devices::LinkDelivery carry_answer(std::uint64_t ticket, const core::Ack& ack) override;

    /// The CEC's end as bound (the port chosen when 0 was asked for).
    net::ServerAddress cec_end() const;
    /// Where the PEC's end dials.
    net::ServerAddress pec_dials() const;
    ModemLinkCounters counters() const;

private:
    struct Impl;
    explicit ModemLink(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace hil
