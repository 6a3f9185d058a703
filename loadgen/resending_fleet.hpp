#pragma once
/// Stations that resend each report until the server acknowledges it, as station::Transmitter does
/// (store and forward): the client of the crash tests (bench/crash_soak.hpp, tests/apps), where the
/// server is killed and restarted under the fleet. Each report goes over a fresh TLS connection
/// (net::exchange_blocking); no answer, a `retry` answer or no server yet: wait `pause`, send again.
/// A report is done when answered `stored` or `duplicate` (acknowledged) or `rejected` (refused for
/// good; a crash test counts that as a failure). Reads the steady clock and sleeps (loadgen/ may).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "loadgen/load_generator.hpp"

namespace loadgen {

/// What the senders do.
struct ResendOptions {
    std::filesystem::path ca_file;                 ///< the CEC's CA certificate (pinned)
    int threads = 8;                               ///< sending threads (reports in flight at most)
    std::chrono::milliseconds timeout{2000};       ///< per attempt (connect + handshake + ack)
    std::chrono::milliseconds pause{10};           ///< between a failed attempt and the next
};

/// How a report stands.
enum class ReportState : std::uint8_t {
    pending,       ///< not acknowledged yet
    stored,        ///< acknowledged: first ack said stored
    duplicate,     ///< acknowledged: first ack said duplicate (stored by an earlier attempt whose ack was lost)
    rejected,      ///< refused by the server
};

/// The fleet: starts its threads at construction; they wait until a port is set.
class ResendingFleet {
public:
    /// Sends every report of `plan` (which must outlive the fleet) to 127.0.0.1:port().
    /// Errors: the CA file cannot be read.
    static core::Result<std::unique_ptr<ResendingFleet>> start(const std::vector<PlannedReport>& plan, ResendOptions options);
    /// Stops the senders (a report not yet acknowledged stays pending) and joins them.
    ~ResendingFleet();
    ResendingFleet(const ResendingFleet&) = delete;
    ResendingFleet& operator=(const ResendingFleet&) = delete;

    /// Where the server listens now; 0: no server (senders wait).
    void set_port(std::uint16_t port) { port_ = port; }
    /// True when every report is acknowledged or rejected.
    bool done() const { return finished_.load() == static_cast<std::int64_t>(plan_.size()); }
    /// Waits until done() or `limit` passes; returns done().
    bool wait_done(std::chrono::milliseconds limit) const;
    /// Where report i of the plan stands (read while the senders run).
    ReportState state(std::size_t i) const { return static_cast<ReportState>(states_[i].load()); }
    /// Reports acknowledged so far.
    std::int64_t acknowledged() const { return acknowledged_.load(); }
    /// Attempts that got no acknowledgement (no server, connection cut, retry): the resends.
    std::int64_t failed_attempts() const { return failed_.load(); }
    /// Reports rejected so far, and the text of the first rejection.
    std::int64_t rejected() const { return rejected_.load(); }
    std::string first_rejection() const;

private:
    ResendingFleet(const std::vector<PlannedReport>& plan, ResendOptions options, std::shared_ptr<void> tls);
    void send_all();
    void send_one(std::size_t i);

    const std::vector<PlannedReport>& plan_;
    ResendOptions options_;
    std::shared_ptr<void> tls_;  // boost::asio::ssl::context (net/ stays out of this header)
    std::unique_ptr<std::atomic<std::uint8_t>[]> states_;
    std::atomic<std::uint16_t> port_{0};
    std::atomic<std::size_t> next_{0};
    std::atomic<std::int64_t> finished_{0}, acknowledged_{0}, failed_{0}, rejected_{0};
    std::atomic<bool> stop_{false};
    mutable std::mutex rejection_mutex_;
    std::string first_rejection_;
    std::vector<std::jthread> threads_;
};

}  // namespace loadgen
