#include "drill/drill_review.hpp"

// Index of this file:
//   [SECTION] Running a drill headless
//   [SECTION] The counterfactual
//   [SECTION] The review as JSON
//   [SECTION] The review as HTML

#include <fmt/core.h>

#include <algorithm>
#include <chrono>

#include "drill/drill_session.hpp"
#include "sim/html_page.hpp"

namespace drill {

// [SECTION] Running a drill headless

namespace {

// The inject PECs' log from the first inject on, oldest first.
std::vector<sim::LogEntry> consequences(const DrillSession& session, const DrillFile& drill) {
    const auto fired = fired_injects(session.record());
    if (fired.empty()) return {};
    const sim::Time first =
        std::min_element(fired.begin(), fired.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->second;
    std::vector<int> pecs;
    for (const auto& i : drill.injects)
        if (std::find(pecs.begin(), pecs.end(), i.action.pec) == pecs.end()) pecs.push_back(i.action.pec);
    std::vector<sim::LogEntry> out;
    for (int pec : pecs)
        for (auto& e : session.world().log(pec, 100000))
            if (e.at >= first && e.at <= drill.end) out.push_back(std::move(e));
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    return out;
}

}  // namespace

core::Result<DrillRun> run_drill(const DrillFile& drill, std::optional<sim::DrillRecord> replay, DrillConduct::Injects injects,
                                 std::vector<ResponseAction> responses, int threads) {
    const auto wall = std::chrono::steady_clock::now();
    std::optional<std::uint64_t> seed = drill.seed;
    if (replay) seed = replay->seed;
    auto session = DrillSession::open(drill.scenario, seed, std::move(replay), drill.start, wall, threads);
    if (!session) return std::unexpected(session.error());
    DrillSession& s = **session;
    s.attach(std::make_unique<DrillConduct>(drill, injects, std::move(responses)));
    if (auto ok = s.run_to(drill.end, wall); !ok) return std::unexpected(ok.error());
    DrillRun run;
    run.record = s.record();
    run.seen = s.conduct()->observations();
    run.score = s.conduct()->score(s);
    run.consequences = consequences(s, drill);
    run.problems = s.conduct()->problems();
    run.date = s.package().date;
    return run;
}

PecOutcome outcome_of(const DrillFile& drill, const DrillRun& run, const std::string& inject) {
    PecOutcome o;
    const DrillInject* in = drill.inject(inject);
    if (!in) return o;
    o.pec = in->action.pec;
    o.place = inject_place(*in);
    const auto fired = fired_injects(run.record);
    const auto f = fired.find(inject);
    if (f == fired.end()) return o;
    o.fired = f->second;
    const auto it = run.seen.pecs.find(o.pec);
    if (it == run.seen.pecs.end()) return o;
    const PecSample* first = nullptr;
    for (const PecSample& s : it->second) {
        if (s.at < f->second) continue;
        if (!first) first = &s;
        o.voters_left = s.left_queue - first->left_queue;
        o.queue_minutes += s.queue;
        o.ballots_at_risk = std::max(o.ballots_at_risk, s.ballots_waiting);
        o.published_minutes += s.wrong_on_page ? 1 : 0;
        o.forged_ballots = s.forged_ballots - first->forged_ballots;
        o.reports_cut = s.reports_cut - first->reports_cut;
        o.page_down_minutes += s.page_down ? 1 : 0;
        if (s.acknowledged && !o.acknowledged) o.acknowledged = s.at;
    }
    return o;
}

// [SECTION] The counterfactual

core::Result<Review> review_record(const std::filesystem::path& record_file, int threads) {
    auto record = sim::load_drill_record(record_file);
    if (!record) return std::unexpected(record.error());
    if (record->drill.empty())
        return core::fail(fmt::format("{}: the record names no drill file (record a drill with `shailoo train --drill FILE --record` "
                                      "or `shailoo drill FILE --record`)", record_file.string()));
    auto drill = load_drill_file(record->drill);
    if (!drill) return std::unexpected(drill.error());
    Review review{*drill, record_file, {}, {}};
    // The trainees' session: the record replayed (it holds the injects and every action).
    auto session = run_drill(review.drill, *record, DrillConduct::Injects::from_record, {}, threads);
    if (!session) return std::unexpected(session.error());
    review.session = std::move(*session);
    // The reference: the same injects at the same times, the model answer instead of the trainees.
    sim::DrillRecord injects_only = *record;
    std::erase_if(injects_only.actions, [](const sim::RecordedAction& a) { return a.trainee.has_value(); });
    auto reference = run_drill(review.drill, injects_only, DrillConduct::Injects::from_record, review.drill.model_answer, threads);
    if (!reference) return std::unexpected(reference.error());
    review.reference = std::move(*reference);
    return review;
}

std::string cost_sentence(const PecOutcome& yours, const PecOutcome& ref) {
    const std::string where = (yours.pec == 0 ? "on " : "at ") + yours.place;
    if (!yours.fired) return fmt::format("the inject {} never fired", where);
    std::vector<std::string> cost, saved;
    const auto add = [&](std::int64_t n, std::string_view one, std::string_view many) {
        if (n != 0) (n > 0 ? cost : saved).push_back(fmt::format("{} {}", std::abs(n), std::abs(n) == 1 ? one : many));
    };
    add(yours.voters_left - ref.voters_left, "voter who left", "voters who left");
    add(yours.queue_minutes - ref.queue_minutes, "voter-minute of waiting", "voter-minutes of waiting");
    add(yours.ballots_at_risk - ref.ballots_at_risk, "ballot uncounted in a reserve slot", "ballots uncounted in a reserve slot");
    add(yours.published_minutes - ref.published_minutes, "minute of wrong figures on the public page", "minutes of wrong figures on the public page");
    add(yours.forged_ballots - ref.forged_ballots, "ballot issued to a collected passport", "ballots issued to collected passports");
    add(yours.reports_cut - ref.reports_cut, "report cut off on its way to the ingest", "reports cut off on their way to the ingest");
    add(yours.page_down_minutes - ref.page_down_minutes, "minute the results page did not answer", "minutes the results page did not answer");
    std::string never;
    if (yours.acknowledged && ref.acknowledged)
        add((*yours.acknowledged - *ref.acknowledged) / core::kMinute, "minute's delay of its results at the CEC", "minutes' delay of its results at the CEC");
    else if (!yours.acknowledged && ref.acknowledged)
        never = fmt::format("; its results never reached the CEC, the reference's did at {}", core::clock_time(*ref.acknowledged));
    else if (yours.acknowledged && !ref.acknowledged)
        never = fmt::format("; its results reached the CEC at {}, the reference's never did", core::clock_time(*yours.acknowledged));
    const auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
        return out;
    };
    if (cost.empty() && saved.empty()) return fmt::format("{} your response cost what the reference's did{}", where, never);
    std::string out = fmt::format("{} your response", where);
    if (!cost.empty()) out += " cost " + join(cost);
    if (!saved.empty()) out += fmt::format("{} saved {}", cost.empty() ? "" : ",", join(saved));
    return out + " against the reference" + never;
}

std::vector<sim::Verdict> score_verdicts(const DrillScore& score) {
    std::vector<sim::Verdict> out;
    for (const ObjectiveScore& o : score.objectives)
        for (const MeasureScore& m : o.measures) {
            const Measure k = m.rule.measure;
            out.push_back({fmt::format("{} - {}", o.objective, o.trainee.empty() ? "nobody" : o.trainee),
                           fmt::format("{}, inject at {}", o.place, o.fired ? core::clock_time(*o.fired) : "never"), std::string(to_string(k)),
                           fmt::format("{} (acceptable {})", format_measure(k, m.rule.expected), format_measure(k, m.rule.acceptable)),
                           fmt::format("{}: {} points", format_measure(k, m.actual), format_points(m.earned, m.rule.points)), m.passed, false});
        }
    return out;
}

std::string score_text(const DrillScore& score) {
    std::string out = sim::verdict_table(score_verdicts(score), {.title = "Objectives", .column = "objective - trainee", .none = "none"});
    for (const TraineeScore& t : score.trainees)
        out += fmt::format("{} ({}): {} points, {} of {} objectives passed{}\n", t.trainee.empty() ? "nobody" : t.trainee, sim::to_string(t.role),
                           format_points(t.earned, t.points), t.passed, t.objectives, score.final ? "" : " (so far)");
    return out;
}

// [SECTION] The review as JSON

namespace {

using json = nlohmann::ordered_json;

std::string hhmm(sim::Time t) { return core::clock_time(t); }

json measures_json(const std::vector<MeasureScore>& measures) {
    json out = json::array();
    for (const MeasureScore& m : measures) {
        const Measure k = m.rule.measure;
        json j{{"measure", to_string(k)}, {"expected", m.rule.expected}, {"acceptable", m.rule.acceptable}};
        j["actual"] = m.actual ? json(*m.actual) : json(nullptr);
        j["expected_text"] = format_measure(k, m.rule.expected);
        j["acceptable_text"] = format_measure(k, m.rule.acceptable);
        j["actual_text"] = format_measure(k, m.actual);
        j["points"] = m.rule.points;
        j["earned"] = m.earned;
        j["passed"] = m.passed;
        out.push_back(std::move(j));
    }
    return out;
}

json objective_score_json(const ObjectiveScore& o) {
    return json{{"trainee", o.trainee}, {"earned", o.earned}, {"points", o.points}, {"passed", o.passed}, {"measures", measures_json(o.measures)}};
}

json objectives_json(const Review& r) {
    json out = json::array();
    for (const DrillObjective& o : r.drill.objectives) {
        const DrillInject* inject = r.drill.inject(o.inject);
        json j{{"name", o.name}, {"role", sim::to_string(o.role)}, {"inject", o.inject}, {"pec", inject->action.pec}};
        json steps = json::array();
        for (auto s : o.steps) steps.push_back(sim::to_string(s));
        j["steps"] = steps;
        j["trainees"] = json::array();
        for (const ObjectiveScore& s : r.session.score.objectives)
            if (s.objective == o.name) {
                j["fired"] = s.fired ? json(hhmm(*s.fired)) : json(nullptr);
                j["trainees"].push_back(objective_score_json(s));
            }
        for (const ObjectiveScore& s : r.reference.score.objectives)
            if (s.objective == o.name && !j.contains("reference")) j["reference"] = objective_score_json(s);
        out.push_back(std::move(j));
    }
    return out;
}

json outcome_json(const PecOutcome& o) {
    return json{{"voters_left", o.voters_left}, {"queue_minutes", o.queue_minutes}, {"ballots_at_risk", o.ballots_at_risk},
                {"published_minutes", o.published_minutes}, {"forged_ballots", o.forged_ballots}, {"reports_cut", o.reports_cut}, {"page_down_minutes", o.page_down_minutes}, {"acknowledged", o.acknowledged ? json(hhmm(*o.acknowledged)) : json(nullptr)}};
}

json counterfactual_json(const Review& r) {
    json out = json::array();
    for (const DrillInject& i : r.drill.injects) {
        const PecOutcome yours = outcome_of(r.drill, r.session, i.name), ref = outcome_of(r.drill, r.reference, i.name);
        out.push_back(json{{"inject", i.name}, {"pec", i.action.pec}, {"fired", yours.fired ? json(hhmm(*yours.fired)) : json(nullptr)},
                           {"yours", outcome_json(yours)}, {"reference", outcome_json(ref)},
                           {"difference", {{"voters_left", yours.voters_left - ref.voters_left},
                                           {"queue_minutes", yours.queue_minutes - ref.queue_minutes},
                                           {"ballots_at_risk", yours.ballots_at_risk - ref.ballots_at_risk},
                                           {"published_minutes", yours.published_minutes - ref.published_minutes},
                                           {"forged_ballots", yours.forged_ballots - ref.forged_ballots},
                                           {"reports_cut", yours.reports_cut - ref.reports_cut},
                                           {"page_down_minutes", yours.page_down_minutes - ref.page_down_minutes},
                                           {"late_minutes", yours.acknowledged && ref.acknowledged
                                                                ? json((*yours.acknowledged - *ref.acknowledged) / core::kMinute)
                                                                : json(nullptr)}}},
                           {"sentence", cost_sentence(yours, ref)}});
    }
    return out;
}

json timeline_json(const Review& r) {
    json out = json::array();
    for (const auto& a : r.session.record.actions) {
        json e{{"at", core::clock_time(a.issued, core::ClockText::seconds)}};
        if (a.trainee) {
            e["kind"] = a.refused.empty() ? "action" : "refused";
            e["who"] = a.trainee->trainee;
            e["text"] = a.refused.empty() ? sim::describe(*a.trainee) : fmt::format("{}: refused: {}", sim::describe(*a.trainee), a.refused);
        } else {
            e["kind"] = a.inject.empty() ? "instructor" : "inject";
            e["who"] = a.inject.empty() ? "instructor" : a.inject;
            const std::string text = describe(a, "");
            e["text"] = text.starts_with("instructor: ") ? text.substr(12) : text;
        }
        out.push_back(std::move(e));
    }
    for (const auto& c : r.session.consequences) {
        if (c.text.starts_with("PEC chair ")) continue;  // the chair's actions are rows of their own above
        out.push_back(json{{"at", core::clock_time(c.at, core::ClockText::seconds)}, {"kind", "event"}, {"who", fmt::format("PEC {}", c.pec)},
                           {"text", c.text}});
    }
    std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["at"].get<std::string>() < b["at"].get<std::string>(); });
    return out;
}

