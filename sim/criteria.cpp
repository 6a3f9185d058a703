#include "sim/criteria.hpp"

// Index of this file:
//   [SECTION] Operators and named checks
//   [SECTION] Reading criteria
//   [SECTION] Evaluating criteria
//   [SECTION] The verdict table

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "sim/results_fields.hpp"

namespace sim {
namespace {

// [SECTION] Operators and named checks

constexpr std::array<std::pair<std::string_view, CompareOp>, 6> kOps{{
    {"==", CompareOp::eq}, {"!=", CompareOp::ne}, {"<", CompareOp::lt}, {"<=", CompareOp::le}, {">", CompareOp::gt}, {">=", CompareOp::ge},
}};

constexpr std::array<NamedCheck, 4> kChecks{{
    {"reconciliation_clean", "reconciliation.discrepancies", CompareOp::eq, 0,
     "ground truth, ARBB reports, the CEC's store and the published page agree: no reconciliation finding"},
    {"all_pecs_reported", "reporting_curve.never_reported", CompareOp::eq, 0,
     "the CEC acknowledged every report of every PEC simulated"},
    {"no_rejected_reports", "central.rejected", CompareOp::eq, 0, "the CEC's ingest rejected no report"},
    {"seats_match_ground_truth", "seats.differing_from_ground_truth", CompareOp::eq, 0,
     "the party-list seats from the CEC's store equal the seats the votes the voters cast (ground truth) give"},
}};

std::string_view op_text(CompareOp op) {
    for (const auto& [text, o] : kOps)
        if (o == op) return text;
    return "in";
}

std::string expected_text(const Criterion& c) {
    if (c.op == CompareOp::range) return fmt::format("in [{}, {}]", figure_text(c.lo), figure_text(c.hi));
    return fmt::format("{} {}", op_text(c.op), figure_text(c.expected));
}

// [SECTION] Reading criteria

// A number, or true / false read as 1 / 0 (for boolean fields).
core::Result<double> number_or_bool(const core::YamlReader& r, const YAML::Node& node, const std::string& field) {
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true" ? 1.0 : 0.0;
    return r.number_at<double>(node, field, -1e300, 1e300);
}

// `path`: a path that names a field of results.json whose value is a number (or counts to sum).
core::Result<void> read_path(const core::YamlReader& r, const YAML::Node& n, Criterion& c) {
    auto path = r.text(n, "path");
    if (!path) return std::unexpected(path.error());
    c.path = *path;
    const auto steps = parse_field_path(c.path);
    if (!steps) return r.bad(n["path"], "path", fmt::format("'{}' is not a path like queues.max_wait_s or parties[0].votes", c.path));
    const ResultField* field = find_result_field(*steps);
    if (!field) return r.bad(n["path"], "path", fmt::format("'{}' names no field of results.json (docs/results.md)", c.path));
    if (field->path.ends_with(".*")) {  // one count of an object of counts: a key it can have
        const std::string_view counts = field->path.substr(0, field->path.size() - 2);
        const auto keys = count_keys(counts);
        if (std::find(keys.begin(), keys.end(), steps->back().key) == keys.end()) {
            std::string names;
            for (auto k : keys) names += (names.empty() ? "" : ", ") + std::string(k);
            return r.bad(n["path"], "path", fmt::format("'{}' is not a count of {} (one of: {})", steps->back().key, counts, names));
        }
    }
    switch (field->kind) {
        case FieldKind::number: case FieldKind::boolean: case FieldKind::counts: case FieldKind::numbers: return {};
        default:
            return r.bad(n["path"], "path", fmt::format("'{}' is {} in results.json; a criterion compares a number, "
                                                        "true/false, or a sum of counts", c.path, describe(field->kind)));
    }
}

// `op` and `expected`, or `range: [lo, hi]`.
core::Result<void> read_comparison(const core::YamlReader& r, const YAML::Node& n, Criterion& c) {
    if (const YAML::Node range = n["range"]) {
        if (n["op"] || n["expected"]) return r.bad(range, "range", "give either 'range' or 'op' and 'expected', not both");
        if (!range.IsSequence() || range.size() != 2) return r.bad(range, "range", "expected [lo, hi]");
        auto lo = number_or_bool(r, range[0], "range");
        if (!lo) return std::unexpected(lo.error());
        auto hi = number_or_bool(r, range[1], "range");
        if (!hi) return std::unexpected(hi.error());
        if (*hi < *lo) return r.bad(range, "range", fmt::format("hi {} is below lo {}", *hi, *lo));
        c.op = CompareOp::range, c.lo = *lo, c.hi = *hi;
        return {};
    }
    auto op = r.text(n, "op");
    if (!op) return std::unexpected(op.error());
    const auto found = std::find_if(kOps.begin(), kOps.end(), [&](const auto& o) { return o.first == *op; });
    if (found == kOps.end()) return r.bad(n["op"], "op", fmt::format("'{}' is not one of ==, !=, <, <=, >, >=", *op));
    c.op = found->second;
    if (!n["expected"]) return r.bad(n, "expected", "is missing (or give 'range: [lo, hi]' instead of 'op')");
    auto expected = number_or_bool(r, n["expected"], "expected");
    if (!expected) return std::unexpected(expected.error());
    c.expected = *expected;
    return {};
}

// `check: NAME`: a named check stands for its path, operator and expected value.
core::Result<void> read_named_check(const core::YamlReader& r, const YAML::Node& n, Criterion& c) {
    auto name = r.text(n, "check");
    if (!name) return std::unexpected(name.error());
    if (n["path"] || n["op"] || n["expected"] || n["range"])
        return r.bad(n["check"], "check", "a named check gives the figure and its expected value: leave out path, op, expected and range");
    for (const NamedCheck& k : kChecks)
        if (k.name == *name) {
            c.check = *name, c.path = k.path, c.op = k.op, c.expected = k.expected;
            return {};
        }
    std::string names;
    for (const NamedCheck& k : kChecks) names += (names.empty() ? "" : ", ") + std::string(k.name);
    return r.bad(n["check"], "check", fmt::format("unknown check '{}' (one of: {})", *name, names));
}

core::Result<Criterion> read_criterion(const core::YamlReader& top, const YAML::Node& n, int index) {
    const std::string at = fmt::format("criteria[{}]", index);
    if (!n.IsMap()) return top.bad(n, at, "expected a mapping with name, path, op and expected");
    const core::YamlReader r = top.within(at);
    if (auto ok = r.only_keys(n, {"name", "description", "path", "check", "op", "expected", "range", "optional"}); !ok)
        return std::unexpected(ok.error());
    Criterion c;
    c.line = n.Mark().line + 1;
    auto name = r.text(n, "name");
    if (!name) return std::unexpected(name.error());
    c.name = *name;
    if (n["description"]) {
        auto d = r.text(n, "description");
        if (!d) return std::unexpected(d.error());
        c.description = *d;
    }
    auto ok = n["check"] ? read_named_check(r, n, c) : read_path(r, n, c);
    if (ok && !n["check"]) ok = read_comparison(r, n, c);
    if (!ok) return std::unexpected(ok.error());
    if (const YAML::Node opt = n["optional"]) {
        if (!opt.IsScalar() || (opt.Scalar() != "true" && opt.Scalar() != "false")) return r.bad(opt, "optional", "expected true or false");
        c.optional = opt.Scalar() == "true";
    }
    return c;
}

}  // namespace

std::string figure_text(double v) {
    if (std::abs(v) < 1e15 && v == std::floor(v)) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{:.6g}", v);
}

std::span<const NamedCheck> named_checks() { return kChecks; }

core::Result<std::vector<Criterion>> read_criteria(const core::YamlReader& reader, const YAML::Node& root) {
    std::vector<Criterion> out;
    const YAML::Node list = root["criteria"];
    if (!list) return out;
    if (!list.IsSequence()) return reader.bad(list, "criteria", "expected a list of criteria");
    int i = 0;
    for (const auto& item : list) {
        auto c = read_criterion(reader, item, i++);
        if (!c) return std::unexpected(c.error());
        out.push_back(std::move(*c));
    }
    return out;
}

// [SECTION] Evaluating criteria

namespace {

/// The figure a path names in one results document, or why there is none.
struct Figure {
    std::optional<double> value;
    std::string why;
};

// The number a node holds: a number, true/false as 1/0, or the sum of an object's or a list's numbers.
Figure value_of(const nlohmann::ordered_json& node, const std::string& path) {
    if (node.is_number()) return {node.get<double>(), ""};
    if (node.is_boolean()) return {node.get<bool>() ? 1.0 : 0.0, ""};
    if (node.is_object() || node.is_array()) {
        double sum = 0.0;
        for (const auto& item : node) {
            if (!item.is_number()) return {std::nullopt, fmt::format("{} holds something other than numbers", path)};
            sum += item.get<double>();
        }
        return {sum, ""};
    }
    return {std::nullopt, fmt::format("{} is not a number", path)};
}

Figure figure_at(const nlohmann::ordered_json& doc, const std::string& path) {
    const auto steps = parse_field_path(path);
    if (!steps) return {std::nullopt, "not a path"};
    const ResultField* field = find_result_field(*steps);
    const nlohmann::ordered_json* node = &doc;
    std::string at;
    for (const PathStep& s : *steps) {
        if (s.index) {
            if (!node->is_array() || *s.index >= node->size())
                return {std::nullopt, fmt::format("{} has no element [{}]", at, *s.index)};
            node = &(*node)[*s.index];
            at += fmt::format("[{}]", *s.index);
            continue;
        }
        at += (at.empty() ? "" : ".") + s.key;
        const auto it = node->is_object() ? node->find(s.key) : node->end();
        if (it == node->end()) {
            if (&s == &steps->back() && field && field->path.ends_with(".*")) return {0.0, ""};  // a count never counted
            return {std::nullopt, fmt::format("{} is not in these results", at)};
        }
        node = &*it;
    }
    return value_of(*node, path);
}

bool holds(const Criterion& c, double v) {
    switch (c.op) {
        case CompareOp::eq: return v == c.expected;
        case CompareOp::ne: return v != c.expected;
        case CompareOp::lt: return v < c.expected;
        case CompareOp::le: return v <= c.expected;
        case CompareOp::gt: return v > c.expected;
        case CompareOp::ge: return v >= c.expected;
        case CompareOp::range: return c.lo <= v && v <= c.hi;
    }
    return false;
}

}  // namespace

std::vector<Verdict> evaluate(const std::vector<Criterion>& criteria, const nlohmann::ordered_json& results) {
    std::vector<Verdict> out;
    for (const Criterion& c : criteria) {
        const Figure f = figure_at(results, c.path);
        out.push_back({.name = c.name, .description = c.description, .path = c.path, .expected = expected_text(c),
                       .actual = f.value ? figure_text(*f.value) : f.why, .passed = f.value && holds(c, *f.value),
                       .optional = c.optional});
    }
    return out;
}

bool verdicts_hold(const std::vector<Verdict>& verdicts) {
    return std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.passed || v.optional; });
}

