// Fault injection panel: for the selected PEC, a region or a share of PECs, every fault the device
// models offer, now or at a chosen time, for a duration (default drill::kDefaultFaultDuration) or
// until cleared; clearing; the list of active faults in its own tab; the drill's tab (trainer/panel_drill.cpp)
// first while a drill is conducted.
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "sim/incident.hpp"
#include "sim/support.hpp"
#include "trainer/panels.hpp"

namespace trainer {
namespace {

bool desk_device(sim::FaultTarget t) {
    return t == sim::FaultTarget::fingerprint_scanner || t == sim::FaultTarget::document_reader || t == sim::FaultTarget::webcam ||
           t == sim::FaultTarget::printer;
}

// Faults whose severity means something (devices/device.hpp).
bool has_severity(devices::Fault f) {
    using devices::Fault;
    return f == Fault::degraded || f == Fault::misfeed || f == Fault::misread || f == Fault::slow || f == Fault::flapping;
}

void show(FaultPanelState& st, const std::string& text, bool error) {
    st.message = text;
    st.message_is_error = error;
}

// The last action's outcome, on its own line, wrapped.
void draw_message(const FaultPanelState& st) {
    if (!st.message.empty()) wrapped_text(st.message, st.message_is_error ? ImVec4(1, 0.4f, 0.4f, 1) : ImVec4(0.5f, 0.9f, 0.5f, 1));
}

void draw_scope(const drill::DrillSession& session, FaultPanelState& st) {
    const auto sel = session.selected();
    ImGui::RadioButton(sel ? fmt::format("PEC {}", session.pec(*sel).number).c_str() : "selected PEC (none)", &st.scope, 0);
    ImGui::SameLine();
    ImGui::RadioButton("region", &st.scope, 1);
    ImGui::SameLine();
    ImGui::RadioButton("share of PECs", &st.scope, 2);
    if (st.scope == 0) return;
    const core::Region* cur = session.package().find_region(st.region);
    ImGui::SetNextItemWidth(150);
    if (ImGui::BeginCombo("##region", cur ? cur->name.c_str() : (st.scope == 2 ? "all regions" : "choose a region"))) {
        if (st.scope == 2 && ImGui::Selectable("all regions", st.region == 0)) st.region = 0;
        for (const auto* r : regions_in_drill(session))
            if (ImGui::Selectable(r->name.c_str(), st.region == r->code)) st.region = r->code;
        ImGui::EndCombo();
    }
    if (st.scope == 2) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        ImGui::SliderFloat("share", &st.share_pct, 1.0f, 100.0f, "%.0f %%");
    }
}

// Device, fault and desk; returns the chosen target and fault.
std::pair<sim::FaultTarget, devices::Fault> draw_device_fault(FaultPanelState& st) {
    st.target = std::clamp(st.target, 0, static_cast<int>(kFaultTargets.size()) - 1);
    const sim::FaultTarget target = kFaultTargets[static_cast<std::size_t>(st.target)];
    ImGui::SetNextItemWidth(150);
    if (ImGui::BeginCombo("device", std::string(sim::to_string(target)).c_str())) {
        for (int k = 0; k < static_cast<int>(kFaultTargets.size()); ++k)
            if (ImGui::Selectable(std::string(sim::to_string(kFaultTargets[static_cast<std::size_t>(k)])).c_str(), k == st.target)) {
                st.target = k;
                st.fault = 0;
            }
        ImGui::EndCombo();
    }
    const auto faults = devices::faults_of(sim::device_kind_of(target));
    st.fault = std::clamp(st.fault, 0, static_cast<int>(faults.size()) - 1);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    if (ImGui::BeginCombo("fault", std::string(devices::to_string(faults[static_cast<std::size_t>(st.fault)])).c_str())) {
        for (int k = 0; k < static_cast<int>(faults.size()); ++k)
            if (ImGui::Selectable(std::string(devices::to_string(faults[static_cast<std::size_t>(k)])).c_str(), k == st.fault)) st.fault = k;
        ImGui::EndCombo();
    }
    return {target, faults[static_cast<std::size_t>(st.fault)]};
}

// Desk, severity, duration (or a call to the trainees' help desk), replacement, when.
void draw_options(const drill::DrillSession& session, FaultPanelState& st, sim::FaultTarget target, devices::Fault fault) {
    if (desk_device(target)) {
        ImGui::SetNextItemWidth(80);
        ImGui::InputInt("desk", &st.unit);
        st.unit = std::clamp(st.unit, 1, 64);
        ImGui::SameLine();
    }
    if (has_severity(fault)) {
        ImGui::SetNextItemWidth(100);
        ImGui::SliderFloat("severity", &st.severity, 0.0f, fault == devices::Fault::slow ? 20.0f : 1.0f, "%.2f");
        ImGui::SameLine();
    }
    const bool callable = session.world().help_desk() && sim::support_way(sim::device_kind_of(target), fault, false);
    if (callable) {
        ImGui::Checkbox("the PEC calls the trainees' help desk", &st.call_support);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("The fault lasts until a trainee's action ends it (docs/trainees.md)");
        ImGui::SameLine();
    }
    if (!callable || !st.call_support) {
        ImGui::SetNextItemWidth(90);
        ImGui::InputInt("minutes (0: until cleared)", &st.duration_min, 5, 30);
        st.duration_min = std::clamp(st.duration_min, 0, 24 * 60);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Default %d minutes, as a script's inject without 'duration'", static_cast<int>(drill::kDefaultFaultDuration / core::kMinute));
        if (sim::device_kind_of(target) == devices::DeviceKind::ballot_scanner) {
            ImGui::Checkbox("then replace by a stationary box", &st.replace);
            ImGui::SameLine();
        }
    }
    ImGui::Checkbox("now", &st.now);
    if (!st.now) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(70);
        ImGui::InputText("at (HH:MM)", st.at.data(), st.at.size());
    }
}

