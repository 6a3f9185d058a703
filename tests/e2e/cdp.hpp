#pragma once
// A small driver for the Chrome DevTools Protocol (CDP), for end-to-end tests that act on a live page
// rather than read a dumped DOM (chromium.hpp): click, type, evaluate JavaScript and wait for a page
// that updates itself (WebSocket pushes, timers). One e2e::Browser is one headless Chromium (Debian's
// package, e2e::find_chromium()) on a DevTools port of its own; Browser::open(url) gives an e2e::Page,
// a tab with its own WebSocket connection, so two trainees' pages can be driven side by side from one
// test thread. Every wait is bounded and every failure is an e2e::CdpError saying what was waited for.
//
//   e2e::Browser browser;                                   // starts Chromium, reads its port
//   auto page = browser.open("file:///tmp/x/index.html");   // a new tab, loaded
//   page.type("#name", "Aigul");  page.click("#send");
//   page.wait_for("document.querySelector('#status').textContent === 'sent'", 5s);
//   EXPECT_EQ(page.evaluate("1 + 2"), 3);
//
// Not thread-safe: drive a Browser and its Pages from one thread. A Page must not outlive its Browser.
// The Browser's destructor closes Chromium (Browser.close, then SIGKILL to its process group after 5 s)
// and reaps every process of it; while a Browser lives, the test process is a child subreaper, so
// that Chromium's helper processes, orphaned when the browser process exits, are reaped here too (no
// zombies and no orphans, even in a container whose PID 1 reaps nothing). Chromium's crash handlers leave its
// process group for sessions of their own (and come back to us as orphans): the Browser notes them
// when it starts and reaps them too. (--disable-crashpad-for-testing would spare them, but with it
// Debian's Chromium 156 never commits a navigation.)
//
// Index of this file:
//   [SECTION] Errors and small helpers
//   [SECTION] One WebSocket connection to a DevTools endpoint
//   [SECTION] Page
//   [SECTION] Chromium's process
//   [SECTION] Browser
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "chromium.hpp"

namespace e2e {

// [SECTION] Errors and small helpers

using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;
using CdpClock = std::chrono::steady_clock;

/// Every failure of the driver: what was being done or waited for, and why it failed.
struct CdpError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr Millis kCdpCommandTimeout = 10s;  // one CDP command and its answer
inline constexpr Millis kCdpOpenTimeout = 15s;     // a new tab, navigated and loaded
inline constexpr Millis kCdpWaitTimeout = 5s;      // Page::wait_for's default
inline constexpr Millis kCdpProbeGrace = 2s;       // how long one of wait_for's evaluations may overrun it

/// `s` as a JavaScript string literal (JSON's quoting is valid JavaScript).
inline std::string js_string(const std::string& s) { return nlohmann::json(s).dump(); }

/// `s` cut to `max` characters for an error message.
inline std::string cdp_shorten(const std::string& s, std::size_t max = 160) {
    return s.size() <= max ? s : s.substr(0, max) + "...";
}

inline long long cdp_ms(Millis d) { return static_cast<long long>(d.count()); }

/// The last `max` characters of a text file, for error messages (Chromium's log).
inline std::string cdp_file_tail(const std::filesystem::path& file, std::size_t max = 1500) {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    return text.size() > max ? "..." + text.substr(text.size() - max) : text;
}

// [SECTION] One WebSocket connection to a DevTools endpoint

/// A WebSocket to ws://127.0.0.1:PORT/PATH speaking CDP: call() sends a command and returns its
/// result, skipping the events in between. Each operation runs on the connection's own io_context
/// until its deadline; an operation cut off by its deadline leaves the connection broken (every later
/// call fails at once, naming it).
class CdpConnection {
public:
    CdpConnection(unsigned short port, const std::string& path, Millis timeout)
        : where_("ws://127.0.0.1:" + std::to_string(port) + path) {
        const auto deadline = CdpClock::now() + timeout;
        const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
        run_bounded([&](auto handler) { boost::beast::get_lowest_layer(ws_).async_connect(endpoint, handler); },
                    deadline, "connecting to " + where_);
        ws_.set_option(boost::beast::websocket::stream_base::decorator([](boost::beast::websocket::request_type& req) {
            req.set(boost::beast::http::field::user_agent, "shailoo-e2e-cdp");
        }));
        const auto host = "127.0.0.1:" + std::to_string(port);
        run_bounded([&](auto handler) { ws_.async_handshake(host, path, handler); }, deadline,
                    "the WebSocket handshake with " + where_);
    }
    CdpConnection(const CdpConnection&) = delete;
    CdpConnection& operator=(const CdpConnection&) = delete;
    ~CdpConnection() {
        if (broken_ || !ws_.is_open()) return;
        try {
            run_bounded([&](auto handler) { ws_.async_close(boost::beast::websocket::close_code::normal, handler); },
                        CdpClock::now() + 1s, "closing " + where_);
        } catch (const CdpError&) {  // the browser may already be gone; nothing to do
        }
    }

