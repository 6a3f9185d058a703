#include "kernel/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "core/random.hpp"

namespace {

using kernel::Engine;
using kernel::Time;

TEST(Engine, StartsAtTheGivenTimeAndIsTheClockOfRealCode) {
    Engine engine(core::at(7, 0));
    const core::Clock& clock = engine;
    EXPECT_EQ(clock.now(), core::at(7, 0));
    EXPECT_EQ(engine.pending(), 0u);
    EXPECT_FALSE(engine.next_time().has_value());
    EXPECT_FALSE(engine.step());
}

TEST(Engine, RefusesAnEventInThePastInEveryBuild) {
    Engine engine(core::at(7, 0));
    int ran = 0;
    engine.at(core::at(8, 0), [&] { ++ran; });
    ASSERT_TRUE(engine.step());
    EXPECT_THROW(engine.at(core::at(7, 59), [&] { ++ran; }), std::logic_error);
    engine.at(core::at(8, 0), [&] { ++ran; });  // now itself is not the past
    EXPECT_TRUE(engine.step());
    EXPECT_EQ(ran, 2);
}

TEST(Engine, RunsEventsInTimeOrderWhateverTheOrderTheyWereScheduledIn) {
    Engine engine;
    std::vector<Time> seen;
    for (Time t : {50, 10, 40, 20, 30}) engine.at(t, [&] { seen.push_back(engine.now()); });
    engine.run();
    EXPECT_EQ(seen, (std::vector<Time>{10, 20, 30, 40, 50}));
    EXPECT_EQ(engine.now(), 50);
}

TEST(Engine, RunsEventsAtTheSameTimeInTheOrderTheyWereScheduled) {
    Engine engine;
    std::string order;
    engine.at(10, [&] {
        order += 'a';
        engine.after(0, [&] { order += 'd'; });  // same time, scheduled last: runs last
    });
    engine.at(10, [&] { order += 'b'; });
    engine.at(5, [&] { engine.at(10, [&] { order += 'c'; }); });  // scheduled before time 10
    engine.run();
    EXPECT_EQ(order, "abcd");
}

// Random times (many equal), events scheduling events: the run order must be exactly the
// order of (time, scheduling sequence), which is what the documentation promises.
TEST(Engine, ExecutionOrderIsExactlyTimeThenSchedulingSequence) {
    Engine engine;
    core::RandomStream rng(7, 1);
    std::vector<std::tuple<Time, int>> scheduled;  // (time, sequence) in scheduling order
    std::vector<int> ran;
    int next_id = 0;
    auto schedule = [&](auto& self, Time t, int depth) -> void {
        const int id = next_id++;
        scheduled.emplace_back(t, id);
        engine.at(t, [&, id, depth] {
            ran.push_back(id);
            if (depth < 2) {
                for (int k = 0; k < 3; ++k) self(self, engine.now() + static_cast<Time>(rng.below(4)), depth + 1);
            }
        });
    };
    for (int i = 0; i < 200; ++i) schedule(schedule, static_cast<Time>(rng.below(50)), 0);
    engine.run();
    std::vector<std::tuple<Time, int>> expected = scheduled;
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(ran.size(), expected.size());
    for (std::size_t i = 0; i < ran.size(); ++i) EXPECT_EQ(ran[i], std::get<1>(expected[i])) << "position " << i;
    EXPECT_EQ(engine.events_executed(), expected.size());
}

TEST(Engine, RunUntilRunsEventsUpToAndIncludingTheTargetAndLeavesTheClockThere) {
    Engine engine;
    std::vector<Time> seen;
    for (Time t : {10, 20, 30}) engine.at(t, [&] { seen.push_back(engine.now()); });
    engine.run_until(20);
    EXPECT_EQ(seen, (std::vector<Time>{10, 20}));
    EXPECT_EQ(engine.now(), 20);
    engine.run_until(25);
    EXPECT_EQ(engine.now(), 25);
    EXPECT_EQ(engine.pending(), 1u);
    EXPECT_EQ(engine.next_time(), Time{30});
}

TEST(Engine, StepRunsOneEventAtATimeAndReportsAnEmptyQueue) {
    Engine engine;
    int runs = 0;
    engine.at(3, [&] { ++runs; });
    engine.at(4, [&] { ++runs; });
    EXPECT_TRUE(engine.step());
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(engine.now(), 3);
    EXPECT_TRUE(engine.step());
    EXPECT_FALSE(engine.step());
    EXPECT_EQ(runs, 2);
    EXPECT_EQ(engine.events_executed(), 2u);
}

TEST(Engine, PauseRequestedByAnEventStopsTheRunRightAfterIt) {
    Engine engine;
    std::vector<Time> seen;
    for (Time t : {10, 20, 30, 40}) {
        engine.at(t, [&, t] {
            seen.push_back(t);
            if (t == 20) engine.request_pause();
        });
    }
    engine.run_until(100);
    EXPECT_TRUE(engine.paused_requested());
    EXPECT_EQ(seen, (std::vector<Time>{10, 20}));
    EXPECT_EQ(engine.now(), 20);  // not 100: the run stopped at the pausing event
    EXPECT_EQ(engine.pending(), 2u);
    engine.run_until(100);  // a new run clears the request and carries on
    EXPECT_FALSE(engine.paused_requested());
    EXPECT_EQ(seen, (std::vector<Time>{10, 20, 30, 40}));
    EXPECT_EQ(engine.now(), 100);
}

TEST(Engine, PauseRequestedByAnEventStopsRunToo) {
    Engine engine;
    int runs = 0;
    engine.at(1, [&] { ++runs; engine.request_pause(); });
    engine.at(2, [&] { ++runs; });
    engine.run();
    EXPECT_EQ(runs, 1);
    engine.run();
    EXPECT_EQ(runs, 2);
}

TEST(Engine, ReportsPendingEventsAndTheNextTimeIncludingZeroDelayOnes) {
    Engine engine(100);
    engine.at(150, [] {});
    engine.after(0, [] {});
    EXPECT_EQ(engine.pending(), 2u);
    EXPECT_EQ(engine.next_time(), Time{100});
    engine.step();
    EXPECT_EQ(engine.next_time(), Time{150});
    EXPECT_EQ(engine.pending(), 1u);
}

TEST(Engine, StoresSmallCapturesInlineAndLargeOnesOnTheHeap) {
    struct Small {
        std::array<void*, 6> p{};
        void operator()() const {}
    };
    struct Large {
        std::array<char, 200> bytes{};
        void operator()() const {}
    };
    static_assert(kernel::Action::fits_inline<Small>);
    static_assert(!kernel::Action::fits_inline<Large>);
    EXPECT_TRUE(kernel::Action(Small{}).stored_inline());
    EXPECT_FALSE(kernel::Action(Large{}).stored_inline());

    Engine engine;
    int sum = 0;
    Large big;
    big.bytes[199] = 7;
    engine.at(1, [&sum, big] { sum += big.bytes[199]; });
    engine.at(2, [&sum] { sum += 1; });
    engine.run();
    EXPECT_EQ(sum, 8);
}

TEST(Engine, DestroysTheCapturesOfEventsThatRanAndOfEventsThatNeverRan) {
    auto token = std::make_shared<int>(0);
    {
        Engine engine;
        engine.at(1, [token] { ++*token; });
        engine.at(2, [token] { ++*token; });
        std::array<char, 100> pad{};
        engine.at(3, [token, pad] { *token += pad[0]; });  // heap-stored capture
        EXPECT_EQ(token.use_count(), 4);
        engine.run_until(1);
        EXPECT_EQ(token.use_count(), 3);
    }
    EXPECT_EQ(*token, 1);
    EXPECT_EQ(token.use_count(), 1);
}

// An event that schedules many more events forces the action storage to grow while the event
// itself is running; the running action must stay intact.
TEST(Engine, AnEventMaySchedulePlentyOfEventsWhileItRuns) {
    Engine engine;
    std::vector<int> seen;
    const std::string label = "still here";
    std::string after;
    engine.at(0, [&engine, &seen, &after, label] {
        for (int i = 0; i < 5000; ++i) engine.at(1 + i % 7, [&seen, i] { seen.push_back(i); });
        after = label;  // the capture must survive the growth above
    });
    engine.run();
    EXPECT_EQ(after, "still here");
    ASSERT_EQ(seen.size(), 5000u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end(), [](int a, int b) { return a % 7 < b % 7 || (a % 7 == b % 7 && a < b); }));
}

