#include "sim/drill_record.hpp"

// Index of this file:
//   [SECTION] Reading actions
//   [SECTION] Reading trainees' actions
//   [SECTION] Writing actions
//   [SECTION] PECs, faults and durations of an action
//   [SECTION] Loading a record
//   [SECTION] Saving a record
//   [SECTION] Replaying a record

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <utility>

#include "sim/world.hpp"
#include "core/yaml_fields.hpp"

namespace sim {
// [SECTION] Reading actions

namespace {


// Reads the fields of one action through the one YAML field reader; `n` is its mapping and `r`
// names its fields "actions[i].field".
struct ActionReader {
    core::YamlReader r;
    const YAML::Node& n;

    core::Result<std::string> text(const std::string& field) const { return r.text(n, field); }
    std::unexpected<core::Error> bad(const std::string& field, const std::string& what) const {
        return r.bad(n[field].IsDefined() ? n[field] : n, field, what);
    }
    std::unexpected<core::Error> bad_at(const YAML::Node& item, const std::string& field, const std::string& what) const {
        return r.bad(item, field, what);
    }

    core::Result<void> times(RecordedAction& a) const {
        for (auto [field, out] : {std::pair<const char*, Time*>{"issued", &a.issued}, {"at", &a.action.at}}) {
            auto v = r.time_of_day(n, field);
            if (!v) return std::unexpected(v.error());
            *out = *v;
        }
        if (a.action.at < a.issued) return bad("at", "is before 'issued' (an action cannot act in the past)");
        return {};
    }

    core::Result<int> pec_number(const std::string& value, const YAML::Node& node, const std::string& field) const {
        int pec = 0;
        if (auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), pec);
            ec != std::errc{} || p != value.data() + value.size() || pec < 1000 || pec > 9999)
            return bad_at(node, field, fmt::format("'{}' is not a 4-digit PEC number", value));
        return pec;
    }

    // `pec: N` (versions 1 and 2), or `pecs: [...]` with optional `region` and `share` (version 2).
    core::Result<void> pecs(RecordedAction& rec, int version) const {
        if (version >= 2 && n["pecs"]) {
            if (n["pec"]) return bad("pec", "give 'pec' or 'pecs', not both");
            const YAML::Node list = n["pecs"];
            if (!list.IsSequence() || list.size() == 0) return bad("pecs", "expected a non-empty list of PEC numbers");
            for (std::size_t k = 0; k < list.size(); ++k) {
                const std::string field = fmt::format("pecs[{}]", k);
                if (!list[k].IsScalar()) return bad_at(list[k], field, "expected a PEC number");
                auto p = pec_number(list[k].Scalar(), list[k], field);
                if (!p) return std::unexpected(p.error());
                if (std::find(rec.pecs.begin(), rec.pecs.end(), *p) != rec.pecs.end()) return bad_at(list[k], field, fmt::format("PEC {} is listed twice", *p));
                rec.pecs.push_back(*p);
            }
            return scope(rec);
        }
        if (n["region"] || n["share"]) return bad(n["region"] ? "region" : "share", "only an action with 'pecs' has a region or a share");
        auto pec = text("pec");
        if (!pec) return std::unexpected(pec.error());
        auto p = pec_number(*pec, n["pec"], "pec");
        if (!p) return std::unexpected(p.error());
        rec.action.pec = *p;
        return {};
    }

    core::Result<void> scope(RecordedAction& rec) const {
        if (n["region"]) {
            auto v = r.number_at<int>(n["region"], "region", 1, 9);
            if (!v) return std::unexpected(v.error());
            rec.region = *v;
        }
        if (n["share"]) {
            auto v = r.number_at<double>(n["share"], "share", 0.0, 1.0);
            if (!v) return std::unexpected(v.error());
            if (*v <= 0.0) return bad("share", "must be more than 0");
            rec.share = *v;
        }
        return {};
    }

