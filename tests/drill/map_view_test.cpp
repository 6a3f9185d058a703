// The map panel's view as pure functions (drill/map_view.hpp): fit, zoom at a point, pan, region filter.
#include "drill/map_view.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/election_package.hpp"

namespace {

using drill::LonLat;
using drill::MapView;
using drill::ScreenPoint;

const drill::ScreenArea kArea{10, 40, 760, 380};  // about the map panel's area at 1280x800

void expect_near(ScreenPoint a, ScreenPoint b, double tolerance = 1e-6) {
    EXPECT_NEAR(a.x, b.x, tolerance);
    EXPECT_NEAR(a.y, b.y, tolerance);
}

TEST(MapView, ZoomOneFitsTheBoxInTheAreaCentred) {
    const auto t = drill::map_transform(drill::kCountryBox, MapView{}, kArea);
    const auto sw = t.project({drill::kCountryBox.lon0, drill::kCountryBox.lat0});
    const auto ne = t.project({drill::kCountryBox.lon1, drill::kCountryBox.lat1});
    EXPECT_GE(sw.x, kArea.x - 1e-9);
    EXPECT_LE(ne.x, kArea.x + kArea.w + 1e-9);
    EXPECT_GE(ne.y, kArea.y - 1e-9);  // north is up
    EXPECT_LE(sw.y, kArea.y + kArea.h + 1e-9);
    // One side fills the area exactly; the box is centred.
    const double w = ne.x - sw.x, h = sw.y - ne.y;
    EXPECT_TRUE(std::abs(w - kArea.w) < 1e-6 || std::abs(h - kArea.h) < 1e-6) << w << " x " << h;
    expect_near({(sw.x + ne.x) / 2, (sw.y + ne.y) / 2}, {kArea.x + kArea.w / 2, kArea.y + kArea.h / 2});
    for (const ScreenPoint p : {ScreenPoint{10, 40}, ScreenPoint{333, 222}, ScreenPoint{770, 420}}) expect_near(t.project(t.unproject(p)), p);
}

TEST(MapView, ZoomKeepsThePointUnderTheMouseAndStaysWithinLimits) {
    const MapView v0{};
    const auto t0 = drill::map_transform(drill::kCountryBox, v0, kArea);
    const ScreenPoint mouse{200, 120};
    const LonLat under = t0.unproject(mouse);
    const MapView v1 = drill::zoom_at(v0, t0, mouse, 4.0);
    EXPECT_EQ(v1.zoom, 4.0);
    const auto t1 = drill::map_transform(drill::kCountryBox, v1, kArea);
    expect_near(t1.project(under), mouse, 1e-6);
    EXPECT_NEAR(t1.pixels_per_degree, 4.0 * t0.pixels_per_degree, 1e-9);

    const MapView far = drill::zoom_at(v1, t1, mouse, 1e6);
    EXPECT_EQ(far.zoom, drill::kMaxZoom);
    const MapView out = drill::zoom_at(v1, t1, mouse, 1e-6);  // all the way out: centred again
    EXPECT_EQ(out.zoom, drill::kMinZoom);
    EXPECT_FALSE(out.centre);
}

TEST(MapView, PanMovesTheMapWithTheDragAndKeepsTheCentreInsideTheBox) {
    const MapView v{0, 3.0, LonLat{75.0, 41.5}};
    const auto t = drill::map_transform(drill::kCountryBox, v, kArea);
    const LonLat bishkek{74.59, 42.87};
    const auto before = t.project(bishkek);
    const MapView moved = drill::pan_by(v, t, 35.0, -12.0);
    const auto after = drill::map_transform(drill::kCountryBox, moved, kArea).project(bishkek);
    expect_near(after, {before.x + 35.0, before.y - 12.0}, 1e-6);

    const MapView flung = drill::pan_by(v, t, -1e7, 1e7);
    ASSERT_TRUE(flung.centre);
    EXPECT_EQ(flung.centre->lon, drill::kCountryBox.lon1);
    EXPECT_EQ(flung.centre->lat, drill::kCountryBox.lat1);
}

// Talas's 117 PECs: a few overlapping blobs on the country map, spread over the area when the map
// is filtered to the region (and fitted to its PECs).
TEST(MapView, FilteringToARegionFitsItsPecs) {
    auto package = core::load_election_package(std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets/kg2021");
    ASSERT_TRUE(package) << package.error().message;
    std::vector<LonLat> talas;
    for (const auto& p : package->pecs)
        if (p.region_code == 6) talas.push_back({p.lon, p.lat});
    ASSERT_EQ(talas.size(), 117u);
    auto span = [&](const drill::GeoBox& box, const MapView& v) {
        const auto t = drill::map_transform(box, v, kArea);
        double x0 = 1e9, x1 = -1e9;
        for (const auto& p : talas) x0 = std::min(x0, t.project(p).x), x1 = std::max(x1, t.project(p).x);
        return x1 - x0;
    };
    const auto box = drill::box_around(talas);
    ASSERT_TRUE(box);
    for (const auto& p : talas) {
        EXPECT_GT(p.lon, box->lon0);
        EXPECT_LT(p.lat, box->lat1);
    }
    EXPECT_LT(span(drill::kCountryBox, MapView{}), 80.0);
    EXPECT_GT(span(*box, MapView{6, 1.0, std::nullopt}), 0.8 * kArea.w);
    EXPECT_TRUE(drill::shows(MapView{6, 1.0, std::nullopt}, 6));
    EXPECT_FALSE(drill::shows(MapView{6, 1.0, std::nullopt}, 9));
    EXPECT_TRUE(drill::shows(MapView{}, 9));
    EXPECT_FALSE(drill::box_around({}));
}

}  // namespace
