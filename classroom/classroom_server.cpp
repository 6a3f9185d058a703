// The classroom's web server (classroom/classroom_server.hpp).
#include "classroom/classroom_server.hpp"

#include <fmt/core.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <charconv>
#include <thread>

#include "classroom_trainee_page.hpp"

namespace classroom {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

std::string_view trainee_page() { return kTraineePageHtml; }

using Socket = websocket::stream<beast::tcp_stream>;

// One page's WebSocket: only the write loop writes; the reader queues its replies in `direct`
// and wakes the writer.
struct ClassroomPage {
    ClassroomPage(beast::tcp_stream stream, asio::io_context& io) : ws(std::move(stream)), wake(io) {}
    Socket ws;
    asio::steady_timer wake;
    std::deque<std::string> direct;  // replies to the page's own messages
    bool closed = false;
};

struct ClassroomServer::State {
    State(Classroom& r, std::string a) : room(r), address(std::move(a)), acceptor(io) {}
    Classroom& room;
    std::string address;
    asio::io_context io;
    tcp::acceptor acceptor;
    std::thread thread;
    std::atomic<std::uint16_t> port{0};
    std::atomic<std::int64_t> open{0};
    std::uint64_t next_connection = 1;  // the io thread's only
    std::map<std::uint64_t, std::weak_ptr<ClassroomPage>> pages;  // the io thread's only: to wake a page's writer
};

namespace {

// Sends the page's replies and what the bridge has for it, at least every 50 ms, until it closes.
asio::awaitable<void> write_loop(ClassroomServer::State* st, std::shared_ptr<ClassroomPage> page, std::uint64_t id) {
    boost::system::error_code ec;
    while (!page->closed) {
        std::vector<std::string> out(std::make_move_iterator(page->direct.begin()), std::make_move_iterator(page->direct.end()));
        page->direct.clear();
        for (auto& text : st->room.take_outgoing(id)) out.push_back(std::move(text));
        for (auto& text : out) {
            page->ws.text(true);
            co_await page->ws.async_write(asio::buffer(text), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
        }
        page->wake.expires_after(std::chrono::milliseconds(50));
        co_await page->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

// One message from the page: join or act; an error goes back at once.
void handle(ClassroomServer::State& st, std::uint64_t id, const std::string& text, std::vector<std::string>& replies) {
    const auto msg = nlohmann::json::parse(text, nullptr, false);
    const auto error = [&](const std::string& what) { replies.push_back(nlohmann::json{{"error", what}}.dump()); };
    if (msg.is_discarded() || !msg.is_object()) return error("a message is a JSON object (docs/classroom.md)");
    if (msg.contains("join")) {
        const auto& j = msg["join"];
        const auto field = [&](const char* k) { return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
        const int pec = j.is_object() && j.contains("pec") && j["pec"].is_number_integer() ? j["pec"].get<int>() : 0;
        auto joined = st.room.join(id, field("name"), field("role"), pec);
        if (!joined) return error(joined.error().message);
        return replies.push_back(*joined);
    }
    if (msg.contains("act")) {
        const auto& act = msg["act"];
        const std::uint64_t request = act.is_object() && act.contains("id") && act["id"].is_number_unsigned() ? act["id"].get<std::uint64_t>() : 0;
        if (auto ok = st.room.submit(id, act); !ok)
            replies.push_back(nlohmann::json{{"answer", {{"id", request}, {"ok", false}, {"text", ok.error().message}}}}.dump());
        return;
    }
    error("expected 'join' or 'act'");
}

asio::awaitable<void> websocket_session(ClassroomServer::State* st, beast::tcp_stream stream, http::request<http::string_body> req) {
    auto page = std::make_shared<ClassroomPage>(std::move(stream), st->io);
    beast::get_lowest_layer(page->ws).expires_never();
    page->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    page->ws.read_message_max(kMaxMessage);
    boost::system::error_code ec;
    co_await page->ws.async_accept(req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const std::uint64_t id = st->next_connection++;
    st->pages[id] = page;
    asio::co_spawn(st->io, write_loop(st, page, id), asio::detached);
    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        co_await page->ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        std::vector<std::string> replies;
        handle(*st, id, beast::buffers_to_string(buffer.data()), replies);
        for (auto& r : replies) page->direct.push_back(std::move(r));
        page->wake.cancel();
    }
    page->closed = true;
    page->wake.cancel();
    st->pages.erase(id);
    st->room.leave(id);
}

asio::awaitable<void> http_session(ClassroomServer::State* st, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(1024);
    stream.expires_after(std::chrono::seconds(10));
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    auto req = parser.release();
    if (websocket::is_upgrade(req) && req.target() == "/ws") {
        co_await websocket_session(st, std::move(stream), std::move(req));
        co_return;
    }
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    if (req.method() != http::verb::get || (req.target() != "/" && req.target() != "/index.html")) {
        res.result(http::status::not_found);
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = "not found: the trainee page is at /\n";
    } else {
        res.result(http::status::ok);
        res.set(http::field::content_type, "text/html; charset=utf-8");
        res.set(http::field::cache_control, "no-store");
        res.body() = std::string(kTraineePageHtml);
    }
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> accept_loop(ClassroomServer::State* st) {
    boost::system::error_code ec;
    for (;;) {
        tcp::socket socket = co_await st->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !st->acceptor.is_open()) co_return;
        if (ec) continue;
        if (static_cast<std::size_t>(st->open.load()) >= kMaxConnections) continue;  // closed as `socket` goes
        ++st->open;
        asio::co_spawn(st->io, [st, s = std::move(socket)]() mutable -> asio::awaitable<void> {
            co_await http_session(st, std::move(s));
            --st->open;
        }, asio::detached);
    }
}

// "host:port" or ":port" (every address).
core::Result<tcp::endpoint> parse_address(const std::string& address) {
    const auto colon = address.rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
        const char* b = address.data() + colon + 1;
        const char* e = address.data() + address.size();
        if (auto [p, ec] = std::from_chars(b, e, port); ec != std::errc{} || p != e || port < 0 || port > 65535) port = -1;
    }
    if (port < 0) return core::fail(fmt::format("--classroom '{}': expected HOST:PORT, e.g. 0.0.0.0:8090", address));
    const std::string host = address.substr(0, colon);
    boost::system::error_code ec;
    const auto ip = host.empty() ? asio::ip::address_v4::any() : asio::ip::make_address(host, ec);
    if (ec) return core::fail(fmt::format("--classroom '{}': '{}' is not an IP address", address, host));
    return tcp::endpoint(ip, static_cast<std::uint16_t>(port));
}

}  // namespace

ClassroomServer::ClassroomServer(Classroom& room, std::string address) : state_(std::make_unique<State>(room, std::move(address))) {}

ClassroomServer::~ClassroomServer() {
    if (!state_->thread.joinable()) return;
    state_->room.on_answer({});
    asio::post(state_->io, [st = state_.get()] {
        boost::system::error_code ec;
        st->acceptor.close(ec);
    });
    state_->io.stop();
    state_->thread.join();
}

core::Result<void> ClassroomServer::start() {
    auto endpoint = parse_address(state_->address);
    if (!endpoint) return std::unexpected(endpoint.error());
    boost::system::error_code ec;
    state_->acceptor.open(endpoint->protocol(), ec);
    if (!ec) state_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) state_->acceptor.bind(*endpoint, ec);
    if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return core::fail(fmt::format("--classroom {}: {}", state_->address, ec.message()));
    state_->port = state_->acceptor.local_endpoint().port();
    state_->room.on_answer([st = state_.get()](std::uint64_t id) {
        asio::post(st->io, [st, id] {
            if (const auto it = st->pages.find(id); it != st->pages.end())
                if (const auto page = it->second.lock()) page->wake.cancel();
        });
    });
    asio::co_spawn(state_->io, accept_loop(state_.get()), asio::detached);
    state_->thread = std::thread([st = state_.get()] { st->io.run(); });
    return {};
}

std::uint16_t ClassroomServer::port() const { return state_->port.load(); }

std::int64_t ClassroomServer::open_connections() const { return state_->open.load(); }

}  // namespace classroom
