// The TLS ingest server (see ingest_server.hpp for the threading and group-commit rules).
//
// Index of this file:
//   [SECTION] State and writer thread
//   [SECTION] Submission: connection -> writer -> connection
//   [SECTION] Connections (TLS, frames, idle watchdog)
//   [SECTION] IngestServer
#include "central/ingest_server.hpp"

#include <fmt/core.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "central/connection_budget.hpp"
#include "core/wire.hpp"
#include "net/tls_context.hpp"
#include "net/tls_frame.hpp"

namespace central {

// The wire protocol (core/wire.hpp) and its transport (net/) are shared with the stations.
using core::Ack;
using core::AckOutcome;
using core::encode_ack;
using net::frame;
using net::frame_length;
using net::kFrameHeaderBytes;
using net::make_server_tls_context;

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

// [SECTION] State and writer thread

/// Completes one waiting connection with its Ack (posts to the connection's executor).
using Completion = std::move_only_function<void(Ack)>;

struct IngestServer::State {
    State(asio::io_context& io_, tcp::endpoint ep, Ingest& in, const core::Clock& c, IngestServerOptions o, LogSink l,
          CommitHook h)
        : io(io_), endpoint(ep), acceptor(asio::make_strand(io_)), ingest(in), clock(c), options(std::move(o)),
          log(std::move(l)), on_commit(std::move(h)), budget(options.max_connections, options.max_connections_per_peer) {}

    asio::io_context& io;
    tcp::endpoint endpoint;
    tcp::acceptor acceptor;
    std::shared_ptr<ssl::context> tls;
    Ingest& ingest;
    const core::Clock& clock;
    IngestServerOptions options;
    LogSink log;
    CommitHook on_commit;
    IngestServerCounters net;
    ConnectionBudget budget;  // open connections; at the cap the oldest idle one makes room

