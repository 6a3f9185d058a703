#include "core/clock.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

namespace core {
namespace {

// Writes `v` as fmt's "{:02}" does. Two digits by hand in the usual case: receipts print one time
// per voter, and the padded fmt fields took longer than all the rest of a receipt.
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

std::string clock_time(Micros t) {
    char text[32];  // at most 19 characters for any int64 time
    return {text, write_clock_time(text, t)};
}

}  // namespace core
