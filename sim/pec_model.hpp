#pragma once
/// One PEC's election day on its own engine: its identification desks and ARBBs (the real station
/// code on virtual devices), its voters (arrival, queue, booth, ballots), faults and closing.
///
/// pec_model.cpp's sections: construction (devices, desks, boxes, planned faults), the day (opening,
/// arrivals, identification, booths, ballots, closing), transmission, views (results and live state).
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <limits>
#include <memory>
#include <set>
#include <span>
#include <vector>

#include "core/ballot.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/random.hpp"
#include "devices/virtual_ballot_scanner.hpp"
#include "devices/virtual_modem.hpp"
#include "devices/virtual_power_supply.hpp"
#include "devices/virtual_printer.hpp"
#include "kernel/engine.hpp"
#include "kernel/resource.hpp"
#include "sim/fault_action.hpp"
#include "sim/fault_ledger.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"
#include "sim/support.hpp"
#include "sim/trainee_action.hpp"
#include "sim/views.hpp"
#include "sim/voter_intent.hpp"
#include "station/ballot_box.hpp"
#include "station/desk_login.hpp"
#include "station/polling_station.hpp"
#include "station/transmitter.hpp"

namespace sim {

class IdentificationStation;
struct ExternalFingerprintReader;
struct ExternalBallotScanner;
struct ExternalModem;
class LinkedModem;
class SwitchedBallotScanner;

/// Streams of the calls an instructor's injects make (above any scenario rule's index).
inline constexpr std::uint64_t kInjectedCallStreams = 1'000'000;
class RollVoterList;

/// Read-only things every PEC shares (built once per run).
struct SharedDay {
    const core::ElectionPackage& package;
    const Scenario& scenario;
    std::uint64_t seed;
    IntentModel intents;
    std::vector<double> arrival_cdf;  ///< cumulative arrival weight per hour of voting, last = 1
    const RollVoterList& roll;
    std::vector<ExternalFingerprintReader*> external_readers = {};  ///< desks whose reader is outside the simulation
    std::vector<ExternalBallotScanner*> external_scanners = {};     ///< ARBB slots whose scanner is outside the simulation
    std::vector<ExternalModem*> external_modems = {};               ///< PECs whose modem sends over a real link
};

/// One PEC's day.
class PecModel {
public:
    /// Builds the PEC's devices, desks and boxes and plans its voters and scenario faults.
    PecModel(const SharedDay& day, const core::Pec& pec);
    ~PecModel();
    PecModel(const PecModel&) = delete;
    PecModel& operator=(const PecModel&) = delete;