    /// Sends `method` with `params` and returns the answer's `result`; a CDP error answer, a closed
    /// connection or no answer within `timeout` is a CdpError naming the method.
    nlohmann::json call(const std::string& method, const nlohmann::json& params, Millis timeout) {
        if (broken_) throw CdpError("cannot send " + method + ": the connection " + where_ + " broke earlier (" + broke_because_ + ")");
        const auto deadline = CdpClock::now() + timeout;
        const int id = next_id_++;
        const std::string out = nlohmann::json{{"id", id}, {"method", method}, {"params", params}}.dump();
        ws_.text(true);
        run_bounded([&](auto handler) { ws_.async_write(boost::asio::buffer(out), handler); }, deadline,
                    "sending " + method + " to " + where_);
        for (;;) {
            boost::beast::flat_buffer buffer;
            run_bounded([&](auto handler) { ws_.async_read(buffer, handler); }, deadline,
                        "the answer to " + method + " from " + where_);
            auto message = nlohmann::json::parse(boost::beast::buffers_to_string(buffer.data()), nullptr, false);
            if (message.is_discarded()) throw CdpError("an answer that is not JSON from " + where_ + " while waiting for " + method);
            if (!message.contains("id") || message["id"] != id) continue;  // an event, or nothing of ours
            if (message.contains("error"))
                throw CdpError(method + " failed: " + message["error"].value("message", message["error"].dump()));
            return message.value("result", nlohmann::json::object());
        }
    }

    bool broken() const { return broken_; }
    const std::string& where() const { return where_; }

private:
    /// Starts an asynchronous operation (`start(handler)`) and runs the io_context until it completes
    /// or `deadline` passes; then the socket is cancelled and the connection marked broken.
    template <class Start>
    void run_bounded(Start&& start, CdpClock::time_point deadline, const std::string& what) {
        const auto budget = std::chrono::duration_cast<Millis>(deadline - CdpClock::now());
        op_done_ = false;
        op_error_ = {};
        start([this](boost::beast::error_code ec, auto&&...) {
            op_error_ = ec;
            op_done_ = true;
        });
        ioc_.restart();
        while (!op_done_ && ioc_.run_one_until(deadline) > 0) {
        }
        if (!op_done_) {
            boost::beast::get_lowest_layer(ws_).cancel();
            ioc_.restart();
            ioc_.run_for(500ms);  // lets the cancelled operation finish
            fail(what + ": no answer in time (" + std::to_string(cdp_ms(budget)) + " ms)");
        }
        if (op_error_) fail(what + ": " + op_error_.message());
    }

    [[noreturn]] void fail(const std::string& why) {
        broken_ = true;
        broke_because_ = why;
        throw CdpError(why);
    }

    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{ioc_};
    std::string where_;
    int next_id_ = 1;
    bool op_done_ = false;
    boost::beast::error_code op_error_;
    bool broken_ = false;
    std::string broke_because_;
};

// [SECTION] Page

/// One tab of a Browser with its own CDP connection. Move-only; closes its tab when destroyed.
class Page {
public:
    Page(std::unique_ptr<CdpConnection> connection, std::string target_id)
        : connection_(std::move(connection)), target_id_(std::move(target_id)) {}
    Page(Page&&) noexcept = default;
    Page& operator=(Page&&) noexcept = default;
    ~Page() {
        if (!connection_ || connection_->broken()) return;
        try {
            connection_->call("Page.close", nlohmann::json::object(), 2s);
        } catch (const CdpError&) {  // the tab may close before it answers
        }
    }

