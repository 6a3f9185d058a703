#include "drill/drill_session.hpp"

// Index of this file:
//   [SECTION] Helpers and descriptions of actions
//   [SECTION] Opening a session
//   [SECTION] Time: advancing, replay, ticks, steps
//   [SECTION] Instructor actions
//   [SECTION] Selection, live state, results

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/random.hpp"
#include "sim/run_setup.hpp"

namespace drill {
// [SECTION] Helpers and descriptions of actions

namespace {

// "Step one event" goes to the earliest pending event over all PECs, World::next_event_time(). With
// no event pending (or a world type without that function) a step is the smallest useful increment,
// one virtual second.
template <class W>
std::optional<sim::Time> next_event_of(const W& world) {
    if constexpr (requires { world.next_event_time(); }) {
        return world.next_event_time();
    } else {
        return std::nullopt;
    }
}

// Key of the random stream that picks "a share of PECs" (ASCII "drill").
constexpr std::uint64_t kShareStream = 0x6472696c6cULL;

bool reported(sim::PecState s) {
    return s == sim::PecState::closed || s == sim::PecState::transmitted || s == sim::PecState::acknowledged;
}

bool transmitted(sim::PecState s) { return s == sim::PecState::transmitted || s == sim::PecState::acknowledged; }

// "printer (desk 1) enters out_of_paper for 30m at 10:20:00": the action without its PECs.
std::string what_happens(const sim::FaultAction& a) {
    const bool desk = a.target == sim::FaultTarget::fingerprint_scanner || a.target == sim::FaultTarget::document_reader ||
                      a.target == sim::FaultTarget::webcam || a.target == sim::FaultTarget::printer;
    std::string text = fmt::format("{}{} {} {}", sim::to_string(a.target), desk ? fmt::format(" (desk {})", a.unit + 1) : std::string(),
                                   a.enter ? "enters" : "clears", devices::to_string(a.fault));
    if (a.enter && a.severity != 1.0) text += fmt::format(", severity {:g}", a.severity);
    if (a.enter && a.duration > 0) text += fmt::format(" for {}", sim::format_duration(a.duration));
    if (a.replace_arbb) text += ", then replaced by a stationary box";
    text += fmt::format(" at {}", core::clock_time(a.at));
    return text;
}

}  // namespace

std::string describe(const sim::FaultAction& a) { return fmt::format("instructor: PEC {} {}", a.pec, what_happens(a)); }

std::string describe(const sim::RecordedAction& r, std::string_view region_name) {
    if (r.pecs.empty()) return describe(r.action);
    const std::string where = r.region == 0         ? std::string("all PECs")
                              : region_name.empty() ? fmt::format("region {}", r.region)
                                                    : fmt::format("region {}", region_name);
    const std::string scope = r.share > 0.0 ? fmt::format("{:g} % of {}", r.share * 100.0, where) : where;
    return fmt::format("instructor: {}, {} PEC{} ({}): {}", scope, r.pecs.size(), r.pecs.size() == 1 ? "" : "s", format_pec_list(r.pecs),
                       what_happens(r.action));
}

std::string format_pec_list(std::vector<int> pecs) {
    std::sort(pecs.begin(), pecs.end());
    std::string out;
    for (std::size_t i = 0; i < pecs.size();) {
        std::size_t j = i;
        while (j + 1 < pecs.size() && pecs[j + 1] == pecs[j] + 1) ++j;
        if (!out.empty()) out += ", ";
        if (j - i >= 2) out += fmt::format("{}-{}", pecs[i], pecs[j]);
        else out += j == i ? fmt::format("{}", pecs[i]) : fmt::format("{}, {}", pecs[i], pecs[j]);
        i = j + 1;
    }
    return out;
}

// [SECTION] Opening a session

core::Result<std::unique_ptr<DrillSession>> DrillSession::open(const std::filesystem::path& scenario_file,
                                                               std::optional<std::uint64_t> seed,
                                                               std::optional<sim::DrillRecord> replay, sim::Time start,
                                                               WallTime wall_now, int threads,
                                                               sim::Hardware hardware) {
    auto setup = sim::open_run(scenario_file, std::move(replay), seed);
    if (!setup) return std::unexpected(setup.error());

    std::unique_ptr<DrillSession> s(new DrillSession());
    s->threads_ = std::max(1, threads);
    s->scenario_ = std::make_unique<sim::Scenario>(std::move(setup->scenario));
    s->package_ = std::make_unique<core::ElectionPackage>(std::move(setup->package));
    const std::uint64_t used_seed = setup->seed;
    if (setup->replay && !setup->replay->hardware.empty()) {
        if (!hardware.empty())
            return core::fail("the replayed record brings its physical devices' captures, sheets and link outcomes: replay it without --hil (no hardware is needed)");
        s->replayed_ = std::make_unique<sim::ReplayedHardware>(sim::replay_hardware(setup->replay->hardware));
        hardware = s->replayed_->for_world();
    } else if (setup->replay && !hardware.empty()) {
        return core::fail("the replayed record was made without physical devices: --hil would change the night it replays");
    }
    if (auto checked = sim::check_hardware(*s->package_, *s->scenario_, hardware); !checked) return std::unexpected(checked.error());
    s->hardware_ = std::move(hardware);
    s->world_ = std::make_unique<sim::World>(*s->package_, *s->scenario_, used_seed, std::max(1, threads), s->hardware_);
    s->record_.scenario = scenario_file.string();
    s->record_.scenario_name = s->scenario_->name;
    s->record_.seed = used_seed;
    s->replay_ = std::move(setup->replay);
    for (const auto& pec : s->package_->pecs)
        if (s->world_->index_of(pec.number)) s->pecs_.push_back(&pec);
    if (s->pecs_.size() != s->world_->pec_count())
        return core::fail(fmt::format("the world has {} PECs but the package lists {} of them", s->world_->pec_count(), s->pecs_.size()));
    s->advance(start);
    // Loading and reaching `start` take seconds: the clock starts now, not when open() was called.
    s->clock_ = kernel::PacedClock(s->world_->now(), std::max(wall_now, std::chrono::steady_clock::now()));
    return s;
}

// [SECTION] Time: advancing, replay, ticks, steps

void DrillSession::advance(sim::Time t) {
    advance_world(t);
    refresh();
}

void DrillSession::advance_world(sim::Time t) {
    // The world stops at each of the curve's minutes after voting close, so a jump (run_to, a
    // scripted advance_to) fills every minute it crosses, as playing does; and where a drill's conduct
    // says. At a stop the conduct acts before the replayed actions of that very time, as in the live
    // session, where the stop was reached inside the advance before anyone could click.
    for (sim::Time m = next_stop(); m <= t && m >= world_->now(); m = next_stop()) {
        replay_before(m, false);
        world_->advance_to(m, threads_);
        if (m == next_curve_sample()) sample_curve();
        if (conduct_ && m == conduct_->next_stop(*this)) conduct_->at_stop(*this);
        replay_before(m, true);
    }
    replay_before(t, true);
    world_->advance_to(t, threads_);
}

sim::Time DrillSession::next_stop() {
    sim::Time m = next_curve_sample();
    if (conduct_) m = std::min(m, conduct_->next_stop(*this));
    if (replay_ && replay_next_ < replay_->actions.size()) m = std::min(m, replay_->actions[replay_next_].issued);
    return m;
}

void DrillSession::replay_before(sim::Time t, bool including_t) {
    // A replayed action is applied at the very point of the event order where the instructor took
    // it: the world first reaches its `issued` time, exactly as in the recorded session.
    while (replay_ && replay_next_ < replay_->actions.size()) {
        const sim::RecordedAction& r = replay_->actions[replay_next_];
        if (r.issued > t || (r.issued == t && !including_t)) break;
        ++replay_next_;
        world_->advance_to(r.issued, threads_);
        if (r.trainee) {
            if (auto ok = sim::replay_trainee_action(r, *world_); !ok)
                notes_.push_back({world_->now(), r.trainee->pec, {}, fmt::format("replay: action {}: {}", replay_next_ - 1, ok.error().message)});
            record_trainee(r);
            continue;
        }
        if (auto ok = apply_and_record(r); !ok)
            notes_.push_back({world_->now(), sim::pecs_of(r).front(), {}, fmt::format("replay: action {} failed: {}", replay_next_ - 1, ok.error().message)});
    }
}

sim::Time DrillSession::next_curve_sample() const {
    return curve_.empty() ? scenario_->voting_close : curve_.back().at + core::kMinute;
}

void DrillSession::sample_curve() {
    ReportedPoint p{next_curve_sample(), 0, 0};
    for (std::size_t i = 0; i < world_->pec_count(); ++i) {
        const sim::PecState state = world_->view(i).state;
        p.printed += reported(state) ? 1 : 0;
        p.transmitted += transmitted(state) ? 1 : 0;
    }
    curve_.push_back(p);
}

bool DrillSession::tick(WallTime wall_now, std::chrono::milliseconds budget) {
    // Chunks of virtual time keep each advance short enough to check the budget between them.
    constexpr sim::Time kChunk = 5 * core::kSecond;
    const sim::Time target = clock_.target(wall_now);
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (world_->now() < target) {
        advance_world(std::min(target, world_->now() + kChunk));
        if (std::chrono::steady_clock::now() >= deadline) break;
    }
    refresh();
    if (world_->now() >= target) return true;
    const double speed = clock_.speed();
    const bool was_paused = clock_.paused();
    clock_ = kernel::PacedClock(world_->now(), wall_now);
    (void)clock_.set_speed(speed, wall_now);  // the speed was valid before
    if (was_paused) clock_.pause(wall_now);
    return false;
}

sim::Time DrillSession::step_event(WallTime wall_now) {
    clock_.pause(wall_now);
    const sim::Time now = world_->now();
    const auto next = next_event_of(*world_);
    advance(next && *next > now ? *next : now + core::kSecond);
    clock_.skip_to(world_->now(), wall_now);
    return world_->now();
}

sim::Time DrillSession::step_minute(WallTime wall_now) {
    clock_.pause(wall_now);
    advance(world_->now() + core::kMinute);
    clock_.skip_to(world_->now(), wall_now);
    return world_->now();
}

core::Result<void> DrillSession::run_to(sim::Time t, WallTime wall_now) {
    if (t < world_->now())
        return core::fail(fmt::format("{} is already past (now {})", core::clock_time(t), core::clock_time(world_->now())));
    clock_.pause(wall_now);
    advance(t);
    clock_.skip_to(world_->now(), wall_now);
    return {};
}

// [SECTION] Instructor actions

void DrillSession::attach(std::unique_ptr<DrillConduct> conduct) {
    conduct_ = std::move(conduct);
    record_.drill = conduct_->drill().file.string();
    if (conduct_->next_stop(*this) == world_->now()) conduct_->at_stop(*this);
}

core::Result<void> DrillSession::act(sim::FaultAction action, std::string inject) {
    sim::RecordedAction r;
    r.action = action;
    r.inject = std::move(inject);
    if (auto n = apply_and_record(std::move(r)); !n) return std::unexpected(n.error());
    return {};
}

core::Result<void> DrillSession::act(const sim::Incident& incident, std::string inject) {
    sim::RecordedAction r;
    r.incident = incident;
    r.action.pec = incident.pec;
    r.inject = std::move(inject);
    if (auto n = apply_and_record(std::move(r)); !n) return std::unexpected(n.error());
    return {};
}

core::Result<int> DrillSession::inject(const PecSelection& sel, sim::FaultAction action) {
    auto chosen = draw_pecs(sel);
    if (!chosen) return std::unexpected(chosen.error());
    sim::RecordedAction r;
    r.action = action;
    if (sel.scope == PecSelection::Scope::pec) {
        r.action.pec = sel.pec;
    } else {
        r.action.pec = 0;
        for (std::size_t i : *chosen) r.pecs.push_back(pecs_[i]->number);
        r.region = sel.region;
        r.share = sel.scope == PecSelection::Scope::share ? sel.share : 0.0;
    }
    auto n = apply_and_record(std::move(r));
    if (n) refresh();
    return n;
}

core::Result<std::vector<std::size_t>> DrillSession::draw_pecs(const PecSelection& sel) {
    if (sel.scope == PecSelection::Scope::pec) {
        const auto i = world_->index_of(sel.pec);
        if (!i) return core::fail(fmt::format("PEC {} is not in this drill", sel.pec));
        return std::vector<std::size_t>{*i};
    }
    std::vector<std::size_t> pool;
    for (std::size_t i = 0; i < pecs_.size(); ++i)
        if (sel.region == 0 || pecs_[i]->region_code == sel.region) pool.push_back(i);
    if (pool.empty()) return core::fail(fmt::format("no PEC of region {} is in this drill", sel.region));
    if (sel.scope == PecSelection::Scope::region) return pool;
    if (!(sel.share > 0.0 && sel.share <= 1.0)) return core::fail(fmt::format("share {} is not in (0, 1]", sel.share));
    // Partial Fisher-Yates on a stream keyed by the drill's seed and its action count.
    core::RandomStream r(record_.seed, kShareStream, record_.actions.size());
    const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(sel.share * static_cast<double>(pool.size()))));
    for (std::size_t k = 0; k < n; ++k) std::swap(pool[k], pool[k + r.below(pool.size() - k)]);
    std::vector<std::size_t> chosen(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n));
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

