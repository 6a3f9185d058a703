// The election-day world (sim/world.hpp).
//
// Index of this file:
//   [SECTION] Building the world
//   [SECTION] Advancing
//   [SECTION] Trainees' actions
//   [SECTION] Views and results
#include "sim/world.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>
#include <atomic>
#include <deque>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <thread>

#include "devices/virtual_modem.hpp"
#include "sim/central_link.hpp"
#include "sim/help_desk.hpp"
#include "sim/identification_station.hpp"
#include "sim/pec_model.hpp"
#include "central/publication.hpp"
#include "sim/reconciler.hpp"
#include "sim/roll_voter_list.hpp"
#include "sim/support.hpp"
#include "station/usb_policy.hpp"

namespace sim {
namespace {

// The CEC's answer to a report reaches the PEC no sooner than a modem's base latency after the
// report arrived: the lookahead of the conservative synchronisation.
constexpr Time kLookahead = devices::VirtualModem::kBaseLatency;

std::vector<double> arrival_cdf(const Scenario& s) {
    std::vector<double> cdf;
    double total = 0;
    for (double w : s.arrival_weights) total += w;
    double run = 0;
    for (double w : s.arrival_weights) cdf.push_back((run += w) / total);
    if (!cdf.empty()) cdf.back() = 1.0;
    return cdf;
}

// Runs fn(i) for i in [0, n) on `threads` threads, the calling thread included. Each i is
// independent, so which thread runs it does not matter for the result; `tick(done, n)` is called
// on the calling thread at most ten times a second, and once at the end.
// Guided self-scheduling: a thread takes 1 / (4 x threads) of the items left (at least one), so a
// night round over thousands of PECs with nothing to do costs tens of atomic operations on the
// shared counters instead of thousands, while the last items still go one at a time and keep the
// threads balanced.
template <class Fn, class Tick>
void parallel_for(std::size_t n, int threads, Fn fn, Tick tick) {
    std::atomic<std::size_t> next{0}, done{0};
    const std::size_t share = 4 * static_cast<std::size_t>(std::max(1, threads));
    // Claims [begin, end); false when nothing is left.
    const auto claim = [&](std::size_t& begin, std::size_t& end) {
        std::size_t at = next.load(std::memory_order_relaxed);
        do {
            if (at >= n) return false;
            end = at + std::max<std::size_t>(1, (n - at) / share);
        } while (!next.compare_exchange_weak(at, end, std::memory_order_relaxed));
        begin = at;
        return true;
    };
    const auto run = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) fn(i);
        done.fetch_add(end - begin, std::memory_order_release);
    };
    auto worker = [&] {
        for (std::size_t begin, end; claim(begin, end);) run(begin, end);
    };
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads && static_cast<std::size_t>(t) < n; ++t) pool.emplace_back(worker);
    auto last = std::chrono::steady_clock::now();
    for (std::size_t begin, end; claim(begin, end);) {
        run(begin, end);
        if (const auto now = std::chrono::steady_clock::now(); now - last > std::chrono::milliseconds(100)) {
            tick(done.load(std::memory_order_acquire), n);
            last = now;
        }
    }
    pool.clear();  // joins
    tick(n, n);
}

}  // namespace

// [SECTION] Building the world

struct World::Shared {
    RollVoterList roll;
    SharedDay day;
    std::optional<CentralLink> link;  // made once the PECs' devices have their keys
    std::optional<SupportDay> support;
    std::optional<HelpDesk> desk;        // support: {help_desk: trainees}
    std::vector<DutyAlert> alerts;       // the duty officer's
    std::int64_t ingest_alerts_seen = 0;
    std::size_t observations_seen = 0;   // of the CEC link's observations (page and protocol checks)
    std::map<int, Incident> inboxes;     // PEC -> the phishing message waiting for its chair
    std::map<int, Time> called;          // PEC -> when the duty officer last phoned it (call_pec)
    std::map<int, std::deque<Incident>> pin_requests;  // PEC -> members asking its chair for a desk's PIN, oldest first
    std::map<int, std::deque<std::pair<Incident, std::string>>> usb_notices;  // PEC -> blocked USB devices waiting for its chair, oldest first
    Shared(const core::ElectionPackage& package, const Scenario& scenario, std::uint64_t seed, Hardware hardware)
        : roll(package),
          day{package, scenario, seed, IntentModel(package, scenario, seed), arrival_cdf(scenario), roll, std::move(hardware.readers),
              std::move(hardware.scanners), std::move(hardware.modems)} {}
    /// A new alert on the duty officer's screen, numbered in turn.
    void alert(Time at, int pec, std::string text) {
        alerts.push_back({static_cast<int>(alerts.size()) + 1, at, pec, std::move(text), "", -1});
    }
};

