#include "devices/device.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace devices {

std::string_view to_string(Fault fault) {
    switch (fault) {
        case Fault::dead: return "dead";
        case Fault::degraded: return "degraded";
        case Fault::jam: return "jam";
        case Fault::misfeed: return "misfeed";
        case Fault::misread: return "misread";
        case Fault::box_full: return "box_full";
        case Fault::cover_open: return "cover_open";
        case Fault::mains_loss: return "mains_loss";
        case Fault::out_of_paper: return "out_of_paper";
        case Fault::no_signal: return "no_signal";
        case Fault::slow: return "slow";
        case Fault::flapping: return "flapping";
    }
    return "unknown";
}

std::string_view to_string(DeviceKind kind) {
    switch (kind) {
        case DeviceKind::fingerprint_scanner: return "fingerprint_scanner";
        case DeviceKind::document_reader: return "document_reader";
        case DeviceKind::webcam: return "webcam";
        case DeviceKind::ballot_scanner: return "ballot_scanner";
        case DeviceKind::printer: return "printer";
        case DeviceKind::modem: return "modem";
        case DeviceKind::power_supply: return "power_supply";
    }
    return "unknown";
}

std::vector<Fault> faults_of(DeviceKind kind) {
    switch (kind) {
        case DeviceKind::fingerprint_scanner: return {Fault::dead, Fault::degraded};
        case DeviceKind::document_reader: return {Fault::dead};
        case DeviceKind::webcam: return {Fault::dead};
        case DeviceKind::ballot_scanner:
            return {Fault::dead, Fault::jam, Fault::misfeed, Fault::misread, Fault::box_full, Fault::cover_open};
        case DeviceKind::printer: return {Fault::dead, Fault::out_of_paper};
        case DeviceKind::modem: return {Fault::dead, Fault::no_signal, Fault::slow, Fault::flapping};
        case DeviceKind::power_supply: return {Fault::dead, Fault::mains_loss};
    }
    return {};
}

bool Device::enter_fault(Fault fault, core::Micros at, double severity) {
    const auto allowed = faults_of(kind_);
    if (std::find(allowed.begin(), allowed.end(), fault) == allowed.end()) return false;
    active_ |= 1u << static_cast<unsigned>(fault);
    auto it = std::find_if(severities_.begin(), severities_.end(), [&](auto& p) { return p.first == fault; });
    if (it == severities_.end()) severities_.emplace_back(fault, severity);
    else it->second = severity;
    fault_changed(fault, true, at);
    if (listener_) listener_(FaultEvent{id_, kind_, fault, true, severity, at});
    return true;
}

bool Device::clear_fault(Fault fault, core::Micros at) {
    if (!has_fault(fault)) return false;
    active_ &= ~(1u << static_cast<unsigned>(fault));
    std::erase_if(severities_, [&](auto& p) { return p.first == fault; });
    fault_changed(fault, false, at);
    if (listener_) listener_(FaultEvent{id_, kind_, fault, false, 0.0, at});
    return true;
}

double Device::severity(Fault fault) const {
    for (auto& [f, s] : severities_)
        if (f == fault) return s;
    return 0.0;
}

std::optional<DeviceError> Device::injected_failure(Fault cause, std::string_view operation) {
    if (!fail_count_.fail()) return std::nullopt;
    return DeviceError{cause, fmt::format("{} {}: the {} failed: try again, or replace the device if it keeps failing",
                                          to_string(kind_), id_, operation)};
}

}  // namespace devices