// A small model: n PECs, each with its own arrival stream (seed, pec, purpose). The trace of
// one PEC must not depend on whether it shares an engine with others or in which order the
// PECs were set up: that is what per-entity streams buy.
struct PecArrivals {
    Engine& engine;
    core::RandomStream stream;
    std::vector<Time>& out;

    PecArrivals(Engine& e, std::uint64_t seed, int pec, std::vector<Time>& o) : engine(e), stream(seed, pec, 1), out(o) {
        next();
    }
    void next() {
        engine.after(static_cast<Time>(stream.exponential(30.0 * core::kSecond)), [this] {
            out.push_back(engine.now());
            if (out.size() < 50) next();
        });
    }
};

TEST(Engine, PerEntityStreamsMakeATraceIndependentOfSchedulingOrderAndEngineSharing) {
    std::array<std::vector<Time>, 3> together, reversed, alone;
    {
        Engine engine;
        std::deque<PecArrivals> pecs;
        for (int pec = 0; pec < 3; ++pec) pecs.emplace_back(engine, 99, pec, together[pec]);
        engine.run();
    }
    {
        Engine engine;
        std::deque<PecArrivals> pecs;
        for (int pec = 2; pec >= 0; --pec) pecs.emplace_back(engine, 99, pec, reversed[pec]);
        engine.run();
    }
    for (int pec = 0; pec < 3; ++pec) {
        Engine engine;
        PecArrivals only(engine, 99, pec, alone[pec]);
        engine.run();
    }
    for (int pec = 0; pec < 3; ++pec) {
        EXPECT_EQ(together[pec].size(), 50u);
        EXPECT_EQ(together[pec], reversed[pec]) << "pec " << pec;
        EXPECT_EQ(together[pec], alone[pec]) << "pec " << pec;
    }
    EXPECT_NE(together[0], together[1]);

    std::vector<Time> other_seed;
    Engine engine;
    PecArrivals only(engine, 100, 0, other_seed);
    engine.run();
    EXPECT_NE(other_seed, together[0]);
}

}  // namespace
