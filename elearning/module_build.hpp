#pragma once
/// Building a module for the browser (docs/elearning.md): each choice with `play` is run on the
/// module's drill night through the real station and CEC code (drill::run_drill, the same seed every
/// time), and the figures its feedback quotes are filled in from that run. The result is what the
/// player page shows; nothing in it is typed by hand but the text.
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "elearning/module_file.hpp"

namespace elearning {

struct BuiltChoice {
    std::string text;
    int points = 0;
    std::string feedback;                         ///< figures filled in
    std::map<std::string, std::string> figures;  ///< what a played choice measured on the night (played_figures())
};

struct BuiltScene {
    std::string id, title, text;
    int best_points = 0;
    std::vector<BuiltChoice> choices;
};

struct BuiltModule {
    std::string id, title, description;
    std::string night;  ///< "Drill: <name> on <scenario>, seed N" - where the figures come from
    int mastery = 80;
    int max_points = 0;
    std::vector<BuiltScene> scenes;
};

/// Called before each run on the night: the scene and choice about to be played.
using PlayProgress = std::function<void(const Scene&, const Choice&)>;

/// Plays each `play` of `module` on its drill's night (`threads` advance the world) and fills in the
/// texts' figures. An error names the module file and the choice's line.
core::Result<BuiltModule> build_module(const Module& module, int threads, const PlayProgress& progress = {});

/// The built module as the player page reads it (docs/elearning.md, "The player").
nlohmann::ordered_json module_json(const BuiltModule& module);

}  // namespace elearning
