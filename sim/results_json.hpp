#pragma once
/// results.json (format: docs/results.md) and the human summary `shailoo run` prints.
#include <nlohmann/json.hpp>

#include <string>

#include "core/election_package.hpp"
#include "sim/results.hpp"

namespace sim {

/// A whole number with thousands separators, as the summaries and reports print it (1,289,544).
std::string grouped(std::int64_t v);

/// National figures summed from the PECs, as printed and written.
struct NationalFigures {
    std::int64_t registered = 0;
    std::int64_t voters = 0;
    std::vector<std::int64_t> party_votes;     ///< ARBB-counted valid votes, [0] = against all
    std::int64_t party_invalid = 0;            ///< ARBB-counted invalid party-list ballots
    std::int64_t party_awaiting_manual = 0;    ///< party-list ballots in stationary boxes
    std::int64_t district_invalid = 0;
    std::int64_t district_awaiting_manual = 0;
    core::IdentificationCounts identification;
    std::int64_t max_queue = 0;
    double mean_wait_s = 0.0;                  ///< voter-weighted mean wait for a desk
    double max_wait_s = 0.0;
    std::int64_t pecs_with_queue_at_close = 0;
    std::int64_t pecs_long_queues = 0;          ///< mean queue over the day >= kLongQueue
    std::int64_t pecs_no_queue = 0;             ///< mean queue over the day < kNoQueue
    std::int64_t left_queue = 0;                ///< voters who left a queue too long for their patience
    std::int64_t pecs_with_broken_ratios = 0;
};

/// A PEC "had long queues all day" when its time-average queue was at least this long (voters).
inline constexpr double kLongQueue = 3.0;
/// A PEC "had no queue" when its time-average queue was below this (voters).
inline constexpr double kNoQueue = 0.25;

/// Sums the PECs.
NationalFigures national_figures(const RunResults& results, const core::ElectionPackage& package);

/// The whole results document; `with_perf` false leaves out the timing block (for comparisons).
nlohmann::ordered_json results_to_json(const RunResults& results, const core::ElectionPackage& package,
                                       bool with_perf = true);

/// The human summary printed at the end of `shailoo run`.
std::string summary_text(const RunResults& results, const core::ElectionPackage& package);

}  // namespace sim
