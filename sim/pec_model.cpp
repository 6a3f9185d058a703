#include "sim/pec_model.hpp"

// Index of this file:
//   [SECTION] Construction
//   [SECTION] The PEC chair's actions
//   [SECTION] Desk access: logins, breaks, intruders
//   [SECTION] Day
//   [SECTION] Transmission
//   [SECTION] Views

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <optional>

#include "core/device_keys.hpp"
#include "sim/hardware.hpp"
#include "sim/identification_station.hpp"
#include "sim/world.hpp"

namespace sim {
namespace {

// Purposes of the PEC's random streams (keys next to the seed and PEC number).
enum : std::uint64_t { kTurnout = 1, kArrivals, kService, kIntent, kOpening, kFaults, kDevices, kPace, kPatience, kTurnedAway, kLateOpening,
                        kDeskPins, kIntruder };

constexpr double kQueueBuilding = 10;  // console: a PEC with this many waiting is "queue building"
constexpr double kRecentWeight = 0.2;  // weight of the latest identification in the queue's perceived pace
// The desk operators of a PEC with desk incidents, by desk.
constexpr std::array<std::string_view, 6> kOperators{"Aida", "Bermet", "Cholpon", "Dinara", "Elnura", "Gulnara"};

}  // namespace

// [SECTION] Construction

PecModel::PecModel(const SharedDay& day, const core::Pec& pec)
    : day_(day),
      pec_(pec),
      service_random_(day.seed, static_cast<std::uint64_t>(pec.number), kService),
      intent_random_(day.seed, static_cast<std::uint64_t>(pec.number), kIntent),
      queue_(engine_, 0),
      booths_(engine_, desks_at(day.scenario, pec) * day.scenario.booths_per_desk) {
    if (const DeskPace& p = day.scenario.desk_pace; p.sigma > 0 || p.median != 1.0) {
        core::RandomStream pace(day.seed, static_cast<std::uint64_t>(pec.number), kPace);
        result_.desk_pace = std::clamp(p.median * std::exp(p.sigma * pace.normal()), p.min, p.max);
    }
    const ServiceTimes& t = day.scenario.service;
    recent_service_s_ = (t.document.median_s + t.fingerprint.median_s + t.receipt.median_s) * result_.desk_pace;
    result_.number = pec.number;
    result_.region = pec.region_code;
    result_.district = pec.district;
    result_.registered = pec.registered;
    build_station();
    const core::District* district = day.package.find_district(pec.district);
    add_boxes(district);
    listen_to_faults();
    result_.truth.party.assign(day.package.parties.size() + 1, 0);
    result_.truth.district.assign(district ? district->candidates.size() + 1 : 1, 0);
    plan_opening();
    plan_voters();
    plan_faults();
    plan_hourly_figures();
}

void PecModel::build_station() {
    const SharedDay& day = day_;
    const core::Pec& pec = pec_;
    desks_ = std::make_unique<IdentificationStation>(day, pec, engine_,
                                                     core::RandomStream(day.seed, static_cast<std::uint64_t>(pec.number), kDevices));
    power_ = std::make_unique<devices::VirtualPowerSupply>(fmt::format("{}-ups", pec.number));
    modem_ = std::make_unique<devices::VirtualModem>(fmt::format("{}-modem", pec.number),
                                                     core::RandomStream(day.seed, static_cast<std::uint64_t>(pec.number), kDevices, 200));
    for (ExternalModem* e : day.external_modems)
        if (e->pec == pec.number) linked_modem_ = std::make_unique<LinkedModem>(*modem_, *e);
    transmitter_ = std::make_unique<station::Transmitter>(linked_modem_ ? static_cast<devices::Modem&>(*linked_modem_) : *modem_, engine_);
    // Each reporting device holds its own key pair (derived as in a provisioned device).
    std::array<core::DeviceKeyPair, 3> keys;
    for (std::size_t r = 0; r < keys.size(); ++r)
        keys[r] = core::derive_device_keys(core::kSimulatedDeviceSecret, core::device_id(pec.number, core::kDeviceRoles[r]));
    station_ = std::make_unique<station::PollingStation>(day.package.name, pec.number, pec.registered, keys, *transmitter_, engine_);
    for (int d = 0; d < desks_->desks(); ++d) station_->add_desk(desks_->desk(d));
    for (const station::IdentificationDesk* d : desks_->bound_desks()) station_->add_desk(*d);
}

void PecModel::add_boxes(const core::District* district) {
    const SharedDay& day = day_;
    const core::Pec& pec = pec_;
    std::vector<int> list_sizes;
    for (const auto& p : day.package.parties) list_sizes.push_back(static_cast<int>(p.list.size()));
    for (int b = 0; b < 2; ++b) {
        if (b == 1 && district == nullptr) break;  // abroad: single constituency only
        const bool party = b == 0;
        const int options = party ? static_cast<int>(day.package.parties.size()) : static_cast<int>(district->candidates.size());
        Box& box = boxes_[b];
        const std::string id = core::device_id(pec.number, party ? core::DeviceRole::arbb_party_list : core::DeviceRole::arbb_district);
        box.scanner = std::make_unique<devices::VirtualBallotScanner>(
            id, options, core::RandomStream(day.seed, static_cast<std::uint64_t>(pec.number), kDevices, 100 + b));
        box.printer = std::make_unique<devices::VirtualPrinter>(id + "-printer");
        for (ExternalBallotScanner* e : day.external_scanners)
            if (e->pec == pec.number && e->box == b) box.external = e;
        if (box.external) {
            box.external->clock.follow(&engine_);
            box.switched = std::make_unique<SwitchedBallotScanner>(*box.scanner, *box.external->scanner);
        }
        devices::BallotScanner& reads = box.switched ? static_cast<devices::BallotScanner&>(*box.switched) : *box.scanner;
        box.box = std::make_unique<station::BallotBox>(pec.number, party ? core::BoxKind::party_list : core::BoxKind::district,
                                                       options, party ? list_sizes : std::vector<int>{}, reads,
                                                       *box.printer, *power_, engine_);
        station_->set_box(static_cast<std::size_t>(b), *box.box);
    }
}

void PecModel::plan_opening() {
    // The commission meets (calibration: 21.7 % before 07:00, 46.7 % 07:00-07:30, 31.7 % after),
    // shows the empty boxes and prints the zero reports 10-25 minutes later; voting opens at 08:00
    // or as soon as the zero reports are out.
    core::RandomStream opening(day_.seed, static_cast<std::uint64_t>(pec_.number), kOpening);
    const double u = opening.uniform();
    const Time meeting = u < 0.217 ? core::at(6, 30) + static_cast<Time>(opening.uniform() * 30 * core::kMinute)
                         : u < 0.684 ? core::at(7, 0) + static_cast<Time>(opening.uniform() * 30 * core::kMinute)
                                     : core::at(7, 30) + static_cast<Time>(opening.uniform() * 25 * core::kMinute);
    Time zero_reports = meeting + (10 + static_cast<Time>(opening.uniform() * 15)) * core::kMinute;
    // A commission that meets late (scenario `opening`): its own stream, so the others' draws stay.
    if (const LateOpening& late = day_.scenario.opening; late.late_share > 0) {
        core::RandomStream r(day_.seed, static_cast<std::uint64_t>(pec_.number), kLateOpening);
        if (r.bernoulli(late.late_share)) {
            const Time by = late.late_by + static_cast<Time>(r.uniform() * static_cast<double>(late.max_late_by - late.late_by));
            zero_reports += by;
            note(fmt::format("the commission meets {} min late", by / core::kMinute));
        }
    }
    engine_.at(zero_reports, [this] { open_station(); });
    engine_.at(day_.scenario.voting_close, [this] {
        voting_over_ = true;
        result_.in_queue_at_close = static_cast<std::int64_t>(queue_.queue_length());
        result_.mean_queue = queue_.time_avg_queue(engine_.now());
        maybe_close();
    });
}

PecModel::~PecModel() = default;

void PecModel::listen_to_faults() {
    // `device` names the device as results.json does; nullopt: by its kind (the desks' devices).
    auto listener = [this](std::optional<FaultDevice> device) {
        return [this, device](const devices::FaultEvent& e) {
            result_.fault_events += e.entered;
            faults_.record(device.value_or(fault_device_of(e.kind)), e);
            note(fmt::format("{} {} {}", e.device_id, e.entered ? "entered" : "left", devices::to_string(e.fault)));
        };
    };
    power_->on_fault(listener(FaultDevice::power));
    modem_->on_fault(listener(FaultDevice::modem));
    for (auto& box : boxes_) {
        if (box.scanner) box.scanner->on_fault(listener(FaultDevice::arbb)), box.printer->on_fault(listener(FaultDevice::arbb_printer));
        if (box.external) box.external->scanner->on_fault(listener(FaultDevice::arbb));
    }
    desks_->on_fault(listener(std::nullopt));
}

std::array<core::PublicKey, 3> PecModel::public_keys() const { return station_->public_keys(); }

void PecModel::plan_voters() {
    const auto& package = day_.package;
    const core::Region* region = package.find_region(pec_.region_code);
    core::RandomStream turnout(day_.seed, static_cast<std::uint64_t>(pec_.number), kTurnout);
    const double p = std::clamp(package.rules.turnout + (region ? region->turnout_bias : 0.0) +
                                    day_.scenario.turnout_sd_pec * turnout.normal(),
                                0.02, 0.95);
    core::RandomStream arrivals(day_.seed, static_cast<std::uint64_t>(pec_.number), kArrivals);
    // Who turns out, without a branch (a coin toss the branch predictor cannot learn): every voter's
    // index is written, the next one overwrites it unless the voter comes. One buffer per thread,
    // reused PEC after PEC; the PEC keeps only its sorted trips, sized exactly.
    thread_local std::vector<Trip> drawn;
    drawn.resize(static_cast<std::size_t>(std::max<std::int64_t>(pec_.registered, 0)));
    std::size_t coming = 0;
    for (std::int64_t i = 0; i < pec_.registered; ++i) {
        drawn[coming].voter = pec_.first_voter + i;
        coming += turnout.bernoulli(p);
    }
    // Arrival times from their own stream, one voter after another in roll order.
    for (std::size_t k = 0; k < coming; ++k) drawn[k].arrived = draw_arrival(arrivals);
    drawn.resize(coming);
    add_turned_away(drawn);
    trips_ = sort_by_arrival(drawn, day_.scenario.voting_open, day_.arrival_cdf.size());
    desks_->expect_voters(trips_.size());  // the register is sized once, not grown voter by voter
    if (!trips_.empty()) engine_.at(trips_[0].arrived, [this] { arrive(0); });
}

// An arrival time by the scenario's curve: the hour by its weight, then uniform inside the hour.
Time PecModel::draw_arrival(core::RandomStream& arrivals) const {
    const auto& cdf = day_.arrival_cdf;
    const std::size_t hour = upper_bound_index(cdf, arrivals.uniform());
    const Time t = day_.scenario.voting_open + static_cast<Time>(std::min(hour, cdf.size() - 1)) * core::kHour +
                   static_cast<Time>(arrivals.uniform() * static_cast<double>(core::kHour));
    return std::min(t, day_.scenario.voting_close - 1);
}

// The visitors the desk must turn away (scenario `turned_away`): of each kind a binomial number with
// the voters who come as trials (geometric gaps between successes), arriving by the same curve. One
// not on the list shows the document of a voter of another PEC; one without a document shows none.
void PecModel::add_turned_away(std::vector<Trip>& trips) const {
    const TurnedAway& ta = day_.scenario.turned_away;
    const auto voters = static_cast<double>(trips.size());
    const std::int64_t national = day_.package.registered();
    core::RandomStream r(day_.seed, static_cast<std::uint64_t>(pec_.number), kTurnedAway);
    for (const auto& [kind, p] : {std::pair{TurnedAwayKind::not_on_list, ta.not_on_list},
                                 std::pair{TurnedAwayKind::no_document, ta.no_document}}) {
        if (p <= 0.0 || national <= pec_.registered) continue;
        for (double at = 0.0;;) {
            at += 1.0 + std::floor(std::log(r.uniform_pos()) / std::log1p(-p));
            if (at > voters) break;
            // Someone of another PEC: an index of the national roll outside this PEC's range.
            auto person = static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(national - pec_.registered)));
            if (person >= pec_.first_voter) person += pec_.registered;
            trips.push_back({turned_away_visitor(kind, person), draw_arrival(r)});
        }
    }
}

