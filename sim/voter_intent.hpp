#pragma once
/// Ground truth: what each voter means to vote, and the paper ballots that intent produces.
/// The model (docs/scenarios.md): a voter spoils the ballot with the package's invalid share
/// (blank, two marks, or a preference for another party's candidate), votes "against all" with its
/// share, and otherwise picks a party with the package's support shifted per region (log-normal
/// factor, scenario's party_sd_region) so that regional thresholds matter; a share of party voters
/// also marks a preferred candidate, favouring the top of the list. District ballots likewise.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/ballot.hpp"
#include "core/election_package.hpp"
#include "core/random.hpp"
#include "sim/scenario.hpp"

namespace sim {

/// Index of the first element of `ascending` greater than u (its size if none): the same as
/// std::upper_bound, but without data-dependent branches. The draws it serves are random, so a
/// branching binary search mispredicts about every other step.
inline std::size_t upper_bound_index(std::span<const double> ascending, double u) {
    if (ascending.empty()) return 0;
    const double* base = ascending.data();
    std::size_t n = ascending.size();
    while (n > 1) {  // invariant: the answer is in [base, base + n]
        const std::size_t half = n / 2;
        // Arithmetic, not `?:`: g++ 12 compiles the conditional form to a branch here.
        base += static_cast<std::size_t>(base[half - 1] <= u) * half;
        n -= half;
    }
    return static_cast<std::size_t>(base - ascending.data()) + (*base <= u ? 1 : 0);
}

/// One voter's intent and the two sheets it becomes.
struct Intent {
    int party = 0;              ///< Party.id chosen, 0 against all, -1 spoilt
    int district = 0;           ///< candidate chosen, 0 against all, -1 spoilt (or no district: abroad)
    core::Ballot party_ballot;
    core::Ballot district_ballot;
    bool has_district = true;   ///< false abroad: single constituency only
};

/// Draws intents; built once per run, shared read-only by all threads.
class IntentModel {
public:
    /// Share of valid party-list voters who also mark a preferred candidate (our estimate).
    static constexpr double kPreferenceShare = 0.6;

    /// Builds the per-region party and per-district candidate distributions.
    IntentModel(const core::ElectionPackage& package, const Scenario& scenario, std::uint64_t seed);
    /// The intent of one voter of `pec`, drawn from `random`.
    Intent draw(const core::Pec& pec, core::RandomStream& random) const;

private:
    struct Cdf {
        std::vector<double> cumulative;  // ascending, last = 1
        std::vector<int> option;         // option at each step
        int pick(double u) const;
    };
    const core::ElectionPackage& package_;
    std::vector<Cdf> party_by_region_;    // index: region code
    std::vector<Cdf> district_;           // index: district number
    std::vector<double> district_against_all_;
    std::vector<Cdf> preference_by_party_;  // index: party id
};

}  // namespace sim
