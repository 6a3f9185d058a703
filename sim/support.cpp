// The support organisation's day: help desk, phone fixes, crews and spares (sim/support.hpp).
//
// Index of this file:
//   [SECTION] Procedures
//   [SECTION] The help desk
//   [SECTION] The crews
#include "sim/support.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numbers>
#include <queue>
#include <string_view>
#include <tuple>

#include "core/random.hpp"

namespace sim {
namespace {

constexpr std::uint64_t kSupportStream = 0x53555050;  // "SUPP": purpose of a call's random stream

core::Micros minutes(double m) { return static_cast<core::Micros>(std::llround(m * static_cast<double>(core::kMinute))); }

double draw(core::RandomStream& r, PhoneMinutes m) { return m.min + r.uniform() * (m.max - m.min); }

}  // namespace

int crews_on_duty(const core::SupportBase& base, const SupportSettings& settings) {
    return static_cast<int>(std::lround(base.crews * settings.crews_share));
}

std::size_t spare_index(devices::DeviceKind kind) {
    const std::string_view name = devices::to_string(kind);
    for (std::size_t k = 0; k < core::kSpareKindCount; ++k)
        if (name == core::kSpareKinds[k]) return k;
    return core::kSpareKindCount;
}

CallTimes call_times(const SupportCall& call, std::uint64_t seed) {
    core::RandomStream r(seed, static_cast<std::uint64_t>(call.pec), kSupportStream, call.stream);
    const core::Micros talk = minutes(draw(r, phone_minutes(call.way)));
    return {talk, minutes(draw(r, repair_minutes(call.kind)))};
}

core::Micros travel_time(const core::SupportOrganisation& org, const core::SupportBase& base, double lat, double lon) {
    return minutes(travel_minutes(org, base, lat, lon));
}

core::Micros return_time(const core::SupportOrganisation& org, const core::SupportBase& base, double lat, double lon) {
    return minutes(travel_minutes(org, base, lat, lon) - org.set_off_minutes);
}

void add_busy(SupportDay& day, core::Micros from, core::Micros to) {
    auto& slots = day.busy_by_slot;
    for (core::Micros s = from / SupportDay::kSlot; s * SupportDay::kSlot < to; ++s) {
        if (slots.size() <= static_cast<std::size_t>(s)) slots.resize(static_cast<std::size_t>(s) + 1, 0);
        slots[static_cast<std::size_t>(s)] += std::min(to, (s + 1) * SupportDay::kSlot) - std::max(from, s * SupportDay::kSlot);
    }
}

void sort_calls(std::vector<SupportCall>& calls) {
    std::stable_sort(calls.begin(), calls.end(), [](const SupportCall& a, const SupportCall& b) {
        return std::tie(a.at, a.pec, a.stream) < std::tie(b.at, b.pec, b.stream);
    });
}

// [SECTION] Procedures
// Which faults support ends and how long the phone and the repair take: our estimates, documented
// with their reasons in docs/support.md.

const char* to_string(SupportWay way) {
    switch (way) {
        case SupportWay::phone: return "phone";
        case SupportWay::crew: return "crew";
        case SupportWay::stationary_box: return "stationary_box";
    }
    return "?";
}

std::optional<SupportWay> support_way(devices::DeviceKind kind, devices::Fault fault, bool replace_arbb) {
    using devices::Fault;
    if (kind == devices::DeviceKind::ballot_scanner && replace_arbb) return SupportWay::stationary_box;
    switch (fault) {
        case Fault::dead:  // any kind, the UPS included: a crew brings a spare
            return SupportWay::crew;
        case Fault::jam: case Fault::misfeed: case Fault::misread: case Fault::box_full: case Fault::cover_open:
        case Fault::degraded:
            return SupportWay::phone;
        case Fault::mains_loss: case Fault::out_of_paper: case Fault::no_signal: case Fault::slow: case Fault::flapping:
            return std::nullopt;
    }
    return std::nullopt;
}

PhoneMinutes phone_minutes(SupportWay way) {
    switch (way) {
        case SupportWay::phone: return {3, 15};            // guided: open the cover, clear, restart, test sheet
        case SupportWay::crew: return {2, 6};              // triage: the device is dead, a crew is sent
        case SupportWay::stationary_box: return {15, 45};  // attempts by phone, then the decision and the act
    }
    return {};
}

PhoneMinutes repair_minutes(devices::DeviceKind kind) {
    switch (kind) {
        case devices::DeviceKind::ballot_scanner: return {20, 45};  // swap the scanner unit, zero report, test
        case devices::DeviceKind::modem: return {10, 25};
        case devices::DeviceKind::power_supply: return {5, 15};    // unplug the dead UPS, plug in the spare, check the ARBB runs on it
        default: return {10, 20};                                   // swap a desk device, pair it, test
    }
}

double travel_minutes(const core::SupportOrganisation& org, const core::SupportBase& base, double lat, double lon) {
    // Great-circle distance (haversine, mean Earth radius 6,371 km).
    constexpr double kRad = std::numbers::pi / 180.0;
    const double dlat = (lat - base.lat) * kRad, dlon = (lon - base.lon) * kRad;
    const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(base.lat * kRad) * std::cos(lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    const double km = 2 * 6371.0 * std::asin(std::min(1.0, std::sqrt(a)));
    return org.set_off_minutes + 60.0 * km * org.road_circuity / base.road_kmh;
}

namespace {

// [SECTION] The help desk

struct Job {
    std::size_t call = 0;
    core::Micros ready = 0;   // triage over: a crew may set off
    core::Micros repair = 0;  // drawn at the call
};

// Answers every call on the lines in the order they came; fills answered (and resolved for phone
// fixes and decisions) and returns the crew jobs in the order they become ready.
std::vector<Job> answer_calls(const SupportDay& day, std::vector<SupportOutcome>& out, int lines, std::uint64_t seed) {
    std::priority_queue<core::Micros, std::vector<core::Micros>, std::greater<>> free_at;
    for (int i = 0; i < lines; ++i) free_at.push(0);
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < day.calls.size() && lines > 0; ++i) {
        const SupportCall& c = day.calls[i];
        const auto [talk, repair] = call_times(c, seed);
        out[i].answered = std::max(c.at, free_at.top());
        free_at.pop();
        free_at.push(out[i].answered + talk);
        if (c.way == SupportWay::crew) jobs.push_back({i, out[i].answered + talk, repair});
        else out[i].resolved = out[i].answered + talk;
    }
    std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.ready < b.ready; });
    return jobs;
}

