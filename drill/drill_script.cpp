#include "drill/drill_script.hpp"

// Index of this file:
//   [SECTION] Reading the YAML fields
//   [SECTION] Fault steps
//   [SECTION] Screenshot and map steps
//   [SECTION] Reading a step
//   [SECTION] Checks against the session
//   [SECTION] Loading and running a script

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "core/yaml_fields.hpp"
#include "sim/drill_record.hpp"

namespace drill {
namespace {

// [SECTION] Reading the YAML fields

using K = ScriptStep::Kind;
using Outcome = core::Result<void>;

// The one YAML field reader; each step names its fields with their full paths ("steps[3].at").
using Reader = core::YamlReader;

// [SECTION] Fault steps

// Which PECs: pec | region [+ share] | share.
Outcome read_scope(const Reader& r, const YAML::Node& n, const std::string& where, ScriptStep& s) {
    const bool enter = s.kind == K::inject;
    if (n["pec"]) {
        auto p = r.number_at<int>(n["pec"], where + ".pec", 1000, 9999);
        if (!p) return std::unexpected(p.error());
        s.selection.scope = PecSelection::Scope::pec;
        s.selection.pec = s.action.pec = *p;
        if (n["region"] || n["share"]) return r.bad(n["pec"], where + ".pec", "give a PEC, or a region and/or a share, not both");
    } else if (n["share"]) {
        if (!enter) return r.bad(n["share"], where + ".share", "clear addresses one PEC");
        auto v = r.number_at<double>(n["share"], where + ".share", 0.0, 1.0);
        if (!v) return std::unexpected(v.error());
        s.selection.scope = PecSelection::Scope::share;
        s.selection.share = *v;
    } else if (n["region"]) {
        if (!enter) return r.bad(n["region"], where + ".region", "clear addresses one PEC");
        s.selection.scope = PecSelection::Scope::region;
    } else {
        return r.bad(n, where, "needs 'pec', 'region' or 'share'");
    }
    if (n["region"]) {
        auto v = r.number_at<int>(n["region"], where + ".region", 1, 9);
        if (!v) return std::unexpected(v.error());
        s.selection.region = *v;
    }
    return {};
}

// device, unit, fault.
Outcome read_device_fault(const Reader& r, const YAML::Node& n, const std::string& where, sim::FaultAction& a) {
    const YAML::Node device = n["device"];
    // (asking a missing node its type throws: IsDefined first)
    if (!device.IsDefined() || !device.IsScalar()) return r.bad(device.IsDefined() ? device : n, where + ".device", "expected a device name");
    const auto target = sim::fault_target_from(device.Scalar());
    if (!target || *target == sim::FaultTarget::arbb_any)
        return r.bad(device, where + ".device", fmt::format("unknown device '{}'", device.Scalar()));
    a.target = *target;
    if (n["unit"]) {
        auto u = r.number_at<int>(n["unit"], where + ".unit", 1, 64);
        if (!u) return std::unexpected(u.error());
        a.unit = *u - 1;
    }
    const YAML::Node fault = n["fault"];
    if (!fault.IsDefined() || !fault.IsScalar()) return r.bad(fault.IsDefined() ? fault : n, where + ".fault", "expected a fault name");
    const auto f = sim::fault_from(fault.Scalar(), sim::device_kind_of(a.target));
    if (!f) return r.bad(fault, where + ".fault", fmt::format("'{}' is not a fault of {}", fault.Scalar(), device.Scalar()));
    a.fault = *f;
    return {};
}

// severity, duration (default kDefaultFaultDuration), at, replace.
Outcome read_fault_options(const Reader& r, const YAML::Node& n, const std::string& where, sim::FaultAction& a) {
    if (n["severity"]) {
        auto v = r.number_at<double>(n["severity"], where + ".severity", 0.0, 1000.0);
        if (!v) return std::unexpected(v.error());
        a.severity = *v;
    }
    a.duration = a.enter ? kDefaultFaultDuration : 0;
    if (n["duration"]) {
        const YAML::Node d = n["duration"];
        if (!a.enter) return r.bad(d, where + ".duration", "clear takes no duration");
        if (!d.IsScalar()) return r.bad(d, where + ".duration", "expected a duration like 30m (0s: until cleared)");
        auto v = sim::parse_duration(d.Scalar());
        if (!v) return r.bad(d, where + ".duration", v.error().message);
        a.duration = *v;
    }
    if (n["at"]) {
        auto t = r.time_at(n["at"], where + ".at");
        if (!t) return std::unexpected(t.error());
        a.at = *t;
    }
    if (n["replace"]) {
        try {
            a.replace_arbb = n["replace"].as<bool>();
        } catch (const YAML::Exception&) {
            return r.bad(n["replace"], where + ".replace", "expected true or false");
        }
        if (a.replace_arbb && (!a.enter || sim::device_kind_of(a.target) != devices::DeviceKind::ballot_scanner))
            return r.bad(n["replace"], where + ".replace", "only an injected ARBB fault can end in a replacement");
    }
    if (n["support"]) {
        try {
            a.call_support = n["support"].as<bool>();
        } catch (const YAML::Exception&) {
            return r.bad(n["support"], where + ".support", "expected true or false");
        }
        if (a.call_support && !a.enter) return r.bad(n["support"], where + ".support", "only an inject calls the help desk");
        if (a.call_support) a.duration = 0;  // it lasts until a trainee ends it
        if (a.call_support && (n["duration"] || a.replace_arbb))
            return r.bad(n["support"], where + ".support", "a fault that calls the help desk has no duration and no replace");
    }
    return {};
}

}  // namespace

core::Result<void> read_fault_fields(const core::YamlReader& r, const YAML::Node& n, const std::string& where, sim::FaultAction& action) {
    if (auto ok = read_device_fault(r, n, where, action); !ok) return ok;
    return read_fault_options(r, n, where, action);
}

namespace {

// {pec | region [+ share] | share, device, unit, fault, severity, duration, at, replace, support}
Outcome read_fault(const Reader& r, const YAML::Node& n, const std::string& where, ScriptStep& s) {
    if (!n.IsMap()) return r.bad(n, where, "expected a mapping {pec: N, device: D, fault: F, ...}");
    if (auto ok = r.only_keys(n, {"pec", "region", "share", "device", "unit", "fault", "severity", "duration", "at", "replace", "support"},
                                 where);
        !ok)
        return std::unexpected(ok.error());
    s.action.enter = s.kind == K::inject;
    if (auto ok = read_scope(r, n, where, s); !ok) return ok;
    return read_fault_fields(r, n, where, s.action);
}

// [SECTION] Screenshot and map steps

// screenshot: FILE.png
Outcome read_screenshot(const Reader& r, const YAML::Node& v, const std::string& field, ScriptStep& s) {
    if (!v.IsScalar() || v.Scalar().empty()) return r.bad(v, field, "expected a file name ending in .png");
    std::string ext = std::filesystem::path(v.Scalar()).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".png") return r.bad(v, field, fmt::format("'{}' does not end in .png (screenshots are PNG files)", v.Scalar()));
    s.file = v.Scalar();
    return {};
}

// map: {region: N | all, zoom: X, centre: [lon, lat]}; {} shows the whole map again.
Outcome read_map(const Reader& r, const YAML::Node& v, const std::string& field, ScriptStep& s) {
    if (!v.IsMap()) return r.bad(v, field, "expected a mapping {region: N or all, zoom: 1..256, centre: [lon, lat]}");
    if (auto ok = r.only_keys(v, {"region", "zoom", "centre"}, field); !ok) return std::unexpected(ok.error());
    if (v["region"] && !(v["region"].IsScalar() && v["region"].Scalar() == "all")) {
        auto n = r.number_at<int>(v["region"], field + ".region", 1, 9);
        if (!n) return std::unexpected(n.error());
        s.map.region = *n;
    }
    if (v["zoom"]) {
        auto z = r.number_at<double>(v["zoom"], field + ".zoom", kMinZoom, kMaxZoom);
        if (!z) return std::unexpected(z.error());
        s.map.zoom = *z;
    }
    if (const YAML::Node c = v["centre"]; c) {
        if (!c.IsSequence() || c.size() != 2) return r.bad(c, field + ".centre", "expected [longitude, latitude]");
        auto lon = r.number_at<double>(c[0], field + ".centre[0]", -180.0, 180.0);
        if (!lon) return std::unexpected(lon.error());
        auto lat = r.number_at<double>(c[1], field + ".centre[1]", -90.0, 90.0);
        if (!lat) return std::unexpected(lat.error());
        s.map.centre = LonLat{*lon, *lat};
    }
    return {};
}

// A trainee's action: act: {trainee: aigul, do: take_call, ticket: 1, expect: accepted}.
Outcome read_act(const Reader& r, const YAML::Node& n, const std::string& where, ScriptStep& s) {
    if (!n.IsMap()) return r.bad(n, where, "expected a mapping: {trainee: NAME, do: ACTION, ...} (docs/trainees.md)");
    const Reader in = r.within(where);
    if (auto ok = in.only_keys(n, {"trainee", "role", "do", "ticket", "base", "pec", "unit", "box", "alert", "expect"}); !ok)
        return std::unexpected(ok.error());
    auto a = sim::read_trainee_fields(in, n);
    if (!a) return std::unexpected(a.error());
    s.trainee = std::move(*a);
    if (n["expect"]) {
        auto e = in.text(n, "expect");
        if (!e) return std::unexpected(e.error());
        if (*e != "accepted" && *e != "refused") return in.bad(n["expect"], "expect", fmt::format("expected accepted or refused, got '{}'", *e));
        s.expect = *e == "accepted" ? ScriptStep::Expect::accepted : ScriptStep::Expect::refused;
    }
    return {};
}

// [SECTION] Reading a step

// One step that is a mapping with one key.
Outcome read_keyed_step(const Reader& r, const std::string& key, const YAML::Node& v, const std::string& field, ScriptStep& s) {
    if (key == "advance_to") {
        s.kind = K::advance_to;
        auto t = r.time_at(v, field);
        if (!t) return std::unexpected(t.error());
        s.time = *t;
    } else if (key == "select") {
        s.kind = K::select;
        auto p = r.number_at<int>(v, field, 1000, 9999);
        if (!p) return std::unexpected(p.error());
        s.pec = *p;
    } else if (key == "speed") {
        s.kind = K::speed;
        auto x = r.number_at<double>(v, field, kernel::PacedClock::kMinSpeed, kernel::PacedClock::kMaxSpeed);
        if (!x) return std::unexpected(x.error());
        s.speed = *x;
    } else if (key == "wait_frames") {
        s.kind = K::wait_frames;
        auto f = r.number_at<int>(v, field, 1, 1000000);
        if (!f) return std::unexpected(f.error());
        s.frames = *f;
    } else if (key == "step") {
        const std::string what = v.IsScalar() ? v.Scalar() : "";
        if (what == "event") s.kind = K::step_event;
        else if (what == "minute") s.kind = K::step_minute;
        else return r.bad(v, field, "expected 'event' or 'minute'");
    } else if (key == "inject" || key == "clear") {
        s.kind = key == "inject" ? K::inject : K::clear;
        return read_fault(r, v, field, s);
    } else if (key == "act") {
        s.kind = K::act;
        return read_act(r, v, field, s);
    } else if (key == "incident") {
        s.kind = K::incident;
        const Reader in = r.within(field);
        if (!v.IsMap()) return r.bad(v, field, "expected a mapping {kind, pec, box, copies, usb}");
        if (auto ok = in.only_keys(v, {"kind", "pec", "box", "copies", "usb"}); !ok) return std::unexpected(ok.error());
        auto incident = sim::read_incident_fields(in, v, "kind");
        if (!incident) return std::unexpected(incident.error());
        s.incident = *incident;
    } else if (key == "screenshot") {
        s.kind = K::screenshot;
        return read_screenshot(r, v, field, s);
    } else {  // "map" (read_step checked the key)
        s.kind = K::map;
        return read_map(r, v, field, s);
    }
    return {};
}

constexpr std::array<std::string_view, 11> kStepKeys{"advance_to", "select", "speed",      "wait_frames", "step",    "inject",
                                                     "clear",      "screenshot", "map",    "act",         "incident"};

core::Result<ScriptStep> read_step(const Reader& r, const YAML::Node& n, const std::string& where) {
    ScriptStep s;
    s.line = n.Mark().line + 1;
    if (n.IsScalar()) {
        const std::string word = n.Scalar();
        if (word == "pause") s.kind = K::pause;
        else if (word == "play") s.kind = K::play;
        else return r.bad(n, where, fmt::format("'{}' is not a step (pause, play, or a mapping)", word));
        return s;
    }
    if (!n.IsMap() || n.size() != 1 || !n.begin()->first.IsScalar())
        return r.bad(n, where, "a step is 'pause', 'play' or a mapping with one key");
    const std::string key = n.begin()->first.as<std::string>();
    const std::string field = where + "." + key;
    if (std::find(kStepKeys.begin(), kStepKeys.end(), key) == kStepKeys.end())
        return r.bad(n.begin()->first, field,
                     "unknown step (advance_to, select, speed, wait_frames, step, inject, clear, act, incident, screenshot, map, pause, play)");
    if (auto ok = read_keyed_step(r, key, n.begin()->second, field, s); !ok) return std::unexpected(ok.error());
    return s;
}

// [SECTION] Checks against the session

// A clear that takes effect now must clear something: a typo in the device or fault would otherwise
// do nothing, silently. (A later clear may follow a later inject.)
core::Result<void> check_clear_has_effect(const ScriptStep& s, const DrillSession& session) {
    const auto i = session.world().index_of(s.selection.pec);
    if (!i) return core::fail(fmt::format("PEC {} is not in this drill", s.selection.pec));
    const auto kind = sim::device_kind_of(s.action.target);
    bool active = false;
    for (const auto& d : session.world().detail(*i).devices)
        active = active || (d.kind == kind && ((d.faults >> static_cast<unsigned>(s.action.fault)) & 1u));
    // An inject of this drill not yet applied (the world applies it as its next event) counts too.
    for (const auto& r : session.record().actions) {
        if (r.trainee) continue;
        const auto pecs = sim::pecs_of(r);
        active = active || (r.action.enter && std::find(pecs.begin(), pecs.end(), s.selection.pec) != pecs.end() &&
                            r.action.fault == s.action.fault && sim::device_kind_of(r.action.target) == kind &&
                            r.action.at >= session.world().now());
    }
    if (active) return {};
    return core::fail(fmt::format("clear: no {} of PEC {} is in the fault '{}' now", sim::to_string(s.action.target), s.selection.pec,
                                  devices::to_string(s.action.fault)));
}

core::Result<void> run_fault_step(const ScriptStep& s, DrillSession& session) {
    if (s.action.at != 0 && s.action.at < session.world().now())
        return core::fail(fmt::format("time {} is already past", core::clock_time(s.action.at, core::ClockText::minutes)));
    if (s.kind == K::clear && (s.action.at == 0 || s.action.at == session.world().now()))
        if (auto ok = check_clear_has_effect(s, session); !ok) return ok;
    auto n = session.inject(s.selection, s.action);
    if (!n) return std::unexpected(n.error());
    return {};
}

core::Result<void> run_act_step(const ScriptStep& s, DrillSession& session) {
    const auto done = session.act(s.trainee);
    if (s.expect == ScriptStep::Expect::accepted && !done)
        return core::fail(fmt::format("act: {} was refused: {}", sim::describe(s.trainee), done.error().message));
    if (s.expect == ScriptStep::Expect::refused && done)
        return core::fail(fmt::format("act: {} was accepted ({}), the script expects a refusal", sim::describe(s.trainee), *done));
    return {};
}

core::Result<void> check_map_region(const ScriptStep& s, const DrillSession& session) {
    if (s.map.region == 0 || session.has_region(s.map.region)) return {};
    return core::fail(fmt::format("map: no PEC of region {} is in this drill", s.map.region));
}

}  // namespace

