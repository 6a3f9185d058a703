#pragma once
/// A service station with c identical servers and one FIFO queue (an identification desk
/// group, a ballot scanner, a support crew), with the statistics queueing theory talks about.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "kernel/engine.hpp"

namespace kernel {

/// c servers and a first-come-first-served queue, driven by an Engine.
///
/// A request is granted at once when a server is free and nobody waits; otherwise it joins
/// the queue. release() frees a server, and the head of the queue is granted at the same
/// virtual time: its callback is scheduled as an engine event at now(), after the events
/// already scheduled for now(), so a release never runs another customer's code re-entrantly.
/// The server is reserved for that customer at release time, so a request arriving in between
/// cannot overtake the queue.
///
/// Capacity changes (set_servers): a customer in service is never interrupted. When capacity
/// drops below the number of busy servers, busy() exceeds servers() until enough customers
/// release; no one is granted until busy() < servers() again. When capacity rises, waiting
/// customers are granted at once (at now()), in queue order.
class Resource {
public:
    /// A station on `engine` with `servers` >= 0 servers. Statistics start at engine.now().
    Resource(Engine& engine, int servers);

    Resource(const Resource&) = delete;
    Resource& operator=(const Resource&) = delete;

    /// Asks for a server. If one is free and the queue is empty, `on_granted` runs right now,
    /// before request() returns; otherwise it runs (as an engine event) when a server is granted.
    /// The customer must call release() exactly once after being granted.
    template <class F>
    void request(F&& on_granted) {
        if (busy_ < servers_ && size_ == 0) {
            ++busy_;
            ++served_;
            on_granted();
            return;
        }
        enqueue(Action(std::forward<F>(on_granted)));
    }

    /// Frees one server (there must be a busy one); grants the head of the queue if capacity allows.
    void release();

    /// Changes the number of servers (>= 0) at run time; see the class comment for busy servers.
    void set_servers(int servers);

    /// Current number of servers.
    int servers() const noexcept { return servers_; }
    /// Servers currently serving a customer (may exceed servers() right after a capacity drop).
    int busy() const noexcept { return busy_; }
    /// Customers waiting for a server.
    std::size_t queue_length() const noexcept { return size_; }

    /// Longest queue seen since the statistics started.
    std::size_t max_queue() const noexcept { return max_queue_; }
    /// Time-weighted mean queue length from the statistics start to `until` (>= the last queue
    /// change, normally engine.now()); 0 over an empty interval.
    double time_avg_queue(Time until) const;
    /// Integral of the queue length over time from the resource's construction to `until` (>= the last
    /// queue change), in customer-microseconds; reset_statistics() does not restart it, so the mean
    /// queue over any interval [a, b) is (queue_area(b) - queue_area(a)) / (b - a).
    std::int64_t queue_area(Time until) const;
    /// Requests granted since the statistics started.
    std::uint64_t served() const noexcept { return served_; }
    /// Sum over granted requests of (grant time - request time).
    Time total_wait() const noexcept { return total_wait_; }
    /// Mean wait from request to grant, in seconds (0 when nobody was served).
    double mean_wait_s() const noexcept;

    /// Restarts the statistics at engine.now() (e.g. after a warm-up). Customers already queued
    /// count with their whole wait when they are granted; max_queue restarts at the current length.
    void reset_statistics();

private:
    struct Waiter {
        Time requested;
        Action on_granted;
    };
    void enqueue(Action on_granted);
    void grant_waiting();
    void note_queue_change();

    Engine& engine_;
    int servers_;
    int busy_ = 0;
    // FIFO ring buffer (capacity a power of two). std::deque would allocate a block every few
    // waiters as the queue slides; this reuses its storage for the whole run.
    std::vector<Waiter> ring_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;

    Time stats_start_;
    Time last_change_;
    std::int64_t queue_area_ = 0;  // integral of queue length dt since the statistics start, in customer-microseconds (exact)
    std::int64_t lifetime_area_ = 0;  // the same since construction (never reset)
    std::size_t max_queue_ = 0;
    std::uint64_t served_ = 0;
    Time total_wait_ = 0;
};

/// Erlang-C probability that an arrival must wait in an M/M/c queue (arrival rate lambda,
/// service rate mu per server, c servers); an error unless lambda, mu > 0, c >= 1 and lambda < c mu.
/// Computed through the Erlang-B recursion B(k) = a B(k-1) / (k + a B(k-1)), C = B / (1 - rho (1 - B)),
/// which stays accurate for large c (Kleinrock, Queueing Systems vol. 1, 1975, sec. 3.5).
core::Result<double> erlang_c_wait_probability(double lambda, double mu, int c);

/// Erlang-C mean wait in queue of an M/M/c queue, Wq = C(c, lambda/mu) / (c mu - lambda), in the
/// time unit of 1/lambda; same errors as erlang_c_wait_probability.
core::Result<double> erlang_c_mean_wait(double lambda, double mu, int c);

}  // namespace kernel
