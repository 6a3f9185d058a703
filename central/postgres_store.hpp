#pragma once
/// The PostgreSQL store (central/report_store.hpp has the interface and the guarantees), through
/// libpq. For the CEC's database server: several `shailoo serve` processes may share one database.
///
/// Durable before ack: every connection runs with synchronous_commit at least `on` (the store sets
/// `on` when the server's default is `off` or `local`; `remote_write` and `remote_apply`, for a
/// synchronous standby, are kept), so COMMIT returns once the WAL is flushed (and, with a standby
/// in synchronous_standby_names, once the standby has it).
/// Schema (the SQLite store's, in PostgreSQL's types; docs/serve.md shows how to create the database):
///   meta(key TEXT PRIMARY KEY, value TEXT)               -- schema_version = 2
///   reports(id BIGINT identity, pec INTEGER, box TEXT, device TEXT, sequence BIGINT, kind TEXT,
///           received_at BIGINT, raw BYTEA, body_hash BYTEA, ballots_in_box .. registered BIGINT,
///           violations TEXT, option_votes BYTEA, preference_votes BYTEA, UNIQUE(device, sequence))
/// The schema is created at opening under an advisory lock, so two processes starting at once do
/// not race. Group commit: BEGIN, one prepared INSERT ... ON CONFLICT (device, sequence) DO NOTHING
/// RETURNING id per report, COMMIT. A lost connection is reopened at the next commit or read (the
/// read that finds it lost fails, in libpq's words); a COMMIT
/// whose reply is lost is in doubt and settled by reading the batch's rows back (when the
/// database cannot be reached to settle it, the batch is dropped: the senders' retransmissions are
/// then answered by the UNIQUE constraint, as duplicates if it was stored).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "central/report_store.hpp"
#include "core/result.hpp"

struct pg_conn;
struct pg_result;

namespace central {

/// The PostgreSQL store. Single writer: one thread owns it.
class PostgresStore final : public ReportStore {
public:
    /// Connects to `uri` (a libpq connection URI, postgresql://...) and creates the schema if absent.
    /// Throws std::runtime_error with the server's words when it cannot connect, StoreCorrupt when
    /// the database holds another schema version.
    explicit PostgresStore(const std::string& uri, GroupCommitPolicy policy = {});
    ~PostgresStore() override;

    CommitOutcome commit() override;
    std::vector<StoredKey> keys() const override;
    std::vector<StoredKey> keys_of(std::string_view device) const override;
    std::vector<StoredReport> reports() const override;
    std::int64_t count() const override;
    /// amcheck: verify_heapam on the store's tables and bt_index_check (heapallindexed) on their
    /// indexes; a database without the amcheck extension (postgresql-contrib) is reported as a problem.
    std::vector<std::string> integrity_problems() const override;
    const std::string& name() const override { return name_; }
    std::vector<OperatorAction> operator_actions() const override;
    std::vector<AuditEntry> audit_log() const override;

    /// The server process of this store's connection (pg_backend_pid), for tests that cut it.
    int backend_pid() const;
    /// The synchronous_commit in force on this store's connection.
    std::string synchronous_commit() const;

private:
    std::optional<std::array<std::uint8_t, 32>> stored_hash(const std::string& device, std::uint64_t sequence) const override;
    core::Result<void> begin_write() override;
    core::Result<void> commit_write() override;
    void rollback_write() override;
    core::Result<AuditEntry> audit_head() const override;  // under an advisory transaction lock
    core::Result<void> insert_audit(const AuditEntry& entry) override;
    core::Result<void> insert_operator_action(const OperatorAction& action) override;
    void connect() const;                               // connection settings
    void set_up() const;                                // schema under an advisory lock, schema version, prepared insert
    bool reconnect_if_lost() const;                     // true when the connection is usable
    core::Result<void> exec_write(const char* what, const char* sql);
    core::Result<void> insert(const Staged& s, CommitOutcome& out);
    core::Result<void> write_batch(CommitOutcome& out);  // BEGIN, the inserts, COMMIT
    std::string error_text(const char* what, const pg_result* res) const;
    std::vector<StoredKey> read_keys(pg_result* res) const;

    pg_conn* conn_ = nullptr;
    std::string uri_;
    std::string name_;
    std::vector<std::uint8_t> option_blob_, preference_blob_;  // reused encode buffers
};

/// The URI with its password (if any) replaced by "***", for messages and logs.
std::string redacted_uri(const std::string& uri);

}  // namespace central
