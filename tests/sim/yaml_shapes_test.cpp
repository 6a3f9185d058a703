// Regressions (found by the fuzz targets, tests/fuzz/): a scenario whose `voting` is a list, and a
// drill record whose action has a mapping as a key, made yaml-cpp throw out of the loader
// (InvalidNode, "bad conversion") and `shailoo run` abort; each now gets a field error naming the line.
#include <gtest/gtest.h>

#include <string>

#include "sim/drill_record.hpp"
#include "sim/scenario.hpp"

TEST(YamlShapes, AScenarioSectionThatIsAListIsAFieldError) {
    const auto s = sim::parse_scenario("version: 1\nname: X\npackage: p\nvoting:\n  - {open: \"08:00\"}\n", "s.yaml");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "s.yaml:5: field 'voting': expected a mapping of fields");
}

TEST(YamlShapes, ADrillRecordActionWithAMappingAsAKeyIsAFieldError) {
    const auto r = sim::parse_drill_record("version: 2\nscenario: x.yaml\nscenario_name: X\nseed: 1\nactions:\n"
                                           "  - {issued: \"09:00\", at: \"09:00\", pec: 6006}: 1\n",
                                           "r.yaml");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "r.yaml:6: field 'actions[0].(key)': a field name must be a word, not a list or a mapping");
}
