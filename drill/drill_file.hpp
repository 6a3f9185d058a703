#pragma once
/// A drill file (`drills/*.yaml`, format: docs/drills.md): the exercise a trainer runs - the scenario,
/// the roles trainees play, the injects (a master scenario events list: at a time or when a condition
/// first holds), the objectives with their expected actions and the rules that score them
/// (expected / acceptable / actual, as CARLA ScenarioRunner's criteria), and the model answer the
/// after-action review replays as the reference.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/yaml_fields.hpp"
#include "kernel/engine.hpp"
#include "sim/fault_action.hpp"
#include "sim/incident.hpp"
#include "sim/trainee_action.hpp"

namespace drill {

/// When a conditional inject fires: the first whole minute of virtual time at which the condition
/// holds at its PEC (checked every minute from the drill's start, so a live session, a headless run
/// and a replay fire it at the same time).
struct InjectCondition {
    enum class What : std::uint8_t { queue_above, voters_above } what = What::queue_above;
    std::int64_t value = 0;
};

/// One inject, at a time or when a condition first holds: a fault put into one PEC's device, or a
/// cyber incident (sim/incident.hpp) done to the running chain.
struct DrillInject {
    std::string name;                     ///< unique in the drill; objectives and the model answer name it
    std::optional<sim::Time> at;          ///< a timed inject
    std::optional<InjectCondition> when;  ///< a conditional inject (exactly one of at / when)
    sim::FaultAction action;              ///< pec, target, unit, fault, severity, duration, replace, support (action.at unused)
    std::optional<sim::Incident> incident;  ///< an incident instead of a fault (action.pec is its PEC, 0 for display_error)
    int line = 0;
};

/// What a measure measures (how: docs/drills.md, "Measures"). Every measure is "lower is better".
enum class Measure : std::uint8_t {
    time_to_acknowledge,  ///< seconds from the inject to the trainee's first accepted action on it
    time_to_resolve,      ///< seconds from the inject to the last expected step done
    steps_out_of_order,   ///< expected steps not done in the expected order
    voters_left,          ///< voters who left the inject's PEC's queue without voting, from the inject on
    queue_minutes,        ///< voter-minutes of waiting at the inject's PEC, from the inject on
    ballots_at_risk,      ///< most ballots waiting uncounted in a reserve slot at the PEC, from the inject on
    report_delay,         ///< seconds from voting close to the CEC's acknowledgement of the PEC's results
    published_minutes,    ///< minutes the public page showed wrong figures (the inject's PEC's; a display error's: the party rows), from the inject on
    forged_ballots,       ///< ballots issued at the inject's PEC to collected passports at a desk left open (desk_break), from the inject on
    reports_cut,          ///< PECs' reports whose connection a flood on the ingest closed before they arrived, from the inject on
    page_down_minutes,    ///< minutes the results page did not answer the CEC's probe (a flood on it), from the inject on
};
std::string_view to_string(Measure m);
std::optional<Measure> measure_from(std::string_view name);
/// True for the measures given in seconds (written and read as durations: "5m").
bool is_duration(Measure m);

/// One scoring rule of an objective: full points at or under `expected`, none over `acceptable`,
/// linear in between; the measure passes at or under `acceptable`.
struct MeasureRule {
    Measure measure = Measure::time_to_acknowledge;
    double expected = 0;    ///< seconds for durations, else a count
    double acceptable = 0;  ///< >= expected
    double points = 0;
    int line = 0;
};

/// An exercise objective: what one role must do about one inject, and how it is scored.
struct DrillObjective {
    std::string name;
    sim::TraineeRole role = sim::TraineeRole::help_desk;
    std::string inject;                 ///< the inject it is about (its PEC and time)
    std::vector<sim::TraineeDo> steps;  ///< the expected actions, in order
    std::vector<MeasureRule> measures;
    int line = 0;
};

/// One action of a scripted response (the model answer, or a test's good or poor response): a
/// trainee's action taken a delay after an inject fired. A PEC, ticket or alert left out is the
/// inject's: its PEC, the newest ticket of its PEC, the newest alert about its PEC.
struct ResponseAction {
    std::string after;     ///< the inject
    sim::Time delay = 0;   ///< after the inject fired
    sim::TraineeAction action;
    bool pec_given = false, ticket_given = false, alert_given = false;
    int line = 0;
};

/// A loaded drill file.
struct DrillFile {
    std::filesystem::path file;
    std::string name;         ///< `drill`
    std::string description;
    std::filesystem::path scenario;  ///< resolved against the drill file's folder
    std::optional<std::uint64_t> seed;
    sim::Time start = 0;      ///< the console starts here (default 06:30)
    sim::Time end = 0;        ///< scoring and a headless run end here (default 22:00)
    std::vector<sim::TraineeRole> roles;
    std::vector<DrillInject> injects;
    std::vector<DrillObjective> objectives;
    std::vector<ResponseAction> model_answer;

    /// The inject with this name, or nullptr.
    const DrillInject* inject(std::string_view name) const;
};

/// Loads and validates a drill file; errors name FILE:LINE: field. Every name an objective or the
/// model answer uses must exist, every objective's role must be one of `roles`.
core::Result<DrillFile> load_drill_file(const std::filesystem::path& file);
/// load_drill_file of a file whose content is `text` (nothing is read; `file` names it in errors and
/// a relative `scenario` is resolved against its folder).
core::Result<DrillFile> parse_drill_file(std::string_view text, const std::filesystem::path& file);

/// A scripted response file (`responses: [...]`, the model answer's form; docs/drills.md), checked
/// against the drill's injects.
core::Result<std::vector<ResponseAction>> load_responses(const std::filesystem::path& file, const DrillFile& drill);
core::Result<std::vector<ResponseAction>> parse_responses(std::string_view text, const std::filesystem::path& file, const DrillFile& drill);
/// The list of actions at `list` (field `field` of the file `r` reads), each checked against the drill:
/// the form of `model_answer` and of a response file's `responses`. An absent or empty list is no action.
core::Result<std::vector<ResponseAction>> read_response_list(const core::YamlReader& r, const YAML::Node& list, const std::string& field,
                                                             const DrillFile& drill);

}  // namespace drill
