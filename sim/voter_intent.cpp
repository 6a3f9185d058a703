#include "sim/voter_intent.hpp"

#include <algorithm>
#include <cmath>

namespace sim {
namespace {

constexpr std::uint64_t kRegionShift = 0x5245474e;  // "REGN": stream purpose of regional support shifts

}  // namespace

int IntentModel::Cdf::pick(double u) const {
    return option[std::min<std::size_t>(upper_bound_index(cumulative, u), option.size() - 1)];
}

IntentModel::IntentModel(const core::ElectionPackage& package, const Scenario& scenario, std::uint64_t seed)
    : package_(package) {
    auto build = [](const std::vector<std::pair<int, double>>& weights) {
        Cdf cdf;
        double total = 0;
        for (auto& [o, w] : weights) total += w;
        double run = 0;
        for (auto& [o, w] : weights) {
            run += w / total;
            cdf.cumulative.push_back(run);
            cdf.option.push_back(o);
        }
        if (!cdf.cumulative.empty()) cdf.cumulative.back() = 1.0;
        return cdf;
    };
    // Regional factors, rescaled per party so that the voter-weighted mean factor is 1: regions
    // differ, the national shares stay the package's.
    const std::size_t parties = package.parties.size();
    std::vector<std::vector<double>> factor(package.regions.size(), std::vector<double>(parties));
    std::vector<double> mean(parties, 0.0);
    double weight_total = 0.0;
    for (std::size_t r = 0; r < package.regions.size(); ++r) {
        const auto& region = package.regions[r];
        core::RandomStream shift(seed, kRegionShift, static_cast<std::uint64_t>(region.code));
        const double weight = static_cast<double>(region.voters) * std::max(0.01, package.rules.turnout + region.turnout_bias);
        weight_total += weight;
        for (std::size_t p = 0; p < parties; ++p) {
            factor[r][p] = std::exp(scenario.party_sd_region * shift.normal());
            mean[p] += weight * factor[r][p];
        }
    }
    party_by_region_.resize(10);
    for (std::size_t r = 0; r < package.regions.size(); ++r) {
        std::vector<std::pair<int, double>> w;
        for (std::size_t p = 0; p < parties; ++p)
            w.emplace_back(package.parties[p].id, package.parties[p].support * factor[r][p] * weight_total / mean[p]);
        party_by_region_[package.regions[r].code] = build(w);
    }
    int max_district = 0;
    for (const auto& d : package.districts) max_district = std::max(max_district, d.number);
    district_.resize(max_district + 1);
    district_against_all_.assign(max_district + 1, 0.0);
    for (const auto& d : package.districts) {
        std::vector<std::pair<int, double>> w;
        for (const auto& c : d.candidates) w.emplace_back(c.id, c.support);
        district_[d.number] = build(w);
        district_against_all_[d.number] = d.against_all;
    }
    int max_party = 0;
    for (const auto& p : package.parties) max_party = std::max(max_party, p.id);
    preference_by_party_.resize(max_party + 1);
    for (const auto& p : package.parties) {
        // Preference votes concentrate on the top of the list: weight 1 / position^1.2 (our estimate).
        std::vector<std::pair<int, double>> w;
        for (const auto& c : p.list) w.emplace_back(c.position, 1.0 / std::pow(c.position, 1.2));
        if (!w.empty()) preference_by_party_[p.id] = build(w);
    }
}

Intent IntentModel::draw(const core::Pec& pec, core::RandomStream& random) const {
    const auto& rules = package_.rules;
    Intent intent;
    // Single constituency.
    const double u = random.uniform();
    if (u < rules.invalid_share) {
        intent.party = -1;
        const double kind = random.uniform();
        if (kind < 0.45) {
            intent.party_ballot = core::Ballot::blank(core::BoxKind::party_list);
        } else if (kind < 0.85) {  // two parties marked
            const int a = party_by_region_[pec.region_code].pick(random.uniform());
            int b = party_by_region_[pec.region_code].pick(random.uniform());
            if (b == a) b = a % static_cast<int>(package_.parties.size()) + 1;
            intent.party_ballot = core::Ballot::for_party(a);
            intent.party_ballot.sheet.mark_option(b);
        } else {  // a preferred candidate of another party
            const int a = party_by_region_[pec.region_code].pick(random.uniform());
            const int b = a % static_cast<int>(package_.parties.size()) + 1;
            intent.party_ballot = core::Ballot::for_party(a);
            intent.party_ballot.sheet.mark_preference(b, 1);
        }
    } else if (u < rules.invalid_share + rules.against_all) {
        intent.party = core::kAgainstAll;
        intent.party_ballot = core::Ballot::for_party(core::kAgainstAll);
    } else {
        intent.party = party_by_region_[pec.region_code].pick(random.uniform());
        int preferred = 0;
        const auto& pref = preference_by_party_[intent.party];
        if (!pref.option.empty() && random.bernoulli(kPreferenceShare)) preferred = pref.pick(random.uniform());
        intent.party_ballot = core::Ballot::for_party(intent.party, preferred);
    }
    // Single-mandate district (none abroad).
    intent.has_district = pec.district > 0 && pec.district < static_cast<int>(district_.size()) &&
                          !district_[pec.district].option.empty();
    if (!intent.has_district) {
        intent.district = -1;
        return intent;
    }
    const double v = random.uniform();
    const double against = district_against_all_[pec.district];
    if (v < rules.invalid_share) {
        intent.district = -1;
        intent.district_ballot = core::Ballot::blank(core::BoxKind::district);
        if (random.bernoulli(0.5)) {  // two candidates marked
            intent.district_ballot = core::Ballot::for_candidate(district_[pec.district].pick(random.uniform()));
            intent.district_ballot.sheet.mark_option(core::kAgainstAll);
        }
    } else if (v < rules.invalid_share + against) {
        intent.district = core::kAgainstAll;
        intent.district_ballot = core::Ballot::for_candidate(core::kAgainstAll);
    } else {
        intent.district = district_[pec.district].pick(random.uniform());
        intent.district_ballot = core::Ballot::for_candidate(intent.district);
    }
    return intent;
}

}  // namespace sim
