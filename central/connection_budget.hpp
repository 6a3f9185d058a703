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
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/result.hpp"

namespace central {

/// The peer a budget counts a connection against: its remote IP address ("" once it is gone).
std::string peer_of(const boost::asio::ip::tcp::socket& socket);

/// The networks a listener takes connections from, checked before anything else is done for a
/// connection (no budget slot, no TLS handshake). The CEC's modems reach the ingest through the
/// mobile operators' private APNs: restricting the ingest to their address ranges turns away a
/// flood from anywhere else at the first packet (docs/serve.md). Empty: every address.
class PeerFilter {
public:
    /// Networks in CIDR form ("10.64.0.0/10", "2001:db8::/32"); a bare address is one host. An
    /// error names the entry that is not a network.
    static core::Result<PeerFilter> parse(const std::vector<std::string>& networks);
    /// Whether `address` lies in one of the networks (an IPv4 address mapped into IPv6 counts as
    /// IPv4); always true for an empty filter.
    bool allows(const boost::asio::ip::address& address) const;
    /// The same for an address in text ("" or not an address: false unless empty).
    bool allows(const std::string& address) const;
    bool empty() const { return v4_.empty() && v6_.empty(); }
    /// "10.64.0.0/10, 2001:db8::/32".
    std::string describe() const;

private:
    std::vector<boost::asio::ip::network_v4> v4_;
    std::vector<boost::asio::ip::network_v6> v6_;
};

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
        std::uint64_t seq = 0;  // admission order
        bool busy = false;
        bool evicted = false;
    };
    using EntryIt = std::list<Entry>::iterator;
    /// One peer's connections that count against it.
    struct Peer {
        std::size_t live = 0;                    // entries not evicted
        std::map<std::uint64_t, EntryIt> idle;   // of them, not busy: by admission order
        std::optional<std::pair<std::size_t, std::uint64_t>> rank;  // its key in Shared::ranking, if it has an idle entry
    };
    /// What the budget and its handles share: handles may outlive the budget (a coroutine frame
    /// destroyed after its server), so they keep this alive, never the budget itself.
    ///
    /// Indexed so that admission costs O(log n) at the cap too: a flood admits thousands of
    /// connections a second, and a scan of every connection for the one to close cost about 77 us
    /// at 4,096 (measured 2026-12-06).
    struct Shared {
        Shared(std::size_t cap, std::size_t per_peer) : cap(cap), per_peer(per_peer) {}
        const std::size_t cap, per_peer;
        std::mutex mutex;
        std::list<Entry> entries;                      // admission order: the front was admitted longest ago
        std::unordered_map<std::string, Peer> peers;   // peers with a live entry
        // Peers with an idle entry, the first to give one up first: the most live entries
        // (SIZE_MAX - live, ascending), then the oldest idle entry. Value: the peer.
        std::map<std::pair<std::size_t, std::uint64_t>, std::string> ranking;
        std::size_t live = 0;                          // entries not evicted
        std::uint64_t next_seq = 0;
        std::int64_t evicted = 0;
        std::int64_t refused = 0;

        // The connection to close so that `peer` may open one more, or entries.end() when none is
        // needed (`needed` false) or none can go. Caller holds the mutex.
        EntryIt victim_for(const std::string& peer, bool& needed);
        // Marks `e` evicted (it stops counting) and hands back its close function.
        std::function<void()> evict(Entry& e);
        // Takes an entry out of the budget (its connection ended).
        void erase(EntryIt e);
        // Adds a new idle entry for `peer`.
        EntryIt add(const std::string& peer, std::function<void()> close);
        // Marks a live entry busy or idle.
        void set_busy(EntryIt e, bool busy);
        // Puts `peer` back in the ranking after its entries changed (or forgets it when it has none).
        void rerank(const std::string& name, Peer& peer);
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
    Slot(std::shared_ptr<Shared> shared, EntryIt entry) : shared_(std::move(shared)), entry_(entry) {}
    std::shared_ptr<Shared> shared_;
    EntryIt entry_;
    bool released_ = false;  // guarded by shared_->mutex
};

}  // namespace central