// [SECTION] Loading and running a script

namespace {

/// A script from the parsed YAML of `file` (or the error parsing it).
core::Result<DrillScript> script_from(const core::Result<YAML::Node>& loaded, const std::filesystem::path& file) {
    const std::string name = file.string();
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    const Reader r(name);
    if (!root.IsMap() || !root["steps"] || !root["version"]) return core::fail(fmt::format("{}: a script is a mapping with 'version: 1' and 'steps'", name));
    if (auto ok = r.only_keys(root, {"version", "steps"}); !ok) return std::unexpected(ok.error());
    if (auto v = r.number_at<int>(root["version"], "version", 1, 1); !v) return std::unexpected(v.error());
    const YAML::Node steps = root["steps"];
    if (!steps.IsSequence()) return r.bad(steps, "steps", "expected a list of steps");
    DrillScript script{file, {}};
    int i = 0;
    for (const auto& n : steps) {
        auto s = read_step(r, n, fmt::format("steps[{}]", i++));
        if (!s) return std::unexpected(s.error());
        script.steps.push_back(std::move(*s));
    }
    return script;
}

}  // namespace

core::Result<DrillScript> load_drill_script(const std::filesystem::path& file) {
    return script_from(core::load_yaml_file(file.string(), "script"), file);
}

core::Result<DrillScript> parse_drill_script(std::string_view text, const std::filesystem::path& file) {
    return script_from(core::load_yaml_text(text, file.string()), file);
}

