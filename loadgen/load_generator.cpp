#include "loadgen/load_generator.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/device_keys.hpp"
#include "core/random.hpp"
#include "core/wire.hpp"
#include "core/yaml_fields.hpp"
#include "net/tls_client.hpp"
#include "net/tls_context.hpp"

namespace loadgen {

namespace asio = boost::asio;

core::Result<RateProfile> load_rate_profile(const std::filesystem::path& file) {
    try {
        const YAML::Node root = YAML::LoadFile(file.string());
        auto where = [&](const YAML::Node& n) { return fmt::format("{}:{}", file.string(), n.Mark().line + 1); };
        if (!root.IsMap() || !root["version"] || root["version"].as<int>(0) != 1)
            return core::fail(fmt::format("{}: version: expected 1", file.string()));
        RateProfile p;
        p.name = root["name"] ? root["name"].as<std::string>("") : file.stem().string();
        const auto points = root["cumulative"];
        if (!points || !points.IsSequence() || points.size() < 2)
            return core::fail(fmt::format("{}: cumulative: expected a list of at least two {{minute, share}} points", file.string()));
        for (const auto& pt : points) {
            if (!pt.IsMap() || !pt["minute"] || !pt["share"]) return core::fail(fmt::format("{}: expected {{minute: M, share: S}}", where(pt)));
            const auto minute = core::field_number(file.string(), pt["minute"], "minute", 0.0, 1e9);
            if (!minute) return std::unexpected(minute.error());
            const auto share = core::field_number(file.string(), pt["share"], "share", 0.0, 1.0);
            if (!share) return std::unexpected(share.error());
            const double m = *minute, s = *share;
            if (!p.points.empty() && (m <= p.points.back().first || s < p.points.back().second))
                return core::fail(fmt::format("{}: minutes must increase and shares must not decrease", where(pt)));
            p.points.emplace_back(m, s);
        }
        if (p.points.front().second != 0 || p.points.back().second != 1)
            return core::fail(fmt::format("{}: cumulative: the first share must be 0 and the last 1", file.string()));
        return p;
    } catch (const YAML::Exception& e) {
        return core::fail(fmt::format("{}:{}: {}", file.string(), e.mark.line + 1, e.msg));
    }
}

namespace {

/// Minutes after the start at which cumulative share u is reached (linear between points).
double inverse(const RateProfile& p, double u) {
    for (std::size_t i = 1; i < p.points.size(); ++i) {
        const auto [m0, s0] = p.points[i - 1];
        const auto [m1, s1] = p.points[i];
        if (u <= s1) return s1 == s0 ? m0 : m0 + (m1 - m0) * (u - s0) / (s1 - s0);
    }
    return p.points.back().first;
}

/// Splits `total` over `weights.size()` options (largest remainder, deterministic).
std::vector<std::int64_t> split(std::int64_t total, const std::vector<double>& weights) {
    std::vector<std::int64_t> out(weights.size(), 0);
    double sum = 0;
    for (auto w : weights) sum += w;
    if (sum <= 0 || total <= 0) return out;
    std::int64_t given = 0;
    std::vector<std::pair<double, std::size_t>> rest;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double exact = static_cast<double>(total) * weights[i] / sum;
        out[i] = static_cast<std::int64_t>(exact);
        given += out[i];
        rest.emplace_back(exact - static_cast<double>(out[i]), i);
    }
    std::sort(rest.begin(), rest.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    for (std::size_t k = 0; given < total; ++k, ++given) ++out[rest[k % rest.size()].second];
    return out;
}

core::ArbbReport box_report(const core::ElectionPackage& p, const core::Pec& pec, core::BoxKind box, std::int64_t issued,
                            core::RandomStream& rng) {
    core::ArbbReport r;
    r.kind = core::ReportKind::final;
    r.pec = pec.number;
    r.box = box;
    r.at = core::at(20, 5);
    r.ballots_in_box = issued;
    r.ballots_scanned = issued;
    r.invalid = static_cast<std::int64_t>(static_cast<double>(issued) * p.rules.invalid_share * (0.5 + rng.uniform()));
    r.invalid = std::min(r.invalid, issued);
    r.valid = issued - r.invalid;
    std::vector<double> reasons(core::kInvalidReasonCount, 1.0);
    const auto by_reason = split(r.invalid, reasons);
    std::copy(by_reason.begin(), by_reason.end(), r.invalid_by_reason.begin());
    std::vector<double> weights;
    if (box == core::BoxKind::party_list) {
        weights.push_back(std::max(0.001, p.rules.against_all));
        for (const auto& party : p.parties) weights.push_back(std::max(0.001, party.support) * (0.7 + 0.6 * rng.uniform()));
    } else {
        const auto* d = p.find_district(pec.district);
        weights.push_back(d ? std::max(0.001, d->against_all) : 0.05);
        if (d)
            for (const auto& c : d->candidates) weights.push_back(std::max(0.001, c.support) * (0.7 + 0.6 * rng.uniform()));
    }
    r.option_counts = split(r.valid, weights);
    if (box == core::BoxKind::party_list) {
        for (std::size_t q = 0; q < p.parties.size(); ++q) {
            // About 60 % of a party's voters mark a preference, most of them for the top of the list.
            const auto marked = r.option_counts[q + 1] * 6 / 10;
            std::vector<double> w;
            for (std::size_t k = 0; k < p.parties[q].list.size(); ++k) w.push_back(1.0 / static_cast<double>((k + 1) * (k + 1)));
            r.preference_counts.push_back(split(marked, w));
        }
    }
    r.figures = {pec.registered, issued, issued};
    r.printed = true;
    return r;
}

}  // namespace

std::vector<PlannedReport> plan_fleet(const core::ElectionPackage& package, int pecs, std::uint64_t device_secret,
                                      std::uint64_t seed, const RateProfile* profile, double speed) {
    std::vector<PlannedReport> plan;
    const std::size_t n = pecs <= 0 ? package.pecs.size() : std::min<std::size_t>(static_cast<std::size_t>(pecs), package.pecs.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto& pec = package.pecs[i];
        core::RandomStream rng(seed, static_cast<std::uint64_t>(pec.number));
        const double turnout = std::clamp(package.rules.turnout > 0 ? package.rules.turnout : 0.35, 0.05, 0.95) *
                               (0.75 + 0.5 * rng.uniform());
        const auto issued = std::min<std::int64_t>(pec.registered, static_cast<std::int64_t>(static_cast<double>(pec.registered) * turnout));
        core::Micros at = 0;
        if (profile) {  // its own stream: the reports' contents do not depend on the schedule
            core::RandomStream when(seed, static_cast<std::uint64_t>(pec.number), 1);
            at = static_cast<core::Micros>(inverse(*profile, when.uniform()) * 60e6 / std::max(speed, 1e-9));
        }
        auto add = [&](core::DeviceRole role, core::ReportPayload payload) {
            const auto id = core::device_id(pec.number, role);
            core::WireReport w{core::ReportHeader{package.name, pec.number, id, 1, core::at(20, 5)}, std::move(payload)};
            plan.push_back({at, pec.number, id, core::encode_signed_report(w, core::derive_device_keys(device_secret, id).secret_key)});
        };
        add(core::DeviceRole::arbb_party_list, box_report(package, pec, core::BoxKind::party_list, issued, rng));
        if (pec.district != 0) add(core::DeviceRole::arbb_district, box_report(package, pec, core::BoxKind::district, issued, rng));
        core::IdentificationReport id;
        id.pec = pec.number;
        id.at = core::at(20, 2);
        id.registered = pec.registered;
        id.fingerprint = issued * 9 / 10;
        id.face = issued / 20;
        id.manual = issued - id.fingerprint - id.face;
        id.ballots_issued = issued;
        add(core::DeviceRole::identification, id);
    }
    std::stable_sort(plan.begin(), plan.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    return plan;
}

namespace {

/// What all senders of one run share.
struct Run {
    std::shared_ptr<asio::ssl::context> tls;
    asio::ip::tcp::endpoint endpoint;
    const LoadOptions* options = nullptr;
    std::chrono::steady_clock::time_point start;
    std::mutex mutex;              // guards report and acked_at
    LoadReport report;
    std::vector<double> acked_at;  // seconds after start, per acked report
    std::atomic<std::size_t> next{0};  // next report of the plan to send
};

asio::awaitable<void> send_one(Run& run, const PlannedReport& planned, asio::steady_timer& timer) {
    const auto due = run.start + std::chrono::microseconds(planned.at);
    timer.expires_at(due);
    co_await timer.async_wait(asio::use_awaitable);
    std::vector<std::vector<std::uint8_t>> messages(1, planned.message);  // not a braced list: GCC 12 coroutine bug
    auto acks = co_await net::exchange(*run.tls, run.endpoint, run.options->host, std::move(messages), run.options->timeout);
    const auto done = std::chrono::steady_clock::now();
    std::lock_guard lock(run.mutex);
    auto& report = run.report;
    ++report.sent;
    if (!acks) {
        ++report.errors;
        if (report.first_problem.empty()) report.first_problem = planned.device + ": " + acks.error().message;
        co_return;
    }
    const auto& ack = acks->front();
    switch (ack.outcome) {
        case core::AckOutcome::stored: ++report.stored; break;
        case core::AckOutcome::duplicate: ++report.duplicates; break;
        case core::AckOutcome::rejected:
            ++report.rejected;
            if (report.first_problem.empty()) report.first_problem = planned.device + ": rejected: " + ack.text;
            co_return;
        case core::AckOutcome::retry:
            ++report.retry;
            if (report.first_problem.empty()) report.first_problem = planned.device + ": retry: " + ack.text;
            co_return;
    }
    ++report.acked;
    report.latency.record(std::chrono::duration_cast<std::chrono::microseconds>(done - due).count());
    run.acked_at.push_back(std::chrono::duration<double>(done - run.start).count());
}

/// One of `connections` senders: takes the next report of the plan (sorted by planned time),
/// waits for its planned time if it is still ahead, sends it, and so on (wrk2's model).
asio::awaitable<void> sender(Run& run, const std::vector<PlannedReport>& plan) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        const auto i = run.next.fetch_add(1, std::memory_order_relaxed);
        if (i >= plan.size()) co_return;
        co_await send_one(run, plan[i], timer);
    }
}

}  // namespace

