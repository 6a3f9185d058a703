#pragma once
/// Counts added without wrapping. Every count that reaches the CEC comes from outside (a device's
/// report, a CSV of votes, a database file), so a sum of counts is computed with a check: a sum
/// that does not fit in 64 bits is "no value", never a wrapped number (the 2021 lesson: a figure on
/// the results page must be one the counts really add up to).
#include <cstdint>
#include <optional>
#include <span>

namespace core {

/// a + b, or nothing when the sum does not fit in a signed 64-bit integer.
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
    return sum;
}

/// a + b, where a is already nothing when an earlier sum did not fit.
inline std::optional<std::int64_t> checked_add(std::optional<std::int64_t> a, std::int64_t b) {
    return a ? checked_add(*a, b) : std::nullopt;
}

/// Sum of `counts`, or nothing when it does not fit in a signed 64-bit integer.
inline std::optional<std::int64_t> checked_sum(std::span<const std::int64_t> counts) {
    std::optional<std::int64_t> sum = 0;
    for (std::int64_t c : counts) {
        sum = checked_add(sum, c);
        if (!sum) break;
    }
    return sum;
}

}  // namespace core
