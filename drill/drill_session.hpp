#pragma once
/// A drill: the world, its paced clock and everything the instructor did, without any window, so
/// the console's panels only draw it and the tests drive it directly. Every action that changes
/// the simulation goes through here and is appended to the drill record (sim/drill_record.hpp).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/election_package.hpp"
#include "core/result.hpp"
#include "drill/drill_conduct.hpp"
#include "sim/drill_record.hpp"
#include "sim/fault_action.hpp"
#include "kernel/paced_clock.hpp"
#include "sim/scenario.hpp"
#include "sim/views.hpp"
#include "sim/world.hpp"

namespace drill {

/// Wall-clock time points (monotonic).
using WallTime = kernel::PacedClock::WallTime;

/// How long an injected fault lasts when the instructor does not say: the fault panel's default and
/// a script's `inject` without `duration` (docs/trainer.md). 0 would mean "until cleared".
inline constexpr sim::Time kDefaultFaultDuration = 30 * core::kMinute;

/// Country-wide figures of the summary panel, recomputed after every advance.
struct CountrySummary {
    std::int64_t registered = 0;   ///< registered voters of the simulated PECs
    std::int64_t voters = 0;       ///< voters who received ballots so far
    std::int64_t in_queues = 0;    ///< voters waiting for an identification desk
    int pecs_with_faults = 0;      ///< PECs with at least one device in a fault state
    int reports_printed = 0;       ///< PECs closed with final reports printed (or later states)
    int reports_transmitted = 0;   ///< PECs whose results left the modem (transmitted or acknowledged)
    int reports_acknowledged = 0;  ///< PECs whose results the CEC acknowledged
    std::array<int, 7> by_state{}; ///< PECs per sim::PecState
};

/// One point of the "PECs reported after 20:00" curve: one per virtual minute from voting close,
/// sampled as the world passes it (so a jump with run_to fills every minute it crossed).
struct ReportedPoint {
    sim::Time at = 0;
    int printed = 0;       ///< final reports printed (closed or later)
    int transmitted = 0;   ///< transmitted or acknowledged (0 until transmission is simulated)
};

/// One device fault active somewhere, for the fault panel's list.
struct ActiveFault {
    int pec = 0;
    std::size_t index = 0;     ///< PEC index in the world
    std::string device_id;
    devices::DeviceKind kind = devices::DeviceKind::printer;
    devices::Fault fault = devices::Fault::dead;
};

/// Which PECs an injection addresses.
struct PecSelection {
    /// One PEC, every PEC of a region, or a share of the PECs (of a region or of all).
    enum class Scope : std::uint8_t { pec, region, share } scope = Scope::pec;
    int pec = 0;          ///< scope pec
    int region = 0;       ///< scope region (0 with scope share: the whole simulated country)
    double share = 0.0;   ///< scope share: share of the PECs (of `region` if set) picked, 0..1
};

/// One instructor action as the console shows it in the log (time, what).
struct InstructorNote {
    sim::Time at = 0;
    int pec = 0;            ///< the PEC of a one-PEC action (0 with `pecs`)
    std::vector<int> pecs;  ///< the PECs a region or share injection drew
    std::string text;
};

/// The drill in progress.
class DrillSession {
public:
    /// Virtual time the console starts at unless told otherwise (before the first PEC opens).
    static constexpr sim::Time kDefaultStart = core::at(6, 30);

    /// Loads the scenario and its package, builds the world with `seed` (default the scenario's)
    /// and advances it to `start`. `replay`, if given, is a record whose actions are re-applied
    /// as time passes their `issued` times; its scenario name and seed must match. The paced clock
    /// starts at `start` at the later of `wall_now` and the moment loading is done.
    /// `hardware`: physical fingerprint readers at desks and ballot scanners in ARBB slots (hardware in
    /// the loop, docs/hil.md; the caller owns them for the session's life); what they deliver goes
    /// into the record's `hardware`. A replayed record with `hardware` brings its own devices, which
    /// give its captures and sheets back (sim/hil_record.hpp), so `hardware` must then be empty; a
    /// record without is replayed without devices.
    static core::Result<std::unique_ptr<DrillSession>> open(const std::filesystem::path& scenario_file,
                                                           std::optional<std::uint64_t> seed,
                                                           std::optional<sim::DrillRecord> replay, sim::Time start,
                                                           WallTime wall_now, int threads = 2,
                                                           sim::Hardware hardware = {});

