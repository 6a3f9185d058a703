#include "apps/hil_drill.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <span>
#include <thread>

#include "hil/ballot_sheet.hpp"
#include "hil/enrolment.hpp"
#include "hil/mark_reader.hpp"
#include "sim/hil_record.hpp"

namespace apps {

core::Result<HilSlot> parse_hil_slot(std::string_view text) {
    const auto bad = [&](std::string_view why) { return core::fail(fmt::format("--hil '{}': {}", text, why)); };
    const auto colon = text.find(':');
    const auto equals = text.find('=');
    if (colon == std::string_view::npos || equals == std::string_view::npos || equals < colon)
        return bad("expected PEC:SLOT=DEVICE, e.g. 6006:desk1=elan or 6006:arbb-party=pnm:0 (devices: `shailoo hil list`)");
    HilSlot slot;
    const std::string_view pec = text.substr(0, colon), name = text.substr(colon + 1, equals - colon - 1);
    if (auto [p, ec] = std::from_chars(pec.data(), pec.data() + pec.size(), slot.pec); ec != std::errc() || p != pec.data() + pec.size() || slot.pec <= 0)
        return bad("the PEC must be a PEC number, e.g. 6006");
    if (name == "arbb-party" || name == "arbb-district") {
        slot.box = name == "arbb-party" ? 0 : 1;
    } else if (name == "modem") {
        slot.modem = true;
    } else {
        const std::string_view digits = name.starts_with("desk") ? name.substr(4) : std::string_view();
        if (auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), slot.desk);
            digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || slot.desk <= 0)
            return bad(fmt::format("slot '{}': a drill takes fingerprint readers at identification desks (desk1, desk2, ...), ballot "
                                   "scanners in the ARBBs (arbb-party, arbb-district) and the modem's real link (modem)",
                                   name));
    }
    slot.device = std::string(text.substr(equals + 1));
    if (slot.modem) {
        const auto comma = slot.device.find(',');
        if (comma != std::string::npos) {
            if (slot.device.compare(comma + 1, 4, "via=") != 0 || slot.device.size() == comma + 5)
                return bad("a modem link is IP:PORT (the CEC's end) and optionally ,via=HOST:PORT (where the PEC's end dials)");
            slot.via = slot.device.substr(comma + 5);
            slot.device.resize(comma);
        }
    }
    if (slot.device.empty()) return bad("no DEVICE after '='");
    return slot;
}

core::Result<std::unique_ptr<HilDrill>> HilDrill::open(const HilRequest& request, const core::ElectionPackage& package) {
    std::unique_ptr<HilDrill> drill(new HilDrill());
    std::vector<HilSlot> slots;
    for (const std::string& text : request.slots) {
        auto slot = parse_hil_slot(text);
        if (!slot) return std::unexpected(slot.error());
        slots.push_back(*slot);
    }
    if (std::any_of(slots.begin(), slots.end(), [](const HilSlot& s) { return s.box < 0 && !s.modem; })) {
        auto session = hil::LibfprintSession::start(request.timeout);
        if (!session) return core::fail(fmt::format("--hil: {}", session.error()));
        drill->session_ = std::move(*session);
    }
    for (const HilSlot& slot : slots)
        if (auto ok = slot.modem     ? drill->open_modem(slot, request, package)
                      : slot.box < 0 ? drill->open_reader(slot, request.timeout)
                                     : drill->open_scanner(slot, request, package);
            !ok)
            return std::unexpected(ok.error());
    for (const std::string& file : request.enrolments) {
        auto e = hil::load_enrolment(file);
        if (!e) return std::unexpected(e.error());
        bool used = false;
        for (const auto& r : drill->readers_)
            if (r->pec == e->pec) r->bound.push_back({e->voter, e->print}), used = true;
        for (const auto& s : drill->scanners_)
            if (s->pec == e->pec) s->voters.push_back(e->voter), used = true;
        if (!used)
            return core::fail(fmt::format("--hil-voter {}: voter {} is on PEC {}'s roll, but no --hil reader or scanner stands at PEC {}", file, e->voter,
                                          e->pec, e->pec));
    }
    for (const auto& r : drill->readers_)
        if (r->bound.empty())
            return core::fail(fmt::format("--hil {}:desk{}: no voter is bound to this reader: enrol the trainee with `shailoo hil enroll DEVICE "
                                          "--pec {} --out FILE` and pass --hil-voter FILE",
                                          r->pec, r->desk, r->pec));
    for (const auto& s : drill->scanners_)
        if (s->voters.empty())
            return core::fail(fmt::format("--hil {}:{}: no voter's sheets go through this scanner: pass --hil-voter FILE (an enrolment at PEC {})",
                                          s->pec, s->box == 0 ? "arbb-party" : "arbb-district", s->pec));
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
    settings.on_capture = [this, r](const devices::FingerprintDelivery& d, const hil::GreyImage* image) { captured(*r, d, image); };
    auto device = session_->open(slot.device, sim::hil_reader_id(slot.pec, slot.desk), settings);
    if (!device) return core::fail(fmt::format("--hil {}:desk{}={}: {}", slot.pec, slot.desk, slot.device, device.error()));
    r->scanner = device->get();
    readers_.push_back(std::move(reader));
    reader_devices_.push_back(std::move(*device));
    return {};
}