World::World(const core::ElectionPackage& package, const Scenario& scenario, std::uint64_t seed, int threads,
             Hardware hardware)
    : package_(package), scenario_(scenario), seed_(seed),
      shared_(std::make_unique<Shared>(package, scenario, seed, std::move(hardware))) {
    if (auto checked = check_hardware(package, scenario, {shared_->day.external_readers, shared_->day.external_scanners,
                                                            shared_->day.external_modems}); !checked)
        throw std::invalid_argument("sim::World: " + checked.error().message);
    // Region names are resolved by sim::bind_to_package; a World of an unbound scenario would
    // quietly simulate more regions than the file says.
    bool bound = scenario.only_regions.size() == scenario.only_region_refs.size();
    for (const auto& rule : scenario.faults) bound = bound && rule.regions.size() == rule.region_refs.size();
    if (!bound) throw std::logic_error("sim::World: the scenario names regions it was not bound to (call sim::bind_to_package)");
    // Where each package PEC the scenario simulates goes in pecs_ (package order); kLeftOut for the others.
    constexpr std::size_t kLeftOut = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> place(package.pecs.size(), kLeftOut);
    std::size_t chosen = 0;
    for (std::size_t i = 0; i < package.pecs.size(); ++i)
        if (simulated(scenario, package.pecs[i])) place[i] = chosen++;
    pecs_.resize(chosen);
    // One pass on the run's threads builds the PECs and the CEC's registry of device keys: the public
    // keys the PECs' devices hold; those of PECs the scenario leaves out are derived the same way.
    std::vector<std::array<core::PublicKey, 3>> keys(package.pecs.size());
    parallel_for(
        package.pecs.size(), threads,
        [&](std::size_t i) {
            const core::Pec& pec = package.pecs[i];
            if (place[i] != kLeftOut) {
                pecs_[place[i]] = std::make_unique<PecModel>(shared_->day, pec);
                keys[i] = pecs_[place[i]]->public_keys();
                return;
            }
            for (std::size_t r = 0; r < 3; ++r)
                keys[i][r] = core::derive_device_keys(core::kSimulatedDeviceSecret, core::device_id(pec.number, core::kDeviceRoles[r])).public_key;
        },
        [](std::size_t, std::size_t) {});
    shared_->link.emplace(package, core::make_device_key_registry(package, keys), ":memory:");
    shared_->link->set_outages(scenario.cec_down);
    plan_support();
}

void World::plan_support() {
    // Every call is known before the day (the scenario's faults are planned), so the support
    // organisation's day runs first, on one thread, and each PEC gets its outcomes back.
    if (!package_.support || scenario_.support.off) return;
    std::vector<SupportCall> calls;
    for (const auto& p : pecs_) calls.insert(calls.end(), p->support_calls().begin(), p->support_calls().end());
    if (scenario_.support.trainees) {
        // Trainees answer the calls as they ring (World::act); nothing is decided before the day.
        shared_->desk.emplace(*package_.support, scenario_.support, std::move(calls), seed_);
        return;
    }
    shared_->support = dispatch_support(*package_.support, scenario_.support, std::move(calls), seed_);
    const SupportDay& day = *shared_->support;
    for (std::size_t i = 0; i < day.calls.size(); ++i) {
        const SupportOutcome& o = day.outcomes[i];
        const auto pec = index_of(day.calls[i].pec);
        if (!pec) continue;
        pecs_[*pec]->support_resolved(day.calls[i], o, o.base >= 0 ? package_.support->bases[static_cast<std::size_t>(o.base)].name : "");
    }
}

World::~World() = default;

// [SECTION] Advancing

void World::run_to_end(int threads, const std::function<void(std::size_t, std::size_t)>& progress) {
    advance(kNightHorizon, threads, progress);
    Time end = std::max(now_, core::at(24, 0));
    for (const auto& p : pecs_) end = std::max(end, p->reported_at());
    shared_->link->finish(end);
    now_ = end;
}

void World::advance_to(Time t, int threads) {
    if (t <= now_) return;
    advance(t, threads, {});
    for (auto& p : pecs_) p->run_until(t);  // nothing left at or before t: only sets each PEC's clock
    now_ = t;
}

