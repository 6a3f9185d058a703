#pragma once
/// Scripted instructor actions (`shailoo train --script FILE`): what tests and demos make the console
/// do without a person at the mouse. YAML, format: docs/trainer.md.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/result.hpp"
#include "drill/drill_session.hpp"

namespace drill {

/// One step of a script.
struct ScriptStep {
    /// What the step does.
    enum class Kind : std::uint8_t { advance_to, select, speed, pause, play, inject, clear, step_event, step_minute, wait_frames };
    Kind kind = Kind::pause;
    sim::Time time = 0;        ///< advance_to
    int pec = 0;               ///< select
    double speed = 1.0;        ///< speed
    int frames = 0;            ///< wait_frames
    PecSelection selection;    ///< inject, clear
    sim::FaultAction action;   ///< inject, clear (action.at = 0: now)
    int line = 0;              ///< line in the script file, for messages
};

/// A loaded script.
struct DrillScript {
    std::filesystem::path file;
    std::vector<ScriptStep> steps;
};

/// Loads and validates a script; errors name FILE:LINE: field.
core::Result<DrillScript> load_drill_script(const std::filesystem::path& file);

/// Carries out one step on the session; returns the frames to render before the next step.
/// Errors name the script's file and line.
core::Result<int> run_script_step(const DrillScript& script, const ScriptStep& step, DrillSession& session, WallTime wall_now);

}  // namespace drill
