#include "drill/map_view.hpp"

#include <algorithm>
#include <cmath>

namespace drill {
namespace {

constexpr double kPi = 3.14159265358979323846;

LonLat box_centre(const GeoBox& b) { return {(b.lon0 + b.lon1) / 2, (b.lat0 + b.lat1) / 2}; }

LonLat clamp_into(LonLat p, const GeoBox& b) { return {std::clamp(p.lon, b.lon0, b.lon1), std::clamp(p.lat, b.lat0, b.lat1)}; }

}  // namespace

std::optional<GeoBox> box_around(const std::vector<LonLat>& points, double margin) {
    if (points.empty()) return std::nullopt;
    GeoBox b{points[0].lon, points[0].lat, points[0].lon, points[0].lat};
    for (const auto& p : points) {
        b.lon0 = std::min(b.lon0, p.lon), b.lon1 = std::max(b.lon1, p.lon);
        b.lat0 = std::min(b.lat0, p.lat), b.lat1 = std::max(b.lat1, p.lat);
    }
    const double dx = std::max(0.01, (b.lon1 - b.lon0) * margin), dy = std::max(0.01, (b.lat1 - b.lat0) * margin);
    return GeoBox{b.lon0 - dx, b.lat0 - dy, b.lon1 + dx, b.lat1 + dy};
}

ScreenPoint MapTransform::project(LonLat p) const {
    return {middle.x + (p.lon - centre.lon) * cos_lat * pixels_per_degree, middle.y - (p.lat - centre.lat) * pixels_per_degree};
}

LonLat MapTransform::unproject(ScreenPoint s) const {
    return {centre.lon + (s.x - middle.x) / (cos_lat * pixels_per_degree), centre.lat - (s.y - middle.y) / pixels_per_degree};
}

MapTransform map_transform(const GeoBox& fitted, const MapView& view, const ScreenArea& area) {
    MapTransform t;
    t.fitted = fitted;
    t.cos_lat = std::cos(box_centre(fitted).lat * kPi / 180.0);
    const double w = std::max(1.0, area.w), h = std::max(1.0, area.h);
    const double fit = std::min(w / ((fitted.lon1 - fitted.lon0) * t.cos_lat), h / (fitted.lat1 - fitted.lat0));
    t.pixels_per_degree = fit * std::clamp(view.zoom, kMinZoom, kMaxZoom);
    t.centre = clamp_into(view.centre.value_or(box_centre(fitted)), fitted);
    t.middle = {area.x + w / 2, area.y + h / 2};
    return t;
}

MapView zoom_at(const MapView& view, const MapTransform& t, ScreenPoint at, double factor) {
    MapView v = view;
    const double old_zoom = std::clamp(view.zoom, kMinZoom, kMaxZoom);
    v.zoom = std::clamp(old_zoom * factor, kMinZoom, kMaxZoom);
    if (v.zoom == kMinZoom) {  // all the way out: the whole region or country again, centred
        v.centre.reset();
        return v;
    }
    const LonLat under = t.unproject(at);
    const double ppd = t.pixels_per_degree * v.zoom / old_zoom;
    v.centre = clamp_into({under.lon - (at.x - t.middle.x) / (t.cos_lat * ppd), under.lat + (at.y - t.middle.y) / ppd}, t.fitted);
    return v;
}

MapView pan_by(const MapView& view, const MapTransform& t, double dx, double dy) {
    MapView v = view;
    v.centre = clamp_into({t.centre.lon - dx / (t.cos_lat * t.pixels_per_degree), t.centre.lat + dy / t.pixels_per_degree}, t.fitted);
    return v;
}

std::array<LegendEntry, 7> map_legend(const CountrySummary& summary) {
    std::array<LegendEntry, 7> legend;
    for (std::size_t s = 0; s < legend.size(); ++s) legend[s] = {static_cast<sim::PecState>(s), summary.by_state[s]};
    legend[static_cast<std::size_t>(sim::PecState::device_fault)].count = summary.pecs_with_faults;
    return legend;
}

}  // namespace drill
