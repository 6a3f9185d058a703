// Helpers the panels share (declared in trainer/panels.hpp): window placement, state colours,
// fault names, waiting times, wrapped text, and which instructor target addresses a device of the inspector.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "trainer/panels.hpp"

#include "core/device_keys.hpp"

namespace trainer {

ImVec4 panel_pixels(const PanelRect& r, ImVec2 d) {
    const float x0 = std::round(r.x * d.x), y0 = std::round(r.y * d.y);
    const float x1 = std::round((r.x + r.w) * d.x), y1 = std::round((r.y + r.h) * d.y);
    return ImVec4(x0, y0, x1 - x0, y1 - y0);
}

void place_panel(const PanelRect& rect) {
    const ImVec4 p = panel_pixels(rect, ImGui::GetIO().DisplaySize);
    ImGui::SetNextWindowPos(ImVec2(p.x, p.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(p.z, p.w), ImGuiCond_Always);
}

std::string minutes_text(double seconds) { return fmt::format("{:.1f} min", std::max(0.0, seconds) / 60.0); }

std::vector<const core::Region*> regions_in_drill(const drill::DrillSession& session) {
    std::vector<const core::Region*> out;
    for (const auto& r : session.package().regions)
        if (session.has_region(r.code)) out.push_back(&r);
    return out;
}

void same_line_if_fits(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

void wrapped_text(const std::string& text, ImVec4 colour) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
}

ImU32 state_colour(sim::PecState state) {
    switch (state) {
        case sim::PecState::not_open: return IM_COL32(110, 110, 120, 255);
        case sim::PecState::voting: return IM_COL32(70, 170, 255, 255);
        case sim::PecState::queue_building: return IM_COL32(255, 200, 40, 255);
        case sim::PecState::device_fault: return IM_COL32(240, 60, 60, 255);
        case sim::PecState::closed: return IM_COL32(180, 120, 255, 255);
        case sim::PecState::transmitted: return IM_COL32(80, 220, 200, 255);
        case sim::PecState::acknowledged: return IM_COL32(90, 220, 90, 255);
    }
    return IM_COL32_WHITE;
}

std::string fault_names(std::uint32_t bits) {
    std::string out;
    for (unsigned f = 0; f < 32; ++f)
        if ((bits >> f) & 1u) out += (out.empty() ? "" : ", ") + std::string(devices::to_string(static_cast<devices::Fault>(f)));
    return out.empty() ? "ok" : out;
}

std::optional<std::pair<sim::FaultTarget, int>> target_of(const sim::DeviceView& d) {
    using devices::DeviceKind;
    if (d.kind == DeviceKind::power_supply) return std::pair{sim::FaultTarget::power, 0};
    if (d.kind == DeviceKind::modem) return std::pair{sim::FaultTarget::modem, 0};
    const auto id = core::parse_device_id(d.id);
    if (!id) return std::nullopt;
    if (d.kind == DeviceKind::ballot_scanner) {
        if (id->role == core::DeviceRole::arbb_party_list) return std::pair{sim::FaultTarget::arbb_party_list, 0};
        if (id->role == core::DeviceRole::arbb_district) return std::pair{sim::FaultTarget::arbb_district, 0};
        return std::nullopt;
    }
    if (id->role != core::DeviceRole::identification) return std::nullopt;  // e.g. an ARBB's report printer: not addressable
    const int desk = id->desk;
    switch (d.kind) {
        case DeviceKind::fingerprint_scanner: return std::pair{sim::FaultTarget::fingerprint_scanner, desk - 1};
        case DeviceKind::document_reader: return std::pair{sim::FaultTarget::document_reader, desk - 1};
        case DeviceKind::webcam: return std::pair{sim::FaultTarget::webcam, desk - 1};
        case DeviceKind::printer: return std::pair{sim::FaultTarget::printer, desk - 1};
        default: return std::nullopt;
    }
}

}  // namespace trainer