std::optional<sim::FaultAction> make_action(const drill::DrillSession& session, FaultPanelState& st, sim::FaultTarget target,
                                            devices::Fault fault, bool enter) {
    sim::FaultAction a;
    a.target = target;
    a.unit = desk_device(target) ? st.unit - 1 : 0;
    a.fault = fault;
    a.enter = enter;
    a.severity = has_severity(fault) ? static_cast<double>(st.severity) : 1.0;
    a.duration = enter ? static_cast<sim::Time>(st.duration_min) * core::kMinute : 0;
    a.replace_arbb = enter && st.replace && sim::device_kind_of(target) == devices::DeviceKind::ballot_scanner;
    a.call_support = enter && st.call_support && session.world().help_desk() && sim::support_way(sim::device_kind_of(target), fault, false);
    if (a.call_support) a.duration = 0, a.replace_arbb = false;
    if (!st.now) {
        auto t = core::parse_clock_time(st.at.data());
        if (!t) return show(st, t.error().message, true), std::nullopt;
        if (*t < session.world().now()) return show(st, fmt::format("{} is already past", st.at.data()), true), std::nullopt;
        a.at = *t;
    }
    return a;
}

std::optional<drill::PecSelection> make_selection(const drill::DrillSession& session, FaultPanelState& st) {
    drill::PecSelection s;
    if (st.scope == 0) {
        if (!session.selected()) return show(st, "select a PEC on the map first", true), std::nullopt;
        s.pec = session.pec(*session.selected()).number;
    } else if (st.scope == 1) {
        if (st.region == 0) return show(st, "choose a region", true), std::nullopt;
        s.scope = drill::PecSelection::Scope::region;
        s.region = st.region;
    } else {
        s.scope = drill::PecSelection::Scope::share;
        s.region = st.region;
        s.share = st.share_pct / 100.0;
    }
    return s;
}

// Inject / Clear, then the outcome on its own line, wrapped.
void draw_buttons(drill::DrillSession& session, FaultPanelState& st, sim::FaultTarget target, devices::Fault fault) {
    for (bool enter : {true, false}) {
        if (!enter) ImGui::SameLine();
        if (!ImGui::Button(enter ? "Inject" : "Clear")) continue;
        const auto s = make_selection(session, st);
        const auto a = s ? make_action(session, st, target, fault, enter) : std::nullopt;
        if (!a) continue;
        if (auto n = session.inject(*s, *a); !n) show(st, n.error().message, true);
        else show(st, fmt::format("{}{} at {} PEC(s): one action in the record", enter ? "" : "cleared ", devices::to_string(fault), *n), false);
    }
    draw_message(st);
}

