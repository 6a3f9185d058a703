#pragma once
/// A countdown to simulated failure, after Boost.Beast's `test::fail_count`: armed with N, the
/// N-th operation from then on (0 = the next) fails - once, or that one and every one after it.
/// Tests loop N = 0, 1, 2, ... until the operation succeeds, so every failure point is hit. The
/// store and every device (devices::Device::fail_at) have one; nothing arms it outside tests and
/// drills, so an unarmed FailCount never changes a result.
#include <cstdint>

namespace core {

/// A fail-at-N hook.
class FailCount {
public:
    /// Once: only the N-th operation fails. From then on: it and all later ones fail (a device
    /// that breaks for good, a disk that stays full).
    enum class Mode : std::uint8_t { once, from_then_on };

    /// Arms the countdown: the n-th operation from now (0 = the next) fails; negative disarms.
    void arm(std::int64_t n, Mode mode = Mode::once) {
        countdown_ = n;
        mode_ = mode;
    }
    /// Disarms it: no operation fails.
    void disarm() { countdown_ = -1; }
    /// True while a failure is still to come (or, from then on, still happening).
    bool armed() const { return countdown_ >= 0; }
    /// Counts one operation; true when this one must fail.
    bool fail() {
        if (countdown_ < 0) return false;
        if (countdown_ > 0) {
            --countdown_;
            return false;
        }
        ++failures_;
        if (mode_ == Mode::once) countdown_ = -1;
        return true;
    }
    /// Operations failed by this countdown so far.
    std::int64_t failures() const { return failures_; }

private:
    std::int64_t countdown_ = -1;
    Mode mode_ = Mode::once;
    std::int64_t failures_ = 0;
};

}  // namespace core
