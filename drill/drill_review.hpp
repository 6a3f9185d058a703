#pragma once
/// Running drills headless and the after-action review (docs/drills.md): `shailoo drill` runs a
/// drill file with scripted responses to its end, `shailoo review RECORD` replays a drill's record,
/// scores it, and replays the same drill - same seed, same injects at the same times - with the
/// drill's model answer instead of the trainees' actions: the counterfactual. The world is
/// deterministic, so the difference between the two runs is what the trainees' choices cost.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "drill/drill_conduct.hpp"
#include "drill/drill_file.hpp"
#include "drill/drill_score.hpp"
#include "sim/criteria.hpp"
#include "sim/drill_record.hpp"
#include "sim/views.hpp"

namespace drill {

/// One drill run to its end.
struct DrillRun {
    sim::DrillRecord record;
    Observations seen;
    DrillScore score;
    std::vector<sim::LogEntry> consequences;  ///< the inject PECs' event log from the first inject on
    std::vector<std::string> problems;         ///< injects the world refused (DrillConduct::problems)
    std::string date;                          ///< the election day (ISO), from the package
};

/// Runs `drill` headless to its end: its injects fire (or come from `replay`, which then holds them),
/// `responses` are taken as trainees' actions; with `threads` advancing the world.
core::Result<DrillRun> run_drill(const DrillFile& drill, std::optional<sim::DrillRecord> replay, DrillConduct::Injects injects,
                                 std::vector<ResponseAction> responses, int threads);

/// What one PEC of an inject looked like from the inject to the drill's end.
struct PecOutcome {
    int pec = 0;
    std::string place;  ///< inject_place of the inject
    std::optional<sim::Time> fired;
    std::int64_t voters_left = 0;
    std::int64_t queue_minutes = 0;     ///< voter-minutes of waiting
    std::int64_t ballots_at_risk = 0;   ///< most ballots waiting in a reserve slot
    std::int64_t published_minutes = 0; ///< minutes the public page showed wrong figures (PEC 0: its party rows)
    std::int64_t forged_ballots = 0;    ///< ballots issued to collected passports (a desk left open)
    std::int64_t reports_cut = 0;       ///< PECs' reports a flood on the ingest cut off (the inject's PEC 0)
    std::int64_t page_down_minutes = 0; ///< minutes the results page did not answer the CEC's probe (PEC 0)
    std::optional<sim::Time> acknowledged;  ///< when the CEC acknowledged its results
};
/// The outcome at the PEC of inject `name` in a run.
PecOutcome outcome_of(const DrillFile& drill, const DrillRun& run, const std::string& inject);

/// The after-action review of one record.
struct Review {
    DrillFile drill;
    std::filesystem::path record_file;
    DrillRun session;    ///< the record replayed
    DrillRun reference;  ///< the same drill with the model answer
};

/// Replays `record` (it must name its drill file: recorded with --drill) and its counterfactual.
core::Result<Review> review_record(const std::filesystem::path& record_file, int threads);

/// "your response cost 37 voters who left and 220 voter-minutes of waiting at PEC 6006 against the reference".
std::string cost_sentence(const PecOutcome& yours, const PecOutcome& reference);

/// The review as JSON (format: docs/drills.md, "The review").
nlohmann::ordered_json review_json(const Review& review);
/// The review as one self-contained HTML page drawn from `j` (review_json(r)), charts by Chart.js.
std::string review_html(const Review& r, const nlohmann::ordered_json& j);

/// Each trainee's measures as verdicts (objective - trainee, measure, expected, actual and points).
std::vector<sim::Verdict> score_verdicts(const DrillScore& score);
/// The scores as `shailoo drill` and `shailoo review` print them: the measures' table, then each trainee's total.
std::string score_text(const DrillScore& score);

}  // namespace drill
