#include "central/store.hpp"

#include <fmt/core.h>
#include <sqlite3.h>

#include <cstring>

namespace central {

namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports(
  id INTEGER PRIMARY KEY,
  pec INTEGER NOT NULL,
  box TEXT NOT NULL,
  device TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  kind TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  raw BLOB NOT NULL,
  body_hash BLOB NOT NULL,
  ballots_in_box INTEGER NOT NULL,
  valid INTEGER NOT NULL,
  invalid INTEGER NOT NULL,
  identified INTEGER NOT NULL,
  ballots_issued INTEGER NOT NULL,
  registered INTEGER NOT NULL,
  violations TEXT NOT NULL,
  UNIQUE(pec, device, sequence));
CREATE TABLE IF NOT EXISTS option_votes(
  report_id INTEGER NOT NULL REFERENCES reports(id),
  option INTEGER NOT NULL,
  votes INTEGER NOT NULL,
  PRIMARY KEY(report_id, option)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS preference_votes(
  report_id INTEGER NOT NULL REFERENCES reports(id),
  party INTEGER NOT NULL,
  votes BLOB NOT NULL,   -- int64 little-endian per list position
  PRIMARY KEY(report_id, party)) WITHOUT ROWID;
)sql";

/// A prepared statement that finalises itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) {
        const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
        if (rc != SQLITE_OK)
            throw StoreCorrupt(fmt::format("store: cannot prepare '{}': {}", sql, sqlite3_errmsg(db)));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() const { return stmt_; }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    void bind(int i, std::string_view s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
    void bind_blob(int i, const void* p, std::size_t n) {
        sqlite3_bind_blob(stmt_, i, n ? p : "", static_cast<int>(n), SQLITE_TRANSIENT);
    }
    std::int64_t int_at(int i) const { return sqlite3_column_int64(stmt_, i); }
    std::string text_at(int i) const {
        const auto* p = sqlite3_column_text(stmt_, i);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string{};
    }
    std::vector<std::uint8_t> blob_at(int i) const {
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, i));
        return p ? std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(stmt_, i)) : std::vector<std::uint8_t>{};
    }

private:
    sqlite3_stmt* stmt_ = nullptr;
};

bool is_corruption(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

ReportSource source_from(const std::string& s, const std::string& file) {
    if (s == "party_list") return ReportSource::party_list;
    if (s == "district") return ReportSource::district;
    if (s == "identification") return ReportSource::identification;
    throw StoreCorrupt(fmt::format("{}: reports.box has unknown value '{}'", file, s));
}

}  // namespace

std::string_view to_string(ReportSource source) {
    switch (source) {
        case ReportSource::party_list: return "party_list";
        case ReportSource::district: return "district";
        case ReportSource::identification: return "identification";
    }
    return "unknown";
}

void Store::check(int rc, const char* what) const {
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
    const std::string msg = fmt::format("{}: {}: {} (SQLite {})", file_, what, sqlite3_errmsg(db_), rc);
    if (is_corruption(rc))
        throw StoreCorrupt(msg + "; the file is damaged or not a Shailoo store: keep it for inspection "
                                 "(sqlite3 FILE 'PRAGMA integrity_check') and start from a copy");
    throw std::runtime_error(msg);
}

