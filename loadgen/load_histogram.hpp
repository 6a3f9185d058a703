#pragma once
/// A small log-linear latency histogram (the HdrHistogram idea; Debian 12 packages no HdrHistogram
/// library for C/C++): values in microseconds, exact below 1,024 us, then 512 sub-buckets per
/// power of two, so any recorded value is reported within 0.2 % of itself. Fixed memory
/// (~30,000 counters covers up to 2^63 us); recording is O(1). Not thread-safe: one per thread,
/// merged with add(), or a SharedLatencyHistogram that many threads record into.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

namespace loadgen {

/// Log-linear histogram of microsecond values.
class LatencyHistogram {
public:
    /// Records one value (negative values count as 0).
    void record(std::int64_t micros) {
        const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(0, micros));
        const auto i = index(v);
        if (i >= counts_.size()) counts_.resize(i + 1, 0);
        ++counts_[i];
        ++total_;
        max_ = std::max(max_, v);
    }
    /// Adds another histogram's counts.
    void add(const LatencyHistogram& o) {
        if (o.counts_.size() > counts_.size()) counts_.resize(o.counts_.size(), 0);
        for (std::size_t i = 0; i < o.counts_.size(); ++i) counts_[i] += o.counts_[i];
        total_ += o.total_;
        max_ = std::max(max_, o.max_);
    }
    /// Values recorded.
    std::uint64_t count() const { return total_; }
    /// Largest value recorded (exact).
    std::uint64_t max() const { return max_; }
    /// The smallest value v such that at least q (0..1) of the recorded values are <= v, as the
    /// upper edge of its bucket (never more than the exact max); 0 when empty.
    std::uint64_t quantile(double q) const {
        if (total_ == 0) return 0;
        const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(q * static_cast<double>(total_) + 0.999999));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen >= rank) return std::min(upper(i), max_);
        }
        return max_;
    }
    /// Non-empty buckets as (upper edge in us, count), ascending.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> buckets() const {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
        for (std::size_t i = 0; i < counts_.size(); ++i)
            if (counts_[i]) out.emplace_back(upper(i), counts_[i]);
        return out;
    }

private:
    friend class SharedLatencyHistogram;
    static constexpr int kSubBits = 9;  // 512 sub-buckets per power of two above 1,024
    static std::size_t index(std::uint64_t v) {
        if (v < (1u << (kSubBits + 1))) return static_cast<std::size_t>(v);
        const int shift = std::bit_width(v) - (kSubBits + 1);  // >= 1
        return static_cast<std::size_t>(shift) * (1u << kSubBits) + static_cast<std::size_t>(v >> shift);
    }
    static std::uint64_t upper(std::size_t i) {
        if (i < (1u << (kSubBits + 1))) return i;
        const std::size_t shift = i / (1u << kSubBits) - 1;
        const std::uint64_t sub = i - shift * (1u << kSubBits);
        // (shift, sub) came from index(): bucket covers [sub << s, ((sub + 1) << s) - 1] with s = shift.
        return ((sub + 1) << shift) - 1;
    }
    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
};

/// The same buckets as relaxed atomic counters of fixed size: any number of threads record without a
/// lock while another reads a snapshot (the live p99 of `shailoo load`). A snapshot taken while
/// values are being recorded may miss the latest of them; one taken after the recorders have
/// stopped is exact.
class SharedLatencyHistogram {
public:
    SharedLatencyHistogram() : counts_(LatencyHistogram::index(std::numeric_limits<std::uint64_t>::max()) + 1) {}
    /// Records one value (negative values count as 0). Thread-safe, wait-free but for the max.
    void record(std::int64_t micros) {
        const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(0, micros));
        counts_[LatencyHistogram::index(v)].fetch_add(1, std::memory_order_relaxed);
        auto max = max_.load(std::memory_order_relaxed);
        while (v > max && !max_.compare_exchange_weak(max, v, std::memory_order_relaxed)) {
        }
    }
    /// The values recorded so far, as a LatencyHistogram.
    LatencyHistogram snapshot() const {
        LatencyHistogram h;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            const auto c = counts_[i].load(std::memory_order_relaxed);
            if (c == 0) continue;
            h.counts_.resize(i + 1, 0);
            h.counts_[i] = c;
            h.total_ += c;
            h.max_ = std::max(h.max_, LatencyHistogram::upper(i));
        }
        h.max_ = std::min(h.max_, max_.load(std::memory_order_relaxed));
        return h;
    }

private:
    std::vector<std::atomic<std::uint64_t>> counts_;
    std::atomic<std::uint64_t> max_{0};
};

}  // namespace loadgen
