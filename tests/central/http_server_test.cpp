#include "central/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "central/publication.hpp"

using namespace central;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

/// Splits raw HTTP/1.1 responses (Content-Length framed) as they came off the socket.
std::vector<Reply> parse_replies(std::string_view raw, bool head = false) {
    std::vector<Reply> out;
    while (!raw.empty()) {
        const auto end = raw.find("\r\n\r\n");
        if (end == std::string_view::npos) break;
        Reply r;
        const std::string_view head_block = raw.substr(0, end);
        r.status = std::stoi(std::string(head_block.substr(9, 3)));
        std::size_t pos = head_block.find("\r\n");
        while (pos != std::string_view::npos) {
            const auto next = head_block.find("\r\n", pos + 2);
            const auto line = head_block.substr(pos + 2, next == std::string_view::npos ? next : next - pos - 2);
            const auto colon = line.find(':');
            std::string name(line.substr(0, colon));
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = std::string(line.substr(colon + 2));
            pos = next;
        }
        const std::size_t length = head ? 0 : std::stoul(r.headers["content-length"]);
        r.body = std::string(raw.substr(end + 4, length));
        raw.remove_prefix(std::min(raw.size(), end + 4 + length));
        out.push_back(std::move(r));
    }
    return out;
}

/// Sends raw bytes to 127.0.0.1:port and reads until the server closes; bounded to 5 s.
std::string exchange(std::uint16_t port, const std::string& request) {
    asio::io_context io;
    tcp::socket socket(io);
    std::string response;
    socket.async_connect({asio::ip::address_v4::loopback(), port}, [&](boost::system::error_code ec) {
        if (ec) return;
        asio::async_write(socket, asio::buffer(request), [&](boost::system::error_code ec, std::size_t) {
            if (ec) return;
            asio::async_read(socket, asio::dynamic_buffer(response), [](boost::system::error_code, std::size_t) {});
        });
    });
    io.run_for(std::chrono::seconds(5));
    return response;
}

/// An HttpServer on 127.0.0.1, any free port, run by a thread of its own.
class RunningServer {
public:
    explicit RunningServer(std::string results = R"({"version":1,"parties":[]})", HttpServerLimits limits = {})
        : results_(std::move(results)),
          server_(io_, {asio::ip::address_v4::loopback(), 0},
                  [this] {
                      ++calls;
                      return results_;
                  },
                  limits) {
        auto started = server_.start();
        EXPECT_TRUE(started) << started.error().message;
        thread_ = std::thread([this] { io_.run(); });
    }
    ~RunningServer() {
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return server_.port(); }
    HttpServer& server() { return server_; }
    std::atomic<int> calls{0};

private:
    std::string results_;
    asio::io_context io_;
    HttpServer server_;
    std::thread thread_;
};

Reply get(std::uint16_t port, const std::string& request) {
    auto replies = parse_replies(exchange(port, request), request.starts_with("HEAD"));
    EXPECT_EQ(replies.size(), 1u);
    return replies.empty() ? Reply{} : replies[0];
}

}  // namespace

