// Scenario files checked against their package: regions by name or code, PECs that exist and can
// be reached, full field paths in every message, and a rate profile named as such (issue 18).
#include "sim/scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "sim/world.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace scenario_test {

namespace {

const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;

/// Writes a scenario of the 2021 package with `body` after its header and loads it.
core::Result<sim::Scenario> scenario_with(const std::string& name, const std::string& body) {
    const auto dir = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-scenarios";
    std::filesystem::create_directories(dir);
    const auto file = dir / (name + ".yaml");
    std::ofstream(file) << "version: 1\nname: " << name << "\npackage: " << (kSource / "assets" / "kg2021").string() << "\n"
                        << body;
    return sim::load_scenario(file);
}

const core::ElectionPackage& package() {
    static const core::ElectionPackage p = *core::load_election_package(kSource / "assets" / "kg2021");
    return p;
}

/// The error of binding the scenario to the package (empty when it binds).
std::string bind_error(const std::string& name, const std::string& body) {
    auto s = scenario_with(name, body);
    if (!s) return "load: " + s.error().message;
    auto bound = sim::bind_to_package(*s, package());
    return bound ? std::string() : bound.error().message;
}

}  // namespace

TEST(ScenarioBinding, RegionsCanBeNamedInAnyCaseAsWellAsNumbered) {
    auto s = scenario_with("named", "regions: [talas, Osh]\nfaults:\n  - {device: modem, fault: no_signal, share: 0.1, regions: [Chui]}\n");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(sim::bind_to_package(*s, package()));
    EXPECT_EQ(s->only_regions, (std::vector<int>{6, 5}));
    EXPECT_EQ(s->faults[0].regions, (std::vector<int>{7}));
}

TEST(ScenarioBinding, AWrongRegionListsTheValidNamesAndCodes) {
    const auto e = bind_error("wrong-region", "regions: [Talass]\n");
    EXPECT_NE(e.find("wrong-region.yaml:4: field 'regions': 'Talass' is not a region"), std::string::npos) << e;
    EXPECT_NE(e.find("Talas (6)"), std::string::npos) << e;
    EXPECT_NE(e.find("Abroad (9)"), std::string::npos) << e;
    const auto code = bind_error("wrong-code", "faults:\n  - {device: modem, fault: dead, share: 0.1, regions: [0]}\n");
    EXPECT_NE(code.find("field 'faults[0].regions': 0 is not a region"), std::string::npos) << code;
}

TEST(ScenarioBinding, APecNotInThePackageIsAnError) {
    const auto e = bind_error("no-pec", "faults:\n  - {device: modem, fault: dead, pecs: [9999]}\n");
    EXPECT_NE(e.find("no-pec.yaml:5: field 'faults[0].pecs': PEC 9999 is not in election package"), std::string::npos) << e;
}

TEST(ScenarioBinding, APecOutsideTheRegionsIsAnError) {
    const auto e = bind_error("outside", "regions: [6]\nfaults:\n  - {device: modem, fault: dead, pecs: [1001]}\n");
    EXPECT_NE(e.find("field 'faults[0].pecs': PEC 1001 is in region 1, outside the scenario's regions"), std::string::npos) << e;
    const auto rule = bind_error("outside-rule", "faults:\n  - {device: modem, fault: dead, pecs: [1001], regions: [Talas]}\n");
    EXPECT_NE(rule.find("outside this rule's regions"), std::string::npos) << rule;
}

TEST(ScenarioBinding, MessagesNameTheFieldsFullPath) {
    const auto share = scenario_with("share", "faults:\n  - {device: modem, fault: dead, share: 0.1}\n  - {device: modem, fault: dead, share: 2}\n");
    ASSERT_FALSE(share);
    EXPECT_NE(share.error().message.find("field 'faults[1].share'"), std::string::npos) << share.error().message;
    const auto pace = scenario_with("pace", "desk_pace: {median: 99}\n");
    ASSERT_FALSE(pace);
    EXPECT_NE(pace.error().message.find("field 'desk_pace.median'"), std::string::npos) << pace.error().message;
    const auto unknown = scenario_with("unknown", "faults:\n  - {device: modem, fault: dead, share: 0.1, shar: 1}\n");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("field 'faults[0].shar': unknown field"), std::string::npos) << unknown.error().message;
}

TEST(ScenarioBinding, ARateProfileIsNamedAsOneNotAsABrokenScenario) {
    const auto s = sim::load_scenario(kSource / "scenarios" / "rate-2021.yaml");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("this is a rate profile"), std::string::npos) << s.error().message;
}

TEST(ScenarioBinding, AWorldRefusesAScenarioWhoseRegionNamesWereNotBound) {
    auto s = scenario_with("unbound", "regions: [Talas]\n");
    ASSERT_TRUE(s);
    EXPECT_THROW(sim::World(package(), *s, 1, 1), std::logic_error);
}

