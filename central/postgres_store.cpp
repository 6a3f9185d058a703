#include "central/postgres_store.hpp"

// Index of this file:
//   [SECTION] Schema and statements
//   [SECTION] Parameters, results and errors
//   [SECTION] Connecting and the schema
//   [SECTION] Group commit
//   [SECTION] Audit log and operator actions
//   [SECTION] Reading back
//   [SECTION] Integrity

#include <endian.h>
#include <fmt/core.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <tuple>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "central/count_blob.hpp"

namespace central {

namespace {

// [SECTION] Schema and statements

constexpr const char* kPostgresSchemaVersion = "4";
// Taken around the schema's creation, so two processes that start at once do not both create it.
constexpr const char* kSchemaLock = "7324917017";
// Taken (for the transaction) before the audit log's head is read: writers append to the chain one
// at a time, whichever process they run in.
constexpr const char* kAuditLock = "7324917018";

// The SQLite store's schema in PostgreSQL's types (central/store.cpp says why the counts are blobs).
constexpr const char* kPostgresSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pec INTEGER NOT NULL,
  box TEXT NOT NULL,
  device TEXT NOT NULL,
  sequence BIGINT NOT NULL,
  kind TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  raw BYTEA NOT NULL,
  body_hash BYTEA NOT NULL,
  ballots_in_box BIGINT NOT NULL,
  valid BIGINT NOT NULL,
  invalid BIGINT NOT NULL,
  identified BIGINT NOT NULL,
  ballots_issued BIGINT NOT NULL,
  registered BIGINT NOT NULL,
  violations TEXT NOT NULL,
  option_votes BYTEA NOT NULL,
  preference_votes BYTEA NOT NULL,
  CONSTRAINT reports_device_sequence UNIQUE(device, sequence));
CREATE TABLE IF NOT EXISTS audit(
  number BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  pec INTEGER NOT NULL,
  device TEXT NOT NULL,
  sequence BIGINT NOT NULL,
  detail TEXT NOT NULL,
  hash BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS operator_actions(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  device TEXT NOT NULL,
  pec INTEGER NOT NULL,
  by TEXT NOT NULL,
  reason TEXT NOT NULL,
  sequence BIGINT NOT NULL DEFAULT 0);
)sql";

constexpr const char* kInsert =
    "INSERT INTO reports(pec, box, device, sequence, kind, received_at, raw, body_hash, ballots_in_box, valid, invalid, "
    "identified, ballots_issued, registered, violations, option_votes, preference_votes) "
    "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
    "ON CONFLICT (device, sequence) DO NOTHING RETURNING id";
constexpr const char* kKeyColumns = "SELECT pec, box, device, sequence, kind, body_hash FROM reports";

// PostgreSQL's type OIDs (catalog/pg_type.dat) of the parameters sent in binary (the prepared INSERT
// takes its types from the table).
constexpr Oid kInt4 = 23, kInt8 = 20, kText = 25, kBytea = 17;

// [SECTION] Parameters, results and errors

/// Statement parameters in PostgreSQL's binary format: integers in network byte order, text and
/// bytea as their bytes. Text and blobs are not copied: they must outlive the statement.
class Params {
public:
    void int4(std::int32_t v) { number(htobe32(static_cast<std::uint32_t>(v)), 4, kInt4); }
    void int8(std::int64_t v) { number(htobe64(static_cast<std::uint64_t>(v)), 8, kInt8); }
    void text(std::string_view t) { add(t.data(), t.size(), kText); }
    void bytes(const void* p, std::size_t n) { add(p, n, kBytea); }
    int size() const { return static_cast<int>(values_.size()); }
    const Oid* types() const { return types_.data(); }
    const char* const* values() const { return values_.data(); }
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }

private:
    void number(std::uint64_t be, std::size_t n, Oid type) {
        auto& slot = numbers_.emplace_back();
        std::memcpy(slot.data(), &be, n);
        add(slot.data(), n, type);
    }
    void add(const void* p, std::size_t n, Oid type) {
        values_.push_back(n ? static_cast<const char*>(p) : "");  // a null pointer would be SQL NULL
        lengths_.push_back(static_cast<int>(n));
        formats_.push_back(1);
        types_.push_back(type);
    }
    std::deque<std::array<char, 8>> numbers_;  // stable addresses
    std::vector<const char*> values_;
    std::vector<int> lengths_, formats_;
    std::vector<Oid> types_;
};

