// Scenario criteria (sim/criteria.hpp): paths checked against the fields of results.json when the
// scenario is loaded, verdicts on a results document, the verdict table and the JUnit XML (valid
// against the Jenkins xUnit plugin's JUnit schema). The list of fields (sim/results_fields.hpp)
// equals the fields results_to_json writes for real runs.
#include "sim/criteria.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "central/nist_export.hpp"
#include "sim/junit.hpp"
#include "sim/reconciler.hpp"
#include "sim/results_fields.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace criteria_test {

namespace {

const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;
const std::filesystem::path kJunitSchema = kSource / "docs" / "schemas" / "junit-10.xsd";

/// Writes a scenario of the 2021 package with `body` after its header (4 lines) and loads it.
core::Result<sim::Scenario> scenario_with(const std::string& name, const std::string& body) {
    const auto dir = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-scenarios";
    std::filesystem::create_directories(dir);
    const auto file = dir / (name + ".yaml");
    std::ofstream(file) << "version: 1\nname: " << name << "\npackage: " << (kSource / "assets" / "kg2021").string()
                        << "\nseed: 1\n" << body;
    return sim::load_scenario(file);
}

/// The error of loading a scenario with these criteria (empty when it loads).
std::string criteria_error(const std::string& name, const std::string& criteria) {
    auto s = scenario_with(name, "criteria:\n" + criteria);
    return s ? std::string() : s.error().message;
}

// --- The fields of results.json

using json = nlohmann::ordered_json;

// Every path of `node` (lists' items as `[]`, a count's key as `*`) with what it holds.
void walk(const json& node, const std::string& path, std::map<std::string, sim::FieldKind>& out) {
    using sim::FieldKind;
    if (node.is_object()) {
        const bool counts = !sim::count_keys(path).empty();
        if (!path.ends_with("[]")) out[path] = counts ? FieldKind::counts : FieldKind::object;  // a list's items are the list's
        for (const auto& [key, value] : node.items()) walk(value, path + "." + (counts ? "*" : key), out);
    } else if (node.is_array()) {
        bool numbers = !node.empty(), texts = !node.empty();
        for (const auto& item : node) numbers = numbers && item.is_number(), texts = texts && item.is_string();
        out[path] = numbers ? FieldKind::numbers : texts ? FieldKind::texts : FieldKind::list;
        for (const auto& item : node) walk(item, path + "[]", out);
    } else {
        out[path] = node.is_string() ? FieldKind::text : node.is_boolean() ? FieldKind::boolean : FieldKind::number;
    }
}

std::map<std::string, sim::FieldKind> fields_of_a_run(const std::string& scenario_file) {
    auto scenario = sim::load_scenario(kSource / scenario_file);
    EXPECT_TRUE(scenario) << scenario.error().message;
    auto package = core::load_election_package(scenario->package_dir);
    EXPECT_TRUE(package) << package.error().message;
    sim::World world(*package, *scenario, scenario->seed);
    world.run_to_end(2);
    std::map<std::string, sim::FieldKind> out;
    const json doc = sim::results_to_json(world.results(), *package);
    for (const auto& [key, value] : doc.items()) walk(value, key, out);
    return out;
}

TEST(ResultsFields, ListEqualsTheFieldsResultsToJsonWrites) {
    std::map<std::string, sim::FieldKind> listed;
    for (const auto& f : sim::results_fields()) listed[std::string(f.path)] = f.kind;
    std::set<std::string> seen;
    for (const char* file : {"tests/data/talas-faults.yaml", "tests/data/talas-clean.yaml"}) {
        for (const auto& [path, kind] : fields_of_a_run(file)) {
            seen.insert(path);
            EXPECT_TRUE(listed.contains(path)) << path << " is written by results_to_json but not in sim/results_fields.cpp";
            if (!listed.contains(path)) continue;
            const bool empty_list = kind == sim::FieldKind::list && listed[path] != sim::FieldKind::object;
            if (!empty_list) {
                EXPECT_EQ(static_cast<int>(listed[path]), static_cast<int>(kind)) << path;
            }
        }
    }
    for (const auto& f : sim::results_fields()) {
        if (f.always) {
            EXPECT_TRUE(seen.contains(std::string(f.path))) << f.path << " is listed but results_to_json wrote no such field";
        }
    }
}

// The checks a criterion may name under reconciliation.by_check are the ones the code writes: every
// finding made in sim/ names one of kReconciliationChecks, and each of them is made somewhere.
TEST(ResultsFields, ReconciliationChecksAreTheOnesTheFindingsName) {
    std::set<std::string> written;
    for (const char* file : {"sim/reconciler.cpp", "sim/world.cpp"}) {
        std::ifstream in(kSource / file);
        std::stringstream text;
        text << in.rdbuf();
        const std::string src = text.str();
        const std::regex finding(R"re(push_back\(\{[^,{}]+, "([a-z_]+)")re");
        for (auto it = std::sregex_iterator(src.begin(), src.end(), finding); it != std::sregex_iterator(); ++it) written.insert((*it)[1]);
    }
    const std::set<std::string> listed(sim::kReconciliationChecks.begin(), sim::kReconciliationChecks.end());
    EXPECT_EQ(written, listed);
}

TEST(ResultsFields, PathsParseWithKeysAndIndexes) {
    const auto steps = sim::parse_field_path("turnout.regions[2].share");
    ASSERT_TRUE(steps);
    ASSERT_EQ(steps->size(), 4u);
    EXPECT_EQ((*steps)[2].index, 2u);
    EXPECT_EQ(sim::find_result_field(*steps)->path, "turnout.regions[].share");
    EXPECT_EQ(sim::find_result_field(*sim::parse_field_path("central.rejected.bad_signature"))->path, "central.rejected.*");
    for (const char* bad : {"", "queues.", ".queues", "parties[x].votes", "parties[].votes", "parties[1]votes", "a..b"})
        EXPECT_FALSE(sim::parse_field_path(bad)) << bad;
    EXPECT_EQ(sim::find_result_field(*sim::parse_field_path("queues.max_wait")), nullptr);
}

// --- Reading criteria

TEST(Criteria, ReadFromTheScenario) {
    auto s = scenario_with("criteria-ok", "criteria:\n"
                                          "  - {name: quick, path: reporting_curve.share_first_hour, op: \">=\", expected: 0.8}\n"
                                          "  - name: waits\n    path: queues.max_wait_s\n    range: [0, 3600]\n    optional: true\n"
                                          "    description: no PEC waits longer than an hour\n"
                                          "  - {name: clean, check: reconciliation_clean}\n");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->criteria.size(), 3u);
    EXPECT_EQ(s->criteria[0].op, sim::CompareOp::ge);
    EXPECT_EQ(s->criteria[0].line, 6);
    EXPECT_EQ(s->criteria[1].op, sim::CompareOp::range);
    EXPECT_TRUE(s->criteria[1].optional);
    EXPECT_EQ(s->criteria[1].description, "no PEC waits longer than an hour");
    EXPECT_EQ(s->criteria[2].path, "reconciliation.discrepancies");
}

