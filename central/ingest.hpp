#pragma once
/// The CEC's ingest: every message from a PEC device goes through submit(), which
/// authenticates it, checks its sequence, validates it, stages it in the store and decides:
/// accepted, duplicate or rejected (with a reason code, a sentence, a log line and a counter).
/// Acknowledgements of accepted reports are released only by poll()/flush(), after the group
/// commit that holds them; a retransmission of a report already committed is acknowledged at once.
///
/// Single writer: one thread owns an Ingest and its Store (a network server runs submit() and
/// poll() on its writer thread or strand). No clock of its own: the caller passes `now`.
///
/// Order of checks (docs/protocol.md):
///  1. decode (core/wire) -> malformed;  2. election name -> wrong_election;
///  3. device in the key registry -> unknown_device;  4. registered to the message's PEC -> wrong_pec;
///  5. device role matches the report (ARBB-1 party list, ARBB-2 district, id-1 identification;
///     no district box abroad) -> wrong_box;  6. Ed25519 signature over the received body -> bad_signature;
///  7. sequence: the same (device, sequence) already stored or staged with the same body -> duplicate,
///     with a different body -> sequence_reused (also an Alert); a sequence other than last + 1, also
///     after asking the store what it holds of the device -> out_of_order_sequence (the transmitter
///     sends in order and resends until acknowledged). With several ingest processes on one
///     database, a report another process stored first is staged here too and the database's
///     constraint decides at the commit: the Release then says duplicate or sequence_reused;
///  8. validation: option and preference counts sized as in the election package -> wrong_shape;
///     every count that is summed, stored or published at most the PEC's registered voters
///     (so no sum can wrap) -> exceeds_registered_voters, naming the field;
///     the ARBB's own arithmetic (valid + invalid = scanned, options = valid, reasons = invalid,
///     scanned + manual = in box, preferences <= party votes; identification: methods = issued)
///     -> failed_control_ratios. Ratios against the commission's own figures (issued <=
///     received, in box <= issued / identified, identified = issued) and a zero report with
///     non-zero counters are findings, not corruption: the report is stored with its violations,
///     counted as flagged and raised as an Alert so the DEC acts on it. So is a final or
///     identification report sent or received before voting closed (IngestRules::voting_closes).
///
/// Alerts also go up for a message from a key not in the registry (a rogue device; once per device
/// id, the first kKeptUnknownDevices ids), a message naming a registered device whose signature fails
/// (altered on the way or forged from a capture; once per device), a revoked key, and a device whose identical
/// retransmissions pass IngestRules::duplicates_per_minute in one minute.
///
/// Every decision is written to the store's audit log (central/oversight.hpp) at the next commit:
/// a stored report's entry in its own transaction, the others in the next commit that succeeds. A
/// commit itemises at most kAuditItemsPerCommit decisions other than stored reports; the rest are
/// counted by action in one entry, so a flood of garbage costs the log one line per commit.
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "central/oversight.hpp"
#include "central/store.hpp"  // the SQLite store; ReportStore (central/report_store.hpp) is what the ingest uses
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/wire.hpp"

