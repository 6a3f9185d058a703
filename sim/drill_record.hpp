#pragma once
/// A drill record: the instructor's actions of one console session, enough to reproduce it exactly
/// (`shailoo train --replay`, `shailoo run --replay`). YAML file, format: docs/trainer.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "devices/device.hpp"
#include "kernel/engine.hpp"
#include "sim/scenario.hpp"
#include "sim/fault_action.hpp"
#include "sim/views.hpp"

namespace sim {

class World;

/// One instructor action: a fault action plus the virtual time at which the instructor issued it.
/// Replaying advances the world to `issued` before applying, so the engine schedules it at the very
/// same point of its event order as in the live session (events at equal times run in scheduling order).
struct RecordedAction {
    Time issued = 0;     ///< World::now() when the instructor took the action
    FaultAction action;  ///< what was scheduled (action.at >= issued)
};

/// The instructor's actions of one session, in the order they were taken.
struct DrillRecord {
    std::string scenario;       ///< scenario file (absolute, or relative to the record file when loaded/saved)
    std::string scenario_name;  ///< the scenario's `name`, checked when replaying
    std::uint64_t seed = 0;
    std::vector<RecordedAction> actions;
};

/// The fault with this name for a device kind, or nullopt if that kind has no such fault.
std::optional<devices::Fault> fault_from(std::string_view name, devices::DeviceKind kind);

/// Formats a whole-second duration as "1h30m", "45s", "0s" (parse_duration reads it back).
std::string format_duration(Time d);

/// Loads and validates a record (version 1); errors name FILE:LINE: field. A relative `scenario`
/// is resolved against the record file's folder.
core::Result<DrillRecord> load_drill_record(const std::filesystem::path& file);
/// Writes a record (the scenario path relative to the file's folder when possible).
core::Result<void> save_drill_record(const DrillRecord& record, const std::filesystem::path& file);

/// Applies every action of the record to a fresh world: advances to each action's `issued` time
/// (with `threads`) and applies it. Errors name the action (index, PEC, time).
core::Result<void> apply_drill_record(const DrillRecord& record, World& world, int threads = 1);

}  // namespace sim
