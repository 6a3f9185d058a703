#include "sim/results_json.hpp"

// Index of this file:
//   [SECTION] Shared figures and formats
//   [SECTION] Fault effects
//   [SECTION] National figures
//   [SECTION] results.json, part by part
//   [SECTION] The human summary, part by part
//   [SECTION] results.json and the summary

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

#include "core/clock.hpp"
#include "sim/fault_effects.hpp"
#include "sim/ground_truth_seats.hpp"

namespace sim {
std::string grouped(std::int64_t v) {
    std::string digits = std::to_string(v < 0 ? -v : v), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (v < 0 ? "-" : "") + out;
}

namespace {

// [SECTION] Shared figures and formats

using json = nlohmann::ordered_json;

double share(std::int64_t part, std::int64_t whole) { return whole > 0 ? static_cast<double>(part) / whole : 0.0; }


nlohmann::ordered_json identification_json(const core::IdentificationCounts& c) {
    return {{"fingerprint", c.fingerprint}, {"other_finger", c.other_finger}, {"face", c.face},
            {"manual", c.manual},           {"refused", c.refused()},
            {"refused_not_on_list", c.refused_not_on_list},                     {"refused_no_document", c.refused_other},
            {"refused_already_voted", c.refused_already_voted},                 {"receipts_not_printed", c.receipts_not_printed}};
}

// PECs that opened after the scenario's opening time (a late commission), and the latest opening.
nlohmann::ordered_json opening_json(const RunResults& results) {
    std::int64_t late = 0;
    core::Micros latest = results.voting_open;
    for (const auto& p : results.pecs) {
        late += p.opened_at > results.voting_open;
        latest = std::max(latest, p.opened_at);
    }
    return {{"pecs_opened_late", late}, {"latest", core::clock_time(latest)}};
}

nlohmann::ordered_json arbb_json(const core::ArbbReport& r) {
    nlohmann::ordered_json j{{"box", core::to_string(r.box)},
                             {"device", r.device_id},
                             {"at", core::clock_time(r.at)},
                             {"ballots_in_box", r.ballots_in_box},
                             {"scanned", r.ballots_scanned},
                             {"valid", r.valid},
                             {"invalid", r.invalid},
                             {"returned_to_voters", r.returned_to_voters},
                             {"replaced_by_stationary_box", r.replaced_by_stationary_box},
                             {"awaiting_manual_count", r.ballots_awaiting_manual_count},
                             {"options", r.option_counts},
                             {"violations", r.violations},
                             {"printed", r.printed}};
    return j;
}

double seconds(core::Micros t) { return static_cast<double>(t) / core::kSecond; }

/// A region's registered voters and voters, over the PECs simulated.
struct RegionTurnout {
    std::int64_t registered = 0, voters = 0;
};

RegionTurnout region_turnout(const RunResults& results, int region) {
    RegionTurnout t;
    for (const auto& p : results.pecs)
        if (p.region == region) t.registered += p.registered, t.voters += p.voters;
    return t;
}

/// When the PECs were fully reported: how many ever, how many within the hour after closing, the last.
struct ReportingTimes {
    std::int64_t reported = 0, first_hour = 0;
    core::Micros last = 0;
};

ReportingTimes reporting_times(const RunResults& results) {
    ReportingTimes t;
    for (const auto& p : results.pecs) {
        if (p.reported_at <= 0) continue;
        ++t.reported;
        t.first_hour += p.reported_at <= results.voting_close + core::kHour;
        t.last = std::max(t.last, p.reported_at);
    }
    return t;
}

/// The length of the hourly figures of every PEC (PecResult::voters_by_hour, queue_by_hour): the longest.
std::size_t hours_of(const RunResults& results) {
    std::size_t hours = 0;
    for (const auto& p : results.pecs) hours = std::max({hours, p.voters_by_hour.size(), p.queue_by_hour.size()});
    return hours;
}

/// `v` with zeros after its end up to `size` items (the hourly figures share one axis).
template <class T>
std::vector<T> padded(std::vector<T> v, std::size_t size) {
    if (v.size() < size) v.resize(size, T{});
    return v;
}

// [SECTION] Fault effects

/// The slots of kFaultSlot the fault timelines cover: from the first with any downtime (none: the
/// hour voting opens) to the one `until` falls in.
struct FaultTimeline {
    std::size_t first = 0, end = 0;
};

FaultTimeline fault_timeline(const std::vector<FaultEffect>& effects, const RunResults& results) {
    FaultTimeline t{.first = static_cast<std::size_t>(results.hours_from / kFaultSlot), .end = 0};
    std::size_t first_down = std::numeric_limits<std::size_t>::max();
    for (const FaultEffect& f : effects) {
        const auto it = std::find_if(f.downtime_by_slot.begin(), f.downtime_by_slot.end(), [](core::Micros d) { return d > 0; });
        if (it != f.downtime_by_slot.end()) first_down = std::min(first_down, static_cast<std::size_t>(it - f.downtime_by_slot.begin()));
        t.end = std::max(t.end, f.downtime_by_slot.size());
    }
    if (first_down != std::numeric_limits<std::size_t>::max()) t.first = first_down;
    t.end = std::max({t.end, static_cast<std::size_t>((results.until + kFaultSlot - 1) / kFaultSlot), t.first});
    return t;
}

// Mean devices in the fault in each slot of the timeline (device-time over the slot's length).
std::vector<double> devices_in_fault(const FaultEffect& f, FaultTimeline t) {
    std::vector<double> out;
    for (std::size_t i = t.first; i < t.end; ++i)
        out.push_back(i < f.downtime_by_slot.size() ? static_cast<double>(f.downtime_by_slot[i]) / static_cast<double>(kFaultSlot) : 0.0);
    return out;
}

nlohmann::ordered_json delay_json(const ReportingDelay& d) {
    return {{"pecs_delayed", d.pecs_delayed},
            {"mean_delay_s", d.pecs_delayed > 0 ? seconds(d.total) / static_cast<double>(d.pecs_delayed) : 0.0},
            {"max_delay_s", seconds(d.longest)},
            {"pecs_undelivered", d.pecs_undelivered}};
}

nlohmann::ordered_json fault_effect_json(const FaultEffect& f, std::size_t pecs, const core::ElectionPackage& package,
                                         FaultTimeline timeline) {
    nlohmann::ordered_json regions = nlohmann::ordered_json::array();
    for (const ReportingDelay& d : f.regions) {
        const core::Region* region = package.find_region(d.region);
        nlohmann::ordered_json r{{"code", d.region}, {"name", region ? region->name : ""}};
        r.update(delay_json(d));
        regions.push_back(std::move(r));
    }
    nlohmann::ordered_json delay = delay_json(f.reporting);
    delay["regions"] = std::move(regions);
    return {{"device", to_string(f.device)},
            {"fault", devices::to_string(f.fault)},
            {"pecs_affected", f.pecs_affected},
            {"share_of_pecs", share(f.pecs_affected, static_cast<std::int64_t>(pecs))},
            {"episodes", f.episodes},
            {"ongoing_at_end", f.ongoing},
            {"downtime_s", seconds(f.downtime)},
            {"longest_downtime_s", seconds(f.longest)},
            {"longest_at_pec", f.longest_pec},
            {"sheets_in_reserve_slots", f.sheets_held},
            {"voters_waited_during", f.voters_waited},
            {"voters_left_during", f.voters_left},
            {"reporting_delay", std::move(delay)},
            {"devices_in_fault", devices_in_fault(f, timeline)}};
}

nlohmann::ordered_json fault_effects_json(const RunResults& results, const core::ElectionPackage& package) {
    nlohmann::ordered_json faults = nlohmann::ordered_json::array();
    const auto effects = fault_effects(results, package);
    const FaultTimeline timeline = fault_timeline(effects, results);
    for (const FaultEffect& f : effects) faults.push_back(fault_effect_json(f, results.pecs.size(), package, timeline));
    return {{"counted_until", core::clock_time(results.until)},
            {"timeline_from", core::clock_time(static_cast<core::Micros>(timeline.first) * kFaultSlot)},
            {"timeline_step_minutes", kFaultSlot / core::kMinute},
            {"faults", std::move(faults)}};
}

// The summary's fault table: one line per (device, fault) that happened.
std::string fault_effects_table(const RunResults& results, const core::ElectionPackage& package) {
    const auto effects = fault_effects(results, package);
    if (effects.empty()) return "Device faults: none\n";
    std::string out = fmt::format("Device faults (results.json fault_effects): sheets into ARBB reserve slots, voters who waited or left "
                                  "while a desk device was down; faults still on counted to {}\n", core::clock_time(results.until));
    out += fmt::format("  {:<26} {:>6} {:>7} {:>8} {:>11} {:>9} {:>8} {:>8} {:>6}  {}\n", "device/fault", "PECs", "share", "episodes",
                       "downtime", "longest", "sheets", "waited", "left", "reports late (PECs, mean, max)");
    for (const FaultEffect& f : effects) {
        const ReportingDelay& d = f.reporting;
        const std::string late = d.pecs_delayed + d.pecs_undelivered == 0 ? "-"
            : fmt::format("{}, {}, {}{}", grouped(d.pecs_delayed), core::clock_time(d.pecs_delayed > 0 ? d.total / d.pecs_delayed : 0),
                          core::clock_time(d.longest), d.pecs_undelivered > 0 ? fmt::format("; never: {}", d.pecs_undelivered) : "");
        out += fmt::format("  {:<26} {:>6} {:>5.1f} % {:>8} {:>11} {:>9} {:>8} {:>8} {:>6}  {}\n",
                           fmt::format("{}/{}", to_string(f.device), devices::to_string(f.fault)), grouped(f.pecs_affected),
                           100.0 * share(f.pecs_affected, std::ssize(results.pecs)), grouped(f.episodes), core::clock_time(f.downtime),
                           core::clock_time(f.longest), grouped(f.sheets_held), grouped(f.voters_waited), grouped(f.voters_left), late);
    }
    return out;
}

}  // namespace

// [SECTION] National figures

NationalFigures national_figures(const RunResults& results, const core::ElectionPackage& package) {
    NationalFigures n;
    n.party_votes.assign(package.parties.size() + 1, 0);
    double wait_sum = 0.0;
    for (const auto& p : results.pecs) {
        n.registered += p.registered;
        n.voters += p.voters;
        const auto& party = p.final_reports[0];
        for (std::size_t i = 0; i < party.option_counts.size() && i < n.party_votes.size(); ++i)
            n.party_votes[i] += party.option_counts[i];
        n.party_invalid += party.invalid;
        n.party_awaiting_manual += party.ballots_awaiting_manual_count;
        n.district_invalid += p.final_reports[1].invalid;
        n.district_awaiting_manual += p.final_reports[1].ballots_awaiting_manual_count;
        n.identification += p.identification;
        n.max_queue = std::max(n.max_queue, p.max_queue);
        n.max_wait_s = std::max(n.max_wait_s, p.max_wait_s);
        wait_sum += p.mean_wait_s * static_cast<double>(p.arrivals);
        n.pecs_with_queue_at_close += p.in_queue_at_close > 0;
        n.pecs_long_queues += p.mean_queue >= kLongQueue;
        n.pecs_no_queue += p.mean_queue < kNoQueue;
        n.left_queue += p.left_queue;
        n.pecs_with_broken_ratios += !p.final_reports[0].consistent() || !p.final_reports[1].consistent();
    }
    std::int64_t arrivals = 0;
    for (const auto& p : results.pecs) arrivals += p.arrivals;
    n.mean_wait_s = arrivals > 0 ? wait_sum / static_cast<double>(arrivals) : 0.0;
    return n;
}

namespace {

// [SECTION] results.json, part by part

// Voters who received ballots per hour from results.hours_from, at the PECs of `region` (0: all), in PEC order.
std::vector<std::int64_t> voters_by_hour(const RunResults& results, int region) {
    std::vector<std::int64_t> hours(hours_of(results), 0);
    for (const auto& p : results.pecs)
        if (region == 0 || p.region == region)
            for (std::size_t h = 0; h < p.voters_by_hour.size(); ++h) hours[h] += p.voters_by_hour[h];
    return hours;
}

json turnout_json(const RunResults& results, const core::ElectionPackage& package, const NationalFigures& n) {
    json regions = json::array();
    for (const auto& region : package.regions) {
        const RegionTurnout t = region_turnout(results, region.code);
        if (t.registered == 0) continue;
        regions.push_back({{"code", region.code}, {"name", region.name}, {"registered", t.registered}, {"voters", t.voters},
                           {"share", share(t.voters, t.registered)}, {"by_hour", voters_by_hour(results, region.code)}});
    }
    return {{"voters", n.voters}, {"share", share(n.voters, n.registered)}, {"hours_from", core::clock_time(results.hours_from)},
            {"by_hour", voters_by_hour(results, 0)}, {"regions", regions}};
}

json parties_json(const core::ElectionPackage& package, const NationalFigures& n) {
    const std::int64_t valid_party = std::accumulate(n.party_votes.begin() + 1, n.party_votes.end(), std::int64_t{0});
    json parties = json::array();
    for (const auto& party : package.parties) {
        const std::int64_t v = n.party_votes[party.id];
        parties.push_back({{"id", party.id}, {"name", party.name}, {"votes", v}, {"share", share(v, valid_party)}});
    }
    return parties;
}

// The single-mandate districts simulated, their candidates' votes as the ARBBs counted them.
json districts_json(const RunResults& results, const core::ElectionPackage& package) {
    json districts = json::array();
    for (const auto& d : package.districts) {
        std::vector<std::int64_t> votes(d.candidates.size() + 1, 0);
        std::int64_t invalid = 0, awaiting = 0;
        bool any = false;
        for (const auto& p : results.pecs) {
            if (p.district != d.number) continue;
            any = true;
            const auto& r = p.final_reports[1];
            for (std::size_t i = 0; i < r.option_counts.size() && i < votes.size(); ++i) votes[i] += r.option_counts[i];
            invalid += r.invalid;
            awaiting += r.ballots_awaiting_manual_count;
        }
        if (!any) continue;
        json cands = json::array();
        for (const auto& c : d.candidates) cands.push_back({{"id", c.id}, {"name", c.name}, {"votes", votes[c.id]}});
        districts.push_back({{"number", d.number}, {"name", d.name}, {"candidates", cands}, {"against_all", votes[0]},
                             {"invalid", invalid}, {"awaiting_manual_count", awaiting}});
    }
    return districts;
}

json queues_json(const NationalFigures& n) {
    return {{"mean_wait_s", n.mean_wait_s},
            {"max_wait_s", n.max_wait_s},
            {"max_queue", n.max_queue},
            {"pecs_with_queue_at_close", n.pecs_with_queue_at_close},
            {"pecs_long_queues", n.pecs_long_queues},
            {"pecs_no_queue", n.pecs_no_queue},
            {"left_without_voting", n.left_queue}};
}

// The votes as the voters cast them (before any ARBB counted them).
json ground_truth_json(const RunResults& results, const core::ElectionPackage& package) {
    std::vector<std::int64_t> truth_party(package.parties.size() + 1, 0);
    std::int64_t truth_spoilt = 0;
    for (const auto& p : results.pecs) {
        for (std::size_t i = 0; i < p.truth.party.size() && i < truth_party.size(); ++i) truth_party[i] += p.truth.party[i];
        truth_spoilt += p.truth.party_spoilt;
    }
    json truth_parties = json::array();
    for (const auto& party : package.parties) truth_parties.push_back({{"name", party.name}, {"votes", truth_party[party.id]}});
    return {{"parties", truth_parties}, {"against_all", truth_party[0]}, {"spoilt", truth_spoilt}};
}

// Reporting curve: PECs whose every report the CEC acknowledged, per 5 minutes after closing.
json reporting_curve_json(const RunResults& results) {
    constexpr core::Micros kStep = 5 * core::kMinute;
    std::vector<std::int64_t> per_step;
    for (const auto& p : results.pecs) {
        if (p.reported_at <= 0) continue;
        const auto step = static_cast<std::size_t>(std::max<core::Micros>(0, p.reported_at - results.voting_close) / kStep);
        if (per_step.size() <= step) per_step.resize(step + 1, 0);
        ++per_step[step];
    }
    std::vector<std::int64_t> cumulative(per_step.size());
    std::partial_sum(per_step.begin(), per_step.end(), cumulative.begin());
    const ReportingTimes t = reporting_times(results);
    return {{"from", core::clock_time(results.voting_close)},
            {"step_minutes", 5},
            {"reported", per_step},
            {"cumulative", cumulative},
            {"share_first_hour", share(t.first_hour, std::ssize(results.pecs))},
            {"never_reported", std::ssize(results.pecs) - t.reported}};
}

json central_json(const CentralOutcome& c) {
    json rejected = json::object();
    for (int i = 0; i < central::kRejectReasonCount; ++i)
        if (c.counters.rejected[static_cast<std::size_t>(i)] > 0)
            rejected[std::string(central::to_string(static_cast<central::RejectReason>(i)))] = c.counters.rejected[static_cast<std::size_t>(i)];
    json out{{"received", c.counters.received},
             {"accepted", c.counters.accepted},
             {"duplicates", c.counters.duplicates},
             {"stored", c.counters.committed},
             {"commits", c.counters.commits},
             {"flagged", c.counters.flagged},
             {"rejected", rejected},
             {"alerts", c.alerts},
             {"unreachable", c.unreachable}};
    if (!c.held.empty()) out["held_from_publication"] = c.held;  // only when a duty officer held figures back
    return out;
}

// One district's outcome from the CEC's store, with its winner when one was elected.
json district_seat_json(const central::DistrictResultRow& d, const core::ElectionPackage& package) {
    json row{{"district", d.number}, {"name", d.name}, {"outcome", core::describe(d.decision.outcome)},
             {"pecs_reporting", d.district.pecs_reporting}, {"pecs", d.district.pecs}};
    if (d.decision.outcome == core::DistrictOutcome::elected) {
        const auto* district = package.find_district(d.number);
        row["winner"] = district && d.decision.winner >= 1 && d.decision.winner <= std::ssize(district->candidates)
                            ? district->candidates[static_cast<std::size_t>(d.decision.winner - 1)].name
                            : std::to_string(d.decision.winner);
        row["votes"] = d.decision.winner_votes;
    }
    return row;
}

// The seats from the CEC's store, or why they could not be computed; beside them the party-list
// seats the ground truth gives (sim/ground_truth_seats.hpp) and how many parties' seats differ.
json seats_json(const RunResults& results, const core::ElectionPackage& package) {
    const CentralOutcome& c = results.central;
    if (!c.results) return {{"error", c.aggregation_error}};
    json list = json::array();
    for (const auto& p : c.results->seats.parties)
        if (!p.against_all) list.push_back({{"party", p.party}, {"votes", p.votes}, {"passed", p.passed}, {"seats", p.seats}});
    json winners = json::array();
    for (const auto& d : c.results->districts)
        if (d.district.pecs_reporting > 0) winners.push_back(district_seat_json(d, package));  // else not simulated or nothing reported yet
    json out{{"party_list", list}, {"districts", winners}, {"pecs_reporting", c.results->national.pecs_reporting}};
    const auto truth = ground_truth_seats(results, package);
    if (!truth) {
        out["ground_truth_error"] = truth.error().message;  // no figure: a criterion on it fails, naming the field
        return out;
    }
    json truth_seats = json::array();
    for (const auto& p : truth->parties)
        if (!p.against_all) truth_seats.push_back(p.seats);
    out["ground_truth_seats"] = truth_seats;
    out["differing_from_ground_truth"] = parties_with_other_seats(c.results->seats, *truth);
    return out;
}

std::map<std::string, std::int64_t> findings_by_check(const CentralOutcome& c) {
    std::map<std::string, std::int64_t> by_check;
    for (const auto& d : c.reconciliation) ++by_check[d.check];
    return by_check;
}

json reconciliation_json(const CentralOutcome& c) {
    json findings = json::array();
    for (const auto& d : c.reconciliation) findings.push_back({{"pec", d.pec}, {"check", d.check}, {"detail", d.detail}});
    return {{"discrepancies", std::ssize(c.reconciliation)}, {"by_check", findings_by_check(c)}, {"findings", findings}};
}

json pec_results_json(const RunResults& results) {
    json pecs = json::array();
    const std::size_t hours = hours_of(results);
    for (const auto& p : results.pecs) {
        pecs.push_back({{"number", p.number},
                        {"region", p.region},
                        {"district", p.district},
                        {"registered", p.registered},
                        {"voters", p.voters},
                        {"turnout", share(p.voters, p.registered)},
                        {"max_queue", p.max_queue},
                        {"mean_wait_s", p.mean_wait_s},
                        {"mean_queue", p.mean_queue},
                        {"max_wait_s", p.max_wait_s},
                        {"in_queue_at_close", p.in_queue_at_close},
                        {"desk_pace", p.desk_pace},
                        {"left_queue", p.left_queue},
                        {"opened_at", core::clock_time(p.opened_at)},
                        {"last_voter_at", core::clock_time(p.last_voter_at)},
                        {"identification", identification_json(p.identification)},
                        {"arbb", {arbb_json(p.final_reports[0]), arbb_json(p.final_reports[1])}},
                        {"fault_events", p.fault_events},
                        {"reported_at", p.reported_at > 0 ? core::clock_time(p.reported_at) : ""},
                        {"voters_by_hour", padded(p.voters_by_hour, hours)},
                        {"queue_by_hour", padded(p.queue_by_hour, hours)}});
    }
    return pecs;
}

json perf_json(const RunResults& results) {
    return {{"wall_s", results.wall_s},
            {"phases_s", {{"build", results.phases.build_s}, {"simulate", results.phases.simulate_s}, {"results", results.phases.results_s}}},
            {"cpu_s", results.cpu_s},
            {"events", results.events},
            {"events_per_s", results.wall_s > 0 ? static_cast<double>(results.events) / results.wall_s : 0.0},
            {"threads", results.threads}};
}

// [SECTION] The human summary, part by part

using Lines = std::string;  // the summary, one '\n'-ended line after another

void add_line(Lines& out, const std::string& s) { out += s + '\n'; }

void summary_turnout(Lines& out, const RunResults& results, const core::ElectionPackage& package, const NationalFigures& n) {
    add_line(out, fmt::format("{} - package {} ({}), seed {}", results.scenario, package.name, package.date, results.seed));
    add_line(out, fmt::format("PECs {}   registered {}   voted {} ({:.2f} %)", grouped(std::ssize(results.pecs)),
                              grouped(n.registered), grouped(n.voters), 100.0 * share(n.voters, n.registered)));
    add_line(out, "");
    add_line(out, "Turnout by region");
    for (const auto& region : package.regions) {
        const RegionTurnout t = region_turnout(results, region.code);
        if (t.registered > 0)
            add_line(out, fmt::format("  {:<12} {:>10} of {:>10}  {:6.2f} %", region.name, grouped(t.voters), grouped(t.registered),
                                      100.0 * share(t.voters, t.registered)));
    }
    add_line(out, "");
}

void summary_parties(Lines& out, const core::ElectionPackage& package, const NationalFigures& n) {
    add_line(out, "Single constituency, as counted by the ARBBs");
    const std::int64_t valid_party = std::accumulate(n.party_votes.begin() + 1, n.party_votes.end(), std::int64_t{0});
    std::vector<const core::Party*> order;
    for (const auto& p : package.parties) order.push_back(&p);
    std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) { return n.party_votes[a->id] > n.party_votes[b->id]; });
    for (const auto* p : order)
        add_line(out, fmt::format("  {:<44} {:>9}  {:6.2f} %", p->name, grouped(n.party_votes[p->id]),
                                  100.0 * share(n.party_votes[p->id], valid_party)));
    add_line(out, fmt::format("  {:<44} {:>9}", "Against all", grouped(n.party_votes[0])));
    add_line(out, fmt::format("  {:<44} {:>9}", "Invalid (separate compartment)", grouped(n.party_invalid)));
    if (n.party_awaiting_manual > 0)
        add_line(out, fmt::format("  {:<44} {:>9}", "In stationary boxes, awaiting manual count", grouped(n.party_awaiting_manual)));
    add_line(out, "");
}

