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

}  // namespace

void draw_log_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(0.0f, 0.78f, 0.6f, 0.22f);
    ImGui::Begin("Event log", nullptr, ImGuiWindowFlags_NoCollapse);
    LogPanelState& st = state.log;
    ImGui::SetNextItemWidth(160);
    ImGui::InputTextWithHint("##filter", "filter text", st.text.data(), st.text.size());
    ImGui::SameLine();
    ImGui::Checkbox("faults", &st.faults);
    ImGui::SameLine();
    ImGui::Checkbox("refusals", &st.refusals);
    ImGui::SameLine();
    ImGui::Checkbox("reports", &st.reports);
    ImGui::SameLine();
    ImGui::Checkbox("instructor", &st.instructor);
    ImGui::SameLine();
    ImGui::Checkbox("other", &st.other);
    ImGui::SameLine();
    ImGui::Checkbox("selected PEC only", &st.selected_only);

    const std::optional<std::size_t> pec = st.selected_only ? session.selected() : std::nullopt;
    const sim::Time now = session.world().now();
    if (pec != st.cached_pec || (now != st.cached_at && state.wall_seconds - st.cached_wall >= kRefreshSeconds)) {
        st.cache = session.world().log(pec ? session.pec(*pec).number : 0, kLogLimit);
        for (const auto& n : session.notes())
            if (!pec || n.pec == session.pec(*pec).number) st.cache.push_back({n.at, n.pec, n.text});
        std::stable_sort(st.cache.begin(), st.cache.end(), [](const sim::LogEntry& a, const sim::LogEntry& b) { return a.at < b.at; });
        st.cached_pec = pec;
        st.cached_at = now;
        st.cached_wall = state.wall_seconds;
    }

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
    ImGui::BeginChild("log_lines", ImVec2(0, 0), true);
    const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(shown.size()));
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const sim::LogEntry& e = *shown[static_cast<std::size_t>(i)];
            const Category c = category_of(e.text);
            const bool alert = e.text.find("BROKEN") != std::string::npos || e.text.find("could not") != std::string::npos;
            const ImVec4 colour = alert                         ? ImVec4(1.0f, 0.3f, 0.3f, 1)
                                  : c == Category::instructor   ? ImVec4(1.0f, 0.8f, 0.3f, 1)
                                  : c == Category::fault        ? ImVec4(1.0f, 0.55f, 0.5f, 1)
                                  : c == Category::report       ? ImVec4(0.75f, 0.6f, 1.0f, 1)
                                                                : ImVec4(0.85f, 0.85f, 0.85f, 1);
            ImGui::TextColored(colour, "%s  %d  %s", core::clock_time(e.at).c_str(), e.pec, e.text.c_str());
        }
    if (at_bottom) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace trainer
