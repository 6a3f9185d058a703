#include "central/http_server.hpp"

#include <fmt/core.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <string_view>

#include "central/connection_budget.hpp"
#include "central/http_request.hpp"

namespace central {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::State {
    State(asio::io_context& io_, tcp::endpoint endpoint_, ResultsProvider results_, HttpServerLimits limits_)
        : io(io_), endpoint(endpoint_), routes{std::move(results_), {}}, limits(limits_), acceptor(asio::make_strand(io_)),
          budget(limits_.max_connections, limits_.max_connections_per_peer) {}
    asio::io_context& io;
    tcp::endpoint endpoint;
    HttpRoutes routes;  // the results document and add_page()'s pages; fixed once started
    HttpServerLimits limits;
    tcp::acceptor acceptor;  // on its own strand: stop() may come from any thread
    HttpServerCounters counters;
    ConnectionBudget budget;  // the page's own budget, apart from the ingest's
    bool started = false;
};

namespace {

// Most a refused client may still send after its error response before it is cut off.
constexpr std::size_t kMaxDrainBytes = 1024 * 1024;

/// One HTTP connection and its place in the budget.
struct Connection {
    explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    ConnectionBudget::Handle slot;
};

asio::awaitable<void> session(std::shared_ptr<HttpServer::State> st, std::shared_ptr<Connection> c) {
    beast::tcp_stream& stream = c->stream;
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
        HttpRequestParser parser;
        limit_request(parser, st->limits);
        stream.expires_after(st->limits.idle_timeout);
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == http::error::end_of_stream) break;
        if (ec) {
            const auto status = refusal_status(ec);
            if (!status) break;  // socket gone or timed out
            ++st->counters.refused;
            auto res = error_response(*status, 11, false, false);
            co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
            // Lingering close: closing with unread request bytes would send a reset that can
            // destroy the response before the client reads it. Say we are done, then discard
            // what the client still sends (bounded in bytes and time) until it closes.
            stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            std::array<char, 4096> discard;
            for (std::size_t drained = 0; !ec && drained < kMaxDrainBytes;) {
                stream.expires_after(st->limits.idle_timeout);
                drained += co_await stream.async_read_some(asio::buffer(discard), asio::redirect_error(asio::use_awaitable, ec));
            }
            break;
        }
        st->budget.set_busy(c->slot, true);  // answering: not to be evicted until the response is out
        HttpResponse res;
        try {
            res = answer_request(st->routes, st->counters, parser.get());
        } catch (const std::exception&) {
            res = error_response(http::status::internal_server_error, parser.get().version(), false, false);
        }
        ++st->counters.requests;
        const bool keep_alive = res.keep_alive();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        st->budget.set_busy(c->slot, false);
        if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.socket().close(ec);
    st->budget.release(c->slot);
    --st->counters.open;
}

asio::awaitable<void> listen(std::shared_ptr<HttpServer::State> st) {
    asio::steady_timer pause(st->acceptor.get_executor());
    auto wait = [&](std::chrono::milliseconds how_long) -> asio::awaitable<void> {
        boost::system::error_code ignored;
        pause.expires_after(how_long);
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    };
    for (;;) {
        while (st->acceptor.is_open() && !st->budget.has_room()) {
            ++st->counters.capacity_waits;  // every connection is answering a request
            co_await wait(std::chrono::milliseconds(5));
        }
        boost::system::error_code ec;
        tcp::socket socket = co_await st->acceptor.async_accept(asio::make_strand(st->io),
                                                                asio::redirect_error(asio::use_awaitable, ec));
        if (!st->acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // The client went away between connect and accept, or no descriptor was free (EMFILE):
            // pause briefly rather than spin on a failing accept.
            ++st->counters.accept_errors;
            co_await wait(std::chrono::milliseconds(50));
            continue;
        }
        ++st->counters.connections;
        const std::string peer = peer_of(socket);
        auto executor = socket.get_executor();
        auto c = std::make_shared<Connection>(std::move(socket));
        // A plain pointer to the counters: the budget keeping this function lives in the same State.
        c->slot = st->budget.admit(peer, [counters = &st->counters, weak = std::weak_ptr<Connection>(c)] {
            ++counters->evicted;
            if (auto c = weak.lock())
                asio::post(c->stream.get_executor(), [c] {
                    boost::system::error_code ignored;
                    c->stream.socket().close(ignored);
                });
        });
        if (!c->slot) {  // its address is at its limit with every connection busy: closed at once
            ++st->counters.refused_per_peer;
            c->stream.socket().close(ec);
            continue;
        }
        ++st->counters.open;
        asio::co_spawn(executor, session(st, std::move(c)), asio::detached);
    }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, tcp::endpoint endpoint, ResultsProvider results_json, HttpServerLimits limits)
    : state_(std::make_shared<State>(io, endpoint, std::move(results_json), limits)) {}

HttpServer::~HttpServer() { stop(); }

core::Result<void> HttpServer::start() {
    auto& st = *state_;
    if (st.started) return core::fail("HTTP server already started");
    const auto where = fmt::format("{}:{}", st.endpoint.address().to_string(), st.endpoint.port());
    boost::system::error_code ec;
    st.acceptor.open(st.endpoint.protocol(), ec);
    if (!ec) st.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) st.acceptor.bind(st.endpoint, ec);
    if (!ec) st.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        st.acceptor.close(ec);
        return core::fail(fmt::format("HTTP server cannot listen on {}: {}", where, ec.message()));
    }
    port_ = st.acceptor.local_endpoint().port();
    st.started = true;
    asio::co_spawn(st.acceptor.get_executor(), listen(state_), asio::detached);
    return {};
}

void HttpServer::add_page(std::string path, std::string content_type, std::function<std::string()> body) {
    state_->routes.pages[std::move(path)] = HttpRoutes::Page{std::move(content_type), std::move(body)};
}

void HttpServer::stop() {
    asio::post(state_->acceptor.get_executor(), [st = state_] {
        boost::system::error_code ec;
        st->acceptor.close(ec);
    });
}

const HttpServerCounters& HttpServer::counters() const { return state_->counters; }

}  // namespace central