    /// Advances the world towards the paced clock's target for `wall_now` (replaying due actions),
    /// spending at most `budget` of wall time so the console stays responsive. If the world cannot
    /// keep up, the clock is re-anchored where the world is: virtual time then runs as fast as the
    /// machine allows, never jumps and never runs ahead of the simulation. Returns true if it kept up.
    bool tick(WallTime wall_now, std::chrono::milliseconds budget = std::chrono::milliseconds(15));
    /// Pauses virtual time.
    void pause(WallTime wall_now) { clock_.pause(wall_now); }
    /// Lets virtual time run again.
    void resume(WallTime wall_now) { clock_.resume(wall_now); }
    /// True while paused.
    bool paused() const { return clock_.paused(); }
    /// Sets the speed factor (1..600).
    core::Result<void> set_speed(double factor, WallTime wall_now) { return clock_.set_speed(factor, wall_now); }
    /// Current speed factor.
    double speed() const { return clock_.speed(); }
    /// Advances to the next event of any PEC (pauses first). Returns the time reached.
    sim::Time step_event(WallTime wall_now);
    /// Advances one virtual minute (pauses first).
    sim::Time step_minute(WallTime wall_now);
    /// Advances to virtual time t (pauses first); an error if t is already past.
    core::Result<void> run_to(sim::Time t, WallTime wall_now);

    /// Schedules one fault action (at >= now; at < now means "now") at one PEC and records it;
    /// `inject`: the drill file's inject that makes it (kept in the record; empty: the instructor's).
    core::Result<void> act(sim::FaultAction action, std::string inject = {});
    /// Starts a cyber incident now (sim::World::apply(Incident)) and records it; `inject` as above.
    core::Result<void> act(const sim::Incident& incident, std::string inject = {});
    /// Applies `action` at every PEC of `selection` (the share is drawn from the drill's seed and the
    /// number of actions so far, so the same session picks the same PECs); returns how many PECs.
    /// A region or share is one action in the record and one note in the log, listing the PECs drawn.
    core::Result<int> inject(const PecSelection& selection, sim::FaultAction action);

    /// A trainee's action now (sim::World::act), recorded with the trainee's id and the world's answer
    /// whether accepted or refused, and noted in the log; returns what it did or why it was refused.
    core::Result<std::string> act(const sim::TraineeAction& action);

    /// Conducts a drill file from now on (docs/drills.md): the session stops where the conduct says
    /// and lets it fire injects, take scripted responses and sample the world. The record names the
    /// drill file. Attach right after open(), before time passes.
    void attach(std::unique_ptr<DrillConduct> conduct);
    /// The drill being conducted, or nullptr.
    const DrillConduct* conduct() const { return conduct_.get(); }