TEST(ScenarioTurnedAway, ReadsBothSharesAndNamesAWrongOne) {
    const auto ok = scenario_with("turned-away", "turned_away: {not_on_list: 0.01, no_document: 0.003}\n");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_DOUBLE_EQ(ok->turned_away.not_on_list, 0.01);
    EXPECT_DOUBLE_EQ(ok->turned_away.no_document, 0.003);
    const auto none = scenario_with("turned-away-none", "");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->turned_away.not_on_list, 0.0) << "nobody is turned away unless the scenario says so";
    const auto high = scenario_with("turned-away-high", "turned_away: {not_on_list: 0.9}\n");
    ASSERT_FALSE(high);
    EXPECT_NE(high.error().message.find("field 'turned_away.not_on_list'"), std::string::npos) << high.error().message;
    const auto typo = scenario_with("turned-away-typo", "turned_away: {no_documents: 0.1}\n");
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().message.find("field 'turned_away.no_documents': unknown field"), std::string::npos) << typo.error().message;
}

TEST(ScenarioLibraryFields, OpeningCecDisplayAndDistrictsAreReadAndChecked) {
    const auto ok = scenario_with("features", "opening: {late_share: 0.3, late_by: 30m, max_late_by: 90m}\n"
                                              "cec: {down: [{from: \"20:30\", to: \"21:00\"}]}\n"
                                              "display_error: rows_shifted\ndistricts: [3, 4]\n");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_DOUBLE_EQ(ok->opening.late_share, 0.3);
    EXPECT_EQ(ok->opening.max_late_by, 90 * core::kMinute);
    ASSERT_EQ(ok->cec_down.size(), 1u);
    EXPECT_EQ(ok->cec_down[0].to, core::at(21, 0));
    EXPECT_EQ(ok->display_error, sim::DisplayError::rows_shifted);
    EXPECT_EQ(ok->only_districts, (std::vector<int>{3, 4}));
    const auto backwards = scenario_with("cec-backwards", "cec: {down: [{from: \"21:00\", to: \"20:30\"}]}\n");
    ASSERT_FALSE(backwards);
    EXPECT_NE(backwards.error().message.find("field 'cec.down[0].to'"), std::string::npos) << backwards.error().message;
    const auto display = scenario_with("display-typo", "display_error: shifted\n");
    ASSERT_FALSE(display);
    EXPECT_NE(display.error().message.find("field 'display_error'"), std::string::npos) << display.error().message;
    EXPECT_NE(bind_error("district-99", "districts: [99]\n").find("field 'districts': district 99 is not in election package"),
              std::string::npos) << bind_error("district-99", "districts: [99]\n");
    EXPECT_NE(bind_error("rule-district", "faults:\n  - {device: modem, fault: dead, share: 1, districts: [40]}\n")
                  .find("field 'faults[0].districts'"),
              std::string::npos);
}

// The scenario library: every file of scenarios/ loads and binds to its package (or is a rate
// profile), each scenario has a description and criteria, and scenarios/README.md names each file.
TEST(ScenarioLibrary, EveryScenarioLoadsHasCriteriaAndIsListed) {
    std::ifstream readme_in(kSource / "scenarios" / "README.md");
    const std::string readme((std::istreambuf_iterator<char>(readme_in)), std::istreambuf_iterator<char>());
    int scenarios = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kSource / "scenarios")) {
        const auto file = entry.path();
        if (file.extension() != ".yaml") continue;
        EXPECT_NE(readme.find("`" + file.filename().string() + "`"), std::string::npos) << file << " is not in scenarios/README.md";
        if (file.filename().string().starts_with("rate-")) continue;  // rate profiles for shailoo load
        auto s = sim::load_scenario(file);
        ASSERT_TRUE(s) << s.error().message;
        EXPECT_EQ(std::filesystem::canonical(s->package_dir), std::filesystem::canonical(kSource / "assets" / "kg2021")) << file;
        auto bound = sim::bind_to_package(*s, package());
        EXPECT_TRUE(bound) << (bound ? "" : bound.error().message);
        EXPECT_FALSE(s->description.empty()) << file;
        EXPECT_FALSE(s->criteria.empty()) << file;
        ++scenarios;
    }
    EXPECT_GE(scenarios, 12);
}

TEST(ScenarioDesks, PerPecDesksAreReadAndAPecNotInThePackageIsNamed) {
    const auto ok = scenario_with("desks", "desks: {1001: 3, 1002: 1}\n");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->desks.at(1001), 3);
    const core::Pec* pec = package().find_pec(1001);
    ASSERT_NE(pec, nullptr);
    EXPECT_EQ(sim::desks_at(*ok, *pec), 3);
    EXPECT_EQ(sim::desks_at(*ok, *package().find_pec(1003)), std::max(1, package().find_pec(1003)->id_desks));
    const auto zero = scenario_with("desks-zero", "desks: {1001: 0}\n");
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.error().message.find("field 'desks.1001'"), std::string::npos) << zero.error().message;
    const auto word = scenario_with("desks-word", "desks: {first: 2}\n");
    ASSERT_FALSE(word);
    EXPECT_NE(word.error().message.find("'first' is not a PEC number"), std::string::npos) << word.error().message;
    EXPECT_NE(bind_error("desks-absent", "desks: {9998: 2}\n").find("field 'desks.9998': PEC 9998 is not in election package"),
              std::string::npos) << bind_error("desks-absent", "desks: {9998: 2}\n");
}

}  // namespace scenario_test
