// Fuzz target: the rate profile loader of `shailoo load --rate-profile` (loadgen::parse_rate_profile,
// which load_rate_profile runs on a file's text). Property: a profile that loads is a cumulative
// curve from 0 to 1 over increasing minutes.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "loadgen/load_generator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto profile = loadgen::parse_rate_profile(fuzz::text(data, size), "profiles/fuzz.yaml");
    if (!profile) return 0;
    const auto& points = profile->points;
    fuzz::require(points.size() >= 2 && points.front().second == 0 && points.back().second == 1, "shares run from 0 to 1");
    for (std::size_t i = 1; i < points.size(); ++i)
        fuzz::require(points[i].first > points[i - 1].first && points[i].second >= points[i - 1].second, "the curve increases");
    return 0;
}
