#include "drill/drill_conduct.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "drill/drill_session.hpp"
#include "sim/help_desk.hpp"

namespace drill {

namespace {

sim::Time next_whole_minute(sim::Time t) { return (t + core::kMinute - 1) / core::kMinute * core::kMinute; }

bool condition_holds(const InjectCondition& c, const sim::PecView& v) {
    switch (c.what) {
        case InjectCondition::What::queue_above: return v.queue > c.value;
        case InjectCondition::What::voters_above: return v.voters > c.value;
    }
    return false;
}

}  // namespace

DrillConduct::DrillConduct(DrillFile drill, Injects injects, std::vector<ResponseAction> responses)
    : drill_(std::move(drill)),
      mode_(injects),
      responses_(std::move(responses)),
      response_done_(responses_.size(), false),
      inject_fired_(drill_.injects.size(), false),
      next_minute_(next_whole_minute(drill_.start)) {
    for (const auto& i : drill_.injects) seen_.pecs[i.action.pec];
}

void DrillConduct::learn_fired(const DrillSession& session) {
    const auto& actions = session.record().actions;
    for (; record_seen_ < actions.size(); ++record_seen_)
        if (const auto& a = actions[record_seen_]; !a.inject.empty()) fired_.emplace(a.inject, a.issued);
}

sim::Time DrillConduct::next_stop(const DrillSession& session) {
    learn_fired(session);
    const sim::Time now = session.world().now();
    // A session opened after the drill's start (train --start) has its first stop now, not in the past.
    sim::Time m = next_minute_ <= drill_.end ? std::max(next_minute_, now) : kNever;
    if (mode_ == Injects::fire)
        for (std::size_t i = 0; i < drill_.injects.size(); ++i)
            if (!inject_fired_[i] && drill_.injects[i].at) m = std::min(m, std::max(*drill_.injects[i].at, now));
    for (std::size_t i = 0; i < responses_.size(); ++i) {
        if (response_done_[i]) continue;
        const auto f = fired_.find(responses_[i].after);
        if (f == fired_.end()) continue;
        const sim::Time due = f->second + responses_[i].delay;
        if (due <= drill_.end) m = std::min(m, std::max(due, now));
    }
    return m;
}

void DrillConduct::at_stop(DrillSession& session) {
    const sim::Time now = session.world().now();
    // The minute's sample comes first: a replay applies the recorded actions of this very time after
    // the stop, so the sample must not see what the conduct does at it either.
    if (now >= next_minute_ && next_minute_ <= drill_.end) {
        sample(session);
        next_minute_ = next_whole_minute(now + 1);
        if (mode_ == Injects::fire) fire_conditional(session);
    }
    if (mode_ == Injects::fire) fire_timed(session);
    learn_fired(session);
    take_responses(session);
}

void DrillConduct::fire(DrillSession& session, std::size_t i) {
    const DrillInject& inject = drill_.injects[i];
    inject_fired_[i] = true;
    sim::FaultAction a = inject.action;
    a.at = session.world().now();
    if (auto ok = inject.incident ? session.act(*inject.incident, inject.name) : session.act(a, inject.name); !ok)
        problems_.push_back(fmt::format("{}:{}: inject '{}' at {}: {}", drill_.file.string(), inject.line, inject.name, core::clock_time(a.at),
                                        ok.error().message));
}

void DrillConduct::fire_timed(DrillSession& session) {
    for (std::size_t i = 0; i < drill_.injects.size(); ++i)
        if (!inject_fired_[i] && drill_.injects[i].at && *drill_.injects[i].at <= session.world().now()) fire(session, i);
}

void DrillConduct::fire_conditional(DrillSession& session) {
    for (std::size_t i = 0; i < drill_.injects.size(); ++i) {
        const DrillInject& inject = drill_.injects[i];
        if (inject_fired_[i] || !inject.when) continue;
        const auto idx = session.world().index_of(inject.action.pec);
        if (idx && condition_holds(*inject.when, session.world().view(*idx))) fire(session, i);
    }
}

void DrillConduct::take_responses(DrillSession& session) {
    const sim::Time now = session.world().now();
    for (std::size_t i = 0; i < responses_.size(); ++i) {
        if (response_done_[i]) continue;
        const auto f = fired_.find(responses_[i].after);
        if (f == fired_.end() || f->second + responses_[i].delay > now) continue;
        response_done_[i] = true;
        (void)session.act(resolved(responses_[i], session));  // a refusal is recorded and scored
    }
}

sim::TraineeAction DrillConduct::resolved(const ResponseAction& r, DrillSession& session) {
    sim::TraineeAction a = r.action;
    const int pec = drill_.inject(r.after)->action.pec;
    if (!r.pec_given && a.pec != 0) a.pec = pec;
    if (!r.ticket_given && a.ticket != 0) {
        a.ticket = 0;  // none rung yet: the world refuses it, and says so
        if (const sim::HelpDesk* desk = session.world().help_desk())
            for (const auto& t : desk->tickets(session.world().now()))
                if (t.call && t.call->pec == pec) a.ticket = t.number;
    }
    if (!r.alert_given && a.alert != 0) {
        a.alert = 0;
        for (const auto& alert : session.duty_alerts())
            if (alert.pec == pec) a.alert = alert.number;
    }
    return a;
}

void DrillConduct::sample(DrillSession& session) {
    const sim::World& world = session.world();
    const sim::Time now = world.now();
    for (auto& [pec, samples] : seen_.pecs) {
        const bool wrong = world.wrong_on_page(pec, now, now + 1) > 0;
        if (pec == 0) {  // the page as a whole (a display error's inject)
            samples.push_back({.at = now, .wrong_on_page = wrong, .reports_cut = world.connections_cut(),
                               .page_down = world.page_unreachable(now, now + 1) > 0});
            continue;
        }
        const auto idx = world.index_of(pec);
        if (!idx) continue;
        const sim::PecDetail d = world.detail(*idx);
        samples.push_back({now, d.view.queue, d.left_queue, d.ballots_waiting[0] + d.ballots_waiting[1],
                           d.view.state == sim::PecState::acknowledged, wrong, d.forged_ballots});
    }
    if (const sim::HelpDesk* desk = world.help_desk())
        for (const auto& t : desk->tickets(now))
            if (t.call) seen_.tickets[t.number] = {t.call->pec, t.call->kind};
    for (const auto& alert : session.duty_alerts()) seen_.alert_pec[alert.number] = alert.pec;
    seen_.now = now;
    seen_.voting_close = session.scenario().voting_close;
}

DrillScore DrillConduct::score(const DrillSession& session) const {
    return score_drill(drill_, session.record(), seen_, session.world().now() >= drill_.end);
}

}  // namespace drill
