#pragma once
/// The election-day world: every PEC of the package with its desks, ARBBs, devices, voters and queues,
/// each PEC on its own engine and random streams, so a PEC's day does not depend on which thread ran it
/// or in what order. The same World serves `shailoo run` (run_to_end), the trainer (advance_to, paced)
/// and the tests.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/election_package.hpp"
#include "kernel/engine.hpp"
#include "sim/fault_action.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"
#include "sim/trainee_action.hpp"
#include "sim/hardware.hpp"
#include "sim/incident.hpp"
#include "sim/views.hpp"

namespace sim {


class PecModel;
class HelpDesk;

/// An alert on the CEC duty officer's screen: one the ingest raised (broken control ratios, a
/// reused sequence number, ...) or a ticket the help desk escalated.
struct DutyAlert {
    int number = 0;             ///< 1, 2, ... in the order they reached the duty officer
    Time at = 0;                ///< when raised
    int pec = 0;                ///< PEC concerned (0: none)
    std::string text;
    std::string acknowledged_by;  ///< the trainee who acknowledged it (empty: not yet)
    Time acknowledged_at = -1;
};

/// The whole country (or the scenario's regions) on election day.
/// The latest a run goes: midnight at the end of the day after election day. A PEC that could not
/// report by then (its modem dead until cleared, its link never back) stays unreported; its
/// transmitter would retry every few minutes for ever, and the night would never end.
inline constexpr Time kNightHorizon = core::at(48, 0);

class World {
public:
    /// Builds every PEC from the package (only the scenario's regions if it names some), on
    /// `threads` threads (each PEC plans its voters and faults from its own random streams, so
    /// the world is the same whatever the thread count).
    /// `hardware`: fingerprint readers at desks and ballot scanners in ARBB slots from outside the
    /// simulation (hardware in the loop; check them first with check_hardware: the World throws
    /// std::invalid_argument on a list it refuses).
    World(const core::ElectionPackage& package, const Scenario& scenario, std::uint64_t seed, int threads = 1,
          Hardware hardware = {});
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    /// Runs every PEC to the end of its day on `threads` threads, at the latest to kNightHorizon;
    /// `progress(done, total)` is called from the calling thread about ten times a second and once at
    /// the end.
    void run_to_end(int threads, const std::function<void(std::size_t, std::size_t)>& progress = {});
    /// Advances every PEC and the CEC to virtual time t (the trainer's frame step): the same
    /// co-simulation as run_to_end, stopped at t.
    void advance_to(Time t, int threads = 1);
    /// Time of the earliest pending event of any PEC or of the CEC (the console's "step one event").
    std::optional<Time> next_event_time() const;
    /// Virtual time all PECs have reached.
    Time now() const { return now_; }

    /// Schedules a fault action (t >= now()). Returns an error for an unknown PEC or device.
    core::Result<void> apply(const FaultAction& action);

    /// A trainee's action now (docs/trainees.md): what it did, or why it is refused (a refusal changes
    /// nothing). Applied at now(), so a replay that advances to the same time and acts again gets the
    /// same answer and the same world. Noted in the log of the PEC it concerns.
    core::Result<std::string> act(const TraineeAction& action);
    /// Starts a cyber incident (sim/incident.hpp) at now(): an attack on the wire is armed on the
    /// CEC's link, a display error puts the public page out of step with the store until the duty
    /// officer's correct_page.
    core::Result<void> apply(const Incident& incident);
    /// Virtual time in [from, to) during which the public page showed wrong figures: the party rows
    /// (pec 0) or PEC `pec`'s (CentralLink::wrong_on_page).
    Time wrong_on_page(int pec, Time from, Time to) const;
    /// PECs' connections a flood on the ingest closed before their report arrived, so far (sim/flood.hpp).
    std::int64_t connections_cut() const;
    /// Virtual time in [from, to) during which the results page did not answer the CEC's probe (a flood on the page).
    Time page_unreachable(Time from, Time to) const;
    /// The phishing message waiting in PEC `pec`'s chair's inbox (a `phishing` incident), if any.
    std::optional<std::string> inbox(int pec) const;
    /// A USB device one of a PEC's machines blocked (a `usb_device` incident), waiting for its
    /// chair's report_device or allow_device.
    struct UsbNotice {
        int box = 0;       ///< the machine: 0, 1 the ARBBs, kStationLaptop the station's laptop
        std::string text;  ///< what the machine's screen says
    };
    /// The oldest such notice at PEC `pec`, if any.
    std::optional<UsbNotice> usb_notice(int pec) const;
    /// A desk matter waiting for PEC `pec`'s chair: the oldest request for a desk operator's PIN (a
    /// `pin_request`, answered by refuse_pin or give_pin), else a desk whose operator is on a break
    /// with her session open (a `desk_break`, answered by lock_desk).
    struct DeskNotice {
        int desk = 0;              ///< from 0
        bool pin_request = false;  ///< a request for the PIN (else an open desk)
        std::string text;
    };
    std::optional<DeskNotice> desk_notice(int pec) const;
    /// The help desk played by trainees (scenario `support: {help_desk: trainees}`), else nullptr.
    const HelpDesk* help_desk() const;
    /// The duty officer's alerts so far, oldest first.
    const std::vector<DutyAlert>& duty_alerts();
    /// PECs whose figures the duty officer holds back from publication.
    const std::vector<int>& held_pecs() const;

    /// Number of PECs simulated.
    std::size_t pec_count() const { return pecs_.size(); }
    /// Live view of PEC i (0-based, PEC number order).
    PecView view(std::size_t i) const;
    /// Everything the PEC inspector shows about PEC i.
    PecDetail detail(std::size_t i) const;
    /// Index of the PEC with this number, or nullopt.
    std::optional<std::size_t> index_of(int pec_number) const;
    /// The event log of all PECs up to now(), oldest first (`pec` = 0: all PECs), at most the
    /// newest `limit` entries.
    std::vector<LogEntry> log(int pec = 0, std::size_t limit = 1000) const;
    /// The results so far (complete after run_to_end).
    RunResults results() const;
    /// Engine events executed so far, all PECs.
    std::int64_t events() const;

private:
    struct Shared;
    void plan_support();
    core::Result<std::string> desk_act(const TraineeAction& action);
    core::Result<std::string> officer_act(const TraineeAction& action);
    core::Result<std::string> review_act(const TraineeAction& action);  // call_pec, accept
    core::Result<std::string> inbox_act(const TraineeAction& action);
    core::Result<void> plug_usb(const Incident& incident);
    core::Result<void> usb_payload(const Incident& incident);
    core::Result<std::string> device_act(const TraineeAction& action);  // report_device, allow_device
    core::Result<void> desk_incident(const Incident& incident);         // pin_request, desk_break
    core::Result<std::string> pin_act(const TraineeAction& action);     // refuse_pin, give_pin
    void advance(Time limit, int threads, const std::function<void(std::size_t, std::size_t)>& progress);
    const core::ElectionPackage& package_;
    const Scenario& scenario_;
    std::uint64_t seed_;
    std::unique_ptr<Shared> shared_;
    std::vector<std::unique_ptr<PecModel>> pecs_;
    Time now_ = 0;
};

}  // namespace sim
