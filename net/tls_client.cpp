#include "net/tls_client.hpp"

#include <fmt/core.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <charconv>
#include <memory>
#include <optional>

#include "net/tls_context.hpp"

namespace net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

core::Result<ServerAddress> parse_server_address(std::string_view text) {
    ServerAddress a;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos) return core::fail(fmt::format("'{}': expected [IPv6]:PORT", text));
        a.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || colon == 0) return core::fail(fmt::format("'{}': expected HOST:PORT", text));
        a.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value > 65535 || port.empty())
        return core::fail(fmt::format("'{}': port '{}' is not a number from 0 to 65535", text, port));
    a.port = static_cast<std::uint16_t>(value);
    return a;
}

core::Result<tcp::endpoint> resolve(const ServerAddress& address) {
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
    if (ec || results.empty())
        return core::fail(fmt::format("{}:{}: cannot resolve: {}", address.host, address.port, ec ? ec.message() : "no address"));
    return results.begin()->endpoint();
}

namespace {

struct Link {
    Link(asio::any_io_executor ex, ssl::context& tls) : stream(ex, tls), timer(ex) {}
    ssl::stream<tcp::socket> stream;
    asio::steady_timer timer;
    bool timed_out = false;
};

std::string where(const tcp::endpoint& server) { return fmt::format("{}:{}", server.address().to_string(), server.port()); }

/// Reads one Ack frame.
asio::awaitable<core::Result<core::Ack>> read_ack(Link& l, const tcp::endpoint& server) {
    boost::system::error_code ec;
    std::array<std::uint8_t, kFrameHeaderBytes> header{};
    co_await asio::async_read(l.stream, asio::buffer(header), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return core::fail(fmt::format("{}: reading the ack: {}", where(server), l.timed_out ? "timed out" : ec.message()));
    const auto length = frame_length(header);
    if (length == 0 || length > core::kMaxAckBytes)
        co_return core::fail(fmt::format("{}: ack frame of {} bytes, expected 1 to {}", where(server), length, core::kMaxAckBytes));
    std::vector<std::uint8_t> payload(length);
    co_await asio::async_read(l.stream, asio::buffer(payload), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return core::fail(fmt::format("{}: reading the ack: {}", where(server), l.timed_out ? "timed out" : ec.message()));
    auto ack = core::decode_ack(payload);
    if (!ack) co_return core::fail(fmt::format("{}: {}", where(server), ack.error().message));
    co_return *ack;
}

asio::awaitable<core::Result<std::vector<core::Ack>>> run(ssl::context& tls, tcp::endpoint server, std::string host,
                                                    std::vector<std::vector<std::uint8_t>> frames, bool raw,
                                                    std::chrono::milliseconds timeout) {
    auto ex = co_await asio::this_coro::executor;
    auto l = std::make_shared<Link>(ex, tls);
    l->timer.expires_after(timeout);
    l->timer.async_wait([l](boost::system::error_code ec) {
        if (ec) return;  // cancelled: finished in time
        l->timed_out = true;
        boost::system::error_code ignored;
        l->stream.lowest_layer().close(ignored);
    });
    struct CancelTimer {
        std::shared_ptr<Link> l;
        ~CancelTimer() { l->timer.cancel(); }
    } cancel{l};

    if (auto named = expect_server_name(l->stream.native_handle(), host); !named) co_return std::unexpected(named.error());
    boost::system::error_code ec;
    co_await l->stream.lowest_layer().async_connect(server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return core::fail(fmt::format("{}: connect: {}", where(server), l->timed_out ? "timed out" : ec.message()));
    // Small messages, each answered: without TCP_NODELAY, Nagle holds the report back behind the
    // unacknowledged handshake Finished and the peer's delayed ACK adds ~40 ms to every exchange.
    l->stream.lowest_layer().set_option(tcp::no_delay(true), ec);
    co_await l->stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
        co_return core::fail(fmt::format("{}: TLS handshake: {}", where(server), l->timed_out ? "timed out" : ec.message()));
    std::vector<core::Ack> acks;
    if (raw) {
        co_await asio::async_write(l->stream, asio::buffer(frames.front()), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return core::fail(fmt::format("{}: sending: {}", where(server), ec.message()));
        for (;;) {  // acks until the server closes
            auto ack = co_await read_ack(*l, server);
            if (!ack) break;
            acks.push_back(std::move(*ack));
        }
        co_return acks;
    }
    for (const auto& m : frames) {
        const auto out = frame(m);
        co_await asio::async_write(l->stream, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return core::fail(fmt::format("{}: sending: {}", where(server), l->timed_out ? "timed out" : ec.message()));
        auto ack = co_await read_ack(*l, server);
        if (!ack) co_return std::unexpected(ack.error());
        acks.push_back(std::move(*ack));
    }
    // Send close_notify and close without waiting for the server's (TLS 1.3 allows a one-sided
    // close, RFC 8446 6.1): every ack is in, so nothing more is to be read.
    SSL_set_shutdown(l->stream.native_handle(), SSL_RECEIVED_SHUTDOWN);
    co_await l->stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));  // errors do not matter now
    co_return acks;
}

core::Result<std::vector<core::Ack>> block_on(ssl::context& tls, tcp::endpoint server, std::string host,
                                        std::vector<std::vector<std::uint8_t>> frames, bool raw, std::chrono::milliseconds timeout) {
    asio::io_context io;
    std::optional<core::Result<std::vector<core::Ack>>> out;
    asio::co_spawn(io, run(tls, server, std::move(host), std::move(frames), raw, timeout),
                   [&out](std::exception_ptr e, core::Result<std::vector<core::Ack>> r) {
                       if (e) std::rethrow_exception(e);
                       out = std::move(r);
                   });
    io.run();
    return std::move(*out);
}

}  // namespace

asio::awaitable<core::Result<std::vector<core::Ack>>> exchange(ssl::context& tls, tcp::endpoint server, std::string host,
                                                         std::vector<std::vector<std::uint8_t>> messages,
                                                         std::chrono::milliseconds timeout) {
    co_return co_await run(tls, server, std::move(host), std::move(messages), false, timeout);
}

core::Result<std::vector<core::Ack>> exchange_blocking(ssl::context& tls, tcp::endpoint server, std::string host,
                                                 std::vector<std::vector<std::uint8_t>> messages, std::chrono::milliseconds timeout) {
    return block_on(tls, server, std::move(host), std::move(messages), false, timeout);
}

core::Result<std::vector<core::Ack>> send_raw_blocking(ssl::context& tls, tcp::endpoint server, std::string host,
                                                 std::vector<std::uint8_t> bytes, std::chrono::milliseconds timeout) {
    return block_on(tls, server, std::move(host), {std::move(bytes)}, true, timeout);
}

}  // namespace net
