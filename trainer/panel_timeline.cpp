// Timeline panel: the virtual clock, play / pause / step (one event, one minute, to a time), the
// speed (x1 to x600) and the curve of PECs reported after 20:00.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "trainer/panels.hpp"

namespace trainer {
namespace {

// The curve of reports after voting close: x from close to max(now, close + 2 h), y 0..PECs.
void draw_reported_curve(const drill::DrillSession& session, ImVec2 size) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    draw->AddRectFilled(p0, p1, IM_COL32(30, 32, 38, 255));
    draw->AddRect(p0, p1, IM_COL32(90, 90, 100, 255));
    const sim::Time close = session.scenario().voting_close;
    const auto& curve = session.reported_curve();
    const sim::Time end = std::max(close + 2 * core::kHour, curve.empty() ? close : curve.back().at);
    const double pecs = std::max<double>(1.0, static_cast<double>(session.world().pec_count()));
    auto at = [&](sim::Time t, int n) {
        return ImVec2(p0.x + static_cast<float>(static_cast<double>(t - close) / static_cast<double>(end - close)) * size.x,
                      p1.y - static_cast<float>(n / pecs) * std::max(1.0f, size.y - 18.0f) - 2.0f);  // the hour labels keep the top band
    };
    for (sim::Time h = close; h <= end; h += core::kHour) {
        const ImVec2 a = at(h, 0);
        draw->AddLine(ImVec2(a.x, p0.y), ImVec2(a.x, p1.y), IM_COL32(60, 60, 70, 255));
        draw->AddText(ImVec2(a.x + 2, p0.y + 1), IM_COL32(140, 140, 150, 255), core::clock_time(h, core::ClockText::minutes).c_str());
    }
    for (std::size_t k = 1; k < curve.size(); ++k) {
        draw->AddLine(at(curve[k - 1].at, curve[k - 1].printed), at(curve[k].at, curve[k].printed), state_colour(sim::PecState::closed), 2.0f);
        draw->AddLine(at(curve[k - 1].at, curve[k - 1].transmitted), at(curve[k].at, curve[k].transmitted),
                      state_colour(sim::PecState::transmitted), 2.0f);
    }
    ImGui::Dummy(size);
}

void draw_clock(const drill::DrillSession& session, const ConsoleState& state) {
    const sim::Time now = session.world().now();
    ImGui::Text("%s  %s  x%.0f", core::clock_time(now).c_str(), session.paused() ? "PAUSED" : "running", session.speed());
    ImGui::SameLine();
    if (state.stats.keeping_up) ImGui::TextDisabled("(actual x%.0f)", state.stats.effective_speed);
    else ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "(actual x%.0f: the simulation is the limit)", state.stats.effective_speed);
    if (session.replay_pending() > 0) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "replay: %zu action(s) to come", session.replay_pending());
    }
}

// Play / pause, step event, step minute, run to, speed slider and presets (wrapping when narrow).
void draw_controls(drill::DrillSession& session, TimelinePanelState& st, drill::WallTime wall_now) {
    if (ImGui::Button(session.paused() ? "Play" : "Pause", ImVec2(60, 0))) {
        if (session.paused()) session.resume(wall_now);
        else session.pause(wall_now);
    }
    ImGui::SameLine();
    if (ImGui::Button("Step event")) session.step_event(wall_now);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Advances to the next event of any PEC once the world can say when that is;\nuntil then, by one virtual second.");
    ImGui::SameLine();
    if (ImGui::Button("Step minute")) session.step_minute(wall_now);
    same_line_if_fits(70 + 60);
    ImGui::SetNextItemWidth(70);
    ImGui::InputText("##runto", st.run_to.data(), st.run_to.size());
    ImGui::SameLine();
    if (ImGui::Button("Run to")) {
        auto t = core::parse_clock_time(st.run_to.data());
        if (!t) st.message = t.error().message;
        else if (auto ok = session.run_to(*t, wall_now); !ok) st.message = ok.error().message;
        else st.message.clear();
    }
    same_line_if_fits(140 + 50);
    float speed = static_cast<float>(session.speed());
    ImGui::SetNextItemWidth(140);
    if (ImGui::SliderFloat("speed", &speed, 1.0f, 600.0f, "x%.0f", ImGuiSliderFlags_Logarithmic)) (void)session.set_speed(std::round(speed), wall_now);
    for (double x : {1.0, 10.0, 60.0, 600.0}) {
        const std::string label = fmt::format("x{:g}", x);
        same_line_if_fits(ImGui::CalcTextSize(label.c_str()).x + 8);
        if (ImGui::SmallButton(label.c_str())) (void)session.set_speed(x, wall_now);
    }
    if (!st.message.empty()) wrapped_text(st.message, ImVec4(1, 0.4f, 0.4f, 1));
}

}  // namespace

void draw_timeline_panel(drill::DrillSession& session, ConsoleState& state, drill::WallTime wall_now) {
    place_panel(kLayout.timeline);
    ImGui::Begin("Timeline", nullptr, ImGuiWindowFlags_NoCollapse);
    draw_clock(session, state);
    draw_controls(session, state.timeline, wall_now);
    const auto& s = session.summary();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(state_colour(sim::PecState::closed)), "final reports printed %d", s.reports_printed);
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(state_colour(sim::PecState::transmitted)), "  transmitted %d", s.reports_transmitted);
    ImGui::SameLine();
    ImGui::TextDisabled("  of %zu PECs, after %s", session.world().pec_count(),
                        core::clock_time(session.scenario().voting_close, core::ClockText::minutes).c_str());
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    draw_reported_curve(session, ImVec2(std::max(100.0f, avail.x), std::max(30.0f, avail.y)));
    ImGui::End();
}

}  // namespace trainer

