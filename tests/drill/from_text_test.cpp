// The loaders' from-text overloads (parse_scenario, parse_drill_record, parse_drill_script,
// parse_election_package), which the fuzz targets call (tests/fuzz/), give what the file loaders
// give for the same bytes, on every seed of the fuzz corpora, and the valid seeds load.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/election_package.hpp"
#include "core/yaml_fields.hpp"
#include "drill/drill_script.hpp"
#include "sim/drill_record.hpp"
#include "sim/scenario.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path kCorpus = fs::path(SHAILOO_SOURCE_DIR) / "tests" / "fuzz" / "corpus";

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Both results fail with the same message, or both load and `same` holds.
template <class R, class Same>
void expect_same(const fs::path& file, const R& from_file, const R& from_text, Same same) {
    ASSERT_EQ(from_file.has_value(), from_text.has_value()) << file;
    if (from_file) EXPECT_TRUE(same(*from_file, *from_text)) << file;
    else EXPECT_EQ(from_file.error().message, from_text.error().message) << file;
}

}  // namespace

TEST(FromText, ScenariosLoadAsFromTheirFiles) {
    for (const auto& e : fs::directory_iterator(kCorpus / "scenario"))
        expect_same(e.path(), sim::load_scenario(e.path()), sim::parse_scenario(read(e.path()), e.path()),
                    [](const sim::Scenario& a, const sim::Scenario& b) {
                        return a.name == b.name && a.package_dir == b.package_dir && a.faults.size() == b.faults.size() &&
                               a.arrival_weights == b.arrival_weights;
                    });
    EXPECT_TRUE(sim::load_scenario(kCorpus / "scenario" / "small-package-all-fields.yaml"));
}

TEST(FromText, DrillRecordsLoadAsFromTheirFiles) {
    for (const auto& e : fs::directory_iterator(kCorpus / "drill_record")) {
        const auto record = sim::load_drill_record(e.path());
        EXPECT_TRUE(record) << record.error().message;  // every seed is a valid record
        expect_same(e.path(), record, sim::parse_drill_record(read(e.path()), e.path()),
                    [](const sim::DrillRecord& a, const sim::DrillRecord& b) {
                        return a.scenario == b.scenario && a.seed == b.seed && a.actions.size() == b.actions.size();
                    });
    }
}

TEST(FromText, DrillScriptsLoadAsFromTheirFiles) {
    for (const auto& e : fs::directory_iterator(kCorpus / "drill_script")) {
        const auto script = drill::load_drill_script(e.path());
        EXPECT_TRUE(script) << script.error().message;  // every seed is a valid script
        expect_same(e.path(), script, drill::parse_drill_script(read(e.path()), e.path()),
                    [](const drill::DrillScript& a, const drill::DrillScript& b) { return a.steps.size() == b.steps.size(); });
    }
}

TEST(FromText, APackageLoadsFromItsTextsAsFromItsFolder) {
    const fs::path dir = fs::path(SHAILOO_SOURCE_DIR) / "tests" / "fuzz" / "package";
    core::ElectionPackageTexts texts{read(dir / "election.yaml"), read(dir / "regions.yaml"), read(dir / "districts.yaml"),
                                     read(dir / "parties.yaml"), read(dir / "pecs.yaml")};
    const auto same = [](const core::ElectionPackage& a, const core::ElectionPackage& b) {
        return a.name == b.name && a.pecs.size() == b.pecs.size() && a.registered() == b.registered() && a.parties.size() == b.parties.size();
    };
    expect_same(dir, core::load_election_package(dir), core::parse_election_package(texts, dir), same);
    EXPECT_TRUE(core::parse_election_package(texts, dir));
    texts.regions = "version: 1\nregions: [\n";
    const auto broken = core::parse_election_package(texts, dir);
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find((dir / "regions.yaml").string() + ":3: YAML syntax error"), std::string::npos)
        << broken.error().message;
}

// Regression (found by the fuzz target): a list as a key of the script made yaml-cpp throw "bad
// conversion" out of the loader, and `shailoo train --script` abort.
TEST(YamlShapes, ADrillScriptWithAListAsAKeyIsAFieldError) {
    const auto s = drill::parse_drill_script("version: 1\nsteps:\n  - play\n? - speed: 600\n: 1\n", "d.yaml");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "d.yaml:4: field '(key)': a field name must be a word, not a list or a mapping");
    const auto step = drill::parse_drill_script("version: 1\nsteps:\n  - {[a]: 1}\n", "d.yaml");
    ASSERT_FALSE(step);
    EXPECT_EQ(step.error().message, "d.yaml:3: field 'steps[0]': a step is 'pause', 'play' or a mapping with one key");
}

// Regression (found by the fuzz target): an inject step without `device` (or `fault`) asked yaml-cpp
// the type of a missing node, which throws InvalidNode out of the loader.
// Regression (found by the fuzz target, tests/fuzz/regressions/drill_script/version-missing-after-a-nul.yaml):
// a script without `version` asked yaml-cpp the type of the missing node, which throws InvalidNode.
TEST(YamlShapes, AScriptWithoutAVersionIsRefusedWithAMessage) {
    const auto s = drill::parse_drill_script("steps:\n  - speed: 600\n", "d.yaml");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "d.yaml: a script is a mapping with 'version: 1' and 'steps'");
    YAML::Node map = YAML::Load("{steps: 1}");
    const YAML::Node& missing = static_cast<const YAML::Node&>(map)["version"];  // invalid, not just undefined
    EXPECT_EQ(core::describe_value(missing), "nothing");
    EXPECT_FALSE(core::scalar_number<int>(missing));
}

TEST(YamlShapes, AnInjectStepWithoutDeviceOrFaultIsAFieldError) {
    const auto s = drill::parse_drill_script("version: 1\nsteps:\n  - inject: {pec: 6006, at: \"10:00\"}\n", "d.yaml");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "d.yaml:3: field 'steps[0].inject.device': expected a device name");
    const auto f = drill::parse_drill_script("version: 1\nsteps:\n  - clear: {pec: 6006, device: modem}\n", "d.yaml");
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().message, "d.yaml:3: field 'steps[0].clear.fault': expected a fault name");
}
