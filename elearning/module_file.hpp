#pragma once
/// A self-paced e-learning module (docs/elearning.md): short scenes on one drill's night, each a
/// decision between choices. A choice may be played on the night: its `play` actions are the
/// trainee's response, run through the real station and CEC code by drill::run_drill when the module
/// is packaged, and its feedback quotes what that response did ({published_minutes}, ...).
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "drill/drill_file.hpp"

namespace elearning {

/// One answer to a scene's question.
struct Choice {
    std::string text;
    int points = 0;
    std::string feedback;                     ///< may quote the night's figures: {published_minutes}, ...
    bool played = false;                      ///< `play` given: the choice runs on the night (an empty list: nobody acts)
    std::vector<drill::ResponseAction> play;  ///< the response the choice stands for, in the drill's model-answer form
    int line = 0;
};

/// One decision.
struct Scene {
    std::string id;  ///< the SCORM interaction id
    std::string title;
    std::string text;  ///< may quote {pec}, {inject_at}, {drill}
    std::vector<Choice> choices;
    int line = 0;

    /// The points of the scene's best choice.
    int best_points() const;
};

/// A loaded module file.
struct Module {
    std::filesystem::path file;
    std::string id;     ///< the package's identifier and file name: letters, digits, '-'
    std::string title;
    std::string description;
    drill::DrillFile drill;  ///< the night the scenes happen on
    std::string inject;      ///< the drill's inject whose PEC the figures are about
    int mastery = 80;        ///< percent of the points to pass (SCORM adlcp:masteryscore)
    std::vector<Scene> scenes;

    /// The sum of the scenes' best points: a score of 100 %.
    int max_points() const;
};

/// The figures a feedback text may quote, each measured on the night with the choice's response.
std::span<const std::string_view> played_figures();
/// The figures any text may quote: the night's, known without playing it.
std::span<const std::string_view> night_figures();

/// Loads and validates a module file; errors name FILE:LINE: field. The drill file is loaded too
/// (relative to the module's folder), and every `play` is checked against it.
core::Result<Module> load_module(const std::filesystem::path& file);
/// load_module of a file whose content is `text` (`file` names it and anchors the drill's path).
core::Result<Module> parse_module(std::string_view text, const std::filesystem::path& file);

}  // namespace elearning
