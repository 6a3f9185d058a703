#include "core/reports.hpp"

#include <limits>

#include <fmt/format.h>

#include "core/checked_count.hpp"

namespace core {

std::string_view to_string(ReportKind kind) {
    switch (kind) {
        case ReportKind::zero: return "zero";
        case ReportKind::initial: return "initial";
        case ReportKind::final: return "final";
    }
    return "unknown";
}

namespace {

enum class Relation { eq, le };

/// A side of a ratio: a count, or nothing when its sum did not fit in 64 bits.
using Side = std::optional<std::int64_t>;

/// a + b, nothing when either is nothing or the sum does not fit.
Side plus(Side a, Side b) { return b ? checked_add(a, *b) : std::nullopt; }

/// Adds one ratio. A side whose sum did not fit breaks the ratio (shown as the largest count):
/// no wrapped sum may ever make a ratio hold.
void add(ArbbReport& r, std::string name, std::string rule, Side left_sum, Relation rel, Side right_sum,
         std::string_view action, bool holds_override = true) {
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    const std::int64_t left = left_sum.value_or(kMax);
    const std::int64_t right = right_sum.value_or(kMax);
    const bool holds = holds_override && left_sum && right_sum && (rel == Relation::eq ? left == right : left <= right);
    if (!holds)
        r.violations.push_back(fmt::format("PEC {} {} box, {} report: control ratio broken: {} ({} {} {}{}); {}", r.pec,
                                           to_string(r.box), to_string(r.kind), rule, left,
                                           rel == Relation::eq ? "!=" : ">", right,
                                           left_sum && right_sum ? "" : ", a sum does not fit in 64 bits", action));
    r.control_ratios.push_back(ControlRatio{std::move(name), std::move(rule), left, right, holds});
}

}  // namespace

void check_control_ratios(ArbbReport& r) {
    r.control_ratios.clear();
    r.violations.clear();
    const Side options_sum = checked_sum(r.option_counts);
    const Side reasons_sum = checked_sum(r.invalid_by_reason);
    Side preferences_sum = 0;
    for (const auto& list : r.preference_counts) preferences_sum = plus(preferences_sum, checked_sum(list));

    if (r.kind == ReportKind::zero) {
        const Side counters = checked_sum(std::array{r.ballots_in_box, r.ballots_scanned, r.valid, r.invalid,
                                                     r.returned_to_voters, r.ballots_awaiting_manual_count});
        const Side all = plus(plus(plus(counters, reasons_sum), options_sum), preferences_sum);
        add(r, "counters_zero", "every counter is zero at opening", all, Relation::eq, 0,
            "do not open voting: the box is not empty or the scanner was used; call the DEC and technical support");
        return;
    }
    add(r, "valid_plus_invalid_eq_scanned", "valid + invalid ballots = ballots scanned", checked_add(r.valid, r.invalid),
        Relation::eq, r.ballots_scanned, "the ARBB counters disagree: count this box manually");
    add(r, "option_counts_sum_eq_valid", "sum of votes for all options = valid ballots", options_sum, Relation::eq,
        r.valid, "the ARBB counters disagree: count this box manually");
    add(r, "invalid_reasons_sum_eq_invalid", "sum of invalid ballots by reason = invalid ballots", reasons_sum,
        Relation::eq, r.invalid, "the ARBB counters disagree: count this box manually");
    add(r, "scanned_plus_manual_eq_in_box",
        "ballots scanned + ballots awaiting manual count = ballots in the box (scanner's sheet counter)",
        checked_add(r.ballots_scanned, r.ballots_awaiting_manual_count), Relation::eq, r.ballots_in_box,
        "sheets entered the box without being counted: count this box manually");
    if (r.box == BoxKind::party_list) {
        bool each_party_holds = true;
        int first_broken = 0;
        for (std::size_t p = 0; p < r.preference_counts.size(); ++p) {
            const std::int64_t votes = p + 1 < r.option_counts.size() ? r.option_counts[p + 1] : 0;
            const Side party_preferences = checked_sum(r.preference_counts[p]);
            if (!party_preferences || *party_preferences > votes) {
                if (each_party_holds) first_broken = static_cast<int>(p + 1);
                each_party_holds = false;
            }
        }
        add(r, "preferences_le_party_votes",
            each_party_holds ? std::string("preference votes of each party <= votes for that party")
                             : fmt::format("preference votes of each party <= votes for that party (party {} has more)",
                                           first_broken),
            preferences_sum, Relation::le, r.valid - (r.option_counts.empty() ? 0 : r.option_counts[0]),
            "the preference counts are wrong: count the preferences manually", each_party_holds);
    }
    if (r.kind != ReportKind::final) return;
    const auto& f = r.figures;
    add(r, "issued_le_received", "ballots issued <= ballots received by the PEC", f.ballots_issued, Relation::le,
        f.ballots_received, "check the ballot receipt act and the issue records");
    add(r, "in_box_le_issued", "ballots in the box <= ballots issued", r.ballots_in_box, Relation::le,
        f.ballots_issued, "more ballots in the box than issued: report to the DEC, the results may be invalidated");
    add(r, "in_box_le_identified", "ballots in the box <= identified voters", r.ballots_in_box, Relation::le,
        f.identified_voters, "more ballots in the box than identified voters: report to the DEC");
    add(r, "identified_eq_issued", "identified voters = ballots issued", f.identified_voters, Relation::eq,
        f.ballots_issued, "reconcile the identification report with the ballot issue records");
}

}  // namespace core
