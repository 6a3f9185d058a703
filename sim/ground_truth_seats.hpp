#pragma once
/// The party-list seats the ground truth gives: what the simulated voters marked (sim::GroundTruth),
/// allocated with the package's rules exactly as central/aggregation.cpp allocates the CEC's stored
/// counts - the same table shape (every region that is not abroad, against all first), the same
/// threshold base ("voters who took part": here every voter who cast a party-list ballot, spoilt
/// ones included). results.json compares the two (`seats.differing_from_ground_truth`,
/// docs/results.md), the check `seats_match_ground_truth` (docs/scenarios.md) reads it.
#include <vector>

#include "core/election_package.hpp"
#include "core/result.hpp"
#include "core/seat_allocation.hpp"
#include "sim/results.hpp"

namespace sim {

/// The vote table of the ground truth of the simulated PECs (PECs not simulated count nothing).
core::VoteTable ground_truth_vote_table(const RunResults& results, const core::ElectionPackage& package);

/// The party-list seats of that table under the package's rules; an error only for rules the
/// allocation refuses (the CEC's allocation then fails too).
core::Result<core::ListSeatAllocation> ground_truth_seats(const RunResults& results, const core::ElectionPackage& package);

/// Parties (against all excluded) whose seats in `stored` differ from those in `truth`; both come
/// from tables in the package's ballot order. A party missing from one side counts as differing.
int parties_with_other_seats(const core::ListSeatAllocation& stored, const core::ListSeatAllocation& truth);

}  // namespace sim
