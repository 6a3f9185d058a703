// Map panel: Kyrgyzstan's outline (assets/map/kyrgyzstan.geojson) with every PEC as a dot coloured
// by its state (ringed red when a device is in a fault), the PECs abroad in a strip below. The view
// (drill/map_view.hpp): a region filter that fits the map to that region's PECs, zoom with the mouse
// wheel or the buttons, pan by dragging; hover shows a PEC, a click selects it.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "trainer/panels.hpp"

namespace trainer {
namespace {

constexpr float kStripCell = 11.0f;     // pixels per PEC in the abroad strip
constexpr float kStripLabel = 90.0f;    // room for "Abroad (59)"
constexpr double kWheelZoom = 1.25;     // zoom factor per wheel notch
constexpr double kButtonZoom = 2.0;

bool abroad(const drill::DrillSession& session, std::size_t i) {
    const core::Region* region = session.package().find_region(session.pec(i).region_code);
    return region != nullptr && region->abroad;
}

// The box zoom 1 shows: the filtered region's PECs at home, else the country.
drill::GeoBox fitted_box(const drill::DrillSession& session, int region) {
    if (region == 0) return drill::kCountryBox;
    std::vector<drill::LonLat> points;
    for (std::size_t i = 0; i < session.world().pec_count(); ++i)
        if (session.pec(i).region_code == region && !abroad(session, i)) points.push_back({session.pec(i).lon, session.pec(i).lat});
    return drill::box_around(points).value_or(drill::kCountryBox);
}

void draw_legend(const drill::CountrySummary& summary) {
    for (const auto& e : drill::map_legend(summary)) {
        const std::string text = fmt::format("{} {}", sim::to_string(e.state), e.count);
        if (e.state != sim::PecState::not_open) same_line_if_fits(ImGui::CalcTextSize(text.c_str()).x + 16.0f);
        ImGui::ColorButton(fmt::format("##legend{}", static_cast<int>(e.state)).c_str(), ImGui::ColorConvertU32ToFloat4(state_colour(e.state)),
                           ImGuiColorEditFlags_NoTooltip, ImVec2(10, 10));
        ImGui::SameLine(0, 3);
        ImGui::TextUnformatted(text.c_str());
        if (e.state == sim::PecState::device_fault && ImGui::IsItemHovered())
            ImGui::SetTooltip("PECs with a device in a fault, whatever their state (as 'PECs with faults' in the summary):\n"
                              "red while voting, ringed red when not open yet or closed.");
    }
}

// Region filter, zoom buttons, reset.
void draw_view_controls(const drill::DrillSession& session, MapPanelState& st, const drill::MapTransform& t) {
    const core::Region* cur = session.package().find_region(st.view.region);
    ImGui::SetNextItemWidth(130);
    if (ImGui::BeginCombo("##mapregion", cur ? cur->name.c_str() : "all regions")) {
        if (ImGui::Selectable("all regions", st.view.region == 0)) st.view = {};
        for (const auto* r : regions_in_drill(session))
            if (ImGui::Selectable(r->name.c_str(), st.view.region == r->code)) st.view = drill::MapView{r->code, 1.0, std::nullopt};
        ImGui::EndCombo();
    }
    // The buttons zoom about the middle of the map (the view's centre stays where it is).
    ImGui::SameLine();
    if (ImGui::SmallButton("-")) st.view = drill::zoom_at(st.view, t, t.middle, 1.0 / kButtonZoom);
    ImGui::SameLine();
    if (ImGui::SmallButton("+")) st.view = drill::zoom_at(st.view, t, t.middle, kButtonZoom);
    ImGui::SameLine();
    if (ImGui::SmallButton("reset")) st.view = drill::MapView{st.view.region, 1.0, std::nullopt};
    ImGui::SameLine();
    ImGui::TextDisabled("zoom x%.1f  (wheel: zoom, drag: pan)", st.view.zoom);
}

void draw_outline(ImDrawList* draw, const MapPanelState& st, const drill::MapTransform& t, ImVec2 origin) {
    if (!st.outline) {
        draw->AddText(ImVec2(origin.x + 8, origin.y + 8), IM_COL32(255, 120, 120, 255), fmt::format("no outline: {}", st.outline_error).c_str());
        return;
    }
    std::vector<ImVec2> pts;
    for (std::size_t r = 0; r < st.outline->rings.size(); ++r) {
        pts.clear();
        for (const auto& p : st.outline->rings[r]) {
            const auto s = t.project(p);
            pts.emplace_back(static_cast<float>(s.x), static_cast<float>(s.y));
        }
        draw->AddPolyline(pts.data(), static_cast<int>(pts.size()), r == 0 ? IM_COL32(200, 200, 190, 255) : IM_COL32(150, 150, 140, 255),
                          ImDrawFlags_Closed, r == 0 ? 1.5f : 1.0f);
    }
}

// Where each PEC is drawn this frame: at home by position (if inside the map area), abroad in the
// strip; filtered out or outside the area: far away (not drawn, not hovered).
void place_dots(const drill::DrillSession& session, MapPanelState& st, const drill::MapTransform& t, ImVec2 map_min, ImVec2 map_max,
                ImVec2 strip) {
    const std::size_t n = session.views().size();
    st.dot.assign(n, ImVec2(-1e9f, -1e9f));
    const int per_row = std::max(1, static_cast<int>((map_max.x - map_min.x - kStripLabel) / kStripCell));
    int abroad_shown = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const core::Pec& pec = session.pec(i);
        if (!drill::shows(st.view, pec.region_code)) continue;
        if (abroad(session, i)) {
            st.dot[i] = ImVec2(strip.x + kStripLabel + static_cast<float>(abroad_shown % per_row) * kStripCell,
                               strip.y + 8.0f + static_cast<float>(abroad_shown / per_row) * kStripCell);
            ++abroad_shown;
        } else {
            const auto s = t.project({pec.lon, pec.lat});
            if (s.x >= map_min.x && s.x <= map_max.x && s.y >= map_min.y && s.y <= map_max.y) st.dot[i] = ImVec2(static_cast<float>(s.x), static_cast<float>(s.y));
        }
    }
}

void draw_dots(ImDrawList* draw, const drill::DrillSession& session, const MapPanelState& st, float radius) {
    const auto& views = session.views();
    const ImU32 fault = state_colour(sim::PecState::device_fault);
    for (std::size_t i = 0; i < views.size(); ++i) {
        const ImVec2 p = st.dot[i];
        if (p.x < -1e8f) continue;
        draw->AddRectFilled(ImVec2(p.x - radius, p.y - radius), ImVec2(p.x + radius, p.y + radius), state_colour(views[i].state));
        if (views[i].active_faults != 0 && views[i].state != sim::PecState::device_fault)
            draw->AddRect(ImVec2(p.x - radius - 1.5f, p.y - radius - 1.5f), ImVec2(p.x + radius + 1.5f, p.y + radius + 1.5f), fault, 0.0f, 0, 1.5f);
    }
    if (const auto sel = session.selected(); sel && *sel < views.size() && st.dot[*sel].x > -1e8f)
        draw->AddCircle(st.dot[*sel], radius + 5.0f, IM_COL32_WHITE, 16, 2.0f);
}

void pec_tooltip(const drill::DrillSession& session, std::size_t i) {
    const auto& v = session.views()[i];
    const core::Pec& pec = session.pec(i);
    ImGui::BeginTooltip();
    ImGui::Text("PEC %d  %s", v.number, pec.place.c_str());
    ImGui::Text("%s", std::string(sim::to_string(v.state)).c_str());
    ImGui::Text("queue %lld, voted %lld of %lld", static_cast<long long>(v.queue), static_cast<long long>(v.voters),
                static_cast<long long>(pec.registered));
    if (v.active_faults != 0) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "faults: %s", fault_names(v.active_faults).c_str());
    ImGui::EndTooltip();
}