    core::Result<void> device_and_fault(FaultAction& a) const {
        auto device = text("device");
        if (!device) return std::unexpected(device.error());
        const auto target = fault_target_from(*device);
        if (!target || *target == FaultTarget::arbb_any)
            return bad("device", fmt::format("unknown device '{}' (one of: fingerprint_scanner, document_reader, webcam, printer, "
                                             "arbb_party_list, arbb_district, modem, power)", *device));
        a.target = *target;
        if (n["unit"]) {
            auto u = text("unit");
            if (!u) return std::unexpected(u.error());
            if (auto [p, ec] = std::from_chars(u->data(), u->data() + u->size(), a.unit);
                ec != std::errc{} || p != u->data() + u->size() || a.unit < 1 || a.unit > 64)
                return bad("unit", fmt::format("'{}' is not a desk number 1..64", *u));
            a.unit -= 1;  // desks are numbered from 1 in files and on screen
        }
        auto fault = text("fault");
        if (!fault) return std::unexpected(fault.error());
        const auto f = fault_from(*fault, device_kind_of(a.target));
        if (!f) {
            std::string names;
            for (auto k : devices::faults_of(device_kind_of(a.target))) names += (names.empty() ? "" : ", ") + std::string(devices::to_string(k));
            return bad("fault", fmt::format("'{}' is not a fault of {} (one of: {})", *fault, *device, names));
        }
        a.fault = *f;
        return {};
    }

    core::Result<void> enter_or_clear(FaultAction& a) const {
        auto what = text("action");
        if (!what) return std::unexpected(what.error());
        if (*what == "enter") a.enter = true;
        else if (*what == "clear") a.enter = false;
        else return bad("action", fmt::format("'{}' is neither 'enter' nor 'clear'", *what));
        if (n["severity"]) {
            try {
                a.severity = n["severity"].as<double>();
            } catch (const YAML::Exception&) {
                return bad("severity", "expected a number");
            }
            if (!(a.severity >= 0.0 && a.severity <= 1000.0)) return bad("severity", "is out of range [0, 1000]");
        }
        if (n["duration"]) {
            auto d = text("duration");
            if (!d) return std::unexpected(d.error());
            auto v = parse_duration(*d);
            if (!v) return bad("duration", v.error().message);
            a.duration = *v;
        }
        if (n["replace"]) {
            try {
                a.replace_arbb = n["replace"].as<bool>();
            } catch (const YAML::Exception&) {
                return bad("replace", "expected true or false");
            }
            if (a.replace_arbb && device_kind_of(a.target) != devices::DeviceKind::ballot_scanner)
                return bad("replace", "only an ARBB can be replaced by a stationary box");
        }
        if (!a.enter && (a.duration > 0 || a.replace_arbb)) return bad("action", "a 'clear' action takes no duration and no replace");
        if (n["support"]) {
            try {
                a.call_support = n["support"].as<bool>();
            } catch (const YAML::Exception&) {
                return bad("support", "expected true or false");
            }
            if (a.call_support && (!a.enter || a.duration > 0 || a.replace_arbb))
                return bad("support", "a fault that calls the help desk is entered with duration 0s and no replace");
        }
        return {};
    }
};

// [SECTION] Reading trainees' actions

// Which fields a trainee's action needs besides issued, trainee, role and do.
struct NeededFields {
    bool ticket = false, base = false, pec = false, unit = false, box = false, alert = false;
};

NeededFields needed_fields(TraineeDo what) {
    switch (what) {
        case TraineeDo::take_call: case TraineeDo::guide: case TraineeDo::escalate: case TraineeDo::close_ticket: return {.ticket = true};
        case TraineeDo::dispatch_crew: case TraineeDo::send_spare: return {.ticket = true, .base = true};
        case TraineeDo::paper_list: case TraineeDo::devices_back: case TraineeDo::refuse_pin: case TraineeDo::give_pin:
        case TraineeDo::lock_desk:
            return {.pec = true, .unit = true};
        case TraineeDo::stationary_box: case TraineeDo::feed_reserve: case TraineeDo::revoke: case TraineeDo::accept:
            return {.pec = true, .box = true};
        case TraineeDo::correct_page: case TraineeDo::restrict_ingest: return {};
        case TraineeDo::backup_channel: case TraineeDo::hold: case TraineeDo::release: case TraineeDo::report_phishing:
        case TraineeDo::follow_link: case TraineeDo::call_pec: return {.pec = true};
        case TraineeDo::report_device: case TraineeDo::allow_device: return {.pec = true, .box = true};
        case TraineeDo::acknowledge: return {.alert = true};
    }
    return {};
}