    // The writer: its own io_context run by one thread, so everything posted to it is serial.
    asio::io_context writer_io{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> writer_guard;
    std::thread writer;
    std::atomic<std::int64_t> queued{0};  // submissions posted to the writer and not yet handled
    std::atomic<bool> stopping{false};

    // Writer-thread only.
    struct Waiting {
        AckOutcome outcome;
        std::uint64_t sequence;
        Completion done;
    };
    std::unordered_map<std::uint64_t, Waiting> waiting;  // decision ticket -> connection
    bool closing = false;
    std::int64_t log_emitted = 0;          // lines of the ingest log handed on or counted as not shown
    core::Micros log_second = 0;           // start of the current second of the log rate limit
    std::size_t log_second_lines = 0;      // lines shown in it
    std::int64_t log_not_shown = 0;        // lines over the limit since the last summary

    LatencyHistogram ack_latency;
    LatencyHistogram commit_time;

    mutable std::mutex counters_mutex;
    IngestCounters counters_copy;
    std::vector<LogLine> latest_log;  // guarded by counters_mutex
    std::vector<Alert> latest_alerts;  // guarded by counters_mutex
    Oversight oversight_copy;          // guarded by counters_mutex
    bool oversight_copied = false;     // guarded by counters_mutex
    std::int64_t copied_log_lines = 0;  // log lines written when latest_log was copied

    /// Hands new ingest log lines to the sink, at most options.log_lines_per_second of them in
    /// any second of server time; the rest are summed up in one line when the next second starts
    /// (a flood of garbage must not flood the operator's terminal; the counters have every one).
    void emit_log() {
        const auto& lines = ingest.log();
        const std::int64_t written = ingest.counters().log_lines;
        const std::int64_t first_kept = written - static_cast<std::int64_t>(lines.size());
        if (log_emitted < first_kept) {  // more lines in one submission than the ingest keeps
            log_not_shown += first_kept - log_emitted;
            log_emitted = first_kept;
        }
        for (; log_emitted < written; ++log_emitted) {
            const LogLine& line = lines[static_cast<std::size_t>(log_emitted - first_kept)];
            if (line.at - log_second >= 1'000'000) {
                summarise_log(line.at);
                log_second = line.at;
                log_second_lines = 0;
            }
            if (log_second_lines < options.log_lines_per_second) {
                ++log_second_lines;
                if (log) log(line);
            } else {
                ++log_not_shown;
            }
        }
    }

    void summarise_log(core::Micros now) {
        if (log_not_shown > 0 && log)
            log(LogLine{now, fmt::format("{} more log lines not shown (at most {} a second; the counters count every one)",
                                         log_not_shown, options.log_lines_per_second)});
        log_not_shown = 0;
    }

    void publish_counters() {
        std::lock_guard lock(counters_mutex);
        if (!oversight_copied || counters_copy.oversight_changes != ingest.counters().oversight_changes) {
            oversight_copy = ingest.oversight();
            oversight_copied = true;
        }
        counters_copy = ingest.counters();
        // The operator page's copies: only when something new was logged (a line or an alert).
        const auto& lines = ingest.log();
        if (copied_log_lines != counters_copy.log_lines) {
            copied_log_lines = counters_copy.log_lines;
            const std::size_t n = std::min(IngestServer::kLatest, lines.size());
            latest_log.assign(lines.end() - static_cast<std::ptrdiff_t>(n), lines.end());
            const auto& alerts = ingest.alerts();
            const std::size_t k = std::min(IngestServer::kLatest, alerts.size());
            latest_alerts.assign(alerts.end() - static_cast<std::ptrdiff_t>(k), alerts.end());
        }
    }

    /// ingest.poll() or flush(), timed when it committed.
    std::vector<Release> commit(bool now) {
        const auto start = clock.now();
        auto releases = now ? ingest.flush(start) : ingest.poll(start);
        if (!releases.empty()) commit_time.add(clock.now() - start);
        return releases;
    }

    /// Answers the reports a commit released. The counters are published first: a client holding
    /// its ack finds it counted in ingest_counters() and /metrics.
    void release(const std::vector<Release>& releases) {
        if (releases.empty()) return;
        publish_counters();
        for (const auto& r : releases) {
            auto it = waiting.find(r.ticket);
            if (it == waiting.end()) continue;
            Ack ack{r.acknowledged ? it->second.outcome : AckOutcome::retry, 0, r.ticket, it->second.sequence,
                    r.acknowledged ? std::string(to_string(it->second.outcome)) : "not stored: " + r.error};
            if (r.acknowledged && r.outcome)  // another ingest process on the database stored it first
                ack = Ack{*r.outcome, static_cast<std::uint8_t>(r.reason), r.ticket, it->second.sequence,
                          r.outcome == AckOutcome::rejected ? fmt::format("{}: {}", to_string(r.reason), r.text) : r.text};
            it->second.done(std::move(ack));
            waiting.erase(it);
        }
        if (on_commit) on_commit(ingest.counters());
    }

    // [SECTION] Submission: connection -> writer -> connection
    void on_submit(Prechecked checked, const std::string& peer, Completion done) {
        queued.fetch_sub(1, std::memory_order_acq_rel);
        if (closing) {
            done(Ack{AckOutcome::retry, 0, 0, checked.sequence, "server shutting down: resend later"});
            return;
        }
        const auto now = clock.now();
        const auto sequence = checked.sequence;
        auto d = ingest.submit(std::move(checked), peer, now);
        std::optional<Ack> answer_now;  // sent once the counters are published: a client with its ack finds it counted
        switch (d.outcome) {
            case AckOutcome::rejected:
                answer_now = Ack{AckOutcome::rejected, static_cast<std::uint8_t>(d.reason), d.ticket, sequence,
                                 fmt::format("{}: {}", to_string(d.reason), d.text)};
                break;
            case AckOutcome::duplicate:
                if (d.acknowledged_now)
                    answer_now = Ack{AckOutcome::duplicate, 0, d.ticket, sequence, d.text};
                else
                    waiting.emplace(d.ticket, Waiting{AckOutcome::duplicate, sequence, std::move(done)});
                break;
            case AckOutcome::stored: waiting.emplace(d.ticket, Waiting{AckOutcome::stored, sequence, std::move(done)}); break;
            case AckOutcome::retry:  // the store could not be read
                answer_now = Ack{AckOutcome::retry, 0, d.ticket, sequence, d.text};
                break;
        }
        // Commit now if the policy says so, or if nothing else is queued: the burst is over.
        const bool idle = queued.load(std::memory_order_acquire) == 0;
        const auto released = commit(idle);
        release(released);  // publishes the counters when it answers anyone
        emit_log();
        if (released.empty()) publish_counters();
        if (answer_now) done(std::move(*answer_now));
    }

    // Between submissions: commit the audit records that are due, and take up operator actions
    // another process wrote (the next message from a revoked device is refused).
    std::optional<asio::steady_timer> tick_timer;
    void tick() {
        if (closing) return;
        const auto now = clock.now();
        release(ingest.poll(now));
        if (auto changed = ingest.refresh_oversight(); !changed && log)
            log(LogLine{now, fmt::format("store: operator actions not read: {}", changed.error().message)});
        emit_log();
        publish_counters();
        tick_timer->expires_after(options.oversight_every);
        tick_timer->async_wait([this](boost::system::error_code e) {
            if (!e) tick();
        });
    }

    void close_writer() {  // on the writer thread
        if (closing) return;
        closing = true;
        if (tick_timer) tick_timer->cancel();
        try {
            release(ingest.finish(clock.now()));
        } catch (const std::exception& e) {  // a corrupt store: nothing more can be stored
            if (log) log(LogLine{clock.now(), fmt::format("store: FATAL at shutdown: {}", e.what())});
        }
        for (auto& [ticket, w] : waiting)
            w.done(Ack{AckOutcome::retry, 0, ticket, w.sequence, "server shutting down: resend later"});
        waiting.clear();
        emit_log();
        summarise_log(clock.now());
        publish_counters();
    }
};

namespace {

using State = IngestServer::State;

template <class Token>
auto async_submit(std::shared_ptr<State> st, Prechecked checked, std::string peer, Token&& token) {
    return asio::async_initiate<Token, void(Ack)>(
        [st](auto handler, Prechecked c, std::string p) {
            auto ex = asio::get_associated_executor(handler);
            Completion done = [h = std::move(handler), ex](Ack ack) mutable {
                asio::post(ex, [h = std::move(h), ack = std::move(ack)]() mutable { h(std::move(ack)); });
            };
            st->queued.fetch_add(1, std::memory_order_acq_rel);
            asio::post(st->writer_io, [st, c = std::move(c), p = std::move(p), done = std::move(done)]() mutable {
                st->on_submit(std::move(c), p, std::move(done));
            });
        },
        token, std::move(checked), std::move(peer));
}

// [SECTION] Connections (TLS, frames, idle watchdog)

struct IngestConnection {
    IngestConnection(tcp::socket s, ssl::context& ctx) : stream(std::move(s), ctx), timer(stream.get_executor()) {}
    ssl::stream<tcp::socket> stream;
    asio::steady_timer timer;
    bool done = false;
    ConnectionBudget::Handle slot;  // its place in the listener's budget
};

/// Frames are read in steps of this size, so a client that announces a large frame and sends
/// little holds little memory: the buffer grows only as the bytes arrive.
constexpr std::size_t kFrameReadStep = 16 * 1024;

/// Reads `length` bytes of a frame into `payload`, growing it one step at a time.
asio::awaitable<void> read_payload(ssl::stream<tcp::socket>& stream, std::vector<std::uint8_t>& payload,
                                   std::size_t length, boost::system::error_code& ec) {
    payload.clear();
    while (payload.size() < length && !ec) {
        const std::size_t have = payload.size();
        const std::size_t step = std::min(kFrameReadStep, length - have);
        payload.resize(have + step);
        co_await asio::async_read(stream, asio::buffer(payload.data() + have, step), asio::redirect_error(asio::use_awaitable, ec));
    }
}

/// Closes the socket when the connection has been silent for the idle timeout. Each sign of life
/// re-arms the timer (cancelling the pending wait), so central/ never reads a clock itself.
asio::awaitable<void> watchdog(std::shared_ptr<IngestConnection> c) {
    while (!c->done) {
        boost::system::error_code ec;
        co_await c->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (c->done) break;
        if (ec == asio::error::operation_aborted) continue;  // re-armed: wait for the new expiry
        c->stream.lowest_layer().close(ec);
        break;
    }
}

asio::awaitable<void> session(std::shared_ptr<State> st, std::shared_ptr<IngestConnection> c) {
    boost::system::error_code ec;
    const auto remote = c->stream.lowest_layer().remote_endpoint(ec);
    const std::string peer = ec ? std::string("unknown peer") : fmt::format("{}:{}", remote.address().to_string(), remote.port());
    auto touch = [&] { c->timer.expires_after(st->options.idle_timeout); };
    touch();
    asio::co_spawn(c->stream.get_executor(), watchdog(c), asio::detached);

    co_await c->stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        st->net.handshake_failures.fetch_add(1, std::memory_order_relaxed);
    } else {
        std::vector<std::uint8_t> payload;
        for (;;) {
            touch();
            std::array<std::uint8_t, kFrameHeaderBytes> header{};
            co_await asio::async_read(c->stream, asio::buffer(header), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;  // end of stream, reset or idle timeout
            const std::size_t length = frame_length(header);
            if (length == 0 || length > st->options.max_frame_bytes) {
                st->net.bad_frames.fetch_add(1, std::memory_order_relaxed);
                const auto ack = frame(encode_ack(Ack{AckOutcome::rejected, static_cast<std::uint8_t>(RejectReason::malformed), 0, 0,
                                                      fmt::format("malformed: frame of {} bytes, expected 1 to {}; closing",
                                                                  length, st->options.max_frame_bytes)}));
                co_await asio::async_write(c->stream, asio::buffer(ack), asio::redirect_error(asio::use_awaitable, ec));
                break;  // the stream cannot be resynchronised
            }
            co_await read_payload(c->stream, payload, length, ec);
            if (ec) break;
            const core::Micros received = st->clock.now();
            st->budget.set_busy(c->slot, true);  // its report is with the writer: not to be evicted now
            auto checked = st->ingest.precheck(payload);  // decode + Ed25519 on this thread, not the writer's
            Ack ack = co_await async_submit(st, std::move(checked), peer, asio::use_awaitable);
            const auto out = frame(encode_ack(ack));
            touch();
            co_await asio::async_write(c->stream, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
            st->budget.set_busy(c->slot, false);
            if (ec) break;
            st->ack_latency.add(st->clock.now() - received);
            st->net.acks_sent.fetch_add(1, std::memory_order_relaxed);
        }
        if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || !ec) {
            touch();
            co_await c->stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
        }
    }
    c->done = true;
    c->timer.cancel();
    c->stream.lowest_layer().close(ec);
    st->budget.release(c->slot);
    st->net.open.fetch_sub(1, std::memory_order_acq_rel);
}

/// Closes a connection to make room for a newer one (called by the budget, from the accepting
/// thread). A plain pointer to the counters: the budget that keeps this function lives in the same
/// State, and a shared_ptr here would make the State own itself.
std::function<void()> evictor(IngestServerCounters* net, std::weak_ptr<IngestConnection> weak) {
    return [net, weak] {
        net->evicted.fetch_add(1, std::memory_order_relaxed);
        if (auto c = weak.lock())
            asio::post(c->stream.get_executor(), [c] {
                boost::system::error_code ignored;
                c->stream.lowest_layer().close(ignored);
            });
    };
}

asio::awaitable<void> listen(std::shared_ptr<State> st) {
    asio::steady_timer pause(st->acceptor.get_executor());
    auto wait = [&](std::chrono::milliseconds how_long) -> asio::awaitable<void> {
        boost::system::error_code ignored;
        pause.expires_after(how_long);
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    };
    for (;;) {
        if (!st->budget.has_room()) {
            // Every connection is busy with a report: leave new ones in the listen backlog and look again shortly.
            st->net.capacity_waits.fetch_add(1, std::memory_order_relaxed);
            while (!st->stopping && !st->budget.has_room()) co_await wait(std::chrono::milliseconds(5));
        }
        boost::system::error_code ec;
        tcp::socket socket = co_await st->acceptor.async_accept(asio::make_strand(st->io), asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !st->acceptor.is_open() || st->stopping) co_return;
        if (ec) {
            // E.g. out of file descriptors (EMFILE): retrying at once would spin; they free up as connections end.
            st->net.accept_errors.fetch_add(1, std::memory_order_relaxed);
            co_await wait(std::chrono::milliseconds(50));
            continue;
        }
        st->net.connections.fetch_add(1, std::memory_order_relaxed);
        if (!st->options.allowed_peers.empty()) {
            const auto remote = socket.remote_endpoint(ec);
            if (ec || !st->options.allowed_peers.allows(remote.address())) {  // not from the modems' networks: closed at once
                st->net.refused_network.fetch_add(1, std::memory_order_relaxed);
                socket.close(ec);
                continue;
            }
        }
        socket.set_option(tcp::no_delay(true), ec);  // one small ack per report: no Nagle delay (tls_client.cpp)
        const std::string peer = peer_of(socket);
        auto ex = socket.get_executor();
        auto c = std::make_shared<IngestConnection>(std::move(socket), *st->tls);
        c->slot = st->budget.admit(peer, evictor(&st->net, c));
        if (!c->slot) {  // its address is at its limit with every connection busy: closed at once
            st->net.refused_per_peer.fetch_add(1, std::memory_order_relaxed);
            c->stream.lowest_layer().close(ec);
            continue;
        }
        st->net.open.fetch_add(1, std::memory_order_acq_rel);
        asio::co_spawn(ex, session(st, std::move(c)), asio::detached);
    }
}

}  // namespace

// [SECTION] IngestServer

IngestServer::IngestServer(asio::io_context& io, tcp::endpoint endpoint, Ingest& ingest, const core::Clock& clock,
                           IngestServerOptions options, LogSink log, CommitHook on_commit)
    : state_(std::make_shared<State>(io, endpoint, ingest, clock, std::move(options), std::move(log), std::move(on_commit))) {}

IngestServer::~IngestServer() { shutdown(); }

core::Result<void> IngestServer::start() {
    auto& st = *state_;
    if (st.writer.joinable()) return core::fail("ingest server: already started");
    auto tls = make_server_tls_context(st.options.certificate, st.options.private_key);
    if (!tls) return std::unexpected(tls.error());
    st.tls = *tls;
    boost::system::error_code ec;
    st.acceptor.open(st.endpoint.protocol(), ec);
    if (!ec) st.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) st.acceptor.bind(st.endpoint, ec);
    if (!ec) st.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        boost::system::error_code ignored;
        st.acceptor.close(ignored);
        return core::fail(fmt::format("{}:{}: cannot listen: {}", st.endpoint.address().to_string(), st.endpoint.port(), ec.message()));
    }
    port_ = st.acceptor.local_endpoint().port();
    st.writer_guard.emplace(st.writer_io.get_executor());
    st.tick_timer.emplace(st.writer_io);
    asio::post(st.writer_io, [s = state_] { s->tick(); });
    st.writer = std::thread([s = state_] {
        try {
            s->writer_io.run();
        } catch (const std::exception& e) {
            // A corrupt store aborts the ingest: say so, answer everyone "retry", accept nothing more.
            if (s->log) s->log(LogLine{s->clock.now(), fmt::format("store: FATAL: {}; ingest stopped", e.what())});
            s->stopping = true;
            for (auto& [ticket, w] : s->waiting) w.done(Ack{AckOutcome::retry, 0, ticket, w.sequence, "server store failed"});
            s->waiting.clear();
            s->closing = true;
            asio::post(s->acceptor.get_executor(), [s] {
                boost::system::error_code ignored;
                s->acceptor.close(ignored);
            });
            s->writer_io.restart();
            s->writer_io.run();  // keep answering "retry" until shutdown()
        }
    });
    asio::co_spawn(st.acceptor.get_executor(), listen(state_), asio::detached);
    return {};
}