std::vector<PecModel::Trip> PecModel::sort_by_arrival(std::span<const Trip> trips, Time open, std::size_t hours) {
    // The order of std::stable_sort by arrival time, in two cheaper steps: a counting sort by the
    // minute of arrival (stable), then a sort inside each minute by time and voter: a PEC's voters
    // spread over hundreds of minutes, so most minutes hold a few trips or none. The minute is a
    // non-decreasing function of the time, so equal times share a minute; the voters ascend in the
    // roll order, so ordering ties by voter keeps their roll order, without a stable sort's buffer.
    const std::size_t minutes = std::max<std::size_t>(hours, 1) * 60;
    auto minute_of = [open, minutes](const Trip& t) {
        return std::min(static_cast<std::size_t>(std::max<Time>(t.arrived - open, 0) / core::kMinute), minutes - 1);
    };
    std::vector<std::uint32_t> start(minutes + 1, 0);
    for (const Trip& t : trips) ++start[minute_of(t) + 1];
    for (std::size_t m = 0; m < minutes; ++m) start[m + 1] += start[m];
    std::vector<Trip> sorted(trips.size());
    std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
    for (const Trip& t : trips) sorted[next[minute_of(t)]++] = t;
    for (std::size_t m = 0; m < minutes; ++m)
        if (start[m + 1] - start[m] > 1)
            std::sort(sorted.begin() + start[m], sorted.begin() + start[m + 1],
                      [](const Trip& a, const Trip& b) { return a.arrived < b.arrived || (a.arrived == b.arrived && a.voter < b.voter); });
    return sorted;
}

