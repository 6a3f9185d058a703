#include "hil/delay_relay.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <deque>
#include <utility>  // before Asio 1.74's awaitable.hpp, which uses std::exchange without it
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/random.hpp"

namespace hil {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

/// One direction of a relayed connection: chunks read and waiting for their time.
struct Lane {
    explicit Lane(asio::any_io_executor ex, core::RandomStream draws) : timer(ex), draws(draws) {}
    struct Chunk {
        Clock::time_point due;
        std::vector<char> bytes;
    };
    std::deque<Chunk> waiting;
    asio::steady_timer timer;       // wakes the writer: at the front chunk's time, or when a chunk comes
    core::RandomStream draws;
    Clock::time_point last_due{};   // a chunk never leaves before the one read before it
    bool reading_done = false;
};

/// A relayed connection: the peer that connected, the target, a lane each way.
struct Relayed {
    Relayed(tcp::socket client, asio::any_io_executor ex, std::uint64_t seed, std::int64_t number)
        : client(std::move(client)), target(ex), up(ex, core::RandomStream(seed, number, 0)), down(ex, core::RandomStream(seed, number, 1)) {}
    tcp::socket client, target;
    Lane up, down;  // client to target, target to client
    void close() {
        boost::system::error_code ignored;
        client.close(ignored);
        target.close(ignored);
        up.timer.cancel();
        down.timer.cancel();
    }
};

Clock::duration draw_delay(Lane& lane, const DelaySettings& s) {
    const double jitter = (2.0 * lane.draws.uniform() - 1.0) * static_cast<double>(s.jitter.count());
    const auto us = std::max<std::int64_t>(0, s.delay.count() + static_cast<std::int64_t>(jitter));
    return std::chrono::microseconds(us);
}

asio::awaitable<void> read_lane([[maybe_unused]] std::shared_ptr<Relayed> keep, tcp::socket& from, Lane& lane, DelaySettings s) {
    std::array<char, 16 * 1024> buffer;
    for (;;) {
        boost::system::error_code ec;
        const std::size_t n = co_await from.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (n > 0) {
            lane.last_due = std::max(lane.last_due, Clock::now() + draw_delay(lane, s));
            lane.waiting.push_back({lane.last_due, std::vector<char>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n))});
            lane.timer.cancel();
        }
        if (ec) break;
    }
    lane.reading_done = true;
    lane.timer.cancel();
}

asio::awaitable<void> write_lane(std::shared_ptr<Relayed> r, tcp::socket& to, Lane& lane, DelayCounters& counters) {
    for (;;) {
        if (lane.waiting.empty() && lane.reading_done) break;
        lane.timer.expires_at(lane.waiting.empty() ? Clock::time_point::max() : lane.waiting.front().due);
        boost::system::error_code ec;
        co_await lane.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (lane.waiting.empty() || Clock::now() < lane.waiting.front().due) continue;  // woken by a new chunk or the end
        const auto chunk = std::move(lane.waiting.front());
        lane.waiting.pop_front();
        co_await asio::async_write(to, asio::buffer(chunk.bytes), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            r->close();
            co_return;
        }
        counters.chunks.fetch_add(1, std::memory_order_relaxed);
        counters.bytes.fetch_add(static_cast<std::int64_t>(chunk.bytes.size()), std::memory_order_relaxed);
    }
    boost::system::error_code ignored;
    to.shutdown(tcp::socket::shutdown_send, ignored);  // the other side closed its sending half: pass that on
}

asio::awaitable<void> relay(tcp::socket client, tcp::endpoint target, DelaySettings s, DelayCounters& counters, std::int64_t number) {
    auto ex = co_await asio::this_coro::executor;
    auto r = std::make_shared<Relayed>(std::move(client), ex, s.seed, number);
    boost::system::error_code ec;
    co_await r->target.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        counters.failed_connects.fetch_add(1, std::memory_order_relaxed);
        r->close();
        co_return;
    }
    r->target.set_option(tcp::no_delay(true), ec);
    r->client.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(ex, read_lane(r, r->client, r->up, s), asio::detached);
    asio::co_spawn(ex, write_lane(r, r->target, r->up, counters), asio::detached);
    asio::co_spawn(ex, read_lane(r, r->target, r->down, s), asio::detached);
    asio::co_spawn(ex, write_lane(r, r->client, r->down, counters), asio::detached);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, tcp::endpoint target, DelaySettings s, DelayCounters& counters) {
    for (std::int64_t number = 0;; ++number) {
        boost::system::error_code ec;
        tcp::socket client = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) continue;
        counters.connections.fetch_add(1, std::memory_order_relaxed);
        asio::co_spawn(acceptor.get_executor(), relay(std::move(client), target, s, counters, number), asio::detached);
    }
}

}  // namespace

DelayRelay::DelayRelay(tcp::endpoint target, DelaySettings settings) : acceptor_(io_), target_(target), settings_(settings) {}

core::Result<std::unique_ptr<DelayRelay>> DelayRelay::start(tcp::endpoint listen, tcp::endpoint target, DelaySettings settings) {
    if (settings.delay.count() < 0 || settings.jitter.count() < 0)
        return core::fail("delay relay: the delay and the jitter cannot be negative");
    std::unique_ptr<DelayRelay> relay(new DelayRelay(target, settings));
    boost::system::error_code ec;
    relay->acceptor_.open(listen.protocol(), ec);
    if (!ec) relay->acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) relay->acceptor_.bind(listen, ec);
    if (!ec) relay->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return core::fail(fmt::format("delay relay: cannot listen on {}:{}: {}", listen.address().to_string(), listen.port(), ec.message()));
    relay->port_ = relay->acceptor_.local_endpoint().port();
    asio::co_spawn(relay->io_, accept_loop(relay->acceptor_, target, settings, relay->counters_), asio::detached);
    relay->thread_ = std::jthread([io = &relay->io_] { io->run(); });
    return relay;
}

DelayRelay::~DelayRelay() {
    io_.stop();
    thread_ = {};
}

}  // namespace hil
