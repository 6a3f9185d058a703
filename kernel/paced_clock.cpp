#include "kernel/paced_clock.hpp"

#include <cmath>

#include <fmt/format.h>

namespace kernel {

PacedClock::PacedClock(Time virtual_start, WallTime wall_now) noexcept
    : virtual_anchor_(virtual_start), wall_anchor_(wall_now) {}

Time PacedClock::target(WallTime wall_now) const noexcept {
    if (paused_ || wall_now <= wall_anchor_) return virtual_anchor_;
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(wall_now - wall_anchor_).count();
    // Exact in a double: 600 x a week of microseconds is below 2^53.
    return virtual_anchor_ + static_cast<Time>(std::floor(static_cast<double>(elapsed) * speed_));
}

void PacedClock::reanchor(WallTime wall_now) noexcept {
    virtual_anchor_ = target(wall_now);
    if (wall_now > wall_anchor_) wall_anchor_ = wall_now;
}

void PacedClock::pause(WallTime wall_now) noexcept {
    if (paused_) return;
    reanchor(wall_now);
    paused_ = true;
}

void PacedClock::resume(WallTime wall_now) noexcept {
    if (!paused_) return;
    paused_ = false;
    // Virtual time stays frozen at the anchor; the wall anchor moves to now so the pause is skipped.
    if (wall_now > wall_anchor_) wall_anchor_ = wall_now;
}

core::Result<void> PacedClock::set_speed(double factor, WallTime wall_now) {
    if (!(factor >= kMinSpeed && factor <= kMaxSpeed)) {
        return core::fail(fmt::format("speed x{} is outside the allowed range x{} to x{}", factor, kMinSpeed, kMaxSpeed));
    }
    reanchor(wall_now);
    speed_ = factor;
    return {};
}

void PacedClock::skip_to(Time virtual_now, WallTime wall_now) noexcept {
    reanchor(wall_now);
    if (virtual_now > virtual_anchor_) virtual_anchor_ = virtual_now;
}

}  // namespace kernel
