#pragma once
/// Scoring a drill (docs/drills.md, "Scoring"): each trainee, per objective of their role, per
/// measure the drill file names - expected, acceptable, actual, points earned, pass or fail - and
/// overall. The rules (which measures, their limits and points) are the drill file's; this file
/// only measures. The same function scores a live session (the console's drill panel), a headless
/// run and a replayed record, from what the conduct observed (drill/drill_conduct.hpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drill/drill_file.hpp"
#include "sim/drill_record.hpp"

namespace drill {

/// One PEC, once a virtual minute.
struct PecSample {
    sim::Time at = 0;
    std::int64_t queue = 0;            ///< voters waiting for a desk
    std::int64_t left_queue = 0;       ///< voters who left without voting so far
    std::int64_t ballots_waiting = 0;  ///< ballots in the reserve slots of its ballot boxes
    bool acknowledged = false;         ///< the CEC acknowledged its results
    bool wrong_on_page = false;        ///< the public page shows wrong figures for it (PEC 0: the party rows)
    std::int64_t forged_ballots = 0;   ///< ballots issued to collected passports so far (sim::PecResult::forged_ballots)
    std::int64_t reports_cut = 0;      ///< PEC 0 only: PECs' connections a flood closed before their report arrived, so far
    bool page_down = false;            ///< PEC 0 only: the results page did not answer the CEC's probe (a flood on it)
    bool operator==(const PecSample&) const = default;
};

/// What a help desk ticket is about.
struct TicketSubject {
    int pec = 0;
    devices::DeviceKind kind = devices::DeviceKind::fingerprint_scanner;
};

/// What the conduct saw: every PEC an inject names, each minute from the drill's start; what each
/// help desk ticket and which PEC each duty officer alert is about.
struct Observations {
    sim::Time voting_close = 0;
    sim::Time now = 0;                                ///< the last sample's time
    std::map<int, std::vector<PecSample>> pecs;       ///< by PEC number
    std::map<int, TicketSubject> tickets;             ///< by ticket number
    std::map<int, int> alert_pec;                     ///< alert number -> PEC (0: none)
};

/// One measure of one objective for one trainee.
struct MeasureScore {
    MeasureRule rule;
    std::optional<double> actual;  ///< nothing: never happened (no points)
    double earned = 0;
    bool passed = false;
};

/// One objective for one trainee.
struct ObjectiveScore {
    std::string objective;
    std::string trainee;       ///< empty: no trainee of the role acted
    std::optional<sim::Time> fired;  ///< when its inject fired (nothing: it never did)
    int pec = 0;               ///< the inject's PEC
    std::string place;         ///< inject_place of the inject
    std::vector<MeasureScore> measures;
    double earned = 0, points = 0;
    bool passed = false;       ///< every measure passed
};

/// One trainee overall (or "" for the roles nobody played).
struct TraineeScore {
    std::string trainee;
    sim::TraineeRole role = sim::TraineeRole::help_desk;
    double earned = 0, points = 0;
    int objectives = 0, passed = 0;
};

/// The whole drill's scores.
struct DrillScore {
    std::string drill;
    bool final = false;                    ///< scored at the drill's end (else: so far)
    std::vector<ObjectiveScore> objectives;  ///< in the drill's order, then by trainee
    std::vector<TraineeScore> trainees;      ///< by trainee id
};

/// True if a trainee's action is about the inject: a ticket of its PEC and device kind, an alert
/// about its PEC, a chair's action at its PEC (on its desk, for a desk device's inject; on its box,
/// for an ARBB's), a duty officer's hold or release of its PEC.
bool concerns(const sim::TraineeAction& action, const DrillInject& inject, const Observations& seen);

/// Where an inject happened, for people: "PEC 6006"; for the incidents at the CEC "the public page"
/// (a display error), "the results page" or "the CEC's ingest" (a flood).
std::string inject_place(const DrillInject& inject);

/// When each inject fired in a record (actions carrying its name), by inject name.
std::map<std::string, sim::Time> fired_injects(const sim::DrillRecord& record);

/// Scores the record's trainees on the drill's objectives, from `seen` up to seen.now. `final`:
/// the drill is over (seen.now is its end).
DrillScore score_drill(const DrillFile& drill, const sim::DrillRecord& record, const Observations& seen, bool final);

/// "12.5 / 20": a score as the console and the review print it.
std::string format_points(double earned, double points);
/// A measure's value in its unit: "4m30s" for durations, "37" for counts; "never" for nothing.
std::string format_measure(Measure m, std::optional<double> value);

}  // namespace drill
