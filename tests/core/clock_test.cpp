#include "core/clock.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

using core::clock_time;

TEST(ClockTime, WritesHoursMinutesAndSecondsWithTwoDigits) {
    EXPECT_EQ(clock_time(0), "00:00:00");
    EXPECT_EQ(clock_time(core::at(8, 5, 7)), "08:05:07");
    EXPECT_EQ(clock_time(core::at(20, 0) + 999'999), "20:00:00");  // microseconds are dropped
    EXPECT_EQ(clock_time(core::at(123, 0, 59)), "123:00:59");       // hours are not wrapped past a day
}

TEST(ClockTime, WritesEveryTimeAsThePaddedFmtFieldsDo) {
    // The same text as fmt's "{:02}:{:02}:{:02}" for any time: before midnight, far past it, extremes.
    const auto reference = [](core::Micros t) {
        const auto s = t / core::kSecond;
        return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    };
    for (core::Micros t : {core::Micros{-1}, -core::kSecond, -core::at(1, 30, 5), core::at(99, 59, 59), core::at(100, 0),
                           std::numeric_limits<core::Micros>::max(), std::numeric_limits<core::Micros>::min()})
        EXPECT_EQ(clock_time(t), reference(t)) << t;
    for (core::Micros t = -3 * core::kHour; t < 30 * core::kHour; t += 7 * core::kSecond + 1) ASSERT_EQ(clock_time(t), reference(t)) << t;
}

}  // namespace
