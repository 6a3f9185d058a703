#include "sim/scenario.hpp"

// Index of this file:
//   [SECTION] Reading the YAML fields
//   [SECTION] Faults and service times
//   [SECTION] Fault targets and durations
//   [SECTION] Loading a scenario
//   [SECTION] Binding to the election package

#include "core/yaml_fields.hpp"
#include "sim/results_fields.hpp"
#include "sim/support.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <cmath>

namespace sim {
namespace {

// [SECTION] Reading the YAML fields

using core::Micros;

// The one YAML field reader (core::YamlReader) and the scenario's own kinds of field: durations and
// regions named or numbered.
class Reader : public core::YamlReader {
public:
    explicit Reader(std::string file) : core::YamlReader(std::move(file)) {}

    /// The same file's fields inside the mapping at `path` (e.g. "faults[1]").
    Reader within(const std::string& path) const { return Reader(core::YamlReader::within(path)); }

    core::Result<Micros> duration(const YAML::Node& map, const std::string& field) const {
        auto t = text(map, field);
        if (!t) return std::unexpected(t.error());
        auto v = parse_duration(*t);
        if (!v) return bad(map[field], field, v.error().message);
        return v;
    }

    /// A list of regions, each a code (1-9) or a name the package resolves later (RegionRef).
    core::Result<std::vector<RegionRef>> regions(const YAML::Node& map, const std::string& field) const {
        std::vector<RegionRef> out;
        const YAML::Node n = map[field];
        if (!n.IsDefined()) return out;
        if (!n.IsSequence()) return bad(n, field, "expected a list of region codes or names");
        for (const auto& item : n) {
            if (!item.IsScalar() || item.Scalar().empty()) return bad(item, field, "expected a region code or name");
            RegionRef ref{.line = item.Mark().line + 1};
            try {
                ref.code = item.as<int>();
            } catch (const YAML::Exception&) {
                ref.name = item.Scalar();
            }
            out.push_back(std::move(ref));
        }
        return out;
    }

private:
    explicit Reader(core::YamlReader inner) : core::YamlReader(std::move(inner)) {}
};

// Assigns the value of a Result to `lhs`, or returns its error from the enclosing function.
#define SHAILOO_TRY(lhs, expr)                                                    \
    if (auto shailoo_try_ = (expr); !shailoo_try_)                                \
        return std::unexpected(shailoo_try_.error());                             \
    else                                                                          \
        lhs = std::move(*shailoo_try_)

// [SECTION] Faults and service times

constexpr std::array<std::pair<std::string_view, FaultTarget>, 9> kTargets{{
    {"fingerprint_scanner", FaultTarget::fingerprint_scanner},
    {"document_reader", FaultTarget::document_reader},
    {"webcam", FaultTarget::webcam},
    {"printer", FaultTarget::printer},
    {"arbb_party_list", FaultTarget::arbb_party_list},
    {"arbb_district", FaultTarget::arbb_district},
    {"arbb", FaultTarget::arbb_any},
    {"modem", FaultTarget::modem},
    {"power", FaultTarget::power},
}};

// Who ends the rule's faults: `repair: support` (the package's technical support; no duration),
// `repair: timed` (the drawn duration); without `repair`, a duration makes the rule timed, except
// for a replaced ARBB, whose duration is not used.
core::Result<void> read_repair(const Reader& r, const YAML::Node& n, FaultRule& rule) {
    const bool replace = n["replace"] && n["replace"].IsScalar() && n["replace"].Scalar() == "true";
    const bool has_duration = n["duration"] || n["max_duration"];
    if (!n["repair"]) {
        rule.timed = has_duration && !replace;
        return {};
    }
    std::string repair;
    SHAILOO_TRY(repair, r.text(n, "repair"));
    if (repair != "timed" && repair != "support")
        return r.bad(n["repair"], "repair", fmt::format("expected support or timed, got '{}'", repair));
    rule.timed = repair == "timed";
    if (!rule.timed && has_duration && !replace)
        return r.bad(n["repair"], "repair", "support ends the fault when it repairs it: leave out duration and max_duration");
    if (!rule.timed) rule.support_line = n["repair"].Mark().line + 1;
    return {};
}

core::Result<FaultRule> read_fault(const Reader& top, const YAML::Node& n, int index) {
    const std::string at = fmt::format("faults[{}]", index);
    const Reader r = top.within(at);  // every message names faults[i].field
    FaultRule rule;
    rule.line = n.Mark().line + 1;
    if (!n.IsMap()) return std::unexpected(top.error(n, at, "expected a mapping"));
    if (auto ok = r.only_keys(n, {"device", "fault", "share", "pecs", "regions", "districts", "from", "to", "duration",
                                  "max_duration", "severity", "replace", "repair"}, ""); !ok)
        return std::unexpected(ok.error());
    std::string device, fault;
    SHAILOO_TRY(device, r.text(n, "device"));
    const auto target = fault_target_from(device);
    if (!target) {
        std::string names;
        for (auto& [k, v] : kTargets) names += (names.empty() ? "" : ", ") + std::string(k);
        return std::unexpected(r.error(n["device"], "device", fmt::format("unknown device '{}' (one of: {})", device, names)));
    }
    rule.target = *target;
    SHAILOO_TRY(fault, r.text(n, "fault"));
    bool found = false;
    for (auto f : devices::faults_of(device_kind_of(rule.target)))
        if (devices::to_string(f) == fault) rule.fault = f, found = true;
    if (!found) {
        std::string names;
        for (auto f : devices::faults_of(device_kind_of(rule.target))) names += (names.empty() ? "" : ", ") + std::string(devices::to_string(f));
        return std::unexpected(r.error(n["fault"], "fault", fmt::format("'{}' is not a fault of {} (one of: {})", fault, device, names)));
    }
    if (n["share"]) { SHAILOO_TRY(rule.share, r.get<double>(n, "share", 0.0, 1.0)); }
    SHAILOO_TRY(rule.pecs, r.ints(n, "pecs", 1000, 9999));
    SHAILOO_TRY(rule.region_refs, r.regions(n, "regions"));
    for (const auto& ref : rule.region_refs)
        if (ref.name.empty()) rule.regions.push_back(ref.code);
    SHAILOO_TRY(rule.districts, r.ints(n, "districts", 1, 999));
    if (n["districts"]) rule.districts_line = n["districts"].Mark().line + 1;
    if (n["pecs"]) rule.pecs_line = n["pecs"].Mark().line + 1;
    if (!n["share"] && rule.pecs.empty()) return std::unexpected(top.error(n, at, "needs 'share' or 'pecs'"));
    if (n["from"]) { SHAILOO_TRY(rule.from, r.time_of_day(n, "from")); }
    rule.to = rule.from;
    if (n["to"]) { SHAILOO_TRY(rule.to, r.time_of_day(n, "to")); }
    else if (!n["from"]) rule.to = core::at(19, 0);
    if (rule.to < rule.from) return std::unexpected(r.error(n["to"], "to", "is before 'from'"));
    if (n["duration"]) {
        SHAILOO_TRY(rule.min_duration, r.duration(n, "duration"));
        rule.max_duration = rule.min_duration;
    }
    if (n["max_duration"]) { SHAILOO_TRY(rule.max_duration, r.duration(n, "max_duration")); }
    if (rule.max_duration < rule.min_duration)
        return std::unexpected(r.error(n["max_duration"], "max_duration", "is shorter than 'duration'"));
    if (n["severity"]) { SHAILOO_TRY(rule.severity, r.get<double>(n, "severity", 0.0, 1000.0)); }
    if (auto ok = read_repair(r, n, rule); !ok) return std::unexpected(ok.error());
    if (n["replace"]) {
        try {
            rule.replace_arbb = n["replace"].as<bool>();
        } catch (const YAML::Exception&) {
            return std::unexpected(r.error(n["replace"], "replace", "expected true or false"));
        }
        if (rule.replace_arbb && device_kind_of(rule.target) != devices::DeviceKind::ballot_scanner)
            return std::unexpected(r.error(n["replace"], "replace", "only an ARBB can be replaced by a stationary box"));
    }
    return rule;
}

core::Result<ServiceTime> read_service(const Reader& r, const YAML::Node& map, const std::string& field, ServiceTime d) {
    const YAML::Node n = map[field];
    if (!n) return d;
    if (!n.IsMap()) return std::unexpected(r.error(n, "service." + field, "expected {median_s: N, sigma: X}"));
    if (auto ok = r.only_keys(n, {"median_s", "sigma"}, "service." + field); !ok) return std::unexpected(ok.error());
    const Reader f = r.within("service." + field);
    if (n["median_s"]) { SHAILOO_TRY(d.median_s, f.get<double>(n, "median_s", 0.1, 3600.0)); }
    if (n["sigma"]) { SHAILOO_TRY(d.sigma, f.get<double>(n, "sigma", 0.0, 2.0)); }
    return d;
}

}  // namespace

// [SECTION] Fault targets and durations

std::string_view to_string(FaultTarget target) {
    for (const auto& [name, t] : kTargets)
        if (t == target) return name;
    return "unknown";
}

std::optional<FaultTarget> fault_target_from(std::string_view name) {
    for (const auto& [n, t] : kTargets)
        if (n == name) return t;
    return std::nullopt;
}

devices::DeviceKind device_kind_of(FaultTarget target) {
    switch (target) {
        case FaultTarget::fingerprint_scanner: return devices::DeviceKind::fingerprint_scanner;
        case FaultTarget::document_reader: return devices::DeviceKind::document_reader;
        case FaultTarget::webcam: return devices::DeviceKind::webcam;
        case FaultTarget::printer: return devices::DeviceKind::printer;
        case FaultTarget::modem: return devices::DeviceKind::modem;
        case FaultTarget::power: return devices::DeviceKind::power_supply;
        case FaultTarget::arbb_party_list:
        case FaultTarget::arbb_district:
        case FaultTarget::arbb_any: return devices::DeviceKind::ballot_scanner;
    }
    return devices::DeviceKind::ballot_scanner;
}

core::Result<Micros> parse_duration(const std::string& text) {
    Micros total = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    if (p == end) return core::fail("empty duration");
    while (p < end) {
        long long v = 0;
        auto [q, ec] = std::from_chars(p, end, v);
        if (ec != std::errc{} || q == end || v < 0)
            return core::fail(fmt::format("'{}' is not a duration like 90s, 20m or 1h30m", text));
        const Micros unit = *q == 'h' ? core::kHour : *q == 'm' ? core::kMinute : *q == 's' ? core::kSecond : 0;
        if (unit == 0) return core::fail(fmt::format("'{}' is not a duration like 90s, 20m or 1h30m", text));
        if (v > (std::numeric_limits<Micros>::max() - total) / unit)  // found by fuzzing: a wrapped sum was undefined behaviour
            return core::fail(fmt::format("'{}' is too long a duration", text.size() > 40 ? text.substr(0, 40) + "..." : text));
        total += v * unit;
        p = q + 1;
    }
    return total;
}

// [SECTION] Loading a scenario

namespace {

// The file is a scenario: a mapping (not a rate profile) with only the known top-level fields.
core::Result<void> check_top_level(const Reader& r, const YAML::Node& root, Scenario& s) {
    const std::string name = s.file.string();
    if (!root.IsMap()) return core::fail(fmt::format("{}: a scenario is a YAML mapping", name));
    if (root["cumulative"] && !root["package"])
        return core::fail(fmt::format("{}: this is a rate profile (its 'cumulative' curve is for `shailoo load "
                                      "--rate-profile`, docs/load.md), not a scenario (docs/scenarios.md)", name));
    return r.only_keys(root, {"version", "name", "description", "package", "seed", "voting", "arrivals",
                              "turnout_sd_pec", "party_sd_region", "booths_per_desk", "desk_pace", "patience", "turned_away",
                              "service", "regions", "districts", "desks", "opening", "cec", "display_error", "support", "pec_chairs", "faults", "criteria"}, "");
}

// version (only 1 exists: the check rejects files written for a newer format), name, description,
// the package (relative to the file) and the seed.
core::Result<void> read_header(const Reader& r, const YAML::Node& root, Scenario& s) {
    int version = 0;
    SHAILOO_TRY(version, r.get<int>(root, "version", 1, 1));
    (void)version;
    SHAILOO_TRY(s.name, r.text(root, "name"));
    if (root["description"]) { SHAILOO_TRY(s.description, r.text(root, "description")); }
    std::string package;
    SHAILOO_TRY(package, r.text(root, "package"));
    s.package_dir = (s.file.parent_path() / package).lexically_normal();
    if (root["seed"]) { SHAILOO_TRY(s.seed, r.get<std::uint64_t>(root, "seed", 0, UINT64_MAX)); }
    return {};
}

// The voting hours: open and close, close after open.
core::Result<void> read_voting_hours(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto v = root["voting"];
    if (!v) return {};
    if (auto ok = r.only_keys(v, {"open", "close"}, "voting"); !ok) return std::unexpected(ok.error());
    if (v["open"]) { SHAILOO_TRY(s.voting_open, r.time_of_day(v, "open")); }
    if (v["close"]) { SHAILOO_TRY(s.voting_close, r.time_of_day(v, "close")); }
    if (s.voting_close <= s.voting_open) return std::unexpected(r.error(v, "voting.close", "must be after voting.open"));
    return {};
}

// The arrival weights: one per voting hour (begun), finite and >= 0, not all zero; even by default.
core::Result<void> read_arrivals(const Reader& r, const YAML::Node& root, Scenario& s) {
    const int hours = static_cast<int>((s.voting_close - s.voting_open + core::kHour - 1) / core::kHour);
    if (const auto a = root["arrivals"]) {
        if (!a.IsSequence() || static_cast<int>(a.size()) != hours)
            return std::unexpected(r.error(a, "arrivals", fmt::format("expected a list of {} hourly weights", hours)));
        for (const auto& w : a) {
            double v = -1;
            try { v = w.as<double>(); } catch (const YAML::Exception&) {}
            if (!(v >= 0) || !std::isfinite(v)) return std::unexpected(r.error(w, "arrivals", "weights are finite numbers >= 0"));
            s.arrival_weights.push_back(v);
        }
    } else {
        s.arrival_weights.assign(hours, 1.0);
    }
    double sum = 0;
    for (double w : s.arrival_weights) sum += w;
    if (sum <= 0) return std::unexpected(r.error(root["arrivals"], "arrivals", "all weights are zero"));
    return {};
}

// The spreads of turnout and party support, and the booths per identification desk.
core::Result<void> read_crowd(const Reader& r, const YAML::Node& root, Scenario& s) {
    if (root["turnout_sd_pec"]) { SHAILOO_TRY(s.turnout_sd_pec, r.get<double>(root, "turnout_sd_pec", 0.0, 0.3)); }
    if (root["party_sd_region"]) { SHAILOO_TRY(s.party_sd_region, r.get<double>(root, "party_sd_region", 0.0, 2.0)); }
    if (root["booths_per_desk"]) { SHAILOO_TRY(s.booths_per_desk, r.get<int>(root, "booths_per_desk", 1, 10)); }
    return {};
}

// The operators' pace from PEC to PEC: median, sigma and bounds, min <= median <= max.
core::Result<void> read_desk_pace(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto dp = root["desk_pace"];
    if (!dp) return {};
    if (!dp.IsMap()) return std::unexpected(r.error(dp, "desk_pace", "expected {median: X, sigma: X, min: X, max: X}"));
    if (auto ok = r.only_keys(dp, {"median", "sigma", "min", "max"}, "desk_pace"); !ok) return std::unexpected(ok.error());
    auto& p = s.desk_pace;
    const Reader f = r.within("desk_pace");
    if (dp["median"]) { SHAILOO_TRY(p.median, f.get<double>(dp, "median", 0.1, 10.0)); }
    if (dp["sigma"]) { SHAILOO_TRY(p.sigma, f.get<double>(dp, "sigma", 0.0, 2.0)); }
    if (dp["min"]) { SHAILOO_TRY(p.min, f.get<double>(dp, "min", 0.1, 10.0)); }
    if (dp["max"]) { SHAILOO_TRY(p.max, f.get<double>(dp, "max", 0.1, 10.0)); }
    if (p.min > p.median || p.median > p.max)
        return std::unexpected(r.error(dp, "desk_pace", fmt::format("needs min <= median <= max, got {} / {} / {}", p.min, p.median, p.max)));
    return {};
}

// The voters' patience in a queue: median minutes and sigma.
core::Result<void> read_patience(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto pt = root["patience"];
    if (!pt) return {};
    if (!pt.IsMap()) return std::unexpected(r.error(pt, "patience", "expected {median_min: N, sigma: X}"));
    if (auto ok = r.only_keys(pt, {"median_min", "sigma"}, "patience"); !ok) return std::unexpected(ok.error());
    const Reader f = r.within("patience");
    if (pt["median_min"]) { SHAILOO_TRY(s.patience.median_min, f.get<double>(pt, "median_min", 0.0, 24 * 60.0)); }
    if (pt["sigma"]) { SHAILOO_TRY(s.patience.sigma, f.get<double>(pt, "sigma", 0.0, 2.0)); }
    return {};
}

// The visitors the desk must turn away, per voter who comes.
core::Result<void> read_turned_away(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto ta = root["turned_away"];
    if (!ta) return {};
    if (!ta.IsMap()) return std::unexpected(r.error(ta, "turned_away", "expected {not_on_list: X, no_document: Y}"));
    if (auto ok = r.only_keys(ta, {"not_on_list", "no_document"}, "turned_away"); !ok) return std::unexpected(ok.error());
    const Reader f = r.within("turned_away");
    if (ta["not_on_list"]) { SHAILOO_TRY(s.turned_away.not_on_list, f.get<double>(ta, "not_on_list", 0.0, 0.5)); }
    if (ta["no_document"]) { SHAILOO_TRY(s.turned_away.no_document, f.get<double>(ta, "no_document", 0.0, 0.5)); }
    return {};
}

// Commissions meeting late: {late_share, late_by, max_late_by}.
core::Result<void> read_opening(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto op = root["opening"];
    if (!op) return {};
    if (!op.IsMap()) return std::unexpected(r.error(op, "opening", "expected {late_share: X, late_by: 30m, max_late_by: 90m}"));
    if (auto ok = r.only_keys(op, {"late_share", "late_by", "max_late_by"}, "opening"); !ok) return std::unexpected(ok.error());
    const Reader f = r.within("opening");
    SHAILOO_TRY(s.opening.late_share, f.get<double>(op, "late_share", 0.0, 1.0));
    SHAILOO_TRY(s.opening.late_by, f.duration(op, "late_by"));
    s.opening.max_late_by = s.opening.late_by;
    if (op["max_late_by"]) { SHAILOO_TRY(s.opening.max_late_by, f.duration(op, "max_late_by")); }
    if (s.opening.max_late_by < s.opening.late_by)
        return std::unexpected(f.error(op["max_late_by"], "max_late_by", "is shorter than 'late_by'"));
    if (s.opening.max_late_by > 10 * core::kHour)
        return std::unexpected(f.error(op["max_late_by"] ? op["max_late_by"] : op["late_by"], "max_late_by", "is more than 10 hours"));
    return {};
}

// The CEC's server unreachable: cec: {down: [{from, to}, ...]}.
core::Result<void> read_cec(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto cec = root["cec"];
    if (!cec) return {};
    if (!cec.IsMap()) return std::unexpected(r.error(cec, "cec", "expected {down: [{from: \"20:30\", to: \"21:00\"}]}"));
    if (auto ok = r.only_keys(cec, {"down"}, "cec"); !ok) return std::unexpected(ok.error());
    const auto down = cec["down"];
    if (!down) return std::unexpected(r.error(cec, "cec.down", "missing: a list of {from, to}"));
    if (!down.IsSequence()) return std::unexpected(r.error(down, "cec.down", "expected a list of {from, to}"));
    for (std::size_t i = 0; i < down.size(); ++i) {
        const std::string at = fmt::format("cec.down[{}]", i);
        const YAML::Node w = down[i];
        if (!w.IsMap()) return std::unexpected(r.error(w, at, "expected {from: \"HH:MM\", to: \"HH:MM\"}"));
        if (auto ok = r.only_keys(w, {"from", "to"}, at); !ok) return std::unexpected(ok.error());
        const Reader f = r.within(at);
        CecOutage o;
        SHAILOO_TRY(o.from, f.time_of_day(w, "from"));
        SHAILOO_TRY(o.to, f.time_of_day(w, "to"));
        if (o.to <= o.from) return std::unexpected(f.error(w["to"], "to", "is not after 'from'"));
        s.cec_down.push_back(o);
    }
    return {};
}

// The technical support organisation: support: off, or support: {crews: 0.5, help_desk_lines: 10,
// help_desk: automatic | trainees}.
core::Result<void> read_support(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto n = root["support"];
    if (!n) return {};
    if (n.IsScalar() && n.Scalar() == "off") {
        s.support.off = true;
        return {};
    }
    if (!n.IsMap()) return std::unexpected(r.error(n, "support", "expected off or {crews: SHARE, help_desk_lines: N}"));
    if (auto ok = r.only_keys(n, {"crews", "help_desk_lines", "help_desk"}, "support"); !ok) return std::unexpected(ok.error());
    const Reader f = r.within("support");
    if (n["crews"]) { SHAILOO_TRY(s.support.crews_share, f.get<double>(n, "crews", 0.0, 100.0)); }
    if (n["help_desk_lines"]) {
        int lines = 0;
        SHAILOO_TRY(lines, f.get<int>(n, "help_desk_lines", 0, 100'000));
        s.support.help_desk_lines = lines;
    }
    if (n["help_desk"]) {
        std::string who;
        SHAILOO_TRY(who, f.text(n, "help_desk"));
        if (who != "automatic" && who != "trainees")
            return std::unexpected(f.error(n["help_desk"], "help_desk", fmt::format("expected automatic or trainees, got '{}'", who)));
        s.support.trainees = who == "trainees";
    }
    return {};
}

// Who decides what a PEC chair decides: pec_chairs: procedure (default) | trainees.
core::Result<void> read_pec_chairs(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto n = root["pec_chairs"];
    if (!n) return {};
    if (!n.IsScalar() || (n.Scalar() != "procedure" && n.Scalar() != "trainees"))
        return std::unexpected(r.error(n, "pec_chairs", fmt::format("expected procedure or trainees, got {}", core::describe_value(n))));
    s.chairs_feed_reserve = n.Scalar() == "trainees";
    return {};
}

// Identification desks per PEC instead of the package's: desks: {1001: 3, 1002: 2}.
core::Result<void> read_desks(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto d = root["desks"];
    if (!d) return {};
    if (!d.IsMap()) return std::unexpected(r.error(d, "desks", "expected a mapping of PEC number to desks, e.g. {1001: 3}"));
    s.desks_line = d.Mark().line + 1;
    for (const auto& kv : d) {
        const std::string pec = kv.first.Scalar();
        int number = 0, desks = 0;
        const auto [end, ec] = std::from_chars(pec.data(), pec.data() + pec.size(), number);
        if (ec != std::errc{} || end != pec.data() + pec.size() || number < 1000 || number > 9999)
            return std::unexpected(r.error(kv.first, "desks", fmt::format("'{}' is not a PEC number (1000..9999)", pec)));
        SHAILOO_TRY(desks, r.within("desks").get<int>(d, pec, 1, 20));
        s.desks[number] = desks;
    }
    return {};
}

// The results page's display script: display_error: none | rows_shifted.
core::Result<void> read_display_error(const Reader& r, const YAML::Node& root, Scenario& s) {
    if (!root["display_error"]) return {};
    std::string kind;
    SHAILOO_TRY(kind, r.text(root, "display_error"));
    if (kind == "none") s.display_error = DisplayError::none;
    else if (kind == "rows_shifted") s.display_error = DisplayError::rows_shifted;
    else return std::unexpected(r.error(root["display_error"], "display_error", fmt::format("unknown display error '{}' (one of: none, rows_shifted)", kind)));
    return {};
}

// The service time of each step of a visit, each defaulting to the built-in one.
core::Result<void> read_service_times(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto sv = root["service"];
    if (!sv) return {};
    if (auto ok = r.only_keys(sv, {"document", "fingerprint", "face", "manual", "receipt", "booth", "arbb"}, "service"); !ok)
        return std::unexpected(ok.error());
    auto& t = s.service;
    SHAILOO_TRY(t.document, read_service(r, sv, "document", t.document));
    SHAILOO_TRY(t.fingerprint, read_service(r, sv, "fingerprint", t.fingerprint));
    SHAILOO_TRY(t.face, read_service(r, sv, "face", t.face));
    SHAILOO_TRY(t.manual, read_service(r, sv, "manual", t.manual));
    SHAILOO_TRY(t.receipt, read_service(r, sv, "receipt", t.receipt));
    SHAILOO_TRY(t.booth, read_service(r, sv, "booth", t.booth));
    SHAILOO_TRY(t.arbb, read_service(r, sv, "arbb", t.arbb));
    return {};
}

// The regions simulated (all when none is named), by code or by name.
core::Result<void> read_only_regions(const Reader& r, const YAML::Node& root, Scenario& s) {
    SHAILOO_TRY(s.only_region_refs, r.regions(root, "regions"));
    for (const auto& ref : s.only_region_refs)
        if (ref.name.empty()) s.only_regions.push_back(ref.code);
    SHAILOO_TRY(s.only_districts, r.ints(root, "districts", 1, 999));
    if (root["districts"]) s.only_districts_line = root["districts"].Mark().line + 1;
    return {};
}

// The fault rules, in order.
core::Result<void> read_faults(const Reader& r, const YAML::Node& root, Scenario& s) {
    const auto f = root["faults"];
    if (!f) return {};
    if (!f.IsSequence()) return std::unexpected(r.error(f, "faults", "expected a list of fault rules"));
    int i = 0;
    for (const auto& item : f) {
        FaultRule rule;
        SHAILOO_TRY(rule, read_fault(r, item, i++));
        s.faults.push_back(std::move(rule));
    }
    return {};
}

// The criteria that must hold after the night (sim/criteria.hpp).
core::Result<void> read_scenario_criteria(const Reader& r, const YAML::Node& root, Scenario& s) {
    SHAILOO_TRY(s.criteria, read_criteria(r, root));
    return {};
}

// The YAML text of an override as a node: a scalar, or a flow list or mapping ("[Talas]").
core::Result<YAML::Node> override_value(const ScenarioOverride& o) {
    try {
        YAML::Node value = YAML::Load(o.value);
        if (!value.IsDefined() || value.IsNull()) return core::fail("the value is empty");
        return value;
    } catch (const YAML::Exception& e) {
        return core::fail(fmt::format("the value is not YAML: {}", e.msg));
    }
}

// The scenario's YAML with one field replaced. A list item on the way must be in the file; a mapping
// key may be new (the scenario's own checks then judge it, as if the file had it).
core::Result<void> apply_override(YAML::Node root, const ScenarioOverride& o) {
    const auto steps = parse_field_path(o.path);
    if (!steps) return core::fail(fmt::format("'{}' is not a path like faults[0].share or patience.median_min", o.path));
    auto value = override_value(o);
    if (!value) return std::unexpected(value.error());
    YAML::Node node = root;
    std::string at;
    for (std::size_t i = 0; i < steps->size(); ++i) {
        const PathStep& step = (*steps)[i];
        const bool last = i + 1 == steps->size();
        const YAML::Node& here = node;  // const lookups: a missing key is not created
        if (step.index) {
            if (!here.IsSequence() || *step.index >= here.size())
                return core::fail(fmt::format("the scenario has no {}[{}] ({} is {})", at, *step.index, at.empty() ? "the file" : at,
                                              here.IsSequence() ? fmt::format("a list of {}", here.size()) : core::describe_value(here)));
            at += fmt::format("[{}]", *step.index);
        } else {
            if (!here.IsMap()) return core::fail(fmt::format("{} is {}, not a mapping with '{}'", at, core::describe_value(here), step.key));
            at += (at.empty() ? "" : ".") + step.key;
            if (!last && !here[step.key]) {  // a mapping the file leaves out (`patience:`), made; a list is never made
                if ((*steps)[i + 1].index) return core::fail(fmt::format("the scenario has no list {}", at));
                node[step.key] = YAML::Node(YAML::NodeType::Map);
            }
        }
        if (last) {
            if (step.index) node[*step.index] = *value;
            else node[step.key] = *value;
            return {};
        }
        node.reset(step.index ? node[*step.index] : node[step.key]);
    }
    return {};
}

/// A scenario from the parsed YAML of `file` (or the error parsing it): the readers in order.
core::Result<Scenario> scenario_from(const core::Result<YAML::Node>& loaded, const std::filesystem::path& file) {
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    const Reader r(file.string());
    Scenario s;
    s.file = file;
    using Step = core::Result<void> (*)(const Reader&, const YAML::Node&, Scenario&);
    for (Step step : {check_top_level, read_header, read_voting_hours, read_arrivals, read_crowd, read_desk_pace,
                      read_patience, read_turned_away, read_opening, read_cec, read_support, read_pec_chairs, read_display_error, read_desks, read_service_times, read_only_regions, read_faults, read_scenario_criteria})
        if (auto ok = step(r, root, s); !ok) return std::unexpected(ok.error());
    return s;
}

}  // namespace

core::Result<Scenario> load_scenario(const std::filesystem::path& file, const std::vector<ScenarioOverride>& overrides) {
    auto loaded = core::load_yaml_file(file.string(), "scenario file");
    if (!loaded || overrides.empty()) return scenario_from(loaded, file);
    std::string given;
    for (const auto& o : overrides) given += fmt::format(" --set {}={}", o.path, o.value);
    for (const auto& o : overrides)
        if (auto ok = apply_override(*loaded, o); !ok)
            return core::fail(fmt::format("{}: --set {}={}: {}", file.string(), o.path, o.value, ok.error().message));
    auto s = scenario_from(loaded, file);
    if (!s) return core::fail(fmt::format("{} (with{})", s.error().message, given));
    return s;
}

core::Result<Scenario> parse_scenario(std::string_view text, const std::filesystem::path& file) {
    return scenario_from(core::load_yaml_text(text, file.string()), file);
}

core::Result<ScenarioOverride> parse_override(std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size())
        return core::fail(fmt::format("'{}' is not PATH=VALUE (e.g. faults[0].share=0.3)", text));
    ScenarioOverride o{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
    if (!parse_field_path(o.path)) return core::fail(fmt::format("'{}' is not a path like faults[0].share or patience.median_min", o.path));
    return o;
}

// [SECTION] Binding to the election package

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Resolves and checks one list of regions; `codes` gets the resolved codes in order.
core::Result<void> bind_regions(const Scenario& s, const core::ElectionPackage& package, const std::vector<RegionRef>& refs,
                                const std::string& field, std::vector<int>& codes) {
    codes.clear();
    for (const auto& ref : refs) {
        const core::Region* found = nullptr;
        for (const auto& region : package.regions)
            if (ref.name.empty() ? region.code == ref.code : lower(region.name) == lower(ref.name)) found = &region;
        if (!found) {
            std::string valid;
            for (const auto& region : package.regions) valid += fmt::format("{}{} ({})", valid.empty() ? "" : ", ", region.name, region.code);
            return core::fail(fmt::format("{}:{}: field '{}': {} is not a region of election package '{}' (one of: {})",
                                          s.file.string(), ref.line, field,
                                          ref.name.empty() ? std::to_string(ref.code) : "'" + ref.name + "'", package.name, valid));
        }
        codes.push_back(found->code);
    }
    return {};
}

bool within(const std::vector<int>& codes, int code) {
    return codes.empty() || std::find(codes.begin(), codes.end(), code) != codes.end();
}

/// Checks that every district of a `districts` list is one of the package's.
core::Result<void> check_districts(const Scenario& s, const core::ElectionPackage& package, const std::vector<int>& districts,
                                   int line, const std::string& field) {
    for (int number : districts)
        if (!package.find_district(number))
            return core::fail(fmt::format("{}:{}: field '{}': district {} is not in election package '{}' (it has 1..{})",
                                          s.file.string(), line, field, number, package.name, package.districts.size()));
    return {};
}

}  // namespace

bool simulated(const Scenario& s, const core::Pec& pec) {
    return within(s.only_regions, pec.region_code) && within(s.only_districts, pec.district) && within(s.only_pecs, pec.number);
}

int desks_at(const Scenario& s, const core::Pec& pec) {
    const auto it = s.desks.find(pec.number);
    return std::max(1, it != s.desks.end() ? it->second : pec.id_desks);
}

core::Result<void> bind_to_package(Scenario& s, const core::ElectionPackage& package) {
    if (auto ok = bind_regions(s, package, s.only_region_refs, "regions", s.only_regions); !ok) return ok;
    if (auto ok = check_districts(s, package, s.only_districts, s.only_districts_line, "districts"); !ok) return ok;
    for (const auto& [number, desks] : s.desks)
        if (!package.find_pec(number))
            return core::fail(fmt::format("{}:{}: field 'desks.{}': PEC {} is not in election package '{}'", s.file.string(),
                                          s.desks_line, number, number, package.name));
    for (std::size_t i = 0; i < s.faults.size(); ++i) {
        auto& rule = s.faults[i];
        const std::string at = fmt::format("faults[{}]", i);
        if (auto ok = bind_regions(s, package, rule.region_refs, at + ".regions", rule.regions); !ok) return ok;
        if (auto ok = check_districts(s, package, rule.districts, rule.districts_line, at + ".districts"); !ok) return ok;
        for (int number : rule.pecs) {
            const core::Pec* pec = package.find_pec(number);
            if (!pec)
                return core::fail(fmt::format("{}:{}: field '{}.pecs': PEC {} is not in election package '{}'",
                                              s.file.string(), rule.pecs_line, at, number, package.name));
            if (!within(s.only_regions, pec->region_code) || !within(rule.regions, pec->region_code)) {
                const bool scenario_regions = !within(s.only_regions, pec->region_code);
                return core::fail(fmt::format("{}:{}: field '{}.pecs': PEC {} is in region {}, outside {}: the fault "
                                              "would never happen", s.file.string(), rule.pecs_line, at, number,
                                              pec->region_code,
                                              scenario_regions ? "the scenario's regions" : "this rule's regions"));
            }
            if (!within(s.only_districts, pec->district) || !within(rule.districts, pec->district))
                return core::fail(fmt::format("{}:{}: field '{}.pecs': PEC {} is in district {}, outside {}: the fault "
                                              "would never happen", s.file.string(), rule.pecs_line, at, number, pec->district,
                                              within(s.only_districts, pec->district) ? "this rule's districts" : "the scenario's districts"));
        }
        if (rule.support_line && !support_ends(s, package, rule))
            return core::fail(fmt::format("{}:{}: field '{}.repair': {}", s.file.string(), rule.support_line, at,
                                          !package.support ? fmt::format("election package '{}' has no support organisation (support.yaml)", package.name)
                                          : s.support.off ? std::string("the scenario turns support off")
                                                          : fmt::format("technical support does not end {} of {} (docs/support.md)",
                                                                        devices::to_string(rule.fault), to_string(rule.target))));
    }
    return {};
}

bool support_ends(const Scenario& scenario, const core::ElectionPackage& package, const FaultRule& rule) {
    return package.support && !scenario.support.off && !rule.timed &&
           support_way(device_kind_of(rule.target), rule.fault, rule.replace_arbb).has_value();
}

}  // namespace sim
