// PEC inspector: the selected PEC's state, queue and mean wait always in view, then tabs that each
// get the panel's whole height: voting (turnout, identification, both ARBBs' counters), devices
// with their faults, the transmission of each report, and the PEC's own log. Selecting a PEC opens
// the tab that matters for its state (devices when one is in a fault, transmission once closed).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "sim/identification_station.hpp"
#include "trainer/panels.hpp"

namespace trainer {
namespace {

const ImVec4 kOk(0.5f, 0.85f, 0.5f, 1), kBad(1, 0.4f, 0.4f, 1);

enum class Tab { voting, devices, transmission, log };

bool closed_or_later(sim::PecState s) {
    return s == sim::PecState::closed || s == sim::PecState::transmitted || s == sim::PecState::acknowledged;
}

// The tab a newly selected PEC opens on: its transmission once closed, else its devices when one is
// in fault or physical (hardware in the loop), else its voting.
Tab tab_for(const sim::PecDetail& d) {
    if (closed_or_later(d.view.state)) return Tab::transmission;
    const bool physical = std::any_of(d.devices.begin(), d.devices.end(), [](const sim::DeviceView& dev) { return dev.physical; });
    return d.view.active_faults != 0 || physical ? Tab::devices : Tab::voting;
}

void draw_header(const drill::DrillSession& session, const core::Pec& pec, const sim::PecDetail& d) {
    const core::Region* region = session.package().find_region(pec.region_code);
    ImGui::Text("PEC %d  %s (%s%s)", pec.number, pec.place.c_str(), region ? region->name.c_str() : "?",
                pec.district > 0 ? fmt::format(", district {}", pec.district).c_str() : "");
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(state_colour(d.view.state)), "[%s]", std::string(sim::to_string(d.view.state)).c_str());
    wrapped_text(fmt::format("queue {}   mean wait {}   desks busy {} of {}   operator pace x{:.2f}", d.view.queue, minutes_text(d.mean_wait_s),
                             d.desks_busy, d.desks, d.desk_pace),
                 ImGui::GetStyleColorVec4(ImGuiCol_Text));
}

void draw_boxes(const sim::PecDetail& d) {
    if (!ImGui::BeginTable("boxes", 6, ImGuiTableFlags_Borders)) return;
    // Explicit weights: right from a table's first frame (a tab just opened), every header fits.
    ImGui::TableSetupColumn("ARBB", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    for (const char* h : {"in box", "scanned", "valid", "invalid", "waiting"}) ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (int b = 0; b < 2; ++b) {
        const auto& r = d.boxes[static_cast<std::size_t>(b)];
        if (r.device_id.empty()) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%s%s", b == 0 ? "party list" : "district", r.kind == core::ReportKind::final ? " (final)" : "");
        for (long long v : {static_cast<long long>(r.ballots_in_box), static_cast<long long>(r.ballots_scanned), static_cast<long long>(r.valid),
                            static_cast<long long>(r.invalid), static_cast<long long>(d.ballots_waiting[static_cast<std::size_t>(b)])}) {
            ImGui::TableNextColumn();
            ImGui::Text("%lld", v);
        }
    }
    ImGui::EndTable();
}

void draw_voting(const core::Pec& pec, const sim::PecDetail& d) {
    const ImVec4 text = ImGui::GetStyleColorVec4(ImGuiCol_Text);
    const double turnout = pec.registered > 0 ? 100.0 * static_cast<double>(d.view.voters) / static_cast<double>(pec.registered) : 0.0;
    wrapped_text(fmt::format("voted {} of {} registered ({:.1f} %), {} came", d.view.voters, pec.registered, turnout, d.arrivals), text);
    if (d.left_queue > 0) wrapped_text(fmt::format("left without voting, the queue too long for them: {}", d.left_queue), text);
    const auto& id = d.identification;
    wrapped_text(fmt::format("identified: fingerprint {}, other finger {}, face {}, paper list {}; refused {}; no receipt {}", id.fingerprint,
                             id.other_finger, id.face, id.manual, id.refused(), id.receipts_not_printed),
                 text);
    draw_boxes(d);
}

void draw_devices(const sim::PecDetail& d) {
    if (!ImGui::BeginTable("devices", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY)) return;
    ImGui::TableSetupColumn("device", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    // Physical devices first (hardware in the loop): the ones the trainer watches.
    std::vector<const sim::DeviceView*> rows;
    for (const auto& dev : d.devices)
        if (dev.physical) rows.push_back(&dev);
    for (const auto& dev : d.devices)
        if (!dev.physical) rows.push_back(&dev);
    for (const sim::DeviceView* row : rows) {
        const sim::DeviceView& dev = *row;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(dev.physical ? (dev.id + " (physical)").c_str() : dev.id.c_str());
        ImGui::TableNextColumn();
        wrapped_text(dev.faults == 0 ? "ok" : fault_names(dev.faults), dev.faults == 0 ? kOk : kBad);
    }
    ImGui::EndTable();
}

// A device's last image as a texture, made again when a new one came (nullptr: none).
const sf::Texture* texture_of(DeviceImage& image) {
    if (!image.source) return nullptr;
    ReaderImage now = image.source();
    if (now.serial != 0 && now.serial != image.serial && now.width > 0 && now.height > 0) {
        std::vector<sf::Uint8> rgba(now.grey.size() * 4);
        for (std::size_t i = 0; i < now.grey.size(); ++i) rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = now.grey[i], rgba[4 * i + 3] = 255;
        auto texture = std::make_unique<sf::Texture>();
        if (texture->create(static_cast<unsigned>(now.width), static_cast<unsigned>(now.height))) {
            texture->update(rgba.data());
            image.texture = std::move(texture);
        }
        image.serial = now.serial;
    }
    return image.texture.get();
}

// `texture` `width` pixels wide in the panel.
void draw_texture(const sf::Texture& texture, float width) {
    const auto size = texture.getSize();
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture.getNativeHandle())),
                 ImVec2(width, width * static_cast<float>(size.y) / static_cast<float>(size.x)));
}

