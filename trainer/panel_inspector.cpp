// PEC inspector: the selected PEC's state, queue and mean wait always in view, then tabs that each
// get the panel's whole height: voting (turnout, identification, both ARBBs' counters), devices
// with their faults, the transmission of each report, and the PEC's own log. Selecting a PEC opens
// the tab that matters for its state (devices when one is in a fault, transmission once closed).
#include <fmt/core.h>

#include <string>

#include "trainer/panels.hpp"

namespace trainer {
namespace {

const ImVec4 kOk(0.5f, 0.85f, 0.5f, 1), kBad(1, 0.4f, 0.4f, 1);

enum class Tab { voting, devices, transmission, log };

bool closed_or_later(sim::PecState s) {
    return s == sim::PecState::closed || s == sim::PecState::transmitted || s == sim::PecState::acknowledged;
}

Tab tab_for(const sim::PecView& v) {
    if (closed_or_later(v.state)) return Tab::transmission;
    return v.active_faults != 0 ? Tab::devices : Tab::voting;
}

void draw_header(const drill::DrillSession& session, const core::Pec& pec, const sim::PecDetail& d) {
    const core::Region* region = session.package().find_region(pec.region_code);
    ImGui::Text("PEC %d  %s (%s%s)", pec.number, pec.place.c_str(), region ? region->name.c_str() : "?",
                pec.district > 0 ? fmt::format(", district {}", pec.district).c_str() : "");
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(state_colour(d.view.state)), "[%s]", std::string(sim::to_string(d.view.state)).c_str());
    wrapped_text(fmt::format("queue {}   mean wait {}   desks busy {} of {}   operator pace x{:.2f}", d.view.queue, minutes_text(d.mean_wait_s),
                             d.desks_busy, d.desks, d.desk_pace),
                 ImGui::GetStyleColorVec4(ImGuiCol_Text));
}

void draw_boxes(const sim::PecDetail& d) {
    if (!ImGui::BeginTable("boxes", 6, ImGuiTableFlags_Borders)) return;
    // Explicit weights: right from a table's first frame (a tab just opened), every header fits.
    ImGui::TableSetupColumn("ARBB", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    for (const char* h : {"in box", "scanned", "valid", "invalid", "waiting"}) ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (int b = 0; b < 2; ++b) {
        const auto& r = d.boxes[static_cast<std::size_t>(b)];
        if (r.device_id.empty()) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%s%s", b == 0 ? "party list" : "district", r.kind == core::ReportKind::final ? " (final)" : "");
        for (long long v : {static_cast<long long>(r.ballots_in_box), static_cast<long long>(r.ballots_scanned), static_cast<long long>(r.valid),
                            static_cast<long long>(r.invalid), static_cast<long long>(d.ballots_waiting[static_cast<std::size_t>(b)])}) {
            ImGui::TableNextColumn();
            ImGui::Text("%lld", v);
        }
    }
    ImGui::EndTable();
}

void draw_voting(const core::Pec& pec, const sim::PecDetail& d) {
    const ImVec4 text = ImGui::GetStyleColorVec4(ImGuiCol_Text);
    const double turnout = pec.registered > 0 ? 100.0 * static_cast<double>(d.view.voters) / static_cast<double>(pec.registered) : 0.0;
    wrapped_text(fmt::format("voted {} of {} registered ({:.1f} %), {} came", d.view.voters, pec.registered, turnout, d.arrivals), text);
    if (d.left_queue > 0) wrapped_text(fmt::format("left without voting, the queue too long for them: {}", d.left_queue), text);
    const auto& id = d.identification;
    wrapped_text(fmt::format("identified: fingerprint {}, other finger {}, face {}, paper list {}; refused {}; no receipt {}", id.fingerprint,
                             id.other_finger, id.face, id.manual, id.refused(), id.receipts_not_printed),
                 text);
    draw_boxes(d);
}

void draw_devices(const sim::PecDetail& d) {
    if (!ImGui::BeginTable("devices", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY)) return;
    ImGui::TableSetupColumn("device", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    for (const auto& dev : d.devices) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(dev.id.c_str());
        ImGui::TableNextColumn();
        wrapped_text(dev.faults == 0 ? "ok" : fault_names(dev.faults), dev.faults == 0 ? kOk : kBad);
    }
    ImGui::EndTable();
}

void draw_transmission(const sim::PecDetail& d) {
    if (d.transmission.empty()) {
        ImGui::TextUnformatted(closed_or_later(d.view.state) ? "nothing handed to the modem" : "voting not closed");
        return;
    }
    if (!ImGui::BeginTable("transmission", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY)) return;
    // Explicit widths: right from the table's first frame (the tab opens when a closed PEC is selected).
    ImGui::TableSetupColumn("report of", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("attempts", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("attempts").x);
    ImGui::TableSetupColumn("modem failures", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("modem failures").x);
    ImGui::TableSetupColumn("status", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupScrollFreeze(0, 1);
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
        if (t.acknowledged) wrapped_text(fmt::format("acknowledged {}", core::clock_time(t.acknowledged_at)), kOk);
        else if (t.rejected) wrapped_text(fmt::format("rejected: {}", t.reason), kBad);
        else wrapped_text(t.reason.empty() ? std::string("waiting") : fmt::format("waiting: {}", t.reason), ImGui::GetStyleColorVec4(ImGuiCol_Text));
    }
    ImGui::EndTable();
}

void draw_pec_log(const drill::DrillSession& session, int pec) {
    ImGui::BeginChild("pec_log", ImVec2(0, 0), true);
    for (const auto& e : session.world().log(pec, 60)) wrapped_text(fmt::format("{}  {}", core::clock_time(e.at), e.text),
                                                                    ImGui::GetStyleColorVec4(ImGuiCol_Text));
    ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
}

// One tab; `open` makes it the selected one (once, when the PEC changed).
bool begin_tab(const char* label, Tab tab, std::optional<Tab> open) {
    return ImGui::BeginTabItem(label, nullptr, open == tab ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None);
}

}  // namespace

void draw_inspector_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(kLayout.inspector);
    ImGui::Begin("PEC inspector", nullptr, ImGuiWindowFlags_NoCollapse);
    const auto sel = session.selected();
    if (!sel) {
        ImGui::TextWrapped("Click a PEC on the map to inspect it.");
        state.inspector.shown.reset();
        ImGui::End();
        return;
    }
    const core::Pec& pec = session.pec(*sel);
    const sim::PecDetail d = session.world().detail(*sel);
    const std::optional<Tab> open = state.inspector.shown != sel ? std::optional(tab_for(d.view)) : std::nullopt;
    state.inspector.shown = sel;
    draw_header(session, pec, d);
    if (ImGui::BeginTabBar("inspector_tabs")) {
        if (begin_tab("Voting", Tab::voting, open)) draw_voting(pec, d), ImGui::EndTabItem();
        int faulty = 0;
        for (const auto& dev : d.devices) faulty += dev.faults != 0;
        const std::string devices = faulty > 0 ? fmt::format("Devices ({} in fault)###devices", faulty) : std::string("Devices###devices");
        if (begin_tab(devices.c_str(), Tab::devices, open)) draw_devices(d), ImGui::EndTabItem();
        if (begin_tab("Transmission", Tab::transmission, open)) draw_transmission(d), ImGui::EndTabItem();
        if (begin_tab("Log", Tab::log, open)) draw_pec_log(session, pec.number), ImGui::EndTabItem();
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace trainer