void PecModel::plan_faults() {
    const auto& rules = day_.scenario.faults;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const FaultRule& rule = rules[i];
        core::RandomStream r(day_.seed, static_cast<std::uint64_t>(pec_.number), kFaults, i);
        if (!rule.pecs.empty()) {
            if (std::find(rule.pecs.begin(), rule.pecs.end(), pec_.number) == rule.pecs.end()) continue;
        } else {
            if (!rule.regions.empty() && std::find(rule.regions.begin(), rule.regions.end(), pec_.region_code) == rule.regions.end())
                continue;
            if (!rule.districts.empty() && std::find(rule.districts.begin(), rule.districts.end(), pec_.district) == rule.districts.end())
                continue;
            if (!r.bernoulli(rule.share)) continue;
        }
        FaultAction a;
        a.pec = pec_.number;
        a.at = rule.from + static_cast<Time>(r.uniform() * static_cast<double>(rule.to - rule.from));
        a.duration = rule.min_duration + static_cast<Time>(r.uniform() * static_cast<double>(rule.max_duration - rule.min_duration));
        a.target = rule.target;
        if (a.target == FaultTarget::arbb_any) a.target = r.bernoulli(0.5) || !boxes_[1].box ? FaultTarget::arbb_party_list : FaultTarget::arbb_district;
        a.unit = static_cast<int>(r.below(static_cast<std::uint64_t>(desks_->desks())));
        a.fault = rule.fault;
        a.severity = rule.severity;
        a.replace_arbb = rule.replace_arbb;
        if (support_ends(day_.scenario, day_.package, rule)) {
            // No drawn end: the fault lasts until support ends it (World hands the outcome back).
            const devices::DeviceKind kind = device_kind_of(a.target);
            support_calls_.push_back({.at = a.at, .pec = pec_.number, .region = pec_.region_code, .lat = pec_.lat, .lon = pec_.lon,
                                      .kind = kind, .fault = a.fault, .way = *support_way(kind, a.fault, a.replace_arbb), .stream = i});
            a.duration = 0;
            a.replace_arbb = false;
            support_actions_.push_back(a);
        }
        schedule_fault(a);
    }
}

void PecModel::support_resolved(const SupportCall& call, const SupportOutcome& outcome, std::string_view base) {
    const auto it = std::find_if(support_calls_.begin(), support_calls_.end(), [&](const SupportCall& c) { return c.stream == call.stream; });
    if (it == support_calls_.end()) return;
    const FaultAction& started = support_actions_[static_cast<std::size_t>(it - support_calls_.begin())];
    if (outcome.arrived >= 0)
        engine_.at(outcome.arrived, [this, base = std::string(base), called = call.at] {
            note(fmt::format("technical support crew from {} arrived, {} min after the call", base, (engine_.now() - called) / core::kMinute));
        });
    if (outcome.resolved < 0) return;
    if (call.way == SupportWay::stationary_box) {
        const int box = started.target == FaultTarget::arbb_party_list ? 0 : 1;
        engine_.at(outcome.resolved, [this, box] { replace_by_stationary_box(box); });
        return;
    }
    FaultAction clear = started;
    clear.enter = false;
    clear.at = outcome.resolved;
    schedule_fault(clear);
}

void PecModel::plan_hourly_figures() {
    hours_from_ = hour_of(day_.scenario.voting_open);
    engine_.at(hours_from_, [this] { take_hourly_queue(); });
}

void PecModel::take_hourly_queue() {
    // Reads the queue and changes nothing: the day is the same with or without these events.
    const Time now = engine_.now();
    const std::int64_t area = queue_.queue_area(now);
    if (now > hours_from_) result_.queue_by_hour.push_back(static_cast<double>(area - queue_area_at_hour_) / static_cast<double>(core::kHour));
    queue_area_at_hour_ = area;
    if (now < day_.scenario.voting_close || queue_.queue_length() > 0) engine_.at(now + core::kHour, [this] { take_hourly_queue(); });
}

