// Fault injection panel: for the selected PEC, a region or a share of PECs, every fault the device
// models offer, now or at a chosen time, for a duration or until cleared; clearing; active faults.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

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

}  // namespace

void draw_faults_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(0.6f, 0.42f, 0.4f, 0.36f);
    ImGui::Begin("Fault injection", nullptr, ImGuiWindowFlags_NoCollapse);
    FaultPanelState& st = state.faults;
    const auto sel = session.selected();

    ImGui::RadioButton(sel ? fmt::format("PEC {}", session.pec(*sel).number).c_str() : "selected PEC (none)", &st.scope, 0);
    ImGui::SameLine();
    ImGui::RadioButton("region", &st.scope, 1);
    ImGui::SameLine();
    ImGui::RadioButton("share of PECs", &st.scope, 2);
    if (st.scope != 0) {
        std::vector<const core::Region*> regions;
        for (const auto& r : session.package().regions)
            for (std::size_t i = 0; i < session.world().pec_count(); ++i)
                if (session.pec(i).region_code == r.code) {
                    regions.push_back(&r);
                    break;
                }
        const core::Region* cur = session.package().find_region(st.region);
        ImGui::SetNextItemWidth(150);
        if (ImGui::BeginCombo("##region", cur ? cur->name.c_str() : (st.scope == 2 ? "all regions" : "choose a region"))) {
            if (st.scope == 2 && ImGui::Selectable("all regions", st.region == 0)) st.region = 0;
            for (const auto* r : regions)
                if (ImGui::Selectable(r->name.c_str(), st.region == r->code)) st.region = r->code;
            ImGui::EndCombo();
        }
        if (st.scope == 2) {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(140);
            ImGui::SliderFloat("share", &st.share_pct, 1.0f, 100.0f, "%.0f %%");
        }
    }

    // Device and fault.
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
    const devices::Fault fault = faults[static_cast<std::size_t>(st.fault)];
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
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("minutes (0: until cleared)", &st.duration_min, 5, 30);
    st.duration_min = std::clamp(st.duration_min, 0, 24 * 60);
    if (sim::device_kind_of(target) == devices::DeviceKind::ballot_scanner) ImGui::Checkbox("then replace by a stationary box", &st.replace);
    ImGui::Checkbox("now", &st.now);
    if (!st.now) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(70);
        ImGui::InputText("at (HH:MM)", st.at.data(), st.at.size());
    }

    auto make_action = [&](bool enter) -> std::optional<sim::FaultAction> {
        sim::FaultAction a;
        a.target = target;
        a.unit = desk_device(target) ? st.unit - 1 : 0;
        a.fault = fault;
        a.enter = enter;
        a.severity = has_severity(fault) ? static_cast<double>(st.severity) : 1.0;
        a.duration = enter ? static_cast<sim::Time>(st.duration_min) * core::kMinute : 0;
        a.replace_arbb = enter && st.replace && sim::device_kind_of(target) == devices::DeviceKind::ballot_scanner;
        if (!st.now) {
            auto t = core::parse_clock_time(st.at.data());
            if (!t) return show(st, t.error().message, true), std::nullopt;
            if (*t < session.world().now()) return show(st, fmt::format("{} is already past", st.at.data()), true), std::nullopt;
            a.at = *t;
        }
        return a;
    };
    auto selection = [&]() -> std::optional<drill::PecSelection> {
        drill::PecSelection s;
        if (st.scope == 0) {
            if (!sel) return show(st, "select a PEC on the map first", true), std::nullopt;
            s.pec = session.pec(*sel).number;
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
    };
    if (ImGui::Button("Inject")) {
        if (auto s = selection(); s)
            if (auto a = make_action(true); a) {
                auto n = session.inject(*s, *a);
                if (n) show(st, fmt::format("{} at {} PEC(s)", devices::to_string(fault), *n), false);
                else show(st, n.error().message, true);
            }
    }
    ImGui::SameLine();
    if (ImGui::Button("Clear")) {
        if (auto s = selection(); s)
            if (auto a = make_action(false); a) {
                auto n = session.inject(*s, *a);
                if (n) show(st, fmt::format("cleared {} at {} PEC(s)", devices::to_string(fault), *n), false);
                else show(st, n.error().message, true);
            }
    }
    if (!st.message.empty()) {
        ImGui::SameLine();
        ImGui::TextColored(st.message_is_error ? ImVec4(1, 0.4f, 0.4f, 1) : ImVec4(0.5f, 0.9f, 0.5f, 1), "%s", st.message.c_str());
    }

    const auto& active = session.active_faults();
    ImGui::Text("Active faults: %zu", active.size());
    if (ImGui::BeginTable("active", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("PEC");
        ImGui::TableSetupColumn("device");
        ImGui::TableSetupColumn("fault");
        ImGui::TableSetupColumn("");
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
                if (const auto t = target_of(sim::DeviceView{f.device_id, f.kind, 0}); t)
                    if (ImGui::SmallButton(fmt::format("clear##{}", r).c_str())) {
                        sim::FaultAction a;
                        a.pec = f.pec;
                        a.target = t->first;
                        a.unit = t->second;
                        a.fault = f.fault;
                        a.enter = false;
                        to_clear = a;
                    }
            }
        ImGui::EndTable();
        if (to_clear) {
            if (auto ok = session.act(*to_clear); ok) show(st, fmt::format("cleared {} at PEC {}", devices::to_string(to_clear->fault), to_clear->pec), false);
            else show(st, ok.error().message, true);
        }
    }
    ImGui::End();
}

}  // namespace trainer
