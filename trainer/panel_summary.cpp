// Country summary panel: turnout so far, voters in queues, PECs with faults, reports received,
// and how fast the console itself runs.
#include <fmt/core.h>

#include "trainer/panels.hpp"

namespace trainer {

void draw_summary_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(0.6f, 0.78f, 0.4f, 0.22f);
    ImGui::Begin("Country summary", nullptr, ImGuiWindowFlags_NoCollapse);
    const drill::CountrySummary& s = session.summary();
    const double turnout = s.registered > 0 ? 100.0 * static_cast<double>(s.voters) / static_cast<double>(s.registered) : 0.0;
    ImGui::Text("%s  -  %zu PECs, seed %llu", session.scenario().name.c_str(), session.world().pec_count(),
                static_cast<unsigned long long>(session.record().seed));
    ImGui::Text("turnout so far   %.2f %%  (%lld of %lld)", turnout, static_cast<long long>(s.voters), static_cast<long long>(s.registered));
    ImGui::ProgressBar(static_cast<float>(turnout / 100.0), ImVec2(-1, 0), fmt::format("{:.1f} %", turnout).c_str());
    ImGui::Text("voters in queues %lld", static_cast<long long>(s.in_queues));
    ImGui::SameLine(260);
    ImGui::Text("PECs with faults %d", s.pecs_with_faults);
    ImGui::Text("final reports printed %d", s.reports_printed);
    ImGui::SameLine(260);
    ImGui::Text("transmitted %d, acknowledged %d", s.reports_transmitted, s.reports_acknowledged);
    ImGui::Text("instructor actions %zu", session.record().actions.size());
    ImGui::SameLine(260);
    ImGui::TextDisabled("%.0f frames/s, world %.1f ms, frame %.1f ms", state.stats.fps, state.stats.sim_ms, state.stats.frame_ms);
    ImGui::End();
}

}  // namespace trainer
