#include "drill/drill_file.hpp"

// Index of this file:
//   [SECTION] Names
//   [SECTION] Injects
//   [SECTION] Objectives and their measures
//   [SECTION] Responses (the model answer, scripted responses)
//   [SECTION] The file

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "core/yaml_fields.hpp"
#include "drill/drill_script.hpp"
#include "sim/drill_record.hpp"
#include "sim/scenario.hpp"

namespace drill {

// [SECTION] Names

namespace {

constexpr std::array<std::pair<Measure, std::string_view>, 11> kMeasures{{
    {Measure::time_to_acknowledge, "time_to_acknowledge"},
    {Measure::time_to_resolve, "time_to_resolve"},
    {Measure::steps_out_of_order, "steps_out_of_order"},
    {Measure::voters_left, "voters_left"},
    {Measure::queue_minutes, "queue_minutes"},
    {Measure::ballots_at_risk, "ballots_at_risk"},
    {Measure::report_delay, "report_delay"},
    {Measure::published_minutes, "published_minutes"},
    {Measure::forged_ballots, "forged_ballots"},
    {Measure::reports_cut, "reports_cut"},
    {Measure::page_down_minutes, "page_down_minutes"},
}};

using Reader = core::YamlReader;
using Outcome = core::Result<void>;

}  // namespace

std::string_view to_string(Measure m) {
    for (const auto& [k, name] : kMeasures)
        if (k == m) return name;
    return "?";
}

std::optional<Measure> measure_from(std::string_view name) {
    for (const auto& [k, n] : kMeasures)
        if (n == name) return k;
    return std::nullopt;
}

bool is_duration(Measure m) {
    return m == Measure::time_to_acknowledge || m == Measure::time_to_resolve || m == Measure::report_delay;
}

const DrillInject* DrillFile::inject(std::string_view name) const {
    for (const auto& i : injects)
        if (i.name == name) return &i;
    return nullptr;
}

// [SECTION] Injects

namespace {

// A duration field ("5m", "90s", "1h30m") at `node`.
core::Result<sim::Time> duration_at(const Reader& r, const YAML::Node& node, const std::string& field) {
    if (!node.IsScalar()) return r.bad(node, field, "expected a duration like 5m, 90s or 1h30m");
    auto d = sim::parse_duration(node.Scalar());
    if (!d) return r.bad(node, field, d.error().message);
    return *d;
}

// when: {queue_above: N} or {voters_above: N}; the PEC is the inject's.
Outcome read_condition(const Reader& r, const YAML::Node& n, DrillInject& inject) {
    if (!n.IsMap() || n.size() != 1) return r.bad(n, "when", "expected one condition: {queue_above: N} or {voters_above: N}");
    if (auto ok = r.only_keys(n, {"queue_above", "voters_above"}, "when"); !ok) return ok;
    InjectCondition c;
    const std::string key = n.begin()->first.Scalar();
    c.what = key == "queue_above" ? InjectCondition::What::queue_above : InjectCondition::What::voters_above;
    auto v = r.number_at<std::int64_t>(n.begin()->second, "when." + key, 0, 1'000'000);
    if (!v) return std::unexpected(v.error());
    c.value = *v;
    inject.when = c;
    return {};
}

// An incident inject's fields: `incident`, and `pec`, `box`, `copies`, `usb`, `desk`, `away`, `ballots`, `target`, `rate`,
// `addresses`, `lasts` where the incident takes them.
core::Result<void> read_incident(const Reader& r, const YAML::Node& n, DrillInject& inject) {
    for (const char* field : {"device", "unit", "fault", "severity", "duration", "replace", "support"})
        if (n[field]) return r.bad(n[field], field, "belongs to a fault inject, not an incident");
    auto incident = sim::read_incident_fields(r, n);
    if (!incident) return std::unexpected(incident.error());
    inject.incident = *incident;
    inject.action.pec = incident->pec;
    return {};
}

core::Result<DrillInject> read_inject(const Reader& file_reader, const YAML::Node& n, const std::string& where, sim::Time start, sim::Time end) {
    const Reader r = file_reader.within(where);
    if (!n.IsMap()) return file_reader.bad(n, where, "expected a mapping {name, at or when, pec, device, fault, ...}");
    if (auto ok = r.only_keys(n, {"name", "at", "when", "pec", "device", "unit", "fault", "severity", "duration", "replace", "support",
                                  "incident", "box", "copies", "usb", "desk", "away", "ballots", "target", "rate", "addresses", "lasts"});
        !ok)
        return std::unexpected(ok.error());
    DrillInject inject;
    inject.line = n.Mark().line + 1;
    auto name = r.text(n, "name");
    if (!name) return std::unexpected(name.error());
    if (name->empty()) return r.bad(n["name"], "name", "is empty");
    inject.name = *name;
    if (n["at"].IsDefined() == n["when"].IsDefined()) return r.bad(n, "at", "give a time ('at') or a condition ('when'), one of them");
    if (n["at"]) {
        auto t = r.time_at(n["at"], "at");
        if (!t) return std::unexpected(t.error());
        if (*t <= start || *t >= end) return r.bad(n["at"], "at", "is outside the drill (after its start, before its end)");
        inject.at = *t;
    } else if (auto ok = read_condition(r, n["when"], inject); !ok) {
        return std::unexpected(ok.error());
    }
    if (n["incident"]) {
        if (auto ok = read_incident(r, n, inject); !ok) return std::unexpected(ok.error());
        return inject;
    }
    for (const char* field : {"box", "copies", "usb", "desk", "away", "ballots", "target", "rate", "addresses", "lasts"})
        if (n[field]) return r.bad(n[field], field, "belongs to an incident (a fault inject names its device and fault)");
    auto pec = r.get<int>(n, "pec", 1000, 9999);
    if (!pec) return std::unexpected(pec.error());
    inject.action.pec = *pec;
    inject.action.enter = true;
    // The fields read_fault_fields reads, without `at` (the inject's own) - checked by only_keys above.
    if (auto ok = read_fault_fields(file_reader, n, where, inject.action); !ok) return std::unexpected(ok.error());
    if (!n["duration"] && !inject.action.call_support) inject.action.duration = 0;  // until someone ends it
    return inject;
}

// [SECTION] Objectives and their measures

core::Result<MeasureRule> read_measure(const Reader& r, const YAML::Node& n, const std::string& where) {
    const Reader in = r.within(where);
    if (!n.IsMap()) return r.bad(n, where, "expected a mapping {measure, expected, acceptable, points}");
    if (auto ok = in.only_keys(n, {"measure", "expected", "acceptable", "points"}); !ok) return std::unexpected(ok.error());
    MeasureRule rule;
    rule.line = n.Mark().line + 1;
    auto name = in.text(n, "measure");
    if (!name) return std::unexpected(name.error());
    const auto m = measure_from(*name);
    if (!m) return in.bad(n["measure"], "measure", fmt::format("'{}' is not a measure (docs/drills.md, \"Measures\")", *name));
    rule.measure = *m;
    for (auto [field, out] : {std::pair{"expected", &rule.expected}, {"acceptable", &rule.acceptable}}) {
        if (!n[field]) return in.bad(n, field, "is missing");
        if (is_duration(*m)) {
            auto d = duration_at(in, n[field], field);
            if (!d) return std::unexpected(d.error());
            *out = static_cast<double>(*d / core::kSecond);
        } else {
            auto v = in.number_at<double>(n[field], field, 0.0, 1e9);
            if (!v) return std::unexpected(v.error());
            *out = *v;
        }
    }
    if (rule.acceptable < rule.expected) return in.bad(n["acceptable"], "acceptable", "is less than 'expected'");
    auto points = in.get<double>(n, "points", 0.0, 1000.0);
    if (!points) return std::unexpected(points.error());
    rule.points = *points;
    return rule;
}

Outcome read_steps(const Reader& r, const YAML::Node& n, DrillObjective& o) {
    if (!n.IsDefined()) return {};
    if (!n.IsSequence()) return r.bad(n, "steps", "expected a list of actions, e.g. [take_call, dispatch_crew, close_ticket]");
    for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string field = fmt::format("steps[{}]", i);
        if (!n[i].IsScalar()) return r.bad(n[i], field, "expected an action's name");
        const auto what = sim::trainee_do_from(n[i].Scalar());
        if (!what) return r.bad(n[i], field, fmt::format("'{}' is not a trainee's action (docs/trainees.md)", n[i].Scalar()));
        if (sim::role_of(*what) != o.role)
            return r.bad(n[i], field, fmt::format("{} is not the {}'s to do", n[i].Scalar(), sim::to_string(o.role)));
        o.steps.push_back(*what);
    }
    return {};
}

core::Result<DrillObjective> read_objective(const Reader& file_reader, const YAML::Node& n, const std::string& where, const DrillFile& drill) {
    const Reader r = file_reader.within(where);
    if (!n.IsMap()) return file_reader.bad(n, where, "expected a mapping {name, role, inject, steps, measures}");
    if (auto ok = r.only_keys(n, {"name", "role", "inject", "steps", "measures"}); !ok) return std::unexpected(ok.error());
    DrillObjective o;
    o.line = n.Mark().line + 1;
    auto name = r.text(n, "name");
    if (!name) return std::unexpected(name.error());
    o.name = *name;
    auto role = r.text(n, "role");
    if (!role) return std::unexpected(role.error());
    const auto parsed = sim::trainee_role_from(*role);
    if (!parsed) return r.bad(n["role"], "role", fmt::format("'{}' is not a role (help_desk, pec_chair, duty_officer)", *role));
    if (std::find(drill.roles.begin(), drill.roles.end(), *parsed) == drill.roles.end())
        return r.bad(n["role"], "role", fmt::format("{} is not one of the drill's roles", *role));
    o.role = *parsed;
    auto inject = r.text(n, "inject");
    if (!inject) return std::unexpected(inject.error());
    if (!drill.inject(*inject)) return r.bad(n["inject"], "inject", fmt::format("no inject is named '{}'", *inject));
    o.inject = *inject;
    if (auto ok = read_steps(r, n["steps"], o); !ok) return std::unexpected(ok.error());
    const YAML::Node measures = n["measures"];
    if (!measures.IsDefined() || !measures.IsSequence() || measures.size() == 0)
        return r.bad(measures.IsDefined() ? measures : n, "measures", "expected a list of measures (at least one)");
    for (std::size_t i = 0; i < measures.size(); ++i) {
        auto m = read_measure(r, measures[i], fmt::format("measures[{}]", i));
        if (!m) return std::unexpected(m.error());
        const bool needs_steps = m->measure == Measure::time_to_resolve || m->measure == Measure::steps_out_of_order;
        if (needs_steps && o.steps.empty()) return r.bad(measures[i], fmt::format("measures[{}].measure", i), "needs the objective's 'steps'");
        o.measures.push_back(*m);
    }
    return o;
}

}  // namespace

