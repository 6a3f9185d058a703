#include "sim/sweep_stats.hpp"
#include "sim/results_json.hpp"

// Index of this file:
//   [SECTION] A night's summary
//   [SECTION] Reading a summary back
//   [SECTION] Statistics
//   [SECTION] sweep.json
//   [SECTION] The text report

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <unordered_map>

#include "sim/results_fields.hpp"

namespace sim {
namespace {

using json = nlohmann::ordered_json;

// [SECTION] A night's summary

// Fields that are no figure of the night: the document's header, timings, the per-PEC part, the
// findings' list, and numbers that name something (a party's id, a region's code, a PEC's number).
bool left_out(const std::string& path, const std::string& key) {
    static const std::array<std::string_view, 8> kLeftOut{"format", "version", "scenario", "package", "seed", "perf", "pec_results",
                                                          "reconciliation.findings"};
    static const std::array<std::string_view, 5> kNames{"id", "code", "number", "district", "longest_at_pec"};
    return std::find(kLeftOut.begin(), kLeftOut.end(), path) != kLeftOut.end() || std::find(kNames.begin(), kNames.end(), key) != kNames.end();
}

// Every number below `node` (at `path`, `steps` its parsed form) into `out`, in the document's order.
void collect_figures(const json& node, std::vector<PathStep>& steps, const std::string& path, json& out) {
    if (node.is_number()) {
        out[path] = node.get<double>();
    } else if (node.is_boolean()) {
        out[path] = node.get<bool>() ? 1.0 : 0.0;
    } else if (node.is_object()) {
        const ResultField* field = steps.empty() ? nullptr : find_result_field(steps);
        if (field && field->kind == FieldKind::counts) {  // the sum, and every key it may have (0 when absent)
            double sum = 0;
            for (const auto& item : node) sum += item.is_number() ? item.get<double>() : 0.0;
            out[path] = sum;
            for (std::string_view key : count_keys(field->path)) {
                const auto it = node.find(std::string(key));
                out[fmt::format("{}.{}", path, key)] = it != node.end() && it->is_number() ? it->get<double>() : 0.0;
            }
            return;
        }
        for (const auto& [key, value] : node.items()) {
            const std::string at = path.empty() ? key : fmt::format("{}.{}", path, key);
            if (left_out(at, key)) continue;
            steps.push_back({key, std::nullopt});
            collect_figures(value, steps, at, out);
            steps.pop_back();
        }
    } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            steps.push_back({"", i});
            collect_figures(node[i], steps, fmt::format("{}[{}]", path, i), out);
            steps.pop_back();
        }
    }
}

json overrides_json(const std::vector<ScenarioOverride>& set) {
    json out = json::array();
    for (const auto& o : set) out.push_back({{"path", o.path}, {"value", o.value}});
    return out;
}

}  // namespace

json night_summary(std::uint64_t seed, const std::vector<ScenarioOverride>& set, const json& results, const std::vector<Verdict>& verdicts) {
    json criteria = json::array();
    for (const Verdict& v : verdicts) criteria.push_back({{"name", v.name}, {"passed", v.passed}, {"optional", v.optional}});
    json figures = json::object();
    std::vector<PathStep> steps;
    collect_figures(results, steps, "", figures);
    return {{"format", "shailoo-night"}, {"version", 1}, {"scenario", results.value("scenario", "")}, {"seed", seed},
            {"set", overrides_json(set)}, {"criteria", criteria}, {"figures", figures}};
}

// [SECTION] Reading a summary back

core::Result<NightSummary> read_night_summary(const json& doc, const SweepPlan& plan, const std::string& file) {
    try {
        if (doc.value("format", "") != "shailoo-night" || doc.value("version", 0) != 1)
            return core::fail(fmt::format("{}: not a night summary of shailoo sweep (format shailoo-night, version 1)", file));
        if (doc.at("scenario").get<std::string>() != plan.scenario)
            return core::fail(fmt::format("{}: a night of scenario '{}', not '{}'", file, doc.at("scenario").get<std::string>(), plan.scenario));
        NightSummary night;
        night.seed = doc.at("seed").get<std::uint64_t>();
        std::vector<ScenarioOverride> set;
        for (const auto& o : doc.at("set")) set.push_back({o.at("path").get<std::string>(), o.at("value").get<std::string>()});
        std::size_t point = 0;
        while (point < plan.points() && plan.point_overrides(point) != set) ++point;
        if (point == plan.points()) return core::fail(fmt::format("{}: its --set values are no grid point of the sweep", file));
        night.point = point;
        for (const auto& c : doc.at("criteria"))
            night.criteria.push_back({c.at("name").get<std::string>(), c.at("passed").get<bool>(), c.at("optional").get<bool>()});
        for (const auto& [path, value] : doc.at("figures").items()) night.figures.emplace_back(path, value.get<double>());
        return night;
    } catch (const nlohmann::json::exception& e) {
        return core::fail(fmt::format("{}: not a night summary: {}", file, e.what()));
    }
}

