#pragma once
/// The CEC's durable store of received reports, as the ingest and the results page see it: one
/// interface (ReportStore), two databases behind it - SQLite, one file (central/store.hpp, `Store`),
/// and PostgreSQL, a server that several ingest processes share (central/postgres_store.hpp).
///
/// Both keep the same guarantees: a commit() that says committed is durable (SQLite: WAL with
/// synchronous=FULL; PostgreSQL: synchronous_commit at least `on`); a report is stored at most once
/// per (device, sequence), decided by the database's UNIQUE constraint (INSERT ... ON CONFLICT DO
/// NOTHING), never by a check-then-insert; one transaction per staged batch (group commit).
///
/// Group commit: reports are staged and written many per transaction. A batch is due when it
/// holds `max_reports` or its oldest report has waited `max_delay`; the caller supplies the time
/// (central/ has no clock) and calls commit() when due. Whoever acknowledges reports to the PECs
/// does so only for tickets that commit() returned as committed.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "central/oversight.hpp"
#include "core/clock.hpp"
#include "core/device_keys.hpp"
#include "core/fail_count.hpp"
#include "core/result.hpp"

namespace central {

/// The database cannot be used (corrupt, not a database, newer schema): abort the operation.
class StoreCorrupt : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The store's name for a report's origin, the reporting device's role (reports.box:
/// "party_list", "district", "identification"; also in ingest's messages).
std::string_view box_name(core::DeviceRole source);
/// The role whose box_name is `name`, as a store reads reports.box back; anything else throws
/// StoreCorrupt naming `store` (its file or database).
core::DeviceRole box_from_name(const std::string& name, const std::string& store);

/// One received report as stored: the raw message and the counts decoded from it.
struct StoredReport {
    int pec = 0;                          ///< PEC number
    core::DeviceRole source = core::DeviceRole::arbb_party_list;  ///< box or identification
    std::string device;                   ///< sending device id
    std::uint64_t sequence = 0;           ///< the device's sequence number
    std::string kind;                     ///< "zero", "initial", "final", "identification"
    core::Micros received_at = 0;         ///< server time of receipt
    std::vector<std::uint8_t> raw;        ///< the SignedReport bytes exactly as received
    std::array<std::uint8_t, 32> body_hash{};  ///< BLAKE2b-256 of the signed body
    std::int64_t ballots_in_box = 0;      ///< ARBB: sheets in the box
    std::int64_t valid = 0;               ///< ARBB: valid ballots
    std::int64_t invalid = 0;             ///< ARBB: invalid ballots
    std::int64_t identified = 0;          ///< identification: voters identified (all methods)
    std::int64_t ballots_issued = 0;      ///< identification: ballots issued; ARBB final: the commission's figure
    std::int64_t registered = 0;          ///< voters on the PEC's list (from the package)
    std::vector<std::int64_t> option_votes;                   ///< ARBB: [0] against all, [i] option i
    std::vector<std::vector<std::int64_t>> preference_votes;  ///< party list: [p-1][k-1]
    std::string violations;               ///< broken control ratios, one per line (empty if none)
    bool operator==(const StoredReport&) const = default;
};

/// When a staged batch must be committed.
struct GroupCommitPolicy {
    std::size_t max_reports = 256;          ///< commit when this many are staged
    core::Micros max_delay = 20'000;        ///< or when the oldest has waited this long (20 ms)
};

/// A staged report whose (device, sequence) the database already held when the batch was written
/// (another ingest process on the same database stored it first): this one was not written.
struct StoredElsewhere {
    std::uint64_t ticket = 0;                    ///< the staged report's ticket
    std::array<std::uint8_t, 32> stored_hash{};  ///< body hash of the row the database holds
};

/// What happened to one staged batch.
struct CommitOutcome {
    std::vector<std::uint64_t> tickets;     ///< tickets of the batch, in staging order
    bool committed = false;                 ///< true: durable, acknowledge them; false: dropped, nothing written
    std::string error;                      ///< why the batch was dropped
    /// Of a committed batch, the reports the database already held (their tickets are in `tickets`
    /// too): the stored row answers for them (same body: a duplicate; else a reused sequence).
    std::vector<StoredElsewhere> stored_elsewhere;
};

/// Identity of a stored report, for rebuilding the ingest's indexes at start-up.
struct StoredKey {
    int pec = 0;                            ///< PEC number
    core::DeviceRole source = core::DeviceRole::arbb_party_list;  ///< box or identification
    std::string device;                     ///< device id
    std::uint64_t sequence = 0;             ///< sequence number
    std::string kind;                       ///< report kind
    std::array<std::uint8_t, 32> body_hash{};  ///< hash of the signed body
};

/// The store interface. Single writer per object: one thread owns it (several objects, in one
/// process or several, may share one database: the database's constraint keeps each report once).
class ReportStore {
public:
    explicit ReportStore(GroupCommitPolicy policy) : policy_(policy) {}
    virtual ~ReportStore() = default;
    ReportStore(const ReportStore&) = delete;
    ReportStore& operator=(const ReportStore&) = delete;

