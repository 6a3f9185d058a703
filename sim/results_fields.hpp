#pragma once
/// The fields of results.json (docs/results.md) as paths, for scenario criteria (sim/criteria.hpp):
/// a criterion's path is checked against this list when the scenario is loaded. The list is kept
/// next to results_to_json (sim/results_json.cpp); a test (tests/sim/results_fields_test.cpp) walks
/// the documents of real runs and checks that they hold exactly these fields, so it cannot drift.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

/// What a field of results.json holds.
enum class FieldKind {
    number,   ///< a number
    boolean,  ///< true or false (a criterion reads it as 1 or 0)
    text,     ///< a string (no criterion can compare it)
    counts,   ///< an object of counts keyed by data (e.g. central.rejected: reason -> reports); reads as their sum,
              ///< and PATH.KEY reads one count (0 when the key is absent)
    numbers,  ///< a list of numbers (e.g. reporting_curve.reported); reads as their sum, PATH[i] as one
    object,   ///< an object of named fields
    list,     ///< a list of objects; PATH[i].field names a field of one
    texts,    ///< a list of strings (no criterion can compare it)
};

/// One field: its path with list items as `[]` and a count's key as `*`
/// ("parties[].votes", "central.rejected.*"), what it holds, and whether every run writes it.
struct ResultField {
    std::string_view path;
    FieldKind kind;
    bool always = true;  ///< false: only some runs write it (seats.error, a count's keys, ...)
};

/// Every field results_to_json writes, in the document's order.
std::span<const ResultField> results_fields();

/// "number", "list of numbers", ... (for messages).
std::string_view describe(FieldKind kind);

/// One step of a path: a key, or a list index (`index` set).
struct PathStep {
    std::string key;
    std::optional<std::size_t> index;
};

/// The steps of a path such as `turnout.regions[2].share` or `central.rejected`, or nullopt when it
/// is not one (empty keys, an index that is not a whole number, text after `]`).
std::optional<std::vector<PathStep>> parse_field_path(std::string_view path);

/// The keys an object of counts may have (`central.rejected`: the ingest's reject reasons;
/// `reconciliation.by_check`: sim::kReconciliationChecks; `support.spares_used`: core::kSpareKinds); empty for any other path.
std::vector<std::string_view> count_keys(std::string_view counts_path);

/// The field a parsed path names (its indexes as `[]`, a count's key as `*`), or nullptr.
const ResultField* find_result_field(const std::vector<PathStep>& steps);

}  // namespace sim
