#pragma once
/// The SQLite store (central/report_store.hpp has the interface and the guarantees): one file in WAL
/// mode with synchronous=FULL, so a committed transaction survives a power cut.
///
/// Schema (version 3; store.cpp says why the counts are blobs; a version 2 file is upgraded when
/// opened read-write, by adding the two empty tables):
///   reports(id, pec, box, device, sequence, kind, received_at, raw, body_hash,
///           ballots_in_box, valid, invalid, identified, ballots_issued, registered, violations,
///           option_votes BLOB, preference_votes BLOB)   -- counts as varint blobs, option 0 = against all
///     UNIQUE(device, sequence)                          -- a device belongs to one PEC
///   audit(number, at, actor, action, pec, device, sequence, detail, hash)  -- central/oversight.hpp
///   operator_actions(id, at, action, device, pec, by, reason)
/// One prepared INSERT ... ON CONFLICT(device, sequence) DO NOTHING is reused for every report; a
/// commit writes one row per report. Several processes may write one file (WAL; each commit holds
/// the write lock), the UNIQUE constraint keeping each report once.
/// A corrupt or foreign file is not an expected failure: the constructor throws StoreCorrupt.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "central/report_store.hpp"
#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace central {

/// How to open the file.
struct StoreOpen {
    /// Read only: nothing is created or written (no schema, no WAL checkpoint at close), for
    /// auditors and checkers that must leave the file exactly as they found it (bench/crash_soak).
    /// stage() and commit() fail on such a store.
    bool read_only = false;
    /// The SQLite VFS to open the file through, by its registered name; empty: SQLite's default
    /// (the unix VFS). Production never sets it; tests/central/power_cut_vfs.hpp does.
    std::string vfs;
};

/// The SQLite store. Single writer: one thread owns it.
class Store final : public ReportStore {
public:
    /// Opens (creating if absent, unless read only) the store at `file`. Throws StoreCorrupt if the
    /// file is not a usable store; std::runtime_error if it cannot be opened at all.
    explicit Store(const std::filesystem::path& file, GroupCommitPolicy policy = {}, StoreOpen open = {});
    ~Store() override;

    CommitOutcome commit() override;
    std::vector<StoredKey> keys() const override;
    std::vector<StoredKey> keys_of(std::string_view device) const override;
    std::vector<StoredReport> reports() const override;
    std::int64_t count() const override;
    /// SQLite's `PRAGMA integrity_check` of the whole file (a crash test runs it after every kill).
    std::vector<std::string> integrity_problems() const override;
    const std::string& name() const override { return file_; }
    std::vector<OperatorAction> operator_actions() const override;
    std::vector<AuditEntry> audit_log() const override;

private:
    core::Result<void> begin_write() override;
    core::Result<void> commit_write() override;
    void rollback_write() override;
    core::Result<AuditEntry> audit_head() const override;
    core::Result<void> insert_audit(const AuditEntry& entry) override;
    core::Result<void> insert_operator_action(const OperatorAction& action) override;
    std::array<std::uint8_t, 32> hash_from(const std::vector<std::uint8_t>& blob, const char* column) const;
    std::optional<std::array<std::uint8_t, 32>> stored_hash(const std::string& device, std::uint64_t sequence) const override;
    core::Result<void> write(const char* what, int rc);  // counts a write, applies the hook
    core::Result<void> insert(const Staged& s, CommitOutcome& out);
    core::Result<void> write_batch(CommitOutcome& out);   // BEGIN, the inserts, COMMIT
    void check(int rc, const char* what) const;          // throws on corruption / misuse
    void set_up(bool read_only);                         // pragmas, quick check, schema, prepared insert
    std::vector<StoredKey> read_keys(const char* sql, std::string_view device) const;

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;                      // prepared once, reused per report
    sqlite3_stmt* audit_insert_ = nullptr;                // prepared once, reused per audit entry
    std::vector<std::uint8_t> option_blob_, preference_blob_;  // reused encode buffers
    std::string file_;
};

}  // namespace central
