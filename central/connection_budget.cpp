#include "central/connection_budget.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace central {

std::string peer_of(const boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    return ec ? std::string() : remote.address().to_string();
}

core::Result<PeerFilter> PeerFilter::parse(const std::vector<std::string>& networks) {
    PeerFilter f;
    for (const std::string& n : networks) {
        boost::system::error_code ec;
        const std::string text = n.find('/') != std::string::npos ? n : n + (n.find(':') != std::string::npos ? "/128" : "/32");
        if (text.find(':') == std::string::npos) {
            const auto net = boost::asio::ip::make_network_v4(text, ec);
            if (!ec) {
                f.v4_.push_back(net.canonical());
                continue;
            }
        } else {
            const auto net = boost::asio::ip::make_network_v6(text, ec);
            if (!ec) {
                f.v6_.push_back(net.canonical());
                continue;
            }
        }
        return core::fail(fmt::format("'{}' is not a network (CIDR such as 10.64.0.0/10 or 2001:db8::/32, or one address)", n));
    }
    return f;
}

bool PeerFilter::allows(const boost::asio::ip::address& address) const {
    if (empty()) return true;
    auto a = address;
    if (a.is_v6() && a.to_v6().is_v4_mapped()) a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    // In a network: the address with the network's prefix length, host bits dropped, is the network.
    if (a.is_v4())
        return std::any_of(v4_.begin(), v4_.end(), [&](const auto& n) { return boost::asio::ip::network_v4(a.to_v4(), n.prefix_length()).canonical() == n; });
    return std::any_of(v6_.begin(), v6_.end(), [&](const auto& n) { return boost::asio::ip::network_v6(a.to_v6(), n.prefix_length()).canonical() == n; });
}

bool PeerFilter::allows(const std::string& address) const {
    if (empty()) return true;
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(address, ec);
    return !ec && allows(a);
}

std::string PeerFilter::describe() const {
    std::string out;
    for (const auto& n : v4_) out += (out.empty() ? "" : ", ") + n.to_string();
    for (const auto& n : v6_) out += (out.empty() ? "" : ", ") + n.to_string();
    return out.empty() ? std::string("any address") : out;
}

ConnectionBudget::ConnectionBudget(std::size_t cap, std::size_t per_peer)
    : cap_(std::max<std::size_t>(cap, 1)),
      per_peer_(std::clamp<std::size_t>(per_peer, 1, cap_)),
      shared_(std::make_shared<Shared>(cap_, per_peer_)) {}

bool ConnectionBudget::has_room() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->entries.size() < cap_ || !shared_->ranking.empty();
}

void ConnectionBudget::Shared::rerank(const std::string& name, Peer& peer) {
    if (peer.rank) ranking.erase(*peer.rank), peer.rank.reset();
    if (peer.live == 0) {
        peers.erase(name);  // `name` may be the entry's own string: nothing reads it after this
        return;
    }
    if (peer.idle.empty()) return;
    peer.rank = std::pair{std::numeric_limits<std::size_t>::max() - peer.live, peer.idle.begin()->first};
    ranking.emplace(*peer.rank, name);
}

ConnectionBudget::EntryIt ConnectionBudget::Shared::victim_for(const std::string& peer, bool& needed) {
    const auto mine = peers.find(peer);
    if (mine != peers.end() && mine->second.live >= per_peer) {
        needed = true;  // the peer makes room from its own connections: its oldest idle one
        return mine->second.idle.empty() ? entries.end() : mine->second.idle.begin()->second;
    }
    needed = live >= cap;
    if (!needed || ranking.empty()) return entries.end();
    // The oldest idle connection of the peer holding the most connections.
    return peers.at(ranking.begin()->second).idle.begin()->second;
}

std::function<void()> ConnectionBudget::Shared::evict(Entry& e) {
    const std::string name = e.peer;
    Peer& p = peers.at(name);
    p.idle.erase(e.seq);  // a victim is idle
    --p.live;
    rerank(name, p);
    e.evicted = true;
    --live;
    ++evicted;
    return std::move(e.close);
}

void ConnectionBudget::Shared::erase(EntryIt e) {
    if (!e->evicted) {
        Peer& p = peers.at(e->peer);
        p.idle.erase(e->seq);
        --p.live;
        rerank(e->peer, p);
        --live;
    }
    entries.erase(e);
}

ConnectionBudget::EntryIt ConnectionBudget::Shared::add(const std::string& peer, std::function<void()> close) {
    entries.push_back(Entry{peer, std::move(close), next_seq++});
    const EntryIt e = std::prev(entries.end());
    Peer& p = peers[peer];
    ++p.live;
    p.idle.emplace(e->seq, e);
    rerank(peer, p);
    ++live;
    return e;
}

void ConnectionBudget::Shared::set_busy(EntryIt e, bool busy) {
    if (e->busy == busy) return;
    e->busy = busy;
    if (e->evicted) return;
    Peer& p = peers.at(e->peer);
    if (busy) p.idle.erase(e->seq);
    else p.idle.emplace(e->seq, e);
    rerank(e->peer, p);
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
        } else if (const auto held = s.peers.find(peer); needed && held != s.peers.end() && held->second.live >= per_peer_) {
            ++s.refused;  // the peer is at its limit and every one of its connections is busy
            return nullptr;
        }
        slot.reset(new Slot(shared_, s.add(peer, std::move(close))));
    }
    if (evict) evict();  // outside the lock: it posts to the victim's executor
    return slot;
}

void ConnectionBudget::set_busy(const Handle& slot, bool busy) {
    std::lock_guard lock(shared_->mutex);
    if (!slot->released_) shared_->set_busy(slot->entry_, busy);
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
