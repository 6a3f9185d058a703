#include "central/report_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "central/postgres_store.hpp"
#include "central/store.hpp"

namespace central {

std::string_view box_name(core::DeviceRole source) {
    switch (source) {
        case core::DeviceRole::arbb_party_list: return "party_list";
        case core::DeviceRole::arbb_district: return "district";
        case core::DeviceRole::identification: return "identification";
    }
    return "unknown";
}

core::DeviceRole box_from_name(const std::string& name, const std::string& store) {
    for (auto role : {core::DeviceRole::arbb_party_list, core::DeviceRole::arbb_district, core::DeviceRole::identification})
        if (name == box_name(role)) return role;
    throw StoreCorrupt(fmt::format("{}: reports.box has unknown value '{}'", store, name));
}

std::uint64_t ReportStore::stage(StoredReport report, core::Micros now) {
    const auto ticket = next_ticket_++;
    staged_.push_back({ticket, now, std::move(report)});
    return ticket;
}

void ReportStore::stage_audit(AuditRecord record) { staged_audit_.push_back(std::move(record)); }

bool ReportStore::commit_due(core::Micros now) const {
    // Reports set the pace; audit records alone (rejections, duplicates) wait as long as a report would.
    if (!staged_.empty()) return staged_.size() >= policy_.max_reports || now - staged_.front().at >= policy_.max_delay;
    return !staged_audit_.empty() && now - staged_audit_.front().at >= policy_.max_delay;
}

core::Result<void> ReportStore::write_staged_audit(const CommitOutcome& out) {
    if (staged_audit_.empty()) return {};
    auto head = audit_head();
    if (!head) return std::unexpected(head.error());
    AuditEntry entry = std::move(*head);
    for (const auto& record : staged_audit_) {
        const auto previous = entry.hash;
        entry.number += 1;
        entry.record = record;
        entry.record.report_ticket = 0;
        const auto elsewhere = std::find_if(out.stored_elsewhere.begin(), out.stored_elsewhere.end(),
                                            [&](const StoredElsewhere& e) { return record.report_ticket != 0 && e.ticket == record.report_ticket; });
        if (elsewhere != out.stored_elsewhere.end()) {
            entry.record.action = "stored_elsewhere";
            entry.record.detail = fmt::format("another ingest process stored this sequence first; stored body {}", hex(elsewhere->stored_hash));
        }
        entry.hash = audit_hash(previous, entry.number, entry.record);
        if (auto w = insert_audit(entry); !w) return w;
    }
    audit_written_up_to_ = entry.number;
    return {};
}

void ReportStore::settle_staged_audit(bool committed) {
    audit_written_up_to_ = 0;
    if (committed)
        staged_audit_.clear();
    else
        std::erase_if(staged_audit_, [](const AuditRecord& r) { return r.report_ticket != 0; });
}

core::Result<std::int64_t> ReportStore::apply(const OperatorAction& action) {
    if (auto b = begin_write(); !b) return std::unexpected(b.error());
    auto written = [&]() -> core::Result<std::int64_t> {
        auto head = audit_head();
        if (!head) return std::unexpected(head.error());
        auto actions = operator_actions();
        actions.push_back(action);
        if (auto state = replay(actions); !state) return std::unexpected(state.error());
        if (action.what == OperatorDo::accept) {
            const auto kept = keys_of(action.device);
            const auto it = std::find_if(kept.begin(), kept.end(), [&](const StoredKey& k) { return k.sequence == action.sequence; });
            if (it == kept.end())
                return core::fail(fmt::format("'{}' has no stored report {} to accept", action.device, action.sequence));
            if (it->kind != "final")
                return core::fail(fmt::format("report {} of '{}' is a {} report, not a final one", action.sequence, action.device, it->kind));
        }
        if (auto w = insert_operator_action(action); !w) return std::unexpected(w.error());
        AuditEntry entry{.number = head->number + 1,
                         .record = {.at = action.at, .actor = "operator:" + action.by, .action = std::string(to_string(action.what)),
                                    .pec = action.pec, .device = action.device, .sequence = action.sequence, .detail = action.reason}};
        entry.hash = audit_hash(head->hash, entry.number, entry.record);
        if (auto w = insert_audit(entry); !w) return std::unexpected(w.error());
        if (auto c = commit_write(); !c) return std::unexpected(c.error());
        return entry.number;
    }();
    if (!written) rollback_write();
    return written;
}

std::vector<std::string> ReportStore::audit_problems() const {
    std::vector<std::string> problems;
    const auto log = audit_log();
    if (const auto chain = verify_audit(log); !chain.sound())
        problems.push_back(fmt::format("audit log broken at entry {}: {}", chain.first_broken, chain.why));
    // Operator actions: the rows and the operators' entries, one for one, in order.
    const auto actions = operator_actions();
    std::size_t next = 0;
    for (const auto& e : log) {
        if (!e.record.actor.starts_with("operator:")) continue;
        const OperatorAction* a = next < actions.size() ? &actions[next] : nullptr;
        if (!a || to_string(a->what) != e.record.action || a->device != e.record.device || a->pec != e.record.pec ||
            a->sequence != e.record.sequence ||
            "operator:" + a->by != e.record.actor || a->reason != e.record.detail || a->at != e.record.at)
            problems.push_back(fmt::format("audit entry {} ({} by {}) has no matching operator action row {}", e.number,
                                           e.record.action, e.record.actor, next + 1));
        ++next;
    }
    if (next < actions.size())
        problems.push_back(fmt::format("{} operator action rows have no audit entry (the first: row {})", actions.size() - next, next + 1));
    // Stored reports: one "stored" entry each, with the stored body's hash.
    std::map<std::pair<std::string, std::uint64_t>, std::string> stored;
    for (const auto& e : log)
        if (e.record.action == "stored" && !stored.emplace(std::pair{e.record.device, e.record.sequence}, e.record.detail).second)
            problems.push_back(fmt::format("audit entry {}: {} sequence {} recorded as stored twice", e.number, e.record.device, e.record.sequence));
    for (const auto& k : keys()) {
        const auto it = stored.find({k.device, k.sequence});
        if (it == stored.end())
            problems.push_back(fmt::format("report {} sequence {} is stored but the audit log has no entry for it", k.device, k.sequence));
        else if (it->second != hex(k.body_hash))
            problems.push_back(fmt::format("report {} sequence {}: its body hash is not the one the audit log recorded", k.device, k.sequence));
        else
            stored.erase(it);
    }
    for (const auto& [key, hash] : stored)
        problems.push_back(fmt::format("the audit log records {} sequence {} as stored, the store has no such report", key.first, key.second));
    return problems;
}

Oversight ReportStore::oversight() const {
    const auto actions = operator_actions();
    auto state = replay(actions);
    if (!state) throw StoreCorrupt(fmt::format("{}: the stored operator actions do not replay: {}", name(), state.error().message));
    return std::move(*state);
}

bool ReportStore::settle_in_doubt(CommitOutcome& out) const {
    out.stored_elsewhere.clear();
    if (audit_written_up_to_ > 0) {  // the batch's audit entries are in its transaction: are they there?
        const auto head = audit_head();
        if (!head || head->number < audit_written_up_to_) return false;
    }
    for (const auto& s : staged_) {
        const auto hash = stored_hash(s.report.device, s.report.sequence);
        if (!hash) return false;
        if (*hash != s.report.body_hash) out.stored_elsewhere.push_back({s.ticket, *hash});
    }
    return true;
}

bool is_postgres_uri(std::string_view db) { return db.starts_with("postgresql://") || db.starts_with("postgres://"); }

std::unique_ptr<ReportStore> open_store(const std::string& db, GroupCommitPolicy policy) {
    if (is_postgres_uri(db)) return std::make_unique<PostgresStore>(db, policy);
    return std::make_unique<Store>(db, policy);
}

}  // namespace central
