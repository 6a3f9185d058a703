#include "hil/modem_link.hpp"

#include <fmt/core.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "net/tls_context.hpp"
#include "net/tls_frame.hpp"

namespace hil {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using WallClock = std::chrono::steady_clock;

namespace {

// Connections the CEC's end keeps open at once; more are closed at once (a drill's link has a few).
constexpr int kMaxConnections = 64;

std::int64_t ms_since(WallClock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now() - t0).count();
}

}  // namespace

struct ModemLink::Impl {
    // The CEC's end of one connection. The deadline closes it at the link's timeout; the bell rings
    // (is cancelled) when the CEC's answer is given or the deadline passed.
    struct Connection {
        Connection(const asio::any_io_executor& ex, ssl::context& tls) : stream(ex, tls), deadline(ex), bell(ex) {}
        ssl::stream<tcp::socket> stream;
        asio::steady_timer deadline;
        asio::steady_timer bell;
        std::optional<core::Ack> answer;
        bool closed = false;
    };

    // One report on its way: the PEC's end's exchange and, once the report arrived, its connection at the CEC's end.
    struct Exchange {
        std::vector<std::uint8_t> report;
        bool arrived = false;
        std::shared_ptr<Connection> connection;
        bool pec_done = false;
        core::Result<std::vector<core::Ack>> pec_result;
    };
    // Counts the connection open while serve() runs, and ends its deadline when it returns.
    struct Serving {
        Impl& m;
        std::shared_ptr<Connection> c;
        ~Serving() {
            --m.open_connections;
            c->deadline.cancel();
        }
    };

    ModemLinkSettings settings;
    std::shared_ptr<ssl::context> server_tls, client_tls;  // before io: the streams in its handlers use them
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    tcp::acceptor acceptor{io};
    net::ServerAddress bound;
    int open_connections = 0;  // on the Asio thread only
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::map<std::uint64_t, std::shared_ptr<Exchange>> exchanges;
    std::uint64_t next_ticket = 0;
    ModemLinkCounters counters;
    std::thread thread;

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(std::shared_ptr<Connection> c);
    // A report that reached the CEC's end: the oldest waiting exchange that sent exactly these bytes.
    void arrived(const std::vector<std::uint8_t>& payload, const std::shared_ptr<Connection>& c);
    // Waits (holding `lock`) until `done`, at most the timeout and a margin for the PEC's end to give up itself.
    template <class Done>
    void wait(std::unique_lock<std::mutex>& lock, Done done) {
        changed.wait_until(lock, WallClock::now() + settings.timeout + std::chrono::seconds(2), done);
    }
    devices::LinkDelivery failed(bool answer, std::string why, WallClock::time_point t0) {
        ++counters.failures;
        return {answer, false, std::move(why), ms_since(t0)};
    }
};

asio::awaitable<void> ModemLink::Impl::accept_loop() {
    for (;;) {
        auto c = std::make_shared<Connection>(io.get_executor(), *server_tls);
        boost::system::error_code ec;
        co_await acceptor.async_accept(c->stream.lowest_layer(), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
            continue;
        }
        if (open_connections >= kMaxConnections) continue;  // closed as `c` goes
        c->stream.lowest_layer().set_option(tcp::no_delay(true), ec);
        c->deadline.expires_after(settings.timeout);
        c->deadline.async_wait([c](boost::system::error_code e) {
            if (e) return;  // cancelled: the connection ended in time
            c->closed = true;
            boost::system::error_code ignored;
            c->stream.lowest_layer().close(ignored);
            c->bell.cancel();
        });
        asio::co_spawn(io, serve(c), asio::detached);
    }
}

void ModemLink::Impl::arrived(const std::vector<std::uint8_t>& payload, const std::shared_ptr<Impl::Connection>& c) {
    std::lock_guard lock(mutex);
    for (auto& [ticket, ex] : exchanges)
        if (!ex->arrived && ex->report == payload) {
            ex->arrived = true;
            ex->connection = c;
            ++counters.reports;
            changed.notify_all();
            return;
        }
    ++counters.strays;
}

