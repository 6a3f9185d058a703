#pragma once
/// The verdicts of a run as JUnit XML (`shailoo run --junit FILE`; `shailoo load --junit FILE` for its
/// thresholds), for Jenkins and GitLab: one <testsuite> for the scenario, one <testcase> per criterion. A failed criterion has a <failure>
/// whose message holds the actual value and the expected one; a failed optional criterion is
/// <skipped> with the same message (CI servers show it without failing the build). Every test case
/// says its path, expected and actual value in <system-out>. Valid against the Jenkins xUnit
/// plugin's JUnit schema (docs/schemas/junit-10.xsd; tests/sim/criteria_test.cpp).
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sim/criteria.hpp"

namespace sim {

/// Who wrote the verdicts and what they are: <testsuites name="TOOL">, failures of type KIND.
/// `shailoo load --junit` uses it for its thresholds (apps/cmd_load.cpp).
struct JunitLabels {
    std::string tool = "shailoo run";
    std::string kind = "criterion";
};

/// The JUnit document for the verdicts of the scenario `scenario` (its name; for `shailoo load`,
/// the target).
core::Result<std::string> junit_xml(const std::string& scenario, const std::vector<Verdict>& verdicts, const JunitLabels& labels = {});

}  // namespace sim
