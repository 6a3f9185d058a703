#pragma once
/// What the CEC's people decide about the ingest, and the record that they and the ingest decided
/// it: operator actions (revoke a device key, hold or release a PEC's figures) and the
/// tamper-evident audit log of every ingest decision and every operator action.
///
/// Audit log: one entry per decision, numbered 1, 2, ... in the order written; each entry's hash is
/// BLAKE2b-256 over the previous entry's hash and this entry's fields (length-prefixed, in a fixed
/// order: audit_hash), the first entry's previous hash being 32 zero bytes. Changing, removing or
/// reordering any entry changes every hash after it, so verify_audit() names the first entry that
/// no longer follows from the one before (a hash chain, as in Certificate Transparency's logs or
/// git's history; a log that is only appended to can be checked by anyone who holds its entries).
/// A stored report's entry carries the report's body hash, so the chain also pins what was stored.
///
/// Operator actions are rows of their own (the store's operator_actions table) written with their
/// audit entry in one transaction; the current state (Oversight) is those rows replayed in order.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace central {

/// An audit entry before the store numbers and chains it.
struct AuditRecord {
    core::Micros at = 0;         ///< server time of the decision
    std::string actor;           ///< "ingest" or "operator:NAME"
    std::string action;          ///< "stored", "duplicate", "rejected:REASON", "alert", "revoke", "hold", "release", ...
    int pec = 0;                 ///< PEC concerned (0: none)
    std::string device;          ///< device concerned (empty: none)
    std::uint64_t sequence = 0;  ///< report sequence (0: none)
    std::string detail;          ///< the decision's sentence; a stored report's body hash in hex
    /// The store ticket of the report this entry records as stored (0 for every other entry): it is
    /// written in the report's own transaction, and dropped with the report if that one fails.
    std::uint64_t report_ticket = 0;
    bool operator==(const AuditRecord&) const = default;
};

/// One entry of the audit log as written.
struct AuditEntry {
    std::int64_t number = 0;              ///< 1, 2, ... in the order written
    AuditRecord record;                   ///< what was decided (report_ticket is not stored: 0)
    std::array<std::uint8_t, 32> hash{};  ///< audit_hash(previous entry's hash, this entry)
};

/// The hash of an entry: BLAKE2b-256 over `previous`, the number and the record's fields.
std::array<std::uint8_t, 32> audit_hash(const std::array<std::uint8_t, 32>& previous, std::int64_t number, const AuditRecord& r);

/// What verify_audit found.
struct AuditCheck {
    std::int64_t entries = 0;       ///< entries read
    std::int64_t first_broken = 0;  ///< number of the first entry that does not follow (0: the chain is sound)
    std::string why;                ///< what is wrong with it
    bool sound() const { return first_broken == 0; }
};

/// Recomputes the chain over `log` (in the order written, from entry 1).
AuditCheck verify_audit(std::span<const AuditEntry> log);

/// The hex text of a hash (64 lower-case digits).
std::string hex(const std::array<std::uint8_t, 32>& hash);

/// What an operator at the CEC can do.
enum class OperatorDo : std::uint8_t {
    revoke,   ///< revoke a device's key: its later reports are refused (revoked_device), its earlier ones go under review
    hold,     ///< hold a PEC's figures back from publication
    release,  ///< publish a held PEC's figures again (also ends the review of a revoked device's PEC)
    /// accept one stored final report of a revoked device as its box's result, once the PEC's printed
    /// protocol, read out over the backup channel (a phone call to the PEC), showed it genuine: later
    /// reports of the device are left out of the results, and the PEC leaves review when each of its
    /// revoked devices has an accepted report
    accept,
};

/// Stable name ("revoke", "hold", "release", "accept").
std::string_view to_string(OperatorDo what);
/// The action named `text`, or an error listing the names.
core::Result<OperatorDo> parse_operator_do(std::string_view text);

/// One operator action.
struct OperatorAction {
    OperatorDo what = OperatorDo::hold;
    std::string device;         ///< revoke, accept: the device id
    int pec = 0;                ///< the PEC (revoke, accept: the device's PEC)
    std::uint64_t sequence = 0; ///< accept: the sequence number of the report accepted
    std::string by;             ///< the operator's name
    std::string reason;         ///< why, in the operator's words
    core::Micros at = 0;        ///< server time
    bool operator==(const OperatorAction&) const = default;
};

/// The operator actions in force: revoked devices and PECs whose figures are not published.
struct Oversight {
    std::vector<OperatorAction> revoked;  ///< revocations, in the order made
    std::vector<OperatorAction> accepted; ///< reports of revoked devices accepted as their box's result, in the order made
    std::vector<int> held;                ///< PECs held by an operator, ascending
    /// PECs whose figures wait for review: a revoked device reported for them and no operator has
    /// released them since the revocation, ascending.
    std::vector<int> under_review;
    bool is_revoked(std::string_view device) const;
    /// The accepted report's sequence number of a revoked device (0: none accepted).
    std::uint64_t accepted_sequence(std::string_view device) const;
    /// Held or under review: not published.
    bool is_withheld(int pec) const;
    bool operator==(const Oversight&) const = default;
};

/// The state after `actions` (in the order made); an action that makes no sense then (revoking a
/// device twice, holding a held PEC, releasing a published one, accepting a report of a device that
/// is not revoked or has one accepted already) is an error naming it.
core::Result<Oversight> replay(std::span<const OperatorAction> actions);

}  // namespace central
