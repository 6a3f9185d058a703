#pragma once
/// The discrete-event engine: a virtual clock and a queue of timed actions.
///
/// Index of this file:
///   [SECTION] Action
///   [SECTION] Engine
///
/// Ordering contract: events run in increasing time; events at the same time run in the order
/// they were scheduled (FIFO by a per-engine sequence number). Nothing else (no thread, no
/// global state, no address) influences the order, so a run is reproducible byte for byte.
#include <bit>
#include <cassert>
#include <stdexcept>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace kernel {

/// Virtual time: integer microseconds since midnight of election day (exact, deterministic).
using Time = core::Micros;

// [SECTION] Action

/// A move-only `void()` callable. Captures of up to kInlineBytes that can be moved without
/// throwing are stored inline (no heap allocation); larger ones fall back to one allocation.
class Action {
public:
    /// Bytes available for an inline capture: room for e.g. six pointers or a small struct.
    static constexpr std::size_t kInlineBytes = 48;

    /// True when a callable of type F is stored without a heap allocation.
    template <class F>
    static constexpr bool fits_inline = sizeof(F) <= kInlineBytes && alignof(F) <= alignof(std::max_align_t) &&
                                        std::is_nothrow_move_constructible_v<F>;

    /// An empty action (calling it is a programmer error).
    Action() noexcept = default;

    /// Wraps any callable `void()`.
    template <class F>
        requires(!std::is_same_v<std::decay_t<F>, Action> && std::is_invocable_v<std::decay_t<F>&>)
    Action(F&& f) {  // NOLINT(google-explicit-constructor): an Action is "any callable"
        emplace(std::forward<F>(f));
    }

    /// Takes over the other action's callable; the other becomes empty.
    Action(Action&& other) noexcept { take(other); }

    /// Destroys the held callable, then takes over the other's.
    Action& operator=(Action&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }

    Action(const Action&) = delete;
    Action& operator=(const Action&) = delete;

    /// Destroys the held callable, if any.
    ~Action() { reset(); }

    /// Stores a callable in an empty action (in place: no temporary, no extra move).
    template <class F>
    void emplace(F&& f) {
        using Fn = std::decay_t<F>;
        assert(ops_ == nullptr);
        if constexpr (fits_inline<Fn>) {
            ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
            ops_ = &kInlineOps<Fn>;
        } else {
            Fn* p = new Fn(std::forward<F>(f));
            std::memcpy(buf_, &p, sizeof p);
            ops_ = &kHeapOps<Fn>;
        }
    }

    /// Calls the held callable (must not be empty).
    void operator()() {
        assert(ops_ != nullptr);
        ops_->invoke(buf_);
    }

    /// True when a callable is held.
    explicit operator bool() const noexcept { return ops_ != nullptr; }

    /// True when the held callable lives in the inline buffer (false when empty).
    bool stored_inline() const noexcept { return ops_ != nullptr && ops_->inline_storage; }

    /// Destroys the held callable; the action becomes empty.
    void reset() noexcept {
        if (ops_ != nullptr) {
            if (ops_->destroy != nullptr) ops_->destroy(buf_);
            ops_ = nullptr;
        }
    }

private:
    // Type-erased operations. A null relocate means "bytes can be copied" (trivially copyable
    // captures such as pointers and integers, the common case); a null destroy means "nothing to do".
    struct Ops {
        void (*invoke)(void*);
        void (*relocate)(void* dst, void* src) noexcept;
        void (*destroy)(void*) noexcept;
        bool inline_storage;
    };

    template <class Fn>
    static constexpr bool kTrivial = std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>;

    template <class Fn>
    static constexpr Ops kInlineOps{
        [](void* p) { (*std::launder(static_cast<Fn*>(p)))(); },
        kTrivial<Fn> ? nullptr
                     : +[](void* dst, void* src) noexcept {
                           Fn* s = std::launder(static_cast<Fn*>(src));
                           ::new (dst) Fn(std::move(*s));
                           s->~Fn();
                       },
        kTrivial<Fn> ? nullptr : +[](void* p) noexcept { std::launder(static_cast<Fn*>(p))->~Fn(); },
        true,
    };

    template <class Fn>
    static Fn* heap_ptr(void* p) noexcept {
        Fn* f;
        std::memcpy(&f, p, sizeof f);
        return f;
    }

    template <class Fn>
    static constexpr Ops kHeapOps{
        [](void* p) { (*heap_ptr<Fn>(p))(); },
        nullptr,  // the buffer holds only a pointer: copying its bytes moves it
        [](void* p) noexcept { delete heap_ptr<Fn>(p); },
        false,
    };

    void take(Action& other) noexcept {
        ops_ = other.ops_;
        if (ops_ != nullptr) {
            if (ops_->relocate != nullptr) {
                ops_->relocate(buf_, other.buf_);
            } else {
                std::memcpy(buf_, other.buf_, kInlineBytes);
            }
            other.ops_ = nullptr;
        }
    }

    alignas(std::max_align_t) unsigned char buf_[kInlineBytes];
    const Ops* ops_ = nullptr;
};

// [SECTION] Engine

