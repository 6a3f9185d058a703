// bench_mmc: an M/M/c station (one voter source, c identification desks, FIFO queue) on
// kernel::Engine + kernel::Resource. bench/mmc_simpy.py runs the very same model in SimPy 2.3 and
// bench/compare-simpy.sh runs both and prints the ratio.
//
// Same model, same numbers: both programs draw voter i's interarrival gap and service time from
// core::RandomStream(seed, 1) and core::RandomStream(seed, 2) (mmc_simpy.py reimplements the
// stream bit for bit), rounded to whole microseconds. So both see identical voters and, up to the
// order of events that fall on the same microsecond, print the same mean wait.
//
// Usage: bench_mmc [--lambda=PER_S] [--mu=PER_S] [--servers=C] [--voters=N] [--seed=S] [--reps=R]
// Prints the model, mean wait vs Erlang C, and `voters_per_s: X` (best of R repetitions; the
// timed part includes engine creation, the random draws and the whole run).
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/random.hpp"
#include "kernel/engine.hpp"
#include "kernel/resource.hpp"

namespace {

struct Params {
    double lambda = 1.0 / 40.0;  // voters per second: one every 40 s on average
    double mu = 1.0 / 60.0;      // per desk: 60 s identification on average
    int servers = 2;
    std::int64_t voters = 200'000;
    std::uint64_t seed = 2021;
    int reps = 5;
};

// Draws an exponential duration in whole microseconds: floor(x + 0.5), the rounding
// mmc_simpy.py uses too (std::llround and Python's round() differ on ties).
kernel::Time draw_us(core::RandomStream& s, double mean_us) {
    return static_cast<kernel::Time>(std::floor(s.exponential(mean_us) + 0.5));
}

struct Outcome {
    double seconds;
    double mean_wait_s;
    std::uint64_t served;
    std::uint64_t events;
    std::size_t max_queue;
};

// The model: voter i arrives gap_i after voter i-1 (the first gap_0 after 0), asks for a desk,
// holds it for service_i, releases it. Both draws are made on arrival, in voter order.
struct Station {
    kernel::Engine engine;
    kernel::Resource desks;
    core::RandomStream gaps;
    core::RandomStream services;
    double mean_gap_us;
    double mean_service_us;
    std::int64_t to_come;

    explicit Station(const Params& p)
        : desks(engine, p.servers),
          gaps(p.seed, 1),
          services(p.seed, 2),
          mean_gap_us(1e6 / p.lambda),
          mean_service_us(1e6 / p.mu),
          to_come(p.voters) {}

    void schedule_next_arrival() {
        engine.after(draw_us(gaps, mean_gap_us), [this] { arrive(); });
    }

    void arrive() {
        const kernel::Time service = draw_us(services, mean_service_us);
        desks.request([this, service] { engine.after(service, [this] { desks.release(); }); });
        if (--to_come > 0) schedule_next_arrival();
    }
};

Outcome run_once(const Params& p) {
    const auto t0 = std::chrono::steady_clock::now();
    Station st(p);
    st.schedule_next_arrival();
    st.engine.run();
    const auto t1 = std::chrono::steady_clock::now();
    return {std::chrono::duration<double>(t1 - t0).count(), st.desks.mean_wait_s(), st.desks.served(),
            st.engine.events_executed(), st.desks.max_queue()};
}

bool parse(int argc, char** argv, Params& p) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto eq = arg.find('=');
        if (!arg.starts_with("--") || eq == std::string_view::npos) {
            fmt::print(stderr, "bench_mmc: expected --name=value, got '{}'\n", arg);
            return false;
        }
        const std::string_view key = arg.substr(2, eq - 2);
        const std::string value(arg.substr(eq + 1));
        char* end = nullptr;
        if (key == "lambda") p.lambda = std::strtod(value.c_str(), &end);
        else if (key == "mu") p.mu = std::strtod(value.c_str(), &end);
        else if (key == "servers") p.servers = static_cast<int>(std::strtol(value.c_str(), &end, 10));
        else if (key == "voters") p.voters = std::strtoll(value.c_str(), &end, 10);
        else if (key == "seed") p.seed = std::strtoull(value.c_str(), &end, 10);
        else if (key == "reps") p.reps = static_cast<int>(std::strtol(value.c_str(), &end, 10));
        else {
            fmt::print(stderr, "bench_mmc: unknown option --{} (known: lambda mu servers voters seed reps)\n", key);
            return false;
        }
        if (end == value.c_str() || *end != '\0') {
            fmt::print(stderr, "bench_mmc: --{} needs a number, got '{}'\n", key, value);
            return false;
        }
    }
    if (p.voters < 1 || p.reps < 1 || p.servers < 1 || !(p.lambda > 0) || !(p.mu > 0)) {
        fmt::print(stderr, "bench_mmc: voters, reps, servers, lambda and mu must be positive\n");
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Params p;
    if (!parse(argc, argv, p)) return 2;
    const auto wq = kernel::erlang_c_mean_wait(p.lambda, p.mu, p.servers);
    if (!wq) {
        fmt::print(stderr, "bench_mmc: {}\n", wq.error().message);
        return 2;
    }
    fmt::print("engine: kernel::Engine + kernel::Resource (C++)\n");
    fmt::print("model: M/M/{} lambda={}/s mu={}/s rho={:.3f} voters={} seed={}\n", p.servers, p.lambda, p.mu,
               p.lambda / (p.servers * p.mu), p.voters, p.seed);

    Outcome best{};
    std::string all;
    for (int r = 0; r < p.reps; ++r) {
        const Outcome o = run_once(p);
        all += fmt::format("{}{:.0f}", r ? " " : "", p.voters / o.seconds);
        if (r == 0 || o.seconds < best.seconds) best = o;
    }
    fmt::print("served: {} events: {} max_queue: {}\n", best.served, best.events, best.max_queue);
    fmt::print("mean_wait_s: {:.3f} (Erlang C: {:.3f})\n", best.mean_wait_s, *wq);
    fmt::print("events_per_s: {:.0f}\n", static_cast<double>(best.events) / best.seconds);
    fmt::print("rates_per_rep: {}\n", all);
    fmt::print("voters_per_s: {:.0f}\n", p.voters / best.seconds);
    return 0;
}
