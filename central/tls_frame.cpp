#include "central/tls_frame.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace central {

namespace {
constexpr std::size_t kAckFixedBytes = 22;

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_u64(std::span<const std::uint8_t> p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[static_cast<std::size_t>(i)];
    return v;
}
}  // namespace

std::string_view to_string(AckOutcome outcome) {
    switch (outcome) {
        case AckOutcome::stored: return "stored";
        case AckOutcome::duplicate: return "duplicate";
        case AckOutcome::rejected: return "rejected";
        case AckOutcome::retry: return "retry";
    }
    return "unknown";
}

std::array<std::uint8_t, kFrameHeaderBytes> frame_header(std::size_t size) {
    const auto n = static_cast<std::uint32_t>(size);
    return {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
            static_cast<std::uint8_t>(n)};
}

std::uint32_t frame_length(std::span<const std::uint8_t, kFrameHeaderBytes> h) {
    return (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) | std::uint32_t{h[3]};
}

std::vector<std::uint8_t> frame(std::span<const std::uint8_t> payload) {
    // Sized once and copied into (two inserts after a reserve made GCC 12 warn of an overflow that cannot happen).
    std::vector<std::uint8_t> out(kFrameHeaderBytes + payload.size());
    const auto h = frame_header(payload.size());
    std::copy(h.begin(), h.end(), out.begin());
    std::copy(payload.begin(), payload.end(), out.begin() + kFrameHeaderBytes);
    return out;
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

core::Result<Ack> decode_ack(std::span<const std::uint8_t> p) {
    if (p.size() < kAckFixedBytes || p.size() > kMaxAckBytes)
        return core::fail(fmt::format("ack: {} bytes, expected {} to {}", p.size(), kAckFixedBytes, kMaxAckBytes));
    if (p[0] != kAckVersion) return core::fail(fmt::format("ack.version: {}, this client reads {}", p[0], kAckVersion));
    Ack a;
    if (p[1] < 1 || p[1] > 4) return core::fail(fmt::format("ack.outcome: unknown value {}", p[1]));
    a.outcome = static_cast<AckOutcome>(p[1]);
    a.reason = p[2];
    a.ticket = get_u64(p.subspan(4, 8));
    a.sequence = get_u64(p.subspan(12, 8));
    const std::size_t text = (std::size_t{p[20]} << 8) | p[21];
    if (kAckFixedBytes + text != p.size())
        return core::fail(fmt::format("ack.text: length {} but {} bytes follow", text, p.size() - kAckFixedBytes));
    a.text.assign(p.begin() + kAckFixedBytes, p.end());
    return a;
}

}  // namespace central