/// A discrete-event engine: virtual time plus a queue of actions, run in (time, scheduling
/// order). It is also the core::Clock of the station software it drives. One engine per PEC:
/// creating one allocates nothing until the first event, and it touches no global state, so
/// engines on different threads never interact. Not copyable or movable (actions usually hold
/// a reference to their engine); keep engines in a std::deque or behind a unique_ptr.
class Engine final : public core::Clock {
public:
    /// An engine whose virtual clock starts at `start` (default: midnight of election day).
    explicit Engine(Time start = 0) noexcept : now_(start) {}

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// The current virtual time: the time of the event being run, or where the last run left it.
    Time now() const override { return now_; }

    /// Schedules `f` to run at time t (t >= now(); earlier is a programmer error). Events at the
    /// same time run in the order they were scheduled.
    template <class F>
    void at(Time t, F&& f) {
        // Checked in every build, not only where assert() is on: an event in the past would run out of
        // order, silently (a CEC answer scheduled before the PEC's present once made PECs resend reports).
        if (t < now_) [[unlikely]]
            throw std::logic_error("kernel::Engine::at: scheduling in the past");
        const std::uint32_t slot = free_.empty() ? new_slot() : take_free_slot();
        if constexpr (std::is_same_v<std::decay_t<F>, Action>) {
            action_at(slot) = std::move(f);
        } else {
            action_at(slot).emplace(std::forward<F>(f));
        }
        if (t == now_) {
            ready_.push_back(slot);  // see ready_: same order as the heap would give, without the heap
        } else {
            push(Entry{t, next_seq_++, slot});
        }
    }

    /// Schedules `f` to run dt after now() (dt >= 0).
    template <class F>
    void after(Time dt, F&& f) {
        assert(dt >= 0 && "kernel::Engine::after: negative delay");
        at(now_ + dt, std::forward<F>(f));
    }

    /// Runs the next event, if any; returns false when the queue is empty.
    bool step();

    /// Runs every event with time <= t, then sets now() to t. If an event calls request_pause(),
    /// returns right after that event instead, with now() at that event's time (< t possibly).
    void run_until(Time t);

    /// Runs until the queue is empty (now() stays at the last event's time) or a pause is requested.
    void run();

    /// From inside an event: makes the current run() / run_until() return after this event.
    /// run() and run_until() clear the request when they start.
    void request_pause() noexcept { pause_requested_ = true; }

    /// True when a pause was requested and not yet cleared by a new run() / run_until().
    bool paused_requested() const noexcept { return pause_requested_; }

    /// Number of events scheduled and not yet run.
    std::size_t pending() const noexcept { return heap_.size() + (ready_.size() - ready_head_); }

    /// Time of the next event, if any.
    std::optional<Time> next_time() const noexcept {
        if (ready_head_ < ready_.size()) return now_;
        if (heap_.empty()) return std::nullopt;
        return heap_.front().t;
    }

    /// Number of events run since the engine was created.
    std::uint64_t events_executed() const noexcept { return executed_; }

private:
    // Heap entries are small (the action lives in a slot of chunks_), so sifting moves 24 bytes.
    struct Entry {
        Time t;
        std::uint64_t seq;
        std::uint32_t slot;
    };
    static bool earlier(const Entry& a, const Entry& b) noexcept {
        return a.t < b.t || (a.t == b.t && a.seq < b.seq);
    }
    void push(Entry e);
    Entry pop();
    void run_top();
    bool due(Time t) const noexcept {
        return ready_head_ < ready_.size() || (!heap_.empty() && heap_.front().t <= t);
    }

    // Actions live in chunks that never move (chunk k holds kFirstChunk << k slots), so an action
    // runs in place even when it schedules events that need new storage.
    static constexpr std::uint32_t kFirstChunk = 16;
    Action& action_at(std::uint32_t slot) noexcept {
        const std::uint32_t biased = slot + kFirstChunk;
        const int chunk = std::bit_width(biased) - std::bit_width(kFirstChunk);
        return chunks_[chunk][biased - (kFirstChunk << chunk)];
    }
    std::uint32_t new_slot();
    std::uint32_t take_free_slot() noexcept {
        const std::uint32_t slot = free_.back();
        free_.pop_back();
        return slot;
    }

    Time now_;
    std::uint64_t next_seq_ = 0;
    std::uint64_t executed_ = 0;
    bool pause_requested_ = false;
    std::vector<Entry> heap_;              // 4-ary min-heap on (t, seq)
    // Events scheduled for the current time (t == now() when scheduled), FIFO. They come after
    // every heap entry with t == now(): those were scheduled before now() reached t. Zero-delay
    // events (grants, hand-offs) are common and skip the heap; the order is exactly (t, seq).
    std::vector<std::uint32_t> ready_;
    std::size_t ready_head_ = 0;
    std::vector<std::unique_ptr<Action[]>> chunks_;  // slot -> action; empty when free
    std::uint32_t slots_ = 0;                         // slots handed out so far
    std::vector<std::uint32_t> free_;      // free slots (LIFO: the hottest slot is reused first)
};

}  // namespace kernel