// The trainee, the action and the fields it needs (the caller checks for unknown keys).
core::Result<TraineeAction> trainee_fields(const ActionReader& in) {
    const YAML::Node& n = in.n;
    TraineeAction a;
    auto trainee = in.text("trainee");
    if (!trainee) return std::unexpected(trainee.error());
    if (trainee->empty()) return in.bad("trainee", "is empty");
    a.trainee = *trainee;
    auto what = in.text("do");
    if (!what) return std::unexpected(what.error());
    const auto kind = trainee_do_from(*what);
    if (!kind) return in.bad("do", fmt::format("'{}' is not a trainee's action (docs/trainees.md)", *what));
    a.what = *kind;
    if (n["role"]) {
        auto role = in.text("role");
        if (!role) return std::unexpected(role.error());
        if (trainee_role_from(*role) != role_of(a.what))
            return in.bad("role", fmt::format("'{}' does not do {} ({} does)", *role, *what, to_string(role_of(a.what))));
    }
    const NeededFields need = needed_fields(a.what);
    for (auto [field, wanted] : {std::pair{"ticket", need.ticket}, {"base", need.base}, {"pec", need.pec}, {"unit", need.unit}, {"box", need.box},
                                 {"alert", need.alert}})
        if (!wanted && n[field]) return in.bad(field, fmt::format("{} takes no {}", *what, field));
    const auto number = [&](bool wanted, const char* field, int hi, int& out) -> core::Result<void> {
        if (!wanted) return {};
        if (!n[field]) return in.bad(field, fmt::format("is missing ({} needs it)", *what));
        auto v = in.r.number_at<int>(n[field], field, 1, hi);
        if (!v) return std::unexpected(v.error());
        out = *v;
        return {};
    };
    for (auto ok : {number(need.ticket, "ticket", 10'000'000, a.ticket), number(need.alert, "alert", 10'000'000, a.alert),
                    number(need.unit, "unit", 64, a.unit), number(need.pec, "pec", 9999, a.pec)})
        if (!ok) return std::unexpected(ok.error());
    if (need.unit) a.unit -= 1;  // desks are numbered from 1 in files and on screen
    if (need.pec && a.pec < 1000) return in.bad("pec", fmt::format("'{}' is not a 4-digit PEC number", a.pec));
    if (need.base) {
        auto v = in.text("base");
        if (!v) return std::unexpected(v.error());
        a.base = *v;
    }
    if (need.box) {
        auto v = in.text("box");
        if (!v) return std::unexpected(v.error());
        // A USB device's notice may be the station laptop's: its actions name that machine too.
        const bool machine = a.what == TraineeDo::report_device || a.what == TraineeDo::allow_device;
        if (*v != "party_list" && *v != "district" && (!machine || *v != "station"))
            return in.bad("box", fmt::format("'{}' is neither party_list nor district{}", *v, machine ? " nor station" : ""));
        a.box = *v == "party_list" ? 0 : *v == "district" ? 1 : kStationLaptop;
    }
    return a;
}

// `{issued, trainee, role, do, ..., refused}` (version 3).
core::Result<RecordedAction> read_trainee_action(const ActionReader& in, const std::string& file, const std::string& where) {
    const YAML::Node& n = in.n;
    if (auto known = core::only_keys(file, n, {"issued", "trainee", "role", "do", "refused", "ticket", "base", "pec", "unit", "box", "alert"}, where);
        !known)
        return std::unexpected(known.error());
    RecordedAction rec;
    auto issued = in.r.time_of_day(n, "issued");
    if (!issued) return std::unexpected(issued.error());
    rec.issued = rec.action.at = *issued;
    auto a = trainee_fields(in);
    if (!a) return std::unexpected(a.error());
    if (n["refused"]) {
        auto v = in.text("refused");
        if (!v) return std::unexpected(v.error());
        rec.refused = *v;
    }
    rec.trainee = std::move(*a);
    return rec;
}

// `{issued, incident, pec, box, copies, usb, desk, away, ballots, target, rate, addresses, lasts, inject}` (version 5).
core::Result<RecordedAction> read_incident_action(const std::string& file, const YAML::Node& n, const std::string& where) {
    if (auto known = core::only_keys(file, n, {"issued", "incident", "pec", "box", "copies", "usb", "desk", "away", "ballots", "rate",
                                                    "addresses", "lasts", "target", "inject"},
                                   where);
        !known)
        return std::unexpected(known.error());
    const core::YamlReader r = core::YamlReader(file).within(where.substr(0, where.size() - 1));
    RecordedAction rec;
    auto issued = r.time_of_day(n, "issued");
    if (!issued) return std::unexpected(issued.error());
    rec.issued = rec.action.at = *issued;
    auto incident = read_incident_fields(r, n);
    if (!incident) return std::unexpected(incident.error());
    if (n["inject"]) {
        auto name = r.text(n, "inject");
        if (!name) return std::unexpected(name.error());
        rec.inject = *name;
    }
    rec.incident = *incident;
    rec.action.pec = incident->pec;
    return rec;
}

