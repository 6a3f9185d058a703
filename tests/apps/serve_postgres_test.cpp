// Two `shailoo serve` processes on one PostgreSQL database (issue 17, point 2), on a throwaway cluster
// (tests/central/pg_cluster.hpp): the same fleet sent to both at once is stored exactly once, every
// report answered stored by one and duplicate by the other, and the results page is the same from either.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "../central/pg_cluster.hpp"
#include "central/postgres_store.hpp"
#include "serve_process.hpp"
#include "shailoo_process.hpp"

namespace serve_postgres_test {

namespace {

using shailoo_test::CliRun;
using shailoo_test::http_get;
using shailoo_test::ServeProcess;
using shailoo_test::shailoo;
using shailoo_test::temp_dir;

nlohmann::json load_json(const std::filesystem::path& out) {
    std::ifstream in(out / "load.json");
    return in ? nlohmann::json::parse(in) : nlohmann::json{};
}

}  // namespace

TEST(ServePostgres, TwoServersOnOneDatabaseStoreTheFleetOnceAndPublishTheSamePage) {
    auto& cluster = pg_cluster::Cluster::shared();
    const auto uri = cluster.fresh_database("two_serves");
    const auto dir = temp_dir("serve-postgres");
    ServeProcess a(uri, dir / "a.log", {"--http", "127.0.0.1:0"});
    ServeProcess b(uri, dir / "b.log", {"--http", "127.0.0.1:0"});
    ASSERT_NE(a.port(), 0) << a.first_line();
    ASSERT_NE(b.port(), 0) << b.first_line();
    ASSERT_NE(a.http_port(), 0);
    ASSERT_NE(b.http_port(), 0);

    // The first 20 PECs' reports to A; then the same to B, which never saw them: the database answers
    // every one duplicate. Then the whole fleet (same seed: the same signed reports) to both at once.
    constexpr int kFirst = 20, kPecs = 60, kReports = 3 * kPecs;  // 2 boxes + identification per PEC
    // (One report in flight per load: the two loads then overlap for most of their length.)
    const auto load = [&](const ServeProcess& server, int pecs, const std::string& out) {
        return shailoo(fmt::format("load --target 127.0.0.1:{} --pecs {} --connections 1 --out {}", server.port(), pecs,
                                   (dir / out).string()));
    };
    const auto first = load(a, kFirst, "first-a"), resent = load(b, kFirst, "first-b");
    ASSERT_EQ(first.code, 0) << first.output;
    ASSERT_EQ(resent.code, 0) << resent.output;
    EXPECT_EQ(load_json(dir / "first-a").at("stored").get<int>(), 3 * kFirst);
    EXPECT_EQ(load_json(dir / "first-b").at("duplicates").get<int>(), 3 * kFirst);
    CliRun to_b;
    std::jthread second([&] { to_b = load(b, kPecs, "out-b"); });
    const auto to_a = load(a, kPecs, "out-a");
    second.join();
    ASSERT_EQ(to_a.code, 0) << to_a.output;
    ASSERT_EQ(to_b.code, 0) << to_b.output;
    const auto ja = load_json(dir / "out-a"), jb = load_json(dir / "out-b");
    for (const auto& j : {ja, jb}) {
        EXPECT_EQ(j.at("acked").get<int>(), kReports);
        EXPECT_EQ(j.at("rejected").get<int>(), 0);
    }
    // The 120 new reports stored by exactly one of them, the other answering duplicate.
    EXPECT_EQ(ja.at("stored").get<int>() + jb.at("stored").get<int>(), kReports - 3 * kFirst) << ja.dump() << "\n" << jb.dump();
    EXPECT_EQ(ja.at("duplicates").get<int>() + jb.at("duplicates").get<int>(), kReports + 3 * kFirst);

    central::PostgresStore check(uri);
    EXPECT_EQ(check.count(), kReports);
    std::set<std::tuple<std::string, std::uint64_t>> keys;
    for (const auto& k : check.keys()) keys.emplace(k.device, k.sequence);
    EXPECT_EQ(keys.size(), static_cast<std::size_t>(kReports));
    EXPECT_EQ(check.integrity_problems(), std::vector<std::string>{});

    // The page from either server, once both have rebuilt it (at most once a second): the same document.
    std::string page_a, page_b;
    for (int i = 0; i < 100; ++i) {
        page_a = http_get(a.http_port(), "/api/results.json");
        page_b = http_get(b.http_port(), "/api/results.json");
        if (!page_a.empty() && page_a == page_b && page_a.find("\"pecs_reported\":" + std::to_string(kPecs)) != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_FALSE(page_a.empty());
    EXPECT_EQ(page_a, page_b);
    EXPECT_EQ(WEXITSTATUS(a.kill(SIGTERM)), 0);
    EXPECT_EQ(WEXITSTATUS(b.kill(SIGTERM)), 0);
}

TEST(ServePostgres, AnUnreachableDatabaseIsExitCode2InTheServersWords) {
    const auto uri = pg_cluster::Cluster::shared().uri("no_such_night");
    const auto r = shailoo(fmt::format("serve --db '{}' --listen 127.0.0.1:0", uri));
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("database \"no_such_night\" does not exist"), std::string::npos) << r.output;
}

}  // namespace serve_postgres_test
