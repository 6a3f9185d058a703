#include "net/tls_client.hpp"

#include <gtest/gtest.h>

#include "net/tls_frame.hpp"

namespace {

using namespace net;

TEST(TlsClient, ParsesServerAddresses) {
    auto a = parse_server_address("127.0.0.1:5443");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 5443);
    auto v6 = parse_server_address("[::1]:80");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_FALSE(parse_server_address("localhost"));
    EXPECT_FALSE(parse_server_address("localhost:99999"));
    EXPECT_FALSE(parse_server_address("localhost:http"));
}

TEST(TlsFrame, LengthPrefixRoundTrips) {
    EXPECT_EQ(frame_length(frame_header(0x01020304)), 0x01020304u);
    const std::vector<std::uint8_t> payload{1, 2, 3};
    const auto framed = frame(payload);
    ASSERT_EQ(framed.size(), kFrameHeaderBytes + payload.size());
    EXPECT_EQ(frame_length(std::span<const std::uint8_t, kFrameHeaderBytes>(framed.data(), kFrameHeaderBytes)), 3u);
    EXPECT_EQ(std::vector<std::uint8_t>(framed.begin() + kFrameHeaderBytes, framed.end()), payload);
}

}  // namespace