/// A PGresult that clears itself.
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;
PgResult wrap(PGresult* r) { return PgResult(r, &PQclear); }

/// Runs `sql` with `p`, results in binary.
PgResult exec(PGconn* conn, const char* sql, const Params& p = {}) {
    return wrap(PQexecParams(conn, sql, p.size(), p.types(), p.values(), p.lengths(), p.formats(), 1));
}

std::int64_t int8_at(const PGresult* r, int row, int col) {
    std::uint64_t v = 0;
    std::memcpy(&v, PQgetvalue(r, row, col), 8);
    return static_cast<std::int64_t>(be64toh(v));
}
std::int32_t int4_at(const PGresult* r, int row, int col) {
    std::uint32_t v = 0;
    std::memcpy(&v, PQgetvalue(r, row, col), 4);
    return static_cast<std::int32_t>(be32toh(v));
}
std::string text_at(const PGresult* r, int row, int col) {
    return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}
std::vector<std::uint8_t> bytes_at(const PGresult* r, int row, int col) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(r, row, col));
    return std::vector<std::uint8_t>(p, p + PQgetlength(r, row, col));
}

/// The server's (or libpq's) words on one line: "ERROR:  ...\nDETAIL: ..." -> "ERROR:  ...; DETAIL: ...".
std::string one_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    std::string out;
    for (char c : text) {
        if (c == '\n')
            out += "; ";
        else
            out += c;
    }
    return out;
}

/// True for SQLSTATE XX001 (data_corrupted) and XX002 (index_corrupted): the store cannot be trusted.
bool is_corruption(const PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return state && (std::strcmp(state, "XX001") == 0 || std::strcmp(state, "XX002") == 0);
}


std::array<std::uint8_t, 32> hash_at(const PGresult* r, int row, int col, const std::string& store) {
    std::array<std::uint8_t, 32> h{};
    if (PQgetlength(r, row, col) != static_cast<int>(h.size()))
        throw StoreCorrupt(fmt::format("{}: a body_hash of {} bytes", store, PQgetlength(r, row, col)));
    std::memcpy(h.data(), PQgetvalue(r, row, col), h.size());
    return h;
}

}  // namespace

std::string redacted_uri(const std::string& uri) {
    std::string out = uri;
    const auto scheme = out.find("://");
    if (scheme != std::string::npos) {
        const auto start = scheme + 3;
        const auto at = out.find('@', start);
        const auto slash = out.find('/', start);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            const auto colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    for (std::size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
        const auto end = out.find('&', p);
        out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
    }
    return out;
}

std::string PostgresStore::error_text(const char* what, const pg_result* res) const {
    const char* words = res ? PQresultErrorMessage(res) : nullptr;
    if (!words || !*words) words = PQerrorMessage(conn_);
    return fmt::format("{}: {}: {}", name_, what, one_line(words));
}

// [SECTION] Connecting and the schema

PostgresStore::PostgresStore(const std::string& uri, GroupCommitPolicy policy)
    : ReportStore(policy), uri_(uri), name_(redacted_uri(uri)) {
    conn_ = PQconnectdb(uri_.c_str());
    try {
        if (!conn_ || PQstatus(conn_) != CONNECTION_OK)
            throw std::runtime_error(fmt::format("{}: cannot connect to the store: {}", name_,
                                                 conn_ ? one_line(PQerrorMessage(conn_)) : "out of memory"));
        connect();
        set_up();
    } catch (...) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw;
    }
}

PostgresStore::~PostgresStore() { PQfinish(conn_); }