Store::Store(const std::filesystem::path& file, GroupCommitPolicy policy) : file_(file.string()), policy_(policy) {
    const int rc = sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error(fmt::format("{}: cannot open the store: {}", file_, msg));
    }
    try {
        sqlite3_extended_result_codes(db_, 1);
        // WAL + FULL: every commit is fsynced before it returns; readers never block the writer.
        check(sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr), "PRAGMA journal_mode=WAL");
        check(sqlite3_exec(db_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr), "PRAGMA synchronous=FULL");
        check(sqlite3_exec(db_, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr), "PRAGMA foreign_keys=ON");
        {
            Statement quick(db_, "PRAGMA quick_check");
            const int q = sqlite3_step(quick.get());
            check(q, "PRAGMA quick_check");
            if (q == SQLITE_ROW && quick.text_at(0) != "ok")
                throw StoreCorrupt(fmt::format("{}: integrity check failed: {}; keep the file for inspection and start "
                                               "from a copy", file_, quick.text_at(0)));
        }
        check(sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr), "create schema");
        Statement get(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
        if (sqlite3_step(get.get()) == SQLITE_ROW) {
            const auto v = get.text_at(0);
            if (v != std::to_string(kSchemaVersion))
                throw StoreCorrupt(fmt::format("{}: schema version {} but this server reads {}", file_, v, kSchemaVersion));
        } else {
            Statement put(db_, "INSERT INTO meta(key, value) VALUES('schema_version', ?1)");
            put.bind(1, std::to_string(kSchemaVersion));
            check(sqlite3_step(put.get()), "write schema version");
        }
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

Store::~Store() {
    if (db_) sqlite3_close(db_);
}

std::uint64_t Store::stage(StoredReport report, core::Micros now) {
    const auto ticket = next_ticket_++;
    staged_.push_back({ticket, now, std::move(report)});
    return ticket;
}

bool Store::commit_due(core::Micros now) const {
    if (staged_.empty()) return false;
    return staged_.size() >= policy_.max_reports || now - staged_.front().at >= policy_.max_delay;
}

core::Result<void> Store::write(const char* what, int rc) {
    ++writes_;
    if (rc == SQLITE_DONE || rc == SQLITE_OK) return {};
    if (is_corruption(rc)) check(rc, what);  // throws
    return core::fail(fmt::format("{}: {}: {} (SQLite {})", file_, what, sqlite3_errmsg(db_), rc));
}

namespace {
/// Applies the fail-at-N hook before a write; true = this write must fail.
bool hook_fires(std::optional<int>& countdown) {
    if (!countdown) return false;
    if (*countdown == 0) {
        countdown.reset();
        return true;
    }
    --*countdown;
    return false;
}
}  // namespace

core::Result<void> Store::insert(const StoredReport& r) {
    Statement ins(db_,
                  "INSERT INTO reports(pec, box, device, sequence, kind, received_at, raw, body_hash, ballots_in_box, "
                  "valid, invalid, identified, ballots_issued, registered, violations) "
                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    ins.bind(1, r.pec);
    ins.bind(2, to_string(r.source));
    ins.bind(3, r.device);
    ins.bind(4, static_cast<std::int64_t>(r.sequence));
    ins.bind(5, r.kind);
    ins.bind(6, r.received_at);
    ins.bind_blob(7, r.raw.data(), r.raw.size());
    ins.bind_blob(8, r.body_hash.data(), r.body_hash.size());
    ins.bind(9, r.ballots_in_box);
    ins.bind(10, r.valid);
    ins.bind(11, r.invalid);
    ins.bind(12, r.identified);
    ins.bind(13, r.ballots_issued);
    ins.bind(14, r.registered);
    ins.bind(15, r.violations);
    if (hook_fires(fail_countdown_)) return write("insert report", SQLITE_IOERR);
    if (auto w = write("insert report", sqlite3_step(ins.get())); !w) return w;
    const auto id = sqlite3_last_insert_rowid(db_);
    if (!r.option_votes.empty()) {
        Statement opt(db_, "INSERT INTO option_votes(report_id, option, votes) VALUES(?1, ?2, ?3)");
        for (std::size_t i = 0; i < r.option_votes.size(); ++i) {
            sqlite3_reset(opt.get());
            opt.bind(1, id);
            opt.bind(2, static_cast<std::int64_t>(i));
            opt.bind(3, r.option_votes[i]);
            if (hook_fires(fail_countdown_)) return write("insert option votes", SQLITE_IOERR);
            if (auto w = write("insert option votes", sqlite3_step(opt.get())); !w) return w;
        }
    }
    if (!r.preference_votes.empty()) {
        Statement pref(db_, "INSERT INTO preference_votes(report_id, party, votes) VALUES(?1, ?2, ?3)");
        for (std::size_t p = 0; p < r.preference_votes.size(); ++p) {
            std::vector<std::uint8_t> blob(r.preference_votes[p].size() * 8);
            for (std::size_t k = 0; k < r.preference_votes[p].size(); ++k)
                for (int b = 0; b < 8; ++b)
                    blob[k * 8 + b] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(r.preference_votes[p][k]) >> (8 * b));
            sqlite3_reset(pref.get());
            pref.bind(1, id);
            pref.bind(2, static_cast<std::int64_t>(p + 1));
            pref.bind_blob(3, blob.data(), blob.size());
            if (hook_fires(fail_countdown_)) return write("insert preference votes", SQLITE_IOERR);
            if (auto w = write("insert preference votes", sqlite3_step(pref.get())); !w) return w;
        }
    }
    return {};
}

CommitOutcome Store::commit() {
    CommitOutcome out;
    for (const auto& s : staged_) out.tickets.push_back(s.ticket);
    if (staged_.empty()) {
        out.committed = true;
        return out;
    }
    auto run = [&]() -> core::Result<void> {
        if (hook_fires(fail_countdown_)) return write("BEGIN", SQLITE_IOERR);
        if (auto w = write("BEGIN", sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr)); !w) return w;
        for (const auto& s : staged_)
            if (auto w = insert(s.report); !w) return w;
        if (hook_fires(fail_countdown_)) return write("COMMIT", SQLITE_IOERR);
        return write("COMMIT", sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr));
    };
    auto result = run();
    staged_.clear();
    if (!result) {
        if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        out.error = result.error().message;
        return out;
    }
    out.committed = true;
    return out;
}