TEST(Criteria, ABadCriterionIsNamedWithFileLineAndField) {
    const auto has = [](const std::string& error, const std::string& what) {
        EXPECT_NE(error.find(what), std::string::npos) << error;
    };
    std::string e = criteria_error("criteria-path", "  - {name: a, path: reporting_curve.share_first_hour, op: \">=\", expected: 0}\n"
                                                    "  - {name: b, path: queues.max_wait, op: \"<=\", expected: 3600}\n");
    has(e, "criteria-path.yaml:7: field 'criteria[1].path': 'queues.max_wait' names no field of results.json");
    has(criteria_error("criteria-count", "  - {name: a, path: central.rejected.bad_signatur, op: ==, expected: 0}\n"),
        "field 'criteria[0].path': 'bad_signatur' is not a count of central.rejected (one of: ");
    has(criteria_error("criteria-text", "  - {name: a, path: scenario, op: ==, expected: 1}\n"), "field 'criteria[0].path': 'scenario' is text");
    has(criteria_error("criteria-key", "  - {name: a, path: pecs, op: ==, expected: 1, tolerance: 2}\n"), "field 'criteria[0].tolerance'");
    has(criteria_error("criteria-op", "  - {name: a, path: pecs, op: =~, expected: 1}\n"), "field 'criteria[0].op': '=~' is not one of");
    has(criteria_error("criteria-noexp", "  - {name: a, path: pecs, op: ==}\n"), "field 'criteria[0].expected'");
    has(criteria_error("criteria-both", "  - {name: a, path: pecs, op: ==, expected: 1, range: [0, 1]}\n"), "field 'criteria[0].range'");
    has(criteria_error("criteria-range", "  - {name: a, path: pecs, range: [5, 1]}\n"), "field 'criteria[0].range': hi 1 is below lo 5");
    has(criteria_error("criteria-check", "  - {name: a, check: seats_match}\n"), "field 'criteria[0].check': unknown check 'seats_match'");
    has(criteria_error("criteria-name", "  - {path: pecs, op: ==, expected: 1}\n"), "field 'criteria[0].name'");
    has(criteria_error("criteria-optional", "  - {name: a, path: pecs, op: ==, expected: 1, optional: maybe}\n"),
        "field 'criteria[0].optional'");
}

// --- Verdicts

json small_results() {
    return json::parse(R"({"pecs": 3, "queues": {"max_wait_s": 4000.5},
        "central": {"rejected": {"bad_signature": 2, "wrong_pec": 1}},
        "reconciliation": {"discrepancies": 0, "by_check": {}},
        "parties": [{"votes": 10}, {"votes": 20}],
        "reporting_curve": {"reported": [1, 2], "share_first_hour": 0.84},
        "seats": {"party_list": [{"passed": true}]}})");
}