void World::advance(Time limit, int threads, const std::function<void(std::size_t, std::size_t)>& progress) {
    // Every PEC on its own, in parallel, as far as it can go without an answer from the CEC; what
    // its modem delivered is prechecked (Ed25519) there too, as a server's connection threads do.
    std::vector<std::vector<CentralLink::Arrival>> delivered(pecs_.size());
    std::vector<char> worked(pecs_.size());
    auto run_pecs = [&](const std::function<void(std::size_t, std::size_t)>& tick) {
        parallel_for(
            pecs_.size(), threads,
            [&](std::size_t i) {
                const auto before = pecs_[i]->events();
                pecs_[i]->run_until_waiting_for_cec(kLookahead, limit);
                worked[i] = pecs_[i]->events() != before;
                delivered[i] = shared_->link->precheck(pecs_[i]->take_outbox());
            },
            [&](std::size_t done, std::size_t total) {
                if (tick) tick(done, total);
            });
    };
    // 1. The day.
    run_pecs(progress);
    // 2. The night: the CEC handles deliveries in time order (taken in PEC order, so the result does
    // not depend on the threads), PECs receive answers and go on.
    for (;;) {
        std::optional<Time> earliest_send;
        for (std::size_t i = 0; i < pecs_.size(); ++i) {
            shared_->link->accept(*pecs_[i], std::move(delivered[i]));
            delivered[i].clear();
            if (const auto next = pecs_[i]->next_event(); next && *next <= limit)
                earliest_send = earliest_send ? std::min(*earliest_send, *next) : *next;
        }
        Time safe = earliest_send ? *earliest_send + kLookahead : std::numeric_limits<Time>::max();
        if (limit < std::numeric_limits<Time>::max()) safe = std::min(safe, limit + 1);
        const bool cec_worked = shared_->link->advance(safe);
        run_pecs({});
        const bool pec_worked = std::find(worked.begin(), worked.end(), char{1}) != worked.end();
        if (!cec_worked && !pec_worked) break;
    }
}

std::optional<Time> World::next_event_time() const {
    std::optional<Time> next = shared_->link->next_work();
    for (const auto& p : pecs_)
        if (const auto t = p->next_event()) next = next ? std::min(*next, *t) : *t;
    return next;
}

core::Result<void> World::apply(const FaultAction& action) {
    const auto i = index_of(action.pec);
    if (!i) return core::fail(fmt::format("no PEC {} in this run", action.pec));
    if (action.at < now_) return core::fail(fmt::format("PEC {}: that time is already past", action.pec));
    if (action.call_support && !shared_->desk)
        return core::fail("the help desk is not played by trainees in this drill (scenario support: {help_desk: trainees}): give the fault a duration");
    if (auto ok = pecs_[*i]->apply(action); !ok) return ok;
    if (action.call_support) shared_->desk->add_call(pecs_[*i]->support_calls().back());
    return {};
}

core::Result<void> World::apply(const Incident& incident) {
    if (incident.kind == IncidentKind::phishing) {
        const auto i = index_of(incident.pec);
        if (!i) return core::fail(fmt::format("no PEC {} in this run", incident.pec));
        if (!shared_->inboxes.emplace(incident.pec, incident).second)
            return core::fail(fmt::format("PEC {}'s chair has a phishing message waiting already", incident.pec));
        pecs_[*i]->note_from_outside("the chair's inbox: " + phishing_text(incident));
        return {};
    }
    if (incident.kind == IncidentKind::usb_device) return plug_usb(incident);
    if (incident.kind == IncidentKind::pin_request || incident.kind == IncidentKind::desk_break) return desk_incident(incident);
    if (incident.kind == IncidentKind::flood) return shared_->link->start_flood(incident, now_);
    if (incident.kind == IncidentKind::display_error) {
        if (shared_->link->display_error()) return core::fail("the public page already shows a display error");
        shared_->link->set_display_error(true, now_);
        return {};
    }
    if (!index_of(incident.pec)) return core::fail(fmt::format("no PEC {} in this run", incident.pec));
    if (auto ok = shared_->link->arm(incident, now_); !ok) return core::fail(fmt::format("{}: {}", describe(incident), ok.error().message));
    return {};
}

Time World::wrong_on_page(int pec, Time from, Time to) const { return shared_->link->wrong_on_page(pec, from, to); }

std::int64_t World::connections_cut() const { return shared_->link->connections_cut(); }

Time World::page_unreachable(Time from, Time to) const { return shared_->link->page_unreachable(from, to); }

std::optional<std::string> World::inbox(int pec) const {
    const auto it = shared_->inboxes.find(pec);
    if (it == shared_->inboxes.end()) return std::nullopt;
    return phishing_text(it->second);
}

