#pragma once
/// Thresholds of `shailoo load` (`--threshold 'p99<50ms'`), modelled on k6's
/// (https://grafana.com/docs/k6/latest/using-k6/thresholds/): `METRIC OP VALUE[UNIT]`, OP one of
/// <, <=, >, >=, ==, !=; durations take ms or s, shares % (or a fraction from 0 to 1), rates an
/// optional /s, counts no unit. The metrics are figures of load.json (docs/load.md, "Thresholds").
/// Evaluating them is a pure function of the thresholds and the load.json document; apps/cmd_load.cpp
/// prints the verdicts as `shailoo run` prints its criteria and writes them as JUnit XML (sim/junit.hpp).
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace loadgen {

/// What a metric measures, and so which units its value takes.
enum class MetricKind {
    duration,  ///< a time: the value needs ms or s
    count,     ///< reports: no unit
    share,     ///< a part of a whole: % or a fraction from 0 to 1
    rate,      ///< per second: no unit or /s
};

/// One metric a threshold can name.
struct ThresholdMetric {
    std::string_view name;     ///< as written in a threshold, e.g. "p99"
    MetricKind kind;
    std::string_view meaning;  ///< one line for people (docs/load.md lists the same)
};

/// Every metric, in the order docs/load.md lists them.
std::span<const ThresholdMetric> threshold_metrics();

/// How a threshold compares.
enum class ThresholdOp { lt, le, gt, ge, eq, ne };

/// One threshold as given.
struct Threshold {
    std::string text;     ///< the argument as given, spaces trimmed
    std::string metric;   ///< a ThresholdMetric name (k6's p(99) is read as p99)
    MetricKind kind = MetricKind::count;
    ThresholdOp op = ThresholdOp::eq;
    double value = 0;     ///< in the metric's base unit: ms for durations, a fraction for shares
    std::string unit;     ///< as written: "ms", "s", "%", "/s" or "" (the figures are shown in it)
};

/// Reads one threshold. Errors are sentences about `text`, e.g. "'p99<50': p99 is a duration: give
/// the value in ms or s, e.g. p99<50ms"; the caller adds which argument it was.
core::Result<Threshold> parse_threshold(std::string_view text);

/// A metric's value in one load.json, or why there is none ("never": the share was never reached;
/// "no --check-published").
struct MetricValue {
    std::optional<double> value;  ///< in the metric's base unit
    std::string why;
};

/// The value of `metric` (a ThresholdMetric name) in a load.json document.
MetricValue metric_value(const nlohmann::json& load_json, std::string_view metric);

/// A threshold evaluated.
struct ThresholdVerdict {
    std::string threshold;  ///< its text
    std::string metric;
    std::string meaning;    ///< the metric's meaning
    std::string expected;   ///< "< 50 ms"
    std::string actual;     ///< "41.2 ms", or why there is none
    bool passed = false;
};

/// Each threshold against a load.json document, in order. A metric without a value fails.
std::vector<ThresholdVerdict> evaluate_thresholds(const std::vector<Threshold>& thresholds, const nlohmann::json& load_json);

}  // namespace loadgen
