#include "sim/hardware.hpp"

// Index of this file:
//   [SECTION] A PEC's modem on a real link
//   [SECTION] Checks

#include <fmt/core.h>

#include <algorithm>

#include "core/voter_roll.hpp"
#include "core/wire.hpp"

namespace sim {

// [SECTION] A PEC's modem on a real link

LinkedModem::LinkedModem(devices::Modem& modelled, ExternalModem& external)
    : Modem(modelled.id() + "-hil"), modelled_(modelled), external_(external) {}

devices::DeviceResult<core::Micros> LinkedModem::transmit(std::size_t bytes, core::Micros now) { return modelled_.transmit(bytes, now); }

devices::DeviceResult<core::Micros> LinkedModem::send(std::span<const std::uint8_t> message, core::Micros now) {
    auto modelled = modelled_.send(message, now);
    if (!modelled) return modelled;
    std::uint64_t ticket = 0;
    devices::LinkDelivery d = external_.link->carry_report(message, ticket);
    d.answer = false;
    external_.delivered.push_back(d);
    if (!d.arrived) return std::unexpected(devices::DeviceError{devices::Fault::no_signal, d.error});
    // The answer finds its connection by the report's device and sequence, as the station signed them.
    std::pair<std::string, std::uint64_t> report;
    if (auto envelope = core::open_envelope(message))
        if (auto body = core::decode_body(envelope->body)) report = {body->header.device_id, body->header.sequence};
    waiting_[report].push_back(ticket);
    return std::max(*modelled, now + d.wall_ms * 1000);
}

std::optional<core::Micros> LinkedModem::answer(const std::string& device, std::uint64_t sequence, const core::Ack& ack, core::Micros at,
                                                core::Micros modelled) {
    const auto it = waiting_.find({device, sequence});
    if (it == waiting_.end() || it->second.empty()) return std::nullopt;  // no copy of it waits on the link
    const std::uint64_t ticket = it->second.front();
    it->second.pop_front();
    devices::LinkDelivery d = external_.link->carry_answer(ticket, ack);
    d.answer = true;
    external_.delivered.push_back(d);
    if (!d.arrived) return std::nullopt;
    return std::max(modelled, at + d.wall_ms * 1000);
}

// [SECTION] Checks

core::Result<void> check_hardware(const core::ElectionPackage& package, const Scenario& scenario, const Hardware& hardware) {
    if (auto readers = check_external_readers(package, scenario, hardware.readers); !readers) return readers;
    for (std::size_t i = 0; i < hardware.scanners.size(); ++i) {
        const ExternalBallotScanner* s = hardware.scanners[i];
        if (!s || !s->scanner) return core::fail(fmt::format("external ballot scanner {} has no scanner", i + 1));
        const char* box = s->box == 0 ? "party-list" : "district";
        const auto pec = std::find_if(package.pecs.begin(), package.pecs.end(), [&](const core::Pec& p) { return p.number == s->pec; });
        if (pec == package.pecs.end()) return core::fail(fmt::format("PEC {}: no such PEC in the package", s->pec));
        if (!simulated(scenario, *pec)) return core::fail(fmt::format("PEC {}: the scenario does not simulate it (only_regions)", s->pec));
        if (s->box < 0 || s->box > 1) return core::fail(fmt::format("PEC {}: ARBB {}: a PEC has a party-list (0) and a district (1) ARBB", s->pec, s->box));
        if (s->box == 1 && pec->district <= 0) return core::fail(fmt::format("PEC {}: it has no district ARBB (a PEC abroad)", s->pec));
        for (std::size_t j = 0; j < i; ++j)
            if (hardware.scanners[j]->pec == s->pec && hardware.scanners[j]->box == s->box)
                return core::fail(fmt::format("PEC {} {} ARBB: two scanners for one ARBB", s->pec, box));
        if (s->voters.empty()) return core::fail(fmt::format("PEC {} {} ARBB: no voter's sheets go through the scanner", s->pec, box));
        for (std::int64_t v : s->voters) {
            const core::Pec* on = core::pec_of_voter(package, v);
            if (!on || on->number != s->pec) return core::fail(fmt::format("PEC {} {} ARBB: voter {} is not on this PEC's roll", s->pec, box, v));
        }
    }
    for (std::size_t i = 0; i < hardware.modems.size(); ++i) {
        const ExternalModem* m = hardware.modems[i];
        if (!m || !m->link) return core::fail(fmt::format("external modem {} has no link", i + 1));
        const auto pec = std::find_if(package.pecs.begin(), package.pecs.end(), [&](const core::Pec& p) { return p.number == m->pec; });
        if (pec == package.pecs.end()) return core::fail(fmt::format("PEC {}: no such PEC in the package", m->pec));
        if (!simulated(scenario, *pec)) return core::fail(fmt::format("PEC {}: the scenario does not simulate it (only_regions)", m->pec));
        for (std::size_t j = 0; j < i; ++j)
            if (hardware.modems[j]->pec == m->pec) return core::fail(fmt::format("PEC {}: two modem links for one modem", m->pec));
    }
    return {};
}

}  // namespace sim
