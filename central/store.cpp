#include "central/store.hpp"

// Index of this file:
//   [SECTION] Schema
//   [SECTION] Statements and errors
//   [SECTION] Opening the store
//   [SECTION] Group commit
//   [SECTION] Audit log and operator actions
//   [SECTION] Reading back

#include <fmt/core.h>
#include <sqlite3.h>

#include "central/count_blob.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace central {

namespace {

// [SECTION] Schema

constexpr int kSqliteSchemaVersion = 4;

// Version 2: the vote counts live in the report's own row as compact blobs, not one row per option
// and per party (a final party-list report would write 22 + 21 rows and 9 KB of int64 preference
// blobs into two more B-trees; bench/bench_ingest measures the difference), and the only index is the
// UNIQUE(device, sequence) that makes every report stored at most once (a device belongs to one
// PEC, so it is the same key as (pec, device, sequence)). Fewer pages per report = fewer bytes to
// fsync per group commit. A list of counts is stored as varint n, varint m, then the first m
// counts as zigzag varints (so a negative value a caller passes survives the round trip; the
// ingest never stores one); counts m..n-1 are zero: preference votes for the lower places of
// long party lists mostly are, and are not written.
constexpr const char* kSqliteSchema = R"sql(
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
  option_votes BLOB NOT NULL,      -- counts ([0] against all), encoded as below
  preference_votes BLOB NOT NULL,  -- varint parties, then each party's counts encoded as below
  UNIQUE(device, sequence));
CREATE TABLE IF NOT EXISTS audit(
  number INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  pec INTEGER NOT NULL,
  device TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  detail TEXT NOT NULL,
  hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS operator_actions(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,
  device TEXT NOT NULL,
  pec INTEGER NOT NULL,
  by TEXT NOT NULL,
  reason TEXT NOT NULL,
  sequence INTEGER NOT NULL DEFAULT 0);
)sql";

// [SECTION] Statements and errors

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


}  // namespace

void Store::check(int rc, const char* what) const {
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
    const std::string msg = fmt::format("{}: {}: {} (SQLite {})", file_, what, sqlite3_errmsg(db_), rc);
    if (is_corruption(rc))
        throw StoreCorrupt(msg + "; the file is damaged or not a Shailoo store: keep it for inspection "
                                 "(sqlite3 FILE 'PRAGMA integrity_check') and start from a copy");
    throw std::runtime_error(msg);
}

// [SECTION] Opening the store