asio::awaitable<void> ModemLink::Impl::serve(std::shared_ptr<Impl::Connection> c) {
    ++open_connections;
    const Serving serving{*this, c};
    boost::system::error_code ec;
    co_await c->stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::array<std::uint8_t, net::kFrameHeaderBytes> header{};
    co_await asio::async_read(c->stream, asio::buffer(header), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const auto length = net::frame_length(header);
    if (length == 0 || length > core::kMaxWireMessageBytes) co_return;
    std::vector<std::uint8_t> payload(length);
    co_await asio::async_read(c->stream, asio::buffer(payload), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    arrived(payload, c);
    if (!c->answer && !c->closed) {  // the answer is posted to this thread: it cannot come between the check and the wait
        c->bell.expires_at(asio::steady_timer::time_point::max());
        co_await c->bell.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!c->answer || c->closed) co_return;
    const auto out = net::frame(core::encode_ack(*c->answer));
    co_await asio::async_write(c->stream, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    co_await c->stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));  // errors do not matter now
}

core::Result<std::unique_ptr<ModemLink>> ModemLink::open(ModemLinkSettings settings) {
    auto impl = std::make_unique<Impl>();
    auto server_tls = net::make_server_tls_context(settings.certificate, settings.private_key);
    if (!server_tls) return std::unexpected(server_tls.error());
    auto client_tls = net::make_client_tls_context(settings.ca);
    if (!client_tls) return std::unexpected(client_tls.error());
    impl->server_tls = std::move(*server_tls);
    impl->client_tls = std::move(*client_tls);
    const std::string listen = fmt::format("{}:{}", settings.listen.host, settings.listen.port);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(settings.listen.host, ec);
    if (ec) return core::fail(fmt::format("{}: the CEC's end needs an IP address to listen on ({})", listen, ec.message()));
    const tcp::endpoint at(address, settings.listen.port);
    impl->acceptor.open(at.protocol(), ec);
    if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) impl->acceptor.bind(at, ec);
    if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return core::fail(fmt::format("{}: cannot listen: {}", listen, ec.message()));
    impl->bound = {settings.listen.host, impl->acceptor.local_endpoint().port()};
    impl->settings = std::move(settings);
    Impl& m = *impl;
    asio::co_spawn(m.io, m.accept_loop(), asio::detached);
    m.thread = std::thread([&m] { m.io.run(); });
    return std::unique_ptr<ModemLink>(new ModemLink(std::move(impl)));
}

ModemLink::ModemLink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ModemLink::~ModemLink() {
    impl_->io.stop();
    impl_->thread.join();
    impl_->exchanges.clear();
}

net::ServerAddress ModemLink::cec_end() const { return impl_->bound; }

net::ServerAddress ModemLink::pec_dials() const { return impl_->settings.dial.value_or(impl_->bound); }

ModemLinkCounters ModemLink::counters() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->counters;
}

devices::LinkDelivery ModemLink::carry_report(std::span<const std::uint8_t> report, std::uint64_t& ticket) {
    Impl& m = *impl_;
    const auto t0 = WallClock::now();
    auto ex = std::make_shared<Impl::Exchange>();
    ex->report.assign(report.begin(), report.end());
    const net::ServerAddress to = pec_dials();
    // Resolved at every report, as a modem does: the link may come back with another route.
    auto endpoint = net::resolve(to);
    std::unique_lock lock(m.mutex);
    if (!endpoint) return m.failed(false, endpoint.error().message, t0);
    ticket = ++m.next_ticket;
    m.exchanges[ticket] = ex;
    lock.unlock();
    asio::co_spawn(m.io, net::exchange(*m.client_tls, *endpoint, m.settings.server_name, {ex->report}, m.settings.timeout),
                   [&m, ex](std::exception_ptr e, core::Result<std::vector<core::Ack>> r) {
                       std::lock_guard done(m.mutex);
                       ex->pec_done = true;
                       ex->pec_result = e ? core::fail("the PEC's end of the link failed") : std::move(r);
                       m.changed.notify_all();
                   });
    lock.lock();
    m.wait(lock, [&] { return ex->arrived || ex->pec_done; });
    if (ex->arrived) return {false, true, {}, ms_since(t0)};
    m.exchanges.erase(ticket);
    if (!ex->pec_done) return m.failed(false, fmt::format("{}:{}: the report did not arrive in time", to.host, to.port), t0);
    return m.failed(false, ex->pec_result ? "the CEC's end answered a report it never read" : ex->pec_result.error().message, t0);
}

devices::LinkDelivery ModemLink::carry_answer(std::uint64_t ticket, const core::Ack& ack) {
    Impl& m = *impl_;
    const auto t0 = WallClock::now();
    std::unique_lock lock(m.mutex);
    const auto it = m.exchanges.find(ticket);
    if (it == m.exchanges.end() || !it->second->arrived)
        return m.failed(true, fmt::format("no report of this link waits for an answer under ticket {}", ticket), t0);
    const std::shared_ptr<Impl::Exchange> ex = it->second;
    m.exchanges.erase(it);
    if (!ex->pec_done)
        asio::post(m.io, [c = ex->connection, ack] {
            if (c->closed) return;
            c->answer = ack;
            c->bell.cancel();
        });
    m.wait(lock, [&] { return ex->pec_done; });
    if (!ex->pec_done) return m.failed(true, "the PEC's end did not read the answer in time", t0);
    if (!ex->pec_result) return m.failed(true, ex->pec_result.error().message, t0);
    if (ex->pec_result->size() != 1 || ex->pec_result->front().outcome != ack.outcome)
        return m.failed(true, "the PEC's end read another answer than the CEC gave", t0);
    ++m.counters.answers;
    return {true, true, {}, ms_since(t0)};
}

}  // namespace hil
