#include "central/aggregation.hpp"

#include <fmt/core.h>

#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <unordered_map>

namespace central {

namespace {

void add_counts(std::vector<std::int64_t>& into, const std::vector<std::int64_t>& counts) {
    if (into.size() < counts.size()) into.resize(counts.size(), 0);
    for (std::size_t i = 0; i < counts.size(); ++i) into[i] += counts[i];
}

void add_final(Tally& t, const StoredReport& r) {
    ++t.pecs_reporting;
    t.registered_reporting += r.registered;
    t.ballots_in_box += r.ballots_in_box;
    t.valid += r.valid;
    t.invalid += r.invalid;
    add_counts(t.option_votes, r.option_votes);
}

BoxCounts box_counts(const StoredReport& r) {
    return {.ballots_in_box = r.ballots_in_box, .valid = r.valid, .invalid = r.invalid, .option_votes = r.option_votes};
}

/// The first count of a stored report above the PEC's registered voters, named, or nothing. The
/// ingest refuses such reports, so one here means the database was damaged or written by another
/// program: aggregation stops rather than publish a figure no PEC can hold (or a wrapped sum).
std::optional<std::string> count_above(const StoredReport& r, std::int64_t registered) {
    auto over = [registered](std::int64_t v) { return v < 0 || v > registered; };
    const std::pair<std::string_view, std::int64_t> totals[] = {{"ballots_in_box", r.ballots_in_box},
                                                                {"valid", r.valid},
                                                                {"invalid", r.invalid},
                                                                {"identified", r.identified},
                                                                {"ballots_issued", r.ballots_issued}};
    for (const auto& [field, v] : totals)
        if (over(v)) return fmt::format("{} = {}", field, v);
    for (std::size_t i = 0; i < r.option_votes.size(); ++i)
        if (over(r.option_votes[i])) return fmt::format("option_votes[{}] = {}", i, r.option_votes[i]);
    for (std::size_t q = 0; q < r.preference_votes.size(); ++q)
        for (std::size_t k = 0; k < r.preference_votes[q].size(); ++k)
            if (over(r.preference_votes[q][k]))
                return fmt::format("preference_votes[{}][{}] = {}", q, k, r.preference_votes[q][k]);
    return std::nullopt;
}

}  // namespace

core::Result<Results> aggregate(const core::ElectionPackage& package, const std::vector<StoredReport>& reports) {
    Results out;
    out.reports_stored = static_cast<std::int64_t>(reports.size());

    // The latest final report per (PEC, box); identification: latest per PEC.
    std::map<std::pair<int, core::DeviceRole>, const StoredReport*> latest;
    std::unordered_map<int, std::size_t> pec_index;
    for (std::size_t i = 0; i < package.pecs.size(); ++i) {
        const auto& p = package.pecs[i];
        pec_index[p.number] = i;
        out.pecs.push_back({.number = p.number, .registered = p.registered});
    }
    for (const auto& r : reports) {
        auto it = pec_index.find(r.pec);
        if (it == pec_index.end()) return core::fail(fmt::format("stored report from PEC {}, which is not in the package", r.pec));
        auto& pec = out.pecs[it->second];
        if (!r.violations.empty()) pec.flagged = true;
        if (r.kind == "zero") {
            (r.source == core::DeviceRole::arbb_district ? pec.zero_district : pec.zero_party_list) = true;
            continue;
        }
        if (r.kind != "final" && r.kind != "identification") continue;
        auto& slot = latest[{r.pec, r.source}];
        if (!slot || slot->sequence < r.sequence) slot = &r;
    }
    // Only the reports that are summed: a superseded one never reaches a figure.
    for (const auto& [key, r] : latest) {
        const std::int64_t registered = package.pecs[pec_index[key.first]].registered;
        if (auto field = count_above(*r, registered))
            return core::fail(fmt::format("stored report of PEC {} (device '{}', sequence {}): {} is outside 0 to {} "
                                          "(its registered voters); the store is damaged or was not written by this "
                                          "server", r->pec, r->device, r->sequence, *field, registered));
    }

    const std::size_t party_options = package.parties.size() + 1;
    std::map<int, std::size_t> region_index;
    for (const auto& reg : package.regions) {
        region_index[reg.code] = out.regions.size();
        out.regions.push_back({reg.code, reg.name, {}});
        out.regions.back().party_list.option_votes.assign(party_options, 0);
    }
    std::map<int, std::size_t> district_index;
    for (const auto& d : package.districts) {
        district_index[d.number] = out.districts.size();
        out.districts.push_back({d.number, d.name, {}, {}});
        out.districts.back().district.option_votes.assign(d.candidates.size() + 1, 0);
    }
    out.national.option_votes.assign(party_options, 0);
    std::vector<std::vector<std::int64_t>> preferences(package.parties.size());
    for (std::size_t p = 0; p < package.parties.size(); ++p) preferences[p].assign(package.parties[p].list.size(), 0);

    for (const auto& p : package.pecs) {
        auto& row = out.pecs[pec_index[p.number]];
        ++out.national.pecs;
        out.national.registered += p.registered;
        out.reports_expected += 2;  // party-list final + identification
        auto* region = region_index.contains(p.region_code) ? &out.regions[region_index[p.region_code]].party_list : nullptr;
        if (region) {
            ++region->pecs;
            region->registered += p.registered;
        }
        auto* district = (p.district != 0 && district_index.contains(p.district))
                             ? &out.districts[district_index[p.district]].district
                             : nullptr;
        if (district) {
            ++out.reports_expected;
            ++district->pecs;
            district->registered += p.registered;
        }
        if (auto it = latest.find({p.number, core::DeviceRole::arbb_party_list}); it != latest.end()) {
            const auto& r = *it->second;
            if (r.option_votes.size() != party_options)
                return core::fail(fmt::format("PEC {}: party-list report with {} options, the ballot has {}", p.number,
                                              r.option_votes.size(), party_options));
            row.final_party_list = true;
            row.ballots_in_box = r.ballots_in_box;
            row.party_list_box = box_counts(r);
            ++out.reports_final;
            add_final(out.national, r);
            if (region) add_final(*region, r);
            for (std::size_t q = 0; q < r.preference_votes.size() && q < preferences.size(); ++q)
                for (std::size_t k = 0; k < r.preference_votes[q].size() && k < preferences[q].size(); ++k)
                    preferences[q][k] += r.preference_votes[q][k];
        }
        if (auto it = latest.find({p.number, core::DeviceRole::arbb_district}); it != latest.end() && district) {
            const auto& r = *it->second;
            if (r.option_votes.size() != district->option_votes.size())
                return core::fail(fmt::format("PEC {}: district report with {} options, district {} has {}", p.number,
                                              r.option_votes.size(), p.district, district->option_votes.size()));
            row.final_district = true;
            row.district_box = box_counts(r);
            ++out.reports_final;
            add_final(*district, r);
        }
        if (auto it = latest.find({p.number, core::DeviceRole::identification}); it != latest.end()) {
            row.identification = true;
            row.ballots_issued = it->second->ballots_issued;
            ++out.reports_final;
        }
    }

    for (auto& d : out.districts) {
        core::DistrictVotes v;
        v.against_all = d.district.option_votes[0];
        v.candidate_votes.assign(d.district.option_votes.begin() + 1, d.district.option_votes.end());
        d.decision = core::decide_district(v);
    }

    // Party-list seats: regional columns for every region that is not abroad.
    core::VoteTable table;
    table.took_part = out.national.ballots_in_box;
    std::vector<std::size_t> domestic;
    for (std::size_t i = 0; i < package.regions.size(); ++i) {
        if (package.regions[i].abroad) continue;
        domestic.push_back(i);
        table.regions.push_back(package.regions[i].name);
        table.regional_took_part.push_back(out.regions[i].party_list.ballots_in_box);
    }
    for (std::size_t option = 0; option < party_options; ++option) {
        core::VoteRow row;
        row.against_all = option == 0;
        row.party = option == 0 ? "against all" : package.parties[option - 1].name;
        row.votes = out.national.option_votes[option];
        for (auto i : domestic) row.regional.push_back(out.regions[i].party_list.option_votes[option]);
        table.rows.push_back(std::move(row));
    }
    // Against all first in the table would win ties by ballot order; it never gets seats, so order is harmless.
    core::ListSeatRules rules{.seats = package.rules.seats_party_list,
                              .threshold_national = package.rules.threshold_national,
                              .threshold_regional = package.rules.threshold_regional};
    auto seats = core::allocate_list_seats(table, rules);
    if (!seats) return core::fail("seat allocation: " + seats.error().message);
    out.seats = std::move(*seats);
    for (std::size_t p = 0; p < package.parties.size(); ++p) {
        const int n = out.seats.parties[p + 1].seats;
        if (n == 0) continue;
        auto m = core::assign_list_mandates(package.parties[p].list, preferences[p], n, package.rules.women_reserved_share);
        if (!m) return core::fail(fmt::format("party '{}': {}", package.parties[p].name, m.error().message));
        out.mandates.push_back({package.parties[p].name, std::move(*m)});
    }
    return out;
}

core::Result<Results> aggregate(const core::ElectionPackage& package, const Store& store) {
    return aggregate(package, store.reports());
}

}  // namespace central
