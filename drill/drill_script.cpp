#include "drill/drill_script.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/yaml_fields.hpp"

namespace drill {
namespace {

struct Reader {
    std::string file;
    core::Error error(const YAML::Node& n, const std::string& field, const std::string& what) const {
        return core::field_error(file, n, field, what);
    }
};

template <class T>
core::Result<T> number(const Reader& r, const YAML::Node& n, const std::string& field, T lo, T hi) {
    return core::field_number(r.file, n, field, lo, hi);
}

core::Result<sim::Time> clock(const Reader& r, const YAML::Node& n, const std::string& field) {
    if (!n.IsScalar()) return std::unexpected(r.error(n, field, "expected a time HH:MM"));
    auto t = core::parse_clock_time(n.Scalar());
    if (!t) return std::unexpected(r.error(n, field, t.error().message));
    return t;
}

// {pec | region [+ share] | share, device, unit, fault, severity, duration, at, replace}
core::Result<void> read_fault(const Reader& r, const YAML::Node& n, const std::string& where, ScriptStep& s) {
    if (!n.IsMap()) return std::unexpected(r.error(n, where, "expected a mapping {pec: N, device: D, fault: F, ...}"));
    if (auto ok = core::only_keys(r.file, n, {"pec", "region", "share", "device", "unit", "fault", "severity", "duration", "at", "replace"},
                                 where + ".");
        !ok)
        return std::unexpected(ok.error());
    sim::FaultAction& a = s.action;
    a.enter = s.kind == ScriptStep::Kind::inject;
    if (n["pec"]) {
        auto p = number<int>(r, n["pec"], where + ".pec", 1000, 9999);
        if (!p) return std::unexpected(p.error());
        s.selection.scope = PecSelection::Scope::pec;
        s.selection.pec = a.pec = *p;
        if (n["region"] || n["share"]) return std::unexpected(r.error(n["pec"], where + ".pec", "give a PEC, or a region and/or a share, not both"));
    } else if (n["share"]) {
        if (!a.enter) return std::unexpected(r.error(n["share"], where + ".share", "clear addresses one PEC"));
        auto v = number<double>(r, n["share"], where + ".share", 0.0, 1.0);
        if (!v) return std::unexpected(v.error());
        s.selection.scope = PecSelection::Scope::share;
        s.selection.share = *v;
    } else if (n["region"]) {
        if (!a.enter) return std::unexpected(r.error(n["region"], where + ".region", "clear addresses one PEC"));
        s.selection.scope = PecSelection::Scope::region;
    } else {
        return std::unexpected(r.error(n, where, "needs 'pec', 'region' or 'share'"));
    }
    if (n["region"]) {
        auto v = number<int>(r, n["region"], where + ".region", 1, 9);
        if (!v) return std::unexpected(v.error());
        s.selection.region = *v;
    }
    const YAML::Node device = n["device"];
    if (!device.IsScalar()) return std::unexpected(r.error(device.IsDefined() ? device : n, where + ".device", "expected a device name"));
    const auto target = sim::fault_target_from(device.Scalar());
    if (!target || *target == sim::FaultTarget::arbb_any)
        return std::unexpected(r.error(device, where + ".device", fmt::format("unknown device '{}'", device.Scalar())));
    a.target = *target;
    if (n["unit"]) {
        auto u = number<int>(r, n["unit"], where + ".unit", 1, 64);
        if (!u) return std::unexpected(u.error());
        a.unit = *u - 1;
    }
    const YAML::Node fault = n["fault"];
    if (!fault.IsScalar()) return std::unexpected(r.error(fault.IsDefined() ? fault : n, where + ".fault", "expected a fault name"));
    const auto f = sim::fault_from(fault.Scalar(), sim::device_kind_of(a.target));
    if (!f) return std::unexpected(r.error(fault, where + ".fault", fmt::format("'{}' is not a fault of {}", fault.Scalar(), device.Scalar())));
    a.fault = *f;
    if (n["severity"]) {
        auto v = number<double>(r, n["severity"], where + ".severity", 0.0, 1000.0);
        if (!v) return std::unexpected(v.error());
        a.severity = *v;
    }
    if (n["duration"]) {
        if (!a.enter) return std::unexpected(r.error(n["duration"], where + ".duration", "clear takes no duration"));
        if (!n["duration"].IsScalar()) return std::unexpected(r.error(n["duration"], where + ".duration", "expected a duration like 30m"));
        auto d = sim::parse_duration(n["duration"].Scalar());
        if (!d) return std::unexpected(r.error(n["duration"], where + ".duration", d.error().message));
        a.duration = *d;
    }
    if (n["at"]) {
        auto t = clock(r, n["at"], where + ".at");
        if (!t) return std::unexpected(t.error());
        a.at = *t;
    }
    if (n["replace"]) {
        try {
            a.replace_arbb = n["replace"].as<bool>();
        } catch (const YAML::Exception&) {
            return std::unexpected(r.error(n["replace"], where + ".replace", "expected true or false"));
        }
        if (a.replace_arbb && (!a.enter || sim::device_kind_of(a.target) != devices::DeviceKind::ballot_scanner))
            return std::unexpected(r.error(n["replace"], where + ".replace", "only an injected ARBB fault can end in a replacement"));
    }
    return {};
}

}  // namespace

core::Result<DrillScript> load_drill_script(const std::filesystem::path& file) {
    const std::string name = file.string();
    auto loaded = core::load_yaml_file(name, "script");
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    const Reader r{name};
    if (!root.IsMap() || !root["steps"]) return core::fail(fmt::format("{}: a script is a mapping with 'version: 1' and 'steps'", name));
    for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>();
        if (key != "version" && key != "steps") return std::unexpected(r.error(kv.first, key, "unknown field"));
    }
    if (auto v = number<int>(r, root["version"], "version", 1, 1); !v) return std::unexpected(v.error());
    const YAML::Node steps = root["steps"];
    if (!steps.IsSequence()) return std::unexpected(r.error(steps, "steps", "expected a list of steps"));
    DrillScript script{file, {}};
    int i = 0;
    for (const auto& n : steps) {
        const std::string where = fmt::format("steps[{}]", i++);
        ScriptStep s;
        s.line = n.Mark().line + 1;
        using K = ScriptStep::Kind;
        if (n.IsScalar()) {
            const std::string word = n.Scalar();
            if (word == "pause") s.kind = K::pause;
            else if (word == "play") s.kind = K::play;
            else return std::unexpected(r.error(n, where, fmt::format("'{}' is not a step (pause, play, or a mapping)", word)));
            script.steps.push_back(s);
            continue;
        }
        if (!n.IsMap() || n.size() != 1) return std::unexpected(r.error(n, where, "a step is 'pause', 'play' or a mapping with one key"));
        const std::string key = n.begin()->first.as<std::string>();
        const YAML::Node v = n.begin()->second;
        const std::string field = where + "." + key;
        if (key == "advance_to") {
            s.kind = K::advance_to;
            auto t = clock(r, v, field);
            if (!t) return std::unexpected(t.error());
            s.time = *t;
        } else if (key == "select") {
            s.kind = K::select;
            auto p = number<int>(r, v, field, 1000, 9999);
            if (!p) return std::unexpected(p.error());
            s.pec = *p;
        } else if (key == "speed") {
            s.kind = K::speed;
            auto x = number<double>(r, v, field, kernel::PacedClock::kMinSpeed, kernel::PacedClock::kMaxSpeed);
            if (!x) return std::unexpected(x.error());
            s.speed = *x;
        } else if (key == "wait_frames") {
            s.kind = K::wait_frames;
            auto f = number<int>(r, v, field, 1, 1000000);
            if (!f) return std::unexpected(f.error());
            s.frames = *f;
        } else if (key == "step") {
            const std::string what = v.IsScalar() ? v.Scalar() : "";
            if (what == "event") s.kind = K::step_event;
            else if (what == "minute") s.kind = K::step_minute;
            else return std::unexpected(r.error(v, field, "expected 'event' or 'minute'"));
        } else if (key == "inject" || key == "clear") {
            s.kind = key == "inject" ? K::inject : K::clear;
            if (auto ok = read_fault(r, v, field, s); !ok) return std::unexpected(ok.error());
        } else {
            return std::unexpected(r.error(n.begin()->first, field,
                                           "unknown step (advance_to, select, speed, wait_frames, step, inject, clear, pause, play)"));
        }
        script.steps.push_back(s);
    }
    return script;
}