core::Result<int> DrillSession::apply_and_record(sim::RecordedAction r) {
    r.issued = world_->now();
    if (r.incident) {
        if (auto ok = world_->apply(*r.incident); !ok) return std::unexpected(ok.error());
        const std::string what = sim::describe(*r.incident);
        notes_.push_back({r.issued, r.incident->pec, {}, r.inject.empty() ? "incident: " + what : fmt::format("drill inject '{}': incident {}", r.inject, what)});
        record_.actions.push_back(std::move(r));
        return 1;
    }
    r.action.at = std::max(r.action.at, r.issued);  // "now"
    std::vector<int> applied;
    std::string first_error;
    for (int pec : sim::pecs_of(r)) {
        sim::FaultAction a = r.action;
        a.pec = pec;
        if (auto ok = world_->apply(a); ok) applied.push_back(pec);
        else if (first_error.empty()) first_error = ok.error().message;
    }
    if (applied.empty()) return core::fail(first_error.empty() ? "no PEC chosen" : first_error);
    if (!r.pecs.empty()) r.pecs = applied;  // what the record replays: the PECs where it took effect
    const core::Region* region = package_->find_region(r.region);
    std::string text = describe(r, region ? std::string_view(region->name) : "");
    if (!r.inject.empty()) text = fmt::format("drill inject '{}': {}", r.inject, text.substr(text.find(':') + 2));
    notes_.push_back({r.issued, r.pecs.empty() ? r.action.pec : 0, r.pecs, std::move(text)});
    record_.actions.push_back(std::move(r));
    return static_cast<int>(applied.size());
}