// [SECTION] Responses (the model answer, scripted responses)

namespace {

core::Result<ResponseAction> read_response(const Reader& file_reader, const YAML::Node& n, const std::string& where, const DrillFile& drill) {
    const Reader r = file_reader.within(where);
    if (!n.IsMap()) return file_reader.bad(n, where, "expected a mapping {after: INJECT, delay: 3m, trainee, do, ...}");
    if (auto ok = r.only_keys(n, {"after", "delay", "trainee", "role", "do", "ticket", "base", "pec", "unit", "box", "alert"}); !ok)
        return std::unexpected(ok.error());
    ResponseAction a;
    a.line = n.Mark().line + 1;
    auto after = r.text(n, "after");
    if (!after) return std::unexpected(after.error());
    const DrillInject* inject = drill.inject(*after);
    if (!inject) return r.bad(n["after"], "after", fmt::format("no inject is named '{}'", *after));
    a.after = *after;
    if (!n["delay"]) return r.bad(n, "delay", "is missing");
    auto delay = duration_at(r, n["delay"], "delay");
    if (!delay) return std::unexpected(delay.error());
    a.delay = *delay;
    // The PEC, ticket and alert may be left to the inject: fill them in for the one field reader (in
    // the loaded tree itself, so the fields given keep their lines for its messages).
    YAML::Node filled = n;
    a.pec_given = n["pec"].IsDefined(), a.ticket_given = n["ticket"].IsDefined(), a.alert_given = n["alert"].IsDefined();
    auto what = r.text(n, "do");
    if (!what) return std::unexpected(what.error());
    if (const auto kind = sim::trainee_do_from(*what)) {
        const sim::TraineeDo k = *kind;
        const bool by_ticket = sim::role_of(k) == sim::TraineeRole::help_desk;
        if (!a.pec_given && !by_ticket && k != sim::TraineeDo::acknowledge && k != sim::TraineeDo::correct_page &&
            k != sim::TraineeDo::restrict_ingest && inject->action.pec != 0)
            filled["pec"] = inject->action.pec;
        if (!a.ticket_given && by_ticket) filled["ticket"] = 1;  // resolved when the action is taken
        // A USB device's report or allowance: the machine of the inject's device unless named.
        if ((k == sim::TraineeDo::report_device || k == sim::TraineeDo::allow_device) && !n["box"].IsDefined() && inject->incident)
            filled["box"] = std::string(sim::host_name(inject->incident->box));
        // An answer about a desk: the inject's desk unless named.
        if ((k == sim::TraineeDo::refuse_pin || k == sim::TraineeDo::give_pin || k == sim::TraineeDo::lock_desk) && !n["unit"].IsDefined() &&
            inject->incident)
            filled["unit"] = inject->incident->desk + 1;
        if (!a.alert_given && k == sim::TraineeDo::acknowledge) filled["alert"] = 1;
    }
    auto action = sim::read_trainee_fields(r, filled);
    if (!action) return std::unexpected(action.error());
    a.action = *action;
    return a;
}

// [SECTION] The file

Outcome read_header(const Reader& r, const YAML::Node& root, const std::filesystem::path& file, DrillFile& d) {
    if (auto v = r.get<int>(root, "version", 1, 1); !v) return std::unexpected(v.error());
    auto name = r.text(root, "drill");
    if (!name) return std::unexpected(name.error());
    d.name = *name;
    if (root["description"]) {
        auto text = r.text(root, "description");
        if (!text) return std::unexpected(text.error());
        d.description = *text;
    }
    auto scenario = r.text(root, "scenario");
    if (!scenario) return std::unexpected(scenario.error());
    const std::filesystem::path sp(*scenario);
    d.scenario = sp.is_absolute() ? sp : (file.parent_path() / sp).lexically_normal();
    if (root["seed"]) {
        auto s = r.get<std::uint64_t>(root, "seed", 0, UINT64_MAX);
        if (!s) return std::unexpected(s.error());
        d.seed = *s;
    }
    d.start = core::at(6, 30);
    d.end = core::at(22, 0);
    for (auto [field, out] : {std::pair{"start", &d.start}, {"end", &d.end}}) {
        if (!root[field]) continue;
        auto t = r.time_of_day(root, field);
        if (!t) return std::unexpected(t.error());
        *out = *t;
    }
    if (d.end <= d.start) return r.bad(root["end"], "end", "is not after 'start'");
    return {};
}

Outcome read_roles(const Reader& r, const YAML::Node& n, DrillFile& d) {
    if (!n.IsDefined() || !n.IsSequence() || n.size() == 0) return r.bad(n, "roles", "expected a list of roles, e.g. [help_desk, pec_chair]");
    for (std::size_t i = 0; i < n.size(); ++i) {
        const auto role = n[i].IsScalar() ? sim::trainee_role_from(n[i].Scalar()) : std::nullopt;
        if (!role) return r.bad(n[i], fmt::format("roles[{}]", i), "expected help_desk, pec_chair or duty_officer");
        if (std::find(d.roles.begin(), d.roles.end(), *role) != d.roles.end()) return r.bad(n[i], fmt::format("roles[{}]", i), "is listed twice");
        d.roles.push_back(*role);
    }
    return {};
}

Outcome read_injects(const Reader& r, const YAML::Node& n, DrillFile& d) {
    if (!n.IsDefined() || !n.IsSequence() || n.size() == 0) return r.bad(n, "injects", "expected a list of injects (at least one)");
    std::set<std::string> names;
    for (std::size_t i = 0; i < n.size(); ++i) {
        auto inject = read_inject(r, n[i], fmt::format("injects[{}]", i), d.start, d.end);
        if (!inject) return std::unexpected(inject.error());
        if (!names.insert(inject->name).second) return r.bad(n[i]["name"], fmt::format("injects[{}].name", i), "is used by another inject");
        d.injects.push_back(std::move(*inject));
    }
    return {};
}

core::Result<DrillFile> drill_from(const core::Result<YAML::Node>& loaded, const std::filesystem::path& file) {
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    const Reader r(file.string());
    if (!root.IsMap()) return core::fail(fmt::format("{}: a drill file is a YAML mapping (docs/drills.md)", file.string()));
    if (root["package"] && !root["drill"])
        return core::fail(fmt::format("{}: this is a scenario (docs/scenarios.md), not a drill file: a drill file names its scenario "
                                      "(docs/drills.md; drills/*.yaml)", file.string()));
    if (auto ok = r.only_keys(root, {"version", "drill", "description", "scenario", "seed", "start", "end", "roles", "injects", "objectives",
                                     "model_answer"});
        !ok)
        return std::unexpected(ok.error());
    DrillFile d;
    d.file = file;
    for (auto ok : {read_header(r, root, file, d), read_roles(r, root["roles"], d), read_injects(r, root["injects"], d)})
        if (!ok) return std::unexpected(ok.error());
    const YAML::Node objectives = root["objectives"];
    if (!objectives.IsDefined() || !objectives.IsSequence() || objectives.size() == 0)
        return r.bad(objectives.IsDefined() ? objectives : root, "objectives", "expected a list of objectives (at least one)");
    for (std::size_t i = 0; i < objectives.size(); ++i) {
        auto o = read_objective(r, objectives[i], fmt::format("objectives[{}]", i), d);
        if (!o) return std::unexpected(o.error());
        d.objectives.push_back(std::move(*o));
    }
    if (!root["model_answer"]) return r.bad(root, "model_answer", "is missing (the review's reference response)");
    auto model = read_response_list(r, root["model_answer"], "model_answer", d);
    if (!model) return std::unexpected(model.error());
    d.model_answer = std::move(*model);
    return d;
}

core::Result<std::vector<ResponseAction>> responses_from(const core::Result<YAML::Node>& loaded, const std::filesystem::path& file,
                                                         const DrillFile& drill) {
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    const Reader r(file.string());
    if (!root.IsMap() || !root["responses"]) return core::fail(fmt::format("{}: a response file is a mapping with 'responses' (docs/drills.md)", file.string()));
    if (auto ok = r.only_keys(root, {"responses"}); !ok) return std::unexpected(ok.error());
    return read_response_list(r, root["responses"], "responses", drill);
}

}  // namespace

