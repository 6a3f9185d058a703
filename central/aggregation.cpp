#include "central/aggregation.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iterator>
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

/// Where each PEC, region and district of the package sits in Results.
struct Indexes {
    std::unordered_map<int, std::size_t> pec;   ///< PEC number -> Results::pecs
    std::map<int, std::size_t> region;          ///< region code -> Results::regions
    std::map<int, std::size_t> district;        ///< district number -> Results::districts
};

/// The report that counts per (PEC, box), and per PEC for identification.
using LatestReports = std::map<std::pair<int, core::DeviceRole>, const StoredReport*>;

/// Preference votes per party list: [party][list position - 1].
using Preferences = std::vector<std::vector<std::int64_t>>;

// The package's PECs as empty rows of `out`, indexed by number.
void add_pec_rows(const core::ElectionPackage& package, Results& out, Indexes& index) {
    for (std::size_t i = 0; i < package.pecs.size(); ++i) {
        const auto& p = package.pecs[i];
        index.pec[p.number] = i;
        out.pecs.push_back({.number = p.number, .registered = p.registered});
    }
}

// The latest final report per (PEC, box) and identification per PEC; zero reports and findings
// are marked on the PEC rows. Error: a report from a PEC not in the package.
core::Result<LatestReports> latest_reports(const std::vector<StoredReport>& reports, const Indexes& index, Results& out) {
    LatestReports latest;
    for (const auto& r : reports) {
        auto it = index.pec.find(r.pec);
        if (it == index.pec.end()) return core::fail(fmt::format("stored report from PEC {}, which is not in the package", r.pec));
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
    return latest;
}

// Refuses the store when a report that is summed has a count outside 0 to its PEC's registered
// voters (a superseded one never reaches a figure, so only these are checked).
core::Result<void> check_counts(const core::ElectionPackage& package, const Indexes& index, const LatestReports& latest) {
    for (const auto& [key, r] : latest) {
        const std::int64_t registered = package.pecs[index.pec.at(key.first)].registered;
        if (auto field = count_above(*r, registered))
            return core::fail(fmt::format("stored report of PEC {} (device '{}', sequence {}): {} is outside 0 to {} "
                                          "(its registered voters); the store is damaged or was not written by this "
                                          "server", r->pec, r->device, r->sequence, *field, registered));
    }
    return {};
}

// The region and district rows and the national tally, empty, with as many options as their ballots.
void add_empty_tallies(const core::ElectionPackage& package, Results& out, Indexes& index) {
    const std::size_t party_options = package.parties.size() + 1;
    for (const auto& reg : package.regions) {
        index.region[reg.code] = out.regions.size();
        out.regions.push_back({reg.code, reg.name, {}});
        out.regions.back().party_list.option_votes.assign(party_options, 0);
    }
    for (const auto& d : package.districts) {
        index.district[d.number] = out.districts.size();
        out.districts.push_back({d.number, d.name, {}, {}});
        out.districts.back().district.option_votes.assign(d.candidates.size() + 1, 0);
    }
    out.national.option_votes.assign(party_options, 0);
}

// A PEC's party-list final report into its row, the national and its region's tallies, and the preferences.
core::Result<void> add_party_list_report(const core::Pec& p, const StoredReport& r, std::size_t party_options, PecTally& row,
                                         Tally* region, Results& out, Preferences& preferences) {
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
    return {};
}

// A PEC's district final report into its row and its district's tally.
core::Result<void> add_district_report(const core::Pec& p, const StoredReport& r, PecTally& row, Tally& district,
                                       Results& out) {
    if (r.option_votes.size() != district.option_votes.size())
        return core::fail(fmt::format("PEC {}: district report with {} options, district {} has {}", p.number,
                                      r.option_votes.size(), p.district, district.option_votes.size()));
    row.final_district = true;
    row.district_box = box_counts(r);
    ++out.reports_final;
    add_final(district, r);
    return {};
}

// Every PEC's registered voters and expected reports, and the reports that count, into the tallies.
core::Result<void> sum_pecs(const core::ElectionPackage& package, const Indexes& index, const LatestReports& latest,
                            Results& out, Preferences& preferences) {
    const std::size_t party_options = package.parties.size() + 1;
    for (const auto& p : package.pecs) {
        auto& row = out.pecs[index.pec.at(p.number)];
        ++out.national.pecs;
        out.national.registered += p.registered;
        out.reports_expected += 2;  // party-list final + identification
        auto* region = index.region.contains(p.region_code) ? &out.regions[index.region.at(p.region_code)].party_list : nullptr;
        if (region) {
            ++region->pecs;
            region->registered += p.registered;
        }
        auto* district = (p.district != 0 && index.district.contains(p.district))
                             ? &out.districts[index.district.at(p.district)].district
                             : nullptr;
        if (district) {
            ++out.reports_expected;
            ++district->pecs;
            district->registered += p.registered;
        }
        if (auto it = latest.find({p.number, core::DeviceRole::arbb_party_list}); it != latest.end())
            if (auto ok = add_party_list_report(p, *it->second, party_options, row, region, out, preferences); !ok) return ok;
        if (auto it = latest.find({p.number, core::DeviceRole::arbb_district}); it != latest.end() && district)
            if (auto ok = add_district_report(p, *it->second, row, *district, out); !ok) return ok;
        if (auto it = latest.find({p.number, core::DeviceRole::identification}); it != latest.end()) {
            row.identification = true;
            row.ballots_issued = it->second->ballots_issued;
            ++out.reports_final;
        }
    }
    return {};
}

// Each district's winner, or its repeat election, on the votes counted so far.
void decide_districts(Results& out) {
    for (auto& d : out.districts) {
        core::DistrictVotes v;
        v.against_all = d.district.option_votes[0];
        v.candidate_votes.assign(d.district.option_votes.begin() + 1, d.district.option_votes.end());
        d.decision = core::decide_district(v);
    }
}

// The party-list vote table for seat allocation: national votes, and a regional column for every
// region that is not abroad. Against all first in the table would win ties by ballot order; it
// never gets seats, so order is harmless.
core::VoteTable vote_table(const core::ElectionPackage& package, const Results& out) {
    core::VoteTable table;
    table.took_part = out.national.ballots_in_box;
    std::vector<std::size_t> domestic;
    for (std::size_t i = 0; i < package.regions.size(); ++i) {
        if (package.regions[i].abroad) continue;
        domestic.push_back(i);
        table.regions.push_back(package.regions[i].name);
        table.regional_took_part.push_back(out.regions[i].party_list.ballots_in_box);
    }
    for (std::size_t option = 0; option < package.parties.size() + 1; ++option) {
        core::VoteRow row;
        row.against_all = option == 0;
        row.party = option == 0 ? "against all" : package.parties[option - 1].name;
        row.votes = out.national.option_votes[option];
        for (auto i : domestic) row.regional.push_back(out.regions[i].party_list.option_votes[option]);
        table.rows.push_back(std::move(row));
    }
    return table;
}

// Party-list seats, then who of each seated party's list takes them.
core::Result<void> allocate_seats(const core::ElectionPackage& package, const Preferences& preferences, Results& out) {
    core::ListSeatRules rules{.seats = package.rules.seats_party_list,
                              .threshold_national = package.rules.threshold_national,
                              .threshold_regional = package.rules.threshold_regional};
    auto seats = core::allocate_list_seats(vote_table(package, out), rules);
    if (!seats) return core::fail("seat allocation: " + seats.error().message);
    out.seats = std::move(*seats);
    for (std::size_t p = 0; p < package.parties.size(); ++p) {
        const int n = out.seats.parties[p + 1].seats;
        if (n == 0) continue;
        auto m = core::assign_list_mandates(package.parties[p].list, preferences[p], n, package.rules.women_reserved_share);
        if (!m) return core::fail(fmt::format("party '{}': {}", package.parties[p].name, m.error().message));
        out.mandates.push_back({package.parties[p].name, std::move(*m)});
    }
    return {};
}

}  // namespace