namespace {

// What the person at the scanner is asked to mark: the ballot the voter meant.
std::string meant_text(const core::Ballot& b) {
    const core::MarkSheet& m = b.sheet;
    if (m.option_marks == 0) return "leave the sheet blank";
    std::string out = m.options[0] == 0 ? "mark 'against all'" : fmt::format("mark option {}", m.options[0]);
    for (int i = 1; i < std::min<int>(m.option_marks, core::MarkSheet::kMaxMarks); ++i) out += fmt::format(" and option {}", m.options[i]);
    if (m.preference_marks > 0) out += fmt::format(", and place {} of its list", m.preferences[0].position);
    if (b.condition != core::PaperCondition::intact) out += " (the voter's sheet is smudged or torn)";
    return out;
}

// The image a quarter of its size each way (the inspector shows it small), box-averaged.
trainer::ReaderImage small_copy(const hil::SheetImage& image, std::uint64_t serial) {
    constexpr int k = 4;
    trainer::ReaderImage out{serial, image.width / k, image.height / k, {}};
    out.grey.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            int sum = 0;
            for (int dy = 0; dy < k; ++dy)
                for (int dx = 0; dx < k; ++dx) sum += image.pixels[static_cast<std::size_t>((y * k + dy) * image.width + x * k + dx)];
            out.grey[static_cast<std::size_t>(y * out.width + x)] = static_cast<std::uint8_t>(sum / (k * k));
        }
    return out;
}

}  // namespace

