#include "drill/drill_score.hpp"

// Index of this file:
//   [SECTION] What a trainee did about an inject
//   [SECTION] What the world shows
//   [SECTION] Points
//   [SECTION] Scoring a drill

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace drill {

// [SECTION] What a trainee did about an inject

namespace {

double seconds(sim::Time t) { return static_cast<double>(t / core::kSecond); }

// The trainee's accepted actions of the objective's role about the inject's PEC, from when it fired.
std::vector<const sim::RecordedAction*> actions_on(const sim::DrillRecord& record, const std::string& trainee, sim::TraineeRole role,
                                                   const DrillInject& inject, sim::Time fired, const Observations& seen) {
    std::vector<const sim::RecordedAction*> out;
    for (const auto& r : record.actions)
        if (r.trainee && r.refused.empty() && r.trainee->trainee == trainee && sim::role_of(r.trainee->what) == role && r.issued >= fired &&
            concerns(*r.trainee, inject, seen))
            out.push_back(&r);
    return out;
}

struct Steps {
    int out_of_order = 0;
    std::optional<sim::Time> done;  // when the last expected step was done in order
};

// The expected steps matched in order against what was done (a step done out of order does not count).
Steps match_steps(const std::vector<sim::TraineeDo>& expected, const std::vector<const sim::RecordedAction*>& done) {
    std::size_t j = 0;
    sim::Time last = 0;
    for (const auto* r : done)
        if (j < expected.size() && r->trainee->what == expected[j]) {
            ++j;
            last = r->issued;
        }
    Steps s;
    s.out_of_order = static_cast<int>(expected.size() - j);
    if (j == expected.size() && !expected.empty()) s.done = last;
    return s;
}

// [SECTION] What the world shows

// The samples of the PEC from the inject on.
std::vector<PecSample> since(const Observations& seen, int pec, sim::Time fired) {
    std::vector<PecSample> out;
    if (const auto it = seen.pecs.find(pec); it != seen.pecs.end())
        for (const auto& s : it->second)
            if (s.at >= fired) out.push_back(s);
    return out;
}

std::optional<double> world_measure(Measure m, const std::vector<PecSample>& s, const Observations& seen) {
    if (s.empty()) return std::nullopt;
    switch (m) {
        case Measure::voters_left: return static_cast<double>(s.back().left_queue - s.front().left_queue);
        case Measure::queue_minutes: {
            double sum = 0;
            for (const auto& x : s) sum += static_cast<double>(x.queue);
            return sum;
        }
        case Measure::ballots_at_risk: {
            std::int64_t most = 0;
            for (const auto& x : s) most = std::max(most, x.ballots_waiting);
            return static_cast<double>(most);
        }
        case Measure::forged_ballots: return static_cast<double>(s.back().forged_ballots - s.front().forged_ballots);
        case Measure::reports_cut: return static_cast<double>(s.back().reports_cut - s.front().reports_cut);
        case Measure::page_down_minutes:
            return static_cast<double>(std::count_if(s.begin(), s.end(), [](const PecSample& x) { return x.page_down; }));
        case Measure::published_minutes:
            return static_cast<double>(std::count_if(s.begin(), s.end(), [](const PecSample& x) { return x.wrong_on_page; }));
        case Measure::report_delay:
            for (const auto& x : s)
                if (x.acknowledged) return seconds(std::max<sim::Time>(0, x.at - seen.voting_close));
            return std::nullopt;
        default: return std::nullopt;
    }
}

// [SECTION] Points

MeasureScore rate(const MeasureRule& rule, std::optional<double> actual) {
    MeasureScore m{rule, actual, 0.0, false};
    if (!actual) return m;
    m.passed = *actual <= rule.acceptable;
    if (*actual <= rule.expected) m.earned = rule.points;
    else if (m.passed) m.earned = rule.points * (rule.acceptable - *actual) / (rule.acceptable - rule.expected);
    m.earned = std::round(m.earned * 100.0) / 100.0;  // what the reports print, so totals add up
    return m;
}

ObjectiveScore score_objective(const DrillObjective& o, const DrillFile& drill, const std::string& trainee, const sim::DrillRecord& record,
                               const std::map<std::string, sim::Time>& fired, const Observations& seen) {
    ObjectiveScore os;
    os.objective = o.name;
    os.trainee = trainee;
    os.pec = drill.inject(o.inject)->action.pec;
    os.place = inject_place(*drill.inject(o.inject));
    const auto f = fired.find(o.inject);
    if (f != fired.end()) os.fired = f->second;
    std::vector<const sim::RecordedAction*> done;
    if (os.fired && !trainee.empty()) done = actions_on(record, trainee, o.role, *drill.inject(o.inject), *os.fired, seen);
    const Steps steps = match_steps(o.steps, done);
    const auto samples = os.fired ? since(seen, os.pec, *os.fired) : std::vector<PecSample>{};
    for (const MeasureRule& rule : o.measures) {
        std::optional<double> actual;
        if (os.fired) switch (rule.measure) {
                case Measure::time_to_acknowledge:
                    if (!done.empty()) actual = seconds(done.front()->issued - *os.fired);
                    break;
                case Measure::time_to_resolve:
                    if (steps.done) actual = seconds(*steps.done - *os.fired);
                    break;
                case Measure::steps_out_of_order: actual = steps.out_of_order; break;
                default: actual = world_measure(rule.measure, samples, seen);
            }
        os.measures.push_back(rate(rule, actual));
        os.earned += os.measures.back().earned;
        os.points += rule.points;
    }
    os.passed = std::all_of(os.measures.begin(), os.measures.end(), [](const MeasureScore& m) { return m.passed; });
    return os;
}

}  // namespace

// [SECTION] Scoring a drill

std::string inject_place(const DrillInject& inject) {
    if (inject.action.pec != 0) return fmt::format("PEC {}", inject.action.pec);
    if (inject.incident && inject.incident->kind == sim::IncidentKind::flood) return inject.incident->on_page ? "the results page" : "the CEC's ingest";
    return "the public page";
}

bool concerns(const sim::TraineeAction& a, const DrillInject& inject, const Observations& seen) {
    const sim::FaultAction& f = inject.action;
    switch (sim::role_of(a.what)) {
        case sim::TraineeRole::help_desk: {
            const auto t = seen.tickets.find(a.ticket);
            return t != seen.tickets.end() && t->second.pec == f.pec && t->second.kind == sim::device_kind_of(f.target);
        }
        case sim::TraineeRole::pec_chair: {
            if (a.pec != f.pec) return false;
            const bool arbb = sim::device_kind_of(f.target) == devices::DeviceKind::ballot_scanner;
            switch (a.what) {
                case sim::TraineeDo::paper_list: case sim::TraineeDo::devices_back: return !arbb && f.target != sim::FaultTarget::modem &&
                                                                                       f.target != sim::FaultTarget::power && a.unit == f.unit;
                case sim::TraineeDo::stationary_box: case sim::TraineeDo::feed_reserve:
                    return f.target == sim::FaultTarget::power || f.target == sim::FaultTarget::arbb_any ||
                           (arbb && a.box == (f.target == sim::FaultTarget::arbb_party_list ? 0 : 1));
                case sim::TraineeDo::backup_channel: return f.target == sim::FaultTarget::modem;
                case sim::TraineeDo::refuse_pin: case sim::TraineeDo::give_pin: case sim::TraineeDo::lock_desk:
                    return !inject.incident || a.unit == inject.incident->desk;
                default: return true;
            }
        }
        case sim::TraineeRole::duty_officer:
            if (a.what != sim::TraineeDo::acknowledge) return a.pec == f.pec;
            if (const auto al = seen.alert_pec.find(a.alert); al != seen.alert_pec.end()) return al->second == f.pec;
            return false;
    }
    return false;
}

std::map<std::string, sim::Time> fired_injects(const sim::DrillRecord& record) {
    std::map<std::string, sim::Time> fired;
    for (const auto& r : record.actions)
        if (!r.inject.empty()) fired.emplace(r.inject, r.issued);
    return fired;
}

DrillScore score_drill(const DrillFile& drill, const sim::DrillRecord& record, const Observations& seen, bool final) {
    DrillScore score;
    score.drill = drill.name;
    score.final = final;
    const auto fired = fired_injects(record);
    // Who played which role (a trainee may act in several).
    std::map<sim::TraineeRole, std::set<std::string>> players;
    for (const auto& r : record.actions)
        if (r.trainee) players[sim::role_of(r.trainee->what)].insert(r.trainee->trainee);
    std::map<std::pair<std::string, sim::TraineeRole>, TraineeScore> totals;
    for (const DrillObjective& o : drill.objectives) {
        std::set<std::string> who = players[o.role];
        if (who.empty()) who.insert("");  // nobody played the role: the objective still counts, with no actions
        for (const std::string& t : who) {
            score.objectives.push_back(score_objective(o, drill, t, record, fired, seen));
            TraineeScore& ts = totals[{t, o.role}];
            ts.trainee = t;
            ts.role = o.role;
            ts.earned += score.objectives.back().earned;
            ts.points += score.objectives.back().points;
            ++ts.objectives;
            ts.passed += score.objectives.back().passed ? 1 : 0;
        }
    }
    for (auto& [key, ts] : totals) {
        ts.earned = std::round(ts.earned * 100.0) / 100.0;
        score.trainees.push_back(ts);
    }
    return score;
}

std::string format_points(double earned, double points) { return fmt::format("{:g} / {:g}", earned, points); }

std::string format_measure(Measure m, std::optional<double> value) {
    if (!value) return "never";
    if (is_duration(m)) return sim::format_duration(static_cast<sim::Time>(std::llround(*value)) * core::kSecond);
    return fmt::format("{:g}", *value);
}

}  // namespace drill