void PostgresStore::connect() const {
    // Notices ("relation already exists, skipping") are not for the operator's terminal.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    // Durable before ack: COMMIT returns only once the WAL is flushed. `off` is raised to `on` (and
    // `local`, which would not wait for a synchronous standby); `remote_write` and `remote_apply`
    // flush locally too and also wait for the standby: kept.
    const auto sync = synchronous_commit();
    if (sync == "off" || sync == "local") {
        auto set = exec(conn_, "SET synchronous_commit = on");
        if (PQresultStatus(set.get()) != PGRES_COMMAND_OK) throw std::runtime_error(error_text("SET synchronous_commit", set.get()));
    }
}

std::string PostgresStore::synchronous_commit() const {
    auto r = exec(conn_, "SELECT current_setting('synchronous_commit')");
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1)
        throw std::runtime_error(error_text("read synchronous_commit", r.get()));
    return text_at(r.get(), 0, 0);
}

int PostgresStore::backend_pid() const { return PQbackendPID(conn_); }

void PostgresStore::set_up() const {
    auto lock = exec(conn_, fmt::format("SELECT pg_advisory_lock({})", kSchemaLock).c_str());
    if (PQresultStatus(lock.get()) != PGRES_TUPLES_OK) throw std::runtime_error(error_text("lock for the schema", lock.get()));
    struct Unlock {
        PGconn* conn;
        ~Unlock() { PQclear(PQexec(conn, fmt::format("SELECT pg_advisory_unlock({})", kSchemaLock).c_str())); }
    } unlock{conn_};
    auto schema = wrap(PQexec(conn_, kPostgresSchema));
    if (PQresultStatus(schema.get()) != PGRES_COMMAND_OK) throw std::runtime_error(error_text("create schema", schema.get()));
    // amcheck for integrity_problems(); only a superuser may create it: a plain user's store works without.
    PQclear(PQexec(conn_, "CREATE EXTENSION IF NOT EXISTS amcheck"));
    auto get = exec(conn_, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (PQresultStatus(get.get()) != PGRES_TUPLES_OK) throw std::runtime_error(error_text("read schema version", get.get()));
    if (PQntuples(get.get()) == 1) {
        const auto v = text_at(get.get(), 0, 0);
        if (v == "2" || v == "3") {
            // Version 3 added the audit log and operator actions (created above for a version 2
            // store, empty); version 4 the accepted report's sequence number of an operator action.
            auto up = wrap(PQexec(conn_, "BEGIN; ALTER TABLE operator_actions ADD COLUMN IF NOT EXISTS sequence BIGINT NOT NULL DEFAULT 0; "
                                         "UPDATE meta SET value = '4' WHERE key = 'schema_version'; COMMIT"));
            if (PQresultStatus(up.get()) != PGRES_COMMAND_OK) throw std::runtime_error(error_text("upgrade the schema", up.get()));
        } else if (v != kPostgresSchemaVersion) {
            throw StoreCorrupt(fmt::format("{}: schema version {} but this server reads {}", name_, v, kPostgresSchemaVersion));
        }
    } else {
        auto put = exec(conn_, "INSERT INTO meta(key, value) VALUES('schema_version', '4') ON CONFLICT DO NOTHING");
        if (PQresultStatus(put.get()) != PGRES_COMMAND_OK) throw std::runtime_error(error_text("write schema version", put.get()));
    }
    auto prepared = wrap(PQprepare(conn_, "shailoo_insert", kInsert, 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) throw std::runtime_error(error_text("prepare insert", prepared.get()));
}

bool PostgresStore::reconnect_if_lost() const {
    if (PQstatus(conn_) == CONNECTION_OK) return true;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    try {
        connect();
        set_up();
    } catch (const std::runtime_error&) {
        return false;
    }
    return true;
}

// [SECTION] Group commit

core::Result<void> PostgresStore::exec_write(const char* what, const char* sql) {
    ++writes_;
    if (fail_count_.fail()) return core::fail(fmt::format("{}: {}: failed before it reached the server (fail_at)", name_, what));
    auto r = wrap(PQexec(conn_, sql));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        if (is_corruption(r.get())) throw StoreCorrupt(error_text(what, r.get()));
        return core::fail(error_text(what, r.get()));
    }
    // A COMMIT of a transaction that failed is answered ROLLBACK: nothing was stored.
    if (std::strcmp(what, "COMMIT") == 0 && std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0)
        return core::fail(fmt::format("{}: COMMIT: the server rolled the transaction back ({})", name_, PQcmdStatus(r.get())));
    return {};
}

core::Result<void> PostgresStore::insert(const Staged& s, CommitOutcome& out) {
    const StoredReport& r = s.report;
    ++writes_;
    if (fail_count_.fail()) return core::fail(fmt::format("{}: insert report: failed before it reached the server (fail_at)", name_));
    count_blob::put_options(option_blob_, r);
    count_blob::put_preferences(preference_blob_, r);
    Params p;
    p.int4(r.pec);
    p.text(box_name(r.source));
    p.text(r.device);
    p.int8(static_cast<std::int64_t>(r.sequence));
    p.text(r.kind);
    p.int8(r.received_at);
    p.bytes(r.raw.data(), r.raw.size());
    p.bytes(r.body_hash.data(), r.body_hash.size());
    for (auto v : {r.ballots_in_box, r.valid, r.invalid, r.identified, r.ballots_issued, r.registered}) p.int8(v);
    p.text(r.violations);
    p.bytes(option_blob_.data(), option_blob_.size());
    p.bytes(preference_blob_.data(), preference_blob_.size());
    auto res = wrap(PQexecPrepared(conn_, "shailoo_insert", p.size(), p.values(), p.lengths(), p.formats(), 1));
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
        if (is_corruption(res.get())) throw StoreCorrupt(error_text("insert report", res.get()));
        return core::fail(error_text("insert report", res.get()));
    }
    // ON CONFLICT DO NOTHING returned no row: the database holds this (device, sequence) already
    // (committed: the INSERT waited for any transaction writing it to end).
    if (PQntuples(res.get()) == 0) {
        const auto hash = stored_hash(r.device, r.sequence);
        if (!hash) return core::fail(fmt::format("{}: insert report: conflict on ({}, {}) but no such row", name_, r.device, r.sequence));
        out.stored_elsewhere.push_back({s.ticket, *hash});
    }
    return {};
}

