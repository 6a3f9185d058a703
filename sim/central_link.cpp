#include "sim/central_link.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "sim/pec_model.hpp"

namespace sim {
namespace {

constexpr std::size_t kAckBytes = 64;  // an acknowledgement frame on the downlink

}  // namespace

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
    return next;
}

void CentralLink::answer(PecModel& pec, Time at, const std::string& device, std::uint64_t sequence,
                         core::AckOutcome status, std::string reason) {
    // The answer goes back over the PEC's modem; if the link is down it is lost and the PEC resends.
    const auto arrives = pec.modem().transmit(kAckBytes, at);
    if (arrives) pec.deliver_ack(*arrives, device, sequence, status, std::move(reason));
}

void CentralLink::commit(Time at) {
    for (const auto& release : ingest_->flush(at)) {
        auto it = staged_.find(release.ticket);
        if (it == staged_.end()) continue;
        Waiting w = it->second;
        staged_.erase(it);
        if (!release.acknowledged) continue;  // not stored: no answer, the PEC resends after its timeout
        stored_.emplace_back(at, w.model->pec().number);
        answer(*w.model, at, w.device, w.sequence, core::AckOutcome::stored, {});
    }
    oldest_staged_.reset();
}

bool CentralLink::advance(Time safe) {
    bool did = false;
    const central::GroupCommitPolicy policy;
    for (;;) {
        const std::optional<Time> due = oldest_staged_ ? std::optional<Time>(*oldest_staged_ + policy.max_delay) : std::nullopt;
        const bool delivery_next = !queue_.empty() && queue_.front().at < safe && (!due || queue_.front().at < *due);
        if (!delivery_next) {
            if (due && *due < safe) {
                commit(*due);
                did = true;
                continue;
            }
            return did;
        }
        std::pop_heap(queue_.begin(), queue_.end(), Later{});
        Delivery d = std::move(queue_.back());
        queue_.pop_back();
        did = true;
        if (unreachable_at(d.at)) {  // no connection: no answer, the PEC's transmitter resends after its timeout
            ++unreachable_;
            d.model->processed_by_cec(d.t.delivered_at);
            continue;
        }
        const std::string peer = fmt::format("PEC {} modem", d.pec);
        const central::Decision decision = ingest_->submit(std::move(d.checked), peer, d.at);
        d.model->processed_by_cec(d.t.delivered_at);
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
                staged_.emplace(decision.ticket, Waiting{d.model, d.t.device_id, d.t.sequence});
                if (!oldest_staged_) oldest_staged_ = d.at;
                if (staged_.size() >= policy.max_reports) commit(d.at);
                break;
        }
    }
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

core::Result<std::int64_t> CentralLink::apply(const central::OperatorAction& action) { return ingest_->apply(action); }

}  // namespace sim