core::Result<std::string> World::inbox_act(const TraineeAction& a) {
    const auto it = shared_->inboxes.find(a.pec);
    if (it == shared_->inboxes.end()) return core::fail(fmt::format("PEC {}'s chair has no message waiting", a.pec));
    const Incident message = it->second;
    shared_->inboxes.erase(it);
    std::string said;
    if (a.what == TraineeDo::report_phishing) {
        said = "the message reported to the CEC";
        shared_->alert(now_, a.pec, fmt::format("PEC {}'s chair {} reports a phishing message asking for the key file of '{}-arbb-{}': "
                                                "warn every PEC, and revoke the key if anyone sent it",
                                                a.pec, a.trainee, a.pec, message.box + 1));
    } else {
        // The key file reaches the sender: from now on they can sign as the box (a stolen_key attack).
        if (auto armed = shared_->link->arm({.kind = IncidentKind::stolen_key, .pec = a.pec, .box = message.box}, now_); !armed)
            return std::unexpected(armed.error());
        said = fmt::format("the key file of '{}-arbb-{}' uploaded to the sender", a.pec, message.box + 1);
    }
    pecs_[*index_of(a.pec)]->note_from_outside(fmt::format("PEC chair {}: {}", a.trainee, said));
    return said;
}

// A USB device plugged into one of the PEC's machines: the machine's own USBGuard policy (the
// package's usb/station.conf or usb/arbb.conf, station::UsbPolicy) decides.
core::Result<void> World::plug_usb(const Incident& incident) {
    const auto i = index_of(incident.pec);
    if (!i) return core::fail(fmt::format("no PEC {} in this run", incident.pec));
    const auto device = usb_device(incident.usb);
    if (!device) return core::fail(fmt::format("'{}' is neither a named USB device nor a description starting with 'id '", incident.usb));
    const bool laptop = incident.box == kStationLaptop;
    const auto policy = station::UsbPolicy::load((scenario_.package_dir / "usb" / (laptop ? "station.conf" : "arbb.conf")).string());
    if (!policy) return std::unexpected(policy.error());
    const auto decision = policy->decide(device->description);
    if (!decision) return std::unexpected(decision.error());
    const std::string machine = laptop ? "the identification station's laptop" : fmt::format("the {} ARBB", incident.box == 0 ? "party-list" : "district");
    const std::string verdict = decision->line == 0 ? std::string("blocked: no rule of its policy allows it")
                                                    : fmt::format("{} by rule {} of its policy ({})", decision->allowed ? "allowed" : "blocked",
                                                                  decision->line, decision->rule);
    const std::string notice = fmt::format("USB device {} plugged into {}: {}", device->description, machine, verdict);
    pecs_[*i]->note_from_outside(notice);
    if (!decision->allowed) {
        shared_->usb_notices[incident.pec].emplace_back(incident, notice);
        return {};
    }
    if (device->payload) return usb_payload(incident);
    return {};
}

// What a USB device with a payload does once allowed: on an ARBB it copies the box's key file out
// (a stolen_key attack follows the box's final report); on the station's laptop it encrypts the
// biometric software (desk 1's fingerprint reader and webcam dead: the desk goes to the paper list).
core::Result<void> World::usb_payload(const Incident& incident) {
    const auto i = *index_of(incident.pec);
    if (incident.box != kStationLaptop) {
        if (auto armed = shared_->link->arm({.kind = IncidentKind::stolen_key, .pec = incident.pec, .box = incident.box}, now_); !armed)
            return std::unexpected(armed.error());
        pecs_[i]->note_from_outside(fmt::format("the device copies the key file of '{}-arbb-{}' out", incident.pec, incident.box + 1));
        return {};
    }
    for (const auto target : {FaultTarget::fingerprint_scanner, FaultTarget::webcam})
        if (auto ok = pecs_[i]->apply(FaultAction{.at = now_, .pec = incident.pec, .target = target, .unit = 0, .fault = devices::Fault::dead}); !ok)
            return ok;
    pecs_[i]->note_from_outside("the device encrypts the station's biometric software: desk 1's fingerprint reader and webcam stop");
    return {};
}

std::optional<World::UsbNotice> World::usb_notice(int pec) const {
    const auto it = shared_->usb_notices.find(pec);
    if (it == shared_->usb_notices.end()) return std::nullopt;
    return UsbNotice{it->second.front().first.box, it->second.front().second};
}

