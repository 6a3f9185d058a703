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
#include "sim/hil_record.hpp"
#include "sim/incident.hpp"
#include "sim/trainee_action.hpp"
#include "sim/views.hpp"

namespace YAML {
class Node;
}
namespace core {
class YamlReader;
}

namespace sim {

class World;

/// One instructor action: a fault action plus the virtual time at which the instructor issued it.
/// Replaying advances the world to `issued` before applying, so the engine schedules it at the very
/// same point of its event order as in the live session (events at equal times run in scheduling order).
/// An injection into a region or a share of PECs is one action listing the PECs it drew (`pecs`),
/// applied to each of them in that order at the same `issued` time.
struct RecordedAction {
    Time issued = 0;        ///< World::now() when the instructor took the action
    FaultAction action;     ///< what was scheduled (action.at >= issued); action.pec is the PEC when `pecs` is empty
    std::vector<int> pecs;  ///< the PECs a region or share injection drew, in the order applied (empty: action.pec alone)
    int region = 0;         ///< with `pecs`: the region they were drawn from (0: the whole simulated country)
    double share = 0.0;     ///< with `pecs`: the share drawn, 0..1 (0: every PEC of the region)
    /// A trainee's action instead of a fault action (`action` and `pecs` unused): applied by
    /// World::act at `issued` (docs/trainees.md).
    std::optional<TraineeAction> trainee;
    /// With `trainee`: why the world refused it (empty: it was accepted). A replay must get the same answer.
    std::string refused;
    /// A fault action a drill file's inject made: the inject's name (docs/drills.md; empty: the instructor's).
    std::string inject;
    /// A cyber incident instead of a fault action (`action` and `pecs` unused; action.pec is its PEC):
    /// applied by World::apply(Incident) at `issued`.
    std::optional<Incident> incident;
};

/// The PECs an action addresses, in the order they are applied (a trainee's action: its PEC, 0 if none).
std::vector<int> pecs_of(const RecordedAction& action);

/// The instructor's actions of one session, in the order they were taken.
struct DrillRecord {
    std::string scenario;       ///< scenario file (absolute, or relative to the record file when loaded/saved)
    std::string scenario_name;  ///< the scenario's `name`, checked when replaying
    std::uint64_t seed = 0;
    std::string drill;          ///< the drill file the session ran (docs/drills.md; empty: none), resolved like `scenario`
    std::vector<RecordedAction> actions;
    /// Physical fingerprint readers and ballot scanners of the session and what they delivered
    /// (hardware in the loop, sim/hil_record.hpp; empty: none).
    HardwareRecord hardware;
};

/// The fault with this name for a device kind, or nullopt if that kind has no such fault.
std::optional<devices::Fault> fault_from(std::string_view name, devices::DeviceKind kind);

/// Formats a whole-second duration as "1h30m", "45s", "0s" (parse_duration reads it back).
std::string format_duration(Time d);

/// The version save_drill_record writes. Version 2 added `pecs`, `region` and `share` (one action per
/// region or share injection), version 3 the trainees' actions, version 4 the drill file (`drill`) and
/// the inject that made a fault action (`inject`), version 5 the cyber incidents (`incident`), version 6
/// the physical readers and scanners (`hardware`), version 7 the modem links in `hardware`; versions
/// 1 to 6 are still read.
inline constexpr int kDrillRecordVersion = 7;

/// Loads and validates a record (version 1 to 7); errors name FILE:LINE: field. A relative `scenario`
/// is resolved against the record file's folder.
core::Result<DrillRecord> load_drill_record(const std::filesystem::path& file);
/// load_drill_record of a file whose content is `text` (nothing is read; `file` names it in errors
/// and a relative `scenario` is resolved against its folder).
core::Result<DrillRecord> parse_drill_record(std::string_view text, const std::filesystem::path& file);
/// Writes a record (the scenario path relative to the file's folder when possible).
core::Result<void> save_drill_record(const DrillRecord& record, const std::filesystem::path& file);

/// Applies every action of the record to a fresh world: advances to each action's `issued` time
/// (with `threads`) and applies it at each of its PECs, or has the world act on a trainee's action.
/// Errors name the action (index, PEC, time); a trainee's action the world answers otherwise than it
/// did in the recorded session (accepted / refused) is an error too: the replay has diverged.
/// Reads a trainee's action from a mapping (a record's entry, a script's `act` step): `trainee`,
/// `do`, `role` (optional; must be the role that does it) and the fields the action needs, none it
/// does not; other keys are the caller's to check. Errors name `r`'s file, line and field.
core::Result<TraineeAction> read_trainee_fields(const core::YamlReader& r, const YAML::Node& n);
/// A cyber incident's fields of mapping `n` - its kind under `kind_field` (`incident` in a drill
/// file's inject and a record's entry, `kind` in a script's `incident` step), and `pec`, `box`
/// (default party_list), `copies` where its kind takes them (the caller checks for unknown keys);
/// errors name FILE:LINE: field.
core::Result<Incident> read_incident_fields(const core::YamlReader& r, const YAML::Node& n, const std::string& kind_field = "incident");
/// World::act on a recorded trainee's action, checked against the answer recorded (`refused`).
core::Result<void> replay_trainee_action(const RecordedAction& recorded, World& world);
core::Result<void> apply_drill_record(const DrillRecord& record, World& world, int threads = 1);

}  // namespace sim
