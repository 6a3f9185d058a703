#pragma once
/// Framing of the ingest protocol over a TLS stream (docs/protocol.md, "Transport"): every
/// message in either direction is a 4-byte big-endian length followed by that many bytes. A PEC
/// device sends SignedReport frames; the server answers each with one Ack frame (core/wire.hpp),
/// sent only after the group commit that holds the report (or at once for a rejection or a
/// duplicate of a committed report). No Asio here: the codec is shared by the server, the client
/// and tests.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace net {

/// Bytes of the length prefix of a frame.
inline constexpr std::size_t kFrameHeaderBytes = 4;
/// The 4-byte big-endian length prefix of a payload of `size` bytes.
std::array<std::uint8_t, kFrameHeaderBytes> frame_header(std::size_t size);
/// The payload length a frame header announces.
std::uint32_t frame_length(std::span<const std::uint8_t, kFrameHeaderBytes> header);
/// `payload` with its length prefix.
std::vector<std::uint8_t> frame(std::span<const std::uint8_t> payload);

}  // namespace net
