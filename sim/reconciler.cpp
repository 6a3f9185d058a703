#include "sim/reconciler.hpp"

#include <fmt/core.h>

#include <map>
#include <tuple>

namespace sim {
namespace {

std::string box_name(int b) { return b == 0 ? "party-list ARBB" : "district ARBB"; }

}  // namespace

std::vector<Discrepancy> reconcile(const RunResults& results, const std::vector<central::StoredReport>& stored) {
    // Final reports the CEC holds, by (PEC, source); the highest sequence wins, as in aggregation.
    std::map<std::tuple<int, int>, const central::StoredReport*> latest;
    for (const auto& r : stored) {
        if (r.kind != "final" && r.kind != "identification") continue;
        auto& slot = latest[{r.pec, static_cast<int>(r.source)}];
        if (!slot || slot->sequence < r.sequence) slot = &r;
    }
    std::vector<Discrepancy> found;
    for (const auto& p : results.pecs) {
        const std::int64_t issued = p.identification_report.ballots_issued;
        for (int b = 0; b < 2; ++b) {
            const core::ArbbReport& box = p.final_reports[b];
            if (box.device_id.empty()) continue;  // no such box (abroad: single constituency only)
            if (box.ballots_in_box > issued)
                found.push_back({p.number, "identified_vs_box",
                                 fmt::format("{}: {} ballots in the box, {} voters identified", box_name(b), box.ballots_in_box, issued)});
            // Manual count: what the sheets really say.
            const auto& truth = b == 0 ? p.truth.party : p.truth.district;
            const std::int64_t spoilt = b == 0 ? p.truth.party_spoilt : p.truth.district_spoilt;
            if (box.replaced_by_stationary_box) {
                found.push_back({p.number, "awaiting_manual_count",
                                 fmt::format("{} replaced by a stationary box: {} ballots to count by hand", box_name(b),
                                             box.ballots_awaiting_manual_count)});
            } else {
                for (std::size_t i = 0; i < truth.size() && i < box.option_counts.size(); ++i)
                    if (truth[i] != box.option_counts[i])
                        found.push_back({p.number, "box_vs_manual_count",
                                         fmt::format("{} option {}: ARBB {} vs manual count {}", box_name(b), i, box.option_counts[i], truth[i])});
                if (spoilt != box.invalid)
                    found.push_back({p.number, "box_vs_manual_count",
                                     fmt::format("{} invalid: ARBB {} vs manual count {}", box_name(b), box.invalid, spoilt)});
            }
            // What the CEC stored.
            const auto source = b == 0 ? core::DeviceRole::arbb_party_list : core::DeviceRole::arbb_district;
            const auto it = latest.find({p.number, static_cast<int>(source)});
            if (it == latest.end()) {
                found.push_back({p.number, "not_stored", fmt::format("{} final report never reached the CEC", box_name(b))});
            } else if (it->second->option_votes != box.option_counts || it->second->invalid != box.invalid ||
                       it->second->ballots_in_box != box.ballots_in_box) {
                found.push_back({p.number, "box_vs_stored", fmt::format("{}: the CEC stored other figures than the ARBB printed", box_name(b))});
            }
        }
        if (latest.find({p.number, static_cast<int>(core::DeviceRole::identification)}) == latest.end())
            found.push_back({p.number, "not_stored", "identification report never reached the CEC"});
    }
    return found;
}

std::vector<Discrepancy> reconcile_published(const RunResults& results, const core::ElectionPackage& package,
                                             const nlohmann::json& published) {
    std::vector<Discrepancy> found;
    std::vector<std::int64_t> counted(package.parties.size() + 1, 0);
    for (const auto& p : results.pecs) {
        if (p.reported_at <= 0) continue;
        const auto& box = p.final_reports[0];
        for (std::size_t i = 0; i < box.option_counts.size() && i < counted.size(); ++i) counted[i] += box.option_counts[i];
    }
    const auto& parties = published.value("parties", nlohmann::json::array());
    for (const auto& party : package.parties) {
        std::int64_t shown = -1;
        for (const auto& row : parties)
            if (row.value("name", "") == party.name) shown = row.value("votes", std::int64_t{-1});
        if (shown != counted[static_cast<std::size_t>(party.id)])
            found.push_back({0, "box_vs_published",
                             fmt::format("{}: the ARBBs counted {}, the results page shows {}", party.name,
                                         counted[static_cast<std::size_t>(party.id)], shown)});
    }
    return found;
}

}  // namespace sim