core::Result<RecordedAction> read_action(const std::string& file, const YAML::Node& n, std::size_t index, int version) {
    const std::string where = fmt::format("actions[{}].", index);
    if (!n.IsMap()) return std::unexpected(core::field_error(file, n, where.substr(0, where.size() - 1), "expected a mapping"));
    if (version >= 5 && n["incident"]) return read_incident_action(file, n, where);
    if (version >= 3 && n["trainee"])
        return read_trainee_action(ActionReader{core::YamlReader(file).within(where.substr(0, where.size() - 1)), n}, file, where);
    auto known = version >= 4   ? core::only_keys(file, n, {"issued", "at", "pec", "pecs", "region", "share", "device", "unit", "fault", "action",
                                                            "severity", "duration", "replace", "support", "inject"}, where)
                 : version >= 3 ? core::only_keys(file, n, {"issued", "at", "pec", "pecs", "region", "share", "device", "unit", "fault", "action",
                                                            "severity", "duration", "replace", "support"}, where)
                 : version >= 2 ? core::only_keys(file, n, {"issued", "at", "pec", "pecs", "region", "share", "device", "unit", "fault", "action",
                                                            "severity", "duration", "replace"}, where)
                              : core::only_keys(file, n, {"issued", "at", "pec", "device", "unit", "fault", "action", "severity", "duration",
                                                          "replace"}, where);
    if (!known) return std::unexpected(known.error());
    const ActionReader reader{core::YamlReader(file).within(where.substr(0, where.size() - 1)), n};
    RecordedAction r;
    if (auto ok = reader.times(r); !ok) return std::unexpected(ok.error());
    if (auto ok = reader.pecs(r, version); !ok) return std::unexpected(ok.error());
    if (auto ok = reader.device_and_fault(r.action); !ok) return std::unexpected(ok.error());
    if (auto ok = reader.enter_or_clear(r.action); !ok) return std::unexpected(ok.error());
    if (n["inject"]) {
        auto name = reader.text("inject");
        if (!name) return std::unexpected(name.error());
        if (name->empty()) return reader.bad("inject", "is empty");
        r.inject = *name;
    }
    return r;
}

// [SECTION] Writing actions

// A trainee's action: who, what, the fields its kind needs, and the world's refusal if any.
void emit_trainee_action(YAML::Emitter& out, const RecordedAction& r) {
    const TraineeAction& a = *r.trainee;
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "issued" << YAML::Value << YAML::DoubleQuoted << core::clock_time(r.issued, core::ClockText::micros);
    out << YAML::Key << "trainee" << YAML::Value << YAML::DoubleQuoted << a.trainee;
    out << YAML::Key << "role" << YAML::Value << std::string(to_string(role_of(a.what)));
    out << YAML::Key << "do" << YAML::Value << std::string(to_string(a.what));
    const NeededFields need = needed_fields(a.what);
    if (need.ticket) out << YAML::Key << "ticket" << YAML::Value << a.ticket;
    if (need.base) out << YAML::Key << "base" << YAML::Value << YAML::DoubleQuoted << a.base;
    if (need.pec) out << YAML::Key << "pec" << YAML::Value << a.pec;
    if (need.unit) out << YAML::Key << "unit" << YAML::Value << a.unit + 1;
    if (need.box) out << YAML::Key << "box" << YAML::Value << std::string(host_name(a.box));
    if (need.alert) out << YAML::Key << "alert" << YAML::Value << a.alert;
    if (!r.refused.empty()) out << YAML::Key << "refused" << YAML::Value << YAML::DoubleQuoted << r.refused;
    out << YAML::EndMap;
}

// A cyber incident: `{issued, incident, pec, box, copies, usb, desk, away, ballots, target, rate, addresses, lasts, inject}` (version 5).
void emit_incident(YAML::Emitter& out, const RecordedAction& r) {
    const Incident& i = *r.incident;
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "issued" << YAML::Value << YAML::DoubleQuoted << core::clock_time(r.issued, core::ClockText::micros);
    out << YAML::Key << "incident" << YAML::Value << std::string(to_string(i.kind));
    const bool desk = i.kind == IncidentKind::pin_request || i.kind == IncidentKind::desk_break;
    const bool cec = i.kind == IncidentKind::display_error || i.kind == IncidentKind::flood;
    if (!cec) out << YAML::Key << "pec" << YAML::Value << i.pec;
    if (!cec && !desk) out << YAML::Key << "box" << YAML::Value << std::string(host_name(i.box));
    if (i.kind == IncidentKind::flood) {
        out << YAML::Key << "target" << YAML::Value << (i.on_page ? "page" : "ingest");
        out << YAML::Key << "rate" << YAML::Value << i.rate;
        out << YAML::Key << "addresses" << YAML::Value << i.addresses;
        out << YAML::Key << "lasts" << YAML::Value << format_duration(i.lasts);
    }
    if (desk) out << YAML::Key << "desk" << YAML::Value << i.desk + 1;
    if (i.kind == IncidentKind::desk_break) {
        out << YAML::Key << "away" << YAML::Value << format_duration(i.away);
        out << YAML::Key << "ballots" << YAML::Value << i.ballots;
    }
    if (i.kind == IncidentKind::replay) out << YAML::Key << "copies" << YAML::Value << i.copies;
    if (i.kind == IncidentKind::usb_device) out << YAML::Key << "usb" << YAML::Value << YAML::DoubleQuoted << i.usb;
    if (!r.inject.empty()) out << YAML::Key << "inject" << YAML::Value << YAML::DoubleQuoted << r.inject;
    out << YAML::EndMap;
}

