#include "core/clock.hpp"

#include <charconv>
#include <optional>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace core {
namespace {

// Writes `v` as fmt's "{:02}" does. Two digits by hand in the usual case: receipts print one time
// per voter, and the padded fmt fields take longer than all the rest of a receipt.
char* write_two_digits(char* out, std::int64_t v) {
    if (v < 0 || v > 99) return fmt::format_to(out, FMT_COMPILE("{:02}"), v);
    out[0] = static_cast<char>('0' + v / 10);
    out[1] = static_cast<char>('0' + v % 10);
    return out + 2;
}

}  // namespace

char* write_clock_time(char* out, Micros t) {
    const auto s = t / kSecond;
    out = write_two_digits(out, s / 3600);
    *out++ = ':';
    out = write_two_digits(out, (s / 60) % 60);
    *out++ = ':';
    return write_two_digits(out, s % 60);
}

std::string clock_time(Micros t, ClockText shown) {
    char text[48];  // at most 19 characters for any int64 time, 26 with microseconds
    char* end = write_clock_time(text, t);
    switch (shown) {
        case ClockText::minutes: end -= 3; break;
        case ClockText::seconds: break;
        case ClockText::millis: end = fmt::format_to(end, FMT_COMPILE(".{:03}"), t % kSecond / 1000); break;
        case ClockText::micros: end = fmt::format_to(end, FMT_COMPILE(".{:06}"), t % kSecond); break;
    }
    return {text, end};
}

Result<Micros> parse_clock_time(std::string_view text) {
    auto bad = [&] { return fail(fmt::format("'{}' is not a time HH:MM, HH:MM:SS or HH:MM:SS.uuuuuu (hours 00-47)", text)); };
    auto number = [&](std::size_t from, std::size_t len, int hi) -> std::optional<int> {
        int v = -1;
        auto [p, ec] = std::from_chars(text.data() + from, text.data() + from + len, v);
        if (ec != std::errc{} || p != text.data() + from + len || v < 0 || v > hi) return std::nullopt;
        return v;
    };
    if (text.size() != 5 && text.size() != 8 && text.size() != 15) return bad();
    const auto h = number(0, 2, 47), m = number(3, 2, 59);
    if (!h || !m || text[2] != ':') return bad();
    Micros t = at(*h, *m);
    if (text.size() >= 8) {
        const auto s = number(6, 2, 59);
        if (!s || text[5] != ':') return bad();
        t += *s * kSecond;
    }
    if (text.size() == 15) {
        const auto us = number(9, 6, 999'999);
        if (!us || text[8] != '.') return bad();
        t += *us;
    }
    return t;
}

}  // namespace core