devices::Device* PecModel::device_for(FaultTarget target, int index) {
    switch (target) {
        case FaultTarget::arbb_party_list: return boxes_[0].scanner.get();
        case FaultTarget::arbb_district: return boxes_[1].scanner.get();
        case FaultTarget::power: return power_.get();
        case FaultTarget::modem: return modem_.get();
        case FaultTarget::arbb_any: return nullptr;
        default: return desks_->device(target, index);
    }
}

core::Result<void> PecModel::apply(const FaultAction& action) {
    devices::Device* device = device_for(action.target, action.unit);
    if (device == nullptr) return core::fail(fmt::format("PEC {} has no such device (desk {})", pec_.number, action.unit + 1));
    const auto faults = devices::faults_of(device->kind());
    if (std::find(faults.begin(), faults.end(), action.fault) == faults.end())
        return core::fail(fmt::format("{} cannot be put in fault '{}'", device->id(), devices::to_string(action.fault)));
    if (action.at < engine_.now()) return core::fail(fmt::format("PEC {}: time is already past", pec_.number));
    if (action.call_support) {
        const auto way = support_way(device->kind(), action.fault, false);
        if (!action.enter || action.duration != 0 || action.replace_arbb || !way)
            return core::fail(fmt::format("{}: a fault that calls the help desk is entered with no duration and no replacement, and is one "
                                          "support ends (not {}; docs/support.md)", device->id(), devices::to_string(action.fault)));
        support_calls_.push_back({.at = action.at, .pec = pec_.number, .region = pec_.region_code, .lat = pec_.lat, .lon = pec_.lon,
                                  .kind = device->kind(), .fault = action.fault, .way = *way,
                                  .stream = kInjectedCallStreams + support_actions_.size()});
        support_actions_.push_back(action);
    }
    schedule_fault(action);
    return {};
}

void PecModel::schedule_fault(const FaultAction& action) {
    engine_.at(action.at, [this, action] {
        devices::Device* device = device_for(action.target, action.unit);
        if (device == nullptr) return;
        const int box = action.target == FaultTarget::arbb_party_list ? 0 : action.target == FaultTarget::arbb_district ? 1 : -1;
        if (!action.enter) {
            device->clear_fault(action.fault, engine_.now());
            if (box >= 0) box_works_again(box);
            if (action.target == FaultTarget::power)  // mains is back: both ARBBs have power again
                for (int b = 0; b < 2; ++b) box_works_again(b);
            return;
        }
        device->enter_fault(action.fault, engine_.now(), action.severity);
        if (action.replace_arbb && box >= 0) {
            // The technical support group decides the ARBB cannot be repaired today; the commission
            // puts a stationary box in its place (2021: 5 % of PECs) about 20-60 minutes later.
            const Time decision = (20 + static_cast<Time>(service_random_.uniform() * 40)) * core::kMinute;
            engine_.after(decision, [this, box] { replace_by_stationary_box(box); });
        } else if (action.duration > 0) {
            engine_.after(action.duration, [this, device, fault = action.fault, box, power = action.target == FaultTarget::power] {
                device->clear_fault(fault, engine_.now());
                if (box >= 0) box_works_again(box);
                if (power)
                    for (int b = 0; b < 2; ++b) box_works_again(b);
            });
        }
    });
}

void PecModel::box_works_again(int b) {
    Box& box = boxes_[static_cast<std::size_t>(b)];
    if (!box.box || box.waiting.empty()) return;
    if (!day_.scenario.chairs_feed_reserve) return feed_waiting(b);
    if (box.held_for_chair) return;
    box.held_for_chair = true;
    note(fmt::format("{} works again; {} ballots in its reserve slot wait for the chair to feed them", box.scanner->id(), box.waiting.size()));
}

void PecModel::replace_by_stationary_box(int box) {
    if (!boxes_[box].box->voting()) return;
    boxes_[box].box->replace_by_stationary_box(engine_.now());
    note(fmt::format("{} replaced by a stationary box; its ballots wait for the manual count", boxes_[box].scanner->id()));
    feed_waiting(box);
}

// [SECTION] The PEC chair's actions

core::Result<std::string> PecModel::chair_act(const TraineeAction& action) {
    core::Result<std::string> done = core::fail(fmt::format("{} is not a PEC chair's action", to_string(action.what)));
    switch (action.what) {
        case TraineeDo::paper_list: case TraineeDo::devices_back: done = chair_desk(action); break;
        case TraineeDo::stationary_box: done = chair_box(action); break;
        case TraineeDo::feed_reserve: done = chair_feed(action); break;
        case TraineeDo::backup_channel: done = chair_modem(); break;
        case TraineeDo::lock_desk: done = chair_lock(action); break;
        default: break;
    }
    note(done ? fmt::format("PEC chair {}: {}", action.trainee, *done)
              : fmt::format("PEC chair {}: {} refused: {}", action.trainee, describe(action), done.error().message));
    return done;
}

core::Result<std::string> PecModel::chair_desk(const TraineeAction& action) {
    if (action.unit < 0 || action.unit >= desks_->desks())
        return core::fail(fmt::format("PEC {} has no desk {} (it has {})", pec_.number, action.unit + 1, desks_->desks()));
    station::IdentificationDesk& desk = desks_->desk(action.unit);
    const bool on = action.what == TraineeDo::paper_list;
    if (desk.on_paper_list() == on)
        return core::fail(fmt::format("desk {} is already {}", action.unit + 1, on ? "on the paper list" : "using its devices"));
    if (on && voting_over_) return core::fail("voting is over");
    desk.use_paper_list(on);
    return on ? fmt::format("desk {} identifies voters by the paper list, its biometric devices set aside", action.unit + 1)
              : fmt::format("desk {} uses its devices again", action.unit + 1);
}

