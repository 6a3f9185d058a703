#include "sim/fault_effects.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace sim {
namespace {

void add_delay(ReportingDelay& d, const PecFaultEffect& e) {
    d.pecs_delayed += e.reports_delayed;
    d.pecs_undelivered += e.reports_undelivered;
    if (!e.reports_delayed) return;
    d.total += e.reporting_delay;
    d.longest = std::max(d.longest, e.reporting_delay);
}

void add_region_delay(std::vector<ReportingDelay>& regions, int region, const PecFaultEffect& e) {
    if (!e.reports_delayed && !e.reports_undelivered) return;
    auto it = std::find_if(regions.begin(), regions.end(), [region](const ReportingDelay& d) { return d.region == region; });
    if (it == regions.end()) it = regions.insert(regions.end(), ReportingDelay{.region = region});
    add_delay(*it, e);
}

void add_pec(FaultEffect& row, const PecFaultEffect& e, const PecResult& pec) {
    row.pecs_affected += e.episodes > 0;
    row.episodes += e.episodes;
    row.ongoing += e.ongoing;
    row.downtime += e.downtime;
    if (e.longest > row.longest) row.longest = e.longest, row.longest_pec = pec.number;
    row.sheets_held += e.sheets_held;
    row.voters_waited += e.voters_waited;
    row.voters_left += e.voters_left;
    add_delay(row.reporting, e);
    add_region_delay(row.regions, pec.region, e);
    if (row.downtime_by_slot.size() < e.downtime_by_slot.size()) row.downtime_by_slot.resize(e.downtime_by_slot.size(), 0);
    for (std::size_t i = 0; i < e.downtime_by_slot.size(); ++i) row.downtime_by_slot[i] += e.downtime_by_slot[i];
}

// Position of a region in the package (its regions' order, as turnout lists them).
std::size_t region_rank(const core::ElectionPackage& package, int code) {
    const auto it = std::find_if(package.regions.begin(), package.regions.end(), [code](const core::Region& r) { return r.code == code; });
    return static_cast<std::size_t>(it - package.regions.begin());
}

}  // namespace

std::string_view to_string(FaultDevice device) {
    switch (device) {
        case FaultDevice::fingerprint_scanner: return "fingerprint_scanner";
        case FaultDevice::document_reader: return "document_reader";
        case FaultDevice::webcam: return "webcam";
        case FaultDevice::printer: return "printer";
        case FaultDevice::arbb: return "arbb";
        case FaultDevice::arbb_printer: return "arbb_printer";
        case FaultDevice::modem: return "modem";
        case FaultDevice::power: return "power";
    }
    return "unknown";
}

std::vector<FaultEffect> fault_effects(const RunResults& results, const core::ElectionPackage& package) {
    std::map<std::pair<FaultDevice, devices::Fault>, FaultEffect> rows;  // (device, fault) order
    for (const PecResult& pec : results.pecs)  // PEC order: ties and sums never depend on the threads
        for (const PecFaultEffect& e : pec.fault_effects) {
            FaultEffect& row = rows[{e.device, e.fault}];
            row.device = e.device;
            row.fault = e.fault;
            add_pec(row, e, pec);
        }
    std::vector<FaultEffect> out;
    for (auto& [key, row] : rows) {
        std::stable_sort(row.regions.begin(), row.regions.end(), [&](const ReportingDelay& a, const ReportingDelay& b) {
            return region_rank(package, a.region) < region_rank(package, b.region);
        });
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace sim
