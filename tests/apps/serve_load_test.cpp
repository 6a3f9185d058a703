// `shailoo serve` and `shailoo load` as processes on 127.0.0.1: CLI errors, load.json, and the
// crash test - the server is killed (SIGKILL) at fixed-seed random moments while a client streams
// reports, restarted, and every acknowledged report must be in the store exactly once
// (reported in Jepsen's form: ok / lost / duplicated).
#include <fmt/core.h>
#include <gtest/gtest.h>

#include "serve_process.hpp"
#include "shailoo_process.hpp"
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "central/store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/random.hpp"
#include "core/wire.hpp"
#include "loadgen/load_generator.hpp"
#include "net/tls_client.hpp"
#include "net/tls_context.hpp"

namespace {

using shailoo_test::CliRun;
using shailoo_test::http_get;
using shailoo_test::ServeProcess;
using shailoo_test::shailoo;
using shailoo_test::temp_dir;

const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;
const std::filesystem::path kPackage = kSource / "assets" / "kg2021";



/// Parses a Prometheus text exposition with the official client's parser (Debian's
/// python3-prometheus-client) and returns "name{labels} value" per sample, one a line.
std::string parsed_by_prometheus(const std::filesystem::path& dir, const std::string& text) {
    std::ofstream(dir / "metrics.txt") << text;
    std::ofstream(dir / "parse.py") << "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\n"
                                       "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
                                       "    for s in f.samples:\n"
                                       "        labels = ','.join(f'{k}={v}' for k, v in sorted(s.labels.items()))\n"
                                       "        print(f'{s.name}{{{labels}}} {s.value:g}')\n";
    const std::string cmd = "/usr/bin/python3 " + (dir / "parse.py").string() + " " + (dir / "metrics.txt").string() + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    if (pclose(p) != 0) return "PARSE FAILED: " + out;
    return out;
}

}  // namespace

TEST(ServeCli, AnUnusableDatabasePathIsExitCode2) {
    const auto r = shailoo("serve --db /nonexistent-dir/x/store.sqlite --listen 127.0.0.1:0");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("/nonexistent-dir/x/store.sqlite"), std::string::npos) << r.output;
}

TEST(ServeCli, ABadListenAddressIsExitCode2) {
    const auto dir = temp_dir("bad-address");
    for (const char* address : {"nohost", "127.0.0.1:99999", "not-an-ip:5443"}) {
        const auto r = shailoo(fmt::format("serve --db {}/s.sqlite --listen {}", dir.string(), address));
        EXPECT_EQ(r.code, 2) << address << ": " << r.output;
    }
}

TEST(LoadCli, ABadTargetIsExitCode2) {
    const auto r = shailoo("load --target nohost --pecs 1 --out " + temp_dir("bad-target").string());
    EXPECT_EQ(r.code, 2) << r.output;
}

TEST(LoadCli, SendsToServeAndWritesLoadJsonWithTheFields) {
    const auto dir = temp_dir("load-json");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    const auto r = shailoo(fmt::format("load --target 127.0.0.1:{} --pecs 5 --out {}", server.port(), (dir / "out").string()));
    EXPECT_EQ(r.code, 0) << r.output;
    std::ifstream in(dir / "out" / "load.json");
    ASSERT_TRUE(in);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j.at("sent").get<int>(), 15);  // 5 Bishkek PECs x (2 boxes + identification)
    EXPECT_EQ(j.at("acked").get<int>(), 15);
    EXPECT_EQ(j.at("rejected").get<int>(), 0);
    for (const char* k : {"p50", "p90", "p99", "p999", "max"}) EXPECT_GT(j.at("latency_ms").at(k).get<double>(), 0.0) << k;
    EXPECT_LE(j.at("latency_ms").at("p50").get<double>(), j.at("latency_ms").at("max").get<double>());
    EXPECT_GT(j.at("time_to_all_s").get<double>(), 0.0);
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
    EXPECT_EQ(central::Store(dir / "store.sqlite").count(), 15);
}

