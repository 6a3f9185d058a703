#pragma once
/// Criteria: what must hold after a night, stated in the scenario (`criteria:`, docs/scenarios.md), in
/// the form of CARLA ScenarioRunner's criteria: a figure of results.json, the expected value or the
/// acceptable range, and whether a failure counts (optional criteria are reported, never fail).
/// Evaluating them is a pure function of the criteria and the results document; `shailoo run`
/// prints the verdicts, exits 3 when a criterion that counts fails, and writes them as JUnit XML
/// (sim/junit.hpp) on request.
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/yaml_fields.hpp"

namespace sim {

/// How the figure is compared with the expected value; `range` is lo <= figure <= hi.
enum class CompareOp { eq, ne, lt, le, gt, ge, range };

/// One criterion of a scenario.
struct Criterion {
    std::string name;
    std::string description;
    std::string check;            ///< the named check it was written as (`check: reconciliation_clean`), or empty
    std::string path;             ///< the figure: a path into results.json (sim/results_fields.hpp)
    CompareOp op = CompareOp::eq;
    double expected = 0.0;        ///< for every op but range
    double lo = 0.0, hi = 0.0;    ///< for range
    bool optional = false;        ///< reported, never fails the verdict
    int line = 0;                 ///< line in the scenario file
};

/// The named checks a criterion may give instead of `path`/`op`/`expected`: name, path, op, expected.
struct NamedCheck {
    std::string_view name, path;
    CompareOp op;
    double expected;
    std::string_view meaning;
};
std::span<const NamedCheck> named_checks();

/// Reads the scenario's `criteria:` list (absent: none). Every problem is "FILE:LINE: field
/// 'criteria[i].x': what"; a path that names no field of results.json, or a field that is not a
/// number (or a sum of counts), is one.
core::Result<std::vector<Criterion>> read_criteria(const core::YamlReader& reader, const YAML::Node& root);

/// A figure as people read it: whole numbers without a decimal point, others to 6 significant digits.
std::string figure_text(double value);

/// A criterion evaluated.
struct Verdict {
    std::string name;
    std::string description;
    std::string path;
    std::string expected;  ///< "<= 3600", "in [0.8, 1]"
    std::string actual;    ///< the figure ("3412.5"), or why there is none ("no element [7]")
    bool passed = false;
    bool optional = false;
};

/// Each criterion against the results document, in order.
std::vector<Verdict> evaluate(const std::vector<Criterion>& criteria, const nlohmann::ordered_json& results);

/// True when every criterion that counts (not optional) passed.
bool verdicts_hold(const std::vector<Verdict>& verdicts);

/// What a verdict table calls its rows: `shailoo run` checks criteria, `shailoo load` thresholds.
struct VerdictLabels {
    std::string_view title = "Criteria";    ///< "Criteria: 3 of 4 hold, 1 failed"
    std::string_view column = "criterion";  ///< the first column's heading
    std::string_view none = "none in the scenario";  ///< after "TITLE: " when there are none
};

/// The table `shailoo run` prints after its summary (and `shailoo load` after its own, with other
/// labels): name, expected, actual, PASS / FAIL / "FAIL (optional)".
std::string verdict_table(const std::vector<Verdict>& verdicts, const VerdictLabels& labels = {});

}  // namespace sim
