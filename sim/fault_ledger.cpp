#include "sim/fault_ledger.hpp"

#include <algorithm>
#include <optional>

namespace sim {
namespace {

using devices::Fault;
using station::Refusal;

// The device fault a box's refusal stands for (nullopt: no device fault, e.g. voting not open).
std::optional<std::pair<FaultDevice, Fault>> fault_of(Refusal why) {
    switch (why) {
        case Refusal::dead: return std::pair{FaultDevice::arbb, Fault::dead};
        case Refusal::cover_open: return std::pair{FaultDevice::arbb, Fault::cover_open};
        case Refusal::jam: return std::pair{FaultDevice::arbb, Fault::jam};
        case Refusal::box_full: return std::pair{FaultDevice::arbb, Fault::box_full};
        case Refusal::misfeed: return std::pair{FaultDevice::arbb, Fault::misfeed};
        case Refusal::no_power: return std::pair{FaultDevice::power, Fault::mains_loss};
        default: return std::nullopt;
    }
}

// Adds the time of [from, to) to the slots of kFaultSlot it covers (slot i: [i, i + 1) x kFaultSlot).
void add_to_slots(std::vector<core::Micros>& slots, core::Micros from, core::Micros to) {
    if (to <= from || from < 0) return;
    const auto last = static_cast<std::size_t>((to - 1) / kFaultSlot);
    if (slots.size() <= last) slots.resize(last + 1, 0);
    for (auto i = static_cast<std::size_t>(from / kFaultSlot); i <= last; ++i) {
        const core::Micros start = static_cast<core::Micros>(i) * kFaultSlot;
        slots[i] += std::min(to, start + kFaultSlot) - std::max(from, start);
    }
}

}  // namespace

FaultDevice fault_device_of(devices::DeviceKind kind) {
    switch (kind) {
        case devices::DeviceKind::fingerprint_scanner: return FaultDevice::fingerprint_scanner;
        case devices::DeviceKind::document_reader: return FaultDevice::document_reader;
        case devices::DeviceKind::webcam: return FaultDevice::webcam;
        case devices::DeviceKind::ballot_scanner: return FaultDevice::arbb;
        case devices::DeviceKind::printer: return FaultDevice::printer;
        case devices::DeviceKind::modem: return FaultDevice::modem;
        case devices::DeviceKind::power_supply: return FaultDevice::power;
    }
    return FaultDevice::printer;
}

bool desk_device(FaultDevice device) {
    return device == FaultDevice::fingerprint_scanner || device == FaultDevice::document_reader || device == FaultDevice::webcam ||
           device == FaultDevice::printer;
}

PecFaultEffect& FaultLedger::row(FaultDevice device, Fault fault) {
    for (auto& r : rows_)
        if (r.device == device && r.fault == fault) return r;
    return rows_.emplace_back(PecFaultEffect{.device = device, .fault = fault});
}

void FaultLedger::record(FaultDevice device, const devices::FaultEvent& event) {
    const auto open = std::find_if(episodes_.begin(), episodes_.end(), [&](const Episode& e) {
        return e.to < 0 && rows_[e.row].fault == event.fault && e.device_id == event.device_id;
    });
    if (event.entered) {
        if (open != episodes_.end()) return;  // a new severity: the same episode goes on
        PecFaultEffect& r = row(device, event.fault);
        ++r.episodes;
        desk_episodes_ += desk_device(device);
        episodes_.push_back({static_cast<std::size_t>(&r - rows_.data()), event.device_id, event.at});
        return;
    }
    if (open == episodes_.end()) return;
    open->to = event.at;
    PecFaultEffect& r = rows_[open->row];
    r.downtime += open->to - open->from;
    r.longest = std::max(r.longest, open->to - open->from);
}

void FaultLedger::sheet_held(Refusal why) {
    if (const auto f = fault_of(why)) ++row(f->first, f->second).sheets_held;
}

void FaultLedger::count_voter(core::Micros first, core::Micros last, std::int64_t PecFaultEffect::*counter) {
    // Episodes are [from, to); the voter was there over [first, last]. A voter counts once per row.
    const auto on = [&](const Episode& e) {
        return e.from <= last && (e.to < 0 || e.to > first) && desk_device(rows_[e.row].device);
    };
    for (std::size_t i = 0; i < episodes_.size(); ++i) {
        const Episode& e = episodes_[i];
        if (!on(e)) continue;
        const auto before = episodes_.begin() + static_cast<std::ptrdiff_t>(i);
        if (std::none_of(episodes_.begin(), before, [&](const Episode& o) { return o.row == e.row && on(o); }))
            ++(rows_[e.row].*counter);
    }
}

void FaultLedger::reports_handed(core::Micros at, std::size_t reports) {
    handed_at_ = at;
    reports_ = reports;
}

void FaultLedger::report_delivered(std::string_view device_id, std::uint64_t sequence, core::Micros sent, core::Micros delivered,
                                   core::Micros healthy_transfer) {
    if (handed_at_ < 0) return;
    for (const auto& [d, s] : delivered_)
        if (s == sequence && d == device_id) return;  // a resend: the first delivery counted
    delivered_.emplace_back(std::string(device_id), sequence);
    last_delivery_ = std::max(last_delivery_, delivered);
    last_send_ = std::max(last_send_, sent);
    healthy_by_ = std::max(healthy_by_, handed_at_ + healthy_transfer);
}

void FaultLedger::add_reporting_delay(std::vector<PecFaultEffect>& rows, core::Micros until) const {
    if (handed_at_ < 0) return;
    // The transmitter sends over the modem alone: only modem episodes between the handing and the
    // last first send (or the results' time, if a report never went through) can hold the reports.
    const bool all = delivered_.size() >= reports_;
    const core::Micros delay = all ? last_delivery_ - healthy_by_ : 0;
    if (all && delay <= 0) return;
    const core::Micros end = all ? last_send_ : until;
    for (const Episode& e : episodes_) {
        PecFaultEffect& r = rows[e.row];
        if (r.device != FaultDevice::modem || e.from > end || (e.to >= 0 && e.to <= handed_at_)) continue;
        if (all) r.reports_delayed = true, r.reporting_delay = delay;
        else r.reports_undelivered = true;
    }
}

std::vector<PecFaultEffect> FaultLedger::effects(core::Micros until) const {
    std::vector<PecFaultEffect> rows = rows_;
    for (const Episode& e : episodes_) {
        PecFaultEffect& r = rows[e.row];
        add_to_slots(r.downtime_by_slot, e.from, e.to >= 0 ? e.to : std::max(e.from, until));
        if (e.to >= 0) continue;
        const core::Micros length = std::max<core::Micros>(0, until - e.from);
        ++r.ongoing;
        r.downtime += length;
        r.longest = std::max(r.longest, length);
    }
    add_reporting_delay(rows, until);
    std::sort(rows.begin(), rows.end(), [](const PecFaultEffect& a, const PecFaultEffect& b) {
        return std::pair(a.device, a.fault) < std::pair(b.device, b.fault);
    });
    return rows;
}

}  // namespace sim
