#include "apps/hil_drill.hpp"

#include <fmt/core.h>

#include <charconv>

#include "hil/enrolment.hpp"
#include "sim/hil_record.hpp"

namespace apps {

core::Result<HilSlot> parse_hil_slot(std::string_view text) {
    const auto bad = [&](std::string_view why) { return core::fail(fmt::format("--hil '{}': {}", text, why)); };
    const auto colon = text.find(':');
    const auto equals = text.find('=');
    if (colon == std::string_view::npos || equals == std::string_view::npos || equals < colon)
        return bad("expected PEC:SLOT=DEVICE, e.g. 6006:desk1=elan (a reader from `shailoo hil list`)");
    HilSlot slot;
    const std::string_view pec = text.substr(0, colon), name = text.substr(colon + 1, equals - colon - 1);
    if (auto [p, ec] = std::from_chars(pec.data(), pec.data() + pec.size(), slot.pec); ec != std::errc() || p != pec.data() + pec.size() || slot.pec <= 0)
        return bad("the PEC must be a PEC number, e.g. 6006");
    const std::string_view digits = name.starts_with("desk") ? name.substr(4) : std::string_view();
    if (auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), slot.desk);
        digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || slot.desk <= 0)
        return bad(fmt::format("slot '{}': a drill takes fingerprint readers at identification desks (desk1, desk2, ...); a SANE ballot "
                               "scanner works through `shailoo ballots scan` and a real link through `shailoo hil send`, not yet in a drill "
                               "(docs/hil.md)",
                               name));
    slot.device = std::string(text.substr(equals + 1));
    if (slot.device.empty()) return bad("no DEVICE after '='");
    return slot;
}

core::Result<std::unique_ptr<HilDrill>> HilDrill::open(const std::vector<std::string>& slots, const std::vector<std::string>& enrolments,
                                                       std::chrono::milliseconds timeout) {
    std::unique_ptr<HilDrill> drill(new HilDrill());
    std::vector<HilSlot> parsed;
    for (const std::string& text : slots) {
        auto slot = parse_hil_slot(text);
        if (!slot) return std::unexpected(slot.error());
        parsed.push_back(*slot);
    }
    auto session = hil::LibfprintSession::start(timeout);
    if (!session) return core::fail(fmt::format("--hil: {}", session.error()));
    drill->session_ = std::move(*session);
    for (const HilSlot& slot : parsed)
        if (auto ok = drill->open_reader(slot, timeout); !ok) return std::unexpected(ok.error());
    for (const std::string& file : enrolments) {
        auto e = hil::load_enrolment(file);
        if (!e) return std::unexpected(e.error());
        const auto at = std::find_if(drill->readers_.begin(), drill->readers_.end(), [&](const auto& r) { return r->pec == e->pec; });
        if (at == drill->readers_.end())
            return core::fail(fmt::format("--hil-voter {}: voter {} is on PEC {}'s roll, but no --hil reader stands at PEC {}", file, e->voter,
                                          e->pec, e->pec));
        (*at)->bound.push_back({e->voter, e->print});
    }
    for (const auto& r : drill->readers_)
        if (r->bound.empty())
            return core::fail(fmt::format("--hil {}:desk{}: no voter is bound to this reader: enrol the trainee with `shailoo hil enroll DEVICE "
                                          "--pec {} --out FILE` and pass --hil-voter FILE",
                                          r->pec, r->desk, r->pec));
    return drill;
}

core::Result<void> HilDrill::open_reader(const HilSlot& slot, std::chrono::milliseconds timeout) {
    auto info = session_->find(slot.device);
    if (!info) return core::fail(fmt::format("--hil {}:desk{}={}: {}", slot.pec, slot.desk, slot.device, info.error()));
    auto reader = std::make_unique<sim::ExternalFingerprintReader>();
    reader->pec = slot.pec;
    reader->desk = slot.desk;
    reader->device = fmt::format("{} ({})", info->driver, info->name);
    reader->matcher = {.threshold = hil::kLibfprintThreshold};
    sim::ExternalFingerprintReader* r = reader.get();
    hil::ScannerSettings settings;
    settings.timeout = timeout;
    settings.clock = &r->clock;
    settings.on_finger_needed = [r] {
        fmt::print(stderr, "shailoo train: PEC {} desk {}: a trainee's voter is at the reader ({}): place the finger\n", r->pec, r->desk, r->device);
    };
    settings.on_capture = [this, r](const devices::FingerprintDelivery& d, const hil::GreyImage* image) { delivered(*r, d, image); };
    auto scanner = session_->open(slot.device, sim::hil_reader_id(slot.pec, slot.desk), settings);
    if (!scanner) return core::fail(fmt::format("--hil {}:desk{}={}: {}", slot.pec, slot.desk, slot.device, scanner.error()));
    r->scanner = scanner->get();
    readers_.push_back(std::move(reader));
    scanners_.push_back(std::move(*scanner));
    return {};
}

// On the PEC's thread, after each capture: the record's delivery, the console's image, a line for the instructor.
void HilDrill::delivered(sim::ExternalFingerprintReader& reader, const devices::FingerprintDelivery& d, const hil::GreyImage* image) {
    reader.delivered.push_back(d);
    if (image && !image->pixels.empty()) {
        std::lock_guard lock(mutex_);
        last_ = {last_.serial + 1, image->width, image->height, image->pixels};
    }
    if (d.result)
        fmt::print(stderr, "shailoo train: PEC {} desk {}: captured, quality {}, {} minutiae ({} ms)\n", reader.pec, reader.desk, d.result->quality,
                   d.result->print.count, d.wall_ms);
    else
        fmt::print(stderr, "shailoo train: PEC {} desk {}: {} ({} ms)\n", reader.pec, reader.desk, d.result.error().message, d.wall_ms);
}

std::vector<sim::ExternalFingerprintReader*> HilDrill::readers() const {
    std::vector<sim::ExternalFingerprintReader*> out;
    for (const auto& r : readers_) out.push_back(r.get());
    return out;
}

trainer::ReaderImage HilDrill::last_image() const {
    std::lock_guard lock(mutex_);
    return last_;
}

}  // namespace apps