    /// Loads `url` in this tab and waits until the new document's readyState is "complete".
    void navigate(const std::string& url, Millis timeout = kCdpOpenTimeout) {
        const auto deadline = CdpClock::now() + timeout;
        evaluate("window.__e2eOldDocument = true", timeout);
        const auto answer = connection_->call("Page.navigate", {{"url", url}}, remaining(deadline));
        if (answer.contains("errorText") && !answer["errorText"].get<std::string>().empty())
            throw CdpError("navigating to " + url + " failed: " + answer["errorText"].get<std::string>());
        wait_for("!window.__e2eOldDocument && document.readyState === 'complete'", remaining(deadline));
    }

    /// Runs `js` in the page (Runtime.evaluate, awaiting a promise) and returns its value as JSON
    /// (undefined is null; NaN, Infinity and BigInts are their text). A thrown exception or a rejected
    /// promise is a CdpError with the exception's text.
    nlohmann::json evaluate(const std::string& js, Millis timeout = kCdpCommandTimeout) {
        return evaluate_as(js, "evaluate(`" + cdp_shorten(js) + "`)", timeout);
    }

    /// Evaluates `condition` every `poll` until it is truthy and returns its value; after `timeout` (and
    /// one last evaluation at the deadline) a CdpError names the condition and its last value, or the
    /// last exception it threw: a condition may throw while the page is not ready, that counts as not yet.
    nlohmann::json wait_for(const std::string& condition, Millis timeout = kCdpWaitTimeout, Millis poll = 50ms) {
        const auto start = CdpClock::now();
        const auto deadline = start + timeout;
        const auto probe = "(async () => { const v = await (\n" + condition + "\n); return {ok: !!v, value: v}; })()";
        std::string last = "never evaluated";
        for (;;) {
            try {
                // A probe may run past the deadline by up to kCdpProbeGrace: cut off, it would break the connection.
                const auto got = evaluate_as(probe, "the condition", remaining(deadline) + kCdpProbeGrace);
                if (got.value("ok", false)) return got.value("value", nlohmann::json());
                last = got.contains("value") ? got["value"].dump() : "undefined";
            } catch (const CdpError& e) {
                if (connection_->broken()) throw CdpError(waited(condition, start) + "; " + e.what());
                last = std::string("it threw ") + e.what();
            }
            if (CdpClock::now() >= deadline) throw CdpError(waited(condition, start) + "; last value: " + cdp_shorten(last, 400));
            std::this_thread::sleep_for(std::min(poll, remaining(deadline)));
        }
    }

    /// Clicks the first element matching `selector` (element.click(): the click, mousedown-less, that
    /// a disabled button ignores). No element is a CdpError naming the selector.
    void click(const std::string& selector, Millis timeout = kCdpCommandTimeout) {
        evaluate_as(element_js(selector, "e.scrollIntoView({block: 'center'}); e.click(); return true;"),
                    "click(" + js_string(selector) + ")", timeout);
    }

    /// Focuses the element matching `selector`, sets its value to `text` (through the native setter, as
    /// frameworks expect) and dispatches bubbling `input` and `change` events.
    void type(const std::string& selector, const std::string& text, Millis timeout = kCdpCommandTimeout) {
        const auto body =
            "e.focus(); const proto = Object.getPrototypeOf(e);"
            " const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;"
            " if (setter) setter.call(e, " + js_string(text) + "); else e.value = " + js_string(text) + ";"
            " e.dispatchEvent(new Event('input', {bubbles: true}));"
            " e.dispatchEvent(new Event('change', {bubbles: true})); return true;";
        evaluate_as(element_js(selector, body), "type(" + js_string(selector) + ")", timeout);
    }

