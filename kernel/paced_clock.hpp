#pragma once
/// Paced mode for drills: virtual time follows the wall clock times a speed factor.
/// The trainer calls `engine.run_until(paced.target(std::chrono::steady_clock::now()))` each
/// frame. The wall time is always a parameter, so the class is tested without sleeping.
#include <chrono>

#include "core/result.hpp"
#include "kernel/engine.hpp"

namespace kernel {

/// Maps wall time to virtual time: virtual = anchor + (wall - wall_anchor) x speed while running.
/// Every change (pause, resume, speed, skip) re-anchors at the given wall time, so virtual time
/// never jumps and never goes backwards.
class PacedClock {
public:
    /// Wall-clock time points (monotonic clock).
    using WallTime = std::chrono::steady_clock::time_point;

    /// Slowest allowed factor (real time).
    static constexpr double kMinSpeed = 1.0;
    /// Fastest allowed factor (ten hours of election day in one minute).
    static constexpr double kMaxSpeed = 600.0;

    /// A running clock at x1 whose virtual time is `virtual_start` at wall time `wall_now`.
    PacedClock(Time virtual_start, WallTime wall_now) noexcept;

    /// Virtual time the engine should have reached at `wall_now` (rounded down to a microsecond).
    /// A wall time earlier than the last change is treated as that change's time.
    Time target(WallTime wall_now) const noexcept;

    /// Freezes virtual time at target(wall_now). Pausing a paused clock does nothing.
    void pause(WallTime wall_now) noexcept;
    /// Lets virtual time run again from where it was frozen. Resuming a running clock does nothing.
    void resume(WallTime wall_now) noexcept;
    /// True while paused.
    bool paused() const noexcept { return paused_; }

    /// Changes the factor without a jump in virtual time; an error outside [kMinSpeed, kMaxSpeed].
    core::Result<void> set_speed(double factor, WallTime wall_now);
    /// Current factor.
    double speed() const noexcept { return speed_; }

    /// Moves virtual time forward to `virtual_now` if it is behind it (e.g. after the instructor
    /// single-stepped the engine while paused); never moves it back.
    void skip_to(Time virtual_now, WallTime wall_now) noexcept;

private:
    void reanchor(WallTime wall_now) noexcept;

    Time virtual_anchor_;
    WallTime wall_anchor_;
    double speed_ = 1.0;
    bool paused_ = false;
};

}  // namespace kernel
