#include "central/oversight.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/wire.hpp"

namespace central {

namespace {

void put_int(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_text(std::vector<std::uint8_t>& out, std::string_view s) {
    put_int(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

/// Inserts `pec` into the ascending `pecs` (false when it is there already).
bool insert_sorted(std::vector<int>& pecs, int pec) {
    const auto at = std::lower_bound(pecs.begin(), pecs.end(), pec);
    if (at != pecs.end() && *at == pec) return false;
    pecs.insert(at, pec);
    return true;
}

/// Removes `pec` from the ascending `pecs` (false when it is not there).
bool erase_sorted(std::vector<int>& pecs, int pec) {
    const auto at = std::lower_bound(pecs.begin(), pecs.end(), pec);
    if (at == pecs.end() || *at != pec) return false;
    pecs.erase(at);
    return true;
}

}  // namespace

std::array<std::uint8_t, 32> audit_hash(const std::array<std::uint8_t, 32>& previous, std::int64_t number, const AuditRecord& r) {
    std::vector<std::uint8_t> bytes(previous.begin(), previous.end());
    bytes.reserve(128 + r.actor.size() + r.action.size() + r.device.size() + r.detail.size());
    put_int(bytes, static_cast<std::uint64_t>(number));
    put_int(bytes, static_cast<std::uint64_t>(r.at));
    put_text(bytes, r.actor);
    put_text(bytes, r.action);
    put_int(bytes, static_cast<std::uint64_t>(static_cast<std::int64_t>(r.pec)));
    put_text(bytes, r.device);
    put_int(bytes, r.sequence);
    put_text(bytes, r.detail);
    return core::hash_body(bytes);
}

AuditCheck verify_audit(std::span<const AuditEntry> log) {
    AuditCheck check;
    std::array<std::uint8_t, 32> previous{};
    for (const auto& e : log) {
        ++check.entries;
        const std::int64_t expected = check.entries;
        if (e.number != expected) {
            check.first_broken = expected;
            check.why = fmt::format("entry {} is missing: the next entry read is number {}", expected, e.number);
            return check;
        }
        if (audit_hash(previous, e.number, e.record) != e.hash) {
            check.first_broken = e.number;
            check.why = fmt::format("entry {} ({} by {}) does not match its hash: it or the entry before it was changed",
                                    e.number, e.record.action, e.record.actor);
            return check;
        }
        previous = e.hash;
    }
    return check;
}

std::string hex(const std::array<std::uint8_t, 32>& hash) {
    std::string out;
    out.reserve(64);
    for (auto b : hash) out += fmt::format("{:02x}", b);
    return out;
}

std::string_view to_string(OperatorDo what) {
    switch (what) {
        case OperatorDo::revoke: return "revoke";
        case OperatorDo::hold: return "hold";
        case OperatorDo::release: return "release";
        case OperatorDo::accept: return "accept";
    }
    return "unknown";
}

core::Result<OperatorDo> parse_operator_do(std::string_view text) {
    for (auto what : {OperatorDo::revoke, OperatorDo::hold, OperatorDo::release, OperatorDo::accept})
        if (to_string(what) == text) return what;
    return core::fail(fmt::format("unknown operator action '{}' (revoke, hold, release, accept)", text));
}

bool Oversight::is_revoked(std::string_view device) const {
    return std::any_of(revoked.begin(), revoked.end(), [&](const OperatorAction& r) { return r.device == device; });
}

std::uint64_t Oversight::accepted_sequence(std::string_view device) const {
    const auto it = std::find_if(accepted.begin(), accepted.end(), [&](const OperatorAction& a) { return a.device == device; });
    return it == accepted.end() ? 0 : it->sequence;
}

bool Oversight::is_withheld(int pec) const {
    return std::binary_search(held.begin(), held.end(), pec) || std::binary_search(under_review.begin(), under_review.end(), pec);
}

core::Result<Oversight> replay(std::span<const OperatorAction> actions) {
    Oversight o;
    for (const auto& a : actions) {
        switch (a.what) {
            case OperatorDo::revoke:
                if (a.device.empty()) return core::fail("revoke: no device named");
                if (o.is_revoked(a.device)) return core::fail(fmt::format("device '{}' is revoked already", a.device));
                o.revoked.push_back(a);
                insert_sorted(o.under_review, a.pec);
                break;
            case OperatorDo::hold:
                if (!insert_sorted(o.held, a.pec)) return core::fail(fmt::format("PEC {}'s figures are held already", a.pec));
                break;
            case OperatorDo::accept: {
                if (!o.is_revoked(a.device))
                    return core::fail(fmt::format("device '{}' is not revoked: its reports count as they are", a.device));
                if (a.sequence == 0) return core::fail("accept: no report's sequence number named");
                if (const auto s = o.accepted_sequence(a.device))
                    return core::fail(fmt::format("report {} of '{}' was accepted already", s, a.device));
                o.accepted.push_back(a);
                // The PEC leaves review once every revoked device of it has its accepted report.
                const bool all = std::all_of(o.revoked.begin(), o.revoked.end(), [&](const OperatorAction& r) {
                    return r.pec != a.pec || o.accepted_sequence(r.device) != 0;
                });
                if (all) erase_sorted(o.under_review, a.pec);
                break;
            }
            case OperatorDo::release: {
                const bool was_held = erase_sorted(o.held, a.pec);
                const bool was_reviewed = erase_sorted(o.under_review, a.pec);
                if (!was_held && !was_reviewed)
                    return core::fail(fmt::format("PEC {}'s figures are published already", a.pec));
                break;
            }
        }
    }
    return o;
}

}  // namespace central
