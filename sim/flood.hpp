#pragma once
/// A flood of connections on the CEC's ingest (a `flood` incident, sim/incident.hpp): thousands of
/// clients a second from many addresses open TLS connections and trickle bytes so that none ever
/// finishes a frame (slowloris). Every connection, the flood's and the PECs' modems', goes through
/// the real central::ConnectionBudget with the server's caps (central::IngestServerOptions): at the
/// cap a new connection closes the oldest idle one of the address holding the most. A modem's
/// connection is idle from the moment it opens until its report's last byte arrives; if the budget
/// closes it before then, its report never reaches the ingest and gets no answer - its transmitter
/// sends it again after its acknowledgement timeout, as after an outage of the CEC.
///
/// After the duty officer restricts the ingest to the modems' networks (central::PeerFilter, `serve
/// --allow-from`), the flood's connections are closed at accept and take no slot.
///
/// What is modelled and not run: the flood's arrivals are evenly spaced, its addresses taken in
/// turn, and the budget sees the connections in the order the CEC handles deliveries (a delivery
/// whose connection opened before the last one handled opens at that time instead). Between two
/// PEC connections more than `cap` flood arrivals are not admitted one by one: with every flood
/// connection idle, the budget would close all but the newest `cap` of them, so those are admitted
/// in their order and the older ones dropped (FloodModel.FastForwardingAGapLeavesTheBudgetAsAdmittingEveryArrival).
/// The server's CPU (TLS handshakes) and the kernel's listen backlog are not modelled: what they do
/// under a real flood is measured against the real server (bench/, docs/reliability.md).
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "central/connection_budget.hpp"
#include "kernel/engine.hpp"

namespace sim {

using kernel::Time;

/// The network the PECs' modems reach the CEC from (the mobile operators' private APNs): what the
/// duty officer restricts the ingest to. PEC modem addresses lie in it, the flood's outside.
inline constexpr const char* kModemNetwork = "10.64.0.0/10";
/// The address of PEC `pec`'s modem in kModemNetwork.
std::string modem_address(int pec);
/// How long a flood connection outlives the flood: the server closes a connection silent for its
/// idle timeout (central::IngestServerOptions::idle_timeout) once the clients stop trickling.
inline constexpr Time kFloodLinger = 30 * core::kSecond;
/// The CEC's availability probe of the results page (its monitoring): one request every kProbeEvery
/// from kProbeAddress, whose connection is idle from its opening until its request has arrived
/// (kPageRequest: a round trip and a short GET). A flood on the page is seen by the probe failing.
inline constexpr Time kProbeEvery = 10 * core::kSecond;
inline constexpr Time kPageRequest = 100'000;
inline constexpr const char* kProbeAddress = "192.0.2.10";

class FloodModel {
public:
    /// A flood from `from` to `to` of `rate` connections a second from `addresses` addresses, on an
    /// ingest with `cap` connections and `per_peer` per address. `fast_forward` false admits every
    /// arrival one by one (the tests' reference for the fast-forward).
    FloodModel(Time from, Time to, double rate, int addresses, std::size_t cap, std::size_t per_peer, bool fast_forward = true);

    /// Whether a connection from `peer` opened at `opened` is still open when its report's last
    /// byte arrives at `delivered` (the budget did not close it to make room, nor refuse it).
    bool survives(Time opened, Time delivered, const std::string& peer);
    /// When the flood's arrivals have filled the budget and the next one closes one to make room.
    Time full_at() const { return arrival(budget_.cap()); }
    /// Admits the flood's arrivals up to `t`.
    void advance_to(Time t);
    /// Whether the flood's connections can be in the budget at `t`.
    bool active(Time t) const { return t >= from_ && t < to_ + kFloodLinger; }
    /// From `at` on the ingest takes connections only from kModemNetwork (central::PeerFilter).
    void restrict_to_modems(Time at);
    bool restricted() const { return restricted_at_.has_value(); }
    /// Connections of the PECs closed before their report arrived (or refused).
    std::int64_t cut() const { return cut_; }
    /// Connections the budget closed to make room so far (the operator page's eviction counter).
    std::int64_t evicted() const { return budget_.evicted(); }
    /// The flood's connections admitted into the budget so far (the fast-forward's dropped ones not counted).
    std::int64_t admitted() const { return admitted_; }

private:
    Time arrival(std::uint64_t k) const;  // when the k-th flood connection arrives
    void admit_until(Time t, const bool* stop = nullptr);  // every flood arrival up to t (see the file's comment), or until *stop
    void release_closed();

    Time from_, to_;
    double rate_;
    std::vector<std::string> addresses_;
    std::vector<bool> allowed_;            // per address, after a restriction: in kModemNetwork
    central::ConnectionBudget budget_;
    std::deque<central::ConnectionBudget::Handle> open_;  // flood connections from arrival first_open_ on (null: closed)
    std::uint64_t first_open_ = 0;
    bool fast_forward_ = true;
    std::vector<std::uint64_t> closed_;    // flood connections the budget closed, to release
    std::uint64_t next_ = 0;               // the next flood arrival to admit
    std::optional<Time> restricted_at_;
    std::int64_t cut_ = 0;
    std::int64_t admitted_ = 0;
    Time clock_ = 0;                       // the latest time the budget has seen
};

}  // namespace sim
