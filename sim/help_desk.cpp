// The help desk played by trainees (sim/help_desk.hpp).
#include "sim/help_desk.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace sim {
namespace {

std::string clock_text(core::Micros t) { return fmt::format("{:02}:{:02}", t / core::kHour, t / core::kMinute % 60); }

std::string what_failed(const SupportCall& c) {
    return fmt::format("PEC {}: {} {}", c.pec, devices::to_string(c.kind), devices::to_string(c.fault));
}

}  // namespace

const char* to_string(TicketState state) {
    switch (state) {
        case TicketState::ringing: return "ringing";
        case TicketState::open: return "open";
        case TicketState::working: return "working";
        case TicketState::resolved: return "resolved";
        case TicketState::closed: return "closed";
    }
    return "?";
}

HelpDesk::HelpDesk(const core::SupportOrganisation& org, const SupportSettings& settings, std::vector<SupportCall> calls, std::uint64_t seed)
    : org_(org), seed_(seed) {
    sort_calls(calls);
    day_.calls = std::move(calls);
    day_.outcomes.resize(day_.calls.size());
    day_.help_desk_lines = settings.help_desk_lines.value_or(org.help_desk_lines);
    day_.trainees = true;
    states_.resize(day_.calls.size());
    for (std::size_t b = 0; b < org.bases.size(); ++b) {
        spares_.push_back(org.bases[b].spares);
        for (int k = 0; k < crews_on_duty(org.bases[b], settings); ++k) crews_.push_back({b, 0});
    }
    day_.crews = static_cast<int>(crews_.size());
}

void HelpDesk::add_call(const SupportCall& call) {
    const auto at = std::upper_bound(day_.calls.begin(), day_.calls.end(), call.at, [](core::Micros t, const SupportCall& c) { return t < c.at; });
    const auto k = at - day_.calls.begin();
    day_.calls.insert(at, call);
    day_.outcomes.insert(day_.outcomes.begin() + k, SupportOutcome{});
    states_.insert(states_.begin() + k, State{});
}

std::vector<Ticket> HelpDesk::tickets(core::Micros now) const {
    std::vector<Ticket> out;
    for (std::size_t i = 0; i < day_.calls.size() && day_.calls[i].at <= now; ++i) {
        TicketState state = states_[i].state;
        // A resolution scheduled for later shows as working until its time comes.
        if (state == TicketState::working && day_.outcomes[i].resolved >= 0 && day_.outcomes[i].resolved <= now) state = TicketState::resolved;
        out.push_back({static_cast<int>(i) + 1, state, states_[i].escalated, states_[i].taken_by, &day_.calls[i], &day_.outcomes[i]});
    }
    return out;
}

std::vector<int> HelpDesk::free_crews(core::Micros now) const {
    std::vector<int> free(org_.bases.size(), 0);
    for (const Crew& c : crews_)
        if (c.free_at <= now) ++free[c.base];
    return free;
}

core::Result<std::size_t> HelpDesk::find(int ticket, core::Micros now, std::initializer_list<TicketState> need, const char* action) const {
    if (ticket < 1 || static_cast<std::size_t>(ticket) > day_.calls.size() || day_.calls[static_cast<std::size_t>(ticket) - 1].at > now)
        return core::fail(fmt::format("no ticket {} (the help desk has {} so far)", ticket, tickets(now).size()));
    const auto i = static_cast<std::size_t>(ticket) - 1;
    TicketState state = states_[i].state;
    if (state == TicketState::working && day_.outcomes[i].resolved >= 0 && day_.outcomes[i].resolved <= now) state = TicketState::resolved;
    if (std::find(need.begin(), need.end(), state) == need.end())
        return core::fail(fmt::format("ticket {} is {}: it cannot be {}", ticket, to_string(state), action));
    return i;
}

std::optional<std::size_t> HelpDesk::base_named(const std::string& name) const {
    for (std::size_t b = 0; b < org_.bases.size(); ++b)
        if (org_.bases[b].name == name) return b;
    return std::nullopt;
}

core::Result<DeskDecision> HelpDesk::take_call(int ticket, core::Micros now, const std::string& trainee) {
    const auto found = find(ticket, now, {TicketState::ringing}, "taken");
    if (!found) return std::unexpected(found.error());
    const std::size_t i = *found;
    states_[i].state = TicketState::open;
    states_[i].taken_by = trainee;
    day_.outcomes[i].answered = now;
    const SupportCall& c = day_.calls[i];
    return DeskDecision{fmt::format("ticket {} opened: {}, called at {}", ticket, what_failed(c), clock_text(c.at)), std::nullopt};
}

core::Result<DeskDecision> HelpDesk::guide(int ticket, core::Micros now) {
    const auto found = find(ticket, now, {TicketState::open}, "guided");
    if (!found) return std::unexpected(found.error());
    const std::size_t i = *found;
    const SupportCall& c = day_.calls[i];
    if (c.way == SupportWay::crew)
        return core::fail(fmt::format("ticket {}: {} cannot be fixed by phone; dispatch a crew with a spare", ticket, what_failed(c)));
    SupportOutcome& o = day_.outcomes[i];
    o.resolved = now + call_times(c, seed_).talk;
    states_[i].state = TicketState::working;
    const char* how = c.way == SupportWay::stationary_box ? "through the decision to use a stationary box" : "through the fix";
    return DeskDecision{fmt::format("ticket {}: guiding PEC {} {} by phone, done at {}", ticket, c.pec, how, clock_text(o.resolved)), i};
}

