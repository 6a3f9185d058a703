#include "central/publication.hpp"

// Index of this file:
//   [SECTION] Comparing documents
//   [SECTION] The document's parts
//   [SECTION] Shares, statuses and the document
//   [SECTION] The check and the page

#include <fmt/core.h>

#include <cmath>
#include <set>

#include "central_results_page.hpp"  // generated from central/results_page.html (central/CMakeLists.txt)

namespace central {

namespace {

// [SECTION] Comparing documents

using nlohmann::json;

/// Percent with two decimals as a JSON number: exactly the double nearest to hundredths / 100,
/// which any correct two-decimal formatter (fmt, JavaScript toFixed(2)) prints as those digits.
json percent(std::int64_t num, std::int64_t den) { return static_cast<double>(percent_hundredths(num, den)) / 100.0; }

std::int64_t at(const std::vector<std::int64_t>& v, std::size_t i) { return i < v.size() ? v[i] : 0; }

std::string_view sex_name(core::Sex s) { return s == core::Sex::female ? "female" : "male"; }

std::string_view outcome_name(core::DistrictOutcome o) {
    switch (o) {
        case core::DistrictOutcome::elected: return "elected";
        case core::DistrictOutcome::repeat_against_all: return "repeat_against_all";
        case core::DistrictOutcome::repeat_tie: return "repeat_tie";
        case core::DistrictOutcome::repeat_no_votes: return "repeat_no_votes";
    }
    return "unknown";
}

std::string show(const json* v) {
    if (!v) return "(absent)";
    if (v->is_object()) return fmt::format("object with {} fields", v->size());
    if (v->is_array()) return fmt::format("array of {}", v->size());
    return v->dump();
}

bool same_scalar(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_number_float() || b.is_number_float()) {
            const double x = a.get<double>(), y = b.get<double>();
            return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(x));
        }
        // Both integers: compare exactly, whether stored signed or unsigned.
        auto wide = [](const json& v) -> __int128 {
            return v.is_number_unsigned() ? static_cast<__int128>(v.get<std::uint64_t>()) : v.get<std::int64_t>();
        };
        return wide(a) == wide(b);
    }
    return a == b;
}

