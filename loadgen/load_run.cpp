// Sending a plan (run_load): the senders, their relaxed counters, the progress thread, and the
// report as load.json and text. Planning is in load_generator.cpp and bad_reports.cpp.
//
// Index of this file:
//   [SECTION] Counters and answers
//   [SECTION] Senders
//   [SECTION] Progress
//   [SECTION] The report
//   [SECTION] Running a plan
//   [SECTION] load.json and text
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/wire.hpp"
#include "loadgen/load_generator.hpp"
#include "net/tls_client.hpp"
#include "net/tls_context.hpp"

namespace loadgen {

namespace asio = boost::asio;

// [SECTION] Counters and answers

namespace {

/// Counters the senders add to and the progress thread reads, all relaxed: nobody waits for anybody.
struct Counters {
    std::atomic<std::int64_t> sent{0}, stored{0}, duplicates{0}, rejected{0}, retry{0}, errors{0}, unexpected{0};
    std::array<std::atomic<std::int64_t>, core::kRejectReasonCount> by_reason{};
    std::array<std::atomic<std::int64_t>, kFlawCount> as_expected{}, unexpected_by_flaw{};
};

/// What all senders of one run share.
struct Run {
    std::shared_ptr<asio::ssl::context> tls;
    asio::ip::tcp::endpoint endpoint;
    const LoadOptions* options = nullptr;
    const std::vector<PlannedReport>* plan = nullptr;
    std::chrono::steady_clock::time_point start;
    Counters counters;
    SharedLatencyHistogram latency;     // good reports acked
    std::vector<double> acked_at;       // per report: seconds after start when a good report was acked, else -1;
                                        // each element written by the one sender of that report
    std::vector<std::int64_t> latency_us;  // per report: its ack latency (us) when acked_at is set
    std::vector<std::atomic<bool>> answered;  // per report: its exchange is over (a replay waits for its original)
    std::mutex problem_mutex;           // guards first_problem (taken only on an unexpected outcome)
    std::string first_problem;
    std::atomic<std::size_t> next{0};   // next report of the plan to send
};

/// True when `ack` is what a report with `flaw` must get.
bool as_expected(Flaw flaw, const core::Ack& ack) {
    if (flaw == Flaw::none) return ack.outcome == core::AckOutcome::stored || ack.outcome == core::AckOutcome::duplicate;
    return ack.outcome == core::AckOutcome::rejected && ack.reason == static_cast<std::uint8_t>(expected_reason(flaw));
}

/// Counts one report's answer (or its failure) and, for a good report acked, its latency.
void record(Run& run, std::size_t i, const core::Result<std::vector<core::Ack>>& acks, std::chrono::microseconds latency) {
    const auto& planned = (*run.plan)[i];
    auto& c = run.counters;
    constexpr auto relaxed = std::memory_order_relaxed;
    bool expected = false;
    std::string what;
    if (!acks) {
        c.errors.fetch_add(1, relaxed);
        what = acks.error().message;
    } else {
        const auto& ack = acks->front();
        switch (ack.outcome) {
            case core::AckOutcome::stored: c.stored.fetch_add(1, relaxed); break;
            case core::AckOutcome::duplicate: c.duplicates.fetch_add(1, relaxed); break;
            case core::AckOutcome::rejected:
                c.rejected.fetch_add(1, relaxed);
                c.by_reason[ack.reason < core::kRejectReasonCount ? ack.reason : 0].fetch_add(1, relaxed);
                break;
            case core::AckOutcome::retry: c.retry.fetch_add(1, relaxed); break;
        }
        expected = as_expected(planned.flaw, ack);
        what = fmt::format("{}: {}", core::to_string(ack.outcome), ack.text);
        if (expected && planned.flaw == Flaw::none) {
            run.latency.record(latency.count());
            run.acked_at[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
            run.latency_us[i] = latency.count();
        }
    }
    const auto flaw = static_cast<std::size_t>(planned.flaw);
    if (expected) {
        c.as_expected[flaw].fetch_add(1, relaxed);
        return;
    }
    c.unexpected.fetch_add(1, relaxed);
    c.unexpected_by_flaw[flaw].fetch_add(1, relaxed);
    std::lock_guard lock(run.problem_mutex);
    if (run.first_problem.empty())
        run.first_problem = fmt::format("{} ({}, expected {}{}): {}", planned.device, to_string(planned.flaw),
                                        planned.flaw == Flaw::none ? "stored or duplicate" : "rejected ",
                                        planned.flaw == Flaw::none ? "" : core::to_string(expected_reason(planned.flaw)), what);
}

// [SECTION] Senders

asio::awaitable<void> send_one(Run& run, std::size_t i, asio::steady_timer& timer) {
    const auto& planned = (*run.plan)[i];
    const auto due = run.start + std::chrono::microseconds(planned.at);
    timer.expires_at(due);
    co_await timer.async_wait(asio::use_awaitable);
    // A replay goes out once its original has been answered (bounded: that exchange has a timeout).
    while (planned.after != kNoReport && !run.answered[planned.after].load(std::memory_order_acquire)) {
        timer.expires_after(std::chrono::milliseconds(1));
        co_await timer.async_wait(asio::use_awaitable);
    }
    run.counters.sent.fetch_add(1, std::memory_order_relaxed);
    std::vector<std::vector<std::uint8_t>> messages(1, planned.message);  // not a braced list: GCC 12 coroutine bug
    auto acks = co_await net::exchange(*run.tls, run.endpoint, run.options->host, std::move(messages), run.options->timeout);
    record(run, i, acks, std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - due));
    run.answered[i].store(true, std::memory_order_release);
}

/// One of `connections` senders: takes the next report of the plan (sorted by planned time),
/// waits for its planned time if it is still ahead, sends it, and so on (wrk2's model).
asio::awaitable<void> sender(Run& run) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        const auto i = run.next.fetch_add(1, std::memory_order_relaxed);
        if (i >= run.plan->size()) co_return;
        co_await send_one(run, i, timer);
    }
}

