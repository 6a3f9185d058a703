#include "kernel/resource.hpp"

#include <cassert>

#include <fmt/format.h>

namespace kernel {

Resource::Resource(Engine& engine, int servers)
    : engine_(engine), servers_(servers), stats_start_(engine.now()), last_change_(engine.now()) {
    assert(servers >= 0 && "kernel::Resource: negative server count");
}

void Resource::note_queue_change() {
    const Time now = engine_.now();
    const std::int64_t area = static_cast<std::int64_t>(size_) * (now - last_change_);
    queue_area_ += area;
    lifetime_area_ += area;
    last_change_ = now;
}

void Resource::enqueue(Action on_granted) {
    note_queue_change();
    if (size_ == ring_.size()) {
        // Grow to the next power of two, unrolling the ring so the head is at index 0.
        std::vector<Waiter> bigger(ring_.empty() ? 8 : ring_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i) {
            bigger[i] = std::move(ring_[(head_ + i) & (ring_.size() - 1)]);
        }
        ring_ = std::move(bigger);
        head_ = 0;
    }
    Waiter& w = ring_[(head_ + size_) & (ring_.size() - 1)];
    w.requested = engine_.now();
    w.on_granted = std::move(on_granted);
    ++size_;
    if (size_ > max_queue_) max_queue_ = size_;
}

void Resource::grant_waiting() {
    while (busy_ < servers_ && size_ > 0) {
        note_queue_change();
        Waiter& w = ring_[head_];
        head_ = (head_ + 1) & (ring_.size() - 1);
        --size_;
        ++busy_;
        ++served_;
        total_wait_ += engine_.now() - w.requested;
        engine_.at(engine_.now(), std::move(w.on_granted));
    }
}

void Resource::release() {
    assert(busy_ > 0 && "kernel::Resource::release without a busy server");
    --busy_;
    grant_waiting();
}

void Resource::set_servers(int servers) {
    assert(servers >= 0 && "kernel::Resource::set_servers: negative server count");
    servers_ = servers;
    grant_waiting();
}

double Resource::time_avg_queue(Time until) const {
    assert(until >= last_change_ && "kernel::Resource::time_avg_queue: before the last queue change");
    if (until <= stats_start_) return 0.0;
    const std::int64_t area = queue_area_ + static_cast<std::int64_t>(size_) * (until - last_change_);
    return static_cast<double>(area) / static_cast<double>(until - stats_start_);
}

std::int64_t Resource::queue_area(Time until) const {
    assert(until >= last_change_ && "kernel::Resource::queue_area: before the last queue change");
    return lifetime_area_ + static_cast<std::int64_t>(size_) * (until - last_change_);
}

double Resource::mean_wait_s() const noexcept {
    if (served_ == 0) return 0.0;
    return static_cast<double>(total_wait_) / static_cast<double>(served_) / static_cast<double>(core::kSecond);
}

void Resource::reset_statistics() {
    note_queue_change();  // the lifetime area keeps what went before
    stats_start_ = engine_.now();
    last_change_ = stats_start_;
    queue_area_ = 0;
    max_queue_ = size_;
    served_ = 0;
    total_wait_ = 0;
}

core::Result<double> erlang_c_wait_probability(double lambda, double mu, int c) {
    if (!(lambda > 0.0) || !(mu > 0.0) || c < 1) {
        return core::fail(fmt::format("Erlang C needs lambda > 0, mu > 0 and c >= 1 (got lambda={}, mu={}, c={})", lambda, mu, c));
    }
    const double a = lambda / mu;
    const double rho = a / c;
    if (!(rho < 1.0)) {
        return core::fail(fmt::format("M/M/{} with lambda={} and mu={} is unstable (utilisation {} >= 1): the queue grows without bound", c, lambda, mu, rho));
    }
    double b = 1.0;
    for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
    return b / (1.0 - rho * (1.0 - b));
}

core::Result<double> erlang_c_mean_wait(double lambda, double mu, int c) {
    auto p = erlang_c_wait_probability(lambda, mu, c);  // (g++ 12's std::expected has no transform())
    if (!p) return p;
    return *p / (c * mu - lambda);
}

}  // namespace kernel
