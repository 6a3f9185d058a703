// `shailoo load` with thresholds, JUnit and the published-tally check (issue 16, point 6), as
// processes against a `shailoo serve` on 127.0.0.1: thresholds that hold are exit 0, one that fails
// exit 3 (1 still wins when a report got the wrong answer), a malformed one exit 2 before anything is
// sent; the JUnit file is valid against the Jenkins schema; load.json has the timeline; the results
// page's tally equals the fleet's, and a row changed in the store behind the server's back is found.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "central/nist_export.hpp"
#include "central/store.hpp"
#include "serve_process.hpp"
#include "shailoo_process.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace load_thresholds_test {

namespace {

using nlohmann::json;
using shailoo_test::ServeProcess;
using shailoo_test::shailoo;
using shailoo_test::temp_dir;

const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;
const std::filesystem::path kJunitSchema = kSource / "docs" / "schemas" / "junit-10.xsd";

json read_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    return json::parse(in, nullptr, false);
}

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Runs one SQL statement on the store while the server has it open (WAL: a second writer waits its turn).
void change_store(const std::filesystem::path& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
    sqlite3_busy_timeout(handle, 5000);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    EXPECT_EQ(sqlite3_changes(handle), 1);
    sqlite3_free(error);
    sqlite3_close(handle);
}

}  // namespace

TEST(LoadThresholdRuns, HoldingThresholdsAreExit0AndAFailingOneExit3WithAValidJunitFile) {
    const auto dir = temp_dir("load-thresholds");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    const auto base = fmt::format("load --target 127.0.0.1:{} --pecs 12 --connections 16 ", server.port());
    const auto pass = shailoo(base + fmt::format("--threshold 'p99<60s' --threshold 'rejected==0' --threshold 'acked_share>=100%' "
                                                 "--threshold 'duplicate_share==0' --junit {} --out {}",
                                                 (dir / "pass.xml").string(), (dir / "pass").string()));
    EXPECT_EQ(pass.code, 0) << pass.output;
    EXPECT_NE(pass.output.find("Thresholds: 4 of 4 hold\n"), std::string::npos) << pass.output;
    EXPECT_NE(pass.output.find("  threshold           expected  actual"), std::string::npos) << pass.output;
    EXPECT_NE(pass.output.find("  acked_share>=100%   >= 100 %  100 %"), std::string::npos) << pass.output;
    auto xml = read_text(dir / "pass.xml");
    EXPECT_TRUE(central::validate_xml(xml, kJunitSchema)) << xml;
    EXPECT_NE(xml.find(R"(<testsuites name="shailoo load" tests="4" failures="0")"), std::string::npos) << xml;
    EXPECT_NE(xml.find(R"(<testcase name="p99&lt;60s")"), std::string::npos) << xml;

    // load.json: the timeline adds up to the good reports acked, second by second from 0.
    const auto j = read_json(dir / "pass" / "load.json");
    ASSERT_FALSE(j.is_discarded());
    std::int64_t acks = 0, peak = 0;
    int second = 0;
    for (const auto& s : j.at("timeline")) {
        EXPECT_EQ(s.at("second"), second++);
        acks += s.at("acks").get<std::int64_t>();
        peak = std::max(peak, s.at("acks").get<std::int64_t>());
        EXPECT_EQ(s.at("acked_total"), acks);
        if (s.at("acks") != 0) {
            EXPECT_LE(s.at("latency_ms").at("p50").get<double>(), s.at("latency_ms").at("max").get<double>());
        } else {
            EXPECT_TRUE(s.at("latency_ms").is_null());
        }
    }
    EXPECT_EQ(acks, 36);
    EXPECT_EQ(j.at("peak_acks_per_s"), peak);
    EXPECT_GT(j.at("acks_per_s").get<double>(), 0);
    EXPECT_GT(j.at("latency_ms").at("p95").get<double>(), 0);

    // The same fleet again: every ack a duplicate, so duplicate_share==0 and stored>=36 fail: exit 3,
    // after load.json and the JUnit file are written.
    const auto fail = shailoo(base + fmt::format("--threshold 'duplicate_share==0' --threshold 'stored>=36' --threshold 'errors==0' "
                                                 "--junit {} --out {}", (dir / "fail.xml").string(), (dir / "fail").string()));
    EXPECT_EQ(fail.code, 3) << fail.output;
    EXPECT_NE(fail.output.find("Thresholds: 1 of 3 hold, 2 failed\n"), std::string::npos) << fail.output;
    EXPECT_NE(fail.output.find("  duplicate_share==0  == 0      1       FAIL\n"), std::string::npos) << fail.output;
    EXPECT_NE(fail.output.find("  stored>=36          >= 36     0       FAIL\n"), std::string::npos) << fail.output;
    EXPECT_EQ(read_json(dir / "fail" / "load.json").at("all_duplicate"), true);
    xml = read_text(dir / "fail.xml");
    EXPECT_TRUE(central::validate_xml(xml, kJunitSchema)) << xml;
    EXPECT_NE(xml.find(R"(tests="3" failures="2")"), std::string::npos) << xml;
    EXPECT_NE(xml.find(R"(<failure message="actual 0, expected &gt;= 36" type="threshold">stored: actual 0, expected &gt;= 36</failure>)"),
              std::string::npos) << xml;
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

TEST(LoadThresholdRuns, AMalformedThresholdIsExit2BeforeAnyReportIsSent) {
    const auto dir = temp_dir("load-thresholds-bad");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    const auto base = fmt::format("load --target 127.0.0.1:{} --pecs 3 --out {} ", server.port(), (dir / "out").string());
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {"--threshold 'p99<50ms' --threshold 'p99<50'", "shailoo load: --threshold 'p99<50': p99 is a duration: give the value in ms or s"},
             {"--threshold 'latency<50ms'", "shailoo load: --threshold 'latency<50ms': unknown metric 'latency' (one of: p50,"},
             {"--threshold 'rejected=0'", "shailoo load: --threshold 'rejected=0': '=0' is not a comparison"},
             {"--threshold 'published_mismatches==0'", "published_mismatches needs --check-published URL"},
             {"--check-published 127.0.0.1:8080", "shailoo load: --check-published '127.0.0.1:8080': expected the results page's base"},
             {"--junit " + (dir / "absent" / "j.xml").string(), "--junit " + (dir / "absent" / "j.xml").string() + ": cannot write"},
             {"--report " + (dir / "absent" / "r.html").string(), "--report " + (dir / "absent" / "r.html").string() + ": cannot write"}}) {
        const auto r = shailoo(base + args);
        EXPECT_EQ(r.code, 2) << args << ": " << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << args << ": " << r.output;
        EXPECT_EQ(r.output.find("shailoo load: 9 reports"), std::string::npos) << args << ": the plan line means it went on";
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "load.json"));
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
    EXPECT_EQ(central::Store(dir / "store.sqlite").count(), 0) << "a report was sent";
}