// [SECTION] Progress

/// Where the run stands, from the relaxed counters.
LoadProgress progress_of(const Run& run, bool final) {
    const auto& c = run.counters;
    constexpr auto relaxed = std::memory_order_relaxed;
    LoadProgress p;
    p.elapsed_s = std::max(0.0, std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count());
    p.planned = static_cast<std::int64_t>(run.plan->size());
    p.sent = c.sent.load(relaxed);
    p.stored = c.stored.load(relaxed);
    p.duplicates = c.duplicates.load(relaxed);
    p.rejected = c.rejected.load(relaxed);
    p.failed = c.retry.load(relaxed) + c.errors.load(relaxed);
    p.unexpected = c.unexpected.load(relaxed);
    p.p99_us = run.latency.snapshot().quantile(0.99);
    p.final = final;
    return p;
}

/// Calls options.progress every progress_every until stopped (its own thread; reads counters only).
std::jthread progress_thread(const Run& run) {
    if (!run.options->progress) return {};
    return std::jthread([&run](std::stop_token stop) {
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        while (!wake.wait_for(lock, stop, run.options->progress_every, [] { return false; }) && !stop.stop_requested())
            run.options->progress(progress_of(run, false));
    });
}

// [SECTION] The report

/// The q-quantile (0..1) of sorted values, nearest rank, as the histogram reads it; 0 when empty.
std::uint64_t nearest_rank(const std::vector<std::int64_t>& sorted, double q) {
    if (sorted.empty()) return 0;
    const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))));
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, sorted[std::min(rank, sorted.size()) - 1]));
}

/// The good acks second by second: their count and exact latency percentiles, from second 0 to the
/// second of the last ack.
std::vector<SecondOfRun> timeline_of(const Run& run) {
    std::vector<std::vector<std::int64_t>> by_second;
    for (std::size_t i = 0; i < run.acked_at.size(); ++i) {
        if (run.acked_at[i] < 0) continue;
        const auto s = static_cast<std::size_t>(run.acked_at[i]);
        if (s >= by_second.size()) by_second.resize(s + 1);
        by_second[s].push_back(run.latency_us[i]);
    }
    std::vector<SecondOfRun> out;
    std::int64_t total = 0;
    for (std::size_t s = 0; s < by_second.size(); ++s) {
        auto& v = by_second[s];
        std::sort(v.begin(), v.end());
        total += std::ssize(v);
        out.push_back({.second = static_cast<int>(s), .acks = std::ssize(v), .acked_total = total, .p50_us = nearest_rank(v, 0.50),
                       .p90_us = nearest_rank(v, 0.90), .p99_us = nearest_rank(v, 0.99), .max_us = nearest_rank(v, 1.0)});
    }
    return out;
}