core::Result<std::string> World::device_act(const TraineeAction& a) {
    // The oldest notice of the machine the action names.
    const auto none = [&] { return core::fail(fmt::format("no blocked USB device waits at PEC {}'s {}", a.pec, host_name(a.box))); };
    const auto it = shared_->usb_notices.find(a.pec);
    if (it == shared_->usb_notices.end()) return none();
    auto& waiting = it->second;
    const auto notice = std::find_if(waiting.begin(), waiting.end(), [&](const auto& n) { return n.first.box == a.box; });
    if (notice == waiting.end()) return none();
    const Incident incident = notice->first;
    waiting.erase(notice);
    if (waiting.empty()) shared_->usb_notices.erase(it);
    std::string said;
    if (a.what == TraineeDo::report_device) {
        said = "the blocked USB device reported to the CEC";
        shared_->alert(now_, a.pec, fmt::format("PEC {}'s chair {} reports a USB device ({}) plugged into its {} and blocked by the "
                                                "machine's policy: find who brought it, and have the machine checked",
                                                a.pec, a.trainee, incident.usb, incident.box == kStationLaptop ? "identification station" : "ARBB"));
    } else {
        said = "the block overridden: the USB device works";
        if (usb_device(incident.usb)->payload)
            if (auto ran = usb_payload(incident); !ran) return std::unexpected(ran.error());
    }
    pecs_[*index_of(a.pec)]->note_from_outside(fmt::format("PEC chair {}: {}", a.trainee, said));
    return said;
}

// A desk incident: a member asks the chair for an operator's PIN, or an operator leaves her desk
// open for a break (PecModel::start_break: what happens at the desk is the PEC's).
core::Result<void> World::desk_incident(const Incident& incident) {
    const auto i = index_of(incident.pec);
    if (!i) return core::fail(fmt::format("no PEC {} in this run", incident.pec));
    if (incident.kind == IncidentKind::desk_break) {
        auto said = pecs_[*i]->start_break(incident.desk, incident.away, incident.ballots);
        if (!said) return core::fail(fmt::format("{}: {}", describe(incident), said.error().message));
        return {};
    }
    auto name = pecs_[*i]->guard_desk(incident.desk);
    if (!name) return core::fail(fmt::format("{}: {}", describe(incident), name.error().message));
    shared_->pin_requests[incident.pec].push_back(incident);
    pecs_[*i]->note_from_outside(fmt::format("a commission member asks the chair for the PIN of {}, the operator of desk {}", *name, incident.desk + 1));
    return {};
}

std::optional<World::DeskNotice> World::desk_notice(int pec) const {
    const auto i = index_of(pec);
    if (!i) return std::nullopt;
    const auto access = pecs_[*i]->desk_access();
    if (const auto it = shared_->pin_requests.find(pec); it != shared_->pin_requests.end()) {
        const Incident& request = it->second.front();
        const auto desk = std::find_if(access.begin(), access.end(), [&](const auto& d) { return d.desk == request.desk; });
        return DeskNotice{request.desk, true, pin_request_text(request, desk == access.end() ? "its operator" : desk->operator_name)};
    }
    for (const auto& d : access)
        if (d.away && d.open)
            return DeskNotice{d.desk, false, fmt::format("{}, the operator of desk {}, is on her break until {}; her session on the desk is still open.",
                                                         d.operator_name, d.desk + 1, core::clock_time(d.back, core::ClockText::minutes))};
    return std::nullopt;
}

core::Result<std::string> World::pin_act(const TraineeAction& a) {
    const auto it = shared_->pin_requests.find(a.pec);
    if (it == shared_->pin_requests.end()) return core::fail(fmt::format("no one at PEC {} is asking for a PIN", a.pec));
    auto& waiting = it->second;
    const auto asked = std::find_if(waiting.begin(), waiting.end(), [&](const Incident& r) { return r.desk == a.unit; });
    if (asked == waiting.end()) return core::fail(fmt::format("no one at PEC {} is asking for desk {}'s PIN", a.pec, a.unit + 1));
    waiting.erase(asked);
    if (waiting.empty()) shared_->pin_requests.erase(it);
    std::string said;
    if (a.what == TraineeDo::refuse_pin) {
        said = fmt::format("the PIN of desk {} refused and the request reported to the CEC", a.unit + 1);
        shared_->alert(now_, a.pec, fmt::format("PEC {}'s chair {} reports a commission member who asked for the PIN of desk {}'s operator "
                                                "to use the desk himself: have the DEC speak to him, and tell the chair to lock the desks at every break",
                                                a.pec, a.trainee, a.unit + 1));
    } else {
        pecs_[*index_of(a.pec)]->tell_pin(a.unit);
        said = fmt::format("the PIN of desk {} told to the member who asked", a.unit + 1);
    }
    pecs_[*index_of(a.pec)]->note_from_outside(fmt::format("PEC chair {}: {}", a.trainee, said));
    return said;
}