void summary_identification_and_queues(Lines& out, const RunResults& results, const NationalFigures& n) {
    const auto& id = n.identification;
    const std::int64_t identified = id.fingerprint + id.other_finger + id.face + id.manual;
    add_line(out, fmt::format("Identification: fingerprint {} ({:.2f} %), other finger {}, face {}, paper list {}, refused {}",
                              grouped(id.fingerprint), 100.0 * share(id.fingerprint, identified), grouped(id.other_finger),
                              grouped(id.face), grouped(id.manual), grouped(id.refused())));
    if (id.refused() > 0)
        add_line(out, fmt::format("  refused: {} not on this PEC's list, {} without a document, {} already voted",
                                  grouped(id.refused_not_on_list), grouped(id.refused_other), grouped(id.refused_already_voted)));
    if (id.receipts_not_printed > 0) add_line(out, fmt::format("  receipts not printed: {}", grouped(id.receipts_not_printed)));
    add_line(out, fmt::format("Queues: mean wait {:.1f} min, longest wait {:.1f} min, longest queue {}, PECs with a queue at closing {} ({:.1f} %)",
                              n.mean_wait_s / 60.0, n.max_wait_s / 60.0, n.max_queue, n.pecs_with_queue_at_close,
                              100.0 * share(n.pecs_with_queue_at_close, std::ssize(results.pecs))));
    const double pecs = static_cast<double>(results.pecs.size());
    add_line(out, fmt::format("  long queues all day (mean queue >= {:.0f}) at {:.1f} % of PECs (2021: 19 %); no queue (mean < {:.2f}) at {:.1f} % (2021: 47 %)",
                              kLongQueue, 100.0 * n.pecs_long_queues / pecs, kNoQueue, 100.0 * n.pecs_no_queue / pecs));
    if (n.left_queue > 0)
        add_line(out, fmt::format("  left without voting, the queue too long for them: {} voters ({:.2f} % of those who came)",
                                  grouped(n.left_queue), 100.0 * share(n.left_queue, n.left_queue + n.voters)));
}