/// The counters and measurements of a finished run as its report.
LoadReport report_of(Run& run, const std::vector<PlannedReport>& plan) {
    const auto& c = run.counters;
    LoadReport r;
    r.planned = static_cast<std::int64_t>(plan.size());
    r.sent = c.sent.load();
    r.stored = c.stored.load();
    r.duplicates = c.duplicates.load();
    r.acked = r.stored + r.duplicates;
    r.rejected = c.rejected.load();
    r.retry = c.retry.load();
    r.errors = c.errors.load();
    r.unexpected = c.unexpected.load();
    r.first_problem = run.first_problem;
    for (int k = 0; k < core::kRejectReasonCount; ++k) r.rejected_by_reason[k] = c.by_reason[k].load();
    for (const auto& p : plan) ++r.by_flaw[static_cast<std::size_t>(p.flaw)].planned;
    for (int f = 0; f < kFlawCount; ++f) {
        r.by_flaw[f].as_expected = c.as_expected[f].load();
        r.by_flaw[f].unexpected = c.unexpected_by_flaw[f].load();
    }
    r.all_duplicate = r.acked > 0 && r.stored == 0;
    r.latency = run.latency.snapshot();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
    std::vector<double> acked_at;
    for (double t : run.acked_at)
        if (t >= 0) acked_at.push_back(t);
    std::sort(acked_at.begin(), acked_at.end());
    const auto good = r.by_flaw[0].planned;
    auto time_to = [&](double share) -> double {
        const auto need = static_cast<std::size_t>(std::ceil(share * static_cast<double>(good)));
        if (need == 0) return 0;
        return need <= acked_at.size() ? acked_at[need - 1] : -1;
    };
    r.time_to_50 = time_to(0.50);
    r.time_to_84 = time_to(0.84);
    r.time_to_all = time_to(1.0);
    r.timeline = timeline_of(run);
    for (const auto& s : r.timeline) r.peak_acks_per_s = std::max(r.peak_acks_per_s, s.acks);
    r.acks_per_s = r.seconds > 0 ? static_cast<double>(acked_at.size()) / r.seconds : 0.0;
    r.good_acked.resize(run.acked_at.size());
    for (std::size_t i = 0; i < run.acked_at.size(); ++i) r.good_acked[i] = run.acked_at[i] >= 0;
    return r;
}

}  // namespace

// [SECTION] Running a plan

core::Result<LoadReport> run_load(const std::vector<PlannedReport>& plan, const LoadOptions& o) {
    auto tls = net::make_client_tls_context(o.ca_file);
    if (!tls) return std::unexpected(tls.error());
    auto endpoint = net::resolve({o.host, o.port});
    if (!endpoint) return std::unexpected(endpoint.error());

    Run run;
    run.tls = *tls;
    run.endpoint = *endpoint;
    run.options = &o;
    run.plan = &plan;
    run.acked_at.assign(plan.size(), -1.0);
    run.latency_us.assign(plan.size(), 0);
    run.answered = std::vector<std::atomic<bool>>(plan.size());
    asio::io_context io;
    run.start = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);  // time to spawn everything
    const auto senders = std::min<std::size_t>(plan.size(), static_cast<std::size_t>(std::max(1, o.connections)));
    for (std::size_t i = 0; i < senders; ++i) asio::co_spawn(asio::make_strand(io), sender(run), asio::detached);
    auto progress = progress_thread(run);
    std::vector<std::jthread> pool;
    for (int i = 1; i < std::max(1, o.threads); ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    pool.clear();
    progress = {};  // stop and join before the last call
    if (o.progress) o.progress(progress_of(run, true));
    return report_of(run, plan);
}

// [SECTION] load.json and text

std::string describe(const LoadProgress& p) {
    return fmt::format("[{:6.1f} s] sent {}/{}  acked {} (stored {}, duplicate {})  rejected {}  failed {}  unexpected {}  p99 {:.1f} ms",
                       p.elapsed_s, p.sent, p.planned, p.stored + p.duplicates, p.stored, p.duplicates, p.rejected, p.failed,
                       p.unexpected, static_cast<double>(p.p99_us) / 1000.0);
}

namespace {

/// The timeline as load.json holds it: one object per second.
nlohmann::json timeline_json(const std::vector<SecondOfRun>& timeline) {
    auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : timeline)
        out.push_back({{"second", s.second},
                       {"acks", s.acks},
                       {"acked_total", s.acked_total},
                       {"latency_ms", s.acks == 0 ? nlohmann::json(nullptr)
                                                  : nlohmann::json{{"p50", ms(s.p50_us)}, {"p90", ms(s.p90_us)},
                                                                   {"p99", ms(s.p99_us)}, {"max", ms(s.max_us)}}}});
    return out;
}

}  // namespace

