// Map panel: Kyrgyzstan's outline (assets/map/kyrgyzstan.geojson) with every PEC as a dot coloured
// by its state, the PECs abroad in a strip below; hover shows a PEC, click selects it.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "trainer/panels.hpp"

namespace trainer {
namespace {

// The country's extent with a small margin (DCW: lon 69.28..80.28, lat 39.17..43.24).
constexpr double kLon0 = 69.1, kLon1 = 80.45, kLat0 = 39.05, kLat1 = 43.35;
// Equirectangular projection with the scale of the country's middle latitude (about 41.2 N):
// at this size the distortion of a conic projection would not be visible.
const double kCosLat = std::cos(41.2 * 3.14159265358979 / 180.0);

}  // namespace

void draw_map_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(0.0f, 0.0f, 0.6f, 0.58f);
    ImGui::Begin("Map", nullptr, ImGuiWindowFlags_NoCollapse);
    const auto& views = session.views();
    const auto& summary = session.summary();

    // Legend with counts.
    for (int s = 0; s < 7; ++s) {
        const auto st = static_cast<sim::PecState>(s);
        if (s > 0) ImGui::SameLine();
        ImGui::ColorButton(fmt::format("##legend{}", s).c_str(), ImGui::ColorConvertU32ToFloat4(state_colour(st)),
                           ImGuiColorEditFlags_NoTooltip, ImVec2(10, 10));
        ImGui::SameLine(0, 3);
        ImGui::Text("%s %d", std::string(sim::to_string(st)).c_str(), summary.by_state[static_cast<std::size_t>(s)]);
    }

    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float strip_h = 44.0f;
    const float map_w = std::max(50.0f, avail.x), map_h = std::max(50.0f, avail.y - strip_h);
    const double world_w = (kLon1 - kLon0) * kCosLat, world_h = kLat1 - kLat0;
    const double scale = std::min(map_w / world_w, map_h / world_h);
    const float off_x = origin.x + static_cast<float>((map_w - world_w * scale) / 2);
    const float off_y = origin.y;
    auto project = [&](double lon, double lat) {
        return ImVec2(off_x + static_cast<float>((lon - kLon0) * kCosLat * scale),
                      off_y + static_cast<float>((kLat1 - lat) * scale));
    };

    if (state.map.outline) {
        std::vector<ImVec2> pts;
        for (std::size_t r = 0; r < state.map.outline->rings.size(); ++r) {
            const auto& ring = state.map.outline->rings[r];
            pts.clear();
            for (const auto& p : ring) pts.push_back(project(p.lon, p.lat));
            draw->AddPolyline(pts.data(), static_cast<int>(pts.size()), r == 0 ? IM_COL32(200, 200, 190, 255) : IM_COL32(150, 150, 140, 255),
                              ImDrawFlags_Closed, r == 0 ? 1.5f : 1.0f);
        }
    } else {
        draw->AddText(ImVec2(origin.x + 8, origin.y + 8), IM_COL32(255, 120, 120, 255),
                      fmt::format("no outline: {}", state.map.outline_error).c_str());
    }

    // PECs: inside the country by position, abroad in a grid in the strip below the map.
    state.map.dot.assign(views.size(), ImVec2(-1e9f, -1e9f));
    const float strip_y = origin.y + map_h + 6.0f;
    int abroad = 0;
    for (std::size_t i = 0; i < views.size(); ++i) {
        const core::Pec& pec = session.pec(i);
        const core::Region* region = session.package().find_region(pec.region_code);
        if (region != nullptr && region->abroad) {
            const int per_row = std::max(1, static_cast<int>((map_w - 90.0f) / 11.0f));
            state.map.dot[i] = ImVec2(origin.x + 90.0f + static_cast<float>(abroad % per_row) * 11.0f,
                                      strip_y + 8.0f + static_cast<float>(abroad / per_row) * 11.0f);
            ++abroad;
        } else {
            state.map.dot[i] = project(pec.lon, pec.lat);
        }
    }
    if (abroad > 0) draw->AddText(ImVec2(origin.x + 2, strip_y + 2), IM_COL32(200, 200, 190, 255), fmt::format("Abroad ({})", abroad).c_str());
    const float radius = views.size() > 800 ? 2.2f : 3.5f;
    for (std::size_t i = 0; i < views.size(); ++i)
        draw->AddRectFilled(ImVec2(state.map.dot[i].x - radius, state.map.dot[i].y - radius),
                            ImVec2(state.map.dot[i].x + radius, state.map.dot[i].y + radius), state_colour(views[i].state));
    if (const auto sel = session.selected(); sel && *sel < views.size())
        draw->AddCircle(state.map.dot[*sel], radius + 5.0f, IM_COL32_WHITE, 16, 2.0f);

    // Hover and click: the nearest dot within a few pixels.
    ImGui::InvisibleButton("map_area", ImVec2(map_w, map_h + strip_h - 4.0f));
    if (ImGui::IsItemHovered()) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        std::optional<std::size_t> best;
        float best_d2 = 7.0f * 7.0f;
        for (std::size_t i = 0; i < views.size(); ++i) {
            const float dx = state.map.dot[i].x - m.x, dy = state.map.dot[i].y - m.y, d2 = dx * dx + dy * dy;
            if (d2 <= best_d2) best_d2 = d2, best = i;
        }
        if (best) {
            const auto& v = views[*best];
            const core::Pec& pec = session.pec(*best);
            ImGui::BeginTooltip();
            ImGui::Text("PEC %d  %s", v.number, pec.place.c_str());
            ImGui::Text("%s", std::string(sim::to_string(v.state)).c_str());
            ImGui::Text("queue %lld, voted %lld of %lld", static_cast<long long>(v.queue), static_cast<long long>(v.voters),
                        static_cast<long long>(pec.registered));
            if (v.active_faults != 0) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "faults: %s", fault_names(v.active_faults).c_str());
            ImGui::EndTooltip();
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) session.select_index(*best);
        }
    }
    ImGui::End();
}

}  // namespace trainer