core::Result<void> PostgresStore::write_batch(CommitOutcome& out) {
    // Rows in (device, sequence) order: two processes whose batches hold the same reports then take
    // their index locks in the same order, so one waits for the other instead of a deadlock (which
    // PostgreSQL would end after deadlock_timeout by aborting a batch). A device's reports keep their
    // sequence order; aggregation takes the latest report by sequence, not by row.
    std::vector<const Staged*> order;
    for (const auto& s : staged_) order.push_back(&s);
    std::stable_sort(order.begin(), order.end(), [](const Staged* a, const Staged* b) {
        return std::tie(a->report.device, a->report.sequence) < std::tie(b->report.device, b->report.sequence);
    });
    if (auto w = exec_write("BEGIN", "BEGIN"); !w) return w;
    for (const auto* s : order)
        if (auto w = insert(*s, out); !w) return w;
    std::sort(out.stored_elsewhere.begin(), out.stored_elsewhere.end(),
              [](const StoredElsewhere& a, const StoredElsewhere& b) { return a.ticket < b.ticket; });
    if (auto w = write_staged_audit(out); !w) return w;
    auto committed = exec_write("COMMIT", "COMMIT");
    if (committed && in_doubt_.fail()) return core::fail(fmt::format("{}: COMMIT: reply lost after the commit (in-doubt hook)", name_));
    return committed;
}

