// loadgen::parse_rate_profile (the from-text overload the fuzz target calls, tests/fuzz/) gives what
// load_rate_profile gives for the same bytes, on every seed of the fuzz corpus.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "loadgen/load_generator.hpp"

TEST(FromText, RateProfilesLoadAsFromTheirFiles) {
    namespace fs = std::filesystem;
    for (const auto& e : fs::directory_iterator(fs::path(SHAILOO_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "rate_profile")) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        const auto from_file = loadgen::load_rate_profile(e.path());
        const auto from_text = loadgen::parse_rate_profile(text.str(), e.path());
        ASSERT_TRUE(from_file) << from_file.error().message;  // every seed is a valid profile
        ASSERT_TRUE(from_text) << from_text.error().message;
        EXPECT_EQ(from_file->name, from_text->name);
        EXPECT_EQ(from_file->points, from_text->points);
    }
}

// Regression (found by the fuzz target): a point of the curve with a mapping as a key made yaml-cpp
// throw "bad conversion" out of the loader, and `shailoo load --rate-profile` abort.
TEST(YamlShapes, ARateProfilePointWithAMappingAsAKeyIsAFieldError) {
    const auto p = loadgen::parse_rate_profile("version: 1\ncumulative:\n  - {minute: 0, share: 0}: 1\n  - {minute: 1, share: 1}\n",
                                               "r.yaml");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().message, "r.yaml:3: field 'cumulative[0].(key)': a field name must be a word, not a list or a mapping");
}