core::Result<std::vector<ResponseAction>> read_response_list(const Reader& r, const YAML::Node& list, const std::string& field, const DrillFile& drill) {
    std::vector<ResponseAction> out;
    if (!list.IsDefined() || list.IsNull()) return out;
    if (!list.IsSequence()) return r.bad(list, field, "expected a list of actions {after, delay, trainee, do, ...}");
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto a = read_response(r, list[i], fmt::format("{}[{}]", field, i), drill);
        if (!a) return std::unexpected(a.error());
        out.push_back(std::move(*a));
    }
    return out;
}

core::Result<DrillFile> load_drill_file(const std::filesystem::path& file) { return drill_from(core::load_yaml_file(file.string(), "drill file"), file); }

core::Result<DrillFile> parse_drill_file(std::string_view text, const std::filesystem::path& file) {
    return drill_from(core::load_yaml_text(text, file.string()), file);
}

core::Result<std::vector<ResponseAction>> load_responses(const std::filesystem::path& file, const DrillFile& drill) {
    return responses_from(core::load_yaml_file(file.string(), "response file"), file, drill);
}

core::Result<std::vector<ResponseAction>> parse_responses(std::string_view text, const std::filesystem::path& file, const DrillFile& drill) {
    return responses_from(core::load_yaml_text(text, file.string()), file, drill);
}

}  // namespace drill
