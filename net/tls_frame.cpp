#include "net/tls_frame.hpp"

#include <algorithm>

namespace net {

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

}  // namespace net
