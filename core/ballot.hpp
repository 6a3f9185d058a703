#pragma once
/// Ballots of the two ARBB boxes, the marks a scanner reads from them, and the rule that
/// decides whether a ballot is valid and for which option.
///
/// Options are indexed as in the election package: on the single constituency (party list)
/// ballot option p is Party.id p (1..21); on the district ballot option c is
/// DistrictCandidate.id c (1..n). On both ballots option 0 is "against all" (the 2021 single
/// constituency ballot had it too: 2.2 % of the vote).
///
/// Marks are kept in fixed-size arrays so that making, reading and counting a ballot never
/// allocates (1.3 M voters x 2 boxes in a whole-country run).
#include <array>
#include <cstdint>
#include <expected>
#include <string_view>
#include <vector>

namespace core {

/// Which of the two ARBBs at a PEC a ballot belongs in.
enum class BoxKind : std::uint8_t {
    party_list,  ///< single nationwide constituency: one party (or against all) plus an optional preferred candidate
    district,    ///< single-mandate district: one candidate or against all
};

/// Option number of "against all" on both ballots.
inline constexpr int kAgainstAll = 0;

/// Human name of a box kind ("party_list", "district").
std::string_view to_string(BoxKind kind);

/// A preferred-candidate mark on the party list ballot: the party and the candidate's place on its list.
struct PreferenceMark {
    std::uint8_t party = 0;     ///< Party.id the marked candidate stands for
    std::uint8_t position = 0;  ///< 1-based place on that party's list
};

/// The marks on one sheet, as drawn (Ballot) or as read (BallotMarks).
struct MarkSheet {
    /// Most marks a sheet records. A voter may mark every box on the sheet (21 parties + against all);
    /// marks beyond this are still counted in option_marks/preference_marks so an overmarked sheet stays overmarked.
    static constexpr int kMaxMarks = 24;

    BoxKind form = BoxKind::party_list;                 ///< which ballot form the sheet is
    std::uint8_t option_marks = 0;                      ///< number of option boxes marked (may exceed kMaxMarks)
    std::array<std::uint8_t, kMaxMarks> options{};      ///< marked option numbers (0 = against all), first option_marks (up to kMaxMarks)
    std::uint8_t preference_marks = 0;                  ///< number of preferred candidates marked (party list only)
    std::array<PreferenceMark, kMaxMarks> preferences{};///< the preference marks, first preference_marks (up to kMaxMarks)

    /// Adds a mark on option `option` (0 = against all).
    void mark_option(int option);
    /// Adds a preferred-candidate mark: candidate at `position` on party `party`'s list.
    void mark_preference(int party, int position);
    /// Removes the last option mark (a scanner missing a faint mark); no-op on a sheet with none.
    void drop_last_option();
};

/// Physical state of a paper ballot when it reaches the scanner.
enum class PaperCondition : std::uint8_t {
    intact,   ///< readable by the optical scanner
    smudged,  ///< marks smeared or made outside the boxes: the scanner cannot read them
    torn,     ///< torn or folded so the sheet cannot be read (still dropped into the box)
};

/// What the voter put on paper: the ground truth of one ballot.
struct Ballot {
    MarkSheet sheet;                                 ///< the marks the voter made
    PaperCondition condition = PaperCondition::intact;  ///< physical condition

    /// A party list ballot marked for `party` (0 = against all) and, if `preferred_position` > 0,
    /// the candidate at that place on the party's list.
    static Ballot for_party(int party, int preferred_position = 0);
    /// A district ballot marked for candidate `candidate` (0 = against all).
    static Ballot for_candidate(int candidate);
    /// An unmarked ballot of this form.
    static Ballot blank(BoxKind form);
};

/// What a ballot scanner read from one sheet.
struct BallotMarks {
    MarkSheet sheet;        ///< the marks as the scanner saw them
    bool readable = true;   ///< false when the scanner could not make out the marks
};

/// Why a ballot is invalid (the separate compartment of the ARBB).
enum class InvalidReason : std::uint8_t {
    blank,                      ///< no option marked
    overmarked,                 ///< more than one option marked (two parties, two candidates, or a party and against all)
    preference_of_other_party,  ///< the preferred candidate stands for a party other than the one marked (or against all is marked)
    several_preferences,        ///< more than one preferred candidate marked
    preference_without_party,   ///< a preferred candidate marked but no party
    unknown_option,             ///< a mark outside the printed options (or a form this box does not take)
    unreadable,                 ///< the scanner could not read the sheet
};
/// Number of InvalidReason values (for per-reason counters).
inline constexpr int kInvalidReasonCount = 7;

/// Human name of a reason ("blank", "overmarked", ...).
std::string_view to_string(InvalidReason reason);

/// A valid vote: the option chosen and, on the party list ballot, the preferred candidate.
struct Choice {
    int option = 0;              ///< Party.id or DistrictCandidate.id; 0 = against all
    int preferred_position = 0;  ///< 1-based list place of the preferred candidate; 0 = none
};

/// The printed layout of one box's ballot: what counts as a mark inside the options.
struct BallotLayout {
    BoxKind kind = BoxKind::party_list;  ///< the box this ballot goes in
    int options = 0;                     ///< highest option number (parties or candidates); 0 is against all
    std::vector<int> list_sizes;         ///< party list box: list_sizes[p - 1] = candidates on party p's list
};

/// A valid choice, or why the ballot is invalid.
using Classification = std::expected<Choice, InvalidReason>;

/// Classifies what the scanner read. Rules (Constitutional Law on Elections, 2021, as the
/// brief states them): exactly one option must be marked; a preference counts only with its
/// own party marked, at most one, and only inside that party's list. Two preferences make
/// the ballot invalid rather than dropping the preference: the law gives the commission no
/// way to pick one, so we do not either. Never allocates.
Classification classify(const BallotMarks& marks, const BallotLayout& layout);

}  // namespace core
