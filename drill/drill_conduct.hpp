#pragma once
/// Conducting a drill file in a session (docs/drills.md): the session stops at every whole minute
/// of virtual time from the drill's start to its end, and at every inject's or scripted response's
/// time; at each stop the conduct fires the injects that are due (a timed inject at its time, a
/// conditional one at the first minute its condition holds), takes the scripted responses that are
/// due, and samples the PECs the injects name for scoring. Whatever it does goes through the
/// session, so it is recorded: a replay of the record needs no conduct to reproduce the drill, only
/// to score it.
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "drill/drill_file.hpp"
#include "drill/drill_score.hpp"

namespace drill {

class DrillSession;

class DrillConduct {
public:
    /// Who fires the injects: the conduct (a live or headless drill), or the record being replayed.
    enum class Injects : std::uint8_t { fire, from_record };

    /// `responses`: trainees' actions to take as scripted (the model answer, a test's response).
    DrillConduct(DrillFile drill, Injects injects, std::vector<ResponseAction> responses = {});

    /// The next time (>= now) the session must stop at, or the end of time once the drill is over.
    sim::Time next_stop(const DrillSession& session);
    /// At a stop: fires the due injects, takes the due responses, samples the PECs (once per minute).
    void at_stop(DrillSession& session);

    const DrillFile& drill() const { return drill_; }
    const Observations& observations() const { return seen_; }
    /// Scores the session's record so far (final once the world has reached the drill's end).
    DrillScore score(const DrillSession& session) const;
    /// Problems met while conducting (a response refused is no problem: it is recorded and scored).
    const std::vector<std::string>& problems() const { return problems_; }

    static constexpr sim::Time kNever = std::numeric_limits<sim::Time>::max();

private:
    void learn_fired(const DrillSession& session);
    void fire(DrillSession& session, std::size_t inject);
    void fire_timed(DrillSession& session);
    void fire_conditional(DrillSession& session);
    void take_responses(DrillSession& session);
    void sample(DrillSession& session);
    sim::TraineeAction resolved(const ResponseAction& r, DrillSession& session);

    DrillFile drill_;
    Injects mode_;
    std::vector<ResponseAction> responses_;
    std::vector<bool> response_done_;
    std::vector<bool> inject_fired_;        ///< by inject index (fire mode)
    std::map<std::string, sim::Time> fired_;  ///< inject name -> when it fired (from the record)
    std::size_t record_seen_ = 0;
    sim::Time next_minute_ = 0;
    Observations seen_;
    std::vector<std::string> problems_;
};

}  // namespace drill
