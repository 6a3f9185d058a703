#pragma once
/// A delay stage for a real network link (docs/hil.md, "A real network link"): a TCP relay that
/// holds every chunk of bytes it receives for a delay plus a random jitter before passing it on,
/// in both directions, the bytes of each direction in their order (a TCP stream cannot reorder).
/// It stands in for netem's `delay D J` where the kernel has no netem (this machine's has not):
/// put it on the link's path (e.g. in the PEC's network namespace) and point the modem at it.
///
/// Jitter is uniform in [-jitter, +jitter] around the delay, never below zero; a chunk is never
/// passed on before the one read before it, so a large jitter stretches the stream rather than
/// reordering it. The draws come from core::RandomStream(seed, connection number, direction):
/// the same seed gives the same delays to the same chunks. The relay runs on a thread of its own.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/result.hpp"

namespace hil {

/// How much a relay delays each chunk.
struct DelaySettings {
    std::chrono::microseconds delay{0};   ///< mean one-way delay
    std::chrono::microseconds jitter{0};  ///< half-width of the uniform jitter around it
    std::uint64_t seed = 1;               ///< seed of the jitter draws
};

/// What a relay has passed on so far (read while it runs).
struct DelayCounters {
    std::atomic<std::int64_t> connections{0};      ///< connections accepted
    std::atomic<std::int64_t> failed_connects{0};  ///< accepted, but the target could not be reached
    std::atomic<std::int64_t> chunks{0};           ///< chunks delayed, both directions
    std::atomic<std::int64_t> bytes{0};            ///< bytes passed on, both directions
};

class DelayRelay {
public:
    /// Listens on `listen` (port 0: the OS picks one) and relays every connection to `target`.
    /// Fails when the address cannot be listened on; the error names it.
    static core::Result<std::unique_ptr<DelayRelay>> start(boost::asio::ip::tcp::endpoint listen,
                                                           boost::asio::ip::tcp::endpoint target, DelaySettings settings);
    /// Stops: closes the listener and every relayed connection, joins the thread.
    ~DelayRelay();
    DelayRelay(const DelayRelay&) = delete;
    DelayRelay& operator=(const DelayRelay&) = delete;

    /// The port it listens on.
    std::uint16_t port() const { return port_; }
    const DelayCounters& counters() const { return counters_; }

private:
    DelayRelay(boost::asio::ip::tcp::endpoint target, DelaySettings settings);
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::endpoint target_;
    DelaySettings settings_;
    DelayCounters counters_;
    std::uint16_t port_ = 0;
    std::jthread thread_;
};

}  // namespace hil
