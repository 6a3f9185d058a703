#pragma once
/// The network and the CEC of an in-process simulation. Reports the PECs' modems delivered are
/// handed to the real central::Ingest in delivery-time order; its answers travel back through each
/// PEC's modem. Conservative synchronisation (Chandy-Misra style, with the modem's minimum latency
/// as lookahead) keeps the result independent of thread count: the CEC handles a delivery only when
/// no PEC can still send anything that arrives earlier.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "central/ingest.hpp"
#include "central/store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "kernel/engine.hpp"
#include "sim/flood.hpp"
#include "sim/incident.hpp"
#include "sim/scenario.hpp"
#include "station/transmitter.hpp"

namespace sim {

/// Virtual time of the event kernel: integer microseconds since midnight of election day.
using kernel::Time;

class PecModel;

/// The CEC end of the simulated network.
class CentralLink {
public:
    /// The CEC for `package` with this registry of device keys, storing into `db` (":memory:" for a
    /// run that keeps nothing).
    CentralLink(const core::ElectionPackage& package, core::DeviceKeyRegistry registry, const std::filesystem::path& db);
    ~CentralLink();

    /// A delivered report with the ingest's precheck (decode, device, Ed25519 signature) done.
    struct Arrival {
        station::Transmission t;
        central::Prechecked checked;
    };
    /// Prechecks delivered reports. Reads only the package and key registry: PECs' threads may
    /// run it at the same time (as a server's connection threads do), but not during advance().
    std::vector<Arrival> precheck(std::vector<station::Transmission> delivered) const;
    /// Takes the reports PEC `pec` delivered, prechecked; they wait for their turn.
    void accept(PecModel& pec, std::vector<Arrival> delivered);
    /// Handles every waiting delivery earlier than `safe` (and group commits due before it);
    /// answers are scheduled on the PECs. Returns true if anything was done.
    bool advance(Time safe);
    /// Commits whatever is staged (end of the night).
    void finish(Time now);
    /// Earliest time the CEC has work (a waiting delivery or a due commit), if any.
    std::optional<Time> next_work() const;

    /// The ingest (counters, alerts, log).
    const central::Ingest& ingest() const { return *ingest_; }
    /// A CEC operator's action (central::Ingest::apply): the duty officer's hold and release.
    core::Result<std::int64_t> apply(const central::OperatorAction& action);
    /// The store.
    central::Store& store() { return *store_; }
    /// Reports stored, with the time each was acknowledged: (commit time, PEC) pairs.
    const std::vector<std::pair<Time, int>>& stored_log() const { return stored_; }

    /// Arms an attack on the wire (sim/incident.hpp, not display_error): it acts on the box's final
    /// report as captured on the way to the CEC - at once if the CEC has received it, else the moment
    /// it does - and its messages reach the ingest as any delivery does (they get no answer back).
    core::Result<void> arm(const Incident& incident, Time now);
    /// The final report a registered device last delivered, as received (an attacker's capture), if any.
    const std::vector<std::uint8_t>* captured(const std::string& device) const;

    /// What the CEC learns outside the ingest: a PEC's chair (or an observer) finding that the figures
    /// the CEC publishes for a box differ from the protocol the ARBB printed, and the CEC's own check
    /// of the public page against the store (it runs each time the page is rebuilt).
    struct Observation {
        Time at = 0;
        int pec = 0;  ///< 0: the page as a whole
        std::string text;
    };
    const std::vector<Observation>& observations() const { return observations_; }
    /// The CEC phones PEC `pec`: its chair reads out the protocols the ARBBs printed, and the duty
    /// officer compares them with the final reports stored and the one counted for each box. The
    /// sentence the duty officer hears.
    std::string call_pec(int pec) const;
    /// The highest sequence number of `device`'s stored final reports whose counts are the protocol
    /// it printed, if any: the report a call to the PEC confirms.
    std::optional<std::uint64_t> confirmed_final(const std::string& device) const;
    /// The 2021 display error on the public page from `now` (on) or corrected at `now` (off).
    void set_display_error(bool on, Time now);
    bool display_error() const { return display_error_; }
    /// Virtual time in [from, to) during which the public page showed wrong figures: its party rows
    /// (pec 0, a display error) or PEC `pec`'s (a published report that differs from its printed protocol).
    Time wrong_on_page(int pec, Time from, Time to) const;

    /// Times the CEC's server cannot be reached (scenario `cec.down`): a delivery then gets neither
    /// the ingest nor an answer.
    void set_outages(std::vector<CecOutage> outages) { outages_ = std::move(outages); }
    /// Deliveries that found the server unreachable.
    std::int64_t unreachable() const { return unreachable_; }