namespace central {

/// Why a message was rejected: the Ack's reason code, defined with the wire (core/wire.hpp), so a
/// client reads it without central/. Stable names (core::to_string) are used in logs and counters.
using core::RejectReason;
using core::kRejectReasonCount;
using core::to_string;

/// The answer to one submit().
struct Decision {
    /// What the sender's Ack will say: stored (a new report, staged; the Ack leaves after its
    /// commit), duplicate (an identical retransmission) or rejected (the reason says why); retry only
    /// when the store had to be asked about the device's sequences and could not be read.
    core::AckOutcome outcome = core::AckOutcome::rejected;
    RejectReason reason = RejectReason::none;    ///< why, when rejected
    std::string text;                            ///< one sentence for the log and the sender
    std::uint64_t ticket = 0;                    ///< this message's ticket (1, 2, ...)
    bool acknowledged_now = false;               ///< duplicate of a committed report: acknowledge at once
    int pec = 0;                                 ///< PEC of the message (0 if undecodable)
    std::string device;                          ///< device of the message (empty if undecodable)
    std::uint64_t sequence = 0;                  ///< its sequence (0 if undecodable)
};

/// An acknowledgement released (or withheld) by a group commit.
struct Release {
    std::uint64_t ticket = 0;   ///< the Decision's ticket
    bool acknowledged = false;  ///< true: stored durably, send the ack; false: not stored, sender must retransmit
    std::string error;          ///< why it was not stored
    /// Set when the database answered instead of the Decision: another ingest process on the same
    /// database had stored this (device, sequence) first - `duplicate` when its body is the same, else
    /// `rejected` with reason sequence_reused. Unset: the Decision's outcome stands.
    std::optional<core::AckOutcome> outcome;
    RejectReason reason = RejectReason::none;  ///< with outcome rejected: why
    std::string text;                          ///< with an outcome: the sentence for the sender
};

/// Something a person at the CEC must look at.
struct Alert {
    core::Micros at = 0;        ///< server time
    std::string peer;           ///< where the message came from
    int pec = 0;                ///< PEC concerned
    std::string device;         ///< device concerned
    std::uint64_t sequence = 0; ///< message sequence
    std::string text;           ///< what happened and what to do
};

/// One line of the ingest log (rejections and alerts).
struct LogLine {
    core::Micros at = 0;        ///< server time
    std::string text;           ///< "peer: rejected bad_signature: ..."
};

/// Running counts.
struct IngestCounters {
    std::int64_t received = 0;                               ///< messages submitted
    std::int64_t accepted = 0;                               ///< new reports staged
    std::int64_t duplicates = 0;                             ///< identical retransmissions
    std::int64_t flagged = 0;                                ///< stored with protocol violations
    std::int64_t committed = 0;                              ///< reports made durable
    std::int64_t commits = 0;                                ///< transactions committed
    std::int64_t failed_commits = 0;                         ///< transactions rolled back
    std::int64_t alerts = 0;                                 ///< alerts raised (Ingest::alerts() keeps the latest)
    std::int64_t log_lines = 0;                              ///< log lines written (Ingest::log() keeps the latest)
    std::int64_t oversight_changes = 0;                      ///< times the operator actions in force changed
    std::array<std::int64_t, kRejectReasonCount> rejected{}; ///< per RejectReason
    /// Rejections for one reason.
    std::int64_t rejections(RejectReason r) const { return rejected[static_cast<std::size_t>(r)]; }
};

/// Steps 1-6 of submit() done ahead (Ingest::precheck): the decoded report, its body hash, and
/// either nothing wrong so far or the rejection. Holds the received bytes.
struct Prechecked {
    std::vector<std::uint8_t> raw;                 ///< the message exactly as received
    std::optional<RejectReason> rejected;          ///< set when steps 1-6 refused it
    std::string text;                              ///< why (when rejected)
    int pec = 0;                                   ///< PEC of the message (0 if undecodable)
    std::string device;                            ///< device of the message (empty if undecodable)
    std::uint64_t sequence = 0;                    ///< its sequence (0 if undecodable)
    core::DeviceRole source = core::DeviceRole::arbb_party_list;  ///< box or identification (when decoded)
    core::BodyHash hash{};                         ///< BLAKE2b-256 of the signed body (when not rejected)
    std::optional<core::WireReport> report;        ///< the decoded report (when not rejected)
};

/// The CEC's rules for the alerts that depend on the night, not on the package.
struct IngestRules {
    /// When voting closes on the server's clock (e.g. core::at(20, 0)): a final ARBB report or an
    /// identification report sent (device clock) or received before it is stored with a finding and
    /// an Alert. Unset: not checked (a load test runs at any hour).
    std::optional<core::Micros> voting_closes;
    /// Identical retransmissions one device may send in a minute before an Alert (a transmitter
    /// resends only until acknowledged; more is a loop or a replay).
    int duplicates_per_minute = 20;
};

/// `action` checked against the package and its key registry: a revoke or an accept names a
/// registered device (its PEC is filled in), a hold or release a PEC of the package, and every action
/// its operator. Whether an accept's report is stored and final, ReportStore::apply checks.
core::Result<OperatorAction> resolve(const core::ElectionPackage& package, const core::DeviceKeyRegistry& registry,
                                     OperatorAction action);

/// The ingest pipeline in front of a Store.
class Ingest {
public:
    /// Ingest for `package` with device keys `registry`, writing to `store`. Rebuilds its
    /// sequence indexes from what the store already holds (restart after a crash).
    Ingest(const core::ElectionPackage& package, const core::DeviceKeyRegistry& registry, ReportStore& store,
           IngestRules rules = {});

    /// Handles one received message. Never throws for bad input (StoreCorrupt may propagate).
    /// Same as submit(precheck(bytes), peer, now).
    Decision submit(std::span<const std::uint8_t> bytes, std::string_view peer, core::Micros now);
    /// Steps 1-6 (decode, election, device, PEC, role, Ed25519 signature) and the body hash. Reads
    /// only the package and the key registry, so any thread may run it while the writer thread
    /// runs submit(): a server verifies signatures (~50 us each) on its connection threads.
    Prechecked precheck(std::span<const std::uint8_t> bytes) const;
    /// Steps 7-8 (sequence, validation, staging) for a message prechecked by this Ingest; counts,
    /// logs and alerts exactly as submit(bytes) does. Writer thread only.
    Decision submit(Prechecked checked, std::string_view peer, core::Micros now);
    /// Commits the staged batch if the store's group-commit policy says it is due; returns the
    /// acknowledgements released by that commit (empty if none was due).
    std::vector<Release> poll(core::Micros now);
    /// Commits the staged reports now (end of a burst); audit records with no report wait until
    /// they are due (GroupCommitPolicy::max_delay), so a flood of rejected frames is not one
    /// commit each.
    std::vector<Release> flush(core::Micros now);
    /// Commits everything staged, audit records too (shutdown).
    std::vector<Release> finish(core::Micros now);