    /// Stages a report for the next transaction; returns its ticket (1, 2, 3, ...).
    std::uint64_t stage(StoredReport report, core::Micros now);
    /// Number of staged reports.
    std::size_t staged() const { return staged_.size(); }
    /// Stages an audit record for the next commit, which numbers and chains it in its own transaction
    /// (a stored report's record, report_ticket set, is dropped with its report if that commit fails;
    /// any other record waits for the next commit that succeeds).
    void stage_audit(AuditRecord record);
    /// Number of staged audit records.
    std::size_t staged_audit() const { return staged_audit_.size(); }
    /// True when the staged batch is full or its oldest report or audit record has waited max_delay.
    bool commit_due(core::Micros now) const;
    /// Writes every staged report in one transaction (INSERT ... ON CONFLICT DO NOTHING: a report
    /// the database already holds is listed in stored_elsewhere). On failure the transaction is
    /// rolled back, the batch is dropped (senders will retransmit: nothing was acknowledged) and
    /// the outcome says why, in the database's own words. A failure of the COMMIT itself is in
    /// doubt: the store looks whether the batch is stored before it drops it.
    virtual CommitOutcome commit() = 0;

    /// Keys of all committed reports, in insertion order.
    virtual std::vector<StoredKey> keys() const = 0;
    /// Keys of one device's committed reports, by sequence (the ingest asks when a sequence is not
    /// the next it knows of: another process on the same database may have stored the ones between).
    virtual std::vector<StoredKey> keys_of(std::string_view device) const = 0;
    /// All committed reports (decoded counts and raw bytes), in insertion order.
    virtual std::vector<StoredReport> reports() const = 0;
    /// Number of committed reports.
    virtual std::int64_t count() const = 0;
    /// The database's own integrity check of the store (SQLite: `PRAGMA integrity_check`;
    /// PostgreSQL: amcheck's verify_heapam and bt_index_check): the problems it lists, empty when sound.
    virtual std::vector<std::string> integrity_problems() const = 0;
    /// Writes `action` and its audit entry in a transaction of their own, durable when this returns
    /// the entry's number. An action that makes no sense after those already made (revoking a
    /// revoked device, holding a held PEC, releasing a published one: central::replay) is refused
    /// with nothing written; the check and the write are one transaction, so two operators cannot
    /// both revoke. Writer thread only; staged reports and records stay staged.
    core::Result<std::int64_t> apply(const OperatorAction& action);
    /// The operator actions made, in order.
    virtual std::vector<OperatorAction> operator_actions() const = 0;
    /// The operator actions in force (replayed); throws StoreCorrupt when the stored ones do not replay.
    Oversight oversight() const;
    /// The whole audit log, in the order written.
    virtual std::vector<AuditEntry> audit_log() const = 0;
    /// Everything wrong with the audit log, empty when sound: its hash chain (verify_audit), and
    /// whether it still matches the rows it records - each operator action row has its entry, in
    /// order and with the same fields, and each stored report its one "stored" entry with the
    /// report's body hash (so a row edited, added or deleted behind the server's back shows).
    std::vector<std::string> audit_problems() const;
    /// The store's name in messages: the file, or the connection URI without its password.
    virtual const std::string& name() const = 0;
    /// The policy in force.
    const GroupCommitPolicy& policy() const { return policy_; }

