#pragma once
/// How many connections one listener may hold, in all and per peer, and who makes room at a cap.
///
/// Each listener (the TLS ingest, the HTTP page) has a budget of its own, so a flood on one port
/// cannot take the descriptors the other needs. At the cap a new connection is not left waiting: a
/// connection that is not busy now (still in its handshake, trickling a frame, or idle between
/// requests) is closed to make room - the oldest one of the peer (IP address) that holds the most
/// connections. Honest stations connect, send and leave within a second; one flooding address holds
/// the most and its slow or silent clients (slowloris) are the ones that go, not an honest PEC's.
/// A busy connection (its report is with the writer, its response is being written) is never
/// closed; when every connection is busy the listener pauses accepting instead.
///
/// Per peer: one address holds at most `per_peer` connections. A peer at its limit makes room from
/// its own connections (its oldest one not busy); when all of them are busy the new one is refused
/// (admit() returns no handle and the caller closes it at once). Many PECs may share one address
/// behind a mobile operator's NAT: the limit is a deployment setting (docs/serve.md).
///
/// Thread-safe: connections run on many threads. No clock: age is admission order.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>

namespace central {

/// The peer a budget counts a connection against: its remote IP address ("" once it is gone).
std::string peer_of(const boost::asio::ip::tcp::socket& socket);

/// The connections of one listener.
class ConnectionBudget {
public:
    /// One admitted connection; release it (or let the handle die) when the connection ends.
    class Slot;
    using Handle = std::shared_ptr<Slot>;

    /// A budget of `cap` connections, `per_peer` of them from any one address (each at least 1;
    /// `per_peer` is at most `cap`).
    ConnectionBudget(std::size_t cap, std::size_t per_peer);

    /// True when a new connection can be admitted now: below the cap, or some connection can be
    /// closed to make room. The listener pauses accepting while it is false.
    bool has_room() const;
    /// Admits a connection from `peer` (its IP address). `close` closes it from any thread (it must
    /// post to the connection's own executor); it is called at most once, when this connection is
    /// evicted. A peer at its limit gives up its own oldest connection that is not busy; at the cap,
    /// the peer holding the most connections does. Returns no handle when the peer is at its limit
    /// and every one of its connections is busy: the caller closes the new connection (refused()).
    Handle admit(const std::string& peer, std::function<void()> close);
    /// Marks a connection busy (not evictable) or idle again.
    void set_busy(const Handle& slot, bool busy);
    /// Removes a connection from the budget (its socket is closed). Idempotent; a handle that is
    /// destroyed unreleased releases itself (it shares the budget's state, so any order is safe).
    void release(const Handle& slot);

    /// Connections admitted and not released.
    std::size_t open() const;
    /// Connections closed to make room for newer ones.
    std::int64_t evicted() const;
    /// Connections refused: their peer was at its limit with every connection busy.
    std::int64_t refused() const;
    /// The cap.
    std::size_t cap() const { return cap_; }
    /// The limit per peer.
    std::size_t per_peer() const { return per_peer_; }

private:
    struct Entry {
        std::string peer;
        std::function<void()> close;
        bool busy = false;
        bool evicted = false;
    };
    /// What the budget and its handles share: handles may outlive the budget (a coroutine frame
    /// destroyed after its server), so they keep this alive, never the budget itself.
    struct Shared {
        Shared(std::size_t cap, std::size_t per_peer) : cap(cap), per_peer(per_peer) {}
        const std::size_t cap, per_peer;
        std::mutex mutex;
        std::list<Entry> entries;  // admission order: the front was admitted longest ago
        std::unordered_map<std::string, std::size_t> live_by_peer;  // entries not evicted, per peer
        std::size_t live = 0;                                        // entries not evicted
        std::int64_t evicted = 0;
        std::int64_t refused = 0;

        // The connection to close so that `peer` may open one more, or entries.end() when none is
        // needed (`needed` false) or none can go. Caller holds the mutex.
        std::list<Entry>::iterator victim_for(const std::string& peer, bool& needed);
        // Marks `e` evicted (it stops counting) and hands back its close function.
        std::function<void()> evict(Entry& e);
        // Takes an entry out of the budget (its connection ended).
        void erase(std::list<Entry>::iterator e);
    };

    const std::size_t cap_;
    const std::size_t per_peer_;
    std::shared_ptr<Shared> shared_;

    friend class Slot;
};

/// A connection's place in its budget.
class ConnectionBudget::Slot {
public:
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

private:
    friend class ConnectionBudget;
    Slot(std::shared_ptr<Shared> shared, std::list<Entry>::iterator entry) : shared_(std::move(shared)), entry_(entry) {}
    std::shared_ptr<Shared> shared_;
    std::list<Entry>::iterator entry_;
    bool released_ = false;  // guarded by shared_->mutex
};

}  // namespace central
