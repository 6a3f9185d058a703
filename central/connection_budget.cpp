#include "central/connection_budget.hpp"

#include <algorithm>
#include <utility>

namespace central {

ConnectionBudget::ConnectionBudget(std::size_t cap) : cap_(std::max<std::size_t>(cap, 1)) {}

bool ConnectionBudget::has_room() const {
    std::lock_guard lock(shared_->mutex);
    const auto& entries = shared_->entries;
    if (entries.size() < cap_) return true;
    return std::any_of(entries.begin(), entries.end(), [](const Entry& e) { return !e.busy && !e.evicted; });
}

ConnectionBudget::Handle ConnectionBudget::admit(std::function<void()> close) {
    std::function<void()> evict;
    Handle slot;
    {
        std::lock_guard lock(shared_->mutex);
        auto& entries = shared_->entries;
        // Connections already told to close still count until they are released: count only the live ones.
        const auto live = static_cast<std::size_t>(
            std::count_if(entries.begin(), entries.end(), [](const Entry& e) { return !e.evicted; }));
        if (live >= cap_) {
            auto victim = std::find_if(entries.begin(), entries.end(), [](const Entry& e) { return !e.busy && !e.evicted; });
            if (victim != entries.end()) {
                victim->evicted = true;
                evict = std::move(victim->close);
                ++shared_->evicted;
            }
        }
        entries.push_back(Entry{std::move(close)});
        slot.reset(new Slot(shared_, std::prev(entries.end())));
    }
    if (evict) evict();  // outside the lock: it posts to the victim's executor
    return slot;
}

void ConnectionBudget::set_busy(const Handle& slot, bool busy) {
    std::lock_guard lock(shared_->mutex);
    if (!slot->released_) slot->entry_->busy = busy;
}

void ConnectionBudget::release(const Handle& slot) {
    std::lock_guard lock(shared_->mutex);
    if (slot->released_) return;
    slot->released_ = true;
    shared_->entries.erase(slot->entry_);
}

std::size_t ConnectionBudget::open() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->entries.size();
}

std::int64_t ConnectionBudget::evicted() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->evicted;
}

ConnectionBudget::Slot::~Slot() {
    std::function<void()> close;  // destroyed outside the lock
    std::lock_guard lock(shared_->mutex);
    if (released_) return;
    close = std::move(entry_->close);
    shared_->entries.erase(entry_);
}

}  // namespace central