core::Result<std::string> PecModel::chair_box(const TraineeAction& action) {
    if (action.box < 0 || action.box > 1 || !boxes_[static_cast<std::size_t>(action.box)].box)
        return core::fail(fmt::format("PEC {} has no {} ARBB", pec_.number, action.box == 0 ? "party-list" : "district"));
    Box& b = boxes_[static_cast<std::size_t>(action.box)];
    if (b.box->replaced()) return core::fail(fmt::format("{} was replaced by a stationary box already", b.scanner->id()));
    if (!b.box->voting()) return core::fail("voting is over");
    if (b.scanner->healthy() && power_->powered(engine_.now()))
        return core::fail(fmt::format("{} works and has power: a stationary box replaces a failed ARBB only", b.scanner->id()));
    replace_by_stationary_box(action.box);
    return fmt::format("{} replaced by a stationary box", b.scanner->id());
}

core::Result<std::string> PecModel::chair_feed(const TraineeAction& action) {
    if (action.box < 0 || action.box > 1 || !boxes_[static_cast<std::size_t>(action.box)].box)
        return core::fail(fmt::format("PEC {} has no {} ARBB", pec_.number, action.box == 0 ? "party-list" : "district"));
    Box& b = boxes_[static_cast<std::size_t>(action.box)];
    if (b.waiting.empty()) return core::fail(fmt::format("the reserve slot of {} is empty", b.scanner->id()));
    if (!b.held_for_chair) return core::fail(fmt::format("{} does not work yet: its reserve slot is fed once it does", b.scanner->id()));
    const std::size_t before = b.waiting.size();
    b.held_for_chair = false;
    feed_waiting(action.box);
    if (!b.waiting.empty()) b.held_for_chair = b.scanner->healthy() && power_->powered(engine_.now());
    return fmt::format("{} of {} ballots of the reserve slot fed through {}", before - b.waiting.size(), before, b.scanner->id());
}

core::Result<std::string> PecModel::chair_modem() {
    using devices::Fault;
    if (modem_->has_fault(Fault::dead))
        return core::fail("the modem is dead: the backup channel needs a working modem; a crew must bring a spare");
    int cleared = 0;
    for (Fault f : {Fault::no_signal, Fault::slow, Fault::flapping}) cleared += modem_->clear_fault(f, engine_.now()) ? 1 : 0;
    if (cleared == 0) return core::fail("the modem's channel works: nothing to switch from");
    return std::string("modem switched to the backup channel (the other operator); the transmitter's next attempt uses it");
}

// [SECTION] Desk access: logins, breaks, intruders

core::Result<std::string> PecModel::guard_desk(int desk) {
    if (desk < 0 || desk >= desks_->desks())
        return core::fail(fmt::format("PEC {} has no desk {} (it has {})", pec_.number, desk + 1, desks_->desks()));
    auto [it, added] = guarded_.try_emplace(desk);
    GuardedDesk& g = it->second;
    if (!added) return g.operator_name;
    g.operator_name = kOperators[static_cast<std::size_t>(desk) % kOperators.size()];
    // The PIN she chose: six digits, from the PEC's own stream for them.
    core::RandomStream pins(day_.seed, static_cast<std::uint64_t>(pec_.number), kDeskPins + 100 * static_cast<std::uint64_t>(desk));
    g.pin = fmt::format("{:06}", static_cast<int>(pins.uniform() * 1e6));
    g.login = std::make_unique<station::DeskLogin>();
    if (auto ok = g.login->set_pin(g.operator_name, g.pin); !ok) return std::unexpected(ok.error());
    if (auto ok = g.login->log_in(g.operator_name, g.pin); !ok) return std::unexpected(ok.error());
    desks_->desk(desk).require_login(g.login.get());
    return g.operator_name;
}

void PecModel::tell_pin(int desk) {
    if (const auto it = guarded_.find(desk); it != guarded_.end()) it->second.pin_told = true;
}

core::Result<std::string> PecModel::start_break(int desk, Time away, int ballots) {
    auto name = guard_desk(desk);
    if (!name) return name;
    GuardedDesk& g = guarded_.at(desk);
    if (g.away) return core::fail(fmt::format("desk {}'s operator is on a break already", desk + 1));
    if (!opened_ || voting_over_) return core::fail("the desks serve voters only while voting is open");
    g.away = true;
    g.back = engine_.now() + away;
    desks_->set_away(desk, true);
    queue_.set_servers(desks_->desks() - desks_->away());
    engine_.after(std::min(kIntruderAfter, away - 1), [this, desk, ballots] { intrude(desk, ballots); });
    engine_.after(away, [this, desk] { back_from_break(desk); });
    const std::string said = fmt::format("{}, the operator of desk {}, goes on a {}-minute break; her session on the desk stays open",
                                         *name, desk + 1, away / core::kMinute);
    note(said);
    return said;
}

// A member sits down at the desk while its operator is away. An open session, or her PIN, gets him
// in; then he sets the desk to the paper list and brings the passports he collected, one by one, as
// voters would: the real desk checks each against the list and the register, and issues ballots.
void PecModel::intrude(int desk, int ballots) {
    GuardedDesk& g = guarded_.at(desk);
    std::string how;
    if (g.login->session()) how = fmt::format("finds desk {} still logged in as {}", desk + 1, *g.login->session());
    else if (g.pin_told && g.login->log_in(g.operator_name, g.pin)) how = fmt::format("logs in to desk {} as {} with her PIN", desk + 1, g.operator_name);
    if (how.empty() || voting_over_) {
        note(fmt::format("a commission member tries desk {} during its operator's break: it is locked", desk + 1));
        return;
    }
    station::IdentificationDesk& d = desks_->desk(desk);
    const bool paper_list = d.on_paper_list();
    d.use_paper_list(true);
    core::RandomStream pick(day_.seed, static_cast<std::uint64_t>(pec_.number), kIntruder);
    std::int64_t issued = 0;
    for (int tries = 0; issued < ballots && tries < 20 * ballots && pec_.registered > 0; ++tries) {
        const std::int64_t voter = pec_.first_voter + static_cast<std::int64_t>(pick.uniform() * static_cast<double>(pec_.registered));
        if (d.has_voted(voter)) continue;
        if (!desks_->serve(desk, voter, pick, result_.identification).ballots_issued) continue;
        ++issued;
        count_voter();
        // Every sheet for the list and the candidate he works for; they go into the boxes like any voter's.
        ++result_.truth.party[1];
        cast(0, core::Ballot::for_party(1), -1);  // the operator's sheets, not the voter's: never a trainee's
        if (boxes_[1].box && result_.truth.district.size() > 1) {
            ++result_.truth.district[1];
            cast(1, core::Ballot::for_candidate(1), -1);
        }
    }
    d.use_paper_list(paper_list);
    result_.forged_ballots += issued;
    note(fmt::format("a commission member {} and issues {} ballots by the paper list to passports he collected; "
                     "they go into the boxes (the real voters will be refused as having voted)",
                     how, issued));
}

