// Trainee action latency in the classroom (docs/classroom.md): N simulated trainees connect to a
// running `shailoo train --classroom HOST:PORT` (bench/bench-classroom.sh starts one under Xvfb),
// each joins in a role and sends actions one after another; the time from sending an action to its
// answer (the world's, through the console's frame loop) is measured at the trainee, as a click
// would be. Prints the percentiles as JSON; exit 1 if a trainee could not join or an answer is lost.
//
// Usage: bench_classroom PORT [TRAINEES=30] [ACTIONS=20]
#include <fmt/core.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Trainee {
    json join;
    std::vector<json> actions;  // sent one after another
};

// A class of n: a third help desk (taking calls), half PEC chairs of PECs 6001.. (switching desk 1
// to the paper list and back), the rest duty officers (holding and releasing a PEC).
std::vector<Trainee> make_class(int n, int actions) {
    std::vector<Trainee> out;
    for (int i = 0; i < n; ++i) {
        Trainee t;
        const std::string name = fmt::format("trainee{:02}", i);
        std::vector<json> acts;
        if (i % 3 == 0) {
            t.join = {{"name", name}, {"role", "help_desk"}};
            for (int k = 0; k < actions; ++k) acts.push_back({{"do", "take_call"}, {"ticket", 1 + (i / 3) * actions + k}});
        } else if (i % 3 == 1) {
            t.join = {{"name", name}, {"role", "pec_chair"}, {"pec", 6001 + i}};
            for (int k = 0; k < actions; ++k) acts.push_back({{"do", k % 2 == 0 ? "paper_list" : "devices_back"}, {"unit", 1}});
        } else {
            t.join = {{"name", name}, {"role", "duty_officer"}};
            for (int k = 0; k < actions; ++k) acts.push_back({{"do", k % 2 == 0 ? "hold" : "release"}, {"pec", 6001 + i}});
        }
        t.actions = std::move(acts);
        out.push_back(std::move(t));
    }
    return out;
}

// One trainee's session: join, then each action and the wait for its answer. False on a lost answer.
bool run_trainee(std::uint16_t port, const Trainee& t, std::vector<double>& ms, std::mutex& m) {
    asio::io_context io;
    beast::websocket::stream<asio::ip::tcp::socket> ws(io);
    beast::error_code ec;
    ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return false;
    const timeval bound{10, 0};
    ::setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    ws.handshake("127.0.0.1", "/ws", ec);
    if (ec) return false;
    const auto wait_for = [&](const std::string& key) -> std::optional<json> {
        for (int i = 0; i < 10000; ++i) {
            beast::flat_buffer b;
            ws.read(b, ec);
            if (ec) return std::nullopt;
            auto msg = json::parse(beast::buffers_to_string(b.data()), nullptr, false);
            if (msg.contains(key)) return msg;
            if (msg.contains("error")) return std::nullopt;
        }
        return std::nullopt;
    };
    ws.write(asio::buffer(json{{"join", t.join}}.dump()), ec);
    if (ec || !wait_for("joined")) return false;
    std::uint64_t id = 0;
    for (json a : t.actions) {
        a["id"] = ++id;
        const auto sent = Clock::now();
        ws.write(asio::buffer(json{{"act", a}}.dump()), ec);
        if (ec || !wait_for("answer")) return false;
        const double took = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        std::lock_guard lock(m);
        ms.push_back(took);
    }
    ws.close(beast::websocket::close_code::normal, ec);
    return true;
}

double rank(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0.0;
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(k, 1, sorted.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_classroom PORT [TRAINEES=30] [ACTIONS=20]\n");
        return 2;
    }
    const auto port = static_cast<std::uint16_t>(std::stoi(argv[1]));
    const int n = argc > 2 ? std::stoi(argv[2]) : 30;
    const int actions = argc > 3 ? std::stoi(argv[3]) : 20;
    const auto cls = make_class(n, actions);
    std::vector<double> ms;
    std::mutex m;
    std::vector<char> ok(cls.size(), 0);
    const auto start = Clock::now();
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < cls.size(); ++i) threads.emplace_back([&, i] { ok[i] = run_trainee(port, cls[i], ms, m) ? 1 : 0; });
    }
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(ms.begin(), ms.end());
    const auto failed = std::count(ok.begin(), ok.end(), 0);
    json out{{"trainees", n},
             {"answers", ms.size()},
             {"trainees_failed", failed},
             {"wall_s", std::round(wall * 100) / 100},
             {"click_to_answer_ms", {{"p50", std::round(rank(ms, 0.5) * 10) / 10}, {"p99", std::round(rank(ms, 0.99) * 10) / 10},
                                     {"max", ms.empty() ? 0.0 : std::round(ms.back() * 10) / 10}}}};
    fmt::print("{}\n", out.dump());
    return failed == 0 && ms.size() == static_cast<std::size_t>(n * actions) ? 0 : 1;
}
