#include "sim/hil_record.hpp"

// Index of this file:
//   [SECTION] Reading and writing the `hardware` list
//   [SECTION] Replaying a reader

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include "core/device_keys.hpp"
#include "core/minutiae_text.hpp"
#include "core/yaml_fields.hpp"

namespace sim {

// [SECTION] Reading and writing the `hardware` list

HilReaderRecord record_of(const ExternalFingerprintReader& reader) {
    return {reader.pec, reader.desk, reader.device, reader.matcher.threshold, reader.bound, reader.delivered};
}

std::string hil_reader_id(int pec, int desk) { return core::device_id(pec, core::DeviceRole::identification, desk) + "-fingerprint-hil"; }

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
    for (const char* list : {"bound", "captures"}) {
        const YAML::Node items = n[list];
        if (!items.IsDefined() || items.IsNull()) continue;
        if (!items.IsSequence()) return r.bad(items, list, "expected a list");
        for (std::size_t i = 0; i < items.size(); ++i) {
            const core::YamlReader item = r.within(fmt::format("{}[{}]", list, i));
            if (std::string_view(list) == "bound") {
                auto b = read_bound(item, items[i]);
                if (!b) return std::unexpected(b.error());
                out.bound.push_back(*b);
            } else {
                auto d = read_delivery(item, items[i]);
                if (!d) return std::unexpected(d.error());
                out.deliveries.push_back(*d);
            }
        }
    }
    return out;
}

}  // namespace

core::Result<std::vector<HilReaderRecord>> read_hil_readers(const core::YamlReader& reader, const YAML::Node& node) {
    if (!node.IsSequence()) return reader.bad(node, "hardware", "expected a list of readers");
    std::vector<HilReaderRecord> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto r = read_reader(reader.within(fmt::format("hardware[{}]", i)), node[i]);
        if (!r) return std::unexpected(r.error());
        for (const HilReaderRecord& earlier : out)
            if (earlier.pec == r->pec && earlier.desk == r->desk)
                return reader.bad(node[i], fmt::format("hardware[{}]", i), fmt::format("a second reader at PEC {} desk {}", r->pec, r->desk));
        out.push_back(std::move(*r));
    }
    return out;
}

void emit_hil_readers(YAML::Emitter& out, const std::vector<HilReaderRecord>& readers) {
    out << YAML::BeginSeq;
    for (const HilReaderRecord& r : readers) {
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

std::vector<ExternalFingerprintReader*> ReplayedHardware::for_world() const {
    std::vector<ExternalFingerprintReader*> out;
    for (const auto& r : readers) out.push_back(r.get());
    return out;
}

std::string ReplayedHardware::divergence(bool night_over) const {
    std::string out;
    for (std::size_t i = 0; i < scanners.size(); ++i) {
        const ReplayedFingerprintReader& s = *scanners[i];
        if (s.excess() == 0 && (s.pending() == 0 || !night_over)) continue;
        out += fmt::format("{}{}: {} capture(s) beyond the record, {} of the record not asked for", out.empty() ? "" : "; ", s.id(),
                           s.excess(), s.pending());
    }
    return out;
}

ReplayedHardware replay_hardware(const std::vector<HilReaderRecord>& records) {
    ReplayedHardware out;
    for (const HilReaderRecord& rec : records) {
        auto reader = std::make_unique<ExternalFingerprintReader>();
        reader->pec = rec.pec;
        reader->desk = rec.desk;
        reader->device = rec.device;
        reader->bound = rec.bound;
        reader->matcher = {.threshold = rec.threshold};
        auto scanner = std::make_unique<ReplayedFingerprintReader>(hil_reader_id(rec.pec, rec.desk), rec.deliveries, &reader->clock,
                                                                   &reader->delivered);
        reader->scanner = scanner.get();
        out.readers.push_back(std::move(reader));
        out.scanners.push_back(std::move(scanner));
    }
    return out;
}

}  // namespace sim