// Wheel zooms at the mouse, a drag pans, hover shows the nearest PEC, a click (no drag) selects it.
void handle_mouse(drill::DrillSession& session, MapPanelState& st, const drill::MapTransform& t, bool over_map) {
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left))
        st.view = drill::pan_by(st.view, t, io.MouseDelta.x, io.MouseDelta.y);
    if (!ImGui::IsItemHovered()) return;
    if (over_map && io.MouseWheel != 0.0f) st.view = drill::zoom_at(st.view, t, {io.MousePos.x, io.MousePos.y}, std::pow(kWheelZoom, io.MouseWheel));
    std::optional<std::size_t> best;
    float best_d2 = 7.0f * 7.0f;
    for (std::size_t i = 0; i < st.dot.size(); ++i) {
        const float dx = st.dot[i].x - io.MousePos.x, dy = st.dot[i].y - io.MousePos.y, d2 = dx * dx + dy * dy;
        if (d2 <= best_d2) best_d2 = d2, best = i;
    }
    if (!best) return;
    pec_tooltip(session, *best);
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[ImGuiMouseButton_Left] < 16.0f) session.select_index(*best);
}

}  // namespace

void draw_map_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(kLayout.map);
    ImGui::Begin("Map", nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    MapPanelState& st = state.map;
    draw_legend(session.summary());
    // The map area is known once the controls are drawn; zooming about the middle keeps the view's
    // centre, whatever the area, so the controls can use the area left before them.
    const ImVec2 top = ImGui::GetCursorScreenPos(), room = ImGui::GetContentRegionAvail();
    draw_view_controls(session, st, drill::map_transform(fitted_box(session, st.view.region), st.view, {top.x, top.y, room.x, room.y}));
    const drill::GeoBox fitted = fitted_box(session, st.view.region);  // the filter may have changed

    const ImVec2 origin = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
    const float width = std::max(50.0f, avail.x);
    int abroad_count = 0;
    for (std::size_t i = 0; i < session.views().size(); ++i) abroad_count += drill::shows(st.view, session.pec(i).region_code) && abroad(session, i);
    const int per_row = std::max(1, static_cast<int>((width - kStripLabel) / kStripCell));
    const float strip_h = abroad_count > 0 ? 14.0f + kStripCell * static_cast<float>((abroad_count + per_row - 1) / per_row) : 0.0f;
    const float map_h = std::max(50.0f, avail.y - strip_h);
    const drill::MapTransform t = drill::map_transform(fitted, st.view, {origin.x, origin.y, width, map_h});

    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 map_max(origin.x + width, origin.y + map_h);
    draw->PushClipRect(origin, map_max, true);
    draw_outline(draw, st, t, origin);
    draw->PopClipRect();
    const ImVec2 strip(origin.x, origin.y + map_h + 2.0f);
    place_dots(session, st, t, origin, map_max, strip);
    const float radius = (session.views().size() > 800 ? 2.2f : 3.5f) * static_cast<float>(std::clamp(std::sqrt(st.view.zoom), 1.0, 2.0));
    draw_dots(draw, session, st, radius);
    if (abroad_count > 0) draw->AddText(ImVec2(strip.x + 2, strip.y + 2), IM_COL32(200, 200, 190, 255), fmt::format("Abroad ({})", abroad_count).c_str());

    ImGui::InvisibleButton("map_area", ImVec2(width, std::max(1.0f, map_h + strip_h)));
    const ImVec2 m = ImGui::GetIO().MousePos;
    handle_mouse(session, st, t, m.y < map_max.y);
    ImGui::End();
}

}  // namespace trainer
