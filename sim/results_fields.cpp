#include "sim/results_fields.hpp"

// Index of this file:
//   [SECTION] The fields results_to_json writes
//   [SECTION] Paths

#include <algorithm>
#include <array>
#include <charconv>

#include "core/wire.hpp"
#include "sim/reconciler.hpp"

namespace sim {
namespace {

// [SECTION] The fields results_to_json writes

using K = FieldKind;

// Long: a data table, one line per field of results.json in the document's order (sim/results_json.cpp).
constexpr std::array kFields = std::to_array<ResultField>({
    {"format", K::text}, {"version", K::number}, {"scenario", K::text}, {"package", K::text}, {"seed", K::number},
    {"pecs", K::number}, {"registered", K::number},
    {"turnout", K::object}, {"turnout.voters", K::number}, {"turnout.share", K::number},
    {"turnout.hours_from", K::text}, {"turnout.by_hour", K::numbers}, {"turnout.by_hour[]", K::number, false}, {"turnout.regions", K::list},
    {"turnout.regions[].code", K::number}, {"turnout.regions[].name", K::text}, {"turnout.regions[].registered", K::number},
    {"turnout.regions[].voters", K::number}, {"turnout.regions[].share", K::number},
    {"turnout.regions[].by_hour", K::numbers}, {"turnout.regions[].by_hour[]", K::number, false},
    {"parties", K::list}, {"parties[].id", K::number}, {"parties[].name", K::text}, {"parties[].votes", K::number},
    {"parties[].share", K::number},
    {"against_all", K::number}, {"invalid", K::number}, {"awaiting_manual_count", K::number},
    {"districts", K::list}, {"districts[].number", K::number}, {"districts[].name", K::text}, {"districts[].candidates", K::list},
    {"districts[].candidates[].id", K::number}, {"districts[].candidates[].name", K::text},
    {"districts[].candidates[].votes", K::number}, {"districts[].against_all", K::number}, {"districts[].invalid", K::number},
    {"districts[].awaiting_manual_count", K::number},
    {"opening", K::object}, {"opening.pecs_opened_late", K::number}, {"opening.latest", K::text},
    {"identification", K::object}, {"identification.fingerprint", K::number}, {"identification.other_finger", K::number},
    {"identification.face", K::number}, {"identification.manual", K::number}, {"identification.refused", K::number}, {"identification.refused_not_on_list", K::number},
    {"identification.refused_no_document", K::number}, {"identification.refused_already_voted", K::number},
    {"identification.receipts_not_printed", K::number},
    {"queues", K::object}, {"queues.mean_wait_s", K::number}, {"queues.max_wait_s", K::number}, {"queues.max_queue", K::number},
    {"queues.pecs_with_queue_at_close", K::number}, {"queues.pecs_long_queues", K::number}, {"queues.pecs_no_queue", K::number},
    {"queues.left_without_voting", K::number},
    {"control_ratios", K::object}, {"control_ratios.pecs_with_broken_ratios", K::number},
    {"ground_truth", K::object}, {"ground_truth.parties", K::list}, {"ground_truth.parties[].name", K::text},
    {"ground_truth.parties[].votes", K::number}, {"ground_truth.against_all", K::number}, {"ground_truth.spoilt", K::number},
    {"reporting_curve", K::object}, {"reporting_curve.from", K::text}, {"reporting_curve.step_minutes", K::number},
    {"reporting_curve.reported", K::numbers}, {"reporting_curve.reported[]", K::number}, {"reporting_curve.cumulative", K::numbers},
    {"reporting_curve.cumulative[]", K::number}, {"reporting_curve.share_first_hour", K::number},
    {"reporting_curve.never_reported", K::number},
    {"central", K::object}, {"central.received", K::number}, {"central.accepted", K::number}, {"central.duplicates", K::number},
    {"central.stored", K::number}, {"central.commits", K::number}, {"central.flagged", K::number}, {"central.rejected", K::counts},
    {"central.rejected.*", K::number, false}, {"central.alerts", K::number}, {"central.unreachable", K::number},
    {"seats", K::object}, {"seats.error", K::text, false}, {"seats.party_list", K::list}, {"seats.party_list[].party", K::text},
    {"seats.party_list[].votes", K::number}, {"seats.party_list[].passed", K::boolean}, {"seats.party_list[].seats", K::number},
    {"seats.districts", K::list}, {"seats.districts[].district", K::number}, {"seats.districts[].name", K::text},
    {"seats.districts[].outcome", K::text}, {"seats.districts[].pecs_reporting", K::number}, {"seats.districts[].pecs", K::number},
    {"seats.districts[].winner", K::text, false}, {"seats.districts[].votes", K::number, false}, {"seats.pecs_reporting", K::number},
    {"seats.ground_truth_error", K::text, false}, {"seats.ground_truth_seats", K::numbers}, {"seats.ground_truth_seats[]", K::number, false},
    {"seats.differing_from_ground_truth", K::number},
    {"reconciliation", K::object}, {"reconciliation.discrepancies", K::number}, {"reconciliation.by_check", K::counts},
    {"reconciliation.by_check.*", K::number, false}, {"reconciliation.findings", K::list},
    {"reconciliation.findings[].pec", K::number, false}, {"reconciliation.findings[].check", K::text, false},
    {"reconciliation.findings[].detail", K::text, false},
    {"fault_effects", K::object}, {"fault_effects.counted_until", K::text},
    {"fault_effects.timeline_from", K::text}, {"fault_effects.timeline_step_minutes", K::number}, {"fault_effects.faults", K::list},
    {"fault_effects.faults[].device", K::text}, {"fault_effects.faults[].fault", K::text},
    {"fault_effects.faults[].pecs_affected", K::number}, {"fault_effects.faults[].share_of_pecs", K::number},
    {"fault_effects.faults[].episodes", K::number}, {"fault_effects.faults[].ongoing_at_end", K::number},
    {"fault_effects.faults[].downtime_s", K::number}, {"fault_effects.faults[].longest_downtime_s", K::number},
    {"fault_effects.faults[].longest_at_pec", K::number}, {"fault_effects.faults[].sheets_in_reserve_slots", K::number},
    {"fault_effects.faults[].voters_waited_during", K::number}, {"fault_effects.faults[].voters_left_during", K::number},
    {"fault_effects.faults[].reporting_delay", K::object}, {"fault_effects.faults[].reporting_delay.pecs_delayed", K::number},
    {"fault_effects.faults[].reporting_delay.mean_delay_s", K::number},
    {"fault_effects.faults[].reporting_delay.max_delay_s", K::number},
    {"fault_effects.faults[].reporting_delay.pecs_undelivered", K::number},
    {"fault_effects.faults[].reporting_delay.regions", K::list},
    {"fault_effects.faults[].reporting_delay.regions[].code", K::number, false},
    {"fault_effects.faults[].reporting_delay.regions[].name", K::text, false},
    {"fault_effects.faults[].reporting_delay.regions[].pecs_delayed", K::number, false},
    {"fault_effects.faults[].reporting_delay.regions[].mean_delay_s", K::number, false},
    {"fault_effects.faults[].reporting_delay.regions[].max_delay_s", K::number, false},
    {"fault_effects.faults[].reporting_delay.regions[].pecs_undelivered", K::number, false},
    {"fault_effects.faults[].devices_in_fault", K::numbers}, {"fault_effects.faults[].devices_in_fault[]", K::number, false},
    {"support", K::object}, {"support.modelled", K::boolean}, {"support.help_desk", K::text, false}, {"support.help_desk_lines", K::number, false},
    {"support.crews", K::number, false}, {"support.calls", K::number, false}, {"support.fixed_by_phone", K::number, false},
    {"support.crew_jobs", K::number, false}, {"support.stationary_box_decisions", K::number, false},
    {"support.unanswered", K::number, false}, {"support.unresolved", K::number, false},
    {"support.minutes_to_answer", K::object, false}, {"support.minutes_to_answer.count", K::number, false},
    {"support.minutes_to_answer.mean", K::number, false}, {"support.minutes_to_answer.p90", K::number, false},
    {"support.minutes_to_answer.max", K::number, false},
    {"support.minutes_to_arrive", K::object, false}, {"support.minutes_to_arrive.count", K::number, false},
    {"support.minutes_to_arrive.mean", K::number, false}, {"support.minutes_to_arrive.p90", K::number, false},
    {"support.minutes_to_arrive.max", K::number, false},
    {"support.minutes_to_resolve", K::object, false}, {"support.minutes_to_resolve.count", K::number, false},
    {"support.minutes_to_resolve.mean", K::number, false}, {"support.minutes_to_resolve.p90", K::number, false},
    {"support.minutes_to_resolve.max", K::number, false},
    {"support.crews_busy_from", K::text, false}, {"support.crews_busy_step_minutes", K::number, false},
    {"support.crews_busy", K::numbers, false}, {"support.crews_busy[]", K::number, false},
    {"support.crews_busy_max", K::number, false}, {"support.spares_used", K::counts, false},
    {"support.spares_used.*", K::number, false},
    {"pec_results", K::list}, {"pec_results[].number", K::number}, {"pec_results[].region", K::number},
    {"pec_results[].district", K::number}, {"pec_results[].registered", K::number}, {"pec_results[].voters", K::number},
    {"pec_results[].turnout", K::number}, {"pec_results[].max_queue", K::number}, {"pec_results[].mean_wait_s", K::number},
    {"pec_results[].mean_queue", K::number}, {"pec_results[].max_wait_s", K::number},
    {"pec_results[].in_queue_at_close", K::number}, {"pec_results[].desk_pace", K::number},
    {"pec_results[].left_queue", K::number}, {"pec_results[].opened_at", K::text}, {"pec_results[].last_voter_at", K::text},
    {"pec_results[].identification", K::object}, {"pec_results[].identification.fingerprint", K::number},
    {"pec_results[].identification.other_finger", K::number}, {"pec_results[].identification.face", K::number},
    {"pec_results[].identification.manual", K::number}, {"pec_results[].identification.refused", K::number}, {"pec_results[].identification.refused_not_on_list", K::number},
    {"pec_results[].identification.refused_no_document", K::number}, {"pec_results[].identification.refused_already_voted", K::number},
    {"pec_results[].identification.receipts_not_printed", K::number},
    {"pec_results[].arbb", K::list}, {"pec_results[].arbb[].box", K::text}, {"pec_results[].arbb[].device", K::text},
    {"pec_results[].arbb[].at", K::text}, {"pec_results[].arbb[].ballots_in_box", K::number},
    {"pec_results[].arbb[].scanned", K::number}, {"pec_results[].arbb[].valid", K::number},
    {"pec_results[].arbb[].invalid", K::number}, {"pec_results[].arbb[].returned_to_voters", K::number},
    {"pec_results[].arbb[].replaced_by_stationary_box", K::boolean}, {"pec_results[].arbb[].awaiting_manual_count", K::number},
    {"pec_results[].arbb[].options", K::numbers}, {"pec_results[].arbb[].options[]", K::number},
    {"pec_results[].arbb[].violations", K::texts}, {"pec_results[].arbb[].violations[]", K::text, false},
    {"pec_results[].arbb[].printed", K::boolean}, {"pec_results[].fault_events", K::number},
    {"pec_results[].reported_at", K::text},
    {"pec_results[].voters_by_hour", K::numbers}, {"pec_results[].voters_by_hour[]", K::number, false},
    {"pec_results[].queue_by_hour", K::numbers}, {"pec_results[].queue_by_hour[]", K::number, false},
    {"perf", K::object}, {"perf.wall_s", K::number}, {"perf.phases_s", K::object}, {"perf.phases_s.build", K::number},
    {"perf.phases_s.simulate", K::number}, {"perf.phases_s.results", K::number}, {"perf.cpu_s", K::number},
    {"perf.events", K::number}, {"perf.events_per_s", K::number}, {"perf.threads", K::number},
});

}  // namespace

std::span<const ResultField> results_fields() { return kFields; }

std::string_view describe(FieldKind kind) {
    switch (kind) {
        case FieldKind::number: return "a number";
        case FieldKind::boolean: return "true or false";
        case FieldKind::text: return "text";
        case FieldKind::counts: return "an object of counts";
        case FieldKind::numbers: return "a list of numbers";
        case FieldKind::object: return "an object";
        case FieldKind::list: return "a list of objects";
        case FieldKind::texts: return "a list of texts";
    }
    return "unknown";
}

std::vector<std::string_view> count_keys(std::string_view counts_path) {
    std::vector<std::string_view> keys;
    if (counts_path == "central.rejected")
        for (int i = 0; i < core::kRejectReasonCount; ++i) keys.push_back(core::to_string(static_cast<core::RejectReason>(i)));
    if (counts_path == "reconciliation.by_check") keys.assign(kReconciliationChecks.begin(), kReconciliationChecks.end());
    if (counts_path == "support.spares_used") keys.assign(std::begin(core::kSpareKinds), std::end(core::kSpareKinds));
    return keys;
}

// [SECTION] Paths

std::optional<std::vector<PathStep>> parse_field_path(std::string_view path) {
    std::vector<PathStep> steps;
    std::size_t i = 0;
    while (i <= path.size()) {
        const std::size_t end = std::min(path.find_first_of(".[", i), path.size());
        if (end == i) return std::nullopt;  // an empty key
        steps.push_back({std::string(path.substr(i, end - i)), std::nullopt});
        i = end;
        while (i < path.size() && path[i] == '[') {
            const std::size_t close = path.find(']', i);
            if (close == std::string_view::npos) return std::nullopt;
            std::size_t index = 0;
            const auto [p, ec] = std::from_chars(path.data() + i + 1, path.data() + close, index);
            if (ec != std::errc{} || p != path.data() + close || close == i + 1) return std::nullopt;
            steps.push_back({"", index});
            i = close + 1;
        }
        if (i == path.size()) return steps;
        if (path[i] != '.') return std::nullopt;
        ++i;
    }
    return std::nullopt;  // ends with '.'
}

const ResultField* find_result_field(const std::vector<PathStep>& steps) {
    std::string exact, counted;  // the path as the table writes it; the same with its last key a count's (`*`)
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto& s = steps[i];
        const std::string sep = i == 0 || s.index ? "" : ".";
        exact += s.index ? "[]" : sep + s.key;
        counted += s.index ? "[]" : sep + (i + 1 == steps.size() ? "*" : s.key);
    }
    for (const auto& f : kFields)
        if (f.path == exact) return &f;
    for (const auto& f : kFields)
        if (f.path == counted && !steps.back().index) return &f;
    return nullptr;
}

}  // namespace sim
