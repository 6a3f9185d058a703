#include "central/connection_budget.hpp"

#include <algorithm>
#include <utility>

namespace central {

ConnectionBudget::ConnectionBudget(std::size_t cap) : cap_(std::max<std::size_t>(cap, 1)) {}

bool ConnectionBudget::has_room() const {
    std::lock_guard lock(mutex_);
    if (entries_.size() < cap_) return true;
    return std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.busy && !e.evicted; });
}

ConnectionBudget::Handle ConnectionBudget::admit(std::function<void()> close) {
    std::function<void()> evict;
    Handle slot;
    {
        std::lock_guard lock(mutex_);
        // Connections already told to close still count until they are released: count only the live ones.
        const auto live = static_cast<std::size_t>(
            std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.evicted; }));
        if (live >= cap_) {
            auto victim = std::find_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.busy && !e.evicted; });
            if (victim != entries_.end()) {
                victim->evicted = true;
                evict = std::move(victim->close);
                ++evicted_;
            }
        }
        entries_.push_back(Entry{std::move(close)});
        slot.reset(new Slot(*this, std::prev(entries_.end())));
    }
    if (evict) evict();  // outside the lock: it posts to the victim's executor
    return slot;
}

void ConnectionBudget::set_busy(const Handle& slot, bool busy) {
    std::lock_guard lock(mutex_);
    if (!slot->released_) slot->entry_->busy = busy;
}

void ConnectionBudget::release(const Handle& slot) {
    std::lock_guard lock(mutex_);
    if (slot->released_) return;
    slot->released_ = true;
    entries_.erase(slot->entry_);
}

std::size_t ConnectionBudget::open() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

std::int64_t ConnectionBudget::evicted() const {
    std::lock_guard lock(mutex_);
    return evicted_;
}

ConnectionBudget::Slot::~Slot() {
    std::lock_guard lock(budget_.mutex_);
    if (!released_) budget_.entries_.erase(entry_);
}

}  // namespace central
