#include "drill/drill_session.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/random.hpp"

namespace drill {
namespace {

// "Step one event" wants the earliest pending event over all PECs. sim::World does not offer it yet
// (asked of the lead: `std::optional<sim::Time> World::next_event_time() const`); until it does,
// a step is the smallest useful increment, one virtual second. The template picks the real API up
// as soon as World has it, with no change here.
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

}  // namespace

std::string describe(const sim::FaultAction& a) {
    const bool desk = a.target == sim::FaultTarget::fingerprint_scanner || a.target == sim::FaultTarget::document_reader ||
                      a.target == sim::FaultTarget::webcam || a.target == sim::FaultTarget::printer;
    std::string text = fmt::format("instructor: PEC {} {}{} {} {}", a.pec, sim::to_string(a.target),
                                   desk ? fmt::format(" (desk {})", a.unit + 1) : std::string(), a.enter ? "enters" : "clears",
                                   devices::to_string(a.fault));
    if (a.enter && a.severity != 1.0) text += fmt::format(", severity {:g}", a.severity);
    if (a.enter && a.duration > 0) text += fmt::format(" for {}", sim::format_duration(a.duration));
    if (a.replace_arbb) text += ", then replaced by a stationary box";
    text += fmt::format(" at {}", core::clock_time(a.at));
    return text;
}

core::Result<std::unique_ptr<DrillSession>> DrillSession::open(const std::filesystem::path& scenario_file,
                                                               std::optional<std::uint64_t> seed,
                                                               std::optional<sim::DrillRecord> replay, sim::Time start,
                                                               WallTime wall_now, int threads) {
    auto scenario = sim::load_scenario(scenario_file);
    if (!scenario) return std::unexpected(scenario.error());
    if (replay) {
        if (replay->scenario_name != scenario->name)
            return core::fail(fmt::format("the drill record was made with scenario '{}', not '{}' ({})", replay->scenario_name,
                                          scenario->name, scenario_file.string()));
        if (seed && *seed != replay->seed)
            return core::fail(fmt::format("seed {} differs from the drill record's seed {}", *seed, replay->seed));
        seed = replay->seed;
    }
    auto package = core::load_election_package(scenario->package_dir);
    if (!package) return core::fail(fmt::format("election package of {}: {}", scenario_file.string(), package.error().message));
    if (auto bound = sim::bind_to_package(*scenario, *package); !bound) return std::unexpected(bound.error());

    std::unique_ptr<DrillSession> s(new DrillSession());
    s->threads_ = std::max(1, threads);
    s->scenario_ = std::make_unique<sim::Scenario>(std::move(*scenario));
    s->package_ = std::make_unique<core::ElectionPackage>(std::move(*package));
    const std::uint64_t used_seed = seed.value_or(s->scenario_->seed);
    s->world_ = std::make_unique<sim::World>(*s->package_, *s->scenario_, used_seed, std::max(1, threads));
    s->record_.scenario = scenario_file.string();
    s->record_.scenario_name = s->scenario_->name;
    s->record_.seed = used_seed;
    s->replay_ = std::move(replay);
    for (const auto& pec : s->package_->pecs)
        if (s->world_->index_of(pec.number)) s->pecs_.push_back(&pec);
    if (s->pecs_.size() != s->world_->pec_count())
        return core::fail(fmt::format("the world has {} PECs but the package lists {} of them", s->world_->pec_count(), s->pecs_.size()));
    s->advance(start);
    // Loading and reaching `start` take seconds: the clock starts now, not when open() was called.
    s->clock_ = kernel::PacedClock(s->world_->now(), std::max(wall_now, std::chrono::steady_clock::now()));
    return s;
}

void DrillSession::advance(sim::Time t) {
    advance_world(t);
    refresh();
}

void DrillSession::advance_world(sim::Time t) {
    // A replayed action is applied at the very point of the event order where the instructor took
    // it: the world first reaches its `issued` time, exactly as in the recorded session.
    while (replay_ && replay_next_ < replay_->actions.size() && replay_->actions[replay_next_].issued <= t) {
        const auto& [issued, action] = replay_->actions[replay_next_++];
        world_->advance_to(issued, threads_);
        if (auto ok = act(action); !ok)
            notes_.push_back({world_->now(), action.pec, fmt::format("replay: action {} failed: {}", replay_next_ - 1, ok.error().message)});
    }
    world_->advance_to(t, threads_);
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

core::Result<void> DrillSession::act(sim::FaultAction action) {
    const sim::Time now = world_->now();
    if (action.at < now) action.at = now;
    if (auto ok = world_->apply(action); !ok) return ok;
    record_.actions.push_back({now, action});
    notes_.push_back({now, action.pec, describe(action)});
    return {};
}

core::Result<int> DrillSession::inject(const PecSelection& sel, sim::FaultAction action) {
    std::vector<std::size_t> chosen;
    switch (sel.scope) {
        case PecSelection::Scope::pec: {
            const auto i = world_->index_of(sel.pec);
            if (!i) return core::fail(fmt::format("PEC {} is not in this drill", sel.pec));
            chosen.push_back(*i);
            break;
        }
        case PecSelection::Scope::region:
        case PecSelection::Scope::share: {
            std::vector<std::size_t> pool;
            for (std::size_t i = 0; i < pecs_.size(); ++i)
                if (sel.region == 0 || pecs_[i]->region_code == sel.region) pool.push_back(i);
            if (pool.empty()) return core::fail(fmt::format("no PEC of region {} is in this drill", sel.region));
            if (sel.scope == PecSelection::Scope::region) {
                chosen = pool;
            } else {
                if (!(sel.share > 0.0 && sel.share <= 1.0)) return core::fail(fmt::format("share {} is not in (0, 1]", sel.share));
                // Partial Fisher-Yates on a stream keyed by the drill's seed and its action count.
                core::RandomStream r(record_.seed, kShareStream, record_.actions.size());
                const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(sel.share * static_cast<double>(pool.size()))));
                for (std::size_t k = 0; k < n; ++k) std::swap(pool[k], pool[k + r.below(pool.size() - k)]);
                chosen.assign(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n));
                std::sort(chosen.begin(), chosen.end());
            }
            break;
        }
    }
    int done = 0;
    std::string first_error;
    for (std::size_t i : chosen) {
        action.pec = pecs_[i]->number;
        if (auto ok = act(action); ok) ++done;
        else if (first_error.empty()) first_error = ok.error().message;
    }
    if (done == 0) return core::fail(first_error.empty() ? "no PEC chosen" : first_error);
    refresh();
    return done;
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
        if (v.state == sim::PecState::transmitted || v.state == sim::PecState::acknowledged) ++s.reports_transmitted;
        if (v.state == sim::PecState::acknowledged) ++s.reports_acknowledged;
        ++s.by_state[static_cast<std::size_t>(v.state)];
        hash = (hash ^ (v.active_faults * 2654435761ULL + i)) * 1099511628211ULL;
    }
    summary_ = s;
    const sim::Time now = world_->now();
    if (now >= scenario_->voting_close && (curve_.empty() || now >= curve_.back().at + core::kMinute))
        curve_.push_back({now, s.reports_printed, s.reports_transmitted});
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
