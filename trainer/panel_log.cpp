// Event log panel: the filterable stream of what happened (faults, refusals, reports, transmission,
// alerts) with the instructor's own actions among them.
#include <fmt/core.h>

#include <algorithm>
#include <cstring>

#include "trainer/panels.hpp"

namespace trainer {
namespace {

enum class Category { fault, refusal, report, instructor, other };

Category category_of(const std::string& text) {
    if (text.starts_with("instructor") || text.starts_with("replay")) return Category::instructor;
    if (text.find(" entered ") != std::string::npos || text.find(" left ") != std::string::npos ||
        text.find("replaced") != std::string::npos)
        return Category::fault;
    if (text.find("refused") != std::string::npos) return Category::refusal;
    if (text.find("report") != std::string::npos) return Category::report;
    return Category::other;
}

// World::log gathers and sorts every PEC's log: fine a few times a second, too much for every frame
// of the whole country at x600 (World has no "log since t" yet), so the panel caches it.
constexpr double kRefreshSeconds = 0.5;
constexpr std::size_t kLogLimit = 2000;

// The filters: text, categories, selected PEC only.
void draw_log_filters(LogPanelState& st) {
    ImGui::SetNextItemWidth(std::min(160.0f, ImGui::GetContentRegionAvail().x));
    ImGui::InputTextWithHint("##filter", "filter text", st.text.data(), st.text.size());
    for (auto [label, on] : {std::pair{"faults", &st.faults}, {"refusals", &st.refusals}, {"reports", &st.reports},
                             {"instructor", &st.instructor}, {"other", &st.other}, {"selected PEC only", &st.selected_only}}) {
        same_line_if_fits(ImGui::CalcTextSize(label).x + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x);
        ImGui::Checkbox(label, on);
    }
}

bool note_concerns(const drill::InstructorNote& n, int pec) {
    return n.pec == pec || std::find(n.pecs.begin(), n.pecs.end(), pec) != n.pecs.end();
}

// World::log gathers and sorts every PEC's log: the cache is refreshed a few times a second.
void refresh_log_cache(const drill::DrillSession& session, const ConsoleState& state, LogPanelState& st) {
    const std::optional<std::size_t> pec = st.selected_only ? session.selected() : std::nullopt;
    const sim::Time now = session.world().now();
    if (pec == st.cached_pec && (now == st.cached_at || state.wall_seconds - st.cached_wall < kRefreshSeconds)) return;
    const int number = pec ? session.pec(*pec).number : 0;
    st.cache = session.world().log(number, kLogLimit);
    for (const auto& n : session.notes())
        if (!pec || note_concerns(n, number)) st.cache.push_back({n.at, n.pec, n.text});
    std::stable_sort(st.cache.begin(), st.cache.end(), [](const sim::LogEntry& a, const sim::LogEntry& b) { return a.at < b.at; });
    st.cached_pec = pec;
    st.cached_at = now;
    st.cached_wall = state.wall_seconds;
}

std::vector<const sim::LogEntry*> filtered(const LogPanelState& st) {
    std::vector<const sim::LogEntry*> shown;
    shown.reserve(st.cache.size());
    const std::string_view needle(st.text.data());
    for (const auto& e : st.cache) {
        const Category c = category_of(e.text);
        const bool on = (c == Category::fault && st.faults) || (c == Category::refusal && st.refusals) ||
                        (c == Category::report && st.reports) || (c == Category::instructor && st.instructor) ||
                        (c == Category::other && st.other);
        if (!on) continue;
        if (!needle.empty() && e.text.find(needle) == std::string::npos && fmt::format("{}", e.pec).find(needle) == std::string::npos)
            continue;
        shown.push_back(&e);
    }
    return shown;
}

ImVec4 colour_of(const sim::LogEntry& e) {
    const Category c = category_of(e.text);
    const bool alert = e.text.find("BROKEN") != std::string::npos || e.text.find("could not") != std::string::npos;
    return alert                         ? ImVec4(1.0f, 0.3f, 0.3f, 1)
           : c == Category::instructor   ? ImVec4(1.0f, 0.8f, 0.3f, 1)
           : c == Category::fault        ? ImVec4(1.0f, 0.55f, 0.5f, 1)
           : c == Category::report       ? ImVec4(0.75f, 0.6f, 1.0f, 1)
                                         : ImVec4(0.85f, 0.85f, 0.85f, 1);
}

std::string line_of(const sim::LogEntry& e) {
    // An action on many PECs has no PEC column: its text lists them.
    return fmt::format("{}  {}  {}", core::clock_time(e.at), e.pec != 0 ? fmt::format("{}", e.pec) : std::string("    "), e.text);
}

// The top of each line in the child's content (and the total height at the end): one text line each,
// more for a line wrapped at `wrap` pixels. Only lines that may be wider than `wrap` are measured.
std::vector<float> line_tops(const std::vector<const sim::LogEntry*>& shown, float wrap, float top) {
    const float line_h = ImGui::GetTextLineHeightWithSpacing(), spacing = ImGui::GetStyle().ItemSpacing.y;
    const float widest_char = ImGui::CalcTextSize("W").x;
    std::vector<float> tops(shown.size() + 1, top);
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const std::size_t chars = 16 + shown[i]->text.size();  // "HH:MM:SS  NNNN  " + text
        const float h = static_cast<float>(chars) * widest_char <= wrap
                            ? line_h
                            : ImGui::CalcTextSize(line_of(*shown[i]).c_str(), nullptr, false, wrap).y + spacing;
        tops[i + 1] = tops[i] + h;
    }
    return tops;
}

// The lines, wrapped at the panel's edge; only those in view are drawn (lines differ in height, so
// ImGuiListClipper, which needs one height, cannot do it).
void draw_log_lines(const std::vector<const sim::LogEntry*>& shown) {
    ImGui::BeginChild("log_lines", ImVec2(0, 0), true);
    const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f;
    const float wrap = std::max(50.0f, ImGui::GetContentRegionAvail().x);
    const std::vector<float> tops = line_tops(shown, wrap, ImGui::GetCursorPosY());
    const float view_top = ImGui::GetScrollY(), view_bottom = view_top + ImGui::GetWindowHeight();
    auto i = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, std::upper_bound(tops.begin(), tops.end(), view_top) - tops.begin() - 1));
    ImGui::PushTextWrapPos(0.0f);
    for (; i < shown.size() && tops[i] < view_bottom; ++i) {
        ImGui::SetCursorPosY(tops[i]);
        ImGui::PushStyleColor(ImGuiCol_Text, colour_of(*shown[i]));
        ImGui::TextUnformatted(line_of(*shown[i]).c_str());
        ImGui::PopStyleColor();
    }
    ImGui::PopTextWrapPos();
    ImGui::SetCursorPosY(tops.back());
    ImGui::Dummy(ImVec2(0, 0));
    if (at_bottom) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
}

}  // namespace

void draw_log_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(kLayout.log);
    ImGui::Begin("Event log", nullptr, ImGuiWindowFlags_NoCollapse);
    LogPanelState& st = state.log;
    draw_log_filters(st);
    refresh_log_cache(session, state, st);
    draw_log_lines(filtered(st));
    ImGui::End();
}

}  // namespace trainer
