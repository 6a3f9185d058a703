#include "central/connection_budget.hpp"

#include <algorithm>
#include <utility>

namespace central {

std::string peer_of(const boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    return ec ? std::string() : remote.address().to_string();
}

ConnectionBudget::ConnectionBudget(std::size_t cap, std::size_t per_peer)
    : cap_(std::max<std::size_t>(cap, 1)),
      per_peer_(std::clamp<std::size_t>(per_peer, 1, cap_)),
      shared_(std::make_shared<Shared>(cap_, per_peer_)) {}

bool ConnectionBudget::has_room() const {
    std::lock_guard lock(shared_->mutex);
    const auto& entries = shared_->entries;
    if (entries.size() < cap_) return true;
    return std::any_of(entries.begin(), entries.end(), [](const Entry& e) { return !e.busy && !e.evicted; });
}

std::list<ConnectionBudget::Entry>::iterator ConnectionBudget::Shared::victim_for(const std::string& peer, bool& needed) {
    const auto idle = [](const Entry& e) { return !e.busy && !e.evicted; };
    const auto mine = live_by_peer.find(peer);
    if (mine != live_by_peer.end() && mine->second >= per_peer) {
        needed = true;  // the peer makes room from its own connections
        return std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return idle(e) && e.peer == peer; });
    }
    needed = live >= cap;
    if (!needed) return entries.end();
    // The oldest idle connection of the peer holding the most connections.
    auto victim = entries.end();
    std::size_t most = 0;
    for (auto e = entries.begin(); e != entries.end(); ++e)
        if (idle(*e))
            if (const std::size_t held = live_by_peer.at(e->peer); held > most) most = held, victim = e;
    return victim;
}

std::function<void()> ConnectionBudget::Shared::evict(Entry& e) {
    e.evicted = true;
    --live;
    if (--live_by_peer[e.peer] == 0) live_by_peer.erase(e.peer);
    ++evicted;
    return std::move(e.close);
}

void ConnectionBudget::Shared::erase(std::list<Entry>::iterator e) {
    if (!e->evicted) {
        --live;
        if (--live_by_peer[e->peer] == 0) live_by_peer.erase(e->peer);
    }
    entries.erase(e);
}

ConnectionBudget::Handle ConnectionBudget::admit(const std::string& peer, std::function<void()> close) {
    std::function<void()> evict;
    Handle slot;
    {
        std::lock_guard lock(shared_->mutex);
        Shared& s = *shared_;
        bool needed = false;
        const auto victim = s.victim_for(peer, needed);
        if (victim != s.entries.end()) {
            evict = s.evict(*victim);
        } else if (const auto held = s.live_by_peer.find(peer); needed && held != s.live_by_peer.end() && held->second >= per_peer_) {
            ++s.refused;  // the peer is at its limit and every one of its connections is busy
            return nullptr;
        }
        s.entries.push_back(Entry{peer, std::move(close)});
        ++s.live;
        ++s.live_by_peer[peer];
        slot.reset(new Slot(shared_, std::prev(s.entries.end())));
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
    shared_->erase(slot->entry_);
}

std::size_t ConnectionBudget::open() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->entries.size();
}

std::int64_t ConnectionBudget::evicted() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->evicted;
}

std::int64_t ConnectionBudget::refused() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->refused;
}

ConnectionBudget::Slot::~Slot() {
    std::function<void()> close;  // destroyed outside the lock
    std::lock_guard lock(shared_->mutex);
    if (released_) return;
    close = std::move(entry_->close);
    shared_->erase(entry_);
}

}  // namespace central
