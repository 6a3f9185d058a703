// `shailoo load` checks what it should (issue 18, point 3), as processes against a `shailoo serve`
// on 127.0.0.1: bad reports mixed in are counted as expected rejections and never stored; a second
// load into the same store warns that every ack was a duplicate; progress lines on request; a
// run's results.json (`--from`) becomes what the results page publishes; broken input is exit 2.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "central/store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/wire.hpp"
#include "loadgen/load_generator.hpp"
#include "serve_process.hpp"
#include "shailoo_process.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace load_checks_test {

namespace {

using nlohmann::json;
using shailoo_test::http_get;
using shailoo_test::ServeProcess;
using shailoo_test::shailoo;
using shailoo_test::temp_dir;

const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;

json read_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    return json::parse(in, nullptr, false);
}

/// Lines of `text` that begin with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = std::min(text.find('\n', at), text.size());
        if (text.compare(at, prefix.size(), prefix) == 0) out.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

}  // namespace

TEST(LoadChecks, BadReportsMixedInAreExpectedRejectionsAndOnlyTheGoodReportsAreStored) {
    const auto dir = temp_dir("load-bad");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    const auto r = shailoo(fmt::format("load --target 127.0.0.1:{} --pecs 20 --seed 11 --bad bad_signature=0.1,replay=0.1,wrong_pec=0.05 --out {}",
                                       server.port(), (dir / "out").string()));
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("75 reports (60 good, 6 bad_signature, 6 replay, 3 wrong_pec) from 20 PECs"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("unexpected outcomes 0 (pass)"), std::string::npos) << r.output;
    const auto j = read_json(dir / "out" / "load.json");
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(j.at("planned"), 75);
    EXPECT_EQ(j.at("stored"), 60);
    EXPECT_EQ(j.at("rejected"), 15);
    EXPECT_EQ(j.at("expected_rejections"), 15);
    EXPECT_EQ(j.at("unexpected"), 0);
    EXPECT_EQ(j.at("all_duplicate"), false);
    EXPECT_EQ(j.at("first_problem"), "");
    for (const auto& [kind, planned, reason] : {std::tuple{"bad_signature", 6, "bad_signature"}, std::tuple{"replay", 6, "sequence_reused"},
                                                std::tuple{"wrong_pec", 3, "wrong_pec"}}) {
        EXPECT_EQ(j.at("reports").at(kind).at("planned"), planned) << kind;
        EXPECT_EQ(j.at("reports").at(kind).at("as_expected"), planned) << kind;
        EXPECT_EQ(j.at("reports").at(kind).at("unexpected"), 0) << kind;
        EXPECT_EQ(j.at("rejected_by_reason").at(reason), planned) << reason;
    }
    EXPECT_EQ(j.at("reports").at("good").at("as_expected"), 60);
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);

    // The store holds exactly the good reports, each once: the same bodies as the plan's good ones.
    auto package = core::load_election_package(kSource / "assets" / "kg2021");
    ASSERT_TRUE(package);
    std::map<std::string, core::BodyHash> good;
    for (const auto& p : loadgen::plan_fleet(*package, 20, core::kSimulatedDeviceSecret, 11, nullptr, 1.0))
        good[p.device] = core::hash_body(core::open_envelope(p.message)->body);
    central::Store store(dir / "store.sqlite");
    std::map<std::string, int> stored;
    for (const auto& k : store.keys()) {
        ++stored[k.device];
        EXPECT_EQ(k.sequence, 1u) << k.device;
        ASSERT_TRUE(good.contains(k.device)) << k.device;
        EXPECT_EQ(k.body_hash, good[k.device]) << k.device << ": a bad report was stored";
    }
    EXPECT_EQ(stored.size(), good.size());
    for (const auto& [device, n] : stored) EXPECT_EQ(n, 1) << device;
}

TEST(LoadChecks, AGoodReportTheServerRefusesIsAnUnexpectedOutcomeAndExitCode1) {
    const auto dir = temp_dir("load-unexpected");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    // Keys from another fleet secret: the server refuses every report as bad_signature.
    const auto r = shailoo(fmt::format("load --target 127.0.0.1:{} --pecs 3 --secret-seed 99 --out {}", server.port(), (dir / "out").string()));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("unexpected outcomes 9 (FAIL)"), std::string::npos) << r.output;
    const auto j = read_json(dir / "out" / "load.json");
    EXPECT_EQ(j.at("unexpected"), 9);
    EXPECT_EQ(j.at("reports").at("good").at("unexpected"), 9);
    EXPECT_EQ(j.at("expected_rejections"), 0);
    EXPECT_NE(j.at("first_problem").get<std::string>().find("(good, expected stored or duplicate): rejected: bad_signature"), std::string::npos)
        << j.at("first_problem");
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