core::Result<std::string> DrillSession::act(const sim::TraineeAction& action) {
    sim::RecordedAction r;
    r.issued = r.action.at = world_->now();
    r.trainee = action;
    auto done = world_->act(action);
    if (!done) r.refused = done.error().message;
    record_trainee(r);
    return done;
}

void DrillSession::record_trainee(const sim::RecordedAction& r) {
    const sim::TraineeAction& a = *r.trainee;
    notes_.push_back({r.issued, a.pec, {},
                      r.refused.empty() ? fmt::format("{} {}: {}", sim::to_string(sim::role_of(a.what)), a.trainee, sim::describe(a))
                                        : fmt::format("{} {}: {} refused: {}", sim::to_string(sim::role_of(a.what)), a.trainee, sim::describe(a), r.refused)});
    record_.actions.push_back(r);
}

// [SECTION] Selection, live state, results

bool DrillSession::has_region(int code) const {
    return std::any_of(pecs_.begin(), pecs_.end(), [code](const core::Pec* p) { return p->region_code == code; });
}

core::Result<void> DrillSession::select(int pec_number) {
    const auto i = world_->index_of(pec_number);
    if (!i) return core::fail(fmt::format("PEC {} is not in this drill", pec_number));
    selected_ = *i;
    return {};
}

