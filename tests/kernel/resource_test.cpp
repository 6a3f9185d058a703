#include "kernel/resource.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <ostream>
#include <string>
#include <vector>

#include "core/random.hpp"

namespace {

using kernel::Engine;
using kernel::Resource;
using kernel::Time;

TEST(Resource, GrantsAtOnceWhenAServerIsFree) {
    Engine engine(5);
    Resource desk(engine, 2);
    int granted = 0;
    desk.request([&] { ++granted; });
    desk.request([&] { ++granted; });
    EXPECT_EQ(granted, 2);  // before request() returned, no event needed
    EXPECT_EQ(desk.busy(), 2);
    EXPECT_EQ(desk.queue_length(), 0u);
    EXPECT_EQ(engine.pending(), 0u);
    EXPECT_EQ(desk.served(), 2u);
    EXPECT_EQ(desk.total_wait(), 0);
}

TEST(Resource, QueuesWhenAllServersAreBusyAndGrantsInArrivalOrderAtTheReleaseTime) {
    Engine engine;
    Resource desk(engine, 1);
    std::string order;
    std::vector<Time> granted_at;
    desk.request([&] { order += 'a'; });
    engine.at(1, [&] { desk.request([&] { order += 'b'; granted_at.push_back(engine.now()); }); });
    engine.at(2, [&] { desk.request([&] { order += 'c'; granted_at.push_back(engine.now()); }); });
    engine.at(10, [&] { desk.release(); });
    engine.at(15, [&] { desk.release(); });
    engine.run_until(9);
    EXPECT_EQ(desk.queue_length(), 2u);
    EXPECT_EQ(desk.max_queue(), 2u);
    engine.run();
    EXPECT_EQ(order, "abc");
    EXPECT_EQ(granted_at, (std::vector<Time>{10, 15}));
    EXPECT_EQ(desk.total_wait(), (10 - 1) + (15 - 2));
    EXPECT_EQ(desk.served(), 3u);
    EXPECT_DOUBLE_EQ(desk.mean_wait_s(), 22.0 / 3.0 / 1e6);
}

TEST(Resource, ARequestAtTheMomentOfAReleaseDoesNotOvertakeTheQueue) {
    Engine engine;
    Resource desk(engine, 1);
    std::string order;
    desk.request([&] { order += 'a'; });
    desk.request([&] { order += 'b'; });  // queued
    engine.at(10, [&] {
        desk.release();                       // the server is now reserved for b
        desk.request([&] { order += 'c'; });  // must queue behind b
    });
    engine.run();
    EXPECT_EQ(order, "ab");
    EXPECT_EQ(desk.queue_length(), 1u);
    EXPECT_EQ(desk.busy(), 1);
}

TEST(Resource, MeasuresTheTimeWeightedQueueLength) {
    Engine engine;
    Resource desk(engine, 1);
    desk.request([] {});
    engine.at(10, [&] { desk.request([] {}); });  // queue 1 from 10
    engine.at(20, [&] { desk.request([] {}); });  // queue 2 from 20
    engine.at(30, [&] { desk.release(); });       // queue 1 from 30
    engine.at(40, [&] { desk.release(); });       // queue 0 from 40
    engine.run_until(100);
    // area = 1*10 + 2*10 + 1*10 = 40 over 100 us
    EXPECT_DOUBLE_EQ(desk.time_avg_queue(100), 0.4);
    EXPECT_DOUBLE_EQ(desk.time_avg_queue(50), 0.8);
    EXPECT_EQ(desk.max_queue(), 2u);
}

TEST(Resource, LettingADeskGoLetsItsCurrentVoterFinishAndGrantsNobodyUntilBelowCapacity) {
    Engine engine;
    Resource desks(engine, 2);
    int granted = 0;
    desks.request([&] { ++granted; });
    desks.request([&] { ++granted; });
    desks.request([&] { ++granted; });  // queued
    desks.set_servers(1);
    EXPECT_EQ(desks.busy(), 2);  // nobody is interrupted
    EXPECT_EQ(desks.servers(), 1);
    engine.at(10, [&] { desks.release(); });  // busy 1 == servers 1: the queue keeps waiting
    engine.run();
    EXPECT_EQ(granted, 2);
    EXPECT_EQ(desks.queue_length(), 1u);
    engine.at(20, [&] { desks.release(); });  // busy 0 < 1: the waiter is granted
    engine.run();
    EXPECT_EQ(granted, 3);
    EXPECT_EQ(desks.busy(), 1);
    EXPECT_EQ(desks.total_wait(), 20);
}

TEST(Resource, AddingDesksGrantsWaitingVotersAtOnceInQueueOrder) {
    Engine engine;
    Resource desks(engine, 0);
    std::string order;
    desks.request([&] { order += 'a'; });
    desks.request([&] { order += 'b'; });
    desks.request([&] { order += 'c'; });
    engine.at(7, [&] { desks.set_servers(2); });
    engine.run();
    EXPECT_EQ(order, "ab");
    EXPECT_EQ(desks.busy(), 2);
    EXPECT_EQ(desks.total_wait(), 14);
}

TEST(Resource, ResettingTheStatisticsForgetsTheWarmUp) {
    Engine engine;
    Resource desk(engine, 1);
    desk.request([] {});
    engine.at(1, [&] { desk.request([] {}); });
    engine.at(5, [&] { desk.reset_statistics(); });
    engine.at(9, [&] { desk.release(); });  // the waiter counts with its whole wait, 8
    engine.run_until(13);
    EXPECT_EQ(desk.served(), 1u);
    EXPECT_EQ(desk.total_wait(), 8);
    EXPECT_EQ(desk.max_queue(), 1u);
    EXPECT_DOUBLE_EQ(desk.time_avg_queue(13), 4.0 / 8.0);  // queue 1 during [5, 9] of [5, 13]
}

TEST(Resource, TheQueueAreaSinceConstructionIgnoresAStatisticsReset) {
    Engine engine;
    Resource desk(engine, 1);
    desk.request([] {});
    engine.at(1, [&] { desk.request([] {}); });  // queue 1 from 1
    engine.at(5, [&] { desk.reset_statistics(); });
    engine.at(9, [&] { desk.release(); });       // queue 0 from 9
    engine.at(11, [&] { desk.request([] {}); }); // busy again: queue 1 from 11
    std::int64_t at_reset = -1, at_10 = -1;
    engine.at(5, [&] { at_reset = desk.queue_area(5); });
    engine.at(10, [&] { at_10 = desk.queue_area(10); });
    engine.run_until(15);
    EXPECT_EQ(at_reset, 4);
    EXPECT_EQ(at_10, 8);
    EXPECT_EQ(desk.queue_area(15), 8 + 4);       // [1, 9] and [11, 15], the warm-up included
    EXPECT_DOUBLE_EQ(desk.time_avg_queue(15), 8.0 / 10.0);  // the reset one: [5, 9] and [11, 15] over [5, 15]
    // The mean queue of an interval is the difference of two areas over its length.
    EXPECT_DOUBLE_EQ(static_cast<double>(desk.queue_area(15) - at_10) / 5.0, 4.0 / 5.0);
}

TEST(ErlangC, MatchesTheClosedFormsForOneAndTwoServers) {
    // M/M/1: C = rho, Wq = rho / (mu - lambda).
    EXPECT_NEAR(*kernel::erlang_c_wait_probability(0.5, 1.0, 1), 0.5, 1e-12);
    EXPECT_NEAR(*kernel::erlang_c_mean_wait(0.5, 1.0, 1), 1.0, 1e-12);
    // M/M/2: C = 2 rho^2 / (1 + rho); rho = 0.75 gives 0.642857..., Wq = C / (2 mu - lambda).
    const double lambda = 1.0 / 40, mu = 1.0 / 60;
    EXPECT_NEAR(*kernel::erlang_c_wait_probability(lambda, mu, 2), 2 * 0.5625 / 1.75, 1e-12);
    EXPECT_NEAR(*kernel::erlang_c_mean_wait(lambda, mu, 2), (2 * 0.5625 / 1.75) / (2 * mu - lambda), 1e-9);
}

TEST(ErlangC, RefusesAnUnstableOrMeaninglessQueue) {
    EXPECT_FALSE(kernel::erlang_c_mean_wait(2.0, 1.0, 2).has_value());
    EXPECT_FALSE(kernel::erlang_c_mean_wait(1.0, 1.0, 0).has_value());
    EXPECT_FALSE(kernel::erlang_c_mean_wait(-1.0, 1.0, 1).has_value());
    const auto e = kernel::erlang_c_mean_wait(3.0, 1.0, 2);
    ASSERT_FALSE(e.has_value());
    EXPECT_NE(e.error().message.find("unstable"), std::string::npos);
}

// An M/M/c station on the engine; returns each customer's wait (request to grant), in seconds,
// in arrival order (FIFO: also grant order).
std::vector<double> simulate_mmc(double lambda, double mu, int c, std::int64_t customers, std::uint64_t seed,
                                 Time* resource_total_wait) {
    struct Station {
        Engine engine;
        Resource desks;
        core::RandomStream gaps, services;
        double mean_gap_us, mean_service_us;
        std::int64_t to_come;
        std::vector<double> waits;
        Station(double lambda, double mu, int c, std::int64_t n, std::uint64_t seed)
            : desks(engine, c), gaps(seed, 1), services(seed, 2), mean_gap_us(1e6 / lambda),
              mean_service_us(1e6 / mu), to_come(n), waits(static_cast<std::size_t>(n)) {}
        void next_arrival() {
            engine.after(static_cast<Time>(std::llround(gaps.exponential(mean_gap_us))), [this] { arrive(); });
        }
        void arrive() {
            const auto i = static_cast<std::size_t>(waits.size() - static_cast<std::size_t>(to_come));
            const Time requested = engine.now();
            const Time service = std::llround(services.exponential(mean_service_us));
            desks.request([this, i, requested, service] {
                waits[i] = static_cast<double>(engine.now() - requested) / 1e6;
                engine.after(service, [this] { desks.release(); });
            });
            if (--to_come > 0) next_arrival();
        }
    };
    Station st(lambda, mu, c, customers, seed);
    st.next_arrival();
    st.engine.run();
    *resource_total_wait = st.desks.total_wait();
    return st.waits;
}

struct MmcCase {
    double lambda, mu;
    int c;
    std::uint64_t seed;
    friend void PrintTo(const MmcCase& m, std::ostream* os) {
        *os << "M/M/" << m.c << " lambda=" << m.lambda << " mu=" << m.mu << " seed=" << m.seed;
    }
};

class MmcStation : public ::testing::TestWithParam<MmcCase> {};

// Statistical argument (method of batch means; Law & Kelton, Simulation Modeling and Analysis,
// sec. 9.5.3): the first 5,000 customers are discarded as warm-up (the queue starts empty), the
// next 400,000 are cut into k = 40 batches of 10,000. Waits of successive customers are
// correlated, but only over roughly the queue's relaxation time, about 1 / (c mu (1 - sqrt(rho))^2)
// = 28 mean service times (~40 customers) at rho = 0.75 and ~140 customers at rho = 0.85: far
// shorter than a batch, so the batch means are close to independent and, by the central limit
// theorem, normal. Their mean then follows Student's t with 39 degrees of freedom around the true
// Wq; the two-sided 99.9% quantile is 3.56. We accept |mean - Wq| < 4 standard errors. The seed is
// fixed, so the test is deterministic; the bound says the agreement is not luck of the seed. A
// second check keeps the test able to fail: the standard error must be under 3% of Wq, so a
// model error of about 12% or more (e.g. a lost server, LIFO, a wrong rate) is always caught.
TEST_P(MmcStation, MeanWaitMatchesErlangCWithinFourBatchStandardErrors) {
    const MmcCase p = GetParam();
    const std::int64_t warmup = 5'000, batches = 40, batch = 10'000;
    Time resource_total = 0;
    const std::vector<double> waits = simulate_mmc(p.lambda, p.mu, p.c, warmup + batches * batch, p.seed, &resource_total);

    // The Resource's own bookkeeping agrees with the per-customer record.
    const double all = std::accumulate(waits.begin(), waits.end(), 0.0);
    EXPECT_NEAR(all, static_cast<double>(resource_total) / 1e6, 1e-6 * all);

    std::vector<double> means;
    for (std::int64_t b = 0; b < batches; ++b) {
        const auto first = waits.begin() + warmup + b * batch;
        means.push_back(std::accumulate(first, first + batch, 0.0) / batch);
    }
    const double grand = std::accumulate(means.begin(), means.end(), 0.0) / batches;
    double ss = 0.0;
    for (double m : means) ss += (m - grand) * (m - grand);
    const double se = std::sqrt(ss / (batches - 1) / batches);

    const double wq = *kernel::erlang_c_mean_wait(p.lambda, p.mu, p.c);
    EXPECT_LT(se, 0.03 * wq) << "too few customers for a meaningful comparison";
    EXPECT_LT(std::abs(grand - wq), 4.0 * se) << "simulated " << grand << " s, Erlang C " << wq << " s, se " << se;
}

INSTANTIATE_TEST_SUITE_P(ErlangC, MmcStation,
                         ::testing::Values(MmcCase{1.0 / 40, 1.0 / 60, 2, 11},      // rho 0.75, the benchmark's model
                                           MmcCase{0.85 / 30 * 5, 1.0 / 30, 5, 12}  // rho 0.85, five desks
                                           ));

}  // namespace