Store::Store(const std::filesystem::path& file, GroupCommitPolicy policy, StoreOpen open)
    : ReportStore(policy), file_(file.string()) {
    const int flags = open.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(file_.c_str(), &db_, flags, open.vfs.empty() ? nullptr : open.vfs.c_str());
    if (rc != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error(fmt::format("{}: cannot open the store: {}", file_, msg));
    }
    try {
        set_up(open.read_only);
    } catch (...) {
        sqlite3_finalize(insert_);
        sqlite3_finalize(audit_insert_);
        insert_ = audit_insert_ = nullptr;
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

void Store::set_up(bool read_only) {
    sqlite3_extended_result_codes(db_, 1);
    // WAL + FULL: every commit is fsynced before it returns; readers never block the writer.
    // (A read-only connection finds the file in WAL mode already, and writes nothing.)
    if (!read_only) check(sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr), "PRAGMA journal_mode=WAL");
    check(sqlite3_exec(db_, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr), "PRAGMA synchronous=FULL");
    check(sqlite3_exec(db_, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr), "PRAGMA foreign_keys=ON");
    // Checkpoint the WAL into the database every 16,384 pages (64 MiB) instead of SQLite's 1,000:
    // a checkpoint rewrites every page and fsyncs the database file inside the commit that
    // triggers it, which at the default comes every ~3,500 reports of an election-night burst
    // (bench/bench_ingest: commit time about a third lower). Durability does not depend on it:
    // every commit fsyncs the WAL.
    check(sqlite3_exec(db_, "PRAGMA wal_autocheckpoint=16384", nullptr, nullptr, nullptr), "PRAGMA wal_autocheckpoint");
    {
        Statement quick(db_, "PRAGMA quick_check");
        const int q = sqlite3_step(quick.get());
        check(q, "PRAGMA quick_check");
        if (q == SQLITE_ROW && quick.text_at(0) != "ok")
            throw StoreCorrupt(fmt::format("{}: integrity check failed: {}; keep the file for inspection and start "
                                           "from a copy", file_, quick.text_at(0)));
    }
    if (!read_only) check(sqlite3_exec(db_, kSqliteSchema, nullptr, nullptr, nullptr), "create schema");
    Statement get(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (sqlite3_step(get.get()) == SQLITE_ROW) {
        const auto v = get.text_at(0);
        if ((v == "2" || v == "3") && !read_only) {
            // Version 3 added the audit log and operator actions (a version 2 store gets them above,
            // empty); version 4 the accepted report's sequence number of an operator action.
            const std::string upgrade = v == "3" ? "BEGIN; ALTER TABLE operator_actions ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0; "
                                                   "UPDATE meta SET value = '4' WHERE key = 'schema_version'; COMMIT;"
                                                 : "UPDATE meta SET value = '4' WHERE key = 'schema_version'";
            check(sqlite3_exec(db_, upgrade.c_str(), nullptr, nullptr, nullptr), "upgrade the schema to version 4");
        } else if (v != std::to_string(kSqliteSchemaVersion)) {
            throw StoreCorrupt(fmt::format("{}: schema version {} but this server reads {}{}", file_, v, kSqliteSchemaVersion,
                                           v == "2" || v == "3" ? " (open it once read-write to upgrade it)" : ""));
        }
    } else if (read_only) {
        throw StoreCorrupt(fmt::format("{}: no schema version: not a Shailoo store (opened read only)", file_));
    } else {
        Statement put(db_, "INSERT INTO meta(key, value) VALUES('schema_version', ?1)");
        put.bind(1, std::to_string(kSqliteSchemaVersion));
        check(sqlite3_step(put.get()), "write schema version");
    }
    check(sqlite3_prepare_v3(db_,
                             "INSERT INTO reports(pec, box, device, sequence, kind, received_at, raw, body_hash, "
                             "ballots_in_box, valid, invalid, identified, ballots_issued, registered, violations, "
                             "option_votes, preference_votes) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
                             "ON CONFLICT(device, sequence) DO NOTHING",
                             -1, SQLITE_PREPARE_PERSISTENT, &insert_, nullptr),
          "prepare insert");
    check(sqlite3_prepare_v3(db_,
                             "INSERT INTO audit(number, at, actor, action, pec, device, sequence, detail, hash) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                             -1, SQLITE_PREPARE_PERSISTENT, &audit_insert_, nullptr),
          "prepare the audit insert");
}

Store::~Store() {
    sqlite3_finalize(insert_);
    sqlite3_finalize(audit_insert_);
    if (db_) sqlite3_close(db_);
}

// [SECTION] Group commit

core::Result<void> Store::write(const char* what, int rc) {
    ++writes_;
    if (rc == SQLITE_DONE || rc == SQLITE_OK) return {};
    if (is_corruption(rc)) check(rc, what);  // throws
    return core::fail(fmt::format("{}: {}: {} (SQLite {})", file_, what, sqlite3_errmsg(db_), rc));
}

core::Result<void> Store::insert(const Staged& s, CommitOutcome& out) {
    // One prepared statement for the life of the store (preparing it per report would cost as much as
    // the insert itself); SQLITE_STATIC: the bound buffers outlive the step.
    const StoredReport& r = s.report;
    sqlite3_stmt* ins = insert_;
    sqlite3_reset(ins);
    const auto box = box_name(r.source);
    count_blob::put_options(option_blob_, r);
    count_blob::put_preferences(preference_blob_, r);
    auto text = [&](int i, std::string_view t) { sqlite3_bind_text(ins, i, t.data(), static_cast<int>(t.size()), SQLITE_STATIC); };
    auto blob = [&](int i, const void* p, std::size_t n) { sqlite3_bind_blob(ins, i, n ? p : "", static_cast<int>(n), SQLITE_STATIC); };
    sqlite3_bind_int64(ins, 1, r.pec);
    text(2, box);
    text(3, r.device);
    sqlite3_bind_int64(ins, 4, static_cast<std::int64_t>(r.sequence));
    text(5, r.kind);
    sqlite3_bind_int64(ins, 6, r.received_at);
    blob(7, r.raw.data(), r.raw.size());
    blob(8, r.body_hash.data(), r.body_hash.size());
    sqlite3_bind_int64(ins, 9, r.ballots_in_box);
    sqlite3_bind_int64(ins, 10, r.valid);
    sqlite3_bind_int64(ins, 11, r.invalid);
    sqlite3_bind_int64(ins, 12, r.identified);
    sqlite3_bind_int64(ins, 13, r.ballots_issued);
    sqlite3_bind_int64(ins, 14, r.registered);
    text(15, r.violations);
    blob(16, option_blob_.data(), option_blob_.size());
    blob(17, preference_blob_.data(), preference_blob_.size());
    if (fail_count_.fail()) return write("insert report", SQLITE_IOERR);
    auto w = write("insert report", sqlite3_step(ins));
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    // ON CONFLICT DO NOTHING changed no row: the file already holds this (device, sequence).
    if (w && sqlite3_changes(db_) == 0) {
        const auto hash = stored_hash(r.device, r.sequence);
        if (!hash) return core::fail(fmt::format("{}: insert report: conflict on ({}, {}) but no such row", file_, r.device, r.sequence));
        out.stored_elsewhere.push_back({s.ticket, *hash});
    }
    return w;
}

core::Result<void> Store::write_batch(CommitOutcome& out) {
    if (fail_count_.fail()) return write("BEGIN", SQLITE_IOERR);
    if (auto w = write("BEGIN", sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr)); !w) return w;
    for (const auto& s : staged_)
        if (auto w = insert(s, out); !w) return w;
    if (auto w = write_staged_audit(out); !w) return w;
    if (fail_count_.fail()) return write("COMMIT", SQLITE_IOERR);
    auto committed = write("COMMIT", sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr));
    if (committed && in_doubt_.fail()) return write("COMMIT (reply lost after the sync)", SQLITE_IOERR);
    return committed;
}

CommitOutcome Store::commit() {
    CommitOutcome out;
    for (const auto& s : staged_) out.tickets.push_back(s.ticket);
    if (nothing_staged()) {
        out.committed = true;
        return out;
    }
    auto result = write_batch(out);
    if (!result) {
        rollback_write();
        // In doubt: an error from COMMIT does not prove the batch missed the disk. The batch is one
        // transaction, so either every row of it is in the file or none is: look, and never drop
        // a batch that is stored.
        if (!settle_in_doubt(out)) {
            staged_.clear();
            settle_staged_audit(false);
            out.stored_elsewhere.clear();
            out.error = result.error().message;
            return out;
        }
    }
    staged_.clear();
    settle_staged_audit(true);
    out.committed = true;
    return out;
}

// [SECTION] Audit log and operator actions

core::Result<void> Store::begin_write() {
    if (fail_count_.fail()) return write("BEGIN", SQLITE_IOERR);
    return write("BEGIN", sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr));
}

