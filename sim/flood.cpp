#include "sim/flood.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace sim {

std::string modem_address(int pec) { return fmt::format("10.{}.{}.{}", 64 + (pec >> 16) % 64, (pec >> 8) & 255, pec & 255); }

FloodModel::FloodModel(Time from, Time to, double rate, int addresses, std::size_t cap, std::size_t per_peer, bool fast_forward)
    : from_(from), to_(to), rate_(std::max(rate, 1.0)), budget_(cap, per_peer), fast_forward_(fast_forward) {
    // The flood's addresses: 198.18.0.0/15 (RFC 2544's benchmarking range), outside kModemNetwork.
    const int n = std::clamp(addresses, 1, 131'072);
    addresses_.reserve(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) addresses_.push_back(fmt::format("198.{}.{}.{}", 18 + (k >> 16), (k >> 8) & 255, k & 255));
}

Time FloodModel::arrival(std::uint64_t k) const {
    return from_ + static_cast<Time>(static_cast<double>(k) * static_cast<double>(core::kSecond) / rate_);
}

void FloodModel::release_closed() {
    for (const std::uint64_t k : closed_) open_[k - first_open_].reset();  // the flood's client sees its connection closed
    closed_.clear();
    while (!open_.empty() && !open_.front()) open_.pop_front(), ++first_open_;
}

void FloodModel::admit_until(Time t, const bool* stop) {
    if (t >= to_ + kFloodLinger) {  // the clients stopped; the server's idle timeout closed what was left
        open_.clear();
        first_open_ = next_;
        return;
    }
    if (t < from_) return;
    // Arrivals k with arrival(k) <= t, before the flood's end.
    const Time last = std::min(t, to_ - 1);
    auto n = static_cast<std::uint64_t>(static_cast<double>(last - from_) * rate_ / static_cast<double>(core::kSecond)) + 1;
    while (n > 0 && arrival(n - 1) > last) --n;
    if (n <= next_) return;
    if (fast_forward_ && n - next_ > budget_.cap()) {
        // With every flood connection idle the budget would close all but the newest `cap` of these
        // arrivals as they come: admit only those, in order, into a budget without the older ones.
        open_.clear();
        next_ = first_open_ = n - budget_.cap();
    }
    for (; next_ < n && !(stop && *stop); ++next_) {
        const std::size_t who = next_ % addresses_.size();
        open_.emplace_back();  // arrival next_'s place, empty if it is not admitted
        if (restricted_at_ && arrival(next_) >= *restricted_at_ && !allowed_[who]) continue;  // closed at accept
        open_.back() = budget_.admit(addresses_[who], [this, k = next_] { closed_.push_back(k); });
        ++admitted_;
        release_closed();
    }
    release_closed();
}

void FloodModel::advance_to(Time t) {
    if (t <= clock_) return;
    admit_until(t);
    clock_ = t;
}

bool FloodModel::survives(Time opened, Time delivered, const std::string& peer) {
    const Time open_at = std::max(opened, clock_);
    admit_until(open_at);
    clock_ = open_at;
    bool closed = false;
    auto slot = budget_.admit(peer, [&closed] { closed = true; });
    release_closed();
    if (!slot) {
        ++cut_;
        return false;
    }
    const Time done = std::max(delivered, open_at);
    admit_until(done, &closed);  // the arrivals after it was closed wait for the next connection
    clock_ = done;
    budget_.release(slot);  // answered, or closed by the budget: either way it ends here
    if (closed) ++cut_;
    return !closed;
}

void FloodModel::restrict_to_modems(Time at) {
    if (restricted_at_) return;
    admit_until(std::max(at, clock_));
    const auto filter = central::PeerFilter::parse({kModemNetwork}).value();  // a constant network
    allowed_.resize(addresses_.size());
    for (std::size_t k = 0; k < addresses_.size(); ++k) allowed_[k] = filter.allows(addresses_[k]);
    restricted_at_ = at;
}

}  // namespace sim
