#include "sim/sweep_plan.hpp"

// Index of this file:
//   [SECTION] Seeds, grid axes, shards
//   [SECTION] The shard from a batch engine's environment
//   [SECTION] The plan
//   [SECTION] sweep-plan.json

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace sim {
namespace {

// [SECTION] Seeds, grid axes, shards

template <class T>
std::optional<T> whole_text_as(std::string_view text) {
    T value{};
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
    if constexpr (std::is_floating_point_v<T>)
        if (!std::isfinite(value)) return std::nullopt;
    return value;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

constexpr std::size_t kMaxAxisValues = 10'000;

// LO..HI:STEP as its values, each to 12 significant digits (0.1 + 2 x 0.1 is 0.3, not 0.30000000000000004).
core::Result<std::vector<std::string>> range_values(std::string_view text) {
    const auto dots = text.find("..");
    const auto colon = text.find(':', dots == std::string_view::npos ? 0 : dots);
    const auto bad = [&] { return core::fail(fmt::format("'{}' is not LO..HI:STEP (e.g. 0.1..0.5:0.1)", text)); };
    if (dots == std::string_view::npos || colon == std::string_view::npos) return bad();
    const auto lo = whole_text_as<double>(text.substr(0, dots));
    const auto hi = whole_text_as<double>(text.substr(dots + 2, colon - dots - 2));
    const auto step = whole_text_as<double>(text.substr(colon + 1));
    if (!lo || !hi || !step) return bad();
    if (*step <= 0) return core::fail(fmt::format("'{}': the step must be above 0", text));
    if (*hi < *lo) return core::fail(fmt::format("'{}': HI {} is below LO {}", text, *hi, *lo));
    const double steps = std::floor((*hi - *lo) / *step + 1e-9);
    if (steps + 1 > kMaxAxisValues) return core::fail(fmt::format("'{}' gives more than {} values", text, kMaxAxisValues));
    std::vector<std::string> values;
    for (int k = 0; k <= static_cast<int>(steps); ++k) values.push_back(fmt::format("{:.12g}", *lo + k * *step));
    return values;
}

}  // namespace

core::Result<SeedRange> parse_seeds(std::string_view text) {
    const auto dots = text.find("..");
    const auto first = whole_text_as<std::uint64_t>(text.substr(0, dots));
    const auto last = dots == std::string_view::npos ? first : whole_text_as<std::uint64_t>(text.substr(dots + 2));
    if (!first || !last) return core::fail(fmt::format("'{}' is not a seed range FIRST..LAST (e.g. 1..1000) or one seed", text));
    if (*last < *first) return core::fail(fmt::format("'{}': the last seed {} is below the first {}", text, *last, *first));
    if (*last - *first >= kMaxSweepNights)
        return core::fail(fmt::format("'{}' is more than {} seeds", text, kMaxSweepNights));
    return SeedRange{*first, *last};
}

core::Result<GridAxis> parse_grid_axis(std::string_view text) {
    auto o = parse_override(text);
    if (!o) return std::unexpected(o.error());
    GridAxis axis{o->path, {}};
    if (o->value.find("..") != std::string::npos && o->value.find(':') != std::string::npos && o->value.find(',') == std::string::npos) {
        auto values = range_values(o->value);
        if (!values) return std::unexpected(values.error());
        axis.values = std::move(*values);
        return axis;
    }
    std::string_view rest = o->value;
    while (true) {
        const auto comma = rest.find(',');
        const auto value = trimmed(rest.substr(0, comma));
        if (value.empty()) return core::fail(fmt::format("'{}': an empty value in the list", text));
        axis.values.emplace_back(value);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (axis.values.size() > kMaxAxisValues) return core::fail(fmt::format("'{}' gives more than {} values", text, kMaxAxisValues));
    return axis;
}

core::Result<Shard> parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    const auto index = whole_text_as<std::uint64_t>(text.substr(0, slash));
    const auto count = slash == std::string_view::npos ? std::nullopt : whole_text_as<std::uint64_t>(text.substr(slash + 1));
    if (!index || !count) return core::fail(fmt::format("'{}' is not a shard I/N (e.g. 0/4: the first of 4), nor 'auto'", text));
    if (*count == 0 || *index >= *count)
        return core::fail(fmt::format("'{}': the shard index must be below the shard count (0/{} to {}/{})", text, *count,
                                      *count == 0 ? 0 : *count - 1, *count));
    return Shard{*index, *count};
}

// [SECTION] The shard from a batch engine's environment

namespace {

core::Result<std::uint64_t> env_number(const EnvLookup& env, const char* name) {
    const auto text = env(name);
    if (!text) return core::fail(fmt::format("{} is not set", name));
    const auto value = whole_text_as<std::uint64_t>(*text);
    if (!value) return core::fail(fmt::format("{}='{}' is not a whole number", name, *text));
    return *value;
}

core::Result<Shard> slurm_shard(const EnvLookup& env) {
    auto id = env_number(env, "SLURM_ARRAY_TASK_ID");
    if (!id) return std::unexpected(id.error());
    auto min = env_number(env, "SLURM_ARRAY_TASK_MIN");
    auto max = env_number(env, "SLURM_ARRAY_TASK_MAX");
    if (!min || !max || *max < *min) return core::fail("SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX are not set (or MAX < MIN)");
    const std::uint64_t count = *max - *min + 1;
    if (auto given = env("SLURM_ARRAY_TASK_COUNT")) {
        const auto tasks = whole_text_as<std::uint64_t>(*given);
        if (!tasks || *tasks != count)
            return core::fail(fmt::format("SLURM_ARRAY_TASK_COUNT={} but MIN..MAX is {}..{}: the array must be contiguous "
                                          "(--array={}-{}, no step or list)", *given, *min, *max, *min, *max));
    }
    if (*id < *min || *id > *max) return core::fail(fmt::format("SLURM_ARRAY_TASK_ID={} is outside {}..{}", *id, *min, *max));
    return Shard{*id - *min, count};
}

}  // namespace

core::Result<Shard> shard_from_environment(const EnvLookup& env, std::optional<std::uint64_t> count_given) {
    Shard shard;
    if (env("SLURM_ARRAY_TASK_ID")) {
        auto s = slurm_shard(env);
        if (!s) return core::fail(fmt::format("--shard auto in a Slurm job array: {}", s.error().message));
        shard = *s;
    } else if (env("JOB_COMPLETION_INDEX")) {
        auto index = env_number(env, "JOB_COMPLETION_INDEX");
        if (!index) return core::fail(fmt::format("--shard auto in a Kubernetes Indexed Job: {}", index.error().message));
        std::optional<std::uint64_t> count = count_given;
        if (!count) {
            auto c = env_number(env, "SHAILOO_SHARD_COUNT");
            if (!c) return core::fail("--shard auto in a Kubernetes Indexed Job needs the number of shards: --shard-count N or "
                                      "SHAILOO_SHARD_COUNT (the Job's completions)");
            count = *c;
        }
        shard = Shard{*index, *count};
        if (shard.count == 0 || shard.index >= shard.count)
            return core::fail(fmt::format("--shard auto: JOB_COMPLETION_INDEX={} is not below the shard count {}", shard.index, shard.count));
    } else {
        return core::fail("--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes "
                          "Indexed Job) is set; give --shard I/N");
    }
    if (count_given && *count_given != shard.count)
        return core::fail(fmt::format("--shard-count {} differs from the {} shards of the batch engine's array", *count_given, shard.count));
    return shard;
}

// [SECTION] The plan

std::size_t SweepPlan::points() const {
    std::uint64_t n = 1;
    for (const auto& axis : grid) n = std::min<std::uint64_t>(n * axis.values.size(), kMaxSweepNights + 1);  // values <= 10,000: no overflow
    return n;
}

std::vector<ScenarioOverride> SweepPlan::point_overrides(std::size_t point) const {
    std::vector<ScenarioOverride> out(grid.size());
    for (std::size_t i = grid.size(); i-- > 0;) {
        out[i] = {grid[i].path, grid[i].values[point % grid[i].values.size()]};
        point /= grid[i].values.size();
    }
    return out;
}

std::vector<Night> SweepPlan::shard_nights() const {
    std::vector<Night> out;
    for (std::uint64_t k = shard.index; k < nights(); k += shard.count)
        out.push_back({k, static_cast<std::size_t>(k / seeds.count()), seeds.first + k % seeds.count()});
    return out;
}

std::string SweepPlan::night_name(const Night& night) { return fmt::format("p{}-s{}", night.point, night.seed); }

core::Result<void> check_plan(const SweepPlan& plan) {
    for (std::size_t i = 0; i < plan.grid.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (plan.grid[i].path == plan.grid[j].path) return core::fail(fmt::format("--set {} is given twice", plan.grid[i].path));
    if (plan.points() > kMaxSweepNights || plan.seeds.count() > kMaxSweepNights / plan.points())
        return core::fail(fmt::format("{} seeds x {} grid points is more than {} nights", plan.seeds.count(), plan.points(), kMaxSweepNights));
    return {};
}

// [SECTION] sweep-plan.json

nlohmann::ordered_json plan_to_json(const SweepPlan& plan) {
    nlohmann::ordered_json grid = nlohmann::ordered_json::array();
    for (const auto& axis : plan.grid) grid.push_back({{"path", axis.path}, {"values", axis.values}});
    return {{"format", "shailoo-sweep-plan"}, {"version", 1}, {"scenario", plan.scenario},
            {"seeds", {{"first", plan.seeds.first}, {"last", plan.seeds.last}}}, {"grid", grid},
            {"shard", {{"index", plan.shard.index}, {"count", plan.shard.count}}}};
}

core::Result<SweepPlan> plan_from_json(const nlohmann::ordered_json& doc, const std::string& file) {
    try {
        if (doc.value("format", "") != "shailoo-sweep-plan" || doc.value("version", 0) != 1)
            return core::fail(fmt::format("{}: not a sweep plan of shailoo sweep (format shailoo-sweep-plan, version 1)", file));
        SweepPlan plan;
        plan.scenario = doc.at("scenario").get<std::string>();
        plan.seeds = {doc.at("seeds").at("first").get<std::uint64_t>(), doc.at("seeds").at("last").get<std::uint64_t>()};
        for (const auto& axis : doc.at("grid")) plan.grid.push_back({axis.at("path").get<std::string>(), axis.at("values").get<std::vector<std::string>>()});
        plan.shard = {doc.at("shard").at("index").get<std::uint64_t>(), doc.at("shard").at("count").get<std::uint64_t>()};
        if (plan.seeds.last < plan.seeds.first || plan.shard.count == 0 || plan.shard.index >= plan.shard.count)
            return core::fail(fmt::format("{}: its seeds or shard are inconsistent", file));
        for (const auto& axis : plan.grid)
            if (axis.values.empty()) return core::fail(fmt::format("{}: grid axis {} has no values", file, axis.path));
        if (auto ok = check_plan(plan); !ok) return core::fail(fmt::format("{}: {}", file, ok.error().message));
        return plan;
    } catch (const nlohmann::json::exception& e) {
        return core::fail(fmt::format("{}: not a sweep plan: {}", file, e.what()));
    }
}

}  // namespace sim