void DrillSession::refresh() {
    const std::size_t n = world_->pec_count();
    views_.resize(n);
    CountrySummary s;
    std::uint64_t hash = 1469598103934665603ULL;
    for (std::size_t i = 0; i < n; ++i) {
        const sim::PecView& v = views_[i] = world_->view(i);
        s.registered += pecs_[i]->registered;
        s.voters += v.voters;
        s.in_queues += v.queue;
        if (v.active_faults != 0) ++s.pecs_with_faults;
        if (reported(v.state)) ++s.reports_printed;
        if (transmitted(v.state)) ++s.reports_transmitted;
        if (v.state == sim::PecState::acknowledged) ++s.reports_acknowledged;
        ++s.by_state[static_cast<std::size_t>(v.state)];
        hash = (hash ^ (v.active_faults * 2654435761ULL + i)) * 1099511628211ULL;
    }
    summary_ = s;
    std::size_t deliveries = 0;
    for (const sim::ExternalFingerprintReader* r : hardware_.readers) deliveries += r->delivered.size() + 1;
    for (const sim::ExternalBallotScanner* b : hardware_.scanners) deliveries += b->delivered.size() + 1;
    for (const sim::ExternalModem* m : hardware_.modems) deliveries += m->delivered.size() + 1;
    if (deliveries != deliveries_seen_) {  // the record's `hardware`, as the devices stand now
        deliveries_seen_ = deliveries;
        record_.hardware = sim::record_of(hardware_);
    }
    if (hash != fault_bits_hash_) {
        fault_bits_hash_ = hash;
        active_.clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (views_[i].active_faults == 0) continue;
            for (const auto& d : world_->detail(i).devices)
                for (unsigned f = 0; f < 32; ++f)
                    if ((d.faults >> f) & 1u) active_.push_back({views_[i].number, i, d.id, d.kind, static_cast<devices::Fault>(f)});
        }
    }
}

sim::RunResults DrillSession::finish(int threads) {
    if (replay_)  // actions the live session took after the point reached here
        while (replay_next_ < replay_->actions.size()) advance(replay_->actions[replay_next_].issued);
    world_->run_to_end(threads);
    refresh();
    return world_->results();
}

}  // namespace drill