    /// The world (read-only: changes go through the session so they are recorded).
    const sim::World& world() const { return *world_; }
    /// The CEC duty officer's alerts so far (sim::World::duty_alerts).
    const std::vector<sim::DutyAlert>& duty_alerts() { return world_->duty_alerts(); }
    /// The election package.
    const core::ElectionPackage& package() const { return *package_; }
    /// The scenario.
    const sim::Scenario& scenario() const { return *scenario_; }
    /// The package's PEC for world index i.
    const core::Pec& pec(std::size_t i) const { return *pecs_[i]; }
    /// True if the drill has a PEC of region `code`.
    bool has_region(int code) const;
    /// Live views of every PEC, refreshed after every advance.
    const std::vector<sim::PecView>& views() const { return views_; }
    /// Country summary, refreshed after every advance.
    const CountrySummary& summary() const { return summary_; }
    /// PECs reported after voting close, one point per virtual minute from close to now.
    const std::vector<ReportedPoint>& reported_curve() const { return curve_; }
    /// Every device fault active now (recomputed after every advance that changed fault bits).
    const std::vector<ActiveFault>& active_faults() const { return active_; }
    /// Everything the instructor and the trainees did, as recorded (saved with --record).
    const sim::DrillRecord& record() const { return record_; }
    /// The instructor's and the trainees' actions as log lines.
    const std::vector<InstructorNote>& notes() const { return notes_; }
    /// The physical devices of the session (a replay's: the record's, replayed).
    const sim::Hardware& hardware() const { return hardware_; }
    /// Empty unless the replayed readers were asked for more captures than the record holds, or the
    /// night is over and some of the record's were never asked for (the replay has diverged from
    /// the session): then what differed, per reader.
    std::string hardware_divergence() const {
        return replayed_ ? replayed_->divergence(!world_->next_event_time().has_value()) : std::string();
    }
    /// Actions of the replayed record not applied yet.
    std::size_t replay_pending() const { return replay_ ? replay_->actions.size() - replay_next_ : 0; }

    /// Selected PEC (world index), if any.
    std::optional<std::size_t> selected() const { return selected_; }
    /// Selects the PEC with this number; an error if it is not simulated.
    core::Result<void> select(int pec_number);
    /// Selects by world index (nullopt: none).
    void select_index(std::optional<std::size_t> i) { selected_ = i; }

    /// Finishes the day headless (all remaining events) and returns the results.
    sim::RunResults finish(int threads);

private:
    DrillSession() = default;
    void advance(sim::Time t);
    void advance_world(sim::Time t);
    void replay_before(sim::Time t, bool including_t);
    sim::Time next_curve_sample() const;
    sim::Time next_stop();
    void sample_curve();
    core::Result<std::vector<std::size_t>> draw_pecs(const PecSelection& selection);
    core::Result<int> apply_and_record(sim::RecordedAction action);
    void record_trainee(const sim::RecordedAction& recorded);  // appends it to the record and the notes
    void refresh();

    std::unique_ptr<core::ElectionPackage> package_;
    std::unique_ptr<sim::Scenario> scenario_;
    std::unique_ptr<sim::ReplayedHardware> replayed_;  // before world_: the world uses its readers
    sim::Hardware hardware_;
    std::size_t deliveries_seen_ = 0;
    std::unique_ptr<sim::World> world_;
    std::vector<const core::Pec*> pecs_;
    kernel::PacedClock clock_{0, WallTime{}};
    int threads_ = 2;
    sim::DrillRecord record_;
    std::optional<sim::DrillRecord> replay_;
    std::size_t replay_next_ = 0;
    std::vector<InstructorNote> notes_;
    std::vector<sim::PecView> views_;
    CountrySummary summary_;
    std::vector<ReportedPoint> curve_;
    std::vector<ActiveFault> active_;
    std::uint64_t fault_bits_hash_ = 0;
    std::optional<std::size_t> selected_;
    std::unique_ptr<DrillConduct> conduct_;
};

/// Describes a fault action for the log ("instructor: PEC 6006 arbb_party_list enters jam for 30m at 10:15:00").
std::string describe(const sim::FaultAction& action);
/// Describes a recorded action: one PEC as above, or the region / share and every PEC it drew
/// ("instructor: region Talas, 117 PECs (6001-6117): printer (desk 1) enters out_of_paper ...").
std::string describe(const sim::RecordedAction& action, std::string_view region_name);
/// PEC numbers, sorted, runs of three or more as ranges: "6001-6003, 6007, 6010".
std::string format_pec_list(std::vector<int> pecs);

}  // namespace drill
