#pragma once
/// The country outline the map panel draws: rings of (longitude, latitude) read from a GeoJSON
/// file (assets/map/kyrgyzstan.geojson, from DCW-GMT; see assets/map/README.md).
#include <filesystem>
#include <vector>

#include "core/result.hpp"

namespace drill {

/// A point in degrees.
struct LonLat {
    double lon = 0.0;
    double lat = 0.0;
};

/// Closed rings (border first, then enclaves) of every Polygon / MultiPolygon in the file.
struct MapOutline {
    std::vector<std::vector<LonLat>> rings;
};

/// Loads the outline; errors name the file and what is wrong.
core::Result<MapOutline> load_map_outline(const std::filesystem::path& file);

}  // namespace drill