std::string pointer_token(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

void diff(const json& stored, const json& published, const std::string& path, std::vector<PublicationDifference>& out) {
    if (stored.is_object() && published.is_object()) {
        std::set<std::string> keys;
        for (auto it = stored.begin(); it != stored.end(); ++it) keys.insert(it.key());
        for (auto it = published.begin(); it != published.end(); ++it) keys.insert(it.key());
        for (const auto& k : keys) {
            const std::string p = path + "/" + pointer_token(k);
            const json* s = stored.contains(k) ? &stored.at(k) : nullptr;
            const json* q = published.contains(k) ? &published.at(k) : nullptr;
            if (s && q) diff(*s, *q, p, out);
            else out.push_back({p, show(s), show(q)});
        }
        return;
    }
    if (stored.is_array() && published.is_array()) {
        const std::size_t n = std::max(stored.size(), published.size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::string p = path + "/" + std::to_string(i);
            const json* s = i < stored.size() ? &stored[i] : nullptr;
            const json* q = i < published.size() ? &published[i] : nullptr;
            if (s && q) diff(*s, *q, p, out);
            else out.push_back({p, show(s), show(q)});
        }
        return;
    }
    if (stored.is_structured() || published.is_structured() || !same_scalar(stored, published))
        out.push_back({path.empty() ? "/" : path, show(&stored), show(&published)});
}

// [SECTION] The document's parts

// The steps of results_document: one part of the published document each.

// The PEC rows in package order; counts the PECs that owe nothing more into `complete`.
json pec_rows(const Results& results, const core::ElectionPackage& package, int& complete) {
    json pecs = json::array();
    for (std::size_t i = 0; i < results.pecs.size() && i < package.pecs.size(); ++i) {
        const auto& p = package.pecs[i];
        const auto& r = results.pecs[i];
        const auto status = pec_status(r, p.district != 0);
        if (status == PecStatus::reported) ++complete;
        pecs.push_back({{"number", p.number},
                        {"region", p.region_code},
                        {"district", p.district},
                        {"place", p.place},
                        {"lat", p.lat},
                        {"lon", p.lon},
                        {"status", to_string(status)},
                        {"flagged", r.flagged},
                        {"registered", r.registered},
                        {"ballots", r.ballots_in_box}});
    }
    return pecs;
}

// How far the count has come: PECs and reports.
json progress(const Results& results, int pecs_complete) {
    const Tally& nat = results.national;
    return {{"pecs_expected", nat.pecs},
            {"pecs_reported", nat.pecs_reporting},
            {"pecs_complete", pecs_complete},
            {"percent", percent(nat.pecs_reporting, nat.pecs)},
            {"reports_stored", results.reports_stored},
            {"reports_final", results.reports_final},
            {"reports_expected", results.reports_expected}};
}

// The national party-list figures: voters, ballots, turnout, against all.
json national(const Tally& nat) {
    return {{"registered", nat.registered},
            {"registered_reporting", nat.registered_reporting},
            {"ballots", nat.ballots_in_box},
            {"valid", nat.valid},
            {"invalid", nat.invalid},
            {"turnout", percent(nat.ballots_in_box, nat.registered_reporting)},
            {"against_all", {{"votes", at(nat.option_votes, 0)},
                             {"share", percent(at(nat.option_votes, 0), nat.ballots_in_box)}}}};
}

// The party-list seats: how many were distributed, and on which base and thresholds.
json seats(const core::ListSeatAllocation& s, const core::ElectionRules& rules) {
    return {{"party_list", rules.seats_party_list},
            {"distributed", s.seats - s.unallocated},
            {"unallocated", s.unallocated},
            {"national_base", s.national_base},
            {"passing_votes", s.passing_votes},
            {"hare_quota", s.hare_quota},
            {"threshold_national", percent(std::llround(rules.threshold_national * 1e6), 1'000'000)},
            {"threshold_regional", percent(std::llround(rules.threshold_regional * 1e6), 1'000'000)}};
}

// Who of a party's list is elected, and its women's reserve, into its row.
void add_mandates(json& row, const std::string& party, const std::vector<PartyMandates>& mandates) {
    for (const auto& m : mandates) {
        if (m.party != party) continue;
        for (const auto& e : m.mandates.elected)
            row["elected"].push_back({{"position", e.position},
                                      {"name", e.name},
                                      {"sex", sex_name(e.sex)},
                                      {"preference_votes", e.preference_votes},
                                      {"by_women_reserve", e.by_women_reserve}});
        row["women_required"] = m.mandates.women_required;
        row["women_elected"] = m.mandates.women_elected;
        row["vacant"] = m.mandates.vacant;
    }
}

// One row per party in ballot order: votes, share, thresholds passed, seats and who is elected.
json party_rows(const Results& results, const core::ElectionPackage& package) {
    const Tally& nat = results.national;
    const auto& s = results.seats;
    json parties = json::array();
    for (std::size_t i = 0; i < package.parties.size(); ++i) {
        const auto& party = package.parties[i];
        const std::int64_t votes = at(nat.option_votes, i + 1);
        const core::PartySeats* ps = i + 1 < s.parties.size() ? &s.parties[i + 1] : nullptr;
        json row{{"id", party.id},
                 {"name", party.name},
                 {"votes", votes},
                 {"share", percent(votes, nat.ballots_in_box)},
                 {"passed_national", ps && ps->passed_national},
                 {"failed_regions", ps ? ps->failed_regions : std::vector<std::string>{}},
                 {"passed", ps && ps->passed},
                 {"seats", ps ? ps->seats : 0},
                 {"elected", json::array()},
                 {"women_required", 0},
                 {"women_elected", 0},
                 {"vacant", 0}};
        add_mandates(row, party.name, results.mandates);
        parties.push_back(std::move(row));
    }
    return parties;
}

// One row per region in package order: its party-list tally and votes per party.
json region_rows(const Results& results, const core::ElectionPackage& package) {
    json regions = json::array();
    for (std::size_t i = 0; i < results.regions.size(); ++i) {
        const auto& reg = results.regions[i];
        const auto& t = reg.party_list;
        const bool abroad = i < package.regions.size() && package.regions[i].abroad;
        json votes = json::array();
        for (std::size_t p = 1; p <= package.parties.size(); ++p) votes.push_back(at(t.option_votes, p));
        regions.push_back({{"code", reg.code},
                           {"name", reg.name},
                           {"abroad", abroad},
                           {"pecs_expected", t.pecs},
                           {"pecs_reported", t.pecs_reporting},
                           {"registered", t.registered},
                           {"registered_reporting", t.registered_reporting},
                           {"ballots", t.ballots_in_box},
                           {"turnout", percent(t.ballots_in_box, t.registered_reporting)},
                           {"against_all", at(t.option_votes, 0)},
                           {"party_votes", std::move(votes)}});
    }
    return regions;
}

// A district's candidate rows (none when the package lacks the district); the winner's name into `winner_name`.
json candidate_rows(const DistrictResultRow& d, const core::District* pd, std::string& winner_name) {
    const auto& t = d.district;
    json candidates = json::array();
    if (!pd) return candidates;
    for (std::size_t c = 0; c < pd->candidates.size(); ++c) {
        const auto& cand = pd->candidates[c];
        const std::int64_t votes = at(t.option_votes, c + 1);
        candidates.push_back({{"id", cand.id},
                              {"name", cand.name},
                              {"nominated_by", cand.nominated_by},
                              {"votes", votes},
                              {"share", percent(votes, t.ballots_in_box)}});
        if (d.decision.outcome == core::DistrictOutcome::elected && cand.id == d.decision.winner) winner_name = cand.name;
    }
    return candidates;
}

// One row per single-mandate district in package order: tally, candidates, outcome and winner.
json district_rows(const Results& results, const core::ElectionPackage& package) {
    json districts = json::array();
    for (const auto& d : results.districts) {
        const core::District* pd = package.find_district(d.number);
        const auto& t = d.district;
        std::string winner_name;
        json candidates = candidate_rows(d, pd, winner_name);
        districts.push_back({{"number", d.number},
                             {"name", d.name},
                             {"region", pd ? pd->region_code : 0},
                             {"pecs_expected", t.pecs},
                             {"pecs_reported", t.pecs_reporting},
                             {"registered", t.registered},
                             {"registered_reporting", t.registered_reporting},
                             {"ballots", t.ballots_in_box},
                             {"turnout", percent(t.ballots_in_box, t.registered_reporting)},
                             {"against_all", {{"votes", at(t.option_votes, 0)},
                                              {"share", percent(at(t.option_votes, 0), t.ballots_in_box)}}},
                             {"candidates", std::move(candidates)},
                             {"outcome", outcome_name(d.decision.outcome)},
                             {"outcome_text", core::describe(d.decision.outcome)},
                             {"winner", d.decision.winner},
                             {"winner_name", winner_name},
                             {"winner_votes", d.decision.winner_votes}});
    }
    return districts;
}

}  // namespace

