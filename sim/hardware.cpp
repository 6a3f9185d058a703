#include "sim/hardware.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/voter_roll.hpp"

namespace sim {

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
    return {};
}

}  // namespace sim
