#include "loadgen/thresholds.hpp"

// Index of this file:
//   [SECTION] Metrics
//   [SECTION] Reading a threshold
//   [SECTION] Evaluating thresholds

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace loadgen {
namespace {

using nlohmann::json;

// [SECTION] Metrics

// The number at a JSON pointer of load.json, scaled; nothing if absent.
MetricValue at(const json& doc, const char* pointer, double scale = 1.0) {
    const json::json_pointer p(pointer);
    if (!doc.contains(p) || !doc.at(p).is_number()) return {std::nullopt, fmt::format("{} is not in load.json", pointer)};
    return {doc.at(p).get<double>() * scale, ""};
}

// A latency percentile (ms): none when no good report was acked (an empty histogram reads 0).
MetricValue latency(const json& doc, const char* pointer) {
    const auto acked = at(doc, "/reports/good/as_expected");
    if (acked.value && *acked.value == 0) return {std::nullopt, "no good report was acked"};
    return at(doc, pointer);
}

// Seconds until a share was acked, as ms; -1 in load.json means never.
MetricValue time_to(const json& doc, const char* pointer) {
    auto v = at(doc, pointer, 1000.0);
    if (v.value && *v.value < 0) return {std::nullopt, "never"};
    return v;
}

// part / whole as a fraction.
MetricValue ratio(const json& doc, const char* part, const char* whole, const char* when_empty) {
    const auto p = at(doc, part), w = at(doc, whole);
    if (!p.value) return p;
    if (!w.value) return w;
    if (*w.value == 0) return {std::nullopt, when_empty};
    return {*p.value / *w.value, ""};
}

MetricValue published_mismatches(const json& doc) {
    if (!doc.contains("published") || !doc.at("published").is_object()) return {std::nullopt, "no --check-published"};
    const auto& p = doc.at("published");
    if (p.contains("error") && p.at("error").is_string() && !p.at("error").get<std::string>().empty())
        return {std::nullopt, "not checked: " + p.at("error").get<std::string>()};
    return at(doc, "/published/mismatches");
}

struct MetricRow {
    ThresholdMetric metric;
    MetricValue (*value)(const json&);
};

// One row per metric (docs/load.md, "Thresholds", lists the same).
constexpr std::array<MetricRow, 26> kMetrics{{
    {{"p50", MetricKind::duration, "ack latency from the planned time, median (good reports acked)"},
     [](const json& d) { return latency(d, "/latency_ms/p50"); }},
    {{"p90", MetricKind::duration, "ack latency, 90th percentile"}, [](const json& d) { return latency(d, "/latency_ms/p90"); }},
    {{"p95", MetricKind::duration, "ack latency, 95th percentile"}, [](const json& d) { return latency(d, "/latency_ms/p95"); }},
    {{"p99", MetricKind::duration, "ack latency, 99th percentile"}, [](const json& d) { return latency(d, "/latency_ms/p99"); }},
    {{"p999", MetricKind::duration, "ack latency, 99.9th percentile"}, [](const json& d) { return latency(d, "/latency_ms/p999"); }},
    {{"max", MetricKind::duration, "ack latency, largest"}, [](const json& d) { return latency(d, "/latency_ms/max"); }},
    {{"time_to_50", MetricKind::duration, "from the start until 50 % of the planned good reports were acked"},
     [](const json& d) { return time_to(d, "/time_to_50_s"); }},
    {{"time_to_84", MetricKind::duration, "... until 84 % were acked"}, [](const json& d) { return time_to(d, "/time_to_84_s"); }},
    {{"time_to_all", MetricKind::duration, "... until all were acked"}, [](const json& d) { return time_to(d, "/time_to_all_s"); }},
    {{"duration", MetricKind::duration, "wall time of the run (load.json: seconds)"}, [](const json& d) { return at(d, "/seconds", 1000.0); }},
    {{"planned", MetricKind::count, "reports in the plan"}, [](const json& d) { return at(d, "/planned"); }},
    {{"sent", MetricKind::count, "reports written to a connection"}, [](const json& d) { return at(d, "/sent"); }},
    {{"acked", MetricKind::count, "reports answered stored or duplicate"}, [](const json& d) { return at(d, "/acked"); }},
    {{"stored", MetricKind::count, "reports answered stored"}, [](const json& d) { return at(d, "/stored"); }},
    {{"duplicates", MetricKind::count, "reports answered duplicate"}, [](const json& d) { return at(d, "/duplicates"); }},
    {{"rejected", MetricKind::count, "reports answered rejected (expected or not)"}, [](const json& d) { return at(d, "/rejected"); }},
    {{"expected_rejections", MetricKind::count, "bad reports rejected for their reason"},
     [](const json& d) { return at(d, "/expected_rejections"); }},
    {{"retry", MetricKind::count, "reports answered retry"}, [](const json& d) { return at(d, "/retry"); }},
    {{"errors", MetricKind::count, "reports without an answer (connection, handshake, timeout)"}, [](const json& d) { return at(d, "/errors"); }},
    {{"unexpected", MetricKind::count, "reports answered otherwise than they must be"}, [](const json& d) { return at(d, "/unexpected"); }},
    {{"published_mismatches", MetricKind::count, "figures the results page publishes otherwise than the fleet's acked reports make them"},
     published_mismatches},
    {{"acked_share", MetricKind::share, "good reports acked, of the good reports planned"},
     [](const json& d) { return ratio(d, "/reports/good/as_expected", "/reports/good/planned", "no good report planned"); }},
    {{"unexpected_share", MetricKind::share, "reports answered otherwise than they must be, of all planned"},
     [](const json& d) { return ratio(d, "/unexpected", "/planned", "no report planned"); }},
    {{"duplicate_share", MetricKind::share, "acks that were duplicate, of all acks (1: nothing new was stored)"},
     [](const json& d) { return ratio(d, "/duplicates", "/acked", "nothing acked"); }},
    {{"acks_per_s", MetricKind::rate, "good reports acked per second of the run, on average"}, [](const json& d) { return at(d, "/acks_per_s"); }},
    {{"peak_acks_per_s", MetricKind::rate, "good reports acked in the busiest second of the run (timeline)"},
     [](const json& d) { return at(d, "/peak_acks_per_s"); }},
}};

const MetricRow* find_metric(std::string_view name) {
    const auto it = std::find_if(kMetrics.begin(), kMetrics.end(), [&](const MetricRow& r) { return r.metric.name == name; });
    return it == kMetrics.end() ? nullptr : &*it;
}

// [SECTION] Reading a threshold

constexpr std::array<std::pair<std::string_view, ThresholdOp>, 6> kOps{{
    {"<=", ThresholdOp::le}, {">=", ThresholdOp::ge}, {"==", ThresholdOp::eq}, {"!=", ThresholdOp::ne}, {"<", ThresholdOp::lt}, {">", ThresholdOp::gt},
}};

std::string_view op_text(ThresholdOp op) {
    for (const auto& [text, o] : kOps)
        if (o == op) return text;
    return "?";
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// k6's percentile spelling, p(95) or p(99.9), as this tool's p95 / p999.
std::string metric_name(std::string_view written) {
    if (written.size() > 3 && written.starts_with("p(") && written.ends_with(")")) {
        std::string digits;
        for (char c : written.substr(2, written.size() - 3))
            if (c != '.') digits += c;
        return "p" + digits;
    }
    return std::string(written);
}

std::string metric_names() {
    std::string names;
    for (const auto& r : kMetrics) names += fmt::format("{}{}", names.empty() ? "" : ", ", r.metric.name);
    return names;
}

// The value's unit, checked against the metric's kind; `value` scaled to the base unit.
core::Result<void> apply_unit(std::string_view text, Threshold& t) {
    const auto& u = t.unit;
    switch (t.kind) {
        case MetricKind::duration:
            if (u == "ms") return {};
            if (u == "s") {
                t.value *= 1000.0;
                return {};
            }
            return core::fail(fmt::format("'{}': {} is a duration: give the value in ms or s, e.g. {}<50ms", text, t.metric, t.metric));
        case MetricKind::count:
            if (u.empty()) return {};
            return core::fail(fmt::format("'{}': {} is a count of reports: no unit ('{}' given)", text, t.metric, u));
        case MetricKind::rate:
            if (u.empty() || u == "/s") return {};
            return core::fail(fmt::format("'{}': {} is per second: no unit or /s ('{}' given)", text, t.metric, u));
        case MetricKind::share:
            if (u == "%") t.value /= 100.0;
            else if (!u.empty()) return core::fail(fmt::format("'{}': {} is a share: give % or a fraction from 0 to 1 ('{}' given)", text, t.metric, u));
            if (t.value < 0 || t.value > 1) return core::fail(fmt::format("'{}': a share is from 0 to 1 (0 % to 100 %)", text));
            return {};
    }
    return {};
}

}  // namespace

std::span<const ThresholdMetric> threshold_metrics() {
    static const auto metrics = [] {
        std::array<ThresholdMetric, kMetrics.size()> out{};
        std::transform(kMetrics.begin(), kMetrics.end(), out.begin(), [](const MetricRow& r) { return r.metric; });
        return out;
    }();
    return metrics;
}

core::Result<Threshold> parse_threshold(std::string_view given) {
    const std::string_view text = trim(given);
    const auto at_op = text.find_first_of("<>=!");
    if (text.empty() || at_op == std::string_view::npos)
        return core::fail(fmt::format("'{}': no comparison; write METRIC OP VALUE, e.g. p99<50ms (OP one of <, <=, >, >=, ==, !=)", text));
    Threshold t;
    t.text = std::string(text);
    const auto op = std::find_if(kOps.begin(), kOps.end(), [&](const auto& o) { return text.substr(at_op).starts_with(o.first); });
    if (op == kOps.end()) return core::fail(fmt::format("'{}': '{}' is not a comparison (one of <, <=, >, >=, ==, !=)", text, text.substr(at_op, 2)));
    t.op = op->second;
    t.metric = metric_name(trim(text.substr(0, at_op)));
    const MetricRow* row = find_metric(t.metric);
    if (!row) return core::fail(fmt::format("'{}': unknown metric '{}' (one of: {})", text, t.metric, metric_names()));
    t.kind = row->metric.kind;
    const std::string_view rest = trim(text.substr(at_op + op->first.size()));
    const char* end = rest.data() + rest.size();
    const auto [after, ec] = std::from_chars(rest.data(), end, t.value);
    if (ec != std::errc() || rest.empty() || !std::isfinite(t.value))
        return core::fail(fmt::format("'{}': '{}' is not a number (followed by its unit, e.g. 50ms, 2s, 1%)", text, rest));
    t.unit = std::string(trim(std::string_view(after, static_cast<std::size_t>(end - after))));
    if (auto ok = apply_unit(text, t); !ok) return std::unexpected(ok.error());
    return t;
}

// [SECTION] Evaluating thresholds

MetricValue metric_value(const nlohmann::json& doc, std::string_view metric) {
    const MetricRow* row = find_metric(metric);
    if (!row) return {std::nullopt, fmt::format("unknown metric '{}'", metric)};
    return row->value(doc);
}

namespace {

// Whole numbers without a decimal point, others to 6 significant digits (as sim::figure_text).
std::string number_text(double v) {
    if (std::abs(v) < 1e15 && v == std::floor(v)) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{:.6g}", v);
}

// A base-unit value in the unit the threshold was written in.
std::string in_unit(const Threshold& t, double v) {
    if (t.unit == "s") return number_text(v / 1000.0) + " s";
    if (t.unit == "%") return number_text(v * 100.0) + " %";
    if (t.unit.empty()) return number_text(v);
    return fmt::format("{} {}", number_text(v), t.unit);
}

bool holds(ThresholdOp op, double actual, double expected) {
    switch (op) {
        case ThresholdOp::lt: return actual < expected;
        case ThresholdOp::le: return actual <= expected;
        case ThresholdOp::gt: return actual > expected;
        case ThresholdOp::ge: return actual >= expected;
        case ThresholdOp::eq: return actual == expected;
        case ThresholdOp::ne: return actual != expected;
    }
    return false;
}

}  // namespace

std::vector<ThresholdVerdict> evaluate_thresholds(const std::vector<Threshold>& thresholds, const nlohmann::json& doc) {
    std::vector<ThresholdVerdict> out;
    for (const Threshold& t : thresholds) {
        const MetricRow* row = find_metric(t.metric);
        const MetricValue v = metric_value(doc, t.metric);
        out.push_back({.threshold = t.text,
                       .metric = t.metric,
                       .meaning = row ? std::string(row->metric.meaning) : std::string(),
                       .expected = fmt::format("{} {}", op_text(t.op), in_unit(t, t.value)),
                       .actual = v.value ? in_unit(t, *v.value) : v.why,
                       .passed = v.value && holds(t.op, *v.value, t.value)});
    }
    return out;
}

}  // namespace loadgen
