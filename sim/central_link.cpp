#include "sim/central_link.hpp"

// Index of this file:
//   [SECTION] Deliveries and the ingest
//   [SECTION] Attacks on the wire (sim/incident.hpp)
//   [SECTION] The CEC's checks of what it publishes

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <variant>

#include "central/aggregation.hpp"
#include "central/http_server.hpp"
#include "central/ingest_server.hpp"
#include "central/publication.hpp"
#include "sim/pec_model.hpp"

namespace sim {

// [SECTION] Deliveries and the ingest

CentralLink::CentralLink(const core::ElectionPackage& package, core::DeviceKeyRegistry registry, const std::filesystem::path& db)
    : package_(package),
      registry_(std::move(registry)),
      store_(std::make_unique<central::Store>(db)),
      ingest_(std::make_unique<central::Ingest>(package, registry_, *store_)) {}

CentralLink::~CentralLink() = default;

std::vector<CentralLink::Arrival> CentralLink::precheck(std::vector<station::Transmission> delivered) const {
    std::vector<Arrival> out;
    out.reserve(delivered.size());
    for (auto& t : delivered) {
        auto checked = ingest_->precheck(t.bytes);
        out.push_back({std::move(t), std::move(checked)});
    }
    return out;
}

void CentralLink::accept(PecModel& pec, std::vector<Arrival> delivered) {
    for (auto& a : delivered) {
        const Time at = a.t.delivered_at;
        queue_.push_back(Delivery{at, pec.pec().number, order_++, &pec, std::move(a.t), std::move(a.checked)});
        std::push_heap(queue_.begin(), queue_.end(), Later{});
    }
}

std::optional<Time> CentralLink::next_work() const {
    std::optional<Time> next;
    if (!queue_.empty()) next = queue_.front().at;
    if (oldest_staged_) {
        const Time due = *oldest_staged_ + central::GroupCommitPolicy{}.max_delay;
        next = next ? std::min(*next, due) : due;
    }
    for (const auto t : {flood_full(), probe_due()})
        if (t) next = next ? std::min(*next, *t) : *t;
    return next;
}

void CentralLink::answer(PecModel& pec, Time at, const std::string& device, std::uint64_t sequence,
                         core::AckOutcome status, std::string reason) {
    pec.answer(at, device, sequence, status, std::move(reason));
}

void CentralLink::commit(Time at) {
    for (const auto& release : ingest_->flush(at)) {
        auto it = staged_.find(release.ticket);
        if (it == staged_.end()) continue;
        Waiting w = it->second;
        staged_.erase(it);
        // The answer is decided now: the PEC may run on past the report's delivery once it is scheduled.
        if (w.model) w.model->processed_by_cec(w.delivered_at);
        if (!release.acknowledged) continue;  // not stored: no answer, the PEC resends after its timeout
        stored_.emplace_back(at, w.pec);
        if (!w.final_votes.empty()) published_final(w, at);
        if (w.model) answer(*w.model, at, w.device, w.sequence, core::AckOutcome::stored, {});
    }
    oldest_staged_.reset();
    if (display_error_ && !page_checked_) check_page(at);
}

bool CentralLink::advance(Time safe) {
    bool did = false;
    const central::GroupCommitPolicy policy;
    for (;;) {
        // The group commit due (never, with nothing staged).
        const Time due = oldest_staged_ ? *oldest_staged_ + policy.max_delay : std::numeric_limits<Time>::max();
        // The floods' own moments - the ingest's budget filling, the page's probe - before anything due later.
        const auto first = [&](std::optional<Time> t) { return t && *t < safe && (queue_.empty() || *t <= queue_.front().at) && *t <= due; };
        if (const auto full = flood_full(); first(full)) {
            check_flood(*full);
            did = true;
            continue;
        }
        if (const auto probe = probe_due(); first(probe)) {
            probe_page(*probe);
            did = true;
            continue;
        }
        const bool delivery_next = !queue_.empty() && queue_.front().at < safe && queue_.front().at < due;
        if (!delivery_next) {
            if (due < safe) {
                commit(due);
                did = true;
                continue;
            }
            return did;
        }
        std::pop_heap(queue_.begin(), queue_.end(), Later{});
        Delivery d = std::move(queue_.back());
        queue_.pop_back();
        did = true;
        handled_until_ = std::max(handled_until_, d.at);
        const bool unreachable = unreachable_at(d.at);
        if (unreachable || cut_by_flood(d)) {  // no connection: no answer, the PEC's transmitter resends after its timeout
            unreachable_ += unreachable ? 1 : 0;
            if (d.model) d.model->processed_by_cec(d.t.delivered_at);
            continue;
        }
        if (d.model) capture(d);
        std::vector<std::int64_t> final_votes;
        if (!d.checked.rejected && d.checked.report)
            if (const auto* arbb = std::get_if<core::ArbbReport>(&d.checked.report->payload); arbb && arbb->kind == core::ReportKind::final)
                final_votes = arbb->option_counts;
        const std::string peer = d.model ? fmt::format("PEC {} modem", d.pec) : fmt::format("unknown peer near PEC {}", d.pec);
        const central::Decision decision = ingest_->submit(std::move(d.checked), peer, d.at);
        if (!d.model) {  // an attacker's message: nobody to answer
            if (decision.outcome == core::AckOutcome::stored || (decision.outcome == core::AckOutcome::duplicate && !decision.acknowledged_now)) {
                staged_.emplace(decision.ticket, Waiting{d.pec, nullptr, d.t.device_id, d.t.sequence, std::move(final_votes)});
                if (!oldest_staged_) oldest_staged_ = d.at;
            }
            continue;
        }
        // A report answered now frees the PEC now; a staged one when its batch commits (commit()): its
        // answer leaves then, and the PEC must not run past the moment that answer can reach it.
        const bool answered_now = decision.outcome == core::AckOutcome::retry || decision.outcome == core::AckOutcome::rejected ||
                                  (decision.outcome == core::AckOutcome::duplicate && decision.acknowledged_now);
        if (answered_now) d.model->processed_by_cec(d.t.delivered_at);
        switch (decision.outcome) {
            case core::AckOutcome::retry:  // the store could not be read: the PEC resends
            case core::AckOutcome::rejected:
                answer(*d.model, d.at, d.t.device_id, d.t.sequence, decision.outcome, decision.text);
                break;
            case core::AckOutcome::duplicate:
                if (decision.acknowledged_now) {
                    answer(*d.model, d.at, d.t.device_id, d.t.sequence, core::AckOutcome::duplicate, {});
                    break;
                }
                [[fallthrough]];
            case core::AckOutcome::stored:
                staged_.emplace(decision.ticket, Waiting{d.pec, d.model, d.t.device_id, d.t.sequence, std::move(final_votes), d.t.delivered_at});
                if (!oldest_staged_) oldest_staged_ = d.at;
                if (staged_.size() >= policy.max_reports) commit(d.at);
                break;
        }
    }
}

bool CentralLink::cut_by_flood(const Delivery& d) {
    if (!d.model || !flood_ || !flood_->active(d.at)) return false;
    const bool cut = !flood_->survives(d.t.sent_at, d.at, modem_address(d.pec));
    connections_cut_ += cut ? 1 : 0;
    return cut;
}

std::optional<Time> CentralLink::flood_full() const {
    if (!flood_ || flood_seen_) return std::nullopt;
    return flood_->full_at();
}

// The moment the flood fills the ingest's budget: the operator page's eviction counter starts to
// climb, thousands a second, and the CEC's monitoring raises it (nothing to see if the ingest was
// restricted in time).
void CentralLink::check_flood(Time at) {
    flood_seen_ = true;
    flood_->advance_to(at - 1);  // the arrivals that fill it, one by one (no fast-forward over them)
    flood_->advance_to(at + 1);
    if (flood_->evicted() == 0) return;
    observations_.push_back({at, 0, fmt::format("the ingest is at its cap of {} connections and closes idle ones to make room, thousands a "
                                                "second, from addresses outside the modems' networks: a flood of connections. The PECs' "
                                                "reports may be cut off before they arrive",
                                                central::IngestServerOptions{}.max_connections)});
}

std::optional<Time> CentralLink::probe_due() const {
    if (!page_flood_) return std::nullopt;
    return next_probe_;
}

// One request of the CEC's availability probe to the results page, through the page's budget.
void CentralLink::probe_page(Time at) {
    const bool answered = page_flood_->survives(at, at + kPageRequest, kProbeAddress);
    if (!answered && !page_down_since_) {
        page_down_since_ = at;
        if (!page_alerted_)
            observations_.push_back({at, 0, fmt::format("the results page does not answer the CEC's availability probe: its budget of {} "
                                                        "connections closes idle ones thousands a second, from addresses all over: a flood "
                                                        "of connections on the page. The server cannot tell them from the public's: the "
                                                        "hosting provider's filtering must take them",
                                                        central::HttpServerLimits{}.max_connections)});
        page_alerted_ = true;
    } else if (answered && page_down_since_) {
        page_down_.emplace_back(*page_down_since_, at);
        page_down_since_.reset();
    }
    next_probe_ = at + kProbeEvery;
    if (page_flood_->active(next_probe_)) return;
    if (page_down_since_) page_down_.emplace_back(*page_down_since_, next_probe_);  // the flood is over: the page answers again
    page_down_since_.reset();
    page_flood_.reset();
}

Time CentralLink::page_unreachable(Time from, Time to) const {
    Time total = 0;
    const auto add = [&](Time a, Time b) { total += std::max<Time>(0, std::min(b, to) - std::max(a, from)); };
    for (const auto& [a, b] : page_down_) add(a, b);
    if (page_down_since_) add(*page_down_since_, to);
    return total;
}

core::Result<void> CentralLink::start_flood(const Incident& incident, Time now) {
    if (incident.on_page) {
        if (page_flood_) return core::fail("a flood is on the results page already");
        const central::HttpServerLimits page;  // the page's caps `shailoo serve` runs with by default
        page_flood_ = std::make_unique<FloodModel>(now, now + incident.lasts, incident.rate, incident.addresses, page.max_connections,
                                                   page.max_connections_per_peer);
        next_probe_ = now;
        page_alerted_ = false;
        return {};
    }
    if (flood_ && flood_->active(now)) return core::fail("a flood is on the ingest already");
    const central::IngestServerOptions server;  // the caps `shailoo serve` runs with by default
    flood_ = std::make_unique<FloodModel>(now, now + incident.lasts, incident.rate, incident.addresses, server.max_connections,
                                          server.max_connections_per_peer);
    flood_seen_ = false;
    if (restricted_) flood_->restrict_to_modems(now);
    return {};
}

bool CentralLink::restrict_ingest(Time now) {
    if (restricted_) return false;
    restricted_ = now;
    if (flood_) flood_->restrict_to_modems(now);
    return true;
}

bool CentralLink::unreachable_at(Time at) const {
    for (const auto& o : outages_)
        if (at >= o.from && at < o.to) return true;
    return false;
}

void CentralLink::finish(Time now) {
    if (oldest_staged_) commit(now);
    ingest_->finish(now);  // the audit entries of the last decisions that stored nothing
}

// [SECTION] Attacks on the wire (sim/incident.hpp)

void CentralLink::capture(const Delivery& d) {
    if (d.checked.rejected || !d.checked.report) return;
    const auto* arbb = std::get_if<core::ArbbReport>(&d.checked.report->payload);
    if (!arbb || arbb->kind != core::ReportKind::final) return;
    captured_[d.t.device_id] = d.checked.raw;
    printed_[d.t.device_id] = arbb->option_counts;
    for (auto it = armed_.begin(); it != armed_.end();) {
        if (it->first != d.t.device_id) {
            ++it;
            continue;
        }
        const Incident incident = it->second;
        it = armed_.erase(it);
        launch(incident, captured_[d.t.device_id], d.at);
    }
}

void CentralLink::launch(const Incident& incident, const std::vector<std::uint8_t>& captured, Time at) {
    auto messages = craft_attack(incident, captured, core::kSimulatedDeviceSecret, at);
    if (!messages) return;  // a final report with nothing to change: the attack has nothing to send
    for (auto& m : *messages) {
        const Time when = at + m.after;
        auto checked = ingest_->precheck(m.bytes);
        station::Transmission t{checked.device, checked.sequence, std::move(m.bytes), when, 1};
        queue_.push_back(Delivery{when, incident.pec, order_++, nullptr, std::move(t), std::move(checked)});
        std::push_heap(queue_.begin(), queue_.end(), Later{});
    }
}

core::Result<void> CentralLink::arm(const Incident& incident, Time now) {
    if (incident.kind == IncidentKind::display_error) return core::fail("a display error is not an attack on the wire");
    const auto role = incident.box == 0 ? core::DeviceRole::arbb_party_list : core::DeviceRole::arbb_district;
    const std::string device = core::device_id(incident.pec, role);
    if (!registry_.find(device)) return core::fail(fmt::format("PEC {} has no {} box", incident.pec, incident.box == 0 ? "party_list" : "district"));
    if (const auto* bytes = captured(device)) {
        if (auto probe = craft_attack(incident, *bytes, core::kSimulatedDeviceSecret, now); !probe) return std::unexpected(probe.error());
        launch(incident, *bytes, std::max(now, handled_until_));
    } else {
        armed_.emplace_back(device, incident);
    }
    return {};
}

const std::vector<std::uint8_t>* CentralLink::captured(const std::string& device) const {
    const auto it = captured_.find(device);
    return it == captured_.end() ? nullptr : &it->second;
}

// [SECTION] The CEC's checks of what it publishes

void CentralLink::published_final(const Waiting& w, Time at) {
    auto& finals = finals_[w.device];
    const bool newest = finals.empty() || finals.rbegin()->first < w.sequence;
    finals.emplace(w.sequence, w.final_votes);
    if (!newest) return;
    const auto printed = printed_.find(w.device);
    if (printed == printed_.end()) return;
    const bool differs = printed->second != w.final_votes;
    if (differs && !ingest_->oversight().is_withheld(w.pec))
        observations_.push_back({at, w.pec, fmt::format("PEC {}'s chair: the figures the CEC publishes for '{}' (sequence {}) differ from the "
                                                        "protocol the ARBB printed - a forged report under the box's key; revoke the key and hold the PEC",
                                                        w.pec, w.device, w.sequence)});
    mark_wrong(w.pec, pec_wrong_on_page(w.pec), at);
}

std::uint64_t CentralLink::counted_final(const std::string& device) const {
    const auto it = finals_.find(device);
    if (it == finals_.end() || it->second.empty()) return 0;
    if (const auto accepted = ingest_->oversight().accepted_sequence(device)) return accepted;
    return it->second.rbegin()->first;
}

bool CentralLink::pec_wrong_on_page(int pec) const {
    if (ingest_->oversight().is_withheld(pec)) return false;
    for (const auto role : {core::DeviceRole::arbb_party_list, core::DeviceRole::arbb_district}) {
        const std::string device = core::device_id(pec, role);
        const auto printed = printed_.find(device);
        const auto counted = counted_final(device);
        if (printed != printed_.end() && counted != 0 && printed->second != finals_.at(device).at(counted)) return true;
    }
    return false;
}

std::optional<std::uint64_t> CentralLink::confirmed_final(const std::string& device) const {
    const auto printed = printed_.find(device);
    const auto finals = finals_.find(device);
    if (printed == printed_.end() || finals == finals_.end()) return std::nullopt;
    for (auto it = finals->second.rbegin(); it != finals->second.rend(); ++it)
        if (it->second == printed->second) return it->first;
    return std::nullopt;
}

std::string CentralLink::call_pec(int pec) const {
    std::string said = fmt::format("PEC {}'s chair reads out the printed protocols:", pec);
    for (const auto role : {core::DeviceRole::arbb_party_list, core::DeviceRole::arbb_district}) {
        const std::string device = core::device_id(pec, role);
        const char* box = role == core::DeviceRole::arbb_party_list ? "party-list" : "district";
        if (!printed_.contains(device)) {
            said += fmt::format(" the {} ARBB's: none the CEC has seen yet (printed at closing, sent with the final report);", box);
            continue;
        }
        const auto confirmed = confirmed_final(device);
        const auto counted = counted_final(device);
        said += confirmed ? fmt::format(" the {} ARBB's matches stored report {} of '{}'", box, *confirmed, device)
                          : fmt::format(" the {} ARBB's matches no report stored from '{}'", box, device);
        if (counted != 0 && counted != confirmed)
            said += fmt::format(", and the report the results count, {}, differs from it", counted);
        said += ingest_->oversight().is_revoked(device) ? " (the key is revoked);" : ";";
    }
    said.back() = '.';
    return said;
}

void CentralLink::check_page(Time at) {
    const auto results = central::aggregate(package_, *store_);  // what the page is built from, withheld PECs left out
    if (!results) return;
    auto page = nlohmann::json::parse(central::results_document(*results, package_).dump());
    shift_party_rows(page);
    const auto differences = central::check_publication(*results, package_, page);
    if (differences.empty()) return;  // nothing counted yet: the shifted rows show the same zeros
    page_checked_ = true;
    const auto& d = differences.front();
    observations_.push_back({at, 0, fmt::format("the public page's figures differ from the store ({} differences; {}: stored {}, published {}): "
                                                 "take the page down and republish it from the store",
                                                 differences.size(), d.path, d.stored, d.published)});
}

void CentralLink::set_display_error(bool on, Time now) {
    display_error_ = on;
    page_checked_ = false;
    mark_wrong(0, on, now);
    if (on) check_page(now);
}

void CentralLink::mark_wrong(int pec, bool wrong, Time at) {
    auto& spans = wrong_[pec];
    const bool open = !spans.empty() && spans.back().second == std::numeric_limits<Time>::max();
    if (wrong && !open) spans.emplace_back(at, std::numeric_limits<Time>::max());
    if (!wrong && open) spans.back().second = at;
}

Time CentralLink::wrong_on_page(int pec, Time from, Time to) const {
    const auto it = wrong_.find(pec);
    if (it == wrong_.end()) return 0;
    Time sum = 0;
    for (const auto& [a, b] : it->second) sum += std::max<Time>(0, std::min(b, to) - std::max(a, from));
    return sum;
}

core::Result<std::int64_t> CentralLink::apply(const central::OperatorAction& action) {
    auto applied = ingest_->apply(action);
    if (!applied) return applied;
    // A hold or a revocation takes the PEC's figures off the page; a release puts them back.
    mark_wrong(action.pec, pec_wrong_on_page(action.pec), action.at);
    return applied;
}

}  // namespace sim
