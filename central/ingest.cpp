#include "central/ingest.hpp"

// Index of this file:
//   [SECTION] Control ratios and count bounds
//   [SECTION] Construction, log and alerts
//   [SECTION] Checking a report
//   [SECTION] Group commit and acknowledgements

#include <fmt/core.h>

#include <algorithm>
#include <set>
#include <utility>

#include "core/reports.hpp"
#include "core/wire.hpp"

namespace central {

// [SECTION] Control ratios and count bounds

namespace {

/// Ratios that check the device's own arithmetic: if one fails the data is corrupt, not a finding.
const std::set<std::string, std::less<>> kArithmeticRatios{
    "valid_plus_invalid_eq_scanned", "option_counts_sum_eq_valid", "invalid_reasons_sum_eq_invalid",
    "scanned_plus_manual_eq_in_box", "preferences_le_party_votes"};

/// The first count of an ARBB report above `limit` (the PEC's registered voters), named as in
/// docs/protocol.md ("option_counts[2] = 4611686018427388904"), or nothing. Every count that is
/// summed, stored or published is bounded, so no sum of them can wrap.
std::optional<std::string> count_above(const core::ArbbReport& r, std::int64_t limit) {
    auto above = [limit](std::int64_t v) { return v > limit; };
    auto named = [](std::string_view field, std::int64_t v) { return fmt::format("{} = {}", field, v); };
    for (std::size_t i = 0; i < r.option_counts.size(); ++i)
        if (above(r.option_counts[i])) return named(fmt::format("option_counts[{}]", i), r.option_counts[i]);
    for (std::size_t p = 0; p < r.preference_counts.size(); ++p)
        for (std::size_t k = 0; k < r.preference_counts[p].size(); ++k)
            if (above(r.preference_counts[p][k]))
                return named(fmt::format("preference_counts[{}][{}]", p, k), r.preference_counts[p][k]);
    for (std::size_t i = 0; i < r.invalid_by_reason.size(); ++i)
        if (above(r.invalid_by_reason[i])) return named(fmt::format("invalid_by_reason[{}]", i), r.invalid_by_reason[i]);
    const std::pair<std::string_view, std::int64_t> totals[] = {
        {"ballots_in_box", r.ballots_in_box},
        {"ballots_scanned", r.ballots_scanned},
        {"valid", r.valid},
        {"invalid", r.invalid},
        {"ballots_awaiting_manual_count", r.ballots_awaiting_manual_count},
        {"figures.ballots_issued", r.figures.ballots_issued},
        {"figures.identified_voters", r.figures.identified_voters}};
    for (const auto& [field, v] : totals)
        if (above(v)) return named(field, v);
    return std::nullopt;
}

/// The same for an identification report: identified voters by method and ballots issued.
std::optional<std::string> count_above(const core::IdentificationReport& r, std::int64_t limit) {
    const std::pair<std::string_view, std::int64_t> counts[] = {{"fingerprint", r.fingerprint},
                                                                {"other_finger", r.other_finger},
                                                                {"face", r.face},
                                                                {"manual", r.manual},
                                                                {"ballots_issued", r.ballots_issued},
                                                                {"receipts_not_printed", r.receipts_not_printed}};
    for (const auto& [field, v] : counts)
        if (v > limit) return fmt::format("{} = {}", field, v);
    return std::nullopt;
}

/// The Decision for a prechecked message before steps 7-8: its ticket and who sent what.
Decision decision_for(const Prechecked& checked, std::uint64_t ticket) {
    Decision d;
    d.ticket = ticket;
    d.pec = checked.pec;
    d.device = checked.device;
    d.sequence = checked.sequence;
    return d;
}

/// Why step 8 refuses a report: the rejection's reason and sentence.
struct Refusal {
    RejectReason reason = RejectReason::none;
    std::string text;
};

/// The rejection for a count above the PEC's registered voters.
Refusal exceeds_registered(const std::string& field, const core::Pec& pec) {
    return {RejectReason::exceeds_registered_voters,
            fmt::format("{}: no count can exceed the {} registered voters of PEC {}", field, pec.registered, pec.number)};
}

/// Whether an ARBB report's option and preference counts are shaped as its ballot in the package.
std::optional<Refusal> check_shape(const core::ArbbReport& r, core::DeviceRole source, const core::Pec& pec,
                                   const core::ElectionPackage& package) {
    std::size_t options = package.parties.size() + 1;
    if (source == core::DeviceRole::arbb_district) {
        const auto* district = package.find_district(pec.district);
        options = district ? district->candidates.size() + 1 : 1;
    }
    const bool may_be_empty = r.kind == core::ReportKind::zero;
    if (!(r.option_counts.size() == options || (may_be_empty && r.option_counts.empty())))
        return Refusal{RejectReason::wrong_shape,
                       fmt::format("{} option counts, the {} ballot of PEC {} has {} options (against all included)",
                                   r.option_counts.size(), box_name(source), pec.number, options)};
    if (source == core::DeviceRole::arbb_party_list && !(may_be_empty && r.preference_counts.empty())) {
        if (r.preference_counts.size() != package.parties.size())
            return Refusal{RejectReason::wrong_shape, fmt::format("preference counts for {} parties, the ballot has {}",
                                                                  r.preference_counts.size(), package.parties.size())};
        for (std::size_t p = 0; p < package.parties.size(); ++p)
            if (r.preference_counts[p].size() > package.parties[p].list.size())
                return Refusal{RejectReason::wrong_shape,
                               fmt::format("{} preference counts for party {}, its list has {} candidates",
                                           r.preference_counts[p].size(), p + 1, package.parties[p].list.size())};
    }
    return std::nullopt;
}

/// Step 8 for an ARBB report: shape, bounds, the device's own arithmetic (a failure refuses it) and
/// the commission's figures (a failure is a finding); its counts move into the stored form.
std::optional<Refusal> validate_arbb(core::ArbbReport& r, const core::Pec& pec, const core::ElectionPackage& package,
                                     StoredReport& s, std::vector<std::string>& findings) {
    s.kind = std::string(core::to_string(r.kind));
    if (auto refused = check_shape(r, s.source, pec, package)) return refused;
    if (auto field = count_above(r, pec.registered)) return exceeds_registered(*field, pec);
    core::check_control_ratios(r);
    for (const auto& c : r.control_ratios) {
        if (c.holds) continue;
        if (kArithmeticRatios.contains(c.name))
            return Refusal{RejectReason::failed_control_ratios, fmt::format("{}: {} ({} vs {})", c.name, c.rule, c.left, c.right)};
        findings.push_back(fmt::format("{}: {} ({} vs {})", c.name, c.rule, c.left, c.right));
    }
    s.ballots_in_box = r.ballots_in_box;
    s.valid = r.valid;
    s.invalid = r.invalid;
    s.ballots_issued = r.figures.ballots_issued;
    s.identified = r.figures.identified_voters;
    s.option_votes = std::move(r.option_counts);
    s.preference_votes = std::move(r.preference_counts);
    return std::nullopt;
}

/// Step 8 for an identification report: bounds and methods = ballots issued (a failure refuses it);
/// a list size other than the package's is a finding.
std::optional<Refusal> validate_identification(const core::IdentificationReport& r, const core::Pec& pec, StoredReport& s,
                                               std::vector<std::string>& findings) {
    s.kind = "identification";
    if (auto field = count_above(r, pec.registered)) return exceeds_registered(*field, pec);
    const std::int64_t identified = r.fingerprint + r.other_finger + r.face + r.manual;
    if (identified != r.ballots_issued)
        return Refusal{RejectReason::failed_control_ratios,
                       fmt::format("identified by fingerprint, other finger, face and list ({}) != ballots issued ({})",
                                   identified, r.ballots_issued)};
    if (r.registered && *r.registered != pec.registered)
        findings.push_back(fmt::format("registered: the station's list has {} voters, the package {}", *r.registered,
                                       pec.registered));
    s.identified = identified;
    s.ballots_issued = r.ballots_issued;
    return std::nullopt;
}

/// A report that passed validation (step 8): its stored form and its findings for the DEC.
struct Validated {
    StoredReport stored;
    std::vector<std::string> findings;
};

/// Step 8: the stored form of a prechecked report (its bytes and counts moved in) with its
/// findings, or why it is refused.
std::expected<Validated, Refusal> validate(Prechecked& checked, const core::ElectionPackage& package, core::Micros now) {
    auto& msg = *checked.report;
    const auto& h = msg.header;
    const core::Pec& pec = *package.find_pec(h.pec);  // precheck found it
    Validated v;
    StoredReport& s = v.stored;
    s.pec = h.pec;
    s.source = checked.source;
    s.device = h.device_id;
    s.sequence = h.sequence;
    s.received_at = now;
    s.raw = std::move(checked.raw);
    s.body_hash = checked.hash;
    s.registered = pec.registered;
    // The decoded report is ours (submit takes `checked` by value): its counts move into the stored form.
    auto* arbb = std::get_if<core::ArbbReport>(&msg.payload);
    auto refused = arbb ? validate_arbb(*arbb, pec, package, s, v.findings)
                        : validate_identification(std::get<core::IdentificationReport>(msg.payload), pec, s, v.findings);
    if (refused) return std::unexpected(std::move(*refused));
    for (const auto& f : v.findings) s.violations += f + "\n";
    return v;
}

}  // namespace

// [SECTION] Construction, log and alerts

Ingest::Ingest(const core::ElectionPackage& package, const core::DeviceKeyRegistry& registry, ReportStore& store,
               IngestRules rules)
    : package_(package), registry_(registry), store_(store), rules_(rules) {
    for (auto& k : store_.keys()) seen_[k.device][k.sequence] = Seen{k.body_hash, 0};
    oversight_ = store_.oversight();
}

core::Result<OperatorAction> resolve(const core::ElectionPackage& package, const core::DeviceKeyRegistry& registry,
                                     OperatorAction action) {
    if (action.by.empty()) return core::fail("an operator action needs the operator's name");
    if (action.what == OperatorDo::revoke || action.what == OperatorDo::accept) {
        const auto* device = registry.find(action.device);
        if (!device) return core::fail(fmt::format("device '{}' is not in the key registry", action.device));
        action.pec = device->pec;
    } else if (!package.find_pec(action.pec)) {
        return core::fail(fmt::format("PEC {} is not in the election package", action.pec));
    }
    return action;
}

core::Result<std::int64_t> Ingest::apply(const OperatorAction& action) {
    auto resolved = resolve(package_, registry_, action);
    if (!resolved) return std::unexpected(resolved.error());
    auto number = store_.apply(*resolved);
    if (number) {
        oversight_ = store_.oversight();
        ++counters_.oversight_changes;
    }
    return number;
}

core::Result<bool> Ingest::refresh_oversight() {
    try {
        auto now = store_.oversight();
        if (now == oversight_) return false;
        oversight_ = std::move(now);
        ++counters_.oversight_changes;
        return true;
    } catch (const StoreCorrupt&) {
        throw;
    } catch (const std::runtime_error& e) {  // e.g. the PostgreSQL connection is down
        return core::fail(e.what());
    }
}

void Ingest::audit(const Decision& d, std::string action, std::string detail, core::Micros now, std::uint64_t report_ticket) {
    if (report_ticket == 0 && store_.staged_audit() - store_.staged() >= kAuditItemsPerCommit) {
        ++audit_overflow_[action];
        return;
    }
    store_.stage_audit({.at = now, .actor = "ingest", .action = std::move(action), .pec = d.pec, .device = d.device,
                        .sequence = d.sequence, .detail = std::move(detail), .report_ticket = report_ticket});
}

void Ingest::watch_duplicates(const Decision& d, std::string_view peer, core::Micros now) {
    auto& w = duplicates_[d.device];
    const core::Micros minute = now / core::kMinute;
    if (w.minute != minute) w = {minute, 0};
    if (++w.count == rules_.duplicates_per_minute + 1)
        alert(d, fmt::format("more than {} identical retransmissions from '{}' in one minute: a looping device or a replay; "
                             "check the PEC's modem", rules_.duplicates_per_minute, d.device),
              peer, now);
}

Decision Ingest::reject(Decision d, RejectReason reason, std::string text, std::string_view peer, core::Micros now) {
    d.outcome = core::AckOutcome::rejected;
    d.reason = reason;
    d.text = std::move(text);
    ++counters_.rejected[static_cast<std::size_t>(reason)];
    write_log(now, fmt::format("{}: rejected {}: {}", peer, to_string(reason), d.text));
    audit(d, fmt::format("rejected:{}", to_string(reason)), d.text, now);
    return d;
}

void Ingest::write_log(core::Micros now, std::string text) {
    if (log_.size() == kKeptLogLines) log_.pop_front();
    log_.push_back({now, std::move(text)});
    ++counters_.log_lines;
}

void Ingest::alert(const Decision& d, std::string text, std::string_view peer, core::Micros now) {
    write_log(now, fmt::format("{}: ALERT PEC {} device {} sequence {}: {}", peer, d.pec, d.device, d.sequence, text));
    if (alerts_.size() == kKeptAlerts) alerts_.pop_front();
    audit(d, "alert", text, now);
    alerts_.push_back({now, std::string(peer), d.pec, d.device, d.sequence, std::move(text)});
    ++counters_.alerts;
}

void Ingest::raise(std::string_view source, std::string text, core::Micros now) { alert(Decision{}, std::move(text), source, now); }

// [SECTION] Checking a report

Decision Ingest::submit(std::span<const std::uint8_t> bytes, std::string_view peer, core::Micros now) {
    return submit(precheck(bytes), peer, now);
}

Prechecked Ingest::precheck(std::span<const std::uint8_t> bytes) const {
    Prechecked c;
    c.raw.assign(bytes.begin(), bytes.end());
    auto refuse = [&c](RejectReason reason, std::string text) {
        c.rejected = reason;
        c.text = std::move(text);
        c.report.reset();
        return std::move(c);
    };

    // 1. Decode.
    auto env = core::open_envelope(bytes);
    if (!env) return refuse(RejectReason::malformed, fmt::format("{}: {}", to_string(env.error().code), env.error().message));
    auto msg = core::decode_body(env->body);
    if (!msg) return refuse(RejectReason::malformed, fmt::format("{}: {}", to_string(msg.error().code), msg.error().message));
    const auto& h = msg->header;
    c.pec = h.pec;
    c.device = h.device_id;
    c.sequence = h.sequence;

    // 2-5. Who is speaking, and may it say this?
    if (h.election != package_.name)
        return refuse(RejectReason::wrong_election,
                      fmt::format("signed for election '{}', this server counts '{}'", h.election, package_.name));
    const auto* device = registry_.find(h.device_id);
    if (!device)
        return refuse(RejectReason::unknown_device, fmt::format("device '{}' is not in the key registry", h.device_id));
    if (device->pec != h.pec)
        return refuse(RejectReason::wrong_pec,
                      fmt::format("device '{}' belongs to PEC {}, the message says PEC {}", h.device_id, device->pec, h.pec));
    const core::Pec* pec = package_.find_pec(h.pec);
    if (!pec) return refuse(RejectReason::wrong_pec, fmt::format("PEC {} is not in the election package", h.pec));
    const auto* arbb = std::get_if<core::ArbbReport>(&msg->payload);
    const core::DeviceRole source = arbb ? core::arbb_role(arbb->box) : core::DeviceRole::identification;
    c.source = source;
    if (device->role != source)
        return refuse(RejectReason::wrong_box, fmt::format("device '{}' ({}) sent a {} report", h.device_id,
                                                           core::to_string(device->role), box_name(source)));
    if (source == core::DeviceRole::arbb_district && pec->district == 0)
        return refuse(RejectReason::wrong_box, fmt::format("PEC {} is abroad and has no district box", h.pec));

    // 6. Signature over the bytes as received.
    if (!core::verify_detached(device->public_key, env->body, env->signature))
        return refuse(RejectReason::bad_signature,
                      fmt::format("signature does not verify with the registered key of '{}'", h.device_id));
    c.hash = core::hash_body(env->body);
    c.report = std::move(*msg);
    return c;
}

Decision Ingest::submit(Prechecked checked, std::string_view peer, core::Micros now) {
    ++counters_.received;
    Decision d = decision_for(checked, next_ticket_++);
    if (checked.rejected || !checked.report) {
        const auto reason = checked.rejected.value_or(RejectReason::malformed);
        if (reason == RejectReason::unknown_device && unknown_alerted_.size() < kKeptUnknownDevices &&
            unknown_alerted_.insert(d.device).second)
            alert(d, fmt::format("a message from device '{}', a key not in the registry, for PEC {}: a rogue or misconfigured "
                                 "device; call the PEC", d.device, d.pec),
                  peer, now);
        if (reason == RejectReason::bad_signature && bad_signature_alerted_.insert(d.device).second)  // registered ids only: bounded
            alert(d, fmt::format("a message naming device '{}' of PEC {} failed its signature check: altered on the way or forged "
                                 "from a captured report; call the PEC and compare its printed protocol", d.device, d.pec),
                  peer, now);
        return reject(d, reason, std::move(checked.text), peer, now);
    }
    const auto& h = checked.report->header;
    if (oversight_.is_revoked(h.device_id)) {
        auto text = fmt::format("the CEC revoked the key of '{}': its reports are refused; call PEC {} and take its results "
                                "through the backup channel", h.device_id, h.pec);
        alert(d, text, peer, now);
        return reject(d, RejectReason::revoked_device, std::move(text), peer, now);
    }

    // 7. Sequence.
    auto& stream = seen_[h.device_id];
    if (auto it = stream.find(h.sequence); it != stream.end()) return answer_seen(d, it->second, checked.hash, h, peer, now);
    std::uint64_t last = stream.empty() ? 0 : stream.rbegin()->first;
    if (h.sequence != last + 1) {  // another process on the same database may have stored the ones between
        auto learnt = learn_stored(h.device_id, stream);
        if (!learnt) {  // the store cannot be read now: no final answer, the station resends
            d.outcome = core::AckOutcome::retry;
            d.text = fmt::format("the store cannot be read now ({}): resend later", learnt.error().message);
            write_log(now, fmt::format("{}: retry: {}", peer, d.text));
            return d;
        }
        if (auto it = stream.find(h.sequence); *learnt && it != stream.end()) return answer_seen(d, it->second, checked.hash, h, peer, now);
        last = stream.empty() ? 0 : stream.rbegin()->first;
    }
    if (h.sequence != last + 1)
        return reject(d, RejectReason::out_of_order_sequence,
                      fmt::format("sequence {} of '{}', expected {}: resend in order", h.sequence, h.device_id, last + 1), peer, now);

    // 8. Validate and build the stored form.
    const core::Micros sent_at = h.sent_at;
    auto validated = validate(checked, package_, now);
    if (!validated) return reject(d, validated.error().reason, std::move(validated.error().text), peer, now);
    if (const auto& kind = validated->stored.kind; rules_.voting_closes && (kind == "final" || kind == "identification") &&
                                                   std::min(sent_at, now) < *rules_.voting_closes) {
        auto finding = fmt::format("before_voting_closed: a {} report sent at {} and received at {}, voting closes at {}", kind,
                                   core::clock_time(sent_at), core::clock_time(now), core::clock_time(*rules_.voting_closes));
        validated->stored.violations += finding + "\n";
        validated->findings.push_back(std::move(finding));
    }

    // Stage; the acknowledgement waits for the commit.
    return stage(d, std::move(validated->stored), validated->findings, stream, peer, now);
}

Decision Ingest::answer_seen(Decision d, const Seen& seen, const core::BodyHash& hash, const core::ReportHeader& h,
                             std::string_view peer, core::Micros now) {
    if (seen.hash == hash) {
        d.outcome = core::AckOutcome::duplicate;
        d.text = fmt::format("identical retransmission of sequence {}", h.sequence);
        ++counters_.duplicates;
        if (seen.store_ticket == 0)
            d.acknowledged_now = true;
        else
            waiting_[seen.store_ticket].push_back(d.ticket);
        audit(d, "duplicate", d.text, now);
        watch_duplicates(d, peer, now);
        return d;
    }
    auto text = fmt::format("sequence {} of '{}' was already received with different contents; this report is "
                            "refused: check the device and the PEC's paper protocol",
                            h.sequence, h.device_id);
    alert(d, text, peer, now);
    return reject(d, RejectReason::sequence_reused, std::move(text), peer, now);
}

Decision Ingest::stage(Decision d, StoredReport s, const std::vector<std::string>& findings,
                       std::map<std::uint64_t, Seen>& stream, std::string_view peer, core::Micros now) {
    const auto source = s.source;
    const std::string device = s.device;
    const std::uint64_t sequence = s.sequence;
    const core::BodyHash hash = s.body_hash;
    const auto store_ticket = store_.stage(std::move(s), now);
    audit(d, "stored", hex(hash), now, store_ticket);
    stream[sequence] = Seen{hash, store_ticket};
    staged_keys_.emplace_back(device, sequence);
    waiting_[store_ticket].push_back(d.ticket);
    d.outcome = core::AckOutcome::stored;
    d.text = fmt::format("{} report staged", box_name(source));
    ++counters_.accepted;
    if (!findings.empty()) {
        ++counters_.flagged;
        std::string text = "stored with protocol findings for the DEC:";
        for (const auto& f : findings) text += " " + f + ";";
        alert(d, std::move(text), peer, now);
    }
    return d;
}

// [SECTION] Group commit and acknowledgements

core::Result<bool> Ingest::learn_stored(const std::string& device, std::map<std::uint64_t, Seen>& stream) {
    std::vector<StoredKey> keys;
    try {
        keys = store_.keys_of(device);
    } catch (const StoreCorrupt&) {
        throw;
    } catch (const std::runtime_error& e) {  // e.g. the PostgreSQL connection is down
        return core::fail(e.what());
    }
    bool learnt = false;
    for (auto& k : keys) {
        auto [it, added] = stream.try_emplace(k.sequence, Seen{k.body_hash, 0});
        learnt = learnt || added;
    }
    return learnt;
}

std::unordered_map<std::uint64_t, Release> Ingest::answers_for_stored_elsewhere(const CommitOutcome& outcome, core::Micros now) {
    std::unordered_map<std::uint64_t, Release> answers;  // by store ticket
    for (const auto& e : outcome.stored_elsewhere) {
        const auto at = std::find(outcome.tickets.begin(), outcome.tickets.end(), e.ticket) - outcome.tickets.begin();
        const auto& [device, sequence] = staged_keys_.at(static_cast<std::size_t>(at));
        auto& seen = seen_[device][sequence];
        Release r{.ticket = 0, .acknowledged = true};
        Decision d{.pec = 0, .device = device, .sequence = sequence};
        if (seen.hash == e.stored_hash) {
            r.outcome = core::AckOutcome::duplicate;
            r.text = fmt::format("identical retransmission of sequence {} (stored by another ingest process)", sequence);
            ++counters_.duplicates;
        } else {
            r.outcome = core::AckOutcome::rejected;
            r.reason = RejectReason::sequence_reused;
            r.text = fmt::format("sequence {} of '{}' was already received with different contents (by another ingest "
                                 "process); this report is refused: check the device and the PEC's paper protocol",
                                 sequence, device);
            alert(d, r.text, "store", now);
            ++counters_.rejected[static_cast<std::size_t>(RejectReason::sequence_reused)];
        }
        --counters_.committed;
        seen.hash = e.stored_hash;
        answers.emplace(e.ticket, std::move(r));
    }
    return answers;
}

std::vector<Release> Ingest::commit_staged(core::Micros now) {
    std::vector<Release> out;
    if (!audit_overflow_.empty()) {  // one entry for the decisions past this commit's itemised ones
        std::string counts;
        std::int64_t total = 0;
        for (const auto& [action, n] : audit_overflow_) {
            counts += fmt::format("{}{} x {}", counts.empty() ? "" : ", ", action, n);
            total += n;
        }
        audit_overflow_.clear();
        store_.stage_audit({.at = now, .actor = "ingest", .action = "not_itemised",
                            .detail = fmt::format("{} more decisions: {}", total, counts)});
    }
    if (store_.staged() == 0 && store_.staged_audit() == 0) return out;
    auto outcome = store_.commit();
    if (outcome.committed) {
        ++counters_.commits;
        counters_.committed += static_cast<std::int64_t>(outcome.tickets.size());
    } else {
        ++counters_.failed_commits;
        write_log(now, fmt::format("store: batch of {} reports not stored ({}); senders will retransmit",
                                   outcome.tickets.size(), outcome.error));
    }
    // Reports another process stored first: the stored row answers for them (staged_keys_ is in ticket order).
    const auto elsewhere = answers_for_stored_elsewhere(outcome, now);
    // Committed: mark as durable. Failed: forget them, so retransmissions are accepted as new.
    for (const auto& [device, sequence] : staged_keys_) {
        auto& stream = seen_[device];
        if (outcome.committed)
            stream[sequence].store_ticket = 0;
        else
            stream.erase(sequence);
    }
    staged_keys_.clear();
    for (auto t : outcome.tickets) {
        auto w = waiting_.find(t);
        if (w == waiting_.end()) continue;
        const auto answer = elsewhere.find(t);
        for (auto decision_ticket : w->second) {
            Release r = answer != elsewhere.end() ? answer->second : Release{.acknowledged = outcome.committed, .error = outcome.error};
            r.ticket = decision_ticket;
            out.push_back(std::move(r));
        }
        waiting_.erase(w);
    }
    return out;
}

std::vector<Release> Ingest::poll(core::Micros now) {
    if (!store_.commit_due(now)) return {};
    return commit_staged(now);
}

std::vector<Release> Ingest::flush(core::Micros now) {
    if (store_.staged() == 0 && !store_.commit_due(now)) return {};  // audit records alone wait for their delay
    return commit_staged(now);
}

std::vector<Release> Ingest::finish(core::Micros now) { return commit_staged(now); }

}  // namespace central