// One action as a flow mapping: `pec` or `pecs` (+ `region`, `share`), then the device and fault.
void emit_action(YAML::Emitter& out, const RecordedAction& r) {
    if (r.trainee) return emit_trainee_action(out, r);
    if (r.incident) return emit_incident(out, r);
    const FaultAction& a = r.action;
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "issued" << YAML::Value << YAML::DoubleQuoted << core::clock_time(r.issued, core::ClockText::micros);
    out << YAML::Key << "at" << YAML::Value << YAML::DoubleQuoted << core::clock_time(a.at, core::ClockText::micros);
    if (r.pecs.empty()) {
        out << YAML::Key << "pec" << YAML::Value << a.pec;
    } else {
        if (r.region != 0) out << YAML::Key << "region" << YAML::Value << r.region;
        if (r.share > 0.0) out << YAML::Key << "share" << YAML::Value << fmt::format("{}", r.share);
        out << YAML::Key << "pecs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (int p : r.pecs) out << p;
        out << YAML::EndSeq;
    }
    out << YAML::Key << "device" << YAML::Value << std::string(to_string(a.target));
    out << YAML::Key << "unit" << YAML::Value << a.unit + 1;
    out << YAML::Key << "fault" << YAML::Value << std::string(devices::to_string(a.fault));
    out << YAML::Key << "action" << YAML::Value << (a.enter ? "enter" : "clear");
    if (a.enter) {
        // The shortest decimal that reads back as the same double ("0.7", not "0.69999999999999996").
        out << YAML::Key << "severity" << YAML::Value << fmt::format("{}", a.severity);
        out << YAML::Key << "duration" << YAML::Value << format_duration(a.duration);
        if (a.replace_arbb) out << YAML::Key << "replace" << YAML::Value << true;
        if (a.call_support) out << YAML::Key << "support" << YAML::Value << true;
    }
    if (!r.inject.empty()) out << YAML::Key << "inject" << YAML::Value << YAML::DoubleQuoted << r.inject;
    out << YAML::EndMap;
}

}  // namespace

core::Result<TraineeAction> read_trainee_fields(const core::YamlReader& r, const YAML::Node& n) { return trainee_fields(ActionReader{r, n}); }

