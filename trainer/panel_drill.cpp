// Drill panel, a tab of the fault injection panel while the console conducts a drill
// (`shailoo train --drill FILE`, or the replay of a drill's record): the drill's injects and when they
// fired or wait to fire, each trainee's total, and each objective per trainee with its measures -
// expected, acceptable, actual, points, pass or fail - marked "so far" until the drill's end. The
// scores are drill::DrillConduct::score, recomputed at once after an action and at most four times a
// second while time passes (scoring reads the whole record and every sample).
#include <fmt/core.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "trainer/panels.hpp"

namespace trainer {
namespace {

const ImVec4 kPass(0.5f, 0.85f, 0.5f, 1), kFail(1, 0.4f, 0.4f, 1), kWaiting(0.7f, 0.7f, 0.75f, 1), kFired(1, 0.65f, 0.3f, 1);

void refresh(const drill::DrillSession& session, DrillPanelState& st, double wall) {
    const sim::Time now = session.world().now();
    const std::size_t actions = session.record().actions.size();
    const bool acted = actions != st.cached_actions;
    if (st.score && !acted && (now == st.cached_at || wall - st.cached_wall < 0.25)) return;
    st.score = session.conduct()->score(session);
    st.fired = drill::fired_injects(session.record());
    st.cached_wall = wall;
    st.cached_at = now;
    st.cached_actions = actions;
}

std::string inject_state(const drill::DrillInject& in, const DrillPanelState& st) {
    if (const auto f = st.fired.find(in.name); f != st.fired.end()) return "fired at " + core::clock_time(f->second, core::ClockText::minutes);
    if (in.at) return "waiting for " + core::clock_time(*in.at, core::ClockText::minutes);
    const bool queue = in.when && in.when->what == drill::InjectCondition::What::queue_above;
    return fmt::format("waiting for its condition ({} above {})", queue ? "queue" : "voters", in.when ? in.when->value : 0);
}

// Starts a table whose columns share the width by `weights`, with a header row.
bool begin_table(const char* id, std::initializer_list<std::pair<const char*, float>> columns) {
    if (!ImGui::BeginTable(id, static_cast<int>(columns.size()), ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) return false;
    for (const auto& [h, weight] : columns) ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthStretch, weight);
    ImGui::TableHeadersRow();
    return true;
}

// The next cell's text, wrapped at the column's edge.
void cell(const std::string& text, ImVec4 colour = ImGui::GetStyleColorVec4(ImGuiCol_Text)) {
    ImGui::TableNextColumn();
    wrapped_text(text, colour);
}

void draw_injects(const drill::DrillFile& d, const DrillPanelState& st) {
    if (!begin_table("injects", {{"inject", 1.3f}, {"PEC", 0.55f}, {"what", 2.0f}, {"state", 2.0f}})) return;
    for (const drill::DrillInject& in : d.injects) {
        ImGui::TableNextRow();
        cell(in.name);
        cell(in.action.pec == 0 ? std::string("page") : fmt::format("{}", in.action.pec));  // a narrow column
        cell(in.incident ? "incident: " + std::string(sim::to_string(in.incident->kind))
                         : fmt::format("{}: {}", sim::to_string(in.action.target), devices::to_string(in.action.fault)));
        const std::string state = inject_state(in, st);
        cell(state, state.starts_with("fired") ? kFired : kWaiting);
    }
    ImGui::EndTable();
}

void draw_totals(const drill::DrillScore& score) {
    if (!begin_table("trainees", {{"trainee", 1.4f}, {"role", 1.2f}, {"points", 1.0f}, {"objectives passed", 1.4f}})) return;
    for (const drill::TraineeScore& t : score.trainees) {
        ImGui::TableNextRow();
        cell(t.trainee.empty() ? "nobody" : t.trainee, t.trainee.empty() ? kWaiting : ImGui::GetStyleColorVec4(ImGuiCol_Text));
        cell(std::string(sim::to_string(t.role)));
        cell(drill::format_points(t.earned, t.points));
        cell(fmt::format("{} of {}", t.passed, t.objectives), t.passed == t.objectives ? kPass : kFail);
    }
    ImGui::EndTable();
}

std::string role_of(const drill::DrillFile& d, const std::string& objective) {
    for (const drill::DrillObjective& o : d.objectives)
        if (o.name == objective) return std::string(sim::to_string(o.role));
    return "?";
}

// One objective for one trainee: a heading, then its measures.
void draw_objective(const drill::DrillFile& d, const drill::ObjectiveScore& o, int row) {
    ImGui::Spacing();
    wrapped_text(o.objective, ImGui::GetStyleColorVec4(ImGuiCol_Text));
    const std::string when = o.fired ? "inject at " + core::clock_time(*o.fired, core::ClockText::minutes) : "inject not fired yet";
    wrapped_text(fmt::format("{} ({}), {}, {}: {} points  {}", o.trainee.empty() ? "nobody" : o.trainee, role_of(d, o.objective),
                             o.place, when,
                             drill::format_points(o.earned, o.points), o.passed ? "PASS" : "FAIL"),
                 o.passed ? kPass : kFail);
    const std::string id = fmt::format("measures{}", row);
    if (!begin_table(id.c_str(), {{"measure", 1.8f}, {"expected", 0.85f}, {"acceptable", 1.0f}, {"actual", 0.8f}, {"points", 0.85f}, {"", 0.6f}})) return;
    for (const drill::MeasureScore& m : o.measures) {
        const drill::Measure k = m.rule.measure;
        ImGui::TableNextRow();
        cell(std::string(drill::to_string(k)));
        cell(drill::format_measure(k, m.rule.expected));
        cell(drill::format_measure(k, m.rule.acceptable));
        cell(drill::format_measure(k, m.actual));
        cell(drill::format_points(m.earned, m.rule.points));
        cell(m.passed ? "PASS" : "FAIL", m.passed ? kPass : kFail);
    }
    ImGui::EndTable();
}

}  // namespace

void draw_drill_tab(const drill::DrillSession& session, ConsoleState& state) {
    const drill::DrillConduct* conduct = session.conduct();
    if (!conduct) return;
    DrillPanelState& st = state.drill;
    refresh(session, st, state.wall_seconds);
    const drill::DrillFile& d = conduct->drill();
    const drill::DrillScore& score = *st.score;
    wrapped_text(fmt::format("{}  ({} to {})", d.name, core::clock_time(d.start, core::ClockText::minutes), core::clock_time(d.end, core::ClockText::minutes)),
                 ImGui::GetStyleColorVec4(ImGuiCol_Text));
    draw_injects(d, st);
    ImGui::Spacing();
    wrapped_text(score.final ? "Final scores" : fmt::format("Scores so far (final at {})", core::clock_time(d.end, core::ClockText::minutes)),
                 score.final ? kPass : ImVec4(1, 0.85f, 0.3f, 1));
    draw_totals(score);
    for (std::size_t i = 0; i < score.objectives.size(); ++i) draw_objective(d, score.objectives[i], static_cast<int>(i));
}

}  // namespace trainer