// [SECTION] The crews

class Crews {
public:
    Crews(const core::SupportOrganisation& org, const SupportSettings& options, SupportDay& day) : org_(org), day_(day) {
        for (std::size_t b = 0; b < org.bases.size(); ++b) {
            spares_.push_back(org.bases[b].spares);
            for (int k = 0; k < crews_on_duty(org.bases[b], options); ++k) crews_.push_back({b, 0});
        }
        day.crews = static_cast<int>(crews_.size());
    }

    // Jobs in the order they become ready; crews that come back free take the oldest waiting job they can do.
    void run(const std::vector<Job>& jobs) {
        using Event = std::tuple<core::Micros, int, std::size_t>;  // time, 0 crew back / 1 job ready, index
        std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
        for (std::size_t j = 0; j < jobs.size(); ++j) events.emplace(jobs[j].ready, 1, j);
        std::deque<std::size_t> waiting;
        while (!events.empty()) {
            const auto [t, kind, index] = events.top();
            events.pop();
            if (kind == 1) {
                if (const auto crew = nearest_free(jobs[index], t)) events.emplace(send(jobs[index], *crew, t), 0, *crew);
                else if (can_ever(jobs[index])) waiting.push_back(index);
                continue;
            }
            for (auto it = waiting.begin(); it != waiting.end(); ++it)
                if (can_do(index, jobs[*it])) {
                    events.emplace(send(jobs[*it], index, t), 0, index);
                    waiting.erase(it);
                    break;
                }
            std::erase_if(waiting, [&](std::size_t j) { return !can_ever(jobs[j]); });
        }
    }

private:
    struct Crew {
        std::size_t base = 0;
        core::Micros free_at = 0;
    };

    const SupportCall& call(const Job& job) const { return day_.calls[job.call]; }

    // The crew's base holds the spare and the PEC is within reach.
    bool can_do(std::size_t crew, const Job& job) const {
        const auto& c = call(job);
        const std::size_t b = crews_[crew].base;
        const std::size_t k = spare_index(c.kind);
        return k < core::kSpareKindCount && spares_[b][k] > 0 && travel_minutes(org_, org_.bases[b], c.lat, c.lon) <= org_.max_travel_minutes;
    }

    bool can_ever(const Job& job) const {
        for (std::size_t i = 0; i < crews_.size(); ++i)
            if (can_do(i, job)) return true;
        return false;
    }

    std::optional<std::size_t> nearest_free(const Job& job, core::Micros t) const {
        std::optional<std::size_t> best;
        double best_minutes = 0;
        for (std::size_t i = 0; i < crews_.size(); ++i) {
            if (crews_[i].free_at > t || !can_do(i, job)) continue;
            const double m = travel_minutes(org_, org_.bases[crews_[i].base], call(job).lat, call(job).lon);
            if (!best || m < best_minutes) best = i, best_minutes = m;
        }
        return best;
    }

    // The crew sets off at t with the spare; returns when it is back at its base.
    core::Micros send(const Job& job, std::size_t crew, core::Micros t) {
        const auto& c = call(job);
        Crew& cr = crews_[crew];
        const core::SupportBase& base = org_.bases[cr.base];
        const std::size_t k = spare_index(c.kind);
        --spares_[cr.base][k];
        ++day_.spares_used[k];
        SupportOutcome& o = day_.outcomes[job.call];
        o.base = static_cast<int>(cr.base);
        o.dispatched = t;
        o.arrived = t + travel_time(org_, base, c.lat, c.lon);
        o.resolved = o.arrived + job.repair;
        cr.free_at = o.resolved + return_time(org_, base, c.lat, c.lon);
        add_busy(day_, t, cr.free_at);
        return cr.free_at;
    }

    const core::SupportOrganisation& org_;
    SupportDay& day_;
    std::vector<Crew> crews_;
    std::vector<std::array<int, core::kSpareKindCount>> spares_;
};

}  // namespace

SupportDay dispatch_support(const core::SupportOrganisation& org, const SupportSettings& options, std::vector<SupportCall> calls,
                            std::uint64_t seed) {
    SupportDay day;
    sort_calls(calls);
    day.calls = std::move(calls);
    day.outcomes.resize(day.calls.size());
    day.help_desk_lines = options.help_desk_lines.value_or(org.help_desk_lines);
    const auto jobs = answer_calls(day, day.outcomes, day.help_desk_lines, seed);
    Crews crews(org, options, day);
    crews.run(jobs);
    return day;
}

}  // namespace sim
