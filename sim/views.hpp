#pragma once
/// What the simulator shows of a PEC while it runs: states, log lines and the inspector's details.
/// Shared by the console, `shailoo run --replay` and the tests.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/reports.hpp"
#include "devices/device.hpp"
#include "kernel/engine.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"
#include "station/transmitter.hpp"

namespace sim {

/// Virtual time of the event kernel: integer microseconds since midnight of election day.
using kernel::Time;

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

/// One device of a PEC, as the inspector lists it.
struct DeviceView {
    std::string id;
    devices::DeviceKind kind = devices::DeviceKind::printer;
    std::uint32_t faults = 0;  ///< bit set of active devices::Fault
    bool physical = false;     ///< a device from outside the simulation (hardware in the loop)
};

/// A live view of one PEC (for the console and the tests).
struct PecView {
    int number = 0;
    PecState state = PecState::not_open;
    std::int64_t queue = 0;
    std::int64_t voters = 0;
    std::uint32_t active_faults = 0;  ///< bit set of devices::Fault over all its devices
};

/// Everything the PEC inspector shows.
struct PecDetail {
    PecView view;
    std::int64_t arrivals = 0;          ///< voters who came so far
    std::int64_t left_queue = 0;        ///< of them, left without voting: the queue was too long (scenario `patience`)
    double desk_pace = 1.0;             ///< the operators' pace: multiplier on identification durations
    double mean_wait_s = 0.0;           ///< mean wait for a desk so far
    int desks = 0;
    int desks_busy = 0;
    std::vector<bool> paper_list;       ///< per desk: on the paper list by the commission's decision (a PEC chair's action)
    /// Per desk with a login (desk incidents only): its operator, whether a session is open, whether she is away and till when.
    struct DeskAccess {
        int desk = 0;  ///< from 0
        std::string operator_name;
        bool open = false;
        bool away = false;
        Time back = 0;
    };
    std::vector<DeskAccess> access;
    std::int64_t forged_ballots = 0;    ///< PecResult::forged_ballots so far
    std::array<bool, 2> replaced{};     ///< per ARBB: replaced by a stationary box
    std::vector<DeviceView> devices;
    core::IdentificationCounts identification;
    std::array<core::ArbbReport, 2> boxes;  ///< live counters (or the final reports once closed)
    std::array<std::int64_t, 2> ballots_waiting{};  ///< sheets in the reserve slot of a box that is down
    std::vector<station::OutgoingState> transmission;  ///< each report's way to the CEC
};

}  // namespace sim