std::vector<sim::Verdict> verdicts_for(const std::string& criteria) {
    auto s = scenario_with("criteria-eval", "criteria:\n" + criteria);
    EXPECT_TRUE(s) << s.error().message;
    return s ? sim::evaluate(s->criteria, small_results()) : std::vector<sim::Verdict>{};
}

TEST(Criteria, VerdictsGiveTheActualValue) {
    const auto v = verdicts_for("  - {name: wait, path: queues.max_wait_s, op: \"<=\", expected: 3600}\n"
                                "  - {name: rejected, path: central.rejected, op: ==, expected: 0}\n"
                                "  - {name: one reason, path: central.rejected.wrong_pec, range: [0, 1]}\n"
                                "  - {name: never counted, path: central.rejected.sequence_reused, op: ==, expected: 0}\n"
                                "  - {name: clean, check: reconciliation_clean}\n"
                                "  - {name: second party, path: \"parties[1].votes\", op: \">\", expected: 15}\n"
                                "  - {name: tenth party, path: \"parties[9].votes\", op: \">=\", expected: 0}\n"
                                "  - {name: curve, path: reporting_curve.reported, op: ==, expected: 3}\n"
                                "  - {name: passed, path: \"seats.party_list[0].passed\", op: ==, expected: true}\n");
    ASSERT_EQ(v.size(), 9u);
    EXPECT_FALSE(v[0].passed);
    EXPECT_EQ(v[0].actual, "4000.5");
    EXPECT_EQ(v[0].expected, "<= 3600");
    EXPECT_FALSE(v[1].passed);
    EXPECT_EQ(v[1].actual, "3");  // an object of counts reads as their sum
    EXPECT_TRUE(v[2].passed);
    EXPECT_EQ(v[2].expected, "in [0, 1]");
    EXPECT_TRUE(v[3].passed);     // a reason never counted is 0
    EXPECT_TRUE(v[4].passed);
    EXPECT_TRUE(v[5].passed);
    EXPECT_FALSE(v[6].passed);
    EXPECT_EQ(v[6].actual, "parties has no element [9]");
    EXPECT_TRUE(v[7].passed);
    EXPECT_TRUE(v[8].passed);
    EXPECT_FALSE(sim::verdicts_hold(v));
}

TEST(Criteria, AnOptionalFailureKeepsTheVerdict) {
    const auto v = verdicts_for("  - {name: wait, path: queues.max_wait_s, op: \"<=\", expected: 3600, optional: true}\n"
                                "  - {name: pecs, path: pecs, op: ==, expected: 3}\n");
    EXPECT_TRUE(sim::verdicts_hold(v));
    const std::string table = sim::verdict_table(v);
    EXPECT_NE(table.find("Criteria: 1 of 2 hold, 1 optional failed"), std::string::npos) << table;
    EXPECT_NE(table.find("FAIL (optional)"), std::string::npos) << table;
    EXPECT_NE(table.find("PASS"), std::string::npos) << table;
}

// --- JUnit XML

TEST(Junit, FailuresCarryTheActualValueAndTheDocumentIsValid) {
    const auto v = verdicts_for("  - {name: wait <1h & \"quick\", path: queues.max_wait_s, op: \"<=\", expected: 3600}\n"
                                "  - {name: optional wait, path: queues.max_wait_s, op: \"<=\", expected: 60, optional: true}\n"
                                "  - {name: pecs, path: pecs, op: ==, expected: 3, description: all three}\n");
    auto xml = sim::junit_xml("Talas & friends", v);
    ASSERT_TRUE(xml) << xml.error().message;
    auto valid = central::validate_xml(*xml, kJunitSchema);
    EXPECT_TRUE(valid) << valid.error().message << "\n" << *xml;
    EXPECT_NE(xml->find(R"(<testsuite name="Talas &amp; friends" tests="3" failures="1" errors="0" skipped="1">)"), std::string::npos) << *xml;
    EXPECT_NE(xml->find(R"(<testcase name="wait &lt;1h &amp; &quot;quick&quot;")"), std::string::npos) << *xml;
    EXPECT_NE(xml->find(R"(<failure message="actual 4000.5, expected &lt;= 3600" type="criterion">)"), std::string::npos) << *xml;
    EXPECT_NE(xml->find(R"(<skipped message="optional criterion failed: actual 4000.5, expected &lt;= 60">)"), std::string::npos) << *xml;
    // The schema is strict enough to refuse a test case without a name.
    std::string broken = *xml;
    broken.replace(broken.find("<testcase name="), 15, "<testcase nome=");
    EXPECT_FALSE(central::validate_xml(broken, kJunitSchema));
}

TEST(Junit, NoCriteriaIsAnEmptySuite) {
    auto xml = sim::junit_xml("none", {});
    ASSERT_TRUE(xml);
    EXPECT_TRUE(central::validate_xml(*xml, kJunitSchema));
    EXPECT_NE(xml->find(R"(tests="0")"), std::string::npos) << *xml;
}

}  // namespace

}  // namespace criteria_test
