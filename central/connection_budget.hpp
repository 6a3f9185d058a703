#pragma once
/// How many connections one listener may hold, and who makes room at the cap.
///
/// Each listener (the TLS ingest, the HTTP page) has a budget of its own, so a flood on one port
/// cannot take the descriptors the other needs. At the cap a new connection is not left waiting:
/// the connection that was admitted longest ago and is not busy now (still in its handshake,
/// trickling a frame, or idle between requests) is closed to make room. Honest stations connect,
/// send and leave within a second; slow or silent clients (slowloris) are the oldest ones, so they
/// are the ones that go. A busy connection (its report is with the writer, its response is being
/// written) is never closed; when every connection is busy the listener pauses accepting instead.
///
/// Thread-safe: connections run on many threads. No clock: age is admission order.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace central {

/// The connections of one listener.
class ConnectionBudget {
public:
    /// One admitted connection; release it (or let the handle die) when the connection ends.
    class Slot;
    using Handle = std::shared_ptr<Slot>;

    /// A budget of `cap` connections (at least 1).
    explicit ConnectionBudget(std::size_t cap);

    /// True when a new connection can be admitted now: below the cap, or some connection can be
    /// closed to make room. The listener pauses accepting while it is false.
    bool has_room() const;
    /// Admits a connection. `close` closes it from any thread (it must post to the connection's
    /// own executor); it is called at most once, when this connection is evicted. At the cap the
    /// oldest connection that is not busy is evicted first.
    Handle admit(std::function<void()> close);
    /// Marks a connection busy (not evictable) or idle again.
    void set_busy(const Handle& slot, bool busy);
    /// Removes a connection from the budget (its socket is closed). Idempotent; a handle that is
    /// destroyed unreleased releases itself (it shares the budget's state, so any order is safe).
    void release(const Handle& slot);

    /// Connections admitted and not released.
    std::size_t open() const;
    /// Connections closed to make room for newer ones.
    std::int64_t evicted() const;
    /// The cap.
    std::size_t cap() const { return cap_; }

private:
    struct Entry {
        std::function<void()> close;
        bool busy = false;
        bool evicted = false;
    };
    /// What the budget and its handles share: handles may outlive the budget (a coroutine frame
    /// destroyed after its server), so they keep this alive, never the budget itself.
    struct Shared {
        std::mutex mutex;
        std::list<Entry> entries;  // admission order: the front was admitted longest ago
        std::int64_t evicted = 0;
    };

    const std::size_t cap_;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();

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
