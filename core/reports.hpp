#pragma once
/// The reports an ARBB prints: the zero report at opening, the initial and the final report at
/// closing. Plain values (copyable, comparable) so the transmitter can serialise them for the
/// central server and the simulator can compare them with ground truth.
///
/// Initial vs final (our model of the 2021 procedure): at 20:00 the ARBB prints the initial
/// report straight from its counters, with only the ratios it can check alone. The commission
/// then enters the protocol figures it counted itself (ballots received, issued, identified
/// voters) and the ARBB prints the final report with every control ratio checked. The final
/// report is the one transmitted.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ballot.hpp"
#include "core/clock.hpp"

namespace core {

/// Which report of the day.
enum class ReportKind : std::uint8_t {
    zero,     ///< at opening: proves the box is empty and every counter is zero
    initial,  ///< at closing, from the ARBB's counters alone
    final,    ///< at closing, with the commission's protocol figures and every control ratio
};

/// Human name of a report kind ("zero", "initial", "final").
std::string_view to_string(ReportKind kind);

/// One control ratio of the protocol, checked: `left relation right`.
struct ControlRatio {
    std::string name;          ///< stable id, e.g. "in_box_le_issued"
    std::string rule;          ///< the rule in words, e.g. "ballots in the box <= ballots issued"
    std::int64_t left = 0;     ///< value of the left side
    std::int64_t right = 0;    ///< value of the right side
    bool holds = true;         ///< whether the rule holds for these values
    bool operator==(const ControlRatio&) const = default;
};

/// Figures the commission enters at closing, counted outside the ARBB.
struct ClosingFigures {
    std::int64_t ballots_received = 0;   ///< ballots of this box's form the PEC received from the DEC/TEC
    std::int64_t ballots_issued = 0;     ///< ballots of this form issued to voters (identification desks)
    std::int64_t identified_voters = 0;  ///< voters identified (biometric or paper list procedure)
    bool operator==(const ClosingFigures&) const = default;
};

/// One ARBB report (zero, initial or final).
struct ArbbReport {
    ReportKind kind = ReportKind::zero;  ///< which report
    int pec = 0;                         ///< PEC number (4 digits)
    BoxKind box = BoxKind::party_list;   ///< which of the two boxes
    std::string device_id;               ///< id of the ballot scanner that counted, e.g. "1001-arbb-1"
    Micros at = 0;                       ///< when the report was made

    /// Valid votes per option: option_counts[0] = against all, option_counts[i] = party or candidate i.
    std::vector<std::int64_t> option_counts;
    /// Party list box only: preference_counts[p - 1][k - 1] = votes preferring candidate k of party p.
    /// Empty for the district box.
    std::vector<std::vector<std::int64_t>> preference_counts;

    std::int64_t ballots_in_box = 0;     ///< sheets by the scanner's own counter (both compartments) + sheets in the stationary box
    std::int64_t ballots_scanned = 0;    ///< sheets the ARBB read and counted (valid + invalid)
    std::int64_t valid = 0;              ///< valid ballots counted by the ARBB
    std::int64_t invalid = 0;            ///< invalid ballots counted by the ARBB (separate compartment)
    std::array<std::int64_t, kInvalidReasonCount> invalid_by_reason{};  ///< invalid ballots per InvalidReason
    std::int64_t returned_to_voters = 0; ///< sheets handed back unread (misfeed, wrong ballot form)

    bool replaced_by_stationary_box = false;     ///< the ARBB was replaced by a stationary (manual) box
    Micros replaced_at = 0;                      ///< when it was replaced (0 if not)
    std::int64_t ballots_awaiting_manual_count = 0;  ///< sheets in the stationary box, not counted by the ARBB

    ClosingFigures figures;                      ///< commission's figures (zero in zero and initial reports)
    std::vector<ControlRatio> control_ratios;    ///< every ratio checked for this report
    std::vector<std::string> violations;         ///< one line per broken ratio, for people to act on

    bool printed = false;                        ///< the report came out of the printer
    std::string print_error;                     ///< why it was not printed (empty if printed)

    /// True when every control ratio holds.
    bool consistent() const { return violations.empty(); }
    bool operator==(const ArbbReport&) const = default;
};

/// Checks the control ratios of the protocol that apply to the report's kind, from its own
/// figures, and fills control_ratios and violations. Ratios (names as in ControlRatio::name):
/// - zero report: "counters_zero" - every counter and count is zero (the box was shown empty);
/// - initial and final: "valid_plus_invalid_eq_scanned", "option_counts_sum_eq_valid",
///   "invalid_reasons_sum_eq_invalid", "scanned_plus_manual_eq_in_box" (the station's tallies
///   agree with the scanner's own sheet counter), and for the party list box
///   "preferences_le_party_votes" (no party has more preference votes than votes);
/// - final only, against the commission's figures: "issued_le_received", "in_box_le_issued",
///   "in_box_le_identified" (the 2021 case of more ballots in an ARBB than identified voters),
///   "identified_eq_issued".
/// Pure: the central server runs it again on every report it receives.
void check_control_ratios(ArbbReport& report);

}  // namespace core
