// The Chrome DevTools Protocol driver (tests/e2e/cdp.hpp) on a page of its own, written to a temporary
// folder and opened as file://: two tabs of one browser driven at once, typing into a field (with
// its input and change events), a click that changes the DOM, a wait for a change a timer makes
// later, the text of an exception thrown in the page, a wait that never comes true failing in its
// time with the condition in the message, and no Chromium process left once the Browser is gone.
// A second page is served by a small HTTP and WebSocket server on 127.0.0.1 (Boost.Beast, in a
// thread of the test): two trainees' pages each send their name and wait for the server's answer.
// One browser serves the suite (started by the first test, closed after the last); the test of the
// cleanup starts its own. Needs the Debian package chromium; fails, never skips, without it.
//
// Index of this file:
//   [SECTION] A page in a file
//   [SECTION] A live page: HTTP and WebSocket on 127.0.0.1
//   [SECTION] Tests
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "cdp.hpp"

namespace cdp_test {

using namespace std::chrono_literals;
using e2e::CdpError;

// [SECTION] A page in a file

/// A form for one trainee: a name field whose events are counted, a button that greets, and a
/// button that says "ready" 400 ms after its click (a timer, as a live update would).
const char* const kPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>CDP driver test</title></head>
<body>
  <input id="name" value="">
  <button id="greet">Greet</button>
  <p id="greeting"></p>
  <p id="events">input:0 change:0</p>
  <button id="later">Later</button>
  <p id="status">waiting</p>
  <script>
    const counts = {input: 0, change: 0};
    const show = () => { document.querySelector('#events').textContent = `input:${counts.input} change:${counts.change}`; };
    const name = document.querySelector('#name');
    name.addEventListener('input', () => { counts.input++; show(); });
    name.addEventListener('change', () => { counts.change++; show(); });
    document.querySelector('#greet').addEventListener('click', () => {
      const p = document.createElement('span');
      p.className = 'hello';
      p.textContent = 'Hello, ' + name.value;
      document.querySelector('#greeting').appendChild(p);
    });
    document.querySelector('#later').addEventListener('click', () => {
      setTimeout(() => { document.querySelector('#status').textContent = 'ready'; }, 400);
    });
  </script>
</body></html>
)";

/// The page written to a fresh folder under $TMPDIR; the folder is removed with it.
struct PageFile {
    PageFile() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/shailoo-cdp-page-XXXXXX";
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        folder = pattern;
        std::ofstream(folder / "index.html") << kPage;
    }
    ~PageFile() {
        std::error_code ec;
        std::filesystem::remove_all(folder, ec);
    }
    std::string url() const { return "file://" + (folder / "index.html").string(); }
    std::filesystem::path folder;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The message of the CdpError `f()` throws; fails the test when it throws nothing.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const CdpError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a CdpError";
    return {};
}

// [SECTION] A live page: HTTP and WebSocket on 127.0.0.1

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

/// A trainee's page that talks to the server: "connected" when its WebSocket opens, then the
/// server's answer to each name sent.
const char* const kLivePage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>Live</title></head>
<body>
  <input id="name"> <button id="send">Send</button>
  <p id="live">offline</p>
  <script>
    const socket = new WebSocket('ws://' + location.host + '/live');
    socket.onmessage = (e) => { document.querySelector('#live').textContent = e.data; };
    document.querySelector('#send').addEventListener('click', () => socket.send(document.querySelector('#name').value));
  </script>
</body></html>
)";