void PecModel::back_from_break(int desk) {
    GuardedDesk& g = guarded_.at(desk);
    g.away = false;
    desks_->set_away(desk, false);
    queue_.set_servers(desks_->desks() - desks_->away());
    if (g.login->session() != g.operator_name) (void)g.login->log_in(g.operator_name, g.pin);
    note(fmt::format("{} is back at desk {} and logged in", g.operator_name, desk + 1));
}

std::vector<PecDetail::DeskAccess> PecModel::desk_access() const {
    std::vector<PecDetail::DeskAccess> out;
    for (const auto& [desk, g] : guarded_)
        out.push_back({.desk = desk, .operator_name = g.operator_name, .open = g.login->session().has_value(), .away = g.away, .back = g.back});
    return out;
}

core::Result<std::string> PecModel::chair_lock(const TraineeAction& action) {
    auto name = guard_desk(action.unit);
    if (!name) return name;
    GuardedDesk& g = guarded_.at(action.unit);
    if (!g.login->session()) return core::fail(fmt::format("desk {} is locked already", action.unit + 1));
    g.login->lock();
    if (!g.away) {  // she is at the desk: she logs in again and serves on
        (void)g.login->log_in(g.operator_name, g.pin);
        return fmt::format("desk {} locked; {} is at it and logs in again", action.unit + 1, *name);
    }
    return fmt::format("desk {} locked until {} is back from her break", action.unit + 1, *name);
}

// [SECTION] Day

Time PecModel::draw_service(const ServiceTime& t) {
    const double s = t.median_s * std::exp(t.sigma * service_random_.normal());
    return std::max<Time>(core::kSecond, static_cast<Time>(s * static_cast<double>(core::kSecond)));
}

void PecModel::open_station() {
    for (auto& box : boxes_)
        if (box.box) (void)box.box->open();  // a zero report that is not empty stays in the box's record
    opened_ = true;
    note("zero reports printed");
    result_.opened_at = std::max(engine_.now(), day_.scenario.voting_open);
    engine_.at(result_.opened_at, [this] {
        queue_.reset_statistics();
        queue_.set_servers(desks_->desks());
        note("voting opens");
    });
}

void PecModel::arrive(std::uint32_t k) {
    ++result_.arrivals;
    if (k + 1 < trips_.size()) engine_.at(trips_[k + 1].arrived, [this, n = k + 1] { arrive(n); });
    if (const Patience& p = day_.scenario.patience; p.median_min > 0 && queue_.servers() > 0 && queue_.queue_length() > 0) {
        // The voter judges the queue by its length and how fast it has been moving: the recent
        // identifications' durations, so a desk on the paper list (a failed scanner or reader)
        // looks as slow as it is. The voter's own stream: whether one voter stays does not shift
        // anyone else's draws.
        const double expected_wait_s = static_cast<double>(queue_.queue_length()) * recent_service_s_ / queue_.servers();
        core::RandomStream patience(day_.seed, static_cast<std::uint64_t>(trips_[k].voter), kPatience);
        if (expected_wait_s > p.median_min * 60.0 * std::exp(p.sigma * patience.normal())) {
            ++result_.left_queue;
            faults_.voter_left(engine_.now());
            return;
        }
    }
    ++in_station_;
    queue_.request([this, k] { identify(k); });
}

void PecModel::identify(std::uint32_t k) {
    const double wait = static_cast<double>(engine_.now() - trips_[k].arrived) / core::kSecond;
    max_wait_s_ = std::max(max_wait_s_, wait);
    faults_.voter_waited(trips_[k].arrived, engine_.now());
    const int desk = desks_->take_free_desk();
    const auto visit = desks_->serve(desk, trips_[k].voter, service_random_, result_.identification);
    std::uint32_t intent = 0;
    if (visit.ballots_issued) {
        count_voter();
        if (free_intents_.empty()) {
            free_intents_.push_back(static_cast<std::uint32_t>(intents_.size()));
            intents_.emplace_back();
        }
        intent = free_intents_.back();
        free_intents_.pop_back();
        intents_[intent] = day_.intents.draw(pec_, intent_random_);
        intent_voters_.resize(intents_.size());
        intent_voters_[intent] = trips_[k].voter;
    }
    const auto service = std::max<Time>(core::kSecond, static_cast<Time>(static_cast<double>(visit.service) * result_.desk_pace));
    recent_service_s_ += kRecentWeight * (static_cast<double>(service) / core::kSecond - recent_service_s_);
    engine_.after(service, [this, k, desk, intent, issued = visit.ballots_issued] {
        desks_->release_desk(desk);
        queue_.release();
        if (issued) {
            vote(intent);
        } else {
            note(trips_[k].voter < 0 ? fmt::format("visitor turned away at desk {} (not on this PEC's list, or no document)", desk + 1)
                                     : fmt::format("voter {} refused at desk {}", trips_[k].voter, desk + 1));
            --in_station_;
            maybe_close();
        }
    });
}

void PecModel::count_voter() {
    ++result_.voters;
    const auto hour = static_cast<std::size_t>(std::max<Time>(0, engine_.now() - hours_from_) / core::kHour);
    if (result_.voters_by_hour.size() <= hour) result_.voters_by_hour.resize(hour + 1, 0);
    ++result_.voters_by_hour[hour];
}