namespace {

// A desk incident's `desk` (from 1), and a desk_break's `away` (a duration) and `ballots`; no other
// incident takes them, and a desk incident takes no `box`.
core::Result<void> read_desk_fields(const core::YamlReader& r, const YAML::Node& n, Incident& incident) {
    const bool desk = incident.kind == IncidentKind::pin_request || incident.kind == IncidentKind::desk_break;
    const bool on_break = incident.kind == IncidentKind::desk_break;
    for (auto [field, takes] : {std::pair{"desk", desk}, {"away", on_break}, {"ballots", on_break}, {"box", !desk}})
        if (!takes && n[field]) return r.bad(n[field], field, fmt::format("{} takes no {}", to_string(incident.kind), field));
    if (!desk) return {};
    auto number = r.get<int>(n, "desk", 1, 64);
    if (!number) return std::unexpected(number.error());
    incident.desk = *number - 1;
    if (n["away"]) {
        if (!n["away"].IsScalar()) return r.bad(n["away"], "away", "expected a duration like 30m");
        const auto away = parse_duration(n["away"].Scalar());
        if (!away) return r.bad(n["away"], "away", away.error().message);
        if (*away < 5 * core::kMinute || *away > 4 * core::kHour) return r.bad(n["away"], "away", "must be from 5m to 4h");
        incident.away = *away;
    }
    if (n["ballots"]) {
        auto ballots = r.get<int>(n, "ballots", 1, 500);
        if (!ballots) return std::unexpected(ballots.error());
        incident.ballots = *ballots;
    }
    return {};
}

// A flood's `target` (ingest or page), `rate` (connections a second), `addresses` and `lasts` (a duration).
core::Result<void> read_flood_fields(const core::YamlReader& r, const YAML::Node& n, Incident& incident) {
    if (n["target"]) {
        auto target = r.text(n, "target");
        if (!target) return std::unexpected(target.error());
        if (*target != "ingest" && *target != "page") return r.bad(n["target"], "target", fmt::format("'{}' is neither ingest nor page", *target));
        incident.on_page = *target == "page";
    }
    if (n["rate"]) {
        auto rate = r.get<int>(n, "rate", 1, 200'000);
        if (!rate) return std::unexpected(rate.error());
        incident.rate = *rate;
    }
    if (n["addresses"]) {
        auto addresses = r.get<int>(n, "addresses", 1, 131'072);
        if (!addresses) return std::unexpected(addresses.error());
        incident.addresses = *addresses;
    }
    if (n["lasts"]) {
        if (!n["lasts"].IsScalar()) return r.bad(n["lasts"], "lasts", "expected a duration like 20m");
        const auto lasts = parse_duration(n["lasts"].Scalar());
        if (!lasts) return r.bad(n["lasts"], "lasts", lasts.error().message);
        if (*lasts < core::kMinute || *lasts > 4 * core::kHour) return r.bad(n["lasts"], "lasts", "must be from 1m to 4h");
        incident.lasts = *lasts;
    }
    return {};
}

}  // namespace

core::Result<Incident> read_incident_fields(const core::YamlReader& r, const YAML::Node& n, const std::string& kind_field) {
    auto kind_name = r.text(n, kind_field);
    if (!kind_name) return std::unexpected(kind_name.error());
    const auto kind = incident_kind_from(*kind_name);
    if (!kind) return r.bad(n[kind_field], kind_field, fmt::format("'{}' is not an incident (docs/drills.md, \"Incidents\")", *kind_name));
    Incident incident{.kind = *kind};
    for (const char* field : {"rate", "addresses", "lasts", "target"})
        if (*kind != IncidentKind::flood && n[field]) return r.bad(n[field], field, fmt::format("{} takes no {}", *kind_name, field));
    if (*kind == IncidentKind::display_error || *kind == IncidentKind::flood) {
        const std::string where = *kind == IncidentKind::flood ? "a flood is on the CEC's ingest" : "a display error is on the public page";
        for (const char* field : {"pec", "box", "copies", "usb", "desk", "away", "ballots"})
            if (n[field]) return r.bad(n[field], field, where + ": it takes no " + std::string(field));
        if (*kind == IncidentKind::flood)
            if (auto ok = read_flood_fields(r, n, incident); !ok) return std::unexpected(ok.error());
        return incident;
    }
    auto pec = r.get<int>(n, "pec", 1000, 9999);
    if (!pec) return std::unexpected(pec.error());
    incident.pec = *pec;
    if (n["box"]) {
        auto box = r.text(n, "box");
        if (!box) return std::unexpected(box.error());
        const bool usb = *kind == IncidentKind::usb_device;
        if (*box != "party_list" && *box != "district" && (!usb || *box != "station"))
            return r.bad(n["box"], "box", fmt::format("'{}' is neither party_list nor district{}", *box, usb ? " nor station" : ""));
        incident.box = *box == "party_list" ? 0 : *box == "district" ? 1 : kStationLaptop;
    }
    if (*kind == IncidentKind::usb_device) {
        auto usb = r.text(n, "usb");
        if (!usb) return std::unexpected(usb.error());
        if (!usb_device(*usb)) {
            std::string names;
            for (const auto& d : usb_devices()) names += fmt::format("{}{}", names.empty() ? "" : ", ", d.name);
            return r.bad(n["usb"], "usb", fmt::format("'{}' is neither a named device ({}) nor a USBGuard device description "
                                                       "starting with 'id '", *usb, names));
        }
        incident.usb = *usb;
    } else if (n["usb"]) {
        return r.bad(n["usb"], "usb", "only a usb_device incident plugs in a device");
    }
    if (auto ok = read_desk_fields(r, n, incident); !ok) return std::unexpected(ok.error());
    if (n["copies"]) {
        if (*kind != IncidentKind::replay) return r.bad(n["copies"], "copies", "only a replay sends copies");
        auto copies = r.get<int>(n, "copies", 1, 1000);
        if (!copies) return std::unexpected(copies.error());
        incident.copies = *copies;
    }
    return incident;
}

// [SECTION] PECs, faults and durations of an action

std::vector<int> pecs_of(const RecordedAction& r) {
    if (r.trainee) return {r.trainee->pec};
    if (r.incident) return {r.incident->pec};
    return r.pecs.empty() ? std::vector<int>{r.action.pec} : r.pecs;
}

std::optional<devices::Fault> fault_from(std::string_view name, devices::DeviceKind kind) {
    for (auto f : devices::faults_of(kind))
        if (devices::to_string(f) == name) return f;
    return std::nullopt;
}

std::string format_duration(Time d) {
    const Time s = d / core::kSecond;
    std::string out;
    if (s >= 3600) out += fmt::format("{}h", s / 3600);
    if (s % 3600 >= 60) out += fmt::format("{}m", s % 3600 / 60);
    if (s % 60 != 0 || out.empty()) out += fmt::format("{}s", s % 60);
    return out;
}

// [SECTION] Loading a record

namespace {

/// A record from the parsed YAML of `file` (or the error parsing it).
core::Result<DrillRecord> record_from(const core::Result<YAML::Node>& loaded, const std::filesystem::path& file) {
    const std::string name = file.string();
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    if (!root.IsMap()) return core::fail(fmt::format("{}: a drill record is a YAML mapping", name));
    if (root["injects"] && root["objectives"])
        return core::fail(fmt::format("{}: this is a drill file (docs/drills.md), not a drill record: run it with `shailoo drill FILE "
                                      "--record RECORD` or `shailoo train --drill FILE --record RECORD`, then review RECORD", name));
    const core::YamlReader reader(name);
    if (auto ok = reader.only_keys(root, {"version", "scenario", "scenario_name", "seed", "drill", "actions", "hardware"}); !ok)
        return std::unexpected(ok.error());
    auto version = reader.text(root, "version");
    if (!version) return std::unexpected(version.error());
    int v = 0;
    for (int known = 1; known <= kDrillRecordVersion; ++known)
        if (*version == std::to_string(known)) v = known;
    if (v == 0)
        return std::unexpected(core::field_error(name, root["version"], "version",
                                                 fmt::format("'{0}' is not a supported version (1 to {1}; this build writes {1})", *version,
                                                             kDrillRecordVersion)));
    DrillRecord r;
    auto scenario = reader.text(root, "scenario");
    if (!scenario) return std::unexpected(scenario.error());
    const std::filesystem::path sp(*scenario);
    r.scenario = (sp.is_absolute() ? sp : (file.parent_path() / sp).lexically_normal()).string();
    auto scenario_name = reader.text(root, "scenario_name");
    if (!scenario_name) return std::unexpected(scenario_name.error());
    r.scenario_name = *scenario_name;
    if (root["drill"]) {
        if (v < 4) return std::unexpected(core::field_error(name, root["drill"], "drill", "is new in version 4"));
        auto drill = reader.text(root, "drill");
        if (!drill) return std::unexpected(drill.error());
        const std::filesystem::path dp(*drill);
        r.drill = (dp.is_absolute() ? dp : (file.parent_path() / dp).lexically_normal()).string();
    }
    try {
        if (!root["seed"].IsDefined()) return std::unexpected(core::field_error(name, root, "seed", "is missing"));
        r.seed = root["seed"].as<std::uint64_t>();
    } catch (const YAML::Exception&) {
        return std::unexpected(core::field_error(name, root["seed"], "seed", "expected a whole number >= 0"));
    }
    const YAML::Node actions = root["actions"];
    if (actions.IsDefined() && !actions.IsNull()) {
        if (!actions.IsSequence()) return std::unexpected(core::field_error(name, actions, "actions", "expected a list of actions"));
        std::size_t i = 0;
        for (const auto& item : actions) {
            auto a = read_action(name, item, i, v);
            if (!a) return std::unexpected(a.error());
            if (!r.actions.empty() && a->issued < r.actions.back().issued)
                return std::unexpected(core::field_error(name, item["issued"], fmt::format("actions[{}].issued", i),
                                                   "is earlier than the previous action's (actions are in the order taken)"));
            r.actions.push_back(*a);
            ++i;
        }
    }
    if (const YAML::Node hardware = root["hardware"]; hardware.IsDefined() && !hardware.IsNull()) {
        if (v < 6) return std::unexpected(core::field_error(name, hardware, "hardware", "is new in version 6"));
        auto devices = read_hardware(reader, hardware);
        if (!devices) return std::unexpected(devices.error());
        if (v < 7 && !devices->modems.empty())
            return std::unexpected(core::field_error(name, hardware, "hardware", "a modem link (`link`) is new in version 7"));
        r.hardware = std::move(*devices);
    }
    return r;
}

}  // namespace

core::Result<DrillRecord> load_drill_record(const std::filesystem::path& file) {
    return record_from(core::load_yaml_file(file.string(), "drill record"), file);
}

core::Result<DrillRecord> parse_drill_record(std::string_view text, const std::filesystem::path& file) {
    return record_from(core::load_yaml_text(text, file.string()), file);
}

// [SECTION] Saving a record

namespace {

// A file the record names, relative to the record's folder when possible.
std::filesystem::path relative_to_record(const std::string& named, const std::filesystem::path& record_file) {
    std::filesystem::path p(named);
    if (p.is_absolute() || std::filesystem::exists(p)) {
        std::error_code ec;
        const auto base = std::filesystem::absolute(record_file, ec).parent_path();
        const auto rel = std::filesystem::absolute(p, ec).lexically_proximate(base);
        if (!ec && !rel.empty()) p = rel;
    }
    return p;
}

}  // namespace

core::Result<void> save_drill_record(const DrillRecord& record, const std::filesystem::path& file) {
    const std::filesystem::path scenario = relative_to_record(record.scenario, file);
    YAML::Emitter out;
    out << YAML::Comment("Shailoo Sim drill record (format: docs/trainer.md). Replay: shailoo train --replay FILE, shailoo run --replay FILE");
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << kDrillRecordVersion;
    out << YAML::Key << "scenario" << YAML::Value << scenario.generic_string();
    out << YAML::Key << "scenario_name" << YAML::Value << record.scenario_name;
    out << YAML::Key << "seed" << YAML::Value << record.seed;
    if (!record.drill.empty()) out << YAML::Key << "drill" << YAML::Value << relative_to_record(record.drill, file).generic_string();
    out << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
    for (std::size_t i = 0; i < record.actions.size(); ++i) {
        if (record.actions[i].action.duration % core::kSecond != 0)
            return core::fail(fmt::format("{}: action {}: duration must be whole seconds", file.string(), i));
        emit_action(out, record.actions[i]);
    }
    out << YAML::EndSeq;
    if (!record.hardware.empty()) {
        out << YAML::Key << "hardware" << YAML::Value;
        emit_hardware(out, record.hardware);
    }
    out << YAML::EndMap;
    if (!out.good()) return core::fail(fmt::format("{}: cannot write the record: {}", file.string(), out.GetLastError()));
    std::ofstream f(file);
    f << out.c_str() << '\n';
    f.close();
    if (!f) return core::fail(fmt::format("{}: cannot write the drill record", file.string()));
    return {};
}

// [SECTION] Replaying a record

core::Result<void> apply_drill_record(const DrillRecord& record, World& world, int threads) {
    for (std::size_t i = 0; i < record.actions.size(); ++i) {
        const RecordedAction& r = record.actions[i];
        if (r.issued < world.now())
            return core::fail(fmt::format("action {} (PEC {}, issued {}) is earlier than the world's time {}", i, pecs_of(r).front(),
                                          core::clock_time(r.issued, core::ClockText::micros), core::clock_time(world.now(), core::ClockText::micros)));
        world.advance_to(r.issued, threads);
        if (r.trainee) {
            if (auto ok = replay_trainee_action(r, world); !ok) return core::fail(fmt::format("action {}: {}", i, ok.error().message));
            continue;
        }
        if (r.incident) {
            if (auto ok = world.apply(*r.incident); !ok) return core::fail(fmt::format("action {} ({}): {}", i, describe(*r.incident), ok.error().message));
            continue;
        }
        for (int pec : pecs_of(r)) {
            FaultAction a = r.action;
            a.pec = pec;
            if (auto ok = world.apply(a); !ok)
                return core::fail(fmt::format("action {} (PEC {}, at {}): {}", i, pec, core::clock_time(a.at, core::ClockText::micros), ok.error().message));
        }
    }
    return {};
}

core::Result<void> replay_trainee_action(const RecordedAction& r, World& world) {
    const auto got = world.act(*r.trainee);
    const std::string answer = got ? std::string() : got.error().message;
    if (answer == r.refused) return {};
    const auto said = [](const std::string& refusal) { return refusal.empty() ? std::string("accepted") : fmt::format("refused ('{}')", refusal); };
    return core::fail(fmt::format("the replay has diverged: {} by {} at {} was {} in the session, {} now", describe(*r.trainee), r.trainee->trainee,
                                  core::clock_time(r.issued, core::ClockText::micros), said(r.refused), said(answer)));
}

}  // namespace sim
