#pragma once
/// Scripted instructor actions (`shailoo train --script FILE`): what tests and demos make the console
/// do without a person at the mouse. YAML, format: docs/trainer.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "drill/drill_session.hpp"
#include "drill/map_view.hpp"

namespace YAML {
class Node;
}
namespace core {
class YamlReader;
}

namespace drill {

/// One step of a script.
struct ScriptStep {
    /// What the step does.
    enum class Kind : std::uint8_t {
        advance_to, select, speed, pause, play, inject, clear, step_event, step_minute, wait_frames, screenshot, map, act, incident
    };
    /// What an `act` step expects of the world's answer.
    enum class Expect : std::uint8_t { any, accepted, refused };
    Kind kind = Kind::pause;
    sim::Time time = 0;        ///< advance_to
    int pec = 0;               ///< select
    double speed = 1.0;        ///< speed
    int frames = 0;            ///< wait_frames
    PecSelection selection;    ///< inject, clear
    sim::FaultAction action;   ///< inject, clear (action.at = 0: now; inject's duration: kDefaultFaultDuration unless given)
    std::filesystem::path file;  ///< screenshot (relative: to the current directory, as --screenshot)
    MapView map;               ///< map
    sim::TraineeAction trainee;  ///< act: a trainee's action (docs/trainees.md)
    sim::Incident incident;      ///< incident: a cyber incident started now (docs/drills.md, "Incidents")
    Expect expect = Expect::any; ///< act: `expect: accepted | refused` (any: a refusal is part of the drill)
    int line = 0;              ///< line in the script file, for messages
};

/// A `screenshot` step lets this many frames be drawn and saves the last of them: the first shows
/// what the steps before did, the second what the panels make of it once laid out (a tab chosen for
/// the selected PEC, the log scrolled to its end). The next step runs in the frame after.
inline constexpr int kScreenshotFrames = 2;

/// What the console does after a step.
struct StepOutcome {
    int wait_frames = 0;                              ///< frames to draw before the next step
    std::optional<std::filesystem::path> screenshot;  ///< save the window to this PNG after kScreenshotFrames frames
    std::optional<MapView> map;                       ///< show the map this way
};

/// A loaded script.
struct DrillScript {
    std::filesystem::path file;
    std::vector<ScriptStep> steps;
};

/// Loads and validates a script; errors name FILE:LINE: field.
core::Result<DrillScript> load_drill_script(const std::filesystem::path& file);
/// load_drill_script of a file whose content is `text` (nothing is read; `file` names it in errors).
core::Result<DrillScript> parse_drill_script(std::string_view text, const std::filesystem::path& file);

/// Reads an inject's device and fault fields from the mapping `n` at `where` (a script's inject or
/// clear, a drill file's inject): `device`, `unit`, `fault`, `severity`, `duration` (default
/// kDefaultFaultDuration), `at`, `replace`, `support`; action.enter says which. Errors name the field.
core::Result<void> read_fault_fields(const core::YamlReader& r, const YAML::Node& n, const std::string& where, sim::FaultAction& action);

/// Carries out one step on the session; returns what the console does next (frames to draw before the
/// next step, a screenshot to take, a map view to show). Errors name the script's file and line.
core::Result<StepOutcome> run_script_step(const DrillScript& script, const ScriptStep& step, DrillSession& session, WallTime wall_now);

}  // namespace drill