core::Result<Results> aggregate(const core::ElectionPackage& package, const std::vector<StoredReport>& reports) {
    Results out;
    out.reports_stored = static_cast<std::int64_t>(reports.size());
    Indexes index;
    add_pec_rows(package, out, index);
    const auto latest = latest_reports(reports, index, out);
    if (!latest) return std::unexpected(latest.error());
    if (auto ok = check_counts(package, index, *latest); !ok) return std::unexpected(ok.error());
    add_empty_tallies(package, out, index);
    Preferences preferences(package.parties.size());
    for (std::size_t p = 0; p < package.parties.size(); ++p) preferences[p].assign(package.parties[p].list.size(), 0);
    if (auto ok = sum_pecs(package, index, *latest, out, preferences); !ok) return std::unexpected(ok.error());
    decide_districts(out);
    if (auto ok = allocate_seats(package, preferences, out); !ok) return std::unexpected(ok.error());
    return out;
}

core::Result<Results> aggregate(const core::ElectionPackage& package, const ReportStore& store) {
    const Oversight oversight = store.oversight();
    return aggregate(package, store.reports(), oversight);
}

core::Result<Results> aggregate(const core::ElectionPackage& package, std::vector<StoredReport> reports, const Oversight& oversight) {
    const auto all = static_cast<std::int64_t>(reports.size());
    std::erase_if(reports, [&](const StoredReport& r) {
        if (oversight.is_withheld(r.pec)) return true;
        // A revoked device's reports after the one an operator accepted are not its box's result.
        const auto accepted = oversight.accepted.empty() ? 0 : oversight.accepted_sequence(r.device);
        return accepted != 0 && r.sequence > accepted;
    });
    auto results = aggregate(package, reports);
    if (!results) return results;
    results->reports_stored = all;
    std::set_union(oversight.held.begin(), oversight.held.end(), oversight.under_review.begin(), oversight.under_review.end(),
                   std::back_inserter(results->withheld));
    return results;
}

}  // namespace central