// [SECTION] The verdict table

std::string verdict_table(const std::vector<Verdict>& verdicts, const VerdictLabels& labels) {
    if (verdicts.empty()) return fmt::format("{}: {}\n", labels.title, labels.none);
    std::size_t name_w = labels.column.size(), expected_w = 8, actual_w = 6;
    int failed = 0, optional_failed = 0;
    for (const Verdict& v : verdicts) {
        name_w = std::max(name_w, v.name.size());
        expected_w = std::max(expected_w, v.expected.size());
        actual_w = std::max(actual_w, v.actual.size());
        failed += !v.passed && !v.optional;
        optional_failed += !v.passed && v.optional;
    }
    std::string out = fmt::format("{}: {} of {} hold{}{}\n", labels.title, std::ssize(verdicts) - failed - optional_failed, verdicts.size(),
                                   failed > 0 ? fmt::format(", {} failed", failed) : "",
                                   optional_failed > 0 ? fmt::format(", {} optional failed", optional_failed) : "");
    out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}\n", labels.column, name_w, "expected", expected_w, "actual", actual_w, "verdict");
    for (const Verdict& v : verdicts)
        out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}\n", v.name, name_w, v.expected, expected_w, v.actual, actual_w,
                           v.passed ? "PASS" : v.optional ? "FAIL (optional)" : "FAIL");
    return out;
}

}  // namespace sim