    /// An operator's action (revoke a key, hold or release a PEC), written durably with its audit
    /// entry (ReportStore::apply) and in force for the next message. Writer thread only. A revoke
    /// must name a device of the key registry and its PEC.
    core::Result<std::int64_t> apply(const OperatorAction& action);
    /// An alert from a check outside the ingest (the published page against the store: central/page_watch.hpp),
    /// from `source`: logged, counted and written to the audit log as the ingest's own. Writer thread only.
    void raise(std::string_view source, std::string text, core::Micros now);
    /// Reads the operator actions in force from the store again (another process, e.g. `shailoo cec`,
    /// may have written some); true when they changed. Writer thread only.
    core::Result<bool> refresh_oversight();
    /// The operator actions in force as this ingest knows them.
    const Oversight& oversight() const { return oversight_; }

    /// Counts so far.
    const IngestCounters& counters() const { return counters_; }
    /// The latest alerts, at most kKeptAlerts (counters().alerts counts them all).
    const std::deque<Alert>& alerts() const { return alerts_; }
    /// The latest log lines (rejections, alerts, failed commits), in order, at most kKeptLogLines;
    /// line i of all written (0-based) is log()[i - (counters().log_lines - log().size())].
    const std::deque<LogLine>& log() const { return log_; }

    /// Alerts kept for reading; older ones are dropped (counted in counters().alerts).
    static constexpr std::size_t kKeptAlerts = 1000;
    /// Log lines kept for reading: a flood of garbage costs counters, not memory.
    static constexpr std::size_t kKeptLogLines = 1000;
    /// Decisions other than stored reports one commit writes to the audit log one by one.
    static constexpr std::size_t kAuditItemsPerCommit = 4096;
    /// Unknown device ids remembered for their one alert.
    static constexpr std::size_t kKeptUnknownDevices = 10'000;

private:
    struct Seen {
        std::array<std::uint8_t, 32> hash{};
        std::uint64_t store_ticket = 0;  // 0 once committed
    };
    /// Step 7 for a (device, sequence) already received: a duplicate if the body is the same, else refused.
    Decision answer_seen(Decision d, const Seen& seen, const core::BodyHash& hash, const core::ReportHeader& h,
                         std::string_view peer, core::Micros now);
    /// Stages a validated report (its findings for the DEC raised as an alert); its acknowledgement waits for the commit.
    Decision stage(Decision d, StoredReport s, const std::vector<std::string>& findings, std::map<std::uint64_t, Seen>& stream,
                   std::string_view peer, core::Micros now);
    Decision reject(Decision d, RejectReason reason, std::string text, std::string_view peer, core::Micros now);
    void alert(const Decision& d, std::string text, std::string_view peer, core::Micros now);
    std::vector<Release> commit_staged(core::Micros now);
    /// The decision's audit record (stored reports are recorded by stage()).
    void audit(const Decision& d, std::string action, std::string detail, core::Micros now, std::uint64_t report_ticket = 0);
    /// Alerts on a device's identical retransmissions beyond the rules' rate.
    void watch_duplicates(const Decision& d, std::string_view peer, core::Micros now);
    /// Learns what the store holds of `device` that this ingest did not write (another process on
    /// the same database); true when it learnt something, an error when the store cannot be read.
    core::Result<bool> learn_stored(const std::string& device, std::map<std::uint64_t, Seen>& stream);
    /// The answers for the staged reports another writer stored first (CommitOutcome::stored_elsewhere).
    std::unordered_map<std::uint64_t, Release> answers_for_stored_elsewhere(const CommitOutcome& outcome, core::Micros now);

    const core::ElectionPackage& package_;
    const core::DeviceKeyRegistry& registry_;
    ReportStore& store_;
    std::unordered_map<std::string, std::map<std::uint64_t, Seen>> seen_;  // device -> sequence -> body
    std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> waiting_;  // store ticket -> decision tickets
    std::vector<std::pair<std::string, std::uint64_t>> staged_keys_;        // (device, sequence) in the open batch
    std::uint64_t next_ticket_ = 1;
    IngestCounters counters_;
    void write_log(core::Micros now, std::string text);

    std::deque<Alert> alerts_;
    std::deque<LogLine> log_;

    IngestRules rules_;
    Oversight oversight_;                                  // operator actions in force
    std::map<std::string, std::int64_t> audit_overflow_;  // decisions not itemised in this commit, by action
    std::unordered_set<std::string> unknown_alerted_;     // unknown device ids already alerted on
    std::unordered_set<std::string> bad_signature_alerted_;  // registered devices already alerted on for a bad signature
    struct DuplicateWindow {
        core::Micros minute = -1;
        int count = 0;
    };
    std::unordered_map<std::string, DuplicateWindow> duplicates_;  // per device, the current minute
};

}  // namespace central