nlohmann::json load_json(const LoadReport& r) {
    auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
    nlohmann::json hist = nlohmann::json::array();
    for (const auto& [upper, count] : r.latency.buckets()) hist.push_back({{"le_ms", ms(upper)}, {"count", count}});
    nlohmann::json by_reason = nlohmann::json::object();
    for (int k = 1; k < core::kRejectReasonCount; ++k)
        by_reason[std::string(core::to_string(static_cast<core::RejectReason>(k)))] = r.rejected_by_reason[k];
    by_reason["other"] = r.rejected_by_reason[0];
    nlohmann::json reports = nlohmann::json::object();
    for (int f = 0; f < kFlawCount; ++f) {
        const auto flaw = static_cast<Flaw>(f);
        const auto& t = r.by_flaw[f];
        reports[std::string(to_string(flaw))] = {
            {"planned", t.planned},
            {"as_expected", t.as_expected},
            {"unexpected", t.unexpected},
            {"expect", flaw == Flaw::none ? std::string("stored or duplicate") : fmt::format("rejected {}", core::to_string(expected_reason(flaw)))}};
    }
    std::int64_t expected_rejections = 0;
    for (int f = 1; f < kFlawCount; ++f) expected_rejections += r.by_flaw[f].as_expected;
    return {{"version", 1},
            {"planned", r.planned},
            {"sent", r.sent},
            {"acked", r.acked},
            {"stored", r.stored},
            {"duplicates", r.duplicates},
            {"all_duplicate", r.all_duplicate},
            {"rejected", r.rejected},
            {"rejected_by_reason", by_reason},
            {"retry", r.retry},
            {"errors", r.errors},
            {"reports", reports},
            {"expected_rejections", expected_rejections},
            {"unexpected", r.unexpected},
            {"first_problem", r.first_problem},
            {"seconds", r.seconds},
            {"latency_ms",
             {{"p50", ms(r.latency.quantile(0.50))},
              {"p90", ms(r.latency.quantile(0.90))},
              {"p95", ms(r.latency.quantile(0.95))},
              {"p99", ms(r.latency.quantile(0.99))},
              {"p999", ms(r.latency.quantile(0.999))},
              {"max", ms(r.latency.max())},
              {"histogram", hist}}},
            {"time_to_50_s", r.time_to_50},
            {"time_to_84_s", r.time_to_84},
            {"time_to_all_s", r.time_to_all},
            {"acks_per_s", r.acks_per_s},
            {"peak_acks_per_s", r.peak_acks_per_s},
            {"timeline", timeline_json(r.timeline)}};
}

std::string describe(const LoadReport& r) {
    auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
    auto seconds = [](double s) { return s < 0 ? std::string("never") : fmt::format("{:.3f} s", s); };
    std::string out = fmt::format(
        "planned {}  sent {}  acked {} (stored {}, duplicate {})  rejected {}  retry {}  errors {}\n"
        "ack latency from planned time (ms): p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  p99.9 {:.2f}  max {:.2f}\n"
        "time to 50 % acked {}, 84 % {}, 100 % {}\n",
        r.planned, r.sent, r.acked, r.stored, r.duplicates, r.rejected, r.retry, r.errors, ms(r.latency.quantile(0.5)),
        ms(r.latency.quantile(0.9)), ms(r.latency.quantile(0.99)), ms(r.latency.quantile(0.999)), ms(r.latency.max()),
        seconds(r.time_to_50), seconds(r.time_to_84), seconds(r.time_to_all));
    std::string kinds;
    for (int f = 0; f < kFlawCount; ++f) {
        const auto flaw = static_cast<Flaw>(f);
        const auto& t = r.by_flaw[f];
        if (f > 0 && t.planned == 0) continue;
        kinds += fmt::format("{}{} {}/{} {}", kinds.empty() ? "" : ", ", to_string(flaw), t.as_expected, t.planned,
                             flaw == Flaw::none ? std::string("acked") : fmt::format("rejected {}", core::to_string(expected_reason(flaw))));
    }
    out += fmt::format("as expected: {}; unexpected outcomes {} ({})\n", kinds, r.unexpected, r.unexpected == 0 ? "pass" : "FAIL");
    if (!r.first_problem.empty()) out += "first problem: " + r.first_problem + "\n";
    return out;
}

}  // namespace loadgen