core::Result<int> run_script_step(const DrillScript& script, const ScriptStep& s, DrillSession& session, WallTime wall_now) {
    auto failed = [&](const std::string& what) { return core::fail(fmt::format("{}:{}: {}", script.file.string(), s.line, what)); };
    using K = ScriptStep::Kind;
    switch (s.kind) {
        case K::advance_to:
            if (auto ok = session.run_to(s.time, wall_now); !ok) return failed(ok.error().message);
            return 0;
        case K::select:
            if (auto ok = session.select(s.pec); !ok) return failed(ok.error().message);
            return 0;
        case K::speed:
            if (auto ok = session.set_speed(s.speed, wall_now); !ok) return failed(ok.error().message);
            return 0;
        case K::pause: session.pause(wall_now); return 0;
        case K::play: session.resume(wall_now); return 0;
        case K::step_event: session.step_event(wall_now); return 0;
        case K::step_minute: session.step_minute(wall_now); return 0;
        case K::wait_frames: return s.frames;
        case K::inject:
        case K::clear: {
            if (s.action.at != 0 && s.action.at < session.world().now())
                return failed(fmt::format("time {} is already past", core::clock_time(s.action.at, core::ClockText::minutes)));
            // A clear that takes effect now must clear something: a typo in the device or fault
            // would otherwise do nothing, silently. (A later clear may follow a later inject.)
            if (s.kind == K::clear && (s.action.at == 0 || s.action.at == session.world().now())) {
                const auto i = session.world().index_of(s.selection.pec);
                if (!i) return failed(fmt::format("PEC {} is not in this drill", s.selection.pec));
                const auto kind = sim::device_kind_of(s.action.target);
                bool active = false;
                for (const auto& d : session.world().detail(*i).devices)
                    active = active || (d.kind == kind && ((d.faults >> static_cast<unsigned>(s.action.fault)) & 1u));
                // An inject of this drill not yet applied (the world applies it as its next event) counts too.
                for (const auto& r : session.record().actions)
                    active = active || (r.action.enter && r.action.pec == s.selection.pec && r.action.fault == s.action.fault &&
                                        sim::device_kind_of(r.action.target) == kind && r.action.at >= session.world().now());
                if (!active)
                    return failed(fmt::format("clear: no {} of PEC {} is in the fault '{}' now", sim::to_string(s.action.target),
                                              s.selection.pec, devices::to_string(s.action.fault)));
            }
            auto n = session.inject(s.selection, s.action);
            if (!n) return failed(n.error().message);
            return 0;
        }
    }
    return 0;
}

}  // namespace drill
