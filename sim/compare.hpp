#pragma once
/// Two runs' results.json side by side (`shailoo compare A B`, issue 16.4): every figure that differs
/// beyond a relative tolerance, nationally and PEC by PEC, so a QA team sees what a new build or a
/// changed scenario did. A pure function of the two documents; `perf` (timings) is never compared.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sim {

/// One figure that differs: where, and its value in each run ("(absent)" when a run has none).
struct Difference {
    std::string where;   ///< a results.json path ("queues.max_wait_s"), or "PEC 1234: max_wait_s" per PEC
    std::string a, b;    ///< the values as text
    bool per_pec = false;
};

/// Every figure of `a` and `b` (leaving out `perf`) that differs: numbers when |a - b| > tolerance x
/// max(|a|, |b|) (tolerance 0: any difference), texts and true/false when unequal, a field or list
/// item one run has and the other not. PECs (`pec_results[]`) are matched by number. National
/// differences first, in the documents' order, then the PECs' in PEC order.
std::vector<Difference> compare_results(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b, double tolerance);

}  // namespace sim