    /// The textContent of the first element matching `selector`.
    std::string text(const std::string& selector, Millis timeout = kCdpCommandTimeout) {
        return evaluate_as(element_js(selector, "return e.textContent;"), "text(" + js_string(selector) + ")", timeout)
            .get<std::string>();
    }

    /// Saves what the tab shows as a PNG (for a person to look at; tests do not compare pixels).
    void screenshot(const std::filesystem::path& png, Millis timeout = kCdpCommandTimeout) {
        const auto shot = connection_->call("Page.captureScreenshot", {{"format", "png"}}, timeout);
        const std::string data = shot.value("data", "");
        std::vector<unsigned char> bytes(data.size());
        std::size_t length = 0;
        if (sodium_base642bin(bytes.data(), bytes.size(), data.data(), data.size(), nullptr, &length, nullptr,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
            throw CdpError("Page.captureScreenshot did not answer base64");
        std::ofstream(png, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(length));
    }

    const std::string& target_id() const { return target_id_; }

private:
    static Millis remaining(CdpClock::time_point deadline) {
        return std::max(Millis(0), std::chrono::duration_cast<Millis>(deadline - CdpClock::now()));
    }

    static std::string waited(const std::string& condition, CdpClock::time_point start) {
        return "timed out after " + std::to_string(cdp_ms(std::chrono::duration_cast<Millis>(CdpClock::now() - start))) +
               " ms waiting for `" + cdp_shorten(condition, 400) + "`";
    }

    /// JavaScript that finds the element matching `selector` as `e` and runs `body`, or throws.
    static std::string element_js(const std::string& selector, const std::string& body) {
        return "(() => { const e = document.querySelector(" + js_string(selector) +
               "); if (!e) throw new Error('no element matches ' + " + js_string(selector) + "); " + body + " })()";
    }

    /// The text of a thrown exception: the Error's description (message and stack), the thrown value, or CDP's text.
    static std::string exception_text(const nlohmann::json& details) {
        const auto& exception = details.value("exception", nlohmann::json::object());
        if (exception.contains("description")) return exception["description"].get<std::string>();
        if (exception.contains("value")) return exception["value"].dump();
        return details.value("text", std::string("an exception"));
    }

    nlohmann::json evaluate_as(const std::string& js, const std::string& what, Millis timeout) {
        const auto answer = connection_->call(
            "Runtime.evaluate",
            {{"expression", js}, {"returnByValue", true}, {"awaitPromise", true}, {"userGesture", true}}, timeout);
        if (answer.contains("exceptionDetails")) throw CdpError(what + " threw: " + exception_text(answer["exceptionDetails"]));
        const auto& result = answer.value("result", nlohmann::json::object());
        if (result.contains("value")) return result["value"];
        if (result.contains("unserializableValue")) return result["unserializableValue"];
        return nullptr;  // undefined
    }

    std::unique_ptr<CdpConnection> connection_;
    std::string target_id_;
};

// [SECTION] Chromium's process

/// Our children named chrome_crashpad* (from /proc): Chromium's crash handlers, which leave its
/// process group and, orphaned, are adopted by us as subreaper.
inline std::vector<pid_t> crashpad_children() {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        std::ifstream in(entry.path() / "stat");
        std::string stat;
        if (!std::getline(in, stat)) continue;
        const auto open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close + 4 >= stat.size()) continue;
        char state = 0;
        long ppid = 0;
        if (std::sscanf(stat.c_str() + close + 1, " %c %ld", &state, &ppid) != 2 || ppid != ::getpid()) continue;
        if (stat.compare(open + 1, 15, "chrome_crashpad") == 0) found.push_back(static_cast<pid_t>(std::stol(stat)));
    }
    return found;
}

/// Headless Chromium in a process group of its own with a temporary profile; the destructor ends
/// and reaps the whole group and removes the profile.
class ChromiumProcess {
public:
    ChromiumProcess(const std::string& chromium, const std::vector<std::string>& extra_args)
        : crash_handlers_before_(crashpad_children()) {
        if (chromium.empty())
            throw CdpError("no Chromium: install the Debian package chromium (scripts/install-deps.sh) or set SHAILOO_CHROMIUM");
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/shailoo-cdp-XXXXXX";
        if (!::mkdtemp(pattern.data())) throw CdpError("mkdtemp " + pattern + " failed: " + std::strerror(errno));
        profile_ = pattern;
        std::vector<std::string> args = {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                         "--user-data-dir=" + (profile_ / "profile").string(), "--remote-debugging-port=0"};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        args.push_back("about:blank");
        try {
            spawn(args);
        } catch (...) {
            std::error_code ec;
            std::filesystem::remove_all(profile_, ec);
            throw;
        }
    }
    ChromiumProcess(const ChromiumProcess&) = delete;
    ChromiumProcess& operator=(const ChromiumProcess&) = delete;
    ~ChromiumProcess() {
        stop(5s);
        std::error_code ec;
        std::filesystem::remove_all(profile_, ec);
    }