core::Result<DeskDecision> HelpDesk::dispatch_crew(int ticket, const std::string& base_name, core::Micros now) {
    const auto found = find(ticket, now, {TicketState::open}, "given a crew");
    if (!found) return std::unexpected(found.error());
    const std::size_t i = *found;
    const SupportCall& c = day_.calls[i];
    const auto named = base_named(base_name);
    const auto crew = std::find_if(crews_.begin(), crews_.end(), [&](const Crew& cr) { return named && cr.base == *named && cr.free_at <= now; });
    if (named && crew == crews_.end()) return core::fail(fmt::format("base {} has no free crew now", base_name));
    const auto b = take_spare(c, base_name);
    if (!b) return std::unexpected(b.error());
    const core::SupportBase& base = org_.bases[*b];
    SupportOutcome& o = day_.outcomes[i];
    o.base = static_cast<int>(*b);
    o.dispatched = now;
    o.arrived = now + travel_time(org_, base, c.lat, c.lon);
    o.resolved = o.arrived + call_times(c, seed_).repair;
    crew->free_at = o.resolved + return_time(org_, base, c.lat, c.lon);
    add_busy(day_, now, crew->free_at);
    states_[i].state = TicketState::working;
    return DeskDecision{fmt::format("ticket {}: crew of {} sent to PEC {} with a spare {}, arrives {}", ticket, base.name, c.pec,
                                    devices::to_string(c.kind), clock_text(o.arrived)),
                        i};
}

core::Result<DeskDecision> HelpDesk::send_spare(int ticket, const std::string& base_name, core::Micros now) {
    const auto found = find(ticket, now, {TicketState::open}, "sent a spare");
    if (!found) return std::unexpected(found.error());
    const std::size_t i = *found;
    const SupportCall& c = day_.calls[i];
    if (c.kind == devices::DeviceKind::ballot_scanner)
        return core::fail(fmt::format("ticket {}: an ARBB's scanner unit is swapped and tested by a crew: dispatch_crew", ticket));
    const auto b = take_spare(c, base_name);
    if (!b) return std::unexpected(b.error());
    const core::SupportBase& base = org_.bases[*b];
    SupportOutcome& o = day_.outcomes[i];
    const CallTimes times = call_times(c, seed_);
    o.base = static_cast<int>(*b);
    o.dispatched = now;
    o.arrived = now + travel_time(org_, base, c.lat, c.lon);
    o.resolved = o.arrived + times.repair + times.talk;  // the PEC swaps it, guided by phone
    states_[i].state = TicketState::working;
    return DeskDecision{fmt::format("ticket {}: a spare {} sent from {} to PEC {}, arrives {}; the PEC swaps it with the help desk on the phone",
                                    ticket, devices::to_string(c.kind), base.name, c.pec, clock_text(o.arrived)),
                        i};
}

core::Result<std::size_t> HelpDesk::take_spare(const SupportCall& c, const std::string& base_name) {
    const auto b = base_named(base_name);
    if (!b) return core::fail(fmt::format("no support base named '{}'", base_name));
    const core::SupportBase& base = org_.bases[*b];
    const std::size_t k = spare_index(c.kind);
    if (k >= core::kSpareKindCount || spares_[*b][k] == 0)
        return core::fail(fmt::format("base {} has no spare {} left", base.name, devices::to_string(c.kind)));
    if (travel_minutes(org_, base, c.lat, c.lon) > org_.max_travel_minutes)
        return core::fail(fmt::format("PEC {} is out of base {}'s reach ({:.0f} min by road, reach {:.0f} min)", c.pec, base.name,
                                      travel_minutes(org_, base, c.lat, c.lon), org_.max_travel_minutes));
    --spares_[*b][k];
    ++day_.spares_used[k];
    return *b;
}

core::Result<DeskDecision> HelpDesk::escalate(int ticket, core::Micros now) {
    const auto found = find(ticket, now, {TicketState::open, TicketState::working}, "escalated");
    if (!found) return std::unexpected(found.error());
    const std::size_t i = *found;
    if (states_[i].escalated) return core::fail(fmt::format("ticket {} is already with the duty officer", ticket));
    states_[i].escalated = true;
    return DeskDecision{fmt::format("ticket {} escalated to the CEC's duty officer: {}", ticket, what_failed(day_.calls[i])), std::nullopt};
}

core::Result<DeskDecision> HelpDesk::close_ticket(int ticket, core::Micros now) {
    const auto found = find(ticket, now, {TicketState::resolved}, "closed (its fault is not resolved)");
    if (!found) return std::unexpected(found.error());
    const std::size_t i = *found;
    states_[i].state = TicketState::closed;
    return DeskDecision{fmt::format("ticket {} closed", ticket), std::nullopt};
}

}  // namespace sim