void PecModel::vote(std::uint32_t slot) {
    booths_.request([this, slot] {
        engine_.after(draw_service(day_.scenario.service.booth), [this, slot] {
            booths_.release();
            const Intent& intent = intents_[slot];
            auto& truth = result_.truth;
            if (intent.party < 0) ++truth.party_spoilt;
            else ++truth.party[intent.party];
            cast(0, intent.party_ballot, intent_voters_[slot]);
            if (intent.has_district && boxes_[1].box) {
                if (intent.district < 0) ++truth.district_spoilt;
                else ++truth.district[intent.district];
                cast(1, intent.district_ballot, intent_voters_[slot]);
            }
            free_intents_.push_back(slot);  // the sheets are in the boxes (or their reserve slots) now
            const Time feeding = draw_service(day_.scenario.service.arbb) * (boxes_[1].box ? 2 : 1);
            engine_.after(feeding, [this] {
                result_.last_voter_at = engine_.now();
                --in_station_;
                maybe_close();
            });
        });
    });
}

void PecModel::cast(int b, const core::Ballot& ballot, std::int64_t voter) {
    Box& box = boxes_[b];
    if (box.box->replaced()) {
        (void)box.box->deposit_in_stationary_box();
        return;
    }
    if (!box.waiting.empty() && !box.held_for_chair) {  // the box is down: the sheet joins the reserve slot, in order
        box.waiting.push_back(ballot);
        faults_.sheet_held(box.held_by);
        return;
    }
    if (box.external && std::find(box.external->voters.begin(), box.external->voters.end(), voter) != box.external->voters.end() &&
        cast_on_external(box, ballot, voter))
        return;
    // A misfed sheet is handed back and the voter inserts it again (three tries, then the reserve slot).
    for (int attempt = 0; attempt < 3; ++attempt) {
        box.scanner->insert(ballot);
        const station::BallotOutcome outcome = box.box->accept();
        if (outcome.result == station::BallotResult::counted_valid || outcome.result == station::BallotResult::counted_invalid) return;
        box.scanner->take_back();
        box.held_by = outcome.refusal;
        if (outcome.result == station::BallotResult::refused) break;
    }
    box.waiting.push_back(ballot);
    faults_.sheet_held(box.held_by);
}

// A trainee's voter: the person at the physical scanner is told what the voter meant and feeds the
// sheet, again after a jam or an empty feed (three tries); the box counts what the scanner read. A
// sheet the physical scanner never took goes the way of every other sheet (the ARBB's own scanner).
// Returns whether the physical scanner took it.
bool PecModel::cast_on_external(Box& box, const core::Ballot& ballot, std::int64_t voter) {
    ExternalBallotScanner& e = *box.external;
    box.switched->use_external(true);
    bool counted = false;
    for (int attempt = 0; attempt < 3 && !counted; ++attempt) {
        if (e.present) e.present(voter, ballot);
        const station::BallotOutcome outcome = box.box->accept();
        counted = outcome.result == station::BallotResult::counted_valid || outcome.result == station::BallotResult::counted_invalid;
    }
    box.switched->use_external(false);
    if (counted) ++e.sheets;
    return counted;
}

void PecModel::feed_waiting(int b) {
    Box& box = boxes_[b];
    while (!box.waiting.empty()) {
        if (box.box->replaced()) {
            (void)box.box->deposit_in_stationary_box();
            box.waiting.pop_front();
            continue;
        }
        box.scanner->insert(box.waiting.front());
        const station::BallotOutcome outcome = box.box->accept();
        if (outcome.result != station::BallotResult::counted_valid && outcome.result != station::BallotResult::counted_invalid) {
            box.scanner->take_back();
            box.held_by = outcome.refusal;
            return;  // still down: the rest waits for the next repair
        }
        box.waiting.pop_front();
    }
    box.held_for_chair = false;
}

void PecModel::maybe_close() {
    if (!voting_over_ || in_station_ > 0 || closed_) return;
    closed_ = true;
    // Closing: the commission counts unused ballots and enters the protocol figures (10-20 minutes).
    engine_.after((10 + static_cast<Time>(service_random_.uniform() * 10)) * core::kMinute, [this] { close_station(); });
}

void PecModel::close_station() {
    for (int b = 0; b < 2; ++b) {
        Box& box = boxes_[b];
        if (!box.box) continue;
        feed_waiting(b);
        if (!box.waiting.empty()) {
            // The ARBB never came back: its reserve-slot sheets are counted by hand.
            box.box->replace_by_stationary_box(engine_.now());
            feed_waiting(b);
        }
        if (auto report = station_->close_box(static_cast<std::size_t>(b))) {
            result_.final_reports[b] = **report;
            const auto& r = result_.final_reports[b];
            note(fmt::format("final report of {}: {} ballots, {} valid, {} invalid{}{}", r.device_id, r.ballots_in_box, r.valid,
                             r.invalid, r.consistent() ? "" : "; BROKEN CONTROL RATIO: ",
                             r.consistent() ? "" : r.violations.front()));
        } else {
            note(fmt::format("{} could not close: {}", boxes_[b].scanner->id(), report.error().message));
        }
    }
    if (!boxes_[1].box) {
        result_.final_reports[1].pec = pec_.number;
        result_.final_reports[1].box = core::BoxKind::district;
        result_.final_reports[1].kind = core::ReportKind::final;
    }
    result_.identification_report = station_->close_identification();
    station_->send_final_reports();
    faults_.reports_handed(engine_.now(), transmitter_->pending());
    note("final reports handed to the modem");
    transmit();
}

// [SECTION] Transmission

void PecModel::transmit() {
    transmit_wakeup_ = -1;
    for (auto& t : transmitter_->poll()) {
        note(fmt::format("{} report {} sent (attempt {}), arrives {:.1f} s later", t.device_id, t.sequence, t.attempt,
                         static_cast<double>(t.delivered_at - engine_.now()) / core::kSecond));
        faults_.report_delivered(t.device_id, t.sequence, engine_.now(), t.delivered_at,
                                 devices::VirtualModem::transfer_time(t.bytes.size()));
        in_flight_.insert(t.delivered_at);
        outbox_.push_back(std::move(t));
    }
    if (const auto next = transmitter_->next_wakeup()) {
        transmit_wakeup_ = std::max(*next, engine_.now());
        engine_.at(transmit_wakeup_, [this, at = transmit_wakeup_] {
            if (transmit_wakeup_ == at) transmit();
        });
    }
}