core::Result<void> HilDrill::open_scanner(const HilSlot& slot, const HilRequest& request, const core::ElectionPackage& package) {
    const std::string where = fmt::format("--hil {}:{}={}", slot.pec, slot.box == 0 ? "arbb-party" : "arbb-district", slot.device);
    const auto pec = std::find_if(package.pecs.begin(), package.pecs.end(), [&](const core::Pec& p) { return p.number == slot.pec; });
    if (pec == package.pecs.end()) return core::fail(fmt::format("{}: PEC {} is not in the drill's package", where, slot.pec));
    auto party = hil::party_list_sheet(package);
    if (!party) return core::fail(fmt::format("{}: {}", where, party.error().message));
    std::vector<hil::BallotSheet> sheets{*party};
    if (pec->district > 0) {
        auto district = hil::district_sheet(package, pec->district);
        if (!district) return core::fail(fmt::format("{}: {}", where, district.error().message));
        sheets.push_back(*district);
    }
    auto scanner = std::make_unique<sim::ExternalBallotScanner>();
    scanner->pec = slot.pec;
    scanner->box = slot.box;
    scanner->device = slot.device;
    sim::ExternalBallotScanner* s = scanner.get();
    const std::string box = slot.box == 0 ? "party-list" : "district";
    // The world waits while the trainee marks and feeds the sheet: until the paper sensor sees it, or
    // `sheet_wait` on a scanner without one.
    scanner->present = [s, box, wait = request.sheet_wait](std::int64_t voter, const core::Ballot& meant) {
        fmt::print(stderr, "shailoo train: PEC {} {} ARBB: voter {}'s sheet: {}, then feed it to the scanner ({})\n", s->pec, box, voter,
                   meant_text(meant), s->device);
        const auto* device = static_cast<const hil::SaneBallotScanner*>(s->scanner);
        for (const auto until = std::chrono::steady_clock::now() + wait; std::chrono::steady_clock::now() < until;) {
            if (device->paper_loaded() == true) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    };
    hil::SaneScannerOptions options;
    for (const std::string& kv : request.scanner_options) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) return core::fail(fmt::format("--hil-scanner-option '{}': expected NAME=VALUE", kv));
        options.extra.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    options.on_read = [this, s](const devices::BallotDelivery& d, const hil::SheetImage* image) { scanned(*s, d, image); };
    auto device = hil::SaneBallotScanner::open(sim::hil_scanner_id(slot.pec, slot.box), slot.device, hil::MarkReader(sheets), options);
    if (!device) return core::fail(fmt::format("{}: {}", where, device.error().message));
    s->scanner = device->get();
    scanners_.push_back(std::move(scanner));
    scanner_devices_.push_back(std::move(*device));
    return {};
}

// On the PEC's thread, after each capture: the record's delivery, the console's image, a line for the instructor.
void HilDrill::captured(sim::ExternalFingerprintReader& reader, const devices::FingerprintDelivery& d, const hil::GreyImage* image) {
    reader.delivered.push_back(d);
    if (image && !image->pixels.empty()) {
        std::lock_guard lock(mutex_);
        last_image_ = {last_image_.serial + 1, image->width, image->height, image->pixels};
    }
    if (d.result)
        fmt::print(stderr, "shailoo train: PEC {} desk {}: captured, quality {}, {} minutiae ({} ms)\n", reader.pec, reader.desk, d.result->quality,
                   d.result->print.count, d.wall_ms);
    else
        fmt::print(stderr, "shailoo train: PEC {} desk {}: {} ({} ms)\n", reader.pec, reader.desk, d.result.error().message, d.wall_ms);
}

// On the PEC's thread, after each read (or empty feed): the record's delivery, the console's sheet, a line.
void HilDrill::scanned(sim::ExternalBallotScanner& scanner, const devices::BallotDelivery& d, const hil::SheetImage* image) {
    scanner.delivered.push_back(d);
    if (image && image->width >= 4 && image->height >= 4) {
        std::lock_guard lock(mutex_);
        last_sheet_ = small_copy(*image, last_sheet_.serial + 1);
    }
    const char* box = scanner.box == 0 ? "party-list" : "district";
    if (d.no_sheet) fmt::print(stderr, "shailoo train: PEC {} {} ARBB: no sheet in the scanner\n", scanner.pec, box);
    else if (!d.result) fmt::print(stderr, "shailoo train: PEC {} {} ARBB: {} ({} ms)\n", scanner.pec, box, d.result.error().message, d.wall_ms);
    else fmt::print(stderr, "shailoo train: PEC {} {} ARBB: sheet read, {} option mark(s){} ({} ms)\n", scanner.pec, box, d.result->sheet.option_marks,
                    d.result->readable ? "" : ", unreadable", d.wall_ms);
}

