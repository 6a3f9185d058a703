#pragma once
/// The CEC's durable store of received reports: one SQLite file in WAL mode with
/// synchronous=FULL, so a committed transaction survives a power cut.
///
/// Group commit: reports are staged and written many per transaction. A batch is due when it
/// holds `max_reports` or its oldest report has waited `max_delay`; the caller supplies the time
/// (central/ has no clock) and calls commit() when due. Whoever acknowledges reports to the PECs
/// does so only for tickets that commit() returned as committed.
///
/// Schema (version 2; store.cpp says why the counts are blobs):
///   reports(id, pec, box, device, sequence, kind, received_at, raw, body_hash,
///           ballots_in_box, valid, invalid, identified, ballots_issued, registered, violations,
///           option_votes BLOB, preference_votes BLOB)   -- counts as varint blobs, option 0 = against all
///     UNIQUE(device, sequence)                          -- a device belongs to one PEC
/// One prepared INSERT is reused for every report; a commit writes one row per report.
/// A corrupt or foreign file is not an expected failure: the constructor throws StoreCorrupt.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/device_keys.hpp"
#include "core/clock.hpp"
#include "core/fail_count.hpp"
#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace central {

/// The database file cannot be used (corrupt, not a database, newer schema): abort the operation.
class StoreCorrupt : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The store's name for a report's origin, the reporting device's role (reports.box:
/// "party_list", "district", "identification"; also in ingest's messages).
std::string_view box_name(core::DeviceRole source);

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

/// What happened to one staged batch.
struct CommitOutcome {
    std::vector<std::uint64_t> tickets;     ///< tickets of the batch, in staging order
    bool committed = false;                 ///< true: durable, acknowledge them; false: dropped, nothing written
    std::string error;                      ///< why the batch was dropped
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
class Store {
public:
    /// Opens (creating if absent, unless read only) the store at `file`. Throws StoreCorrupt if the
    /// file is not a usable store; std::runtime_error if it cannot be opened at all.
    explicit Store(const std::filesystem::path& file, GroupCommitPolicy policy = {}, StoreOpen open = {});
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// Stages a report for the next transaction; returns its ticket (1, 2, 3, ...).
    std::uint64_t stage(StoredReport report, core::Micros now);
    /// Number of staged reports.
    std::size_t staged() const { return staged_.size(); }
    /// True when the staged batch is full or its oldest report has waited max_delay.
    bool commit_due(core::Micros now) const;
    /// Writes every staged report in one transaction. On failure the transaction is rolled back,
    /// the batch is dropped (senders will retransmit: nothing was acknowledged) and the outcome says why.
    CommitOutcome commit();

    /// Keys of all committed reports, in insertion order.
    std::vector<StoredKey> keys() const;
    /// All committed reports (decoded counts and raw bytes), in insertion order.
    std::vector<StoredReport> reports() const;
    /// Number of committed reports.
    std::int64_t count() const;
    /// SQLite's `PRAGMA integrity_check` of the whole file: the problems it lists, empty when the
    /// file is sound (a crash test runs it after every kill).
    std::vector<std::string> integrity_problems() const;
    /// The policy in force.
    const GroupCommitPolicy& policy() const { return policy_; }

    /// Fail-at-N hook (core::FailCount): the n-th database write from now (0 = the next) fails,
    /// as a disk error would, before it reaches the file; negative disarms.
    void fail_at(std::int64_t n, core::FailCount::Mode mode = core::FailCount::Mode::once) { fail_count_.arm(n, mode); }
    /// In-doubt hook: the n-th COMMIT from now (0 = the next) reaches the disk, and then reports an
    /// error (as a lost reply or an I/O error after the sync would). commit() must then find out
    /// that the batch is stored, not drop it; negative disarms.
    void fail_after_commit_at(std::int64_t n) { in_doubt_.arm(n); }
    /// Database writes so far (statements that change the file, BEGIN and COMMIT included).
    std::int64_t writes() const { return writes_; }

private:
    struct Staged {
        std::uint64_t ticket;
        core::Micros at;
        StoredReport report;
    };
    core::Result<void> write(const char* what, int rc);  // counts a write, applies the hook
    core::Result<void> insert(const StoredReport& r);
    void check(int rc, const char* what) const;          // throws on corruption / misuse
    void set_up(bool read_only);                         // pragmas, quick check, schema, prepared insert

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;                      // prepared once, reused per report
    std::vector<std::uint8_t> option_blob_, preference_blob_;  // reused encode buffers
    std::string file_;
    GroupCommitPolicy policy_;
    std::vector<Staged> staged_;
    std::uint64_t next_ticket_ = 1;
    /// True when every staged report is in the file with its body (a COMMIT that failed in doubt).
    bool batch_is_stored() const;

    core::FailCount fail_count_;
    core::FailCount in_doubt_;
    std::int64_t writes_ = 0;
};

}  // namespace central
