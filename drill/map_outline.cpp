#include "drill/map_outline.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace drill {
namespace {

core::Result<std::vector<LonLat>> read_ring(const nlohmann::json& ring, const std::string& where) {
    std::vector<LonLat> out;
    if (!ring.is_array()) return core::fail(fmt::format("{}: expected an array of [lon, lat]", where));
    for (const auto& p : ring) {
        if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number())
            return core::fail(fmt::format("{}: point {} is not [lon, lat]", where, out.size()));
        const double lon = p[0].get<double>(), lat = p[1].get<double>();
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
            return core::fail(fmt::format("{}: point {} ({}, {}) is not a longitude/latitude", where, out.size(), lon, lat));
        out.push_back({lon, lat});
    }
    if (out.size() < 3) return core::fail(fmt::format("{}: a ring needs at least 3 points", where));
    return out;
}

}  // namespace

core::Result<MapOutline> load_map_outline(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return core::fail(fmt::format("{}: cannot open the map outline", file.string()));
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded()) return core::fail(fmt::format("{}: not valid JSON", file.string()));
    MapOutline outline;
    auto add_polygon = [&](const nlohmann::json& poly, const std::string& where) -> core::Result<void> {
        if (!poly.is_array()) return core::fail(fmt::format("{}: {}: expected an array of rings", file.string(), where));
        for (std::size_t r = 0; r < poly.size(); ++r) {
            auto ring = read_ring(poly[r], fmt::format("{}: {} ring {}", file.string(), where, r));
            if (!ring) return std::unexpected(ring.error());
            outline.rings.push_back(std::move(*ring));
        }
        return {};
    };
    const nlohmann::json features = doc.value("type", "") == "FeatureCollection" ? doc.value("features", nlohmann::json::array())
                                                                                 : nlohmann::json::array({doc});
    for (std::size_t f = 0; f < features.size(); ++f) {
        const auto& g = features[f].contains("geometry") ? features[f]["geometry"] : features[f];
        const std::string type = g.value("type", "");
        const std::string where = fmt::format("feature {}", f);
        if (type == "Polygon") {
            if (auto ok = add_polygon(g.value("coordinates", nlohmann::json()), where); !ok) return std::unexpected(ok.error());
        } else if (type == "MultiPolygon") {
            const auto polys = g.value("coordinates", nlohmann::json::array());
            for (std::size_t p = 0; p < polys.size(); ++p)
                if (auto ok = add_polygon(polys[p], fmt::format("{} polygon {}", where, p)); !ok) return std::unexpected(ok.error());
        } else {
            return core::fail(fmt::format("{}: {}: geometry type '{}' is not Polygon or MultiPolygon", file.string(), where, type));
        }
    }
    if (outline.rings.empty()) return core::fail(fmt::format("{}: no polygon in the file", file.string()));
    return outline;
}

}  // namespace drill