// [SECTION] Trainees' actions

core::Result<std::string> World::act(const TraineeAction& action) {
    duty_alerts();  // the ingest's alerts up to now first, so alert numbers do not depend on who looked when
    switch (role_of(action.what)) {
        case TraineeRole::help_desk: return desk_act(action);
        case TraineeRole::duty_officer: return officer_act(action);
        case TraineeRole::pec_chair: break;
    }
    const auto i = index_of(action.pec);
    if (!i) return core::fail(fmt::format("no PEC {} in this run", action.pec));
    if (action.what == TraineeDo::report_phishing || action.what == TraineeDo::follow_link) return inbox_act(action);
    if (action.what == TraineeDo::report_device || action.what == TraineeDo::allow_device) return device_act(action);
    if (action.what == TraineeDo::refuse_pin || action.what == TraineeDo::give_pin) return pin_act(action);
    return pecs_[*i]->chair_act(action);
}

core::Result<std::string> World::desk_act(const TraineeAction& a) {
    if (!shared_->desk) return core::fail("the help desk is not played by trainees in this drill (scenario support: {help_desk: trainees})");
    HelpDesk& desk = *shared_->desk;
    core::Result<DeskDecision> d = core::fail("?");
    switch (a.what) {
        case TraineeDo::take_call: d = desk.take_call(a.ticket, now_, a.trainee); break;
        case TraineeDo::guide: d = desk.guide(a.ticket, now_); break;
        case TraineeDo::dispatch_crew: d = desk.dispatch_crew(a.ticket, a.base, now_); break;
        case TraineeDo::send_spare: d = desk.send_spare(a.ticket, a.base, now_); break;
        case TraineeDo::escalate: d = desk.escalate(a.ticket, now_); break;
        case TraineeDo::close_ticket: d = desk.close_ticket(a.ticket, now_); break;
        default: return core::fail(fmt::format("{} is not a help desk action", to_string(a.what)));
    }
    if (!d) return std::unexpected(d.error());
    const SupportCall& call = desk.day().calls[static_cast<std::size_t>(a.ticket) - 1];
    const auto pec = index_of(call.pec);
    if (pec) {
        pecs_[*pec]->note_from_outside(fmt::format("help desk {}: {}", a.trainee, d->said));
        if (d->call) {
            const SupportOutcome& o = desk.day().outcomes[*d->call];
            pecs_[*pec]->support_resolved(call, o, o.base >= 0 ? desk.organisation().bases[static_cast<std::size_t>(o.base)].name : "");
        }
    }
    if (a.what == TraineeDo::escalate)
        shared_->alert(now_, call.pec, fmt::format("help desk {}: {}", a.trainee, d->said));
    return d->said;
}

