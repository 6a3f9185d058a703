#pragma once
/// Framing of the ingest protocol over a TLS stream (docs/protocol.md, "Transport"): every
/// message in either direction is a 4-byte big-endian length followed by that many bytes. A PEC
/// device sends SignedReport frames; the server answers each with one Ack frame, sent only after
/// the group commit that holds the report (or at once for a rejection or a duplicate of a
/// committed report). No Asio here: the codec is shared by the server, the client and tests.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace central {

/// Version of the Ack layout written and the only one read.
inline constexpr std::uint8_t kAckVersion = 1;
/// Bytes of the length prefix of a frame.
inline constexpr std::size_t kFrameHeaderBytes = 4;
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

/// The answer to one report frame.
struct Ack {
    AckOutcome outcome = AckOutcome::retry;  ///< what happened
    std::uint8_t reason = 0;                 ///< central::RejectReason value when rejected, else 0
    std::uint64_t ticket = 0;                ///< the server's ticket for the message
    std::uint64_t sequence = 0;              ///< the report's sequence as the server read it (0 if undecodable)
    std::string text;                        ///< one sentence for the log
    bool operator==(const Ack&) const = default;
};

/// The 4-byte big-endian length prefix of a payload of `size` bytes.
std::array<std::uint8_t, kFrameHeaderBytes> frame_header(std::size_t size);
/// The payload length a frame header announces.
std::uint32_t frame_length(std::span<const std::uint8_t, kFrameHeaderBytes> header);
/// `payload` with its length prefix.
std::vector<std::uint8_t> frame(std::span<const std::uint8_t> payload);

/// The Ack payload (without the length prefix): version, outcome, reason, 0, ticket (u64 BE),
/// sequence (u64 BE), text length (u16 BE), text (UTF-8, at most kMaxAckBytes - 22 bytes).
std::vector<std::uint8_t> encode_ack(const Ack& ack);
/// Reads an Ack payload; errors name the field.
core::Result<Ack> decode_ack(std::span<const std::uint8_t> payload);

}  // namespace central