// [SECTION] Shares, statuses and the document

std::int64_t percent_hundredths(std::int64_t num, std::int64_t den) {
    if (den <= 0) return 0;
    // 100 % = 10000 hundredths; round half up with integers only: floor((2 * num * 10000 + den) / (2 * den)).
    const auto n = static_cast<__int128>(num) * 20000 + den;
    return static_cast<std::int64_t>(n / (static_cast<__int128>(den) * 2));
}

std::string_view to_string(PecStatus status) {
    switch (status) {
        case PecStatus::not_reported: return "not_reported";
        case PecStatus::opened: return "opened";
        case PecStatus::partial: return "partial";
        case PecStatus::reported: return "reported";
    }
    return "unknown";
}

PecStatus pec_status(const PecTally& pec, bool has_district) {
    const int owed = has_district ? 3 : 2;
    const int have = int(pec.final_party_list) + int(has_district && pec.final_district) + int(pec.identification);
    if (have == owed) return PecStatus::reported;
    if (have > 0) return PecStatus::partial;
    if (pec.zero_party_list || pec.zero_district) return PecStatus::opened;
    return PecStatus::not_reported;
}

nlohmann::json results_document(const Results& results, const core::ElectionPackage& package) {
    json doc;
    doc["version"] = kPublicationVersion;
    doc["election"] = {{"name", package.name}, {"date", package.date}};
    // PEC rows and statuses first: progress counts complete PECs.
    int pecs_complete = 0;
    json pecs = pec_rows(results, package, pecs_complete);
    doc["progress"] = progress(results, pecs_complete);
    // PECs the CEC holds back (an operator's hold, or a revoked device's reports under review):
    // listed, so a reader knows which figures the totals leave out.
    if (!results.withheld.empty()) doc["progress"]["withheld_pecs"] = results.withheld;
    doc["national"] = national(results.national);
    doc["seats"] = seats(results.seats, package.rules);
    doc["parties"] = party_rows(results, package);
    doc["regions"] = region_rows(results, package);
    doc["districts"] = district_rows(results, package);
    doc["pecs"] = std::move(pecs);
    return doc;
}

// [SECTION] The check and the page

std::vector<PublicationDifference> check_publication(const Results& stored, const core::ElectionPackage& package,
                                                     const nlohmann::json& published) {
    std::vector<PublicationDifference> out;
    diff(results_document(stored, package), published, "", out);
    return out;
}

std::string describe(const std::vector<PublicationDifference>& differences) {
    std::string out;
    for (const auto& d : differences) out += fmt::format("{}: stored {}, published {}\n", d.path, d.stored, d.published);
    return out;
}

std::string_view results_page_html() { return kResultsPageHtml; }

}  // namespace central