json series_json(const Review& r) {
    json out = json::array();
    for (const auto& [pec, samples] : r.session.seen.pecs) {
        json s{{"pec", pec}, {"at", json::array()}};
        for (const char* key : {"queue", "left", "waiting", "reference_queue", "reference_left", "reference_waiting"}) s[key] = json::array();
        for (const PecSample& x : samples) {
            s["at"].push_back(hhmm(x.at));
            s["queue"].push_back(x.queue);
            s["left"].push_back(x.left_queue);
            s["waiting"].push_back(x.ballots_waiting);
        }
        if (const auto ref = r.reference.seen.pecs.find(pec); ref != r.reference.seen.pecs.end())
            for (const PecSample& x : ref->second) {
                s["reference_queue"].push_back(x.queue);
                s["reference_left"].push_back(x.left_queue);
                s["reference_waiting"].push_back(x.ballots_waiting);
            }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

json review_json(const Review& r) {
    json trainees = json::array();
    for (const TraineeScore& t : r.session.score.trainees)
        trainees.push_back(json{{"trainee", t.trainee}, {"role", sim::to_string(t.role)}, {"earned", t.earned}, {"points", t.points},
                                {"objectives", t.objectives}, {"passed", t.passed}});
    json reference = json::array();
    for (const TraineeScore& t : r.reference.score.trainees)
        reference.push_back(json{{"trainee", t.trainee}, {"role", sim::to_string(t.role)}, {"earned", t.earned}, {"points", t.points}});
    json problems = json::array();
    for (const auto& p : r.session.problems) problems.push_back(p);
    return json{{"drill", r.drill.name},
                {"drill_file", r.drill.file.generic_string()},
                {"record", r.record_file.generic_string()},
                {"scenario", r.session.record.scenario_name},
                {"seed", r.session.record.seed},
                {"date", r.session.date},
                {"end", hhmm(r.drill.end)},
                {"trainees", trainees},
                {"reference", {{"what", "the drill's model answer, same seed, same injects at the same times"}, {"scores", reference}}},
                {"objectives", objectives_json(r)},
                {"counterfactual", counterfactual_json(r)},
                {"series", series_json(r)},
                {"timeline", timeline_json(r)},
                {"problems", problems}};
}

// [SECTION] The review as HTML

namespace {

// The review's charts (one per inject PEC: its queue and the voters who left, yours and the reference's).
constexpr std::string_view kReviewScript = R"js(
"use strict";
(function ({ data, colour, axisTitle, draw }) {
  const charts = {};
  for (const s of data.series) {
    charts["pec-" + s.pec] = (canvas) => new Chart(canvas, { type: "line",
      data: { labels: s.at.map((t) => t.slice(0, 5)), datasets: [
        { label: "queue, your drill", data: s.queue, borderColor: colour(2), backgroundColor: colour(2), pointRadius: 0, borderWidth: 2 },
        { label: "queue, reference", data: s.reference_queue, borderColor: colour(0), backgroundColor: colour(0), pointRadius: 0, borderDash: [6, 3] },
        { label: "left without voting, your drill", data: s.left, borderColor: colour(1), backgroundColor: colour(1), pointRadius: 0, yAxisID: "left" },
        { label: "left without voting, reference", data: s.reference_left, borderColor: colour(4), backgroundColor: colour(4), pointRadius: 0,
          borderDash: [6, 3], yAxisID: "left" }] },
      options: { scales: { x: { title: axisTitle("time of day"), ticks: { maxRotation: 0, autoSkipPadding: 16 } }, y: { min: 0, title: axisTitle("voters waiting") },
                           left: { position: "right", min: 0, title: axisTitle("voters who left (so far)"), grid: { drawOnChartArea: false } } },
                 plugins: { legend: { position: "bottom" } } } });
    charts["reserve-" + s.pec] = (canvas) => new Chart(canvas, { type: "line",
      data: { labels: s.at.map((t) => t.slice(0, 5)), datasets: [
        { label: "ballots in a reserve slot, your drill", data: s.waiting, borderColor: colour(2), backgroundColor: colour(2), pointRadius: 0,
          borderWidth: 2 },
        { label: "ballots in a reserve slot, reference", data: s.reference_waiting, borderColor: colour(0), backgroundColor: colour(0),
          pointRadius: 0, borderDash: [6, 3] }] },
      options: { scales: { x: { title: axisTitle("time of day"), ticks: { maxRotation: 0, autoSkipPadding: 16 } },
                           y: { min: 0, title: axisTitle("ballots waiting uncounted") } },
                 plugins: { legend: { position: "bottom" } } } });
  }
  draw(charts);
})(shailooReport);
)js";

std::string counterfactual_html(const json& j) {
    std::string out = "<section id=\"counterfactual\"><h2>Against the reference</h2>\n<p>The same drill, same seed, the same injects at the "
                      "same times, with the drill's model answer instead of your actions:</p>\n<ul>\n";
    for (const json& c : j["counterfactual"])
        out += fmt::format("<li data-inject=\"{}\">{}: {}.</li>\n", sim::html::escape(c["inject"].get<std::string>()),
                           sim::html::escape(c["inject"].get<std::string>()), sim::html::escape(c["sentence"].get<std::string>()));
    return out + "</ul></section>\n";
}

std::string timeline_html(const json& j) {
    // The who column does not wrap (an inject's name); a refused action stands out.
    std::string out = "<section id=\"timeline\"><h2>Timeline</h2>\n<style>#timeline td:nth-child(2) { white-space: nowrap; } "
                      "#timeline tr.refused td { color: #b42318; }</style>\n"
                      "<table class=\"verdicts\"><tr><th>time</th><th>who</th><th>what</th></tr>\n";
    for (const json& e : j["timeline"])
        out += fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>\n", e["kind"].get<std::string>(),
                           sim::html::escape(e["at"].get<std::string>()), sim::html::escape(e["who"].get<std::string>()),
                           sim::html::escape(e["text"].get<std::string>()));
    return out + "</table></section>\n";
}

}  // namespace

