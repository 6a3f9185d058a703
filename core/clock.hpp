#pragma once
/// Time as the real station and central software see it: given to them, never read from the OS.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace core {

/// Microseconds since midnight (local time, UTC+6) at the start of election day.
/// Negative values are the evening before; values past 24 h are the night after.
using Micros = std::int64_t;

constexpr Micros kSecond = 1'000'000;
constexpr Micros kMinute = 60 * kSecond;
constexpr Micros kHour = 60 * kMinute;

/// Time of day helper: at(20, 0) is 20:00 on election day.
constexpr Micros at(int hour, int minute, int second = 0) {
    return hour * kHour + minute * kMinute + second * kSecond;
}

/// How much of a time of day its text shows: "20:05", "20:05:09", "20:05:09.123", "20:05:09.000042".
enum class ClockText { minutes, seconds, millis, micros };

/// Writes `t` as "hh:mm:ss" (hours past 23 not wrapped; each field as fmt's "{:02}" writes it, so
/// times before midnight show their minus signs) and returns the end; any Micros fits in 32 chars.
char* write_clock_time(char* out, Micros t);
/// The project's one time-of-day text: "20:00:00" for at(20, 0); `shown` cuts or extends it.
std::string clock_time(Micros t, ClockText shown = ClockText::seconds);
/// Reads what clock_time writes: "HH:MM", "HH:MM:SS" or "HH:MM:SS.uuuuuu", hours 00 to 47 (the
/// night after election day runs past 24:00), each field with exactly its digits.
Result<Micros> parse_clock_time(std::string_view text);

/// The source of "now" for real code. The simulator, a drill or a real deployment supplies it.
class Clock {
public:
    virtual ~Clock() = default;
    /// The current time.
    virtual Micros now() const = 0;
};

}  // namespace core
