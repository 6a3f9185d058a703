#pragma once
/// The election-day world: every PEC of the package with its desks, ARBBs, devices, voters and queues,
/// each PEC on its own engine and random streams, so a PEC's day does not depend on which thread ran it
/// or in what order. The same World serves `shailoo run` (run_to_end), the trainer (advance_to, paced)
/// and the tests.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/election_package.hpp"
#include "sim/engine.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"

namespace sim {

class PecModel;

/// What a PEC is doing, as the console colours it.
enum class PecState : std::uint8_t { not_open, voting, queue_building, device_fault, closed, transmitted, acknowledged };

/// Human name of a PEC state.
std::string_view to_string(PecState state);

/// One line of the event log (faults, refusals, reports).
struct LogEntry {
    Time at = 0;
    int pec = 0;
    std::string text;
};

/// Something the instructor (or a scenario's explicit fault list) does to one PEC's device.
struct FaultAction {
    Time at = 0;
    int pec = 0;
    FaultTarget target = FaultTarget::arbb_party_list;  ///< arbb_any is resolved before an action is made
    int unit = 0;               ///< which desk (0-based) for desk devices; ignored for ARBBs, modem, power
    devices::Fault fault = devices::Fault::jam;
    bool enter = true;          ///< true: enter the fault; false: clear it
    double severity = 1.0;
    Time duration = 0;          ///< > 0: cleared automatically after this long
    bool replace_arbb = false;  ///< after the fault the ARBB is replaced by a stationary box
};

/// A live view of one PEC (for the console and the tests).
struct PecView {
    int number = 0;
    PecState state = PecState::not_open;
    std::int64_t queue = 0;
    std::int64_t voters = 0;
    std::uint32_t active_faults = 0;  ///< bit set of devices::Fault over all its devices
};

/// The whole country (or the scenario's regions) on election day.
class World {
public:
    /// Builds every PEC from the package (only the scenario's regions if it names some).
    World(const core::ElectionPackage& package, const Scenario& scenario, std::uint64_t seed);
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    /// Runs every PEC to the end of its day on `threads` threads; `progress(done, total)` is called
    /// from the calling thread about ten times a second and once at the end.
    void run_to_end(int threads, const std::function<void(std::size_t, std::size_t)>& progress = {});
    /// Advances every PEC to virtual time t (the trainer's frame step).
    void advance_to(Time t, int threads = 1);
    /// Virtual time all PECs have reached.
    Time now() const { return now_; }

    /// Schedules a fault action (t >= now()). Returns an error for an unknown PEC or device.
    core::Result<void> apply(const FaultAction& action);

    /// Number of PECs simulated.
    std::size_t pec_count() const { return pecs_.size(); }
    /// Live view of PEC i (0-based, PEC number order).
    PecView view(std::size_t i) const;
    /// The results so far (complete after run_to_end).
    RunResults results() const;
    /// Engine events executed so far, all PECs.
    std::int64_t events() const;

private:
    struct Shared;
    const core::ElectionPackage& package_;
    const Scenario& scenario_;
    std::uint64_t seed_;
    std::unique_ptr<Shared> shared_;
    std::vector<std::unique_ptr<PecModel>> pecs_;
    Time now_ = 0;
};

}  // namespace sim
