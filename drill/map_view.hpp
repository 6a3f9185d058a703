#pragma once
/// What the map panel shows and where: the view (region filter, zoom, centre), the transform from
/// degrees to pixels it gives for a drawing area, zooming at a point and panning by pixels, and the
/// legend's counts. Pure functions, no ImGui: the panel draws with them, the tests check them.
#include <array>
#include <optional>
#include <vector>

#include "drill/drill_session.hpp"
#include "drill/map_outline.hpp"

namespace drill {

/// A box in degrees.
struct GeoBox {
    double lon0 = 0.0, lat0 = 0.0;  ///< south-west corner
    double lon1 = 0.0, lat1 = 0.0;  ///< north-east corner
};

/// Kyrgyzstan's extent with a small margin (DCW: lon 69.28..80.28, lat 39.17..43.24).
inline constexpr GeoBox kCountryBox{69.1, 39.05, 80.45, 43.35};

/// The smallest box around `points` with `margin` (a share of its size, at least 0.01 degree) on each
/// side; nullopt without points.
std::optional<GeoBox> box_around(const std::vector<LonLat>& points, double margin = 0.08);

/// What the instructor chose to see.
struct MapView {
    int region = 0;                 ///< only the PECs of this region (0: all); the map fits them
    double zoom = 1.0;              ///< 1: the region (or the country) fits the area; up to kMaxZoom
    std::optional<LonLat> centre;   ///< centre of the view (nullopt: centre of the fitted box)
};

/// Limits of MapView::zoom.
inline constexpr double kMinZoom = 1.0, kMaxZoom = 256.0;

/// A point on screen, in pixels.
struct ScreenPoint {
    double x = 0.0, y = 0.0;
};

/// A drawing area on screen, in pixels.
struct ScreenArea {
    double x = 0.0, y = 0.0, w = 0.0, h = 0.0;
};

/// Degrees to pixels for one frame: an equirectangular projection with the scale of the fitted box's
/// middle latitude (at a region's or the country's size a conic projection would look the same).
struct MapTransform {
    GeoBox fitted;                ///< the box zoom 1 shows whole
    LonLat centre;                ///< geographic point at the middle of the area
    ScreenPoint middle;           ///< the middle of the area on screen
    double pixels_per_degree = 1.0;  ///< per degree of latitude
    double cos_lat = 1.0;         ///< a degree of longitude is this many degrees of latitude long

    ScreenPoint project(LonLat p) const;
    LonLat unproject(ScreenPoint s) const;
};

/// The transform that shows `view` of `fitted` (the country's or the region's box) in `area`: at zoom
/// 1 the box fits the area, centred; the centre is kept inside the box.
MapTransform map_transform(const GeoBox& fitted, const MapView& view, const ScreenArea& area);

/// `view` zoomed by `factor` keeping the geographic point under `at` where it is on screen (the mouse
/// wheel); zoom stays within [kMinZoom, kMaxZoom], the centre inside the fitted box.
MapView zoom_at(const MapView& view, const MapTransform& transform, ScreenPoint at, double factor);

/// `view` moved so the map follows a drag of (dx, dy) pixels.
MapView pan_by(const MapView& view, const MapTransform& transform, double dx, double dy);

/// True if a PEC of region `region_code` is drawn with this view's filter.
inline bool shows(const MapView& view, int region_code) { return view.region == 0 || view.region == region_code; }

/// One entry of the map's legend: a state's colour and its count.
struct LegendEntry {
    sim::PecState state = sim::PecState::not_open;
    int count = 0;
};

/// The legend: PECs per state, except "device fault", which counts every PEC with a device in a
/// fault (summary.pecs_with_faults, as the country summary does): a PEC that is closed or not open
/// yet keeps its state's colour and is ringed red on the map.
std::array<LegendEntry, 7> map_legend(const CountrySummary& summary);

}  // namespace drill