    /// The DevTools port and the browser's WebSocket path from DevToolsActivePort, waiting for it up
    /// to `timeout`; Chromium exiting first or the timeout is a CdpError with the end of its log.
    std::pair<unsigned short, std::string> devtools_endpoint(Millis timeout) {
        const auto deadline = CdpClock::now() + timeout;
        const auto file = profile_ / "profile" / "DevToolsActivePort";
        for (;;) {
            std::ifstream in(file);
            std::string port, path;
            if (in && std::getline(in, port) && std::getline(in, path) && !port.empty() && !path.empty())
                return {static_cast<unsigned short>(std::stoi(port)), path};
            if (exited())
                throw CdpError("Chromium exited before writing " + file.string() + "; its log:\n" + cdp_file_tail(log()));
            if (CdpClock::now() >= deadline)
                throw CdpError("no " + file.string() + " after " + std::to_string(cdp_ms(timeout)) +
                               " ms; Chromium's log:\n" + cdp_file_tail(log()));
            std::this_thread::sleep_for(25ms);
        }
    }

    /// Waits up to `grace` for the browser process to exit, then SIGKILLs its process group and reaps
    /// every process of it (the group's id stays reserved while the unreaped leader exists).
    void stop(Millis grace) {
        if (pid_ <= 0) return;
        const auto deadline = CdpClock::now() + grace;
        while (!exited() && CdpClock::now() < deadline) std::this_thread::sleep_for(20ms);
        ::kill(-pid_, SIGKILL);
        const auto reap_deadline = CdpClock::now() + 10s;
        while (CdpClock::now() < reap_deadline) {
            int status = 0;
            const pid_t got = ::waitpid(-pid_, &status, WNOHANG);
            if (got < 0 && errno == ECHILD && ::kill(-pid_, 0) != 0) break;  // no process of the group left
            if (got <= 0) std::this_thread::sleep_for(10ms);
        }
        ::waitpid(pid_, nullptr, WNOHANG);
        pid_ = -1;
        if (!crash_handlers_noted_) note_crash_handlers();  // the browser never came up
        reap_crash_handlers();
        if (--live_browsers() == 0) ::prctl(PR_SET_CHILD_SUBREAPER, 0);  // other tests' orphans go to init again
    }

    /// Notes the crash handlers that started with this browser: call once it is up, before any other
    /// Browser starts (they are told apart from other browsers' by when they appeared).
    void note_crash_handlers() {
        for (pid_t pid : crashpad_children())
            if (std::find(crash_handlers_before_.begin(), crash_handlers_before_.end(), pid) == crash_handlers_before_.end())
                crash_handlers_.push_back(pid);
        crash_handlers_noted_ = true;
    }

    pid_t pid() const { return pid_; }
    std::filesystem::path log() const { return profile_ / "chromium.log"; }

private:
    /// Browsers alive in this process: the test process is a subreaper while there is one.
    static int& live_browsers() {
        static int count = 0;
        return count;
    }

    /// True once the browser process has exited (not reaped, so its pid and group stay reserved).
    bool exited() const {
        siginfo_t info{};
        return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != 0;
    }