// The minutiae of a template, fitted into a box of `size` (a replay has no images: the template is
// what the record keeps).
void draw_minutiae(const core::FingerprintTemplate& print, ImVec2 size) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(at, ImVec2(at.x + size.x, at.y + size.y), IM_COL32(235, 235, 235, 255));
    const auto minutiae = print.valid_minutiae();
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    for (const core::Minutia& m : minutiae) x0 = std::min(x0, float(m.x)), y0 = std::min(y0, float(m.y)), x1 = std::max(x1, float(m.x)), y1 = std::max(y1, float(m.y));
    const float margin = 12.0f;
    const float scale = std::min((size.x - 2 * margin) / std::max(1.0f, x1 - x0), (size.y - 2 * margin) / std::max(1.0f, y1 - y0));
    for (const core::Minutia& m : minutiae) {
        const ImVec2 p(at.x + margin + (m.x - x0) * scale, at.y + margin + (m.y - y0) * scale);
        const float a = static_cast<float>(m.angle) * 6.2831853f / 256.0f;
        draw->AddCircle(p, 3.0f, IM_COL32(20, 20, 20, 255));
        draw->AddLine(p, ImVec2(p.x + 8.0f * std::cos(a), p.y - 8.0f * std::sin(a)), IM_COL32(20, 20, 20, 255));
    }
    ImGui::Dummy(size);
    ImGui::TextDisabled("(minutiae: a replay keeps no image)");
}

// "option 3, place 5" for marks read (the first option and preference of each).
std::string marks_text(const core::BallotMarks& m) {
    if (!m.readable) return "unreadable";
    std::string out;
    for (int i = 0; i < std::min<int>(m.sheet.option_marks, core::MarkSheet::kMaxMarks); ++i)
        out += fmt::format("{}option {}", out.empty() ? "" : ", ", m.sheet.options[i]);
    for (int i = 0; i < std::min<int>(m.sheet.preference_marks, core::MarkSheet::kMaxMarks); ++i)
        out += fmt::format("{}place {} of party {}", out.empty() ? "" : ", ", m.sheet.preferences[i].position, m.sheet.preferences[i].party);
    return out.empty() ? "blank" : out;
}