TEST(LoadThresholdRuns, AWrongAnswerIsExit1EvenWhenAThresholdFailsToo) {
    const auto dir = temp_dir("load-thresholds-exit1");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    // Keys the server does not know: every good report is refused (unexpected), and stored>0 fails.
    const auto r = shailoo(fmt::format("load --target 127.0.0.1:{} --pecs 2 --secret-seed 99 --threshold 'stored>0' --junit {} --out {}",
                                       server.port(), (dir / "j.xml").string(), (dir / "out").string()));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("  stored>0   > 0       0       FAIL"), std::string::npos) << r.output;
    EXPECT_TRUE(central::validate_xml(read_text(dir / "j.xml"), kJunitSchema));
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

TEST(LoadThresholdRuns, ThePublishedTallyEqualsTheFleetsAndARowChangedInTheStoreIsFound) {
    const auto dir = temp_dir("load-published");
    const auto db = dir / "store.sqlite";
    ServeProcess server(db, dir / "serve.log", {"--http", "127.0.0.1:0"});
    ASSERT_NE(server.port(), 0) << server.first_line();
    ASSERT_NE(server.http_port(), 0);
    const auto page = fmt::format("http://127.0.0.1:{}", server.http_port());
    const auto base = fmt::format("load --target 127.0.0.1:{} --connections 16 --check-published {} ", server.port(), page);
    // Bad reports mixed in: rejected, so they must not show on the page.
    const auto first = shailoo(base + "--pecs 12 --bad bad_signature=0.1,replay=0.1,wrong_pec=0.05 --out " + (dir / "a").string());
    EXPECT_EQ(first.code, 0) << first.output;
    EXPECT_NE(first.output.find(fmt::format("published tally at {}/api/results.json: ", page)), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("compared with the 36 acknowledged good reports, 0 mismatches\n"), std::string::npos) << first.output;
    EXPECT_NE(first.output.find("  published_mismatches==0  == 0      0       PASS"), std::string::npos) << first.output;
    const auto a = read_json(dir / "a" / "load.json");
    EXPECT_EQ(a.at("published").at("mismatches"), 0);
    EXPECT_EQ(a.at("published").at("error"), "");
    EXPECT_GT(a.at("published").at("figures_compared").get<int>(), 5000);
    EXPECT_EQ(a.at("expected_rejections"), 10);  // round(3.6) + round(3.6) + round(1.8)

    // Behind the server's back: PEC 1001's party-list box gains 7 ballots, then 1 PEC more is sent,
    // whose commit makes the page rebuild from the changed store.
    change_store(db, "UPDATE reports SET ballots_in_box = ballots_in_box + 7, valid = valid + 7 WHERE device = '1001-arbb-1'");
    const auto second = shailoo(base + "--pecs 13 --out " + (dir / "b").string());
    EXPECT_EQ(second.code, 3) << second.output;
    EXPECT_NE(second.output.find("4 mismatches\n"), std::string::npos) << second.output;
    EXPECT_NE(second.output.find("  published_mismatches==0  == 0      4       FAIL"), std::string::npos) << second.output;
    const auto b = read_json(dir / "b" / "load.json");
    ASSERT_EQ(b.at("published").at("mismatches"), 4) << b.at("published").dump();
    const auto& m = b.at("published").at("list");
    EXPECT_EQ(m.at(0).at("where"), "PEC 1001");
    EXPECT_EQ(m.at(0).at("field"), "ballots");
    EXPECT_EQ(std::stoll(m.at(0).at("published").get<std::string>()), std::stoll(m.at(0).at("sent").get<std::string>()) + 7);
    EXPECT_EQ(m.at(1).at("where"), "region 1");
    EXPECT_EQ(m.at(2).at("where"), "national");
    EXPECT_EQ(m.at(2).at("field"), "ballots");
    EXPECT_EQ(m.at(3).at("field"), "valid");
    EXPECT_NE(second.output.find(fmt::format("  PEC 1001  ballots  {}", m.at(0).at("sent").get<std::string>())), std::string::npos)
        << second.output;

    // A threshold on the metric replaces the built-in one.
    const auto third = shailoo(base + "--pecs 13 --threshold 'published_mismatches<=4' --out " + (dir / "c").string());
    EXPECT_EQ(third.code, 0) << third.output;
    EXPECT_NE(third.output.find("Thresholds: 1 of 1 hold\n"), std::string::npos) << third.output;
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

}  // namespace load_thresholds_test
