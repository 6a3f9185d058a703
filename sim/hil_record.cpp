#include "sim/hil_record.hpp"

// Index of this file:
//   [SECTION] Reading and writing the `hardware` list
//   [SECTION] Replaying a reader
//   [SECTION] Replaying a ballot scanner
//   [SECTION] Replaying a modem link
//   [SECTION] Replaying a session's devices

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>

#include "core/device_keys.hpp"
#include "core/minutiae_text.hpp"
#include "core/yaml_fields.hpp"
#include "sim/drill_record.hpp"

namespace sim {

// [SECTION] Reading and writing the `hardware` list

HardwareRecord record_of(const Hardware& hardware) {
    HardwareRecord out;
    for (const ExternalFingerprintReader* r : hardware.readers)
        out.readers.push_back({r->pec, r->desk, r->device, r->matcher.threshold, r->bound, r->delivered});
    for (const ExternalBallotScanner* s : hardware.scanners) out.scanners.push_back({s->pec, s->box, s->device, s->voters, s->delivered});
    for (const ExternalModem* m : hardware.modems) out.modems.push_back({m->pec, m->device, m->delivered});
    return out;
}

std::string hil_reader_id(int pec, int desk) { return core::device_id(pec, core::DeviceRole::identification, desk) + "-fingerprint-hil"; }

std::string hil_scanner_id(int pec, int box) {
    return core::device_id(pec, box == 0 ? core::DeviceRole::arbb_party_list : core::DeviceRole::arbb_district) + "-hil";
}

namespace {

// The template whose minutiae are `map[field]` (format_minutiae's text).
core::Result<core::FingerprintTemplate> template_field(const core::YamlReader& r, const YAML::Node& map, const std::string& field) {
    auto text = r.text(map, field);
    if (!text) return std::unexpected(text.error());
    auto minutiae = core::parse_minutiae(*text);
    if (!minutiae) return r.bad(map[field], field, minutiae.error().message);
    return core::FingerprintTemplate::from_minutiae(*minutiae);
}

core::Result<BoundVoter> read_bound(const core::YamlReader& r, const YAML::Node& n) {
    if (auto ok = r.only_keys(n, {"voter", "minutiae"}); !ok) return std::unexpected(ok.error());
    auto voter = r.get<std::int64_t>(n, "voter", 0, std::int64_t{1} << 40);
    if (!voter) return std::unexpected(voter.error());
    auto print = template_field(r, n, "minutiae");
    if (!print) return std::unexpected(print.error());
    return BoundVoter{*voter, *print};
}

// One capture: `wall_ms` and either `quality` and `minutiae`, or `fault` (dead or degraded) and `message`.
core::Result<devices::FingerprintDelivery> read_delivery(const core::YamlReader& r, const YAML::Node& n) {
    if (auto ok = r.only_keys(n, {"wall_ms", "quality", "minutiae", "fault", "message"}); !ok) return std::unexpected(ok.error());
    auto wall = r.get<std::int64_t>(n, "wall_ms", 0, std::int64_t{24} * 3600 * 1000);
    if (!wall) return std::unexpected(wall.error());
    if (n["fault"]) {
        if (n["quality"] || n["minutiae"]) return r.bad(n, "fault", "a capture has either fault and message, or quality and minutiae");
        auto fault = r.text(n, "fault");
        if (!fault) return std::unexpected(fault.error());
        if (*fault != "dead" && *fault != "degraded") return r.bad(n["fault"], "fault", "expected dead or degraded");
        auto message = r.text(n, "message");
        if (!message) return std::unexpected(message.error());
        const auto cause = *fault == "dead" ? devices::Fault::dead : devices::Fault::degraded;
        return devices::FingerprintDelivery{std::unexpected(devices::DeviceError{cause, *message}), *wall};
    }
    auto quality = r.get<int>(n, "quality", 0, 100);
    if (!quality) return std::unexpected(quality.error());
    auto print = template_field(r, n, "minutiae");
    if (!print) return std::unexpected(print.error());
    return devices::FingerprintDelivery{devices::FingerprintCapture{*print, *quality}, *wall};
}

core::Result<HilReaderRecord> read_reader(const core::YamlReader& r, const YAML::Node& n) {
    if (auto ok = r.only_keys(n, {"pec", "desk", "device", "threshold", "bound", "captures"}); !ok) return std::unexpected(ok.error());
    HilReaderRecord out;
    auto pec = r.get<int>(n, "pec", 1, 999'999);
    auto desk = r.get<int>(n, "desk", 1, 1000);
    auto device = r.text(n, "device");
    if (!pec || !desk || !device) return std::unexpected(!pec ? pec.error() : !desk ? desk.error() : device.error());
    out.pec = *pec, out.desk = *desk, out.device = *device;
    auto threshold = r.get<double>(n, "threshold", 0.0, 1.0);
    if (!threshold) return std::unexpected(threshold.error());
    out.threshold = *threshold;
    if (auto ok = r.list(n, "bound", read_bound, out.bound); !ok) return std::unexpected(ok.error());
    if (auto ok = r.list(n, "captures", read_delivery, out.deliveries); !ok) return std::unexpected(ok.error());
    return out;
}

// One sheet's marks: `form`, `options`, `preferences` ("party/place"), `readable`.
core::Result<core::BallotMarks> read_marks(const core::YamlReader& r, const YAML::Node& n) {
    core::BallotMarks m;
    auto form = r.text(n, "form");
    if (!form) return std::unexpected(form.error());
    if (*form != "party_list" && *form != "district") return r.bad(n["form"], "form", "expected party_list or district");
    m.sheet.form = *form == "party_list" ? core::BoxKind::party_list : core::BoxKind::district;
    auto options = r.ints(n, "options", 0, 255);
    if (!options) return std::unexpected(options.error());
    for (int o : *options) m.sheet.mark_option(o);
    if (const YAML::Node prefs = n["preferences"]; prefs.IsDefined() && !prefs.IsNull()) {
        if (!prefs.IsSequence()) return r.bad(prefs, "preferences", "expected a list of \"party/place\"");
        for (std::size_t i = 0; i < prefs.size(); ++i) {
            const std::string field = fmt::format("preferences[{}]", i);
            const std::string text = prefs[i].IsScalar() ? prefs[i].Scalar() : std::string();
            int party = 0, place = 0;
            const auto slash = text.find('/');
            const auto [p1, e1] = std::from_chars(text.data(), text.data() + std::min(slash, text.size()), party);
            const auto [p2, e2] = slash == std::string::npos ? std::from_chars_result{nullptr, std::errc::invalid_argument}
                                                            : std::from_chars(text.data() + slash + 1, text.data() + text.size(), place);
            if (e1 != std::errc() || e2 != std::errc() || p2 != text.data() + text.size() || party < 0 || party > 255 || place < 1 || place > 255)
                return r.bad(prefs[i], field, "expected \"party/place\", e.g. \"3/5\"");
            m.sheet.mark_preference(party, place);
        }
    }
    auto readable = r.text(n, "readable");
    if (!readable) return std::unexpected(readable.error());
    if (*readable != "true" && *readable != "false") return r.bad(n["readable"], "readable", "expected true or false");
    m.readable = *readable == "true";
    return m;
}

// One read: `wall_ms` and either `no_sheet: true`, the marks, or `fault` and `message`.
core::Result<devices::BallotDelivery> read_sheet(const core::YamlReader& r, const YAML::Node& n) {
    if (auto ok = r.only_keys(n, {"wall_ms", "no_sheet", "form", "options", "preferences", "readable", "fault", "message"}); !ok)
        return std::unexpected(ok.error());
    auto wall = r.get<std::int64_t>(n, "wall_ms", 0, std::int64_t{24} * 3600 * 1000);
    if (!wall) return std::unexpected(wall.error());
    devices::BallotDelivery d;
    d.wall_ms = *wall;
    if (n["no_sheet"]) {
        d.no_sheet = true;
        return d;
    }
    if (n["fault"]) {
        auto fault = r.text(n, "fault");
        if (!fault) return std::unexpected(fault.error());
        const auto f = fault_from(*fault, devices::DeviceKind::ballot_scanner);
        if (!f) return r.bad(n["fault"], "fault", "expected one of a ballot scanner's faults (dead, jam, misfeed, cover_open, ...)");
        auto message = r.text(n, "message");
        if (!message) return std::unexpected(message.error());
        d.result = std::unexpected(devices::DeviceError{*f, *message});
        return d;
    }
    auto marks = read_marks(r, n);
    if (!marks) return std::unexpected(marks.error());
    d.result = *marks;
    return d;
}

core::Result<HilScannerRecord> read_scanner(const core::YamlReader& r, const YAML::Node& n) {
    if (auto ok = r.only_keys(n, {"pec", "box", "device", "voters", "reads"}); !ok) return std::unexpected(ok.error());
    HilScannerRecord out;
    auto pec = r.get<int>(n, "pec", 1, 999'999);
    auto box = r.text(n, "box");
    auto device = r.text(n, "device");
    if (!pec || !box || !device) return std::unexpected(!pec ? pec.error() : !box ? box.error() : device.error());
    if (*box != "party_list" && *box != "district") return r.bad(n["box"], "box", "expected party_list or district");
    out.pec = *pec, out.box = *box == "party_list" ? 0 : 1, out.device = *device;
    if (const YAML::Node voters = n["voters"]; voters.IsDefined() && !voters.IsNull()) {
        if (!voters.IsSequence()) return r.bad(voters, "voters", "expected a list of voters (index in the national roll)");
        for (std::size_t i = 0; i < voters.size(); ++i) {
            auto v = r.number_at<std::int64_t>(voters[i], fmt::format("voters[{}]", i), 0, std::int64_t{1} << 40);
            if (!v) return std::unexpected(v.error());
            out.voters.push_back(*v);
        }
    }
    if (auto ok = r.list(n, "reads", read_sheet, out.deliveries); !ok) return std::unexpected(ok.error());
    return out;
}

// One leg the link carried: `leg` (report or answer), `wall_ms`, and `error` when it did not arrive.
core::Result<devices::LinkDelivery> read_leg(const core::YamlReader& r, const YAML::Node& n) {
    if (auto ok = r.only_keys(n, {"leg", "wall_ms", "error"}); !ok) return std::unexpected(ok.error());
    auto leg = r.text(n, "leg");
    if (!leg) return std::unexpected(leg.error());
    if (*leg != "report" && *leg != "answer") return r.bad(n["leg"], "leg", "expected report or answer");
    auto wall = r.get<std::int64_t>(n, "wall_ms", 0, std::int64_t{24} * 3600 * 1000);
    if (!wall) return std::unexpected(wall.error());
    devices::LinkDelivery d{*leg == "answer", true, {}, *wall};
    if (n["error"]) {
        auto error = r.text(n, "error");
        if (!error) return std::unexpected(error.error());
        d.arrived = false;
        d.error = *error;
    }
    return d;
}

core::Result<HilModemRecord> read_modem(const core::YamlReader& r, const YAML::Node& n) {
    if (auto ok = r.only_keys(n, {"pec", "link", "carried"}); !ok) return std::unexpected(ok.error());
    HilModemRecord out;
    auto pec = r.get<int>(n, "pec", 1, 999'999);
    auto link = r.text(n, "link");
    if (!pec || !link) return std::unexpected(!pec ? pec.error() : link.error());
    out.pec = *pec, out.link = *link;
    if (auto ok = r.list(n, "carried", read_leg, out.deliveries); !ok) return std::unexpected(ok.error());
    return out;
}

void emit_modem(YAML::Emitter& out, const HilModemRecord& m) {
    out << YAML::BeginMap << YAML::Key << "pec" << YAML::Value << m.pec;
    out << YAML::Key << "link" << YAML::Value << YAML::DoubleQuoted << m.link;
    out << YAML::Key << "carried" << YAML::Value << YAML::BeginSeq;
    for (const devices::LinkDelivery& d : m.deliveries) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "leg" << YAML::Value << (d.answer ? "answer" : "report") << YAML::Key << "wall_ms"
            << YAML::Value << d.wall_ms;
        if (!d.arrived) out << YAML::Key << "error" << YAML::Value << YAML::DoubleQuoted << d.error;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
}

void emit_reader(YAML::Emitter& out, const HilReaderRecord& r) {
    out << YAML::BeginMap << YAML::Key << "pec" << YAML::Value << r.pec << YAML::Key << "desk" << YAML::Value << r.desk;
    out << YAML::Key << "device" << YAML::Value << YAML::DoubleQuoted << r.device;
    out << YAML::Key << "threshold" << YAML::Value << fmt::format("{}", r.threshold);  // shortest text that reads back the same
    out << YAML::Key << "bound" << YAML::Value << YAML::BeginSeq;
    for (const BoundVoter& b : r.bound)
        out << YAML::BeginMap << YAML::Key << "voter" << YAML::Value << b.voter << YAML::Key << "minutiae" << YAML::Value
            << core::format_minutiae(b.print.valid_minutiae()) << YAML::EndMap;
    out << YAML::EndSeq << YAML::Key << "captures" << YAML::Value << YAML::BeginSeq;
    for (const devices::FingerprintDelivery& d : r.deliveries) {
        out << YAML::BeginMap << YAML::Key << "wall_ms" << YAML::Value << d.wall_ms;
        if (d.result)
            out << YAML::Key << "quality" << YAML::Value << d.result->quality << YAML::Key << "minutiae" << YAML::Value
                << core::format_minutiae(d.result->print.valid_minutiae());
        else
            out << YAML::Key << "fault" << YAML::Value << std::string(devices::to_string(d.result.error().cause)) << YAML::Key
                << "message" << YAML::Value << YAML::DoubleQuoted << d.result.error().message;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
}

void emit_sheet(YAML::Emitter& out, const devices::BallotDelivery& d) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "wall_ms" << YAML::Value << d.wall_ms;
    if (d.no_sheet) {
        out << YAML::Key << "no_sheet" << YAML::Value << true;
    } else if (!d.result) {
        out << YAML::Key << "fault" << YAML::Value << std::string(devices::to_string(d.result.error().cause)) << YAML::Key << "message"
            << YAML::Value << YAML::DoubleQuoted << d.result.error().message;
    } else {
        const core::MarkSheet& m = d.result->sheet;
        out << YAML::Key << "form" << YAML::Value << (m.form == core::BoxKind::party_list ? "party_list" : "district");
        out << YAML::Key << "options" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (int i = 0; i < std::min<int>(m.option_marks, core::MarkSheet::kMaxMarks); ++i) out << static_cast<int>(m.options[i]);
        out << YAML::EndSeq << YAML::Key << "preferences" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (int i = 0; i < std::min<int>(m.preference_marks, core::MarkSheet::kMaxMarks); ++i)
            out << fmt::format("{}/{}", m.preferences[i].party, m.preferences[i].position);
        out << YAML::EndSeq << YAML::Key << "readable" << YAML::Value << d.result->readable;
    }
    out << YAML::EndMap;
}

void emit_scanner(YAML::Emitter& out, const HilScannerRecord& s) {
    out << YAML::BeginMap << YAML::Key << "pec" << YAML::Value << s.pec << YAML::Key << "box" << YAML::Value
        << (s.box == 0 ? "party_list" : "district");
    out << YAML::Key << "device" << YAML::Value << YAML::DoubleQuoted << s.device;
    out << YAML::Key << "voters" << YAML::Value << YAML::Flow << s.voters;
    out << YAML::Key << "reads" << YAML::Value << YAML::BeginSeq;
    for (const devices::BallotDelivery& d : s.deliveries) emit_sheet(out, d);
    out << YAML::EndSeq << YAML::EndMap;
}

}  // namespace

core::Result<HardwareRecord> read_hardware(const core::YamlReader& reader, const YAML::Node& node) {
    if (!node.IsSequence()) return reader.bad(node, "hardware", "expected a list of readers, scanners and modem links");
    HardwareRecord out;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const core::YamlReader item = reader.within(fmt::format("hardware[{}]", i));
        const std::string where = fmt::format("hardware[{}]", i);
        if (node[i].IsMap() && node[i]["link"]) {
            auto m = read_modem(item, node[i]);
            if (!m) return std::unexpected(m.error());
            for (const HilModemRecord& earlier : out.modems)
                if (earlier.pec == m->pec) return reader.bad(node[i], where, fmt::format("a second modem link at PEC {}", m->pec));
            out.modems.push_back(std::move(*m));
            continue;
        }
        if (node[i].IsMap() && node[i]["box"]) {
            auto s = read_scanner(item, node[i]);
            if (!s) return std::unexpected(s.error());
            for (const HilScannerRecord& earlier : out.scanners)
                if (earlier.pec == s->pec && earlier.box == s->box)
                    return reader.bad(node[i], where, fmt::format("a second scanner in PEC {}'s ARBB {}", s->pec, s->box + 1));
            out.scanners.push_back(std::move(*s));
            continue;
        }
        auto r = read_reader(item, node[i]);
        if (!r) return std::unexpected(r.error());
        for (const HilReaderRecord& earlier : out.readers)
            if (earlier.pec == r->pec && earlier.desk == r->desk)
                return reader.bad(node[i], where, fmt::format("a second reader at PEC {} desk {}", r->pec, r->desk));
        out.readers.push_back(std::move(*r));
    }
    return out;
}

void emit_hardware(YAML::Emitter& out, const HardwareRecord& hardware) {
    out << YAML::BeginSeq;
    for (const HilReaderRecord& r : hardware.readers) emit_reader(out, r);
    for (const HilScannerRecord& s : hardware.scanners) emit_scanner(out, s);
    for (const HilModemRecord& m : hardware.modems) emit_modem(out, m);
    out << YAML::EndSeq;
}

// [SECTION] Replaying a reader

ReplayedFingerprintReader::ReplayedFingerprintReader(std::string id, std::vector<devices::FingerprintDelivery> deliveries,
                                                     const core::Clock* clock, std::vector<devices::FingerprintDelivery>* delivered)
    : FingerprintScanner(std::move(id)), deliveries_(std::move(deliveries)), clock_(clock), delivered_(delivered) {}

devices::DeviceResult<devices::FingerprintCapture> ReplayedFingerprintReader::capture(core::Finger) {
    devices::FingerprintDelivery d;
    if (next_ < deliveries_.size()) {
        d = deliveries_[next_++];
    } else {
        ++excess_;
        d.result = std::unexpected(devices::DeviceError{
            devices::Fault::dead, fmt::format("fingerprint reader {}: the drill record holds no more captures (the replay has diverged)", id())});
    }
    if (!d.result && d.result.error().cause == devices::Fault::dead && !has_fault(devices::Fault::dead))
        enter_fault(devices::Fault::dead, clock_ ? clock_->now() : 0);
    if (delivered_) delivered_->push_back(d);
    return d.result;
}

// [SECTION] Replaying a ballot scanner

ReplayedBallotScanner::ReplayedBallotScanner(std::string id, std::vector<devices::BallotDelivery> deliveries, const core::Clock* clock,
                                             std::vector<devices::BallotDelivery>* delivered)
    : BallotScanner(std::move(id)), deliveries_(std::move(deliveries)), clock_(clock), delivered_(delivered) {}

bool ReplayedBallotScanner::sheet_waiting() const {
    if (next_ >= deliveries_.size() || !deliveries_[next_].no_sheet) return true;
    if (delivered_) delivered_->push_back(deliveries_[next_]);
    ++next_;
    return false;
}

devices::DeviceResult<core::BallotMarks> ReplayedBallotScanner::read(core::Micros now) {
    using devices::Fault;
    devices::BallotDelivery d;
    if (next_ < deliveries_.size()) {
        d = deliveries_[next_++];
    } else {
        ++excess_;
        d.result = std::unexpected(devices::DeviceError{Fault::dead, fmt::format("ballot scanner {}: the drill record holds no more sheets (the replay has diverged)", id())});
    }
    if (delivered_) delivered_->push_back(d);
    if (!d.result) {
        const Fault f = d.result.error().cause;
        if ((f == Fault::jam || f == Fault::cover_open || f == Fault::dead) && !has_fault(f)) enter_fault(f, clock_ ? clock_->now() : now);
        return std::unexpected(d.result.error());
    }
    for (Fault f : {Fault::jam, Fault::cover_open, Fault::dead})  // a sheet that scans ends them, as on the scanner
        if (has_fault(f)) clear_fault(f, clock_ ? clock_->now() : now);
    held_ = true;
    return *d.result;
}

devices::DeviceResult<void> ReplayedBallotScanner::route(devices::Compartment where, core::Micros) {
    if (!held_) return std::unexpected(devices::DeviceError{devices::Fault::misfeed, fmt::format("ballot scanner {}: no sheet to route", id())});
    held_ = false;
    if (where != devices::Compartment::return_to_voter) ++dropped_;
    return {};
}

// [SECTION] Replaying a modem link

ReplayedModemLink::ReplayedModemLink(std::string name, std::vector<devices::LinkDelivery> deliveries) : name_(std::move(name)) {
    for (devices::LinkDelivery& d : deliveries) legs_[d.answer ? 1 : 0].push_back(std::move(d));
}

devices::LinkDelivery ReplayedModemLink::next(bool answer) {
    const int leg = answer ? 1 : 0;
    if (next_[leg] < legs_[leg].size()) return legs_[leg][next_[leg]++];
    ++excess_;
    return {answer, false,
            fmt::format("modem link {}: the drill record holds no {} here (the replay has diverged)", name_, answer ? "answer" : "report"), 0};
}

devices::LinkDelivery ReplayedModemLink::carry_report(std::span<const std::uint8_t>, std::uint64_t& ticket) {
    ticket = ++tickets_;
    return next(false);
}

devices::LinkDelivery ReplayedModemLink::carry_answer(std::uint64_t, const core::Ack&) { return next(true); }

// [SECTION] Replaying a session's devices

Hardware ReplayedHardware::for_world() const {
    Hardware out;
    for (const auto& r : readers) out.readers.push_back(r.get());
    for (const auto& s : scanners) out.scanners.push_back(s.get());
    for (const auto& m : modems) out.modems.push_back(m.get());
    return out;
}

std::string ReplayedHardware::divergence(bool night_over) const {
    std::string out;
    const auto note = [&](const std::string& id, std::int64_t excess, std::size_t pending, const char* what) {
        if (excess == 0 && (pending == 0 || !night_over)) return;
        out += fmt::format("{}{}: {} {} beyond the record, {} of the record not asked for", out.empty() ? "" : "; ", id, excess, what, pending);
    };
    for (const auto& s : reader_devices) note(s->id(), s->excess(), s->pending(), "capture(s)");
    for (const auto& s : scanner_devices) note(s->id(), s->excess(), s->pending(), "read(s)");
    for (const auto& l : modem_links) note("modem link " + l->name(), l->excess(), l->pending(), "report(s) or answer(s)");
    return out;
}

ReplayedHardware replay_hardware(const HardwareRecord& record) {
    ReplayedHardware out;
    for (const HilReaderRecord& rec : record.readers) {
        auto reader = std::make_unique<ExternalFingerprintReader>();
        reader->pec = rec.pec;
        reader->desk = rec.desk;
        reader->device = rec.device;
        reader->bound = rec.bound;
        reader->matcher = {.threshold = rec.threshold};
        auto device = std::make_unique<ReplayedFingerprintReader>(hil_reader_id(rec.pec, rec.desk), rec.deliveries, &reader->clock,
                                                                  &reader->delivered);
        reader->scanner = device.get();
        out.readers.push_back(std::move(reader));
        out.reader_devices.push_back(std::move(device));
    }
    for (const HilScannerRecord& rec : record.scanners) {
        auto scanner = std::make_unique<ExternalBallotScanner>();
        scanner->pec = rec.pec;
        scanner->box = rec.box;
        scanner->device = rec.device;
        scanner->voters = rec.voters;
        auto device = std::make_unique<ReplayedBallotScanner>(hil_scanner_id(rec.pec, rec.box), rec.deliveries, &scanner->clock,
                                                              &scanner->delivered);
        scanner->scanner = device.get();
        out.scanners.push_back(std::move(scanner));
        out.scanner_devices.push_back(std::move(device));
    }
    for (const HilModemRecord& rec : record.modems) {
        auto modem = std::make_unique<ExternalModem>();
        modem->pec = rec.pec;
        modem->device = rec.link;
        auto link = std::make_unique<ReplayedModemLink>(rec.link, rec.deliveries);
        modem->link = link.get();
        out.modems.push_back(std::move(modem));
        out.modem_links.push_back(std::move(link));
    }
    return out;
}

}  // namespace sim