// A physical ballot scanner in one of this PEC's ARBBs: what it is, whose sheets, the last read.
void draw_scanner(const sim::ExternalBallotScanner& b, InspectorPanelState& state) {
    ImGui::Separator();
    ImGui::TextColored(kOk, "physical scanner in the %s ARBB: %s", b.box == 0 ? "party-list" : "district", b.device.c_str());
    ImGui::TextWrapped("sheets of %zu voter(s); %lld counted, %zu read(s)", b.voters.size(), static_cast<long long>(b.sheets), b.delivered.size());
    if (b.delivered.empty()) return;
    const devices::BallotDelivery& last = b.delivered.back();
    if (last.no_sheet) wrapped_text("last: no sheet in the feed", kBad);
    else if (!last.result) wrapped_text(fmt::format("last: {} ({} ms)", last.result.error().message, last.wall_ms), kBad);
    else ImGui::TextWrapped("last sheet: %s (%lld ms)", marks_text(*last.result).c_str(), static_cast<long long>(last.wall_ms));
    if (const sf::Texture* t = texture_of(state.sheet)) draw_texture(*t, std::min(ImGui::GetContentRegionAvail().x, 110.0f));
}

// The PEC's modem on a real link: what the link is, what it carried, and its last failure.
void draw_modem_link(const sim::ExternalModem& m) {
    ImGui::Separator();
    wrapped_text(fmt::format("modem on a real link: {}", m.device), kOk);
    std::int64_t reports = 0, answers = 0, failed = 0;
    for (const devices::LinkDelivery& d : m.delivered) (d.arrived ? (d.answer ? answers : reports) : failed) += 1;
    ImGui::TextWrapped("%lld report(s) reached the CEC, %lld answer(s) came back, %lld lost on the link", static_cast<long long>(reports),
                       static_cast<long long>(answers), static_cast<long long>(failed));
    if (m.delivered.empty()) return;
    const devices::LinkDelivery& last = m.delivered.back();
    const char* leg = last.answer ? "answer" : "report";
    if (last.arrived) ImGui::TextWrapped("last: %s over the link in %lld ms", leg, static_cast<long long>(last.wall_ms));
    else wrapped_text(fmt::format("last: {} lost: {} ({} ms)", leg, last.error, last.wall_ms), kBad);
}

// The physical devices at this PEC: what each is, whom it serves, what it did and the last one.
void draw_hardware(drill::DrillSession& session, InspectorPanelState& state, int pec) {
    for (const sim::ExternalFingerprintReader* r : session.hardware().readers) {
        if (r->pec != pec) continue;
        ImGui::Separator();
        ImGui::TextColored(kOk, "physical reader at desk %d: %s", r->desk, r->device.c_str());
        std::string voters;
        for (const sim::BoundVoter& b : r->bound) voters += fmt::format("{}{}", voters.empty() ? "" : ", ", b.voter);
        ImGui::TextWrapped("plays voter(s) %s; %zu capture(s)", voters.c_str(), r->delivered.size());
        if (r->delivered.empty()) continue;
        const devices::FingerprintDelivery& last = r->delivered.back();
        if (!last.result) {
            wrapped_text(fmt::format("last capture: {} ({} ms)", last.result.error().message, last.wall_ms), kBad);
            continue;
        }
        ImGui::Text("last capture: quality %d, %d minutiae, %lld ms", last.result->quality, static_cast<int>(last.result->print.count),
                    static_cast<long long>(last.wall_ms));
        const float w = std::min(ImGui::GetContentRegionAvail().x, 110.0f);
        if (const sf::Texture* t = texture_of(state.finger)) draw_texture(*t, w);
        else draw_minutiae(last.result->print, ImVec2(w, w * 1.33f));
    }
    for (const sim::ExternalBallotScanner* b : session.hardware().scanners)
        if (b->pec == pec) draw_scanner(*b, state);
    for (const sim::ExternalModem* m : session.hardware().modems)
        if (m->pec == pec) draw_modem_link(*m);
}

