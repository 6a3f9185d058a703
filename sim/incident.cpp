#include "sim/incident.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <variant>

#include "core/clock.hpp"
#include "core/device_keys.hpp"
#include "core/wire.hpp"

namespace sim {
namespace {

constexpr std::array<std::string_view, kIncidentKinds> kNames{"rogue_device", "replay", "altered_replay", "stolen_key",
                                                                "display_error", "phishing", "usb_device", "pin_request",
                                                                "desk_break",   "flood"};

constexpr std::array<NamedUsbDevice, 4> kUsbDevices{{
    {"stick", R"(id 0781:5567 serial "4C530001090312109353" name "Cruzer Blade" with-interface 08:06:50)", true},
    {"keyboard", R"(id 03eb:2401 name "USB Keyboard" with-interface 03:01:01)", true},
    {"modem", R"(id 12d1:1506 name "E3372" with-interface { 02:02:ff 0a:00:00 })", false},
    {"spoofed-modem", R"(id 12d1:1506 name "E3372" with-interface { 02:02:ff 0a:00:00 03:01:01 })", true},
}};

/// Moves votes from the leading option to the second, enough to swap them; preferences of the party
/// that lost votes are capped at its new count (preferences <= party votes still holds).
core::Result<void> swap_leaders(core::ArbbReport& r) {
    auto& c = r.option_counts;
    if (c.size() < 2) return core::fail("the report has fewer than two options");
    std::vector<std::size_t> order(c.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return c[a] > c[b]; });
    const std::size_t first = order[0], second = order[1];
    if (c[first] == 0) return core::fail("the report counts no votes: nothing to change");
    const std::int64_t moved = std::min(c[first], (c[first] - c[second]) / 2 + 1);
    c[first] -= moved;
    c[second] += moved;
    if (first >= 1 && first - 1 < r.preference_counts.size())
        for (auto& p : r.preference_counts[first - 1]) p = std::min(p, c[first]);
    return {};
}

}  // namespace

std::string_view to_string(IncidentKind kind) { return kNames[static_cast<std::size_t>(kind)]; }

std::optional<IncidentKind> incident_kind_from(std::string_view name) {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return static_cast<IncidentKind>(i);
    return std::nullopt;
}

std::string_view host_name(int box) { return box == 0 ? "party_list" : box == 1 ? "district" : "station"; }

std::span<const NamedUsbDevice> usb_devices() { return kUsbDevices; }

std::optional<NamedUsbDevice> usb_device(std::string_view usb) {
    for (const auto& d : kUsbDevices)
        if (d.name == usb) return d;
    if (usb.starts_with("id ")) return NamedUsbDevice{"", usb, true};
    return std::nullopt;
}

std::string describe(const Incident& incident) {
    if (incident.kind == IncidentKind::display_error) return "display_error on the public page";
    if (incident.kind == IncidentKind::flood)
        return fmt::format("flood of {} connections a second from {} addresses on the {} for {} minutes", incident.rate, incident.addresses,
                           incident.on_page ? "results page" : "ingest", incident.lasts / core::kMinute);
    if (incident.kind == IncidentKind::pin_request || incident.kind == IncidentKind::desk_break)
        return fmt::format("{} PEC {} desk {}", to_string(incident.kind), incident.pec, incident.desk + 1);
    if (incident.kind == IncidentKind::usb_device)
        return fmt::format("usb_device '{}' at PEC {}'s {}", incident.usb, incident.pec,
                           incident.box == kStationLaptop ? "identification station" : incident.box == 0 ? "party-list ARBB" : "district ARBB");
    return fmt::format("{} PEC {} {} box", to_string(incident.kind), incident.pec, incident.box == 0 ? "party_list" : "district");
}

void shift_party_rows(nlohmann::json& published) {
    auto& parties = published["parties"];
    if (!parties.is_array() || parties.size() < 2) return;
    const auto first = parties[0]["votes"];
    for (std::size_t i = 0; i + 1 < parties.size(); ++i) parties[i]["votes"] = parties[i + 1]["votes"];
    parties[parties.size() - 1]["votes"] = first;
}

std::string phishing_text(const Incident& incident) {
    return fmt::format("From: CEC technical support <support@cec-kg.help>. Subject: ARBB certificate expires tonight. "
                       "The signing certificate of your {} ARBB ({}) expires at 20:00: results signed after that will be "
                       "rejected. Upload its key file at https://cec-kg.help/renew within 30 minutes.",
                       incident.box == 0 ? "party-list" : "district", fmt::format("{}-arbb-{}", incident.pec, incident.box + 1));
}

std::string pin_request_text(const Incident& incident, std::string_view operator_name) {
    return fmt::format("Talant, a member of the commission, asks you for the PIN of {}, the operator of desk {}: \"She will be on her break "
                       "soon and I will cover for her, so that the queue does not grow. She said you have it.\"",
                       operator_name, incident.desk + 1);
}

std::string rogue_device_id(int pec) { return fmt::format("{}-arbb-9", pec); }

core::Result<std::vector<CraftedMessage>> craft_attack(const Incident& incident, std::span<const std::uint8_t> captured,
                                                       std::uint64_t secret_seed, Time now) {
    if (incident.kind == IncidentKind::display_error || incident.kind == IncidentKind::phishing || incident.kind == IncidentKind::usb_device ||
        incident.kind == IncidentKind::pin_request || incident.kind == IncidentKind::desk_break || incident.kind == IncidentKind::flood)
        return core::fail(fmt::format("{} sends no report", to_string(incident.kind)));
    if (incident.kind == IncidentKind::replay) {
        std::vector<CraftedMessage> out;
        const int copies = std::max(1, incident.copies);
        for (int k = 0; k < copies; ++k)
            out.push_back({{captured.begin(), captured.end()}, core::kMinute * k / copies});
        return out;
    }
    auto envelope = core::open_envelope(captured);
    if (!envelope) return core::fail(fmt::format("the captured message is not a signed report: {}", envelope.error().message));
    auto report = core::decode_body(envelope->body);
    if (!report) return core::fail(fmt::format("the captured message cannot be read: {}", report.error().message));
    auto* arbb = std::get_if<core::ArbbReport>(&report->payload);
    if (!arbb || arbb->kind != core::ReportKind::final) return core::fail("the captured message is not an ARBB's final report");
    if (auto ok = swap_leaders(*arbb); !ok) return std::unexpected(ok.error());
    switch (incident.kind) {
        case IncidentKind::altered_replay:  // no key: the captured signature over a changed body
            return std::vector<CraftedMessage>{{core::encode_envelope({core::encode_body(*report), envelope->signature}), 0}};
        case IncidentKind::stolen_key:  // the box's own key: the next sequence number, sent now
            ++report->header.sequence;
            report->header.sent_at = now;
            break;
        case IncidentKind::rogue_device:
            report->header.device_id = arbb->device_id = rogue_device_id(report->header.pec);
            report->header.sent_at = now;
            break;
        default: break;
    }
    const auto key = core::derive_device_keys(secret_seed, report->header.device_id).secret_key;
    return std::vector<CraftedMessage>{{core::encode_signed_report(*report, key), 0}};
}

}  // namespace sim