// The Incident tab: a cyber incident (sim/incident.hpp) at the selected PEC's box, or on the page.
void draw_incident(drill::DrillSession& session, FaultPanelState& st) {
    std::array<const char*, sim::kIncidentKinds> kinds{};
    for (std::size_t i = 0; i < kinds.size(); ++i) kinds[i] = sim::to_string(static_cast<sim::IncidentKind>(i)).data();  // literals: NUL-terminated
    ImGui::Combo("incident", &st.incident, kinds.data(), static_cast<int>(kinds.size()));
    const auto kind = static_cast<sim::IncidentKind>(st.incident);
    const bool usb = kind == sim::IncidentKind::usb_device;
    const bool desk = kind == sim::IncidentKind::pin_request || kind == sim::IncidentKind::desk_break;
    if (!usb && st.incident_box == sim::kStationLaptop) st.incident_box = 0;
    const bool cec = kind == sim::IncidentKind::display_error || kind == sim::IncidentKind::flood;  // no PEC
    if (kind == sim::IncidentKind::flood) {
        ImGui::SliderInt("connections a second", &st.flood_rate, 100, 50'000);
        ImGui::SliderInt("from addresses", &st.flood_addresses, 1, 131'072);
        ImGui::SliderInt("minutes", &st.flood_minutes, 1, 240);
        ImGui::Checkbox("on the results page (else the ingest)", &st.flood_on_page);
    } else if (desk) {
        ImGui::SliderInt("desk", &st.incident_desk, 1, 8);
        if (kind == sim::IncidentKind::desk_break) {
            ImGui::SliderInt("break (minutes)", &st.away_minutes, 5, 240);
            ImGui::SliderInt("ballots to collected passports", &st.ballots, 1, 500);
        }
    } else if (kind != sim::IncidentKind::display_error) {
        ImGui::RadioButton("party-list box", &st.incident_box, 0);
        ImGui::SameLine();
        ImGui::RadioButton("district box", &st.incident_box, 1);
        if (usb) {
            ImGui::SameLine();
            ImGui::RadioButton("station laptop", &st.incident_box, sim::kStationLaptop);
        }
    }
    if (kind == sim::IncidentKind::replay) ImGui::SliderInt("copies in a minute", &st.copies, 1, 1000);
    const auto devices = sim::usb_devices();
    if (usb) {
        std::vector<const char*> names;
        for (const auto& d : devices) names.push_back(d.name.data());  // literals: NUL-terminated
        ImGui::Combo("device", &st.usb_device, names.data(), static_cast<int>(names.size()));
    }
    if (ImGui::Button("Start")) {
        sim::Incident incident{.kind = kind, .box = desk ? 0 : st.incident_box, .copies = st.copies};
        if (desk) incident.desk = st.incident_desk - 1, incident.away = st.away_minutes * core::kMinute, incident.ballots = st.ballots;
        if (kind == sim::IncidentKind::flood)
            incident.rate = st.flood_rate, incident.addresses = st.flood_addresses, incident.lasts = st.flood_minutes * core::kMinute,
            incident.on_page = st.flood_on_page;
        if (usb) incident.usb = std::string(devices[static_cast<std::size_t>(st.usb_device)].name);
        if (!cec) {
            if (!session.selected()) {
                show(st, "select a PEC on the map first", true);
                draw_message(st);
                return;
            }
            incident.pec = session.pec(*session.selected()).number;
        }
        if (auto ok = session.act(incident); !ok) show(st, ok.error().message, true);
        else show(st, sim::describe(incident) + ": one action in the record", false);
    }
    draw_message(st);
}

void draw_active_faults(drill::DrillSession& session, FaultPanelState& st) {
    const auto& active = session.active_faults();
    if (!ImGui::BeginTable("active", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY)) return;
    for (auto [h, weight] : {std::pair{"PEC", 0.6f}, {"device", 2.0f}, {"fault", 1.2f}, {"", 0.7f}})
        ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthStretch, weight);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(active.size()));
    std::optional<sim::FaultAction> to_clear;
    while (clipper.Step())
        for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
            const drill::ActiveFault& f = active[static_cast<std::size_t>(r)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (ImGui::Selectable(fmt::format("{}##row{}", f.pec, r).c_str(), session.selected() == f.index)) session.select_index(f.index);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(f.device_id.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::string(devices::to_string(f.fault)).c_str());
            ImGui::TableNextColumn();
            if (const auto t = target_of(sim::DeviceView{f.device_id, f.kind, 0}); t && ImGui::SmallButton(fmt::format("clear##{}", r).c_str()))
                to_clear = sim::FaultAction{0, f.pec, t->first, t->second, f.fault, false, 1.0, 0, false};
        }
    ImGui::EndTable();
    if (!to_clear) return;
    if (auto ok = session.act(*to_clear); ok) show(st, fmt::format("cleared {} at PEC {}", devices::to_string(to_clear->fault), to_clear->pec), false);
    else show(st, ok.error().message, true);
}

}  // namespace

void draw_faults_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(kLayout.faults);
    ImGui::Begin("Fault injection", nullptr, ImGuiWindowFlags_NoCollapse);
    FaultPanelState& st = state.faults;
    if (ImGui::BeginTabBar("fault_tabs")) {
        if (session.conduct() && ImGui::BeginTabItem("Drill")) {
            draw_drill_tab(session, state);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Inject or clear")) {
            draw_scope(session, st);
            const auto [target, fault] = draw_device_fault(st);
            draw_options(session, st, target, fault);
            draw_buttons(session, st, target, fault);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Incident")) {
            draw_incident(session, st);
            ImGui::EndTabItem();
        }
        const std::string active = fmt::format("Active faults ({})###active", session.active_faults().size());
        if (ImGui::BeginTabItem(active.c_str())) {
            draw_message(st);
            draw_active_faults(session, st);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace trainer