namespace {

// A modem link that tells the instructor each leg it carried, on stderr.
class TellingLink final : public devices::ModemLink {
public:
    TellingLink(int pec, std::unique_ptr<hil::ModemLink> link) : pec_(pec), link_(std::move(link)) {}
    devices::LinkDelivery carry_report(std::span<const std::uint8_t> report, std::uint64_t& ticket) override {
        return tell(link_->carry_report(report, ticket), "report");
    }
    devices::LinkDelivery carry_answer(std::uint64_t ticket, const core::Ack& ack) override {
        return tell(link_->carry_answer(ticket, ack), fmt::format("answer ({})", core::to_string(ack.outcome)));
    }

private:
    devices::LinkDelivery tell(devices::LinkDelivery d, const std::string& what) const {
        if (d.arrived) fmt::print(stderr, "shailoo train: PEC {} modem link: {} carried ({} ms)\n", pec_, what, d.wall_ms);
        else fmt::print(stderr, "shailoo train: PEC {} modem link: {} lost: {} ({} ms)\n", pec_, what, d.error, d.wall_ms);
        return d;
    }
    int pec_;
    std::unique_ptr<hil::ModemLink> link_;
};

}  // namespace

core::Result<void> HilDrill::open_modem(const HilSlot& slot, const HilRequest& request, const core::ElectionPackage& package) {
    const std::string where = fmt::format("--hil {}:modem={}{}", slot.pec, slot.device, slot.via.empty() ? "" : ",via=" + slot.via);
    if (std::none_of(package.pecs.begin(), package.pecs.end(), [&](const core::Pec& p) { return p.number == slot.pec; }))
        return core::fail(fmt::format("{}: PEC {} is not in the drill's package", where, slot.pec));
    for (const auto& m : modems_)
        if (m->pec == slot.pec) return core::fail(fmt::format("{}: PEC {} has one modem", where, slot.pec));
    auto listen = net::parse_server_address(slot.device);
    if (!listen) return core::fail(fmt::format("{}: {}", where, listen.error().message));
    hil::ModemLinkSettings settings{.listen = *listen,
                                    .dial = std::nullopt,
                                    .certificate = request.tls / "training-server.pem",
                                    .private_key = request.tls / "training-server.key",
                                    .ca = request.tls / "cec-ca.pem",
                                    .server_name = "localhost",
                                    .timeout = request.timeout};
    if (!slot.via.empty()) {
        auto via = net::parse_server_address(slot.via);
        if (!via) return core::fail(fmt::format("{}: via: {}", where, via.error().message));
        settings.dial = *via;
    }
    auto link = hil::ModemLink::open(settings);
    if (!link) return core::fail(fmt::format("{}: {}", where, link.error().message));
    const net::ServerAddress cec = (*link)->cec_end(), pec = (*link)->pec_dials();
    auto modem = std::make_unique<sim::ExternalModem>();
    modem->pec = slot.pec;
    modem->device = fmt::format("CEC end {}:{}, PEC end dials {}:{}", cec.host, cec.port, pec.host, pec.port);
    fmt::print(stderr, "shailoo train: PEC {}'s modem sends over a real link: {}\n", slot.pec, modem->device);
    links_.push_back(std::make_unique<TellingLink>(slot.pec, std::move(*link)));
    modem->link = links_.back().get();
    modems_.push_back(std::move(modem));
    return {};
}

sim::Hardware HilDrill::hardware() const {
    sim::Hardware out;
    for (const auto& r : readers_) out.readers.push_back(r.get());
    for (const auto& s : scanners_) out.scanners.push_back(s.get());
    for (const auto& m : modems_) out.modems.push_back(m.get());
    return out;
}

trainer::ReaderImage HilDrill::last_image() const {
    std::lock_guard lock(mutex_);
    return last_image_;
}

trainer::ReaderImage HilDrill::last_sheet() const {
    std::lock_guard lock(mutex_);
    return last_sheet_;
}

}  // namespace apps