core::Result<void> Store::commit_write() {
    if (fail_count_.fail()) return write("COMMIT", SQLITE_IOERR);
    return write("COMMIT", sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr));
}

void Store::rollback_write() {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

core::Result<AuditEntry> Store::audit_head() const {
    Statement q(db_, "SELECT number, hash FROM audit ORDER BY number DESC LIMIT 1");
    const int rc = sqlite3_step(q.get());
    check(rc, "read the audit log's head");
    AuditEntry head;
    if (rc != SQLITE_ROW) return head;
    head.number = q.int_at(0);
    head.hash = hash_from(q.blob_at(1), "audit.hash");
    return head;
}

core::Result<void> Store::insert_audit(const AuditEntry& e) {
    // Prepared once, like the report insert: one audit row per report, in every group commit.
    sqlite3_stmt* ins = audit_insert_;
    sqlite3_reset(ins);
    auto text = [&](int i, std::string_view t) { sqlite3_bind_text(ins, i, t.data(), static_cast<int>(t.size()), SQLITE_STATIC); };
    sqlite3_bind_int64(ins, 1, e.number);
    sqlite3_bind_int64(ins, 2, e.record.at);
    text(3, e.record.actor);
    text(4, e.record.action);
    sqlite3_bind_int64(ins, 5, e.record.pec);
    text(6, e.record.device);
    sqlite3_bind_int64(ins, 7, static_cast<std::int64_t>(e.record.sequence));
    text(8, e.record.detail);
    sqlite3_bind_blob(ins, 9, e.hash.data(), static_cast<int>(e.hash.size()), SQLITE_STATIC);
    if (fail_count_.fail()) return write("insert audit entry", SQLITE_IOERR);
    auto w = write("insert audit entry", sqlite3_step(ins));
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    return w;
}

core::Result<void> Store::insert_operator_action(const OperatorAction& a) {
    Statement q(db_, "INSERT INTO operator_actions(at, action, device, pec, by, reason, sequence) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    q.bind(1, a.at);
    q.bind(2, to_string(a.what));
    q.bind(3, a.device);
    q.bind(4, static_cast<std::int64_t>(a.pec));
    q.bind(5, a.by);
    q.bind(6, a.reason);
    q.bind(7, static_cast<std::int64_t>(a.sequence));
    if (fail_count_.fail()) return write("insert operator action", SQLITE_IOERR);
    return write("insert operator action", sqlite3_step(q.get()));
}

std::array<std::uint8_t, 32> Store::hash_from(const std::vector<std::uint8_t>& h, const char* column) const {
    std::array<std::uint8_t, 32> out{};
    if (h.size() != out.size()) throw StoreCorrupt(fmt::format("{}: a {} of {} bytes", file_, column, h.size()));
    std::memcpy(out.data(), h.data(), h.size());
    return out;
}

std::optional<std::array<std::uint8_t, 32>> Store::stored_hash(const std::string& device, std::uint64_t sequence) const {
    Statement q(db_, "SELECT body_hash FROM reports WHERE device = ?1 AND sequence = ?2");
    q.bind(1, device);
    q.bind(2, static_cast<std::int64_t>(sequence));
    if (sqlite3_step(q.get()) != SQLITE_ROW) return std::nullopt;
    const auto h = q.blob_at(0);
    std::array<std::uint8_t, 32> out{};
    if (h.size() != out.size()) throw StoreCorrupt(fmt::format("{}: a body_hash of {} bytes", file_, h.size()));
    std::memcpy(out.data(), h.data(), h.size());
    return out;
}

// [SECTION] Reading back

std::vector<StoredKey> Store::read_keys(const char* sql, std::string_view device) const {
    std::vector<StoredKey> out;
    Statement q(db_, sql);
    if (!device.empty()) q.bind(1, device);
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        StoredKey k;
        k.pec = static_cast<int>(q.int_at(0));
        k.source = box_from_name(q.text_at(1), file_);
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

std::vector<StoredKey> Store::keys() const {
    return read_keys("SELECT pec, box, device, sequence, kind, body_hash FROM reports ORDER BY id", {});
}

std::vector<StoredKey> Store::keys_of(std::string_view device) const {
    if (device.empty()) return {};
    return read_keys("SELECT pec, box, device, sequence, kind, body_hash FROM reports WHERE device = ?1 ORDER BY sequence", device);
}

std::vector<StoredReport> Store::reports() const {
    std::vector<StoredReport> out;
    std::vector<std::int64_t> ids;
    {
        Statement q(db_,
                    "SELECT id, pec, box, device, sequence, kind, received_at, raw, body_hash, ballots_in_box, valid, "
                    "invalid, identified, ballots_issued, registered, violations, option_votes, preference_votes "
                    "FROM reports ORDER BY id");
        int rc;
        while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
            StoredReport r;
            ids.push_back(q.int_at(0));
            r.pec = static_cast<int>(q.int_at(1));
            r.source = box_from_name(q.text_at(2), file_);
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
            count_blob::read_counts(r, q.blob_at(16), q.blob_at(17), file_, ids.back());
            out.push_back(std::move(r));
        }
        check(rc, "read reports");
    }
    return out;
}

std::vector<OperatorAction> Store::operator_actions() const {
    std::vector<OperatorAction> out;
    Statement q(db_, "SELECT at, action, device, pec, by, reason, sequence FROM operator_actions ORDER BY id");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        auto what = parse_operator_do(q.text_at(1));
        if (!what) throw StoreCorrupt(fmt::format("{}: operator_actions.action: {}", file_, what.error().message));
        out.push_back({.what = *what, .device = q.text_at(2), .pec = static_cast<int>(q.int_at(3)),
                       .sequence = static_cast<std::uint64_t>(q.int_at(6)), .by = q.text_at(4), .reason = q.text_at(5), .at = q.int_at(0)});
    }
    check(rc, "read operator actions");
    return out;
}

std::vector<AuditEntry> Store::audit_log() const {
    std::vector<AuditEntry> out;
    Statement q(db_, "SELECT number, at, actor, action, pec, device, sequence, detail, hash FROM audit ORDER BY number");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW)
        out.push_back({.number = q.int_at(0),
                       .record = {.at = q.int_at(1), .actor = q.text_at(2), .action = q.text_at(3), .pec = static_cast<int>(q.int_at(4)),
                                  .device = q.text_at(5), .sequence = static_cast<std::uint64_t>(q.int_at(6)), .detail = q.text_at(7)},
                       .hash = hash_from(q.blob_at(8), "audit.hash")});
    check(rc, "read the audit log");
    return out;
}

std::vector<std::string> Store::integrity_problems() const {
    std::vector<std::string> problems;
    Statement q(db_, "PRAGMA integrity_check");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW)
        if (auto line = q.text_at(0); line != "ok") problems.push_back(std::move(line));
    check(rc, "integrity check");
    return problems;
}

std::int64_t Store::count() const {
    Statement q(db_, "SELECT count(*) FROM reports");
    check(sqlite3_step(q.get()), "count reports");
    return q.int_at(0);
}

}  // namespace central