core::Result<LoadReport> run_load(const std::vector<PlannedReport>& plan, const LoadOptions& o) {
    auto tls = net::make_client_tls_context(o.ca_file);
    if (!tls) return std::unexpected(tls.error());
    auto endpoint = net::resolve({o.host, o.port});
    if (!endpoint) return std::unexpected(endpoint.error());

    Run run;
    run.tls = *tls;
    run.endpoint = *endpoint;
    run.options = &o;
    run.report.planned = static_cast<std::int64_t>(plan.size());
    asio::io_context io;
    run.start = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);  // time to spawn everything
    const auto senders = std::min<std::size_t>(plan.size(), static_cast<std::size_t>(std::max(1, o.connections)));
    for (std::size_t i = 0; i < senders; ++i) asio::co_spawn(asio::make_strand(io), sender(run, plan), asio::detached);
    std::vector<std::jthread> pool;
    for (int i = 1; i < std::max(1, o.threads); ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    pool.clear();
    auto& report = run.report;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
    auto& acked_at = run.acked_at;
    std::sort(acked_at.begin(), acked_at.end());
    auto time_to = [&](double share) -> double {
        const auto need = static_cast<std::size_t>(std::ceil(share * static_cast<double>(plan.size())));
        if (need == 0) return 0;
        return need <= acked_at.size() ? acked_at[need - 1] : -1;
    };
    report.time_to_50 = time_to(0.50);
    report.time_to_84 = time_to(0.84);
    report.time_to_all = time_to(1.0);
    return std::move(report);
}

nlohmann::json load_json(const LoadReport& r) {
    auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
    nlohmann::json hist = nlohmann::json::array();
    for (const auto& [upper, count] : r.latency.buckets()) hist.push_back({{"le_ms", ms(upper)}, {"count", count}});
    return {{"version", 1},
            {"planned", r.planned},
            {"sent", r.sent},
            {"acked", r.acked},
            {"stored", r.stored},
            {"duplicates", r.duplicates},
            {"rejected", r.rejected},
            {"retry", r.retry},
            {"errors", r.errors},
            {"first_problem", r.first_problem},
            {"seconds", r.seconds},
            {"latency_ms",
             {{"p50", ms(r.latency.quantile(0.50))},
              {"p90", ms(r.latency.quantile(0.90))},
              {"p99", ms(r.latency.quantile(0.99))},
              {"p999", ms(r.latency.quantile(0.999))},
              {"max", ms(r.latency.max())},
              {"histogram", hist}}},
            {"time_to_50_s", r.time_to_50},
            {"time_to_84_s", r.time_to_84},
            {"time_to_all_s", r.time_to_all}};
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
    if (!r.first_problem.empty()) out += "first problem: " + r.first_problem + "\n";
    return out;
}

}  // namespace loadgen