void IngestServer::shutdown() {
    auto st = state_;
    if (!st->writer.joinable()) return;
    st->stopping = true;
    asio::post(st->acceptor.get_executor(), [st] {
        boost::system::error_code ignored;
        st->acceptor.close(ignored);
    });
    std::promise<void> flushed;
    asio::post(st->writer_io, [st, &flushed] {
        st->close_writer();
        flushed.set_value();
    });
    flushed.get_future().wait();
    st->writer_guard.reset();
    st->writer.join();
    // Submissions that reached the writer queue after it closed: answer "retry" here.
    st->writer_io.restart();
    st->writer_io.poll();
}

void IngestServer::raise_alert(std::string source, std::string text) {
    asio::post(state_->writer_io, [s = state_, source = std::move(source), text = std::move(text)]() mutable {
        if (s->closing) return;
        s->ingest.raise(source, std::move(text), s->clock.now());
        s->emit_log();
        s->publish_counters();
    });
}

Oversight IngestServer::oversight() const {
    std::lock_guard lock(state_->counters_mutex);
    return state_->oversight_copy;
}

IngestCounters IngestServer::ingest_counters() const {
    std::lock_guard lock(state_->counters_mutex);
    return state_->counters_copy;
}

const IngestServerCounters& IngestServer::counters() const { return state_->net; }

const LatencyHistogram& IngestServer::ack_latency() const { return state_->ack_latency; }

const LatencyHistogram& IngestServer::commit_time() const { return state_->commit_time; }

std::vector<LogLine> IngestServer::latest_log() const {
    std::lock_guard lock(state_->counters_mutex);
    return state_->latest_log;
}

std::vector<Alert> IngestServer::latest_alerts() const {
    std::lock_guard lock(state_->counters_mutex);
    return state_->latest_alerts;
}

}  // namespace central
