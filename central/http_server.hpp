#pragma once
/// The CEC's public HTTP server (Boost.Beast, HTTP/1.1, C++20 coroutines after Beast's awaitable
/// server example): the results page at "/", the results document at "/api/results.json".
///
/// Runs on the caller's io_context; the caller runs it on one or more threads. The results
/// document comes from a callback (the serve command caches the JSON after each ingest commit and
/// returns the cached text), called on the io_context's threads, so it must be thread-safe.
///
/// Limits: request header and body sizes are bounded (431 / 413 and the connection is closed);
/// only GET and HEAD are served (405 with an Allow header otherwise); unknown paths get 404.
/// Idle connections are closed after `idle_timeout`: a socket timer of the network layer (steady
/// clock, never the wall clock), so a slow client cannot hold a connection forever; it does not
/// touch the results. Connections are capped (`max_connections`, a budget of the page's own, so
/// idle page connections cannot take the descriptors the ingest needs); at the cap the oldest
/// idle connection makes room for the new one.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/result.hpp"

namespace central {

/// Bounds of the HTTP server.
struct HttpServerLimits {
    std::size_t max_header_bytes = 8 * 1024;     ///< request line and headers
    std::size_t max_body_bytes = 1024;           ///< request body (GET and HEAD need none)
    std::chrono::seconds idle_timeout{30};       ///< close a connection silent this long
    /// Connections open at once at most, a budget apart from the ingest's (central/connection_budget.hpp):
    /// at the cap a new connection closes the oldest one not answering a request right now.
    std::size_t max_connections = 512;
    /// Of those, from any one IP address at most (the same rule as the ingest's).
    std::size_t max_connections_per_peer = 64;
};

/// Running counts (read from any thread).
struct HttpServerCounters {
    std::atomic<std::int64_t> connections{0};  ///< connections accepted
    std::atomic<std::int64_t> requests{0};     ///< requests answered
    std::atomic<std::int64_t> not_found{0};    ///< answered 404
    std::atomic<std::int64_t> refused{0};      ///< answered 405, 413 or 431, or unreadable
    std::atomic<std::int64_t> open{0};         ///< connections open now
    std::atomic<std::int64_t> evicted{0};      ///< idle connections closed at a cap to make room
    std::atomic<std::int64_t> refused_per_peer{0};  ///< closed at once: their address at its limit, all busy
    std::atomic<std::int64_t> capacity_waits{0};  ///< pauses of 5 ms at the cap with every connection answering
    std::atomic<std::int64_t> accept_errors{0};   ///< failed accepts (e.g. no descriptor free), each followed by a 50 ms pause
};

/// HTTP/1.1 server for the results page and the JSON API.
class HttpServer {
public:
    /// The current results document as JSON text (docs/publication.md).
    using ResultsProvider = std::function<std::string()>;

    /// A server to listen on `endpoint` (port 0: any free port, see port()) on `io`.
    HttpServer(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, ResultsProvider results_json,
               HttpServerLimits limits = {});
    /// Stops accepting (connections in progress finish on their own).
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// A page produced on each request (e.g. "/metrics"), answered with `content_type` and no
    /// caching. Before start() only; the provider runs on the io_context's threads.
    void add_page(std::string path, std::string content_type, std::function<std::string()> body);

    /// Binds, listens and starts accepting. Errors: address in use, not available, already started.
    core::Result<void> start();
    /// The bound port (after start()), e.g. the one picked for port 0.
    std::uint16_t port() const { return port_; }
    /// Stops accepting new connections; safe from any thread.
    void stop();
    /// Counts so far.
    const HttpServerCounters& counters() const;

    /// Shared with the running coroutines, so connections may outlive the object (http_server.cpp).
    struct State;

private:
    std::shared_ptr<State> state_;
    std::uint16_t port_ = 0;
};

}  // namespace central
