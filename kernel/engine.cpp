#include "kernel/engine.hpp"

namespace kernel {

// A 4-ary heap: half the depth of a binary heap and the four children share a cache line or
// two, which beats std::push_heap/pop_heap for the small-to-medium queues of a PEC.
// Both sifts move a "hole" instead of swapping.
void Engine::push(Entry e) {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    while (i > 0) {
        const std::size_t parent = (i - 1) / 4;
        if (!earlier(e, heap_[parent])) break;
        heap_[i] = heap_[parent];
        i = parent;
    }
    heap_[i] = e;
}

Engine::Entry Engine::pop() {
    const Entry top = heap_.front();
    const Entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
        const std::size_t first = 4 * i + 1;
        if (first >= n) break;
        const std::size_t end = first + 4 < n ? first + 4 : n;
        std::size_t best = first;
        for (std::size_t c = first + 1; c < end; ++c) {
            if (earlier(heap_[c], heap_[best])) best = c;
        }
        if (!earlier(heap_[best], last)) break;
        heap_[i] = heap_[best];
        i = best;
    }
    heap_[i] = last;
    return top;
}

std::uint32_t Engine::new_slot() {
    const std::uint32_t slot = slots_++;
    assert(slots_ != 0 && "kernel::Engine: more than 2^32 pending events");
    const std::uint32_t biased = slot + kFirstChunk;
    const auto chunk = static_cast<std::size_t>(std::bit_width(biased) - std::bit_width(kFirstChunk));
    if (chunk == chunks_.size()) chunks_.push_back(std::make_unique<Action[]>(std::size_t{kFirstChunk} << chunk));
    return slot;
}

void Engine::run_top() {
    std::uint32_t slot;
    if (ready_head_ < ready_.size() && (heap_.empty() || heap_.front().t != now_)) {
        slot = ready_[ready_head_++];
        if (ready_head_ == ready_.size()) {
            ready_.clear();
            ready_head_ = 0;
        }
    } else {
        const Entry e = pop();
        now_ = e.t;
        slot = e.slot;
    }
    ++executed_;
    // The action runs in place (chunks never move). Its slot is freed only afterwards - also
    // when it throws - so events it schedules cannot land on it.
    struct Release {
        Engine& engine;
        Action& action;
        std::uint32_t slot;
        ~Release() {
            action.reset();
            engine.free_.push_back(slot);
        }
    };
    Action& action = action_at(slot);
    Release release{*this, action, slot};
    action();
}

bool Engine::step() {
    if (heap_.empty() && ready_head_ == ready_.size()) return false;
    run_top();
    return true;
}

void Engine::run_until(Time t) {
    assert(t >= now_ && "kernel::Engine::run_until: target is in the past");
    pause_requested_ = false;
    while (due(t)) {
        run_top();
        if (pause_requested_) return;
    }
    now_ = t;
}

void Engine::run() {
    pause_requested_ = false;
    while (!heap_.empty() || ready_head_ < ready_.size()) {
        run_top();
        if (pause_requested_) return;
    }
}

}  // namespace kernel