/// One WebSocket: "connected", then "hello, NAME" 200 ms after each NAME received (a live update).
asio::awaitable<void> live_socket(websocket::stream<tcp::socket> ws, http::request<http::string_body> request) {
    beast::error_code ec;
    co_await ws.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    std::string out = "connected";
    while (!ec) {
        ws.text(true);
        co_await ws.async_write(asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
        beast::flat_buffer in;
        if (!ec) co_await ws.async_read(in, asio::redirect_error(asio::use_awaitable, ec));
        asio::steady_timer later(ws.get_executor(), 200ms);
        if (!ec) co_await later.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        out = "hello, " + beast::buffers_to_string(in.data());
    }
}

/// One connection: the page for a GET, the WebSocket for an upgrade.
asio::awaitable<void> live_session(tcp::socket socket) {
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    beast::error_code ec;
    co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (websocket::is_upgrade(request)) {
        co_await live_socket(websocket::stream<tcp::socket>(std::move(socket)), std::move(request));
        co_return;
    }
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/html; charset=utf-8");
    response.keep_alive(false);
    response.body() = kLivePage;
    response.prepare_payload();
    co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
    socket.shutdown(tcp::socket::shutdown_send, ec);
}

/// The server on 127.0.0.1, an ephemeral port, in a thread of its own until destroyed.
class LiveServer {
public:
    LiveServer() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(ioc_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~LiveServer() {
        ioc_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            beast::error_code ec;
            tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            asio::co_spawn(ioc_, live_session(std::move(socket)), asio::detached);
        }
    }

    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::thread thread_;
};

// [SECTION] Tests

class CdpDriver : public ::testing::Test {
protected:
    static void TearDownTestSuite() {
        browser_.reset();
        file_.reset();
    }
    void SetUp() override {
        if (!file_) file_ = std::make_unique<PageFile>();
        if (!browser_) browser_ = std::make_unique<e2e::Browser>();
    }
    static e2e::Browser& browser() { return *browser_; }
    static std::string url() { return file_->url(); }

private:
    static inline std::unique_ptr<e2e::Browser> browser_;
    static inline std::unique_ptr<PageFile> file_;
};

TEST_F(CdpDriver, EvaluateReturnsValuesAsJson) {
    auto page = browser().open(url());
    EXPECT_EQ(page.evaluate("1 + 2"), 3);
    EXPECT_EQ(page.evaluate("document.title"), "CDP driver test");
    EXPECT_EQ(page.evaluate("({a: [1, 'two'], b: null})"), nlohmann::json::parse(R"({"a": [1, "two"], "b": null})"));
    EXPECT_EQ(page.evaluate("undefined"), nullptr);
    EXPECT_EQ(page.evaluate("new Promise(r => setTimeout(() => r('later'), 50))"), "later");
}

TEST_F(CdpDriver, TwoPagesAtOnceTypeAndClickIndependently) {
    auto first = browser().open(url());
    auto second = browser().open(url());
    EXPECT_NE(first.target_id(), second.target_id());
    first.type("#name", "Aigul");
    second.type("#name", "Bakyt");
    EXPECT_EQ(first.evaluate("document.querySelector('#name').value"), "Aigul");
    EXPECT_EQ(second.evaluate("document.querySelector('#name').value"), "Bakyt");
    EXPECT_EQ(first.text("#events"), "input:1 change:1");  // type() dispatched both events, once

    second.click("#greet");
    first.click("#greet");
    first.click("#greet");
    EXPECT_EQ(first.text("#greeting"), "Hello, AigulHello, Aigul");
    EXPECT_EQ(second.text("#greeting"), "Hello, Bakyt");
    EXPECT_EQ(first.evaluate("document.querySelectorAll('#greeting .hello').length"), 2);
    EXPECT_EQ(second.evaluate("document.querySelectorAll('#greeting .hello').length"), 1);
}

// The shape of the drills to come: two trainees' pages on one server, each sending its name over
// its WebSocket and waiting for the server's answer pushed back 200 ms later.
TEST_F(CdpDriver, TwoTraineesGetTheirAnswersOverAWebSocket) {
    LiveServer server;
    auto first = browser().open(server.url());
    auto second = browser().open(server.url());
    const std::string live = "document.querySelector('#live').textContent";
    EXPECT_TRUE(first.wait_for(live + " === 'connected'", 5s));
    EXPECT_TRUE(second.wait_for(live + " === 'connected'", 5s));
    first.type("#name", "Aigul");
    second.type("#name", "Bakyt");
    second.click("#send");
    first.click("#send");
    EXPECT_EQ(first.wait_for(live + ".startsWith('hello') && " + live, 5s), "hello, Aigul");
    EXPECT_EQ(second.wait_for(live + ".startsWith('hello') && " + live, 5s), "hello, Bakyt");
}

TEST_F(CdpDriver, WaitForSeesAChangeATimerMakesLater) {
    auto page = browser().open(url());
    page.click("#later");
    EXPECT_EQ(page.text("#status"), "waiting");  // not yet: the timer fires 400 ms after the click
    const auto start = std::chrono::steady_clock::now();
    const auto value = page.wait_for("document.querySelector('#status').textContent === 'ready' && 'seen'", 5s);
    EXPECT_EQ(value, "seen");  // wait_for returns the truthy value
    EXPECT_GE(seconds_since(start), 0.2);
    EXPECT_EQ(page.text("#status"), "ready");
}

TEST_F(CdpDriver, AnExceptionInThePageIsAnErrorWithItsText) {
    auto page = browser().open(url());
    EXPECT_NE(error_of([&] { page.evaluate("throw new Error('the ballot box is sealed')"); }).find("the ballot box is sealed"),
              std::string::npos);
    EXPECT_NE(error_of([&] { page.evaluate("Promise.reject(new Error('rejected later'))"); }).find("rejected later"),
              std::string::npos);
    const auto missing = error_of([&] { page.click("#no-such-button"); });
    EXPECT_NE(missing.find("click(\"#no-such-button\")"), std::string::npos) << missing;
    EXPECT_NE(missing.find("no element matches #no-such-button"), std::string::npos) << missing;
    EXPECT_EQ(page.evaluate("'still usable'"), "still usable");  // an exception does not break the page
}

TEST_F(CdpDriver, AWaitThatNeverComesTrueFailsInItsTimeNamingTheCondition) {
    auto page = browser().open(url());
    const auto start = std::chrono::steady_clock::now();
    const auto message = error_of([&] { page.wait_for("window.neverSet === true", 600ms); });
    const double took = seconds_since(start);
    EXPECT_GE(took, 0.55);
    EXPECT_LT(took, 3.0);
    EXPECT_NE(message.find("window.neverSet === true"), std::string::npos) << message;
    EXPECT_NE(message.find("timed out after"), std::string::npos) << message;
    EXPECT_NE(message.find("last value: false"), std::string::npos) << message;
    // A condition that throws until the end reports the exception as its last value.
    const auto thrown = error_of([&] { page.wait_for("document.querySelector('#absent').textContent", 300ms); });
    EXPECT_NE(thrown.find("it threw"), std::string::npos) << thrown;
    EXPECT_NE(thrown.find("TypeError"), std::string::npos) << thrown;
}

TEST_F(CdpDriver, OpeningAPageThatCannotLoadSaysWhy) {
    const auto message = error_of([&] { browser().open("http://127.0.0.1:1/nothing-here", 5s); });
    EXPECT_NE(message.find("opening http://127.0.0.1:1/nothing-here"), std::string::npos) << message;
    EXPECT_NE(message.find("ERR_"), std::string::npos) << message;
}

// Not the suite's browser: this one has a page stuck in an endless loop and is ended by an exception
// unwinding through its scope, as a failing test would; afterwards no process of its group may exist
// (not even a zombie), and the closing is bounded.
TEST(CdpDriverCleanup, TheBrowserLeavesNoProcessBehind) {
    PageFile file;
    pid_t pid = -1;
    const auto start = std::chrono::steady_clock::now();
    try {
        e2e::Browser browser;
        pid = browser.pid();
        auto page = browser.open(file.url());
        ASSERT_EQ(page.evaluate("2 * 21"), 42);
        ASSERT_EQ(::kill(-pid, 0), 0);  // alive before
        // A page stuck in a loop: the evaluation is cut off in its time, and the browser still closes.
        const auto stuck = error_of([&] { page.evaluate("for (;;) {}", 500ms); });
        EXPECT_NE(stuck.find("Runtime.evaluate"), std::string::npos) << stuck;
        EXPECT_NE(stuck.find("no answer in time"), std::string::npos) << stuck;
        throw std::runtime_error("a test failing half way");
    } catch (const std::runtime_error&) {
    }
    ASSERT_GT(pid, 0);
    EXPECT_LT(seconds_since(start), 12.0);
    errno = 0;
    EXPECT_EQ(::kill(-pid, 0), -1);
    EXPECT_EQ(errno, ESRCH) << "a process of Chromium's group " << pid << " is left";
    EXPECT_EQ(::kill(pid, 0), -1);
    EXPECT_TRUE(e2e::crashpad_children().empty()) << "Chromium's crash handlers (a session of their own) are left";
}

}  // namespace cdp_test