void summary_busiest(Lines& out, const RunResults& results, const core::ElectionPackage& package) {
    std::vector<const PecResult*> busiest;
    for (const auto& p : results.pecs) busiest.push_back(&p);
    std::stable_sort(busiest.begin(), busiest.end(), [](auto* a, auto* b) { return a->max_wait_s > b->max_wait_s; });
    add_line(out, "Busiest PECs (longest wait)");
    for (std::size_t i = 0; i < std::min<std::size_t>(5, busiest.size()); ++i) {
        const auto* p = busiest[i];
        const auto* pec = package.find_pec(p->number);
        add_line(out, fmt::format("  PEC {} {:<22} registered {:>5}  voted {:>5}  queue up to {:>3}  wait up to {:5.1f} min", p->number,
                                  pec ? pec->place : "", p->registered, p->voters, p->max_queue, p->max_wait_s / 60.0));
    }
}

void summary_central(Lines& out, const RunResults& results) {
    const auto& c = results.central;
    const ReportingTimes t = reporting_times(results);
    std::int64_t rejected = 0;
    for (auto r : c.counters.rejected) rejected += r;
    add_line(out, fmt::format("CEC: {} of {} PECs fully reported, {:.1f} % within the first hour (2021: 84 %), last at {}; "
                              "{} reports stored, {} duplicates, {} rejected, {} alerts",
                              t.reported, results.pecs.size(), 100.0 * share(t.first_hour, std::ssize(results.pecs)),
                              core::clock_time(t.last), c.counters.committed, c.counters.duplicates, rejected, c.alerts));
    if (!c.results) {
        add_line(out, fmt::format("Seats: not computed: {}", c.aggregation_error));
        return;
    }
    std::string seats;
    for (const auto& p : c.results->seats.parties)
        if (p.seats > 0) seats += fmt::format("{}{} {}", seats.empty() ? "" : ", ", p.party, p.seats);
    add_line(out, fmt::format("Party-list seats (from the CEC's store): {}", seats));
    int elected = 0, repeats = 0;
    for (const auto& d : c.results->districts) {
        if (d.district.pecs_reporting == 0) continue;
        (d.decision.outcome == core::DistrictOutcome::elected ? elected : repeats) += 1;
    }
    add_line(out, fmt::format("Districts: {} elected, {} repeat elections", elected, repeats));
}