CommitOutcome PostgresStore::commit() {
    CommitOutcome out;
    for (const auto& s : staged_) out.tickets.push_back(s.ticket);
    if (nothing_staged()) {
        out.committed = true;
        return out;
    }
    auto drop = [&](std::string error) {
        staged_.clear();
        settle_staged_audit(false);
        out.stored_elsewhere.clear();
        out.error = std::move(error);
        return out;
    };
    if (!reconnect_if_lost()) return drop(fmt::format("{}: connection lost and not reopened: {}", name_, one_line(PQerrorMessage(conn_))));
    auto result = write_batch(out);
    if (!result) {
        rollback_write();
        // In doubt: an error from COMMIT (a lost reply, a lost connection) does not prove the batch
        // missed the database. It is one transaction: look whether its rows are there, and never drop
        // a batch that is stored. When the database cannot be asked, drop it: the UNIQUE constraint
        // answers the senders' retransmissions (duplicate if it was stored after all).
        bool stored = false;
        try {
            stored = reconnect_if_lost() && settle_in_doubt(out);
        } catch (const std::runtime_error&) {
            stored = false;
        }
        if (!stored) return drop(result.error().message);
    }
    staged_.clear();
    settle_staged_audit(true);
    out.committed = true;
    return out;
}

std::optional<std::array<std::uint8_t, 32>> PostgresStore::stored_hash(const std::string& device, std::uint64_t sequence) const {
    Params p;
    p.text(device);
    p.int8(static_cast<std::int64_t>(sequence));
    auto r = exec(conn_, "SELECT body_hash FROM reports WHERE device = $1 AND sequence = $2", p);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error(error_text("read a stored report's hash", r.get()));
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return hash_at(r.get(), 0, 0, name_);
}

// [SECTION] Audit log and operator actions

core::Result<void> PostgresStore::begin_write() {
    if (!reconnect_if_lost()) return core::fail(fmt::format("{}: connection lost and not reopened: {}", name_, one_line(PQerrorMessage(conn_))));
    return exec_write("BEGIN", "BEGIN");
}

core::Result<void> PostgresStore::commit_write() { return exec_write("COMMIT", "COMMIT"); }

void PostgresStore::rollback_write() {
    if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
}

core::Result<AuditEntry> PostgresStore::audit_head() const {
    auto lock = exec(conn_, fmt::format("SELECT pg_advisory_xact_lock({})", kAuditLock).c_str());
    if (PQresultStatus(lock.get()) != PGRES_TUPLES_OK) return core::fail(error_text("lock the audit log", lock.get()));
    auto r = exec(conn_, "SELECT number, hash FROM audit ORDER BY number DESC LIMIT 1");
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return core::fail(error_text("read the audit log's head", r.get()));
    AuditEntry head;
    if (PQntuples(r.get()) == 0) return head;
    head.number = int8_at(r.get(), 0, 0);
    head.hash = hash_at(r.get(), 0, 1, name_);
    return head;
}

core::Result<void> PostgresStore::insert_audit(const AuditEntry& e) {
    ++writes_;
    if (fail_count_.fail()) return core::fail(fmt::format("{}: insert audit entry: failed before it reached the server (fail_at)", name_));
    Params p;
    p.int8(e.number);
    p.int8(e.record.at);
    p.text(e.record.actor);
    p.text(e.record.action);
    p.int4(e.record.pec);
    p.text(e.record.device);
    p.int8(static_cast<std::int64_t>(e.record.sequence));
    p.text(e.record.detail);
    p.bytes(e.hash.data(), e.hash.size());
    auto r = exec(conn_, "INSERT INTO audit(number, at, actor, action, pec, device, sequence, detail, hash) "
                         "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)", p);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return core::fail(error_text("insert audit entry", r.get()));
    return {};
}

core::Result<void> PostgresStore::insert_operator_action(const OperatorAction& a) {
    ++writes_;
    if (fail_count_.fail()) return core::fail(fmt::format("{}: insert operator action: failed before it reached the server (fail_at)", name_));
    Params p;
    p.int8(a.at);
    p.text(to_string(a.what));
    p.text(a.device);
    p.int4(a.pec);
    p.text(a.by);
    p.text(a.reason);
    p.int8(static_cast<std::int64_t>(a.sequence));
    auto r = exec(conn_, "INSERT INTO operator_actions(at, action, device, pec, by, reason, sequence) VALUES($1, $2, $3, $4, $5, $6, $7)", p);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return core::fail(error_text("insert operator action", r.get()));
    return {};
}