TEST(ServeCrash, EveryAcknowledgedReportSurvivesSigkillExactlyOnce) {
    const auto dir = temp_dir("sigkill");
    const auto db = dir / "store.sqlite";
    auto package = core::load_election_package(kPackage);
    ASSERT_TRUE(package) << package.error().message;
    const auto plan = loadgen::plan_fleet(*package, 200, core::kSimulatedDeviceSecret, 7, nullptr, 1.0);  // ~600 reports
    auto tls = net::make_client_tls_context(kPackage / "tls" / "cec-ca.pem");
    ASSERT_TRUE(tls) << tls.error().message;

    std::atomic<std::uint16_t> port{0};
    std::mutex mutex;
    std::map<std::string, int> acknowledged;  // device -> acks received (stored or duplicate)
    std::atomic<std::size_t> next{0};
    std::atomic<int> failed_attempts{0};
    std::atomic<int> acks_total{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < plan.size(); i = next++) {
            for (;;) {  // resend until acknowledged, as the station's transmitter does
                const std::uint16_t p = port.load();
                if (p != 0) {
                    auto acks = net::exchange_blocking(**tls, {boost::asio::ip::make_address("127.0.0.1"), p}, "127.0.0.1",
                                                           {plan[i].message}, std::chrono::milliseconds(2000));
                    if (acks && (acks->front().outcome == core::AckOutcome::stored ||
                                 acks->front().outcome == core::AckOutcome::duplicate)) {
                        std::lock_guard lock(mutex);
                        ++acknowledged[plan[i].device];
                        ++acks_total;
                        break;
                    }
                    ASSERT_TRUE(!acks || acks->front().outcome != core::AckOutcome::rejected) << acks->front().text;
                    ++failed_attempts;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    };

    core::RandomStream rng(2021, 9);  // fixed seed: the kill moments are the same every run
    constexpr int kKills = 6;
    int kills = 0;
    std::vector<std::jthread> clients;
    const auto start = std::chrono::steady_clock::now();
    while (true) {
        ServeProcess server(db, dir / "serve.log");
        ASSERT_NE(server.port(), 0) << server.first_line();
        port = server.port();
        if (clients.empty())
            for (int c = 0; c < 8; ++c) clients.emplace_back(worker);
        if (kills < kKills) {
            // Kill after a random number of acknowledgements of this incarnation (so reports are
            // in flight whatever the machine's speed), plus a random 0-20 ms.
            const int target = acks_total + 20 + static_cast<int>(rng.below(60));
            const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (acks_total < target && std::chrono::steady_clock::now() < give_up)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            std::this_thread::sleep_for(std::chrono::microseconds(rng.below(20'000)));
            port = 0;
            const int status = server.kill(SIGKILL);
            ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the server died before it was killed";
            ++kills;
            // The file a killed server left must be sound (opened as the next server opens it).
            const auto problems = central::Store(db).integrity_problems();
            EXPECT_TRUE(problems.empty()) << "after kill " << kills << ": " << problems.front();
            continue;
        }
        for (auto& c : clients) c.join();  // the last server stays up until every report is acknowledged
        port = 0;
        EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
        break;
    }
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));

    // Jepsen-style check: every acknowledged report present exactly once.
    central::Store store(db);
    std::map<std::string, int> present;
    for (const auto& k : store.keys()) ++present[k.device];
    int ok = 0, lost = 0, duplicated = 0;
    for (const auto& [device, acks] : acknowledged) {
        const int n = present.contains(device) ? present[device] : 0;
        if (n == 0) ++lost;
        else if (n > 1) ++duplicated;
        else ++ok;
    }
    for (const auto& [device, n] : present)
        if (!acknowledged.contains(device)) ADD_FAILURE() << device << " stored but never acknowledged at the end";
    std::printf("kills: %d  failed attempts (resent): %d\nok: %d lost: %d duplicated: %d\n", kills, failed_attempts.load(), ok, lost,
                duplicated);
    EXPECT_EQ(kills, kKills);
    EXPECT_EQ(ok, static_cast<int>(plan.size()));
    EXPECT_EQ(lost, 0);
    EXPECT_EQ(duplicated, 0);
    EXPECT_GT(failed_attempts.load(), 0) << "no kill interrupted a report: the test did not test anything";
}

// The operations view during a load: /metrics parses as Prometheus text and its counters follow
// the load (issue 18: an operations team scrapes it; the operator page shows what stderr showed).
TEST(ServeOps, MetricsAndTheOperatorPageFollowALoad) {
    const auto dir = temp_dir("serve-ops");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log", {"--ops", "127.0.0.1:0"});
    ASSERT_NE(server.port(), 0) << server.first_line();
    ASSERT_NE(server.ops_port(), 0);
    const std::string before = http_get(server.ops_port(), "/metrics");
    EXPECT_NE(before.find("shailoo_reports_stored_total 0"), std::string::npos) << before;
    std::atomic<bool> done{false};
    std::atomic<int> scrapes{0};
    std::jthread scraper([&] {  // scrapes every 20 ms while the load runs (bounded: 500 at most)
        for (int i = 0; i < 500 && !done; ++i) {
            if (http_get(server.ops_port(), "/metrics").find("shailoo_reports_received_total") != std::string::npos) ++scrapes;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    const auto r = shailoo(fmt::format("load --target 127.0.0.1:{} --pecs 40 --out {}", server.port(), (dir / "out").string()));
    done = true;
    scraper = {};
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_GT(scrapes.load(), 0) << "no scrape answered during the load";
    // A garbage frame, so a rejection and its log line exist.
    auto tls = net::make_client_tls_context(kPackage / "tls" / "cec-ca.pem");
    ASSERT_TRUE(tls);
    (void)net::exchange_blocking(**tls, {boost::asio::ip::make_address("127.0.0.1"), server.port()}, "127.0.0.1",
                                     {std::vector<std::uint8_t>(40, 0xAB)}, std::chrono::milliseconds(3000));
    // The client has its answer before the server has closed the connection and recorded the
    // latency: wait (bounded) until the server has finished with it.
    std::string after;
    for (int i = 0; i < 200; ++i) {
        after = http_get(server.ops_port(), "/metrics");
        if (after.find("shailoo_connections_open{port=\"ingest\"} 0\n") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    const std::string samples = parsed_by_prometheus(dir, after);
    ASSERT_EQ(samples.find("PARSE FAILED"), std::string::npos) << samples << "\n" << after;
    for (const char* line : {"shailoo_reports_stored_total{} 120\n",  // 40 PECs x (2 boxes + identification)
                             "shailoo_reports_received_total{} 121\n", "shailoo_reports_rejected_total{reason=malformed} 1\n",
                             "shailoo_ack_latency_seconds_count{} 121\n", "shailoo_connections_open{port=ingest} 0\n"})
        EXPECT_NE(samples.find(line), std::string::npos) << line << "in:\n" << samples;
    EXPECT_NE(samples.find("shailoo_ack_latency_seconds_bucket{le=+Inf} 121"), std::string::npos) << samples;
    EXPECT_NE(samples.find("shailoo_store_commit_seconds_count{}"), std::string::npos) << samples;
    const std::string page = http_get(server.ops_port(), "/operator");
    EXPECT_NE(page.find("operator view"), std::string::npos) << page;
    EXPECT_NE(page.find("rejected malformed"), std::string::npos) << page;
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}
