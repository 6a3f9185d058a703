#pragma once
/// A client of the ingest protocol, as a PEC device's transmitter speaks it: a fresh TLS 1.3
/// connection per report, the CEC's CA pinned (net/tls_context.hpp), one length-prefixed
/// SignedReport out, one Ack back (docs/protocol.md). Used by `shailoo load`, the tests and any
/// real-network transmitter. Errors are values naming the peer and the step that failed.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>  // before Asio 1.74's awaitable.hpp, which uses std::exchange without it
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "core/result.hpp"
#include "core/wire.hpp"
#include "net/tls_frame.hpp"

namespace net {

/// Where a server listens: "HOST:PORT" (an IPv6 address in brackets: "[::1]:5443").
struct ServerAddress {
    std::string host;        ///< name or address; also the name its certificate must carry
    std::uint16_t port = 0;  ///< TCP port
};

/// Parses "HOST:PORT"; the error names the text and what is wrong.
core::Result<ServerAddress> parse_server_address(std::string_view text);

/// Resolves a server address to its first TCP endpoint (blocking DNS lookup).
core::Result<boost::asio::ip::tcp::endpoint> resolve(const ServerAddress& address);

/// Connects to `server`, checks its certificate against the context's CA and `host`, sends each
/// payload of `messages` as one frame and reads one Ack per frame, then closes the connection.
/// The whole exchange is bounded by `timeout` (the socket is closed when it runs out).
boost::asio::awaitable<core::Result<std::vector<core::Ack>>> exchange(boost::asio::ssl::context& tls,
                                                                boost::asio::ip::tcp::endpoint server, std::string host,
                                                                std::vector<std::vector<std::uint8_t>> messages,
                                                                std::chrono::milliseconds timeout);

/// exchange() on a private io_context: blocks the calling thread until it is done.
core::Result<std::vector<core::Ack>> exchange_blocking(boost::asio::ssl::context& tls, boost::asio::ip::tcp::endpoint server,
                                                 std::string host, std::vector<std::vector<std::uint8_t>> messages,
                                                 std::chrono::milliseconds timeout);

/// Sends raw bytes (frames or garbage) over a TLS connection and reads Acks until the server
/// closes it or `timeout` passes: for tests of what a server does with broken framing.
core::Result<std::vector<core::Ack>> send_raw_blocking(boost::asio::ssl::context& tls, boost::asio::ip::tcp::endpoint server,
                                                 std::string host, std::vector<std::uint8_t> bytes,
                                                 std::chrono::milliseconds timeout);

}  // namespace net
