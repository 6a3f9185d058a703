// PEC inspector: the selected PEC's queue and waiting time, each device with its state,
// the identification and ARBB counters, its reports and its transmission status.
#include <fmt/core.h>

#include <string>

#include "trainer/panels.hpp"

namespace trainer {

void draw_inspector_panel(drill::DrillSession& session, ConsoleState& /*state*/) {
    place_panel(0.6f, 0.0f, 0.4f, 0.42f);
    ImGui::Begin("PEC inspector", nullptr, ImGuiWindowFlags_NoCollapse);
    const auto sel = session.selected();
    if (!sel) {
        ImGui::TextWrapped("Click a PEC on the map to inspect it.");
        ImGui::End();
        return;
    }
    const core::Pec& pec = session.pec(*sel);
    const sim::PecDetail d = session.world().detail(*sel);
    const core::Region* region = session.package().find_region(pec.region_code);
    ImGui::Text("PEC %d  %s (%s%s)", pec.number, pec.place.c_str(), region ? region->name.c_str() : "?",
                pec.district > 0 ? fmt::format(", district {}", pec.district).c_str() : "");
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(state_colour(d.view.state)), "[%s]", std::string(sim::to_string(d.view.state)).c_str());
    ImGui::Text("queue %lld   mean wait %.0f s   desks busy %d of %d   operator pace x%.2f", static_cast<long long>(d.view.queue),
                d.mean_wait_s, d.desks_busy, d.desks, d.desk_pace);
    ImGui::Text("voted %lld of %lld registered (%.1f %%), %lld came", static_cast<long long>(d.view.voters),
                static_cast<long long>(pec.registered),
                pec.registered > 0 ? 100.0 * static_cast<double>(d.view.voters) / static_cast<double>(pec.registered) : 0.0,
                static_cast<long long>(d.arrivals));
    if (d.left_queue > 0) ImGui::Text("left without voting, the queue too long for them: %lld", static_cast<long long>(d.left_queue));
    const auto& id = d.identification;
    ImGui::TextWrapped("identified: fingerprint %lld, other finger %lld, face %lld, paper list %lld; refused %lld; no receipt %lld",
                static_cast<long long>(id.fingerprint), static_cast<long long>(id.other_finger), static_cast<long long>(id.face),
                static_cast<long long>(id.manual), static_cast<long long>(id.refused()), static_cast<long long>(id.receipts_not_printed));

    if (ImGui::BeginTable("boxes", 6, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* h : {"ARBB", "in box", "scanned", "valid", "invalid", "waiting"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (int b = 0; b < 2; ++b) {
            const auto& r = d.boxes[static_cast<std::size_t>(b)];
            if (r.device_id.empty()) continue;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%s%s", b == 0 ? "party list" : "district", r.kind == core::ReportKind::final ? " (final)" : "");
            for (long long v : {static_cast<long long>(r.ballots_in_box), static_cast<long long>(r.ballots_scanned),
                                static_cast<long long>(r.valid), static_cast<long long>(r.invalid),
                                static_cast<long long>(d.ballots_waiting[static_cast<std::size_t>(b)])}) {
                ImGui::TableNextColumn();
                ImGui::Text("%lld", v);
            }
        }
        ImGui::EndTable();
    }

    if (ImGui::BeginTable("devices", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                          ImVec2(0, 120))) {
        ImGui::TableSetupColumn("device");
        ImGui::TableSetupColumn("state");
        ImGui::TableHeadersRow();
        for (const auto& dev : d.devices) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(dev.id.c_str());
            ImGui::TableNextColumn();
            if (dev.faults == 0) ImGui::TextColored(ImVec4(0.5f, 0.85f, 0.5f, 1), "ok");
            else ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", fault_names(dev.faults).c_str());
        }
        ImGui::EndTable();
    }

    // Transmission: each report's way to the CEC (station::Transmitter's store-and-forward state).
    if (d.transmission.empty()) {
        ImGui::Text("transmission: %s", d.view.state == sim::PecState::not_open || d.view.state == sim::PecState::voting ||
                                                d.view.state == sim::PecState::queue_building || d.view.state == sim::PecState::device_fault
                                            ? "voting not closed"
                                            : "nothing handed to the modem");
    } else if (ImGui::BeginTable("transmission", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* h : {"report of", "attempts", "modem failures", "status"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const auto& t : d.transmission) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(t.device_id.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", t.attempts);
            ImGui::TableNextColumn();
            ImGui::Text("%d", t.modem_failures);
            ImGui::TableNextColumn();
            if (t.acknowledged) ImGui::TextColored(ImVec4(0.5f, 0.9f, 0.5f, 1), "acknowledged %s", core::clock_time(t.acknowledged_at).c_str());
            else if (t.rejected) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "rejected: %s", t.reason.c_str());
            else ImGui::Text("waiting%s%s", t.reason.empty() ? "" : ": ", t.reason.c_str());
        }
        ImGui::EndTable();
    }

    ImGui::TextDisabled("reports and events of this PEC");
    ImGui::BeginChild("pec_log", ImVec2(0, 0), true);
    for (const auto& e : session.world().log(pec.number, 60))
        ImGui::Text("%s  %s", core::clock_time(e.at).c_str(), e.text.c_str());
    ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace trainer
