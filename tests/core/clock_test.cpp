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

TEST(ClockTime, ShowsMinutesMillisOrMicrosWhenAsked) {
    const core::Micros t = core::at(20, 5, 9) + 123'042;
    EXPECT_EQ(clock_time(t, core::ClockText::minutes), "20:05");
    EXPECT_EQ(clock_time(t, core::ClockText::seconds), "20:05:09");
    EXPECT_EQ(clock_time(t, core::ClockText::millis), "20:05:09.123");
    EXPECT_EQ(clock_time(t, core::ClockText::micros), "20:05:09.123042");
    EXPECT_EQ(clock_time(core::at(25, 0), core::ClockText::minutes), "25:00");  // the night after
}

TEST(ClockTime, ParsesWhatItWritesAndNothingElse) {
    for (core::Micros t : {core::Micros{0}, core::at(7, 30), core::at(20, 5, 9) + 42, core::at(47, 59, 59) + 999'999})
        EXPECT_EQ(*core::parse_clock_time(clock_time(t, core::ClockText::micros)), t) << t;
    EXPECT_EQ(*core::parse_clock_time("07:30"), core::at(7, 30));
    EXPECT_EQ(*core::parse_clock_time("25:00:01"), core::at(25, 0, 1));
    for (const char* bad : {"7:30", "10:60", "48:00", "10:00:00.5", "10:00:60", "-1:00", "+1:00", "10-00", "", "10:00 ", "ab:cd"}) {
        const auto r = core::parse_clock_time(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("is not a time HH:MM"), std::string::npos) << r.error().message;
    }
}

}  // namespace