std::vector<OperatorAction> PostgresStore::operator_actions() const {
    auto r = exec(conn_, "SELECT at, action, device, pec, by, reason, sequence FROM operator_actions ORDER BY id");
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error(error_text("read operator actions", r.get()));
    std::vector<OperatorAction> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        auto what = parse_operator_do(text_at(r.get(), i, 1));
        if (!what) throw StoreCorrupt(fmt::format("{}: operator_actions.action: {}", name_, what.error().message));
        out.push_back({.what = *what, .device = text_at(r.get(), i, 2), .pec = int4_at(r.get(), i, 3),
                       .sequence = static_cast<std::uint64_t>(int8_at(r.get(), i, 6)), .by = text_at(r.get(), i, 4), .reason = text_at(r.get(), i, 5),
                       .at = int8_at(r.get(), i, 0)});
    }
    return out;
}

std::vector<AuditEntry> PostgresStore::audit_log() const {
    reconnect_if_lost();  // a connection lost since the last statement: this one says why if it is still down
    auto r = exec(conn_, "SELECT number, at, actor, action, pec, device, sequence, detail, hash FROM audit ORDER BY number");
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error(error_text("read the audit log", r.get()));
    std::vector<AuditEntry> out;
    const PGresult* q = r.get();
    for (int i = 0; i < PQntuples(q); ++i)
        out.push_back({.number = int8_at(q, i, 0),
                       .record = {.at = int8_at(q, i, 1), .actor = text_at(q, i, 2), .action = text_at(q, i, 3), .pec = int4_at(q, i, 4),
                                  .device = text_at(q, i, 5), .sequence = static_cast<std::uint64_t>(int8_at(q, i, 6)), .detail = text_at(q, i, 7)},
                       .hash = hash_at(q, i, 8, name_)});
    return out;
}

// [SECTION] Reading back

std::vector<StoredKey> PostgresStore::read_keys(pg_result* res) const {
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        if (is_corruption(res)) throw StoreCorrupt(error_text("read report keys", res));
        throw std::runtime_error(error_text("read report keys", res));
    }
    std::vector<StoredKey> out;
    for (int i = 0; i < PQntuples(res); ++i) {
        StoredKey k;
        k.pec = int4_at(res, i, 0);
        k.source = box_from_name(text_at(res, i, 1), name_);
        k.device = text_at(res, i, 2);
        k.sequence = static_cast<std::uint64_t>(int8_at(res, i, 3));
        k.kind = text_at(res, i, 4);
        k.body_hash = hash_at(res, i, 5, name_);
        out.push_back(std::move(k));
    }
    return out;
}

std::vector<StoredKey> PostgresStore::keys() const {
    reconnect_if_lost();  // a connection lost since the last statement: this one says why if it is still down
    auto r = exec(conn_, fmt::format("{} ORDER BY id", kKeyColumns).c_str());
    return read_keys(r.get());
}

std::vector<StoredKey> PostgresStore::keys_of(std::string_view device) const {
    reconnect_if_lost();  // a connection lost since the last statement: this one says why if it is still down
    Params p;
    p.text(device);
    auto r = exec(conn_, fmt::format("{} WHERE device = $1 ORDER BY sequence", kKeyColumns).c_str(), p);
    return read_keys(r.get());
}