    /// Fail-at-N hook (core::FailCount): the n-th database write from now (0 = the next) fails,
    /// as a disk error would, before it reaches the database; negative disarms.
    void fail_at(std::int64_t n, core::FailCount::Mode mode = core::FailCount::Mode::once) { fail_count_.arm(n, mode); }
    /// In-doubt hook: the n-th COMMIT from now (0 = the next) reaches the database, and then reports
    /// an error (as a lost reply or an I/O error after the sync would). commit() must then find out
    /// that the batch is stored, not drop it; negative disarms.
    void fail_after_commit_at(std::int64_t n) { in_doubt_.arm(n); }
    /// Database writes so far (statements that change the database, BEGIN and COMMIT included).
    std::int64_t writes() const { return writes_; }

protected:
    struct Staged {
        std::uint64_t ticket;
        core::Micros at;
        StoredReport report;
    };
    /// The body hash the database holds for (device, sequence), if any (used when a COMMIT is in doubt).
    virtual std::optional<std::array<std::uint8_t, 32>> stored_hash(const std::string& device, std::uint64_t sequence) const = 0;
    /// After a COMMIT in doubt: true when every staged report is in the database (the batch is one
    /// transaction, so all or none of ours is), with `out.stored_elsewhere` listing those whose
    /// stored body is another's; false when the batch is not stored.
    bool settle_in_doubt(CommitOutcome& out) const;

    // The transaction primitives apply() and the audit log use (each counts as a database write).
    virtual core::Result<void> begin_write() = 0;   // a write transaction that holds the audit log's head
    virtual core::Result<void> commit_write() = 0;
    virtual void rollback_write() = 0;              // no-op when no transaction is open
    /// The last audit entry's number and hash (0 and zeros when the log is empty), read inside the open transaction.
    virtual core::Result<AuditEntry> audit_head() const = 0;
    virtual core::Result<void> insert_audit(const AuditEntry& entry) = 0;
    virtual core::Result<void> insert_operator_action(const OperatorAction& action) = 0;
    /// Inside the batch's open transaction, after its reports: numbers, chains and writes the staged
    /// audit records (a record of a report another process stored first says so).
    core::Result<void> write_staged_audit(const CommitOutcome& out);
    /// After the batch's commit: committed, the staged records are written; not, those of its reports are dropped.
    void settle_staged_audit(bool committed);
    /// True when there is nothing to write.
    bool nothing_staged() const { return staged_.empty() && staged_audit_.empty(); }

    std::vector<Staged> staged_;
    std::vector<AuditRecord> staged_audit_;
    std::int64_t audit_written_up_to_ = 0;  // number of the last audit entry the open batch wrote (0: none)
    core::FailCount fail_count_;
    core::FailCount in_doubt_;
    std::int64_t writes_ = 0;

private:
    GroupCommitPolicy policy_;
    std::uint64_t next_ticket_ = 1;
};

/// True when `db` names a PostgreSQL database (a libpq connection URI: postgresql:// or postgres://);
/// anything else is a SQLite file path.
bool is_postgres_uri(std::string_view db);

/// Opens the store `db` names: PostgreSQL for a connection URI, else the SQLite file (created if absent).
/// Throws as the store's constructor does (StoreCorrupt, std::runtime_error).
std::unique_ptr<ReportStore> open_store(const std::string& db, GroupCommitPolicy policy = {});

}  // namespace central
