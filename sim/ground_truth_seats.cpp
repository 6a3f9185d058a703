#include "sim/ground_truth_seats.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace sim {

core::VoteTable ground_truth_vote_table(const RunResults& results, const core::ElectionPackage& package) {
    const std::size_t options = package.parties.size() + 1;  // [0] against all, then the parties in ballot order
    std::vector<std::size_t> domestic;                        // package.regions indexes in the table's regional columns
    core::VoteTable table;
    for (std::size_t i = 0; i < package.regions.size(); ++i) {
        if (package.regions[i].abroad) continue;
        domestic.push_back(i);
        table.regions.push_back(package.regions[i].name);
    }
    std::vector<std::int64_t> national(options, 0);
    std::vector<std::vector<std::int64_t>> regional(options, std::vector<std::int64_t>(domestic.size(), 0));
    table.regional_took_part.assign(domestic.size(), 0);
    std::int64_t took_part = 0;
    for (const auto& p : results.pecs) {
        const auto column = std::find_if(domestic.begin(), domestic.end(), [&](std::size_t i) { return package.regions[i].code == p.region; });
        const auto r = static_cast<std::size_t>(column - domestic.begin());
        const std::int64_t cast = std::accumulate(p.truth.party.begin(), p.truth.party.end(), std::int64_t{0}) + p.truth.party_spoilt;
        took_part += cast;
        if (column != domestic.end()) table.regional_took_part[r] += cast;
        for (std::size_t o = 0; o < options && o < p.truth.party.size(); ++o) {
            national[o] += p.truth.party[o];
            if (column != domestic.end()) regional[o][r] += p.truth.party[o];
        }
    }
    table.took_part = took_part;
    for (std::size_t o = 0; o < options; ++o)
        table.rows.push_back({.party = o == 0 ? "against all" : package.parties[o - 1].name, .votes = national[o],
                              .regional = std::move(regional[o]), .against_all = o == 0});
    return table;
}

core::Result<core::ListSeatAllocation> ground_truth_seats(const RunResults& results, const core::ElectionPackage& package) {
    const core::ListSeatRules rules{.seats = package.rules.seats_party_list,
                                    .threshold_national = package.rules.threshold_national,
                                    .threshold_regional = package.rules.threshold_regional};
    return core::allocate_list_seats(ground_truth_vote_table(results, package), rules);
}

int parties_with_other_seats(const core::ListSeatAllocation& stored, const core::ListSeatAllocation& truth) {
    int differing = 0;
    for (std::size_t i = 0; i < std::max(stored.parties.size(), truth.parties.size()); ++i) {
        const bool in_stored = i < stored.parties.size(), in_truth = i < truth.parties.size();
        if ((in_stored && stored.parties[i].against_all) || (in_truth && truth.parties[i].against_all)) continue;
        differing += !in_stored || !in_truth || stored.parties[i].seats != truth.parties[i].seats;
    }
    return differing;
}

}  // namespace sim