    /// The crash handlers end with the browser; any still there after a second is killed, then reaped.
    void reap_crash_handlers() {
        const auto deadline = CdpClock::now() + 1s;
        for (pid_t pid : crash_handlers_) {
            while (::waitpid(pid, nullptr, WNOHANG) == 0) {
                if (CdpClock::now() >= deadline) {
                    ::kill(pid, SIGKILL);
                    ::waitpid(pid, nullptr, 0);
                    break;
                }
                std::this_thread::sleep_for(10ms);
            }
        }
        crash_handlers_.clear();
    }

    void spawn(const std::vector<std::string>& args) {
        if (live_browsers()++ == 0) ::prctl(PR_SET_CHILD_SUBREAPER, 1);  // Chromium's orphaned helpers come back to us
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const int log_fd = ::open(log().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
            ::setpgid(0, 0);
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the test process dying takes the browser with it
            if (::getppid() != parent) ::_exit(127);
            ::dup2(null_fd, 0);
            ::dup2(log_fd, 1);
            ::dup2(log_fd, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        const int fork_errno = errno;
        ::close(log_fd);
        ::close(null_fd);
        if (pid_ < 0) {
            if (--live_browsers() == 0) ::prctl(PR_SET_CHILD_SUBREAPER, 0);
            throw CdpError(std::string("fork failed: ") + std::strerror(fork_errno));
        }
        ::setpgid(pid_, pid_);  // also here, so the group exists before anything signals it
    }

    std::filesystem::path profile_;
    pid_t pid_ = -1;
    std::vector<pid_t> crash_handlers_before_;  // other browsers', there before this one started
    std::vector<pid_t> crash_handlers_;
    bool crash_handlers_noted_ = false;
};

// [SECTION] Browser

/// One headless Chromium with its DevTools endpoint; open() gives Pages. The destructor closes the
/// browser and reaps all its processes, also when a test fails (or throws) half way.
class Browser {
public:
    struct Options {
        std::string chromium = find_chromium();
        std::vector<std::string> extra_args;  // more Chromium flags, e.g. "--window-size=1280,900"
        Millis start_timeout = 20s;           // for DevToolsActivePort and the browser's WebSocket
    };

    Browser() : Browser(Options{}) {}
    explicit Browser(const Options& options) : process_(options.chromium, options.extra_args) {
        auto [port, path] = process_.devtools_endpoint(options.start_timeout);
        process_.note_crash_handlers();
        port_ = port;
        connection_ = std::make_unique<CdpConnection>(port_, path, options.start_timeout);
    }
    Browser(const Browser&) = delete;
    Browser& operator=(const Browser&) = delete;
    ~Browser() {
        if (connection_ && !connection_->broken()) {
            try {
                connection_->call("Browser.close", nlohmann::json::object(), 2s);
            } catch (const CdpError&) {  // it may close the connection before answering
            }
        }
        connection_.reset();
    }  // then ~ChromiumProcess waits for the exit, kills what is left and reaps it

    /// A new tab (Target.createTarget) with its own WebSocket, navigated to `url` and loaded.
    Page open(const std::string& url, Millis timeout = kCdpOpenTimeout) {
        const auto deadline = CdpClock::now() + timeout;
        const auto created = connection_->call("Target.createTarget", {{"url", "about:blank"}}, timeout);
        const auto id = created.at("targetId").get<std::string>();
        const auto left = [&] { return std::max(Millis(1), std::chrono::duration_cast<Millis>(deadline - CdpClock::now())); };
        Page page(std::make_unique<CdpConnection>(port_, "/devtools/page/" + id, left()), id);
        try {
            page.navigate(url, left());
        } catch (const CdpError& e) {
            throw CdpError("opening " + url + ": " + e.what());
        }
        return page;
    }

    unsigned short port() const { return port_; }
    pid_t pid() const { return process_.pid(); }  // also the id of its process group

private:
    ChromiumProcess process_;  // before the connection: destroyed after it
    unsigned short port_ = 0;
    std::unique_ptr<CdpConnection> connection_;
};

}  // namespace e2e
