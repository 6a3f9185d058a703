// Country summary panel: turnout so far, voters in queues, PECs with faults, reports received,
// and how fast the console itself runs. Two columns that share the panel's width.
#include <fmt/core.h>

#include "trainer/panels.hpp"

namespace trainer {

std::string classroom_line(const classroom::Classroom& room) {
    const auto roster = room.roster();
    std::string names;
    int connected = 0;
    for (const auto& t : roster) {
        if (!t.connected) continue;
        ++connected;
        names += fmt::format("{}{} ({}{})", names.empty() ? "" : ", ", t.name, sim::to_string(t.role), t.pec ? fmt::format(" {}", t.pec) : "");
    }
    return fmt::format("trainees connected {} of {}{}{}", connected, roster.size(), names.empty() ? "" : ": ", names);
}

void draw_summary_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(kLayout.summary);
    ImGui::Begin("Country summary", nullptr, ImGuiWindowFlags_NoCollapse);
    const drill::CountrySummary& s = session.summary();
    const double turnout = s.registered > 0 ? 100.0 * static_cast<double>(s.voters) / static_cast<double>(s.registered) : 0.0;
    wrapped_text(fmt::format("{}  -  {} PECs, seed {}", session.scenario().name, session.world().pec_count(), session.record().seed),
                 ImGui::GetStyleColorVec4(ImGuiCol_Text));
    ImGui::ProgressBar(static_cast<float>(turnout / 100.0), ImVec2(-1, 0),
                       fmt::format("turnout so far {:.2f} %  ({} of {})", turnout, s.voters, s.registered).c_str());
    if (ImGui::BeginTable("figures", 2, ImGuiTableFlags_SizingStretchSame)) {
        const std::string cells[] = {
            fmt::format("voters in queues {}", s.in_queues),
            fmt::format("PECs with faults {}", s.pecs_with_faults),
            fmt::format("final reports printed {}", s.reports_printed),
            fmt::format("transmitted {}, acknowledged {}", s.reports_transmitted, s.reports_acknowledged),
            fmt::format("instructor and trainee actions {}", session.record().actions.size()),
        };
        for (const auto& c : cells) {
            ImGui::TableNextColumn();
            wrapped_text(c, ImGui::GetStyleColorVec4(ImGuiCol_Text));
        }
        ImGui::EndTable();
    }
    if (state.classroom) wrapped_text(classroom_line(*state.classroom), ImGui::GetStyleColorVec4(ImGuiCol_Text));
    wrapped_text(fmt::format("{:.0f} frames/s, world {:.1f} ms, frame {:.1f} ms", state.stats.fps, state.stats.sim_ms, state.stats.frame_ms),
                 ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::End();
}

}  // namespace trainer
