#pragma once
/// Seat allocation for the 2021 rules: party-list seats (thresholds, largest remainder with the
/// Hare quota), open-list mandates with the women's reserve, and single-mandate district winners.
/// Pure functions: no I/O, no clock, exact integer arithmetic, deterministic tie rules.
///
/// Rules implemented (Constitutional Law "On elections of the President and deputies of the
/// Jogorku Kenesh", 2021 edition, as summarised in shared/domain/election-technology.md):
/// - Threshold base. The law measures both thresholds as shares of the voters who took part in the
///   voting. When that number is known (VoteTable::took_part) it is the base; when only the votes
///   are known, the base is the total of all valid votes in the table (every party plus "against
///   all"). Region by region likewise: the region's took-part figure, else its valid votes.
/// - A party passes with at least threshold_national of the national base AND at least
///   threshold_regional of each region's base (regional test only when the table has regions;
///   a region named "abroad" is not an oblast/city and is exempt). Thresholds are compared exactly
///   after rounding them to parts per million: votes * 1e6 >= base * round(threshold * 1e6).
/// - Seats: Hare quota = (votes of the passing parties) / seats; each passing party first gets
///   floor(votes / quota), the seats left go one each to the largest remainders.
///   Ties in remainders: more votes first, then earlier in the table (ballot order).
/// - Open lists: a party's mandates go to its candidates in order of preference votes (ties: the
///   better list position). Women's reserve: at least ceil(women_share * mandates) of them must be
///   women. If the preference order elects fewer, the elected man with the fewest preference votes
///   (ties: worse list position) gives way to the not-elected woman with the most preference votes
///   (ties: better list position), repeated until the reserve is met or no woman is left.
/// - Districts: a candidate is elected with strictly more votes than every other candidate and than
///   "against all". If "against all" has the most votes (or ties for first) a repeat election is
///   called; a tie between candidates for first place also leads to a repeat election (central/
///   draws no lots).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/election_package.hpp"
#include "core/result.hpp"

namespace core {

/// One row of a vote table: a party (or "against all") and its votes, nationally and per region.
struct VoteRow {
    std::string party;                  ///< party name as on the ballot
    std::int64_t votes = 0;             ///< national votes
    std::vector<std::int64_t> regional; ///< votes per region, in VoteTable::regions order (empty if none)
    bool against_all = false;           ///< the "against all" line: counted in valid votes, never gets seats
};

/// Single-constituency votes of all parties, optionally by region.
struct VoteTable {
    std::vector<std::string> regions;                ///< region names; empty = no regional data
    std::vector<VoteRow> rows;                       ///< in ballot order
    std::optional<std::int64_t> took_part;           ///< voters who took part, nationally (threshold base)
    std::vector<std::int64_t> regional_took_part;    ///< per region, same order as regions (empty if unknown)
};

/// Parameters of the party-list allocation.
struct ListSeatRules {
    int seats = 54;                   ///< seats in the single nationwide constituency
    double threshold_national = 0.05; ///< share of the national base
    double threshold_regional = 0.005;///< share of each region's base
};

/// Outcome for one party.
struct PartySeats {
    std::string party;                   ///< name as in the table
    std::int64_t votes = 0;              ///< national votes
    bool against_all = false;            ///< the "against all" line
    bool passed_national = false;        ///< met the national threshold
    std::vector<std::string> failed_regions; ///< regions where it fell below the regional threshold
    bool passed = false;                 ///< took part in the seat distribution
    int quota_seats = 0;                 ///< whole quotas
    bool remainder_seat = false;         ///< got one of the seats by largest remainder
    int seats = 0;                       ///< total seats
};

/// Outcome of the party-list allocation.
struct ListSeatAllocation {
    std::vector<PartySeats> parties;     ///< same order as the table rows
    std::int64_t national_base = 0;      ///< number the national threshold is a share of
    bool base_is_took_part = false;      ///< true: voters who took part; false: valid votes in the table
    bool regional_applied = false;       ///< the table had regional columns and they were tested
    std::int64_t passing_votes = 0;      ///< votes of the passing parties (Hare quota numerator)
    double hare_quota = 0.0;             ///< passing_votes / seats (for display; arithmetic is exact)
    int seats = 0;                       ///< seats to distribute (the rules' seats)
    int unallocated = 0;                 ///< of those, seats nobody could take (all of them when no party passed)
};

/// Shares `rules.seats` among the parties of `table`. Errors: inconsistent table (regional column
/// counts, negative votes, non-positive seats, thresholds outside [0, 1]).
Result<ListSeatAllocation> allocate_list_seats(const VoteTable& table, const ListSeatRules& rules);

/// A candidate who receives a party mandate.
struct ElectedListCandidate {
    int position = 0;                 ///< place on the party list
    std::string name;                 ///< as on the list
    Sex sex = Sex::female;            ///< as on the list
    std::int64_t preference_votes = 0;///< preference votes received
    bool by_women_reserve = false;    ///< elected only because of the women's reserve
};

/// Who gets a party's mandates.
struct ListMandates {
    std::vector<ElectedListCandidate> elected; ///< in order of the final ranking
    int women_required = 0;           ///< ceil(women_share * mandates)
    int women_elected = 0;            ///< women among the elected
    int vacant = 0;                   ///< mandates left empty because the list is too short
};

/// Gives `mandates` seats to the candidates of `list` by `preference_votes` (same order as `list`),
/// then applies the women's reserve (rule in the file comment).
Result<ListMandates> assign_list_mandates(std::span<const ListCandidate> list,
                                          std::span<const std::int64_t> preference_votes, int mandates,
                                          double women_share);

/// Votes of one single-mandate district.
struct DistrictVotes {
    std::vector<std::int64_t> candidate_votes; ///< by candidate, in ballot order (candidate id = index + 1)
    std::int64_t against_all = 0;              ///< "against all" votes
};

/// How a single-mandate district ends.
enum class DistrictOutcome : std::uint8_t {
    elected,                 ///< one candidate has the most votes
    repeat_against_all,      ///< "against all" has (or shares) the most votes: repeat election
    repeat_tie,              ///< two or more candidates share the most votes: repeat election
    repeat_no_votes,         ///< nobody received a vote
};

/// Result in one district.
struct DistrictResult {
    DistrictOutcome outcome = DistrictOutcome::repeat_no_votes; ///< what happens
    int winner = 0;                  ///< candidate id (1-based) when elected, else 0
    std::int64_t winner_votes = 0;   ///< the most votes any candidate received
};

/// Plurality with "against all" (rule in the file comment).
DistrictResult decide_district(const DistrictVotes& votes);

/// Human text for an outcome, e.g. "repeat election: against all".
std::string_view describe(DistrictOutcome outcome);

/// Reads a vote table from CSV text (format in docs/seats-csv.md): header `party,votes[,REGION...]`,
/// one row per party; a row named "against all" is the against-all line, a row named "took part"
/// gives the number of voters who took part. Errors read "FILE:LINE: ...".
Result<VoteTable> parse_vote_table_csv(std::string_view text, std::string_view file_name);

}  // namespace core
