#pragma once
/// The CEC's ingest over the network: TLS 1.3 on TCP, length-prefixed frames (net/tls_frame.hpp,
/// docs/protocol.md), C++20 coroutines after Boost.Beast's awaitable server example.
///
/// Threads: connections run on the caller's io_context (one or more threads); each one decodes
/// and verifies its reports there (Ingest::precheck: the Ed25519 check is the costly part). The
/// Ingest and its Store belong to one writer thread that this server owns: submissions reach it
/// in order through its own io_context (a strand of one thread), and acknowledgements go back to
/// the connections only after the group commit that holds the report.
///
/// Group commit on the writer: after each submission the batch is committed if the store's
/// policy says it is due (full, or its oldest report waited max_delay), or at once when no other
/// submission is queued for the writer (the burst ended). A batch therefore grows while a commit
/// is in progress, and no report waits for a timer. `now` comes from the core::Clock the caller
/// supplies (central/ reads no clock of its own); the only timers here are socket idle timeouts and
/// the accept loop's pauses (at max_connections with every connection busy, and after a failed
/// accept). A frame's buffer grows as its bytes arrive, never to the announced length up front.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "central/connection_budget.hpp"
#include "central/ingest.hpp"
#include "central/latency_histogram.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace central {

/// Settings of the ingest server.
struct IngestServerOptions {
    std::filesystem::path certificate;               ///< server certificate chain (PEM)
    std::filesystem::path private_key;               ///< its private key (PEM)
    std::size_t max_frame_bytes = core::kMaxWireMessageBytes;  ///< larger frames: rejected, connection closed
    std::chrono::seconds idle_timeout{30};           ///< close a connection silent (or stuck in a handshake) this long
    /// Connections open at once at most (central/connection_budget.hpp): at the cap a new
    /// connection closes the oldest one that is not busy with a report (a silent or trickling
    /// client); when all are busy, new ones wait in the kernel's listen backlog until one closes.
    /// A flood therefore cannot exhaust file descriptors nor keep honest stations waiting.
    std::size_t max_connections = 4096;
    /// Of those, from any one IP address at most: a peer at its limit makes room from its own
    /// connections, or is refused when all of them are busy (central/connection_budget.hpp). PECs
    /// behind one carrier NAT share an address: size it for the largest such group (docs/serve.md).
    std::size_t max_connections_per_peer = 512;
    /// The networks connections are taken from (empty: any): a connection from elsewhere is closed
    /// as soon as it is accepted, before a budget slot or a TLS handshake (central::PeerFilter).
    PeerFilter allowed_peers;
    /// Ingest log lines handed to the LogSink in any one second at most; the rest are summed up in
    /// one line ("N more log lines not shown") when the next second starts, and at shutdown.
    std::size_t log_lines_per_second = 20;
    /// How often the writer, between submissions, commits audit records that are due and reads the
    /// operator actions in force from the store (another process may write them: `shailoo cec`).
    std::chrono::milliseconds oversight_every{500};
};

/// Counts of the network layer (read from any thread).
struct IngestServerCounters {
    std::atomic<std::int64_t> connections{0};        ///< TCP connections accepted
    std::atomic<std::int64_t> handshake_failures{0}; ///< TLS handshakes that failed (wrong CA, not TLS, timeout)
    std::atomic<std::int64_t> bad_frames{0};         ///< frames of length 0 or over max_frame_bytes
    std::atomic<std::int64_t> acks_sent{0};          ///< acknowledgements written
    std::atomic<std::int64_t> open{0};               ///< connections open now
    std::atomic<std::int64_t> capacity_waits{0};     ///< times accepting paused: at max_connections, every one busy
    std::atomic<std::int64_t> evicted{0};            ///< idle connections closed at a cap to make room for new ones
    std::atomic<std::int64_t> refused_per_peer{0};   ///< connections closed at once: their address at its limit, all busy
    std::atomic<std::int64_t> refused_network{0};    ///< connections closed at once: from outside allowed_peers
    std::atomic<std::int64_t> accept_errors{0};      ///< failed accepts (e.g. out of file descriptors), each retried after 50 ms
};

/// TLS ingest server in front of an Ingest.
class IngestServer {
public:
    /// Receives every new ingest log line (rejections, alerts, failed commits), on the writer thread.
    using LogSink = std::function<void(const LogLine&)>;
    /// Called on the writer thread after each commit (e.g. to refresh published results).
    using CommitHook = std::function<void(const IngestCounters&)>;

    /// A server for `ingest` (which it drives from its writer thread from start() on) listening on
    /// `endpoint` (port 0: any free port) with connections on `io`; time from `clock`.
    IngestServer(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, Ingest& ingest,
                 const core::Clock& clock, IngestServerOptions options, LogSink log = {}, CommitHook on_commit = {});
    /// Stops and joins the writer thread (see shutdown()).
    ~IngestServer();
    IngestServer(const IngestServer&) = delete;
    IngestServer& operator=(const IngestServer&) = delete;

    /// Loads the certificate and key, binds, listens, starts the writer and accepting.
    /// Errors: unreadable certificate or key, address in use or not available.
    core::Result<void> start();
    /// The bound port (after start()).
    std::uint16_t port() const { return port_; }
    /// Stops accepting, commits what is staged and releases its acknowledgements, answers any
    /// later submission with "retry", and joins the writer thread. Safe from any thread but the
    /// writer; idempotent. Connections still open finish on `io`.
    void shutdown();
    /// The ingest's counters as of the last submission (a copy taken on the writer thread).
    IngestCounters ingest_counters() const;
    /// Network counters.
    const IngestServerCounters& counters() const;
    /// Time from a frame's last byte to its ack written (server clock), per report.
    const LatencyHistogram& ack_latency() const;
    /// Time of each group commit of the store (server clock).
    const LatencyHistogram& commit_time() const;
    /// The operator actions in force as of the last submission or tick: a copy taken on the writer thread.
    Oversight oversight() const;
    /// The latest ingest log lines (at most kLatest), oldest first: a copy taken on the writer thread.
    std::vector<LogLine> latest_log() const;
    /// The latest alerts (at most kLatest), oldest first.
    std::vector<Alert> latest_alerts() const;
    /// Raises an alert from a check outside the ingest (Ingest::raise) on the writer thread, at the
    /// server clock's now. Any thread; nothing happens once the server is shutting down.
    void raise_alert(std::string source, std::string text);
    /// How many log lines and alerts latest_log() and latest_alerts() keep.
    static constexpr std::size_t kLatest = 50;

    /// Shared with the running coroutines, so connections may outlive the object (ingest_server.cpp).
    struct State;

private:
    std::shared_ptr<State> state_;
    std::uint16_t port_ = 0;
};

}  // namespace central