    /// Runs the PEC's events up to time t.
    void run_until(Time t) { engine_.run_until(t); }
    /// Runs every event that cannot depend on an answer from the CEC: all events earlier than the
    /// first delivered report's earliest possible acknowledgement (`ack_latency` after delivery),
    /// and no later than `limit`.
    void run_until_waiting_for_cec(Time ack_latency, Time limit = std::numeric_limits<Time>::max());
    /// Time of the PEC's next event, if any.
    std::optional<Time> next_event() const { return engine_.next_time(); }
    /// Reports the modem delivered since the last call (the network carries them to the CEC).
    std::vector<station::Transmission> take_outbox();
    /// The CEC's answer to one report, given at `at`, goes back over the PEC's modem (and its real
    /// link, if it has one); if the link loses it the PEC never hears it and resends.
    void answer(Time at, const std::string& device, std::uint64_t sequence, core::AckOutcome status, std::string reason);
    /// The CEC's answer to one report reaches the PEC's modem at `at` (>= the PEC's time).
    void deliver_ack(Time at, const std::string& device, std::uint64_t sequence, core::AckOutcome status, std::string reason);
    /// The CEC has handled the report delivered at `delivered_at` (its answer, if any, is scheduled).
    void processed_by_cec(Time delivered_at);
    /// Schedules a fault action; an error names what is wrong.
    core::Result<void> apply(const FaultAction& action);
    /// The calls this PEC makes to technical support: its planned faults the support organisation
    /// ends (sim/scenario.hpp support_ends), in the order of the scenario's rules, then the
    /// instructor's injects that call the help desk (FaultAction::call_support), in the order applied.
    /// A call's stream is its rule's index, or kInjectedCallStreams plus its place in this list.
    const std::vector<SupportCall>& support_calls() const { return support_calls_; }
    /// What support did about one of support_calls() (matched by its stream): the fault is cleared,
    /// or the ARBB replaced by a stationary box, at `outcome.resolved` (never when it is -1); a crew
    /// from `base` is noted in the log when it arrives.
    void support_resolved(const SupportCall& call, const SupportOutcome& outcome, std::string_view base);
    /// A PEC chair's action now (paper_list, devices_back, stationary_box, backup_channel;
    /// docs/trainees.md): what it did, or why it is refused. Either way the PEC's log notes it.
    core::Result<std::string> chair_act(const TraineeAction& action);
    /// Desk access (the desk incidents, sim/incident.hpp): from now on desk `desk` (from 0) serves
    /// only while its operator's session is open (station::DeskLogin; she chose a PIN and logged in
    /// at opening). Desks of PECs no desk incident names have no login: an Argon2id hash per desk of
    /// the whole country would cost minutes. Idempotent; returns the operator's name.
    core::Result<std::string> guard_desk(int desk);
    /// The member who asked for it learns desk `desk`'s PIN (a chair's give_pin).
    void tell_pin(int desk);
    /// The operator of `desk` leaves it for `away` without locking it (desk_break): it takes no
    /// voter until she is back. kIntruderAfter into the break a member sits down at it; if a session
    /// is open, or he knows the PIN, he issues `ballots` ballots by the paper list to passports he
    /// collected (voters of the PEC who have not voted) and feeds them into the boxes.
    core::Result<std::string> start_break(int desk, Time away, int ballots);
    /// The desks with a login (guard_desk), in desk order.
    std::vector<PecDetail::DeskAccess> desk_access() const;
    /// Notes what someone outside the PEC did about it (the help desk, the duty officer) in its log.
    void note_from_outside(std::string text) { note(std::move(text)); }
    /// The PEC's results (complete once the day has ended); faults still on count up to `until`.
    PecResult result(Time until) const;
    /// When the CEC acknowledged the PEC's last report (0: not yet); result().reported_at without copying the results.
    Time reported_at() const { return result_.reported_at; }
    /// Live state for the console.
    PecView view() const;
    /// The inspector's details.
    PecDetail detail() const;
    /// This PEC's log so far.
    const std::vector<LogEntry>& log() const { return log_; }
    /// Engine events executed.
    std::int64_t events() const { return static_cast<std::int64_t>(engine_.events_executed()); }
    /// The PEC.
    const core::Pec& pec() const { return pec_; }
    /// Public signing keys of the PEC's devices, in the order of core::kDeviceRoles (for the CEC's registry).
    std::array<core::PublicKey, 3> public_keys() const;

    /// One voter's way to the PEC (what the voter will mark is drawn at the desk: intents_).
    struct Trip {
        std::int64_t voter = 0;  ///< index in the national roll; negative: a visitor to turn away (turned_away_visitor)
        Time arrived = 0;        ///< arrival time
    };
    /// The trips sorted by arrival time as std::stable_sort would (ties keep their order), given in
    /// roll order (voters ascending); faster for times spread over `hours` hours from `open` (times
    /// outside still sort correctly).
    static std::vector<Trip> sort_by_arrival(std::span<const Trip> trips, Time open, std::size_t hours);

private:
    struct Box {
        std::unique_ptr<devices::VirtualBallotScanner> scanner;
        // A physical scanner in this ARBB's slot for the voters trainees play: the box reads through
        // `switched`, which hands each read to the virtual scanner or, for those voters' sheets, to it.
        ExternalBallotScanner* external = nullptr;
        std::unique_ptr<SwitchedBallotScanner> switched;
        std::unique_ptr<devices::VirtualPrinter> printer;
        std::unique_ptr<station::BallotBox> box;
        std::deque<core::Ballot> waiting;  // sheets the box refused, kept in its reserve slot until it works
        bool feeding = false;              // a feed of waiting sheets is under way
        bool held_for_chair = false;       // repaired, its reserve slot waits for the chair's feed_reserve (pec_chairs: trainees)
        station::Refusal held_by = station::Refusal::none;  // why the box last refused a sheet (the reserve slot's cause)
    };