TEST(LoadChecks, ASecondLoadIntoTheSameStoreWarnsThatEveryAckWasADuplicate) {
    const auto dir = temp_dir("load-twice");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    const auto cmd = fmt::format("load --target 127.0.0.1:{} --pecs 5 --out ", server.port());
    const auto first = shailoo(cmd + (dir / "first").string());
    EXPECT_EQ(first.code, 0) << first.output;
    EXPECT_EQ(first.output.find("WARNING"), std::string::npos) << first.output;
    EXPECT_EQ(read_json(dir / "first" / "load.json").at("all_duplicate"), false);
    const auto second = shailoo(cmd + (dir / "second").string());
    EXPECT_EQ(second.code, 0) << second.output;  // a warning, not a failure
    EXPECT_NE(second.output.find("WARNING: all 15 acknowledged reports were answered `duplicate`"), std::string::npos) << second.output;
    EXPECT_NE(second.output.find("nothing new was stored"), std::string::npos) << second.output;
    EXPECT_NE(second.output.find("on a new --db"), std::string::npos) << second.output;
    const auto j = read_json(dir / "second" / "load.json");
    EXPECT_EQ(j.at("all_duplicate"), true);
    EXPECT_EQ(j.at("stored"), 0);
    EXPECT_EQ(j.at("duplicates"), 15);
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

TEST(LoadChecks, ProgressLinesWithProgressAndNoneWithoutOnAPipe) {
    const auto dir = temp_dir("load-progress");
    ServeProcess server(dir / "store.sqlite", dir / "serve.log");
    ASSERT_NE(server.port(), 0) << server.first_line();
    // 40 PECs on the 2021 curve at x3000: planned over about 3 s, so lines at 1 s and 2 s, and the last one.
    const auto r = shailoo(fmt::format("load --target 127.0.0.1:{} --pecs 40 --rate-profile {} --speed 3000 --progress --out {}",
                                       server.port(), (kSource / "scenarios" / "rate-2021.yaml").string(), (dir / "a").string()));
    EXPECT_EQ(r.code, 0) << r.output;
    const auto lines = lines_starting(r.output, "progress [");
    ASSERT_GE(lines.size(), 3u) << r.output;
    EXPECT_NE(lines.front().find("/120  acked"), std::string::npos) << lines.front();
    EXPECT_NE(lines.back().find("sent 120/120  acked 120 (stored 120, duplicate 0)  rejected 0  failed 0  unexpected 0  p99 "),
              std::string::npos) << lines.back();
    const auto quiet = shailoo(fmt::format("load --target 127.0.0.1:{} --pecs 2 --out {}", server.port(), (dir / "b").string()));
    EXPECT_EQ(quiet.code, 0) << quiet.output;
    EXPECT_EQ(quiet.output.find("progress ["), std::string::npos) << quiet.output;
    EXPECT_EQ(shailoo("load --progress --no-progress --pecs 1").code, 2);
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

TEST(LoadChecks, FromAResultsJsonTheResultsPagePublishesTheRunsFigures) {
    const auto dir = temp_dir("load-from");
    // A run of one region (Talas, 117 PECs) in which every party-list ARBB is replaced by a stationary box.
    const auto run = shailoo(fmt::format("run {} --out {} -q --threads 2", (kSource / "tests" / "data" / "talas-faults.yaml").string(),
                                         (dir / "run").string()));
    ASSERT_EQ(run.code, 0) << run.output;
    const auto results = read_json(dir / "run" / "results.json");
    ASSERT_EQ(results.at("pec_results").size(), 117u);

    ServeProcess server(dir / "store.sqlite", dir / "serve.log", {"--http", "127.0.0.1:0"});
    ASSERT_NE(server.port(), 0) << server.first_line();
    ASSERT_NE(server.http_port(), 0);
    const auto r = shailoo(fmt::format("load --target 127.0.0.1:{} --from {} --out {}", server.port(),
                                       (dir / "run" / "results.json").string(), (dir / "out").string()));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("351 reports (351 good) from 117 PECs"), std::string::npos) << r.output;  // the run's PECs only
    json page;
    for (int i = 0; i < 100; ++i) {  // the document is rebuilt at most once a second after commits (bounded: 10 s)
        page = json::parse(http_get(server.http_port(), "/api/results.json"), nullptr, false);
        if (!page.is_discarded() && page["progress"]["reports_stored"] == 351) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(page.at("progress").at("reports_stored"), 351) << page.dump().substr(0, 400);
    EXPECT_EQ(page.at("progress").at("pecs_complete"), 117);
    for (std::size_t p = 0; p < results.at("parties").size(); ++p)
        EXPECT_EQ(page.at("parties").at(p).at("votes"), results.at("parties").at(p).at("votes")) << "party " << p + 1;
    EXPECT_EQ(page.at("national").at("against_all").at("votes"), results.at("against_all"));
    EXPECT_EQ(page.at("national").at("invalid"), results.at("invalid"));
    std::map<int, json> published;
    for (const auto& pec : page.at("pecs")) published[pec.at("number").get<int>()] = pec;
    std::int64_t ballots = 0;
    for (const auto& pec : results.at("pec_results")) {
        const auto& shown = published.at(pec.at("number").get<int>());
        EXPECT_EQ(shown.at("ballots"), pec.at("arbb").at(0).at("ballots_in_box")) << pec.at("number");
        EXPECT_EQ(shown.at("status"), "reported") << pec.at("number");
        ballots += pec.at("arbb").at(0).at("ballots_in_box").get<std::int64_t>();
    }
    EXPECT_EQ(page.at("national").at("ballots"), ballots);
    EXPECT_EQ(published.at(1001).at("status"), "not_reported");  // not in the run: not sent
    for (const auto& d : results.at("districts")) {
        const auto shown = std::find_if(page.at("districts").begin(), page.at("districts").end(),
                                        [&](const json& x) { return x.at("number") == d.at("number"); });
        ASSERT_NE(shown, page.at("districts").end());
        for (std::size_t c = 0; c < d.at("candidates").size(); ++c)
            EXPECT_EQ(shown->at("candidates").at(c).at("votes"), d.at("candidates").at(c).at("votes")) << d.at("name");
        EXPECT_EQ(shown->at("against_all").at("votes"), d.at("against_all")) << d.at("name");
    }
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

TEST(LoadChecks, BrokenFromOrBadInputIsExitCode2NamingFileAndField) {
    const auto dir = temp_dir("load-from-broken");
    const auto out = " --out " + (dir / "out").string();
    auto expect = [&](const std::string& args, const std::string& words) {
        const auto r = shailoo("load --target 127.0.0.1:9 " + args + out);
        EXPECT_EQ(r.code, 2) << args << ": " << r.output;
        EXPECT_NE(r.output.find(words), std::string::npos) << args << ": " << r.output;
    };
    expect("--from " + (dir / "absent.json").string(), "--from " + (dir / "absent.json").string() + ": cannot be read");
    std::ofstream(dir / "garbage.json") << "{\"format\": ";
    expect("--from " + (dir / "garbage.json").string(), (dir / "garbage.json").string() + ": not JSON");
    auto package = core::load_election_package(kSource / "assets" / "kg2021");
    ASSERT_TRUE(package);
    std::ofstream(dir / "foreign.json") << json{{"format", "shailoo-results"}, {"version", 1}, {"package", package->name},
                                                {"pec_results", {{{"number", 9999}}}}}.dump();
    expect("--from " + (dir / "foreign.json").string(), "pec_results[0].number: PEC 9999 is not in the election package");
    std::ofstream(dir / "fieldless.json") << json{{"format", "shailoo-results"}, {"version", 1}, {"package", package->name},
                                                  {"pec_results", {{{"number", 1001}}}}}.dump();
    expect("--from " + (dir / "fieldless.json").string(), (dir / "fieldless.json").string() + ": pec_results[0].identification: missing");
    expect("--bad forged=0.1", "--bad: 'forged=0.1': unknown kind 'forged'");
    expect("--bad replay=2", "the share must be a number from 0 to 1");
}

}  // namespace load_checks_test