void draw_transmission(const sim::PecDetail& d) {
    if (d.transmission.empty()) {
        ImGui::TextUnformatted(closed_or_later(d.view.state) ? "nothing handed to the modem" : "voting not closed");
        return;
    }
    if (!ImGui::BeginTable("transmission", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY)) return;
    // Explicit widths: right from the table's first frame (the tab opens when a closed PEC is selected).
    ImGui::TableSetupColumn("report of", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("attempts", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("attempts").x);
    ImGui::TableSetupColumn("modem failures", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("modem failures").x);
    ImGui::TableSetupColumn("status", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    for (const auto& t : d.transmission) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(t.device_id.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%d", t.attempts);
        ImGui::TableNextColumn();
        ImGui::Text("%d", t.modem_failures);
        ImGui::TableNextColumn();
        if (t.acknowledged) wrapped_text(fmt::format("acknowledged {}", core::clock_time(t.acknowledged_at)), kOk);
        else if (t.rejected) wrapped_text(fmt::format("rejected: {}", t.reason), kBad);
        else wrapped_text(t.reason.empty() ? std::string("waiting") : fmt::format("waiting: {}", t.reason), ImGui::GetStyleColorVec4(ImGuiCol_Text));
    }
    ImGui::EndTable();
}

void draw_pec_log(const drill::DrillSession& session, int pec) {
    ImGui::BeginChild("pec_log", ImVec2(0, 0), true);
    for (const auto& e : session.world().log(pec, 60)) wrapped_text(fmt::format("{}  {}", core::clock_time(e.at), e.text),
                                                                    ImGui::GetStyleColorVec4(ImGuiCol_Text));
    ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
}

// One tab; `open` makes it the selected one (once, when the PEC changed).
bool begin_tab(const char* label, Tab tab, std::optional<Tab> open) {
    return ImGui::BeginTabItem(label, nullptr, open == tab ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None);
}

}  // namespace

void draw_inspector_panel(drill::DrillSession& session, ConsoleState& state) {
    place_panel(kLayout.inspector);
    ImGui::Begin("PEC inspector", nullptr, ImGuiWindowFlags_NoCollapse);
    const auto sel = session.selected();
    if (!sel) {
        ImGui::TextWrapped("Click a PEC on the map to inspect it.");
        state.inspector.shown.reset();
        ImGui::End();
        return;
    }
    const core::Pec& pec = session.pec(*sel);
    const sim::PecDetail d = session.world().detail(*sel);
    const std::optional<Tab> open = state.inspector.shown != sel ? std::optional(tab_for(d)) : std::nullopt;
    state.inspector.shown = sel;
    draw_header(session, pec, d);
    if (ImGui::BeginTabBar("inspector_tabs")) {
        if (begin_tab("Voting", Tab::voting, open)) draw_voting(pec, d), ImGui::EndTabItem();
        int faulty = 0;
        for (const auto& dev : d.devices) faulty += dev.faults != 0;
        const std::string devices = faulty > 0 ? fmt::format("Devices ({} in fault)###devices", faulty) : std::string("Devices###devices");
        if (begin_tab(devices.c_str(), Tab::devices, open)) {
            draw_hardware(session, state.inspector, pec.number);
            draw_devices(d);
            ImGui::EndTabItem();
        }
        if (begin_tab("Transmission", Tab::transmission, open)) {
            for (const sim::ExternalModem* m : session.hardware().modems)
                if (m->pec == pec.number) draw_modem_link(*m);
            draw_transmission(d);
            ImGui::EndTabItem();
        }
        if (begin_tab("Log", Tab::log, open)) draw_pec_log(session, pec.number), ImGui::EndTabItem();
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace trainer