std::string review_html(const Review& r, const json& j) {
    std::vector<std::pair<std::string, std::string>> headline;
    for (const json& t : j["trainees"])
        headline.emplace_back(fmt::format("{} ({})", t["trainee"].get<std::string>().empty() ? "nobody" : t["trainee"].get<std::string>(),
                                          t["role"].get<std::string>()),
                              format_points(t["earned"], t["points"]));
    for (const json& t : j["reference"]["scores"])
        headline.emplace_back(fmt::format("reference ({})", t["role"].get<std::string>()), format_points(t["earned"], t["points"]));
    sim::html::Page page{.title = fmt::format("After-action review: {}", j["drill"].get<std::string>()),
                         .heading = j["drill"].get<std::string>(),
                         .subtitle = fmt::format("after-action review of {} - scenario {}, seed {}, election day {}", j["record"].get<std::string>(),
                                                 j["scenario"].get<std::string>(), j["seed"].get<std::uint64_t>(), j["date"].get<std::string>()),
                         .data = json{{"series", j["series"]}},
                         .script = kReviewScript,
                         .footer = "Made by <code>shailoo review</code> (docs/drills.md)."};
    std::string charts = "<section id=\"charts\"><h2>At the PECs of the injects</h2>\n";
    for (const json& s : j["series"]) {
        const int pec = s["pec"].get<int>();
        charts += sim::html::chart_figure(fmt::format("pec-{}", pec), fmt::format("PEC {}: voters", pec), 280,
                                          "Voters waiting for a desk, and voters who left without voting, once a minute: your drill "
                                          "(solid) against the reference (dashed).");
        charts += sim::html::chart_figure(fmt::format("reserve-{}", pec), fmt::format("PEC {}: ballots", pec), 220,
                                          "Ballots waiting uncounted in the reserve slots of its ARBBs, once a minute: your drill (solid) "
                                          "against the reference (dashed).");
        page.charts += 2;
    }
    charts += "</section>\n";
    page.body = sim::html::headline_section(headline) + counterfactual_html(j) +
                sim::html::verdicts_section(score_verdicts(r.session.score), {.title = "Objectives", .column = "objective - trainee",
                                                                                  .figure = "measure", .none = "The drill has no objectives."}) +
                charts + timeline_html(j);
    return sim::html::page(page);
}

}  // namespace drill
