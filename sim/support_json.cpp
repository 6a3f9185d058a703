// results.json `support` and the summary's support lines (sim/support.hpp; docs/results.md).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/support.hpp"

namespace sim {
namespace {

struct Counts {
    std::int64_t phone = 0, crew = 0, stationary_box = 0, unresolved = 0, unanswered = 0;
    std::vector<double> answer, arrive, resolve;  // minutes from the call
};

Counts count(const SupportDay& day) {
    Counts c;
    const auto minutes = [](core::Micros from, core::Micros to) { return static_cast<double>(to - from) / static_cast<double>(core::kMinute); };
    for (std::size_t i = 0; i < day.calls.size(); ++i) {
        const SupportCall& call = day.calls[i];
        const SupportOutcome& o = day.outcomes[i];
        (call.way == SupportWay::phone ? c.phone : call.way == SupportWay::crew ? c.crew : c.stationary_box) += 1;
        if (o.answered >= 0) c.answer.push_back(minutes(call.at, o.answered));
        else ++c.unanswered;
        if (o.arrived >= 0) c.arrive.push_back(minutes(call.at, o.arrived));
        if (o.resolved >= 0) c.resolve.push_back(minutes(call.at, o.resolved));
        else ++c.unresolved;
    }
    return c;
}

// Mean, 90th percentile (nearest rank) and maximum, in minutes to 0.1; zeros when there is none.
nlohmann::ordered_json minute_stats(std::vector<double> v) {
    const auto tenth = [](double m) { return std::round(m * 10.0) / 10.0; };
    if (v.empty()) return {{"count", 0}, {"mean", 0.0}, {"p90", 0.0}, {"max", 0.0}};
    std::sort(v.begin(), v.end());
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(v.size())));
    return {{"count", v.size()}, {"mean", tenth(mean)}, {"p90", tenth(v[std::max<std::size_t>(rank, 1) - 1])}, {"max", tenth(v.back())}};
}

}  // namespace

nlohmann::ordered_json support_json(const std::optional<SupportDay>& day, core::Micros hours_from, core::Micros until) {
    if (!day) return {{"modelled", false}};
    const Counts c = count(*day);
    std::vector<double> busy;
    double busiest = 0;
    const auto first = static_cast<std::size_t>(hours_from / SupportDay::kSlot);
    const auto end = static_cast<std::size_t>((until + SupportDay::kSlot - 1) / SupportDay::kSlot);
    for (std::size_t s = first; s < end; ++s) {
        const double b = s < day->busy_by_slot.size() ? static_cast<double>(day->busy_by_slot[s]) / static_cast<double>(SupportDay::kSlot) : 0.0;
        busy.push_back(std::round(b * 100.0) / 100.0);
        busiest = std::max(busiest, busy.back());
    }
    nlohmann::ordered_json spares = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < core::kSpareKindCount; ++k) spares[core::kSpareKinds[k]] = day->spares_used[k];
    return {{"modelled", true},
            {"help_desk", day->trainees ? "trainees" : "automatic"},
            {"help_desk_lines", day->help_desk_lines},
            {"crews", day->crews},
            {"calls", day->calls.size()},
            {"fixed_by_phone", c.phone},
            {"crew_jobs", c.crew},
            {"stationary_box_decisions", c.stationary_box},
            {"unanswered", c.unanswered},
            {"unresolved", c.unresolved},
            {"minutes_to_answer", minute_stats(c.answer)},
            {"minutes_to_arrive", minute_stats(c.arrive)},
            {"minutes_to_resolve", minute_stats(c.resolve)},
            {"crews_busy_from", core::clock_time(static_cast<core::Micros>(first) * SupportDay::kSlot)},
            {"crews_busy_step_minutes", SupportDay::kSlot / core::kMinute},
            {"crews_busy", busy},
            {"crews_busy_max", busiest},
            {"spares_used", spares}};
}

std::string support_summary(const std::optional<SupportDay>& day) {
    if (!day) return "Technical support: not modelled (the package has no support.yaml, or the scenario turned it off); faults ended at drawn times\n";
    const auto j = support_json(day, 0, 0);
    const auto& r = j["minutes_to_resolve"];
    const auto& a = j["minutes_to_arrive"];
    if (day->trainees && j["minutes_to_answer"]["count"].get<std::int64_t>() == 0)
        return fmt::format("Technical support: {} calls on the trainees' help desk, none answered: every fault support ends lasted the rest "
                           "of the day\n",
                           day->calls.size());
    if (day->trainees)
        return fmt::format("Technical support: {} calls on the trainees' help desk, {} never answered; needed: {} phone fixes, {} crew jobs, "
                           "{} stationary box decisions; {} never resolved\n  answered {:.1f} min after the call on average; crews arrived "
                           "{:.1f} min after the call (90 %: {:.1f}); resolved {:.1f} min after the call (90 %: {:.1f}, longest {:.1f})\n",
                           day->calls.size(), j["unanswered"].get<std::int64_t>(), j["fixed_by_phone"].get<std::int64_t>(),
                           j["crew_jobs"].get<std::int64_t>(), j["stationary_box_decisions"].get<std::int64_t>(), j["unresolved"].get<std::int64_t>(),
                           j["minutes_to_answer"]["mean"].get<double>(), a["mean"].get<double>(), a["p90"].get<double>(), r["mean"].get<double>(),
                           r["p90"].get<double>(), r["max"].get<double>());
    return fmt::format("Technical support: {} calls on {} help desk lines, {} fixed by phone, {} crew jobs by {} crews, {} stationary boxes, "
                       "{} never resolved\n  answered in {:.1f} min on average; crews arrived {:.1f} min after the call (90 %: {:.1f}); "
                       "resolved {:.1f} min after the call (90 %: {:.1f}, longest {:.1f})\n",
                       day->calls.size(), day->help_desk_lines, j["fixed_by_phone"].get<std::int64_t>(), j["crew_jobs"].get<std::int64_t>(),
                       day->crews, j["stationary_box_decisions"].get<std::int64_t>(), j["unresolved"].get<std::int64_t>(),
                       j["minutes_to_answer"]["mean"].get<double>(), a["mean"].get<double>(), a["p90"].get<double>(),
                       r["mean"].get<double>(), r["p90"].get<double>(), r["max"].get<double>());
}

}  // namespace sim
