#pragma once
/// Durations counted in fixed buckets, for the operations view (central/metrics.hpp).
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/clock.hpp"

namespace central {

/// A histogram of durations with fixed bounds (Prometheus' cumulative `le` buckets), safe to add
/// to from any thread.
class LatencyHistogram {
public:
    /// Upper bounds of the buckets in milliseconds; a last bucket (+Inf) takes the rest.
    static constexpr std::array<double, 12> kBoundsMs{0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000};

    /// Adds one duration.
    void add(core::Micros duration);
    /// Durations added so far.
    std::int64_t count() const { return count_.load(std::memory_order_relaxed); }
    /// Their sum in microseconds.
    std::int64_t sum_us() const { return sum_us_.load(std::memory_order_relaxed); }
    /// Durations in bucket i (not cumulative; i == kBoundsMs.size() is +Inf).
    std::int64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }

private:
    std::array<std::atomic<std::int64_t>, kBoundsMs.size() + 1> buckets_{};
    std::atomic<std::int64_t> count_{0};
    std::atomic<std::int64_t> sum_us_{0};
};

}  // namespace central