    // Construction, in this order:
    void build_station();                             // desks, power, modem, transmitter, polling station
    void add_boxes(const core::District* district);   // the ARBBs (the district one only with a district)
    void listen_to_faults();                          // every device's faults counted, noted and in the ledger
    void plan_opening();                              // the commission meets, zero reports, voting opens and closes
    void plan_voters();
    Time draw_arrival(core::RandomStream& arrivals) const;
    void add_turned_away(std::vector<Trip>& trips) const;
    void plan_faults();
    void plan_hourly_figures();                       // the queue's hourly mean taken at each full hour
    void take_hourly_queue();
    void open_station();
    void arrive(std::uint32_t k);
    void identify(std::uint32_t k);
    void vote(std::uint32_t slot);
    void cast(int b, const core::Ballot& ballot, std::int64_t voter);
    bool cast_on_external(Box& box, const core::Ballot& ballot, std::int64_t voter);
    void feed_waiting(int b);
    void maybe_close();
    void close_station();
    void transmit();
    devices::Device* device_for(FaultTarget target, int index);
    void schedule_fault(const FaultAction& action);
    void replace_by_stationary_box(int box);
    core::Result<std::string> chair_desk(const TraineeAction& action);
    core::Result<std::string> chair_box(const TraineeAction& action);
    core::Result<std::string> chair_feed(const TraineeAction& action);
    void box_works_again(int box);  // after a repair or mains back: feed the reserve slot, or keep it for the chair
    core::Result<std::string> chair_modem();
    core::Result<std::string> chair_lock(const TraineeAction& action);
    void intrude(int desk, int ballots);
    void back_from_break(int desk);
    void count_voter();  // one more voter received ballots now (result_.voters and its hour)
    void note(std::string text);
    Time draw_service(const ServiceTime& t);

    const SharedDay& day_;
    const core::Pec& pec_;
    kernel::Engine engine_;
    core::RandomStream service_random_;
    core::RandomStream intent_random_;
    std::vector<Trip> trips_;
    // What the voters between the desk and the boxes will mark, in reused slots: only the few
    // voters inside at a time hold one (an Intent is 164 bytes; a PEC plans up to a few thousand trips).
    std::vector<Intent> intents_;
    std::vector<std::int64_t> intent_voters_;  // per slot of intents_: whose intent it is
    std::vector<std::uint32_t> free_intents_;
    std::unique_ptr<IdentificationStation> desks_;
    struct GuardedDesk {  // a desk with a login (guard_desk)
        std::unique_ptr<station::DeskLogin> login;
        std::string operator_name, pin;
        bool pin_told = false;  // the member who asked knows it
        bool away = false;      // its operator is on a break
        Time back = 0;          // when she is back
    };
    std::map<int, GuardedDesk> guarded_;  // by desk
    kernel::Resource queue_;
    kernel::Resource booths_;
    std::unique_ptr<devices::VirtualPowerSupply> power_;
    std::unique_ptr<devices::VirtualModem> modem_;
    std::unique_ptr<LinkedModem> linked_modem_;  // the modem the transmitter sends through when the PEC has a real link
    std::unique_ptr<station::Transmitter> transmitter_;
    std::unique_ptr<station::PollingStation> station_;  // the PEC's closing, reports and their signing
    std::vector<station::Transmission> outbox_;
    std::multiset<Time> in_flight_;  // delivery times of reports the CEC has not handled yet
    Time transmit_wakeup_ = -1;     // time of the scheduled transmit() call, -1 if none
    std::array<Box, 2> boxes_;
    std::uint32_t next_arrival_ = 0;
    std::int64_t in_station_ = 0;   // voters arrived and not yet done
    bool opened_ = false;
    bool voting_over_ = false;
    bool closed_ = false;
    PecResult result_;
    FaultLedger faults_;            // what the faults did (results.json fault_effects)
    std::vector<SupportCall> support_calls_;     // faults support ends, and the actions that started them
    std::vector<FaultAction> support_actions_;
    std::vector<LogEntry> log_;
    double max_wait_s_ = 0.0;
    Time hours_from_ = 0;            // start of the hourly figures: the hour voting opens in
    std::int64_t queue_area_at_hour_ = 0;  // the queue's area (kernel::Resource::queue_area) at the last full hour
    double recent_service_s_ = 0.0;  // moving average of identification durations (s): how fast the queue moves
};

/// The full hour a time lies in (08:00 for 08:30): the start of a run's hourly figures.
inline Time hour_of(Time t) { return t - t % core::kHour; }

}  // namespace sim
