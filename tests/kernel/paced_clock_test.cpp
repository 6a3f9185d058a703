#include "kernel/paced_clock.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace {

using namespace std::chrono_literals;
using kernel::PacedClock;
using Wall = PacedClock::WallTime;

const Wall kT0{std::chrono::seconds(1000)};

TEST(PacedClock, FollowsTheWallClockAtTheChosenSpeed) {
    PacedClock clock(core::at(8, 0), kT0);
    EXPECT_EQ(clock.target(kT0), core::at(8, 0));
    EXPECT_EQ(clock.target(kT0 + 2s), core::at(8, 0) + 2 * core::kSecond);
    ASSERT_TRUE(clock.set_speed(600, kT0 + 2s));
    EXPECT_EQ(clock.target(kT0 + 3s), core::at(8, 0) + 2 * core::kSecond + 600 * core::kSecond);
}

TEST(PacedClock, ChangingSpeedDoesNotMakeVirtualTimeJump) {
    PacedClock clock(0, kT0);
    const Wall w = kT0 + 10s;
    const kernel::Time before = clock.target(w);
    ASSERT_TRUE(clock.set_speed(60, w));
    EXPECT_EQ(clock.target(w), before);
    ASSERT_TRUE(clock.set_speed(1, w + 1s));
    EXPECT_EQ(clock.target(w + 1s), before + 60 * core::kSecond);
}

TEST(PacedClock, PauseFreezesVirtualTimeAndResumeContinuesFromThere) {
    PacedClock clock(0, kT0);
    ASSERT_TRUE(clock.set_speed(10, kT0));
    clock.pause(kT0 + 1s);
    EXPECT_TRUE(clock.paused());
    EXPECT_EQ(clock.target(kT0 + 1h), 10 * core::kSecond);
    clock.resume(kT0 + 1h);
    EXPECT_EQ(clock.target(kT0 + 1h + 500ms), 15 * core::kSecond);
}

TEST(PacedClock, RefusesASpeedOutsideOneToSixHundred) {
    PacedClock clock(0, kT0);
    EXPECT_FALSE(clock.set_speed(0.5, kT0));
    EXPECT_FALSE(clock.set_speed(601, kT0));
    const auto e = clock.set_speed(1000, kT0);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("x600"), std::string::npos);
    EXPECT_EQ(clock.speed(), 1.0);
}

TEST(PacedClock, NeverGoesBackwardsEvenForAnOlderWallTime) {
    PacedClock clock(0, kT0);
    ASSERT_TRUE(clock.set_speed(100, kT0 + 1s));
    EXPECT_EQ(clock.target(kT0), 1 * core::kSecond);
}

TEST(PacedClock, SkipsForwardAfterTheEngineWasSteppedAheadWhilePaused) {
    kernel::Engine engine;
    engine.at(5 * core::kMinute, [] {});
    PacedClock clock(0, kT0);
    clock.pause(kT0);
    engine.step();  // the instructor steps one event
    clock.skip_to(engine.now(), kT0 + 1s);
    clock.resume(kT0 + 1s);
    EXPECT_EQ(clock.target(kT0 + 2s), 5 * core::kMinute + core::kSecond);
    engine.run_until(clock.target(kT0 + 2s));  // never in the engine's past
    clock.skip_to(0, kT0 + 2s);                // skipping backwards does nothing
    EXPECT_EQ(clock.target(kT0 + 2s), 5 * core::kMinute + core::kSecond);
}

}  // namespace
