#include "core/reports.hpp"

#include <numeric>

#include <fmt/format.h>

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

std::int64_t sum(const std::vector<std::int64_t>& v) { return std::accumulate(v.begin(), v.end(), std::int64_t{0}); }

enum class Relation { eq, le };

void add(ArbbReport& r, std::string name, std::string rule, std::int64_t left, Relation rel, std::int64_t right,
         std::string_view action, bool holds_override = true) {
    const bool holds = holds_override && (rel == Relation::eq ? left == right : left <= right);
    if (!holds)
        r.violations.push_back(fmt::format("PEC {} {} box, {} report: control ratio broken: {} ({} {} {}); {}", r.pec,
                                           to_string(r.box), to_string(r.kind), rule, left,
                                           rel == Relation::eq ? "!=" : ">", right, action));
    r.control_ratios.push_back(ControlRatio{std::move(name), std::move(rule), left, right, holds});
}

}  // namespace

void check_control_ratios(ArbbReport& r) {
    r.control_ratios.clear();
    r.violations.clear();
    const std::int64_t options_sum = sum(r.option_counts);
    const std::int64_t reasons_sum =
        std::accumulate(r.invalid_by_reason.begin(), r.invalid_by_reason.end(), std::int64_t{0});
    std::int64_t preferences_sum = 0;
    for (const auto& list : r.preference_counts) preferences_sum += sum(list);

    if (r.kind == ReportKind::zero) {
        const std::int64_t all = r.ballots_in_box + r.ballots_scanned + r.valid + r.invalid + reasons_sum +
                                 r.returned_to_voters + r.ballots_awaiting_manual_count + options_sum + preferences_sum;
        add(r, "counters_zero", "every counter is zero at opening", all, Relation::eq, 0,
            "do not open voting: the box is not empty or the scanner was used; call the DEC and technical support");
        return;
    }
    add(r, "valid_plus_invalid_eq_scanned", "valid + invalid ballots = ballots scanned", r.valid + r.invalid,
        Relation::eq, r.ballots_scanned, "the ARBB counters disagree: count this box manually");
    add(r, "option_counts_sum_eq_valid", "sum of votes for all options = valid ballots", options_sum, Relation::eq,
        r.valid, "the ARBB counters disagree: count this box manually");
    add(r, "invalid_reasons_sum_eq_invalid", "sum of invalid ballots by reason = invalid ballots", reasons_sum,
        Relation::eq, r.invalid, "the ARBB counters disagree: count this box manually");
    add(r, "scanned_plus_manual_eq_in_box",
        "ballots scanned + ballots awaiting manual count = ballots in the box (scanner's sheet counter)",
        r.ballots_scanned + r.ballots_awaiting_manual_count, Relation::eq, r.ballots_in_box,
        "sheets entered the box without being counted: count this box manually");
    if (r.box == BoxKind::party_list) {
        bool each_party_holds = true;
        int first_broken = 0;
        for (std::size_t p = 0; p < r.preference_counts.size(); ++p) {
            const std::int64_t votes = p + 1 < r.option_counts.size() ? r.option_counts[p + 1] : 0;
            if (sum(r.preference_counts[p]) > votes) {
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