std::vector<StoredReport> PostgresStore::reports() const {
    reconnect_if_lost();  // a connection lost since the last statement: this one says why if it is still down
    auto res = exec(conn_,
                    "SELECT id, pec, box, device, sequence, kind, received_at, raw, body_hash, ballots_in_box, valid, "
                    "invalid, identified, ballots_issued, registered, violations, option_votes, preference_votes "
                    "FROM reports ORDER BY id");
    const PGresult* q = res.get();
    if (PQresultStatus(q) != PGRES_TUPLES_OK) {
        if (is_corruption(q)) throw StoreCorrupt(error_text("read reports", q));
        throw std::runtime_error(error_text("read reports", q));
    }
    std::vector<StoredReport> out;
    out.reserve(static_cast<std::size_t>(PQntuples(q)));
    for (int i = 0; i < PQntuples(q); ++i) {
        StoredReport r;
        const auto id = int8_at(q, i, 0);
        r.pec = int4_at(q, i, 1);
        r.source = box_from_name(text_at(q, i, 2), name_);
        r.device = text_at(q, i, 3);
        r.sequence = static_cast<std::uint64_t>(int8_at(q, i, 4));
        r.kind = text_at(q, i, 5);
        r.received_at = int8_at(q, i, 6);
        r.raw = bytes_at(q, i, 7);
        r.body_hash = hash_at(q, i, 8, name_);
        r.ballots_in_box = int8_at(q, i, 9);
        r.valid = int8_at(q, i, 10);
        r.invalid = int8_at(q, i, 11);
        r.identified = int8_at(q, i, 12);
        r.ballots_issued = int8_at(q, i, 13);
        r.registered = int8_at(q, i, 14);
        r.violations = text_at(q, i, 15);
        count_blob::read_counts(r, bytes_at(q, i, 16), bytes_at(q, i, 17), name_, id);
        out.push_back(std::move(r));
    }
    return out;
}

std::int64_t PostgresStore::count() const {
    reconnect_if_lost();  // a connection lost since the last statement: this one says why if it is still down
    auto r = exec(conn_, "SELECT count(*) FROM reports");
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error(error_text("count reports", r.get()));
    return int8_at(r.get(), 0, 0);
}

// [SECTION] Integrity

std::vector<std::string> PostgresStore::integrity_problems() const {
    reconnect_if_lost();  // a connection lost since the last statement: this one says why if it is still down
    std::vector<std::string> problems;
    auto has = exec(conn_, "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'");
    if (PQresultStatus(has.get()) != PGRES_TUPLES_OK || PQntuples(has.get()) == 0) {
        problems.push_back(fmt::format("{}: the amcheck extension is not installed in this database (a superuser runs "
                                       "CREATE EXTENSION amcheck): the store was not checked", name_));
        return problems;
    }
    // Every heap page of the store's tables (verify_heapam lists what it finds wrong, one row each)...
    for (const char* table : {"reports", "meta", "audit", "operator_actions"}) {
        Params p;
        p.text(table);
        auto r = wrap(PQexecParams(conn_, "SELECT coalesce(blkno::text, '?'), coalesce(offnum::text, '?'), msg FROM verify_heapam($1::text::regclass)",
                                   p.size(), p.types(), p.values(), p.lengths(), p.formats(), 0));
        if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
            problems.push_back(error_text(table, r.get()));
            continue;
        }
        for (int i = 0; i < PQntuples(r.get()); ++i)
            problems.push_back(fmt::format("{}: block {} item {}: {}", table, PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1),
                                           PQgetvalue(r.get(), i, 2)));
    }
    // ...and every B-tree index on them, each heap tuple looked up in its index (heapallindexed).
    auto indexes = wrap(PQexec(conn_, "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid IN ('reports'::regclass, "
                                      "'meta'::regclass, 'audit'::regclass, 'operator_actions'::regclass)"));
    if (PQresultStatus(indexes.get()) != PGRES_TUPLES_OK) {
        problems.push_back(error_text("list indexes", indexes.get()));
        return problems;
    }
    for (int i = 0; i < PQntuples(indexes.get()); ++i) {
        const std::string index = PQgetvalue(indexes.get(), i, 0);
        Params p;
        p.text(index);
        auto r = wrap(PQexecParams(conn_, "SELECT bt_index_check($1::text::regclass, true)", p.size(), p.types(), p.values(),
                                   p.lengths(), p.formats(), 0));
        if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) problems.push_back(error_text(index.c_str(), r.get()));
    }
    return problems;
}

}  // namespace central
