#include "central/report_store.hpp"

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

std::uint64_t ReportStore::stage(StoredReport report, core::Micros now) {
    const auto ticket = next_ticket_++;
    staged_.push_back({ticket, now, std::move(report)});
    return ticket;
}

bool ReportStore::commit_due(core::Micros now) const {
    if (staged_.empty()) return false;
    return staged_.size() >= policy_.max_reports || now - staged_.front().at >= policy_.max_delay;
}

bool ReportStore::settle_in_doubt(CommitOutcome& out) const {
    out.stored_elsewhere.clear();
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