    /// A flood of connections on the ingest from `now` (a `flood` incident, sim/flood.hpp). Fails
    /// while another is on.
    core::Result<void> start_flood(const Incident& incident, Time now);
    /// The duty officer restricts the ingest to the modems' networks from `now` (for a flood now
    /// or later). False if it was already.
    bool restrict_ingest(Time now);
    /// PEC connections a flood closed before their report arrived, so far.
    std::int64_t connections_cut() const { return connections_cut_; }
    /// Virtual time in [from, to) during which the results page did not answer the CEC's probe (a
    /// flood on the page, sim/flood.hpp).
    Time page_unreachable(Time from, Time to) const;

private:
    struct Delivery {
        Time at;
        int pec;
        std::uint64_t order;  // arrival order at the link, to break ties deterministically
        PecModel* model;      // nullptr: an attacker's message (sim/incident.hpp), answered to no one
        station::Transmission t;
        central::Prechecked checked;
    };
    struct Later {
        bool operator()(const Delivery& a, const Delivery& b) const {
            if (a.at != b.at) return a.at > b.at;
            if (a.pec != b.pec) return a.pec > b.pec;
            return a.order > b.order;
        }
    };
    struct Waiting {
        int pec;
        PecModel* model;
        std::string device;
        std::uint64_t sequence;
        std::vector<std::int64_t> final_votes;  // a final ARBB report's option counts (empty: another report)
        Time delivered_at = 0;                   // when it reached the CEC: the PEC waits for its answer from then
    };
    void commit(Time at);
    bool unreachable_at(Time at) const;
    void capture(const Delivery& d);
    void published_final(const Waiting& w, Time at);
    void check_page(Time at);
    void mark_wrong(int pec, bool wrong, Time at);
    /// Either ARBB of `pec` has published figures (its counted final report) other than it printed.
    bool pec_wrong_on_page(int pec) const;
    /// The sequence number of `device`'s final report the results count: the one an operator
    /// accepted after a revocation, else the latest stored (0: none stored).
    std::uint64_t counted_final(const std::string& device) const;
    void launch(const Incident& incident, const std::vector<std::uint8_t>& captured, Time at);
    void answer(PecModel& pec, Time at, const std::string& device, std::uint64_t sequence, core::AckOutcome status,
                std::string reason);

    const core::ElectionPackage& package_;
    core::DeviceKeyRegistry registry_;
    std::unique_ptr<central::Store> store_;
    std::unique_ptr<central::Ingest> ingest_;
    // A heap (std::push_heap / pop_heap with Later): unlike std::priority_queue's top(), pop_heap
    // lets the next delivery be moved out, not copied with its report.
    std::vector<Delivery> queue_;
    std::map<std::uint64_t, Waiting> staged_;  // ticket -> who waits for the commit
    std::optional<Time> oldest_staged_;
    std::uint64_t order_ = 0;
    std::vector<std::pair<Time, int>> stored_;
    std::vector<CecOutage> outages_;
    std::int64_t unreachable_ = 0;
    std::map<std::string, std::vector<std::uint8_t>> captured_;  // device -> its last final report delivered
    std::vector<std::pair<std::string, Incident>> armed_;         // attacks waiting for their box's final report
    Time handled_until_ = 0;                                      // the latest delivery handed to the ingest
    std::map<std::string, std::vector<std::int64_t>> printed_;    // device -> option counts of the final report it printed
    std::map<std::string, std::map<std::uint64_t, std::vector<std::int64_t>>> finals_;  // device -> stored final reports' counts by sequence
    std::vector<Observation> observations_;
    bool display_error_ = false;
    bool page_checked_ = false;                                    // the display error is found (checked once per episode)
    std::map<int, std::vector<std::pair<Time, Time>>> wrong_;      // pec (0: party rows) -> times wrong figures were public
    std::unique_ptr<FloodModel> flood_;                            // the latest flood, if any
    bool flood_seen_ = false;                                      // its evictions raised the alert
    std::optional<Time> restricted_;                               // the ingest takes only the modems' networks from then
    std::int64_t connections_cut_ = 0;
    bool cut_by_flood(const Delivery& d);                          // a flood's budget closed the delivery's connection
    std::optional<Time> flood_full() const;                        // when the flood fills the budget, until checked
    void check_flood(Time at);
    std::unique_ptr<FloodModel> page_flood_;                       // a flood on the results page, while on
    Time next_probe_ = 0;                                          // the availability probe's next request, during it
    std::optional<Time> page_down_since_;                          // the probe fails since then
    std::vector<std::pair<Time, Time>> page_down_;                 // times the probe failed, closed
    bool page_alerted_ = false;
    std::optional<Time> probe_due() const;
    void probe_page(Time at);
};

}  // namespace sim