TEST(HttpServer, ServesTheSelfContainedResultsPageAtTheRoot) {
    RunningServer s;
    ASSERT_NE(s.port(), 0);
    auto r = get(s.port(), "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_EQ(r.headers["cache-control"], "no-cache");
    EXPECT_NE(r.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(r.body, results_page_html());
    EXPECT_EQ(r.body.find("http://"), std::string::npos);
    EXPECT_EQ(r.body.find("https://"), std::string::npos);
}

TEST(HttpServer, ServesTheResultsDocumentFromTheProviderOnEveryRequest) {
    RunningServer s(R"({"version":1,"national":{"ballots":850}})");
    for (int i = 1; i <= 2; ++i) {
        auto r = get(s.port(), "GET /api/results.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.headers["content-type"], "application/json; charset=utf-8");
        EXPECT_EQ(r.headers["cache-control"], "no-store");
        auto doc = nlohmann::json::parse(r.body, nullptr, false);
        ASSERT_FALSE(doc.is_discarded()) << r.body;
        EXPECT_EQ(doc["national"]["ballots"], 850);
        EXPECT_EQ(s.calls.load(), i);  // not cached by the server: the provider decides
    }
}

TEST(HttpServer, HeadGivesTheLengthWithoutTheBody) {
    const std::string doc = R"({"version":1,"x":[1,2,3]})";
    RunningServer s(doc);
    const auto raw = exchange(s.port(), "HEAD /api/results.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto replies = parse_replies(raw, true);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].status, 200);
    EXPECT_EQ(replies[0].headers["content-length"], std::to_string(doc.size()));
    EXPECT_TRUE(raw.ends_with("\r\n\r\n")) << raw;  // nothing after the headers
}

TEST(HttpServer, UnknownPathIsNotFound) {
    RunningServer s;
    EXPECT_EQ(get(s.port(), "GET /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 404);
    EXPECT_EQ(get(s.port(), "GET /api/results.json/../x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 404);
    EXPECT_EQ(s.server().counters().not_found.load(), 2);
}

TEST(HttpServer, OnlyGetAndHeadAreAllowed) {
    RunningServer s;
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
        auto r = get(s.port(), std::string(method) + " / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        EXPECT_EQ(r.status, 405) << method;
        EXPECT_EQ(r.headers["allow"], "GET, HEAD") << method;
    }
    EXPECT_EQ(s.calls.load(), 0);
}

TEST(HttpServer, OversizedHeadersAreRefused) {
    RunningServer s;
    const std::string pad(16 * 1024, 'a');
    auto r = get(s.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + pad + "\r\n\r\n");
    EXPECT_EQ(r.status, 431);
    EXPECT_GE(s.server().counters().refused.load(), 1);
}

TEST(HttpServer, OversizedBodyIsRefused) {
    RunningServer s;
    const std::string body(4096, 'b');
    auto r = get(s.port(), "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + body);
    EXPECT_EQ(r.status, 413);
}

TEST(HttpServer, GarbageIsABadRequest) {
    RunningServer s;
    EXPECT_EQ(get(s.port(), "HELLO THERE\r\n\r\n").status, 400);
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
    RunningServer s;
    const auto raw = exchange(s.port(),
                              "GET /api/results.json HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /api/results.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto replies = parse_replies(raw);
    ASSERT_EQ(replies.size(), 3u) << raw;
    EXPECT_EQ(replies[0].status, 200);
    EXPECT_EQ(replies[1].status, 404);
    EXPECT_EQ(replies[2].status, 200);
    EXPECT_EQ(s.server().counters().connections.load(), 1);
}

TEST(HttpServer, AnAddressInUseIsAnErrorValue) {
    RunningServer s;
    asio::io_context io;
    HttpServer second(io, {asio::ip::address_v4::loopback(), s.port()}, [] { return std::string("{}"); });
    auto started = second.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(s.port())), std::string::npos)
        << started.error().message;
}

TEST(HttpServer, StopClosesTheListeningSocket) {
    RunningServer s;
    const auto port = s.port();
    EXPECT_EQ(get(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 200);
    s.server().stop();
    // The close runs on the server's strand; the next connections are refused once it has run.
    bool refused = false;
    for (int attempt = 0; attempt < 50 && !refused; ++attempt) {
        refused = exchange(port, "GET / HTTP/1.1\r\n\r\n").empty();
        if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(refused);
}

// Regression (issue 17 audit): 4,200 idle page connections took the descriptors the ingest
// needed. The page has a budget of its own; at its cap the oldest idle connection makes room, so
// the page still answers and the count of open connections stays at the cap.
TEST(HttpServer, IdleConnectionsBeyondTheCapMakeRoomForNewOnes) {
    RunningServer s(R"({"version":1,"parties":[]})", HttpServerLimits{.max_connections = 4});
    asio::io_context io;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 10; ++i) {
        idle.emplace_back(io);
        idle.back().connect({asio::ip::address_v4::loopback(), s.port()});
    }
    for (int i = 0; i < 400 && s.server().counters().connections.load() < 10; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto r = get(s.port(), "GET /api/results.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_GE(s.server().counters().evicted.load(), 7);  // 11 connections for 4 places
    for (int i = 0; i < 400 && s.server().counters().open.load() > 4; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_LE(s.server().counters().open.load(), 4);
}

// One address keeps at most its share of the page's connections: its own oldest idle ones make
// room, and a reader at another address is answered.
TEST(HttpServer, OneAddressHoldsAtMostItsShareOfThePage) {
    RunningServer s(R"({"version":1,"parties":[]})", HttpServerLimits{.max_connections = 100, .max_connections_per_peer = 3});
    asio::io_context io;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 10; ++i) {
        idle.emplace_back(io);
        idle.back().open(tcp::v4());
        idle.back().bind({asio::ip::make_address("127.0.0.2"), 0});
        idle.back().connect({asio::ip::address_v4::loopback(), s.port()});
    }
    for (int i = 0; i < 400 && s.server().counters().evicted.load() < 7; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(s.server().counters().evicted.load(), 7);
    for (int i = 0; i < 400 && s.server().counters().open.load() > 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(s.server().counters().open.load(), 3);
    EXPECT_EQ(get(s.port(), "GET /api/results.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status, 200);
}