void PecModel::run_until_waiting_for_cec(Time ack_latency, Time limit) {
    for (;;) {
        const auto next = engine_.next_time();
        if (!next || *next > limit) return;
        if (!in_flight_.empty() && *next >= *in_flight_.begin() + ack_latency) return;
        engine_.step();
    }
}

std::vector<station::Transmission> PecModel::take_outbox() {
    std::vector<station::Transmission> out;
    out.swap(outbox_);
    return out;
}

void PecModel::processed_by_cec(Time delivered_at) {
    if (auto it = in_flight_.find(delivered_at); it != in_flight_.end()) in_flight_.erase(it);
}

void PecModel::answer(Time at, const std::string& device, std::uint64_t sequence, core::AckOutcome status, std::string reason) {
    // An Ack frame (core::encode_ack) with a short text: what the answer costs the downlink.
    constexpr std::size_t kAckBytes = 64;
    auto arrives = modem_->transmit(kAckBytes, at);
    if (!arrives) return;  // the link is down: the answer is lost and the PEC resends
    if (linked_modem_) {
        const core::Ack ack{.outcome = status, .reason = 0, .ticket = 0, .sequence = sequence, .text = reason};
        const auto over_link = linked_modem_->answer(device, sequence, ack, at, *arrives);
        if (!over_link) return;
        arrives = *over_link;
    }
    deliver_ack(*arrives, device, sequence, status, std::move(reason));
}

void PecModel::deliver_ack(Time at, const std::string& device, std::uint64_t sequence, core::AckOutcome status,
                           std::string reason) {
    engine_.at(at, [this, device, sequence, status, reason = std::move(reason)] {
        transmitter_->on_ack(device, sequence, status, reason);
        note(fmt::format("CEC answer for {} report {}: {}{}", device, sequence,
                         status == core::AckOutcome::stored      ? "stored"
                         : status == core::AckOutcome::duplicate ? "duplicate, already stored"
                         : status == core::AckOutcome::retry     ? "not stored, to be sent again: "
                                                                 : "REJECTED: ",
                         reason));
        if (transmitter_->done()) {
            result_.reports_rejected = 0;
            for (const auto& st : transmitter_->states()) result_.reports_rejected += st.rejected;
            if (result_.reports_rejected == 0) result_.reported_at = engine_.now();
        }
        if (transmit_wakeup_ < 0 || transmitter_->next_wakeup().value_or(transmit_wakeup_) < transmit_wakeup_) transmit();
    });
}

// [SECTION] Views

void PecModel::note(std::string text) { log_.push_back(LogEntry{engine_.now(), pec_.number, std::move(text)}); }

PecDetail PecModel::detail() const {
    PecDetail d;
    d.view = view();
    d.arrivals = result_.arrivals;
    d.left_queue = result_.left_queue;
    d.desk_pace = result_.desk_pace;
    d.mean_wait_s = queue_.mean_wait_s();
    d.desks = desks_->desks();
    d.desks_busy = queue_.busy();
    for (int k = 0; k < d.desks; ++k) d.paper_list.push_back(desks_->desk(k).on_paper_list());
    d.access = desk_access();
    d.forged_ballots = result_.forged_ballots;
    d.identification = result_.identification;
    d.devices = desks_->devices();
    d.devices.push_back({power_->id(), power_->kind(), power_->active_faults()});
    d.devices.push_back({modem_->id(), modem_->kind(), modem_->active_faults()});
    if (linked_modem_) d.devices.push_back({linked_modem_->id(), linked_modem_->kind(), linked_modem_->active_faults(), true});
    d.transmission = transmitter_->states();
    for (int b = 0; b < 2; ++b) {
        const Box& box = boxes_[b];
        if (!box.box) continue;
        d.devices.push_back({box.scanner->id(), box.scanner->kind(), box.scanner->active_faults()});
        if (box.external) d.devices.push_back({box.external->scanner->id(), box.external->scanner->kind(), box.external->scanner->active_faults(), true});
        d.devices.push_back({box.printer->id(), box.printer->kind(), box.printer->active_faults()});
        d.boxes[b] = closed_ && !result_.final_reports[b].device_id.empty() ? result_.final_reports[b]
                                                                             : box.box->snapshot(core::ReportKind::initial);
        d.ballots_waiting[b] = static_cast<std::int64_t>(box.waiting.size());
        d.replaced[b] = box.box->replaced();
    }
    return d;
}

PecResult PecModel::result(Time until) const {
    PecResult r = result_;
    r.fault_effects = faults_.effects(until);
    r.max_queue = static_cast<std::int64_t>(queue_.max_queue());
    r.mean_wait_s = queue_.mean_wait_s();
    r.max_wait_s = max_wait_s_;
    r.events = events();
    return r;
}

PecView PecModel::view() const {
    PecView v;
    v.number = pec_.number;
    v.queue = static_cast<std::int64_t>(queue_.queue_length());
    v.voters = result_.voters;
    v.active_faults = desks_->active_faults() | power_->active_faults() | modem_->active_faults();
    for (const auto& box : boxes_) {
        if (box.scanner) v.active_faults |= box.scanner->active_faults() | box.printer->active_faults();
        if (box.external) v.active_faults |= box.external->scanner->active_faults();
    }
    if (closed_ && transmitter_->done() && result_.reported_at > 0) v.state = PecState::acknowledged;
    else if (closed_ && transmitter_->pending() > 0 && [&] {
                 const auto states = transmitter_->states();
                 return std::any_of(states.begin(), states.end(),
                                    [](const station::OutgoingState& s) { return s.attempts > s.modem_failures; });
             }())
        v.state = PecState::transmitted;
    else if (closed_) v.state = PecState::closed;
    else if (!opened_ || engine_.now() < result_.opened_at) v.state = PecState::not_open;
    else if (v.active_faults != 0) v.state = PecState::device_fault;
    else if (static_cast<double>(v.queue) >= kQueueBuilding) v.state = PecState::queue_building;
    else v.state = PecState::voting;
    return v;
}

}  // namespace sim