core::Result<std::string> World::officer_act(const TraineeAction& a) {
    std::string said;
    switch (a.what) {
        case TraineeDo::acknowledge: {
            if (a.alert < 1 || a.alert > std::ssize(shared_->alerts))
                return core::fail(fmt::format("no alert {} (the duty officer has {})", a.alert, shared_->alerts.size()));
            DutyAlert& alert = shared_->alerts[static_cast<std::size_t>(a.alert) - 1];
            if (!alert.acknowledged_by.empty())
                return core::fail(fmt::format("alert {} was acknowledged by {} already", a.alert, alert.acknowledged_by));
            alert.acknowledged_by = a.trainee;
            alert.acknowledged_at = now_;
            said = fmt::format("alert {} acknowledged", a.alert);
            break;
        }
        case TraineeDo::hold: case TraineeDo::release: {
            // The CEC's own operator action (central::Ingest::apply): durable, audited, and what the
            // published results leave out.
            if (!index_of(a.pec)) return core::fail(fmt::format("no PEC {} in this run", a.pec));
            const bool hold = a.what == TraineeDo::hold;
            auto applied = shared_->link->apply({.what = hold ? central::OperatorDo::hold : central::OperatorDo::release,
                                                          .pec = a.pec, .by = a.trainee.empty() ? "duty officer" : a.trainee,
                                                          .reason = "the duty officer's decision in a drill", .at = now_});
            if (!applied) return core::fail(applied.error().message);
            said = fmt::format("PEC {}'s figures {} publication", a.pec, hold ? "held back from" : "released for");
            break;
        }
        case TraineeDo::revoke: {
            if (!index_of(a.pec)) return core::fail(fmt::format("no PEC {} in this run", a.pec));
            const std::string device = core::device_id(a.pec, a.box == 0 ? core::DeviceRole::arbb_party_list : core::DeviceRole::arbb_district);
            auto applied = shared_->link->apply({.what = central::OperatorDo::revoke, .device = device, .pec = a.pec,
                                                 .by = a.trainee.empty() ? "duty officer" : a.trainee,
                                                 .reason = "the duty officer's decision in a drill", .at = now_});
            if (!applied) return core::fail(applied.error().message);
            said = fmt::format("the key of '{}' revoked: its reports are refused, PEC {}'s figures wait for review", device, a.pec);
            break;
        }
        case TraineeDo::call_pec: case TraineeDo::accept: {
            auto done = review_act(a);
            if (!done) return done;
            said = std::move(*done);
            break;
        }
        case TraineeDo::correct_page:
            if (!shared_->link->display_error()) return core::fail("the public page shows the store's figures: nothing to correct");
            shared_->link->set_display_error(false, now_);
            said = "the public page rebuilt from the store";
            break;
        case TraineeDo::restrict_ingest:
            if (!shared_->link->restrict_ingest(now_)) return core::fail("the ingest takes connections only from the modems' networks already");
            said = fmt::format("the ingest takes connections only from the modems' networks ({}): others are closed at accept", kModemNetwork);
            break;
        default: return core::fail(fmt::format("{} is not a duty officer's action", to_string(a.what)));
    }
    if (const auto pec = index_of(a.pec)) pecs_[*pec]->note_from_outside(fmt::format("duty officer {}: {}", a.trainee, said));
    return said;
}

core::Result<std::string> World::review_act(const TraineeAction& a) {
    if (!index_of(a.pec)) return core::fail(fmt::format("no PEC {} in this run", a.pec));
    if (a.what == TraineeDo::call_pec) {
        shared_->called[a.pec] = now_;
        return shared_->link->call_pec(a.pec);
    }
    // accept: the box's report the printed protocol confirms, read out on a call since the revocation.
    const std::string device = core::device_id(a.pec, a.box == 0 ? core::DeviceRole::arbb_party_list : core::DeviceRole::arbb_district);
    const auto& oversight = shared_->link->ingest().oversight();
    const auto revoked = std::find_if(oversight.revoked.begin(), oversight.revoked.end(),
                                      [&](const central::OperatorAction& r) { return r.device == device; });
    if (revoked == oversight.revoked.end())
        return core::fail(fmt::format("the key of '{}' is not revoked: its reports count as they are", device));
    const auto called = shared_->called.find(a.pec);
    if (called == shared_->called.end() || called->second < revoked->at)
        return core::fail(fmt::format("call PEC {} first (call_pec): only the protocol its ARBB printed tells which stored report is genuine", a.pec));
    const auto sequence = shared_->link->confirmed_final(device);
    if (!sequence)
        return core::fail(fmt::format("no report stored from '{}' matches the protocol it printed: its results must reach the CEC "
                                      "another way (not built: the DEC's manual entry)", device));
    auto applied = shared_->link->apply({.what = central::OperatorDo::accept, .device = device, .pec = a.pec, .sequence = *sequence,
                                         .by = a.trainee.empty() ? "duty officer" : a.trainee,
                                         .reason = "the PEC's printed protocol, read out by its chair on the phone", .at = now_});
    if (!applied) return core::fail(applied.error().message);
    return fmt::format("report {} of '{}' accepted as the box's result (it matches the printed protocol){}", *sequence, device,
                       shared_->link->ingest().oversight().is_withheld(a.pec)
                           ? fmt::format("; PEC {} stays off the page until its other revoked box has one too, or a release", a.pec)
                           : fmt::format("; PEC {}'s figures are published again", a.pec));
}

const HelpDesk* World::help_desk() const { return shared_->desk ? &*shared_->desk : nullptr; }