void summary_reconciliation(Lines& out, const CentralOutcome& c) {
    std::string checks;
    for (const auto& [k, v] : findings_by_check(c)) checks += fmt::format("{}{} {}", checks.empty() ? "" : ", ", k, v);
    add_line(out, fmt::format("Reconciliation (truth vs ARBB vs CEC): {} findings{}{}", c.reconciliation.size(),
                              checks.empty() ? "" : ": ", checks));
    add_line(out, "");
}

void summary_performance(Lines& out, const RunResults& results) {
    add_line(out, fmt::format("Performance: wall {:.2f} s on {} thread(s), {} events, {:.2f} M events/s", results.wall_s, results.threads,
                              grouped(results.events), results.wall_s > 0 ? results.events / results.wall_s / 1e6 : 0.0));
    const RunResults::Phases& ph = results.phases;
    add_line(out, fmt::format("  build {:.2f} s, day and night {:.2f} s, results {:.2f} s; CPU {:.2f} s (on average {:.2f} of {} thread(s) busy)",
                              ph.build_s, ph.simulate_s, ph.results_s, results.cpu_s,
                              results.wall_s > 0 ? results.cpu_s / results.wall_s : 0.0, results.threads));
}

}  // namespace

// [SECTION] results.json and the summary

nlohmann::ordered_json results_to_json(const RunResults& results, const core::ElectionPackage& package, bool with_perf) {
    const NationalFigures n = national_figures(results, package);
    json doc;
    doc["format"] = "shailoo-results";
    doc["version"] = 1;
    doc["scenario"] = results.scenario;
    doc["package"] = results.package;
    doc["seed"] = results.seed;
    doc["pecs"] = results.pecs.size();
    doc["registered"] = n.registered;
    doc["turnout"] = turnout_json(results, package, n);
    doc["parties"] = parties_json(package, n);
    doc["against_all"] = n.party_votes[0];
    doc["invalid"] = n.party_invalid;
    doc["awaiting_manual_count"] = n.party_awaiting_manual;
    doc["districts"] = districts_json(results, package);
    doc["opening"] = opening_json(results);
    doc["identification"] = identification_json(n.identification);
    doc["queues"] = queues_json(n);
    doc["control_ratios"] = {{"pecs_with_broken_ratios", n.pecs_with_broken_ratios}};
    doc["ground_truth"] = ground_truth_json(results, package);
    doc["reporting_curve"] = reporting_curve_json(results);
    doc["central"] = central_json(results.central);
    doc["seats"] = seats_json(results, package);
    doc["reconciliation"] = reconciliation_json(results.central);
    doc["fault_effects"] = fault_effects_json(results, package);
    doc["support"] = support_json(results.support, results.hours_from, results.until);
    doc["pec_results"] = pec_results_json(results);
    if (with_perf) doc["perf"] = perf_json(results);
    return doc;
}

std::string summary_text(const RunResults& results, const core::ElectionPackage& package) {
    const NationalFigures n = national_figures(results, package);
    Lines out;
    summary_turnout(out, results, package, n);
    summary_parties(out, package, n);
    summary_identification_and_queues(out, results, n);
    summary_busiest(out, results, package);
    add_line(out, fmt::format("Control ratios: {} PECs with a broken ratio in a final ARBB report", n.pecs_with_broken_ratios));
    out += fault_effects_table(results, package);
    out += support_summary(results.support);
    summary_central(out, results);
    summary_reconciliation(out, results.central);
    summary_performance(out, results);
    return out;
}

}  // namespace sim
