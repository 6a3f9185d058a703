#include "core/wire.hpp"

// Index of this file:
//   [SECTION] Protobuf messages and byte helpers
//   [SECTION] Signed reports: encode, open, decode
//   [SECTION] Acknowledgements

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <type_traits>

#include "core/wire.pb.h"

namespace core {

// [SECTION] Protobuf messages and byte helpers

namespace {

namespace pb = shailoo::wire;
constexpr std::size_t kAckFixedBytes = 22;

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_u64(std::span<const std::uint8_t> p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[static_cast<std::size_t>(i)];
    return v;
}

/// Limits on repeated fields: far above any real ballot (21 parties, 54 candidates), far below abuse.
constexpr int kMaxOptions = 64;
constexpr int kMaxListLength = 64;

std::unexpected<WireError> wire_fail(WireErrorCode code, std::string message) {
    return std::unexpected(WireError{code, std::move(message)});
}

pb::ReportKind to_pb(ReportKind k) {
    switch (k) {
        case ReportKind::zero: return pb::REPORT_KIND_ZERO;
        case ReportKind::initial: return pb::REPORT_KIND_INITIAL;
        case ReportKind::final: return pb::REPORT_KIND_FINAL;
    }
    return pb::REPORT_KIND_UNSPECIFIED;
}

pb::BoxKind to_pb(BoxKind b) {
    return b == BoxKind::party_list ? pb::BOX_KIND_PARTY_LIST : pb::BOX_KIND_DISTRICT;
}

void fill(pb::ArbbReport& m, const ArbbReport& r) {
    m.set_kind(to_pb(r.kind));
    m.set_box(to_pb(r.box));
    m.set_at(r.at);
    for (auto v : r.option_counts) m.add_option_counts(v);
    for (const auto& party : r.preference_counts) {
        auto* p = m.add_preference_counts();
        for (auto v : party) p->add_counts(v);
    }
    m.set_ballots_in_box(r.ballots_in_box);
    m.set_ballots_scanned(r.ballots_scanned);
    m.set_valid(r.valid);
    m.set_invalid(r.invalid);
    for (auto v : r.invalid_by_reason) m.add_invalid_by_reason(v);
    m.set_returned_to_voters(r.returned_to_voters);
    m.set_replaced_by_stationary_box(r.replaced_by_stationary_box);
    m.set_replaced_at(r.replaced_at);
    m.set_ballots_awaiting_manual_count(r.ballots_awaiting_manual_count);
    auto* f = m.mutable_figures();
    f->set_ballots_received(r.figures.ballots_received);
    f->set_ballots_issued(r.figures.ballots_issued);
    f->set_identified_voters(r.figures.identified_voters);
    m.set_printed(r.printed);
    m.set_print_error(r.print_error);
}

// A count of an ARBB report: never negative.
std::expected<std::int64_t, WireError> arbb_count(std::int64_t v, std::string_view field) {
    if (v < 0) return wire_fail(WireErrorCode::invalid_field, fmt::format("arbb.{}: negative count {}", field, v));
    return v;
}

// The report's kind and box, both known values.
std::expected<void, WireError> read_kind_and_box(const pb::ArbbReport& m, ArbbReport& r) {
    switch (m.kind()) {
        case pb::REPORT_KIND_ZERO: r.kind = ReportKind::zero; break;
        case pb::REPORT_KIND_INITIAL: r.kind = ReportKind::initial; break;
        case pb::REPORT_KIND_FINAL: r.kind = ReportKind::final; break;
        default: return wire_fail(WireErrorCode::invalid_field, fmt::format("arbb.kind: unknown value {}", static_cast<int>(m.kind())));
    }
    switch (m.box()) {
        case pb::BOX_KIND_PARTY_LIST: r.box = BoxKind::party_list; break;
        case pb::BOX_KIND_DISTRICT: r.box = BoxKind::district; break;
        default: return wire_fail(WireErrorCode::invalid_field, fmt::format("arbb.box: unknown value {}", static_cast<int>(m.box())));
    }
    return {};
}

// The votes per option and the preference votes per party list, bounded in number and never negative.
std::expected<void, WireError> read_votes(const pb::ArbbReport& m, ArbbReport& r) {
    if (m.option_counts_size() > kMaxOptions)
        return wire_fail(WireErrorCode::invalid_field, fmt::format("arbb.option_counts: {} options, at most {}", m.option_counts_size(), kMaxOptions));
    for (auto v : m.option_counts()) {
        auto c = arbb_count(v, "option_counts");
        if (!c) return std::unexpected(c.error());
        r.option_counts.push_back(*c);
    }
    if (m.preference_counts_size() > kMaxOptions)
        return wire_fail(WireErrorCode::invalid_field, fmt::format("arbb.preference_counts: {} parties, at most {}", m.preference_counts_size(), kMaxOptions));
    if (r.box == BoxKind::district && m.preference_counts_size() > 0)
        return wire_fail(WireErrorCode::invalid_field, "arbb.preference_counts: the district box has no preference votes");
    for (const auto& party : m.preference_counts()) {
        if (party.counts_size() > kMaxListLength)
            return wire_fail(WireErrorCode::invalid_field, fmt::format("arbb.preference_counts: a list of {} candidates, at most {}", party.counts_size(), kMaxListLength));
        auto& row = r.preference_counts.emplace_back();
        for (auto v : party.counts()) {
            auto c = arbb_count(v, "preference_counts");
            if (!c) return std::unexpected(c.error());
            row.push_back(*c);
        }
    }
    return {};
}

// The invalid ballots by reason (exactly kInvalidReasonCount) and the report's totals, never negative.
std::expected<void, WireError> read_totals(const pb::ArbbReport& m, ArbbReport& r) {
    if (m.invalid_by_reason_size() != kInvalidReasonCount)
        return wire_fail(WireErrorCode::invalid_field, fmt::format("arbb.invalid_by_reason: {} reasons, expected {}", m.invalid_by_reason_size(), kInvalidReasonCount));
    for (int i = 0; i < kInvalidReasonCount; ++i) {
        auto c = arbb_count(m.invalid_by_reason(i), "invalid_by_reason");
        if (!c) return std::unexpected(c.error());
        r.invalid_by_reason[static_cast<std::size_t>(i)] = *c;
    }
    struct Field {
        std::int64_t v;
        const char* name;
        std::int64_t* out;
    };
    for (const auto& f : {Field{m.ballots_in_box(), "ballots_in_box", &r.ballots_in_box},
                          Field{m.ballots_scanned(), "ballots_scanned", &r.ballots_scanned},
                          Field{m.valid(), "valid", &r.valid},
                          Field{m.invalid(), "invalid", &r.invalid},
                          Field{m.returned_to_voters(), "returned_to_voters", &r.returned_to_voters},
                          Field{m.ballots_awaiting_manual_count(), "ballots_awaiting_manual_count", &r.ballots_awaiting_manual_count},
                          Field{m.figures().ballots_received(), "figures.ballots_received", &r.figures.ballots_received},
                          Field{m.figures().ballots_issued(), "figures.ballots_issued", &r.figures.ballots_issued},
                          Field{m.figures().identified_voters(), "figures.identified_voters", &r.figures.identified_voters}}) {
        auto c = arbb_count(f.v, f.name);
        if (!c) return std::unexpected(c.error());
        *f.out = *c;
    }
    return {};
}

std::expected<ArbbReport, WireError> read(const pb::ArbbReport& m, int pec, const std::string& device) {
    ArbbReport r;
    r.pec = pec;
    if (auto ok = read_kind_and_box(m, r); !ok) return std::unexpected(ok.error());
    r.device_id = device;
    r.at = m.at();
    if (auto ok = read_votes(m, r); !ok) return std::unexpected(ok.error());
    if (auto ok = read_totals(m, r); !ok) return std::unexpected(ok.error());
    r.replaced_by_stationary_box = m.replaced_by_stationary_box();
    r.replaced_at = m.replaced_at();
    r.printed = m.printed();
    r.print_error = m.print_error();
    return r;
}

void fill(pb::IdentificationReport& m, const IdentificationReport& r) {
    m.set_at(r.at);
    if (r.registered) m.set_registered(*r.registered);
    m.set_fingerprint(r.fingerprint);
    m.set_other_finger(r.other_finger);
    m.set_face(r.face);
    m.set_manual(r.manual);
    m.set_refused_already_voted(r.refused_already_voted);
    m.set_refused_not_on_list(r.refused_not_on_list);
    m.set_refused_other(r.refused_other);
    m.set_ballots_issued(r.ballots_issued);
    m.set_receipts_not_printed(r.receipts_not_printed);
}

std::expected<IdentificationReport, WireError> read(const pb::IdentificationReport& m, int pec,
                                                    const std::string& device) {
    IdentificationReport r;
    r.pec = pec;
    r.device_id = device;
    r.at = m.at();
    if (m.has_registered()) {
        if (m.registered() < 0)
            return wire_fail(WireErrorCode::invalid_field, fmt::format("identification.registered: negative count {}", m.registered()));
        r.registered = m.registered();
    }
    struct Field {
        std::int64_t v;
        const char* name;
        std::int64_t* out;
    };
    for (const auto& f : {Field{m.fingerprint(), "fingerprint", &r.fingerprint},
                          Field{m.other_finger(), "other_finger", &r.other_finger},
                          Field{m.face(), "face", &r.face},
                          Field{m.manual(), "manual", &r.manual},
                          Field{m.refused_already_voted(), "refused_already_voted", &r.refused_already_voted},
                          Field{m.refused_not_on_list(), "refused_not_on_list", &r.refused_not_on_list},
                          Field{m.refused_other(), "refused_other", &r.refused_other},
                          Field{m.ballots_issued(), "ballots_issued", &r.ballots_issued},
                          Field{m.receipts_not_printed(), "receipts_not_printed", &r.receipts_not_printed}}) {
        if (f.v < 0)
            return wire_fail(WireErrorCode::invalid_field, fmt::format("identification.{}: negative count {}", f.name, f.v));
        *f.out = f.v;
    }
    return r;
}

std::string serialise(const google::protobuf::MessageLite& m) {
    std::string out;
    m.SerializeToString(&out);
    return out;
}

}  // namespace

// [SECTION] Signed reports: encode, open, decode

std::string_view to_string(WireErrorCode code) {
    switch (code) {
        case WireErrorCode::too_large: return "too_large";
        case WireErrorCode::malformed_envelope: return "malformed_envelope";
        case WireErrorCode::unsupported_version: return "unsupported_version";
        case WireErrorCode::bad_signature_size: return "bad_signature_size";
        case WireErrorCode::malformed_body: return "malformed_body";
        case WireErrorCode::missing_report: return "missing_report";
        case WireErrorCode::invalid_field: return "invalid_field";
    }
    return "unknown";
}

BodyHash hash_body(std::span<const std::uint8_t> body) {
    static const bool sodium_ready = sodium_init() >= 0;  // idempotent; BLAKE2b needs no more than that
    (void)sodium_ready;
    BodyHash h{};
    crypto_generichash(h.data(), h.size(), body.data(), body.size(), nullptr, 0);
    return h;
}

std::vector<std::uint8_t> encode_body(const WireReport& report) {
    pb::ReportBody body;
    body.set_wire_version(kWireVersion);
    body.set_election(report.header.election);
    body.set_pec(static_cast<std::uint32_t>(report.header.pec));
    body.set_device_id(report.header.device_id);
    body.set_sequence(report.header.sequence);
    body.set_sent_at(report.header.sent_at);
    std::visit(
        [&](const auto& r) {
            if constexpr (std::is_same_v<std::decay_t<decltype(r)>, ArbbReport>)
                fill(*body.mutable_arbb(), r);
            else
                fill(*body.mutable_identification(), r);
        },
        report.payload);
    const auto s = serialise(body);
    return {s.begin(), s.end()};
}

std::vector<std::uint8_t> encode_signed_report(const WireReport& report, const SecretKey& device_key) {
    const auto body = encode_body(report);
    return encode_envelope({body, sign_detached(device_key, body)});
}

std::vector<std::uint8_t> encode_envelope(const SignedEnvelope& envelope) {
    pb::SignedReport m;
    m.set_wire_version(kWireVersion);
    m.set_body(envelope.body.data(), envelope.body.size());
    m.set_signature(envelope.signature.data(), envelope.signature.size());
    const auto s = serialise(m);
    return {s.begin(), s.end()};
}

std::expected<SignedEnvelope, WireError> open_envelope(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kMaxWireMessageBytes)
        return wire_fail(WireErrorCode::too_large, fmt::format("message of {} bytes, at most {}", bytes.size(), kMaxWireMessageBytes));
    pb::SignedReport m;
    if (bytes.empty() || !m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return wire_fail(WireErrorCode::malformed_envelope, fmt::format("{} bytes are not a SignedReport (truncated or garbage)", bytes.size()));
    if (m.wire_version() != kWireVersion)
        return wire_fail(WireErrorCode::unsupported_version, fmt::format("wire_version {}, this server reads {}", m.wire_version(), kWireVersion));
    if (m.signature().size() != Signature{}.size())
        return wire_fail(WireErrorCode::bad_signature_size, fmt::format("signature of {} bytes, expected 64", m.signature().size()));
    if (m.body().empty()) return wire_fail(WireErrorCode::malformed_body, "empty body");
    SignedEnvelope env;
    env.body.assign(m.body().begin(), m.body().end());
    std::copy(m.signature().begin(), m.signature().end(), env.signature.begin());
    return env;
}

std::expected<WireReport, WireError> decode_body(std::span<const std::uint8_t> bytes) {
    pb::ReportBody m;
    if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return wire_fail(WireErrorCode::malformed_body, fmt::format("{} body bytes are not a ReportBody", bytes.size()));
    if (m.wire_version() != kWireVersion)
        return wire_fail(WireErrorCode::unsupported_version, fmt::format("body wire_version {}, this server reads {}", m.wire_version(), kWireVersion));
    WireReport out;
    out.header.election = m.election();
    out.header.pec = static_cast<int>(m.pec());
    out.header.device_id = m.device_id();
    out.header.sequence = m.sequence();
    out.header.sent_at = m.sent_at();
    auto printable = [](const std::string& s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    };
    if (m.election().empty() || m.election().size() > 128 || !printable(m.election()))
        return wire_fail(WireErrorCode::invalid_field, "election: expected 1 to 128 printable ASCII characters");
    if (!printable(m.device_id())) return wire_fail(WireErrorCode::invalid_field, "device_id: not printable ASCII");
    if (m.pec() < 1000 || m.pec() > 9999) return wire_fail(WireErrorCode::invalid_field, fmt::format("pec: {} is not a 4-digit PEC number", m.pec()));
    if (m.device_id().empty() || m.device_id().size() > 64)
        return wire_fail(WireErrorCode::invalid_field, fmt::format("device_id: {} characters, expected 1 to 64", m.device_id().size()));
    if (m.sequence() == 0) return wire_fail(WireErrorCode::invalid_field, "sequence: 0, sequences start at 1");
    switch (m.report_case()) {
        case pb::ReportBody::kArbb: {
            auto r = read(m.arbb(), out.header.pec, m.device_id());
            if (!r) return std::unexpected(r.error());
            out.payload = std::move(*r);
            return out;
        }
        case pb::ReportBody::kIdentification: {
            auto r = read(m.identification(), out.header.pec, m.device_id());
            if (!r) return std::unexpected(r.error());
            out.payload = std::move(*r);
            return out;
        }
        case pb::ReportBody::REPORT_NOT_SET: break;
    }
    return wire_fail(WireErrorCode::missing_report, "body carries no report");
}

// [SECTION] Acknowledgements

std::string_view to_string(AckOutcome outcome) {
    switch (outcome) {
        case AckOutcome::stored: return "stored";
        case AckOutcome::duplicate: return "duplicate";
        case AckOutcome::rejected: return "rejected";
        case AckOutcome::retry: return "retry";
    }
    return "unknown";
}

std::string_view to_string(RejectReason reason) {
    switch (reason) {
        case RejectReason::none: return "none";
        case RejectReason::malformed: return "malformed";
        case RejectReason::wrong_election: return "wrong_election";
        case RejectReason::unknown_device: return "unknown_device";
        case RejectReason::wrong_pec: return "wrong_pec";
        case RejectReason::wrong_box: return "wrong_box";
        case RejectReason::bad_signature: return "bad_signature";
        case RejectReason::sequence_reused: return "sequence_reused";
        case RejectReason::out_of_order_sequence: return "out_of_order_sequence";
        case RejectReason::wrong_shape: return "wrong_shape";
        case RejectReason::failed_control_ratios: return "failed_control_ratios";
        case RejectReason::exceeds_registered_voters: return "exceeds_registered_voters";
        case RejectReason::revoked_device: return "revoked_device";
    }
    return "unknown";
}

std::vector<std::uint8_t> encode_ack(const Ack& ack) {
    std::vector<std::uint8_t> out;
    const std::size_t text = std::min(ack.text.size(), kMaxAckBytes - kAckFixedBytes);
    out.reserve(kAckFixedBytes + text);
    out.push_back(kAckVersion);
    out.push_back(static_cast<std::uint8_t>(ack.outcome));
    out.push_back(ack.reason);
    out.push_back(0);
    put_u64(out, ack.ticket);
    put_u64(out, ack.sequence);
    out.push_back(static_cast<std::uint8_t>(text >> 8));
    out.push_back(static_cast<std::uint8_t>(text));
    out.insert(out.end(), ack.text.begin(), ack.text.begin() + static_cast<std::ptrdiff_t>(text));
    return out;
}

Result<Ack> decode_ack(std::span<const std::uint8_t> p) {
    if (p.size() < kAckFixedBytes || p.size() > kMaxAckBytes)
        return fail(fmt::format("ack: {} bytes, expected {} to {}", p.size(), kAckFixedBytes, kMaxAckBytes));
    if (p[0] != kAckVersion) return fail(fmt::format("ack.version: {}, this client reads {}", p[0], kAckVersion));
    Ack a;
    if (p[1] < 1 || p[1] > 4) return fail(fmt::format("ack.outcome: unknown value {}", p[1]));
    a.outcome = static_cast<AckOutcome>(p[1]);
    a.reason = p[2];
    a.ticket = get_u64(p.subspan(4, 8));
    a.sequence = get_u64(p.subspan(12, 8));
    const std::size_t text = (std::size_t{p[20]} << 8) | p[21];
    if (kAckFixedBytes + text != p.size())
        return fail(fmt::format("ack.text: length {} but {} bytes follow", text, p.size() - kAckFixedBytes));
    a.text.assign(p.begin() + kAckFixedBytes, p.end());
    return a;
}

}  // namespace core
