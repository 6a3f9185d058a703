#pragma once
/// Wire messages between the PEC devices and the CEC server (docs/protocol.md): the devices'
/// SignedReports (core/wire.proto) and the server's Acks. A SignedReport: the serialised ReportBody and the sending device's Ed25519
/// signature of exactly those bytes. Decoding never trusts its input: every way bytes can be
/// wrong comes back as a WireError with a specific code and a message naming the field.
#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/device_keys.hpp"
#include "core/identification_report.hpp"
#include "core/reports.hpp"
#include "core/result.hpp"

namespace core {

/// Version of the wire format written and the only one read.
inline constexpr std::uint32_t kWireVersion = 1;

/// Largest message accepted (bytes). A final party-list report with 21 parties x 54 preference
/// counts is a few kilobytes; anything far larger is refused before parsing.
inline constexpr std::size_t kMaxWireMessageBytes = 256 * 1024;

/// Who sent a report and where it sits in that device's stream.
struct ReportHeader {
    std::string election;     ///< election package name, e.g. "kg2021"
    int pec = 0;              ///< PEC number
    std::string device_id;    ///< e.g. "1001-arbb-1"
    std::uint64_t sequence = 0;  ///< 1, 2, 3, ... per device
    Micros sent_at = 0;       ///< device clock when sent
    bool operator==(const ReportHeader&) const = default;
};

/// The reports a device can send: an ARBB's zero / initial / final report or the identification report.
using ReportPayload = std::variant<ArbbReport, IdentificationReport>;

/// One decoded report with its header.
struct WireReport {
    ReportHeader header;      ///< sender and sequence
    ReportPayload payload;    ///< the report itself
};

/// Why bytes could not be read as a report.
enum class WireErrorCode : std::uint8_t {
    too_large,            ///< over kMaxWireMessageBytes
    malformed_envelope,   ///< not a SignedReport (truncated or garbage)
    unsupported_version,  ///< a wire_version this server does not read
    bad_signature_size,   ///< signature not 64 bytes
    malformed_body,       ///< body is not a ReportBody
    missing_report,       ///< body carries no report
    invalid_field,        ///< a field out of range (kind, box, negative count, ...)
};

/// Stable name of a code ("malformed_envelope", ...), for logs and counters.
std::string_view to_string(WireErrorCode code);

/// A decoding failure: the code and a sentence naming the field.
struct WireError {
    WireErrorCode code = WireErrorCode::malformed_envelope;  ///< what kind of failure
    std::string message;                                       ///< for the person reading the log
};

/// The outer layer after parsing: body bytes as signed, and the signature.
struct SignedEnvelope {
    std::vector<std::uint8_t> body;  ///< serialised ReportBody (what the signature covers)
    Signature signature{};           ///< Ed25519 detached signature
};

/// BLAKE2b-256 of a report body: how the store recognises an identical retransmission.
using BodyHash = std::array<std::uint8_t, 32>;

/// Hash of body bytes (libsodium crypto_generichash, 32 bytes, no key).
BodyHash hash_body(std::span<const std::uint8_t> body);

/// Serialises a report body (deterministic for equal reports).
std::vector<std::uint8_t> encode_body(const WireReport& report);

/// Signs and wraps a report: the bytes a device transmits.
std::vector<std::uint8_t> encode_signed_report(const WireReport& report, const SecretKey& device_key);

/// Wraps body bytes and a signature as they are (no signing): the outer SignedReport.
std::vector<std::uint8_t> encode_envelope(const SignedEnvelope& envelope);

/// Parses the outer SignedReport.
std::expected<SignedEnvelope, WireError> open_envelope(std::span<const std::uint8_t> bytes);

/// Parses and range-checks a ReportBody (does not verify the signature).
std::expected<WireReport, WireError> decode_body(std::span<const std::uint8_t> body);

// Acknowledgements: the server's answer to each SignedReport.

/// Version of the Ack layout written and the only one read.
inline constexpr std::uint8_t kAckVersion = 1;
/// Largest Ack payload accepted by a client (the text is cut to fit).
inline constexpr std::size_t kMaxAckBytes = 1024;

/// What the server says about one report.
enum class AckOutcome : std::uint8_t {
    stored = 1,     ///< new report, committed durably
    duplicate = 2,  ///< identical retransmission of a report that is (now) committed
    rejected = 3,   ///< refused for good (reason says why); resending the same bytes will not help
    retry = 4,      ///< not stored (failed commit, server shutting down): resend later
};

/// Stable name ("stored", "duplicate", "rejected", "retry").
std::string_view to_string(AckOutcome outcome);

/// Why the server rejected a report: the Ack's reason byte (docs/protocol.md; the server's checks in
/// central/ingest.hpp). Wire values: never renumbered. Stable names (to_string) in logs and counters.
enum class RejectReason : std::uint8_t {
    none,                       ///< not rejected
    malformed,                  ///< bytes are not a valid wire message (core::WireErrorCode in the text)
    wrong_election,             ///< signed for another election package (e.g. a drill)
    unknown_device,             ///< device id not in the key registry
    wrong_pec,                  ///< device registered to another PEC
    wrong_box,                  ///< report type or box does not match the device's role or the PEC
    bad_signature,              ///< signature does not verify with the device's registered key
    sequence_reused,            ///< a different report under a sequence already received (alert)
    out_of_order_sequence,      ///< not the device's next sequence number
    wrong_shape,                ///< counts not sized as the election package's ballot
    failed_control_ratios,      ///< the device's own arithmetic does not add up
    exceeds_registered_voters,  ///< more ballots than voters registered at the PEC
    revoked_device,             ///< the CEC revoked the device's key (central/oversight.hpp)
};

/// Number of RejectReason values.
inline constexpr int kRejectReasonCount = 13;

/// Stable name of a reason ("bad_signature", ...; "unknown" for a byte no reason has).
std::string_view to_string(RejectReason reason);

/// The answer to one report frame.
struct Ack {
    AckOutcome outcome = AckOutcome::retry;  ///< what happened
    std::uint8_t reason = 0;                 ///< the server's reason code when rejected (docs/protocol.md), else 0
    std::uint64_t ticket = 0;                ///< the server's ticket for the message
    std::uint64_t sequence = 0;              ///< the report's sequence as the server read it (0 if undecodable)
    std::string text;                        ///< one sentence for the log
    bool operator==(const Ack&) const = default;
};

/// The Ack payload (without the length prefix): version, outcome, reason, 0, ticket (u64 BE),
/// sequence (u64 BE), text length (u16 BE), text (UTF-8, at most kMaxAckBytes - 22 bytes).
std::vector<std::uint8_t> encode_ack(const Ack& ack);
/// Reads an Ack payload; errors name the field.
Result<Ack> decode_ack(std::span<const std::uint8_t> payload);


}  // namespace core