// [SECTION] Statistics

SampleStats sample_stats(std::span<const double> values) {
    SampleStats s;
    s.n = values.size();
    if (s.n == 0) return s;
    double sum = 0;
    s.min = s.max = values[0];
    for (double v : values) {
        sum += v;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
    }
    s.mean = sum / static_cast<double>(s.n);
    if (s.n < 2) return s;
    double squares = 0;
    for (double v : values) squares += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(squares / static_cast<double>(s.n - 1));
    const boost::math::students_t t_dist(static_cast<double>(s.n - 1));
    const double half = boost::math::quantile(boost::math::complement(t_dist, 0.025)) * *s.sd / std::sqrt(static_cast<double>(s.n));
    s.ci95 = std::pair{s.mean - half, s.mean + half};
    return s;
}

std::pair<double, double> wilson_interval95(std::uint64_t passed, std::uint64_t n) {
    static const double z = boost::math::quantile(boost::math::complement(boost::math::normal(), 0.025));
    const double nn = static_cast<double>(n), p = static_cast<double>(passed) / nn, z2 = z * z;
    const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

core::Result<void> check_complete(const SweepPlan& plan, const std::vector<NightSummary>& nights) {
    std::map<std::pair<std::size_t, std::uint64_t>, int> seen;
    for (const auto& n : nights) ++seen[{n.point, n.seed}];
    std::vector<std::string> missing, twice;
    SweepPlan whole = plan;
    whole.shard = {};
    for (const Night& n : whole.shard_nights()) {
        const auto it = seen.find({n.point, n.seed});
        if (it == seen.end()) missing.push_back(SweepPlan::night_name(n));
        else if (it->second > 1) twice.push_back(SweepPlan::night_name(n));
    }
    const auto first_few = [](const std::vector<std::string>& names) {
        std::string out;
        for (std::size_t i = 0; i < std::min<std::size_t>(names.size(), 5); ++i) out += (i ? ", " : "") + names[i];
        return names.size() > 5 ? fmt::format("{}, ... ({} in all)", out, names.size()) : out;
    };
    if (!missing.empty()) return core::fail(fmt::format("nights missing: {} (of {})", first_few(missing), whole.nights()));
    if (!twice.empty()) return core::fail(fmt::format("nights given more than once: {}", first_few(twice)));
    if (nights.size() != whole.nights()) return core::fail(fmt::format("{} nights given, the sweep has {}", nights.size(), whole.nights()));
    return {};
}

// [SECTION] sweep.json

namespace {

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json criteria_json(std::span<const NightSummary> nights) {
    json out = json::array();
    if (nights.empty()) return out;
    for (std::size_t i = 0; i < nights.front().criteria.size(); ++i) {
        std::uint64_t held = 0, n = 0;
        for (const auto& night : nights)
            if (i < night.criteria.size() && night.criteria[i].name == nights.front().criteria[i].name) {
                ++n;
                held += night.criteria[i].passed;
            }
        const auto [lo, hi] = wilson_interval95(held, n);
        out.push_back({{"name", nights.front().criteria[i].name}, {"optional", nights.front().criteria[i].optional}, {"held", held},
                       {"nights", n}, {"rate", static_cast<double>(held) / static_cast<double>(n)}, {"ci95", {lo, hi}}});
    }
    return out;
}

json figures_json(std::span<const NightSummary> nights) {
    std::vector<std::string> order;  // figures in the order they first appear
    std::unordered_map<std::string, std::vector<double>> values;
    for (const auto& night : nights)
        for (const auto& [path, value] : night.figures) {
            auto [it, fresh] = values.try_emplace(path);
            if (fresh) order.push_back(path);
            it->second.push_back(value);
        }
    json out = json::array();
    for (const auto& path : order) {
        const SampleStats s = sample_stats(values[path]);
        out.push_back({{"path", path}, {"n", s.n}, {"mean", s.mean}, {"sd", optional_number(s.sd)},
                       {"ci95", s.ci95 ? json{s.ci95->first, s.ci95->second} : json(nullptr)}, {"min", s.min}, {"max", s.max}});
    }
    return out;
}

}  // namespace

json sweep_report(const SweepPlan& plan, std::vector<NightSummary> nights) {
    std::sort(nights.begin(), nights.end(), [](const NightSummary& a, const NightSummary& b) {
        return std::pair(a.point, a.seed) < std::pair(b.point, b.seed);
    });
    json grid = json::array();
    for (const auto& axis : plan.grid) grid.push_back({{"path", axis.path}, {"values", axis.values}});
    json points = json::array();
    auto from = nights.begin();
    for (std::size_t p = 0; p < plan.points(); ++p) {
        auto to = std::find_if(from, nights.end(), [p](const NightSummary& n) { return n.point != p; });
        const std::span<const NightSummary> these(from, to);
        points.push_back({{"set", overrides_json(plan.point_overrides(p))}, {"nights", these.size()},
                          {"criteria", criteria_json(these)}, {"figures", figures_json(these)}});
        from = to;
    }
    return {{"format", "shailoo-sweep"}, {"version", 1}, {"scenario", plan.scenario},
            {"seeds", {{"first", plan.seeds.first}, {"last", plan.seeds.last}}}, {"grid", grid}, {"nights", nights.size()},
            {"points", points}};
}

// [SECTION] The text report

namespace {

std::string num(const json& v) { return v.is_number() ? fmt::format("{:.6g}", v.get<double>()) : "-"; }

std::string point_title(const json& point) {
    std::string set;
    for (const auto& o : point.at("set")) set += fmt::format("{}{}={}", set.empty() ? "" : ", ", o.at("path").get<std::string>(),
                                                             o.at("value").get<std::string>());
    return set.empty() ? "the scenario as written" : set;
}

std::string criteria_text(const json& criteria) {
    if (criteria.empty()) return "  Criteria: none in the scenario\n";
    std::size_t width = 0;
    for (const auto& c : criteria) width = std::max(width, c.at("name").get<std::string>().size());
    std::string out = "  Criteria (pass rate over the nights, 95 % Wilson score interval):\n";
    for (const auto& c : criteria) {
        const auto& ci = c.at("ci95");
        out += fmt::format("    {:<{}}  held in {:.1f} % of {} nights, 95 % CI {:.1f}-{:.1f} %{}\n", c.at("name").get<std::string>(), width,
                           100 * c.at("rate").get<double>(), grouped(c.at("nights").get<std::int64_t>()), 100 * ci[0].get<double>(),
                           100 * ci[1].get<double>(), c.at("optional").get<bool>() ? " (optional)" : "");
    }
    return out;
}

// A figure the text report shows: not one of a district's, and not the same every night.
bool shown_in_text(const json& f) {
    return f.at("path").get<std::string>().find("districts[") == std::string::npos && f.at("min") != f.at("max");
}

std::string figures_text(const json& figures) {
    std::size_t width = 6, shown = 0, per_district = 0;
    for (const auto& f : figures) {
        if (shown_in_text(f)) width = std::max(width, f.at("path").get<std::string>().size());
        per_district += f.at("path").get<std::string>().find("districts[") != std::string::npos;
    }
    std::string out = "  Figures (mean, sample sd, 95 % CI of the mean by Student's t, min, max over the nights):\n";
    out += fmt::format("    {:<{}}  {:>7}  {:>12}  {:>12}  {:>27}  {:>12}  {:>12}\n", "figure", width, "n", "mean", "sd", "95 % CI", "min", "max");
    for (const auto& f : figures) {
        const auto path = f.at("path").get<std::string>();
        if (!shown_in_text(f)) continue;
        const auto& ci = f.at("ci95");
        const std::string ci_text = ci.is_array() ? fmt::format("{} .. {}", num(ci[0]), num(ci[1])) : "-";
        out += fmt::format("    {:<{}}  {:>7}  {:>12}  {:>12}  {:>27}  {:>12}  {:>12}\n", path, width, f.at("n").get<std::uint64_t>(), num(f.at("mean")),
                           num(f.at("sd")), ci_text, num(f.at("min")), num(f.at("max")));
        ++shown;
    }
    if (shown < figures.size())
        out += fmt::format("    (sweep.json has all {} figures: {} more the same every night, and {} of the districts)\n", figures.size(),
                           figures.size() - shown - per_district, per_district);
    return out;
}

}  // namespace

std::string sweep_report_text(const json& report) {
    const auto& points = report.at("points");
    std::string out = fmt::format("Sweep of '{}': seeds {}..{}, {} grid point(s), {} nights\n", report.at("scenario").get<std::string>(),
                                  report.at("seeds").at("first").get<std::uint64_t>(), report.at("seeds").at("last").get<std::uint64_t>(),
                                  points.size(), grouped(report.at("nights").get<std::int64_t>()));
    for (std::size_t i = 0; i < points.size(); ++i) {
        out += fmt::format("\nGrid point {} of {}: {} ({} nights)\n", i + 1, points.size(), point_title(points[i]),
                           grouped(points[i].at("nights").get<std::uint64_t>()));
        out += criteria_text(points[i].at("criteria"));
        out += figures_text(points[i].at("figures"));
    }
    return out;
}

}  // namespace sim