const std::vector<DutyAlert>& World::duty_alerts() {
    // The ingest's new alerts and the link's new observations, merged in time order (the ingest's
    // first at equal times): both hold everything up to now(), so the numbering does not depend on
    // when anyone looked.
    const auto& ingest = shared_->link->ingest();
    const std::int64_t total = ingest.counters().alerts;
    const auto& kept = ingest.alerts();
    const auto fresh = static_cast<std::size_t>(std::min<std::int64_t>(total - shared_->ingest_alerts_seen, std::ssize(kept)));
    const auto& seen = shared_->link->observations();
    std::size_t k = kept.size() - fresh, o = shared_->observations_seen;
    while (k < kept.size() || o < seen.size()) {
        const bool take_ingest = o == seen.size() || (k < kept.size() && kept[k].at <= seen[o].at);
        const Time at = take_ingest ? kept[k].at : seen[o].at;
        const int pec = take_ingest ? kept[k].pec : seen[o].pec;
        const std::string& text = take_ingest ? kept[k++].text : seen[o++].text;
        shared_->alert(at, pec, text);
    }
    shared_->ingest_alerts_seen = total;
    shared_->observations_seen = seen.size();
    return shared_->alerts;
}

const std::vector<int>& World::held_pecs() const { return shared_->link->ingest().oversight().held; }

// [SECTION] Views and results

PecView World::view(std::size_t i) const { return pecs_[i]->view(); }

PecDetail World::detail(std::size_t i) const { return pecs_[i]->detail(); }

std::optional<std::size_t> World::index_of(int pec_number) const {
    auto it = std::lower_bound(pecs_.begin(), pecs_.end(), pec_number,
                               [](const std::unique_ptr<PecModel>& p, int n) { return p->pec().number < n; });
    if (it == pecs_.end() || (*it)->pec().number != pec_number) return std::nullopt;
    return static_cast<std::size_t>(it - pecs_.begin());
}

std::vector<LogEntry> World::log(int pec, std::size_t limit) const {
    // Every PEC's log is in time order; only the newest `limit` entries are copied. Entries are
    // ordered by time, then PEC, then their order in the PEC's log (addresses within one log rise).
    std::vector<const LogEntry*> all;
    for (const auto& p : pecs_) {
        if (pec != 0 && p->pec().number != pec) continue;
        for (const auto& e : p->log()) all.push_back(&e);
    }
    const auto newer = [](const LogEntry* a, const LogEntry* b) {
        if (a->at != b->at) return a->at > b->at;
        if (a->pec != b->pec) return a->pec > b->pec;
        return a > b;
    };
    const std::size_t keep = std::min(limit, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), newer);
    std::vector<LogEntry> out;
    out.reserve(keep);
    for (std::size_t i = keep; i-- > 0;) out.push_back(*all[i]);
    return out;
}

RunResults World::results() const {
    RunResults r;
    r.scenario = scenario_.name;
    r.package = package_.name;
    r.seed = seed_;
    r.voting_open = scenario_.voting_open;
    r.voting_close = scenario_.voting_close;
    r.hours_from = hour_of(scenario_.voting_open);
    r.until = now_;
    r.pecs.reserve(pecs_.size());
    for (const auto& p : pecs_) {
        r.pecs.push_back(p->result(now_));
        r.events += r.pecs.back().events;
    }
    auto& link = *shared_->link;
    r.central.counters = link.ingest().counters();
    r.central.alerts = link.ingest().counters().alerts;
    r.central.unreachable = link.unreachable();
    auto stored = link.store().reports();
    const auto& oversight = link.ingest().oversight();
    const bool all_published = oversight.held.empty() && oversight.under_review.empty() && oversight.accepted.empty();
    if (auto agg = all_published ? central::aggregate(package_, stored) : central::aggregate(package_, stored, oversight))
        r.central.results = std::move(*agg);
    else r.central.aggregation_error = agg.error().message;
    r.central.reconciliation = reconcile(r, stored);
    r.support = shared_->desk ? std::optional<SupportDay>(shared_->desk->day()) : shared_->support;
    r.central.held = oversight.held;
    if (r.central.results) {
        // What the public page would show: the published document as a browser receives it.
        auto published = nlohmann::json::parse(central::results_document(*r.central.results, package_).dump());
        if (scenario_.display_error == DisplayError::rows_shifted || link.display_error()) shift_party_rows(published);
        for (const auto& d : central::check_publication(*r.central.results, package_, published))
            r.central.reconciliation.push_back({0, "stored_vs_published", fmt::format("{}: stored {}, published {}", d.path, d.stored, d.published)});
        for (const auto& d : reconcile_published(r, package_, published)) r.central.reconciliation.push_back(d);
    }
    return r;
}

std::int64_t World::events() const {
    std::int64_t n = 0;
    for (const auto& p : pecs_) n += p->events();
    return n;
}

}  // namespace sim