core::Result<StepOutcome> run_script_step(const DrillScript& script, const ScriptStep& s, DrillSession& session, WallTime wall_now) {
    auto failed = [&](const std::string& what) { return core::fail(fmt::format("{}:{}: {}", script.file.string(), s.line, what)); };
    core::Result<void> ok;
    StepOutcome out;
    switch (s.kind) {
        case K::advance_to: ok = session.run_to(s.time, wall_now); break;
        case K::select: ok = session.select(s.pec); break;
        case K::speed: ok = session.set_speed(s.speed, wall_now); break;
        case K::pause: session.pause(wall_now); break;
        case K::play: session.resume(wall_now); break;
        case K::step_event: session.step_event(wall_now); break;
        case K::step_minute: session.step_minute(wall_now); break;
        case K::wait_frames: out.wait_frames = s.frames; break;
        case K::inject:
        case K::clear: ok = run_fault_step(s, session); break;
        case K::act: ok = run_act_step(s, session); break;
        case K::incident: ok = session.act(s.incident); break;
        case K::screenshot:
            out.screenshot = s.file;
            out.wait_frames = kScreenshotFrames;
            break;
        case K::map:
            ok = check_map_region(s, session);
            out.map = s.map;
            break;
    }
    if (!ok) return failed(ok.error().message);
    return out;
}

}  // namespace drill