std::vector<StoredKey> Store::keys() const {
    std::vector<StoredKey> out;
    Statement q(db_, "SELECT pec, box, device, sequence, kind, body_hash FROM reports ORDER BY id");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        StoredKey k;
        k.pec = static_cast<int>(q.int_at(0));
        k.source = source_from(q.text_at(1), file_);
        k.device = q.text_at(2);
        k.sequence = static_cast<std::uint64_t>(q.int_at(3));
        k.kind = q.text_at(4);
        const auto h = q.blob_at(5);
        if (h.size() != k.body_hash.size()) throw StoreCorrupt(fmt::format("{}: a body_hash of {} bytes", file_, h.size()));
        std::memcpy(k.body_hash.data(), h.data(), h.size());
        out.push_back(std::move(k));
    }
    check(rc, "read report keys");
    return out;
}

std::vector<StoredReport> Store::reports() const {
    std::vector<StoredReport> out;
    std::vector<std::int64_t> ids;
    {
        Statement q(db_,
                    "SELECT id, pec, box, device, sequence, kind, received_at, raw, body_hash, ballots_in_box, valid, "
                    "invalid, identified, ballots_issued, registered, violations FROM reports ORDER BY id");
        int rc;
        while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
            StoredReport r;
            ids.push_back(q.int_at(0));
            r.pec = static_cast<int>(q.int_at(1));
            r.source = source_from(q.text_at(2), file_);
            r.device = q.text_at(3);
            r.sequence = static_cast<std::uint64_t>(q.int_at(4));
            r.kind = q.text_at(5);
            r.received_at = q.int_at(6);
            r.raw = q.blob_at(7);
            const auto h = q.blob_at(8);
            if (h.size() != r.body_hash.size()) throw StoreCorrupt(fmt::format("{}: a body_hash of {} bytes", file_, h.size()));
            std::memcpy(r.body_hash.data(), h.data(), h.size());
            r.ballots_in_box = q.int_at(9);
            r.valid = q.int_at(10);
            r.invalid = q.int_at(11);
            r.identified = q.int_at(12);
            r.ballots_issued = q.int_at(13);
            r.registered = q.int_at(14);
            r.violations = q.text_at(15);
            out.push_back(std::move(r));
        }
        check(rc, "read reports");
    }
    Statement opt(db_, "SELECT option, votes FROM option_votes WHERE report_id = ?1 ORDER BY option");
    Statement pref(db_, "SELECT party, votes FROM preference_votes WHERE report_id = ?1 ORDER BY party");
    for (std::size_t i = 0; i < out.size(); ++i) {
        sqlite3_reset(opt.get());
        opt.bind(1, ids[i]);
        int rc;
        while ((rc = sqlite3_step(opt.get())) == SQLITE_ROW) {
            const auto option = static_cast<std::size_t>(opt.int_at(0));
            if (option != out[i].option_votes.size())
                throw StoreCorrupt(fmt::format("{}: report {} has a gap in option_votes at {}", file_, ids[i], option));
            out[i].option_votes.push_back(opt.int_at(1));
        }
        check(rc, "read option votes");
        sqlite3_reset(pref.get());
        pref.bind(1, ids[i]);
        while ((rc = sqlite3_step(pref.get())) == SQLITE_ROW) {
            const auto blob = pref.blob_at(1);
            if (blob.size() % 8 != 0)
                throw StoreCorrupt(fmt::format("{}: report {} has a preference blob of {} bytes", file_, ids[i], blob.size()));
            auto& row = out[i].preference_votes.emplace_back();
            for (std::size_t k = 0; k < blob.size(); k += 8) {
                std::uint64_t v = 0;
                for (int b = 0; b < 8; ++b) v |= static_cast<std::uint64_t>(blob[k + b]) << (8 * b);
                row.push_back(static_cast<std::int64_t>(v));
            }
        }
        check(rc, "read preference votes");
    }
    return out;
}

std::int64_t Store::count() const {
    Statement q(db_, "SELECT count(*) FROM reports");
    check(sqlite3_step(q.get()), "count reports");
    return q.int_at(0);
}

}  // namespace central
