// `shailoo load --check-published`: the published document made by the real ingest, store,
// aggregation and publication from the fleet's good reports equals what those reports make it;
// a report the fleet did not get acknowledged, a figure changed, a row missing are each found and
// named (where, field, sent, published). The page over HTTP: tests/apps/load_thresholds_test.cpp.
#include <gtest/gtest.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "central/aggregation.hpp"
#include "central/ingest.hpp"
#include "central/publication.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "loadgen/load_generator.hpp"
#include "loadgen/published_check.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace published_check_test {

namespace {

using nlohmann::json;
const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;

const core::ElectionPackage& package() {
    static const auto p = core::load_election_package(kSource / "assets" / "kg2021");
    return *p;
}

/// The fleet of `pecs` PECs with bad reports mixed in, every report submitted to a real ingest in
/// plan order; the document the results page would publish from that store, and which reports were
/// good ones the ingest stored.
struct Night {
    std::vector<loadgen::PlannedReport> plan;
    std::vector<bool> good_acked;
    json published;
};

Night night(int pecs, const std::string& store_name) {
    Night n;
    auto plan = loadgen::plan_fleet(package(), pecs, core::kSimulatedDeviceSecret, 5, nullptr, 1.0);
    auto mix = loadgen::parse_bad_mix("bad_signature=0.1,replay=0.1,wrong_pec=0.05");
    n.plan = *loadgen::mix_bad_reports(std::move(plan), *mix, package(), core::kSimulatedDeviceSecret, 5);
    auto registry = core::load_device_key_registry(kSource / "assets" / "kg2021" / "device-keys.yaml");
    EXPECT_TRUE(registry);
    const auto file = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" / store_name;
    std::filesystem::create_directories(file.parent_path());
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + s);
    central::Store store(file, {.max_reports = 100000, .max_delay = 1'000'000'000});
    central::Ingest ingest(package(), *registry, store);
    for (const auto& p : n.plan) {
        const auto d = ingest.submit(p.message, "test", 0);
        n.good_acked.push_back(p.flaw == loadgen::Flaw::none && d.outcome == core::AckOutcome::stored);
    }
    ingest.flush(0);
    auto results = central::aggregate(package(), store);
    EXPECT_TRUE(results) << results.error().message;
    n.published = central::results_document(*results, package());
    return n;
}

/// The mismatches as "where|field|sent|published" lines.
std::vector<std::string> lines(const loadgen::PublishedCheck& c) {
    std::vector<std::string> out;
    for (const auto& m : c.mismatches) out.push_back(m.where + "|" + m.field + "|" + m.sent + "|" + m.published);
    return out;
}

}  // namespace

TEST(LoadPublishedCheck, ThePublishedDocumentOfTheFleetsGoodReportsMatchesEveryFigure) {
    const auto n = night(25, "published-check-match.sqlite");
    auto check = loadgen::compare_published(package(), n.plan, n.good_acked, n.published);
    ASSERT_TRUE(check) << check.error().message;
    EXPECT_EQ(check->error, "");
    EXPECT_EQ(check->reports_expected, 75);  // 25 Bishkek PECs x (2 boxes + identification); no bad report counts
    EXPECT_TRUE(check->mismatches.empty()) << ::testing::PrintToString(lines(*check));
    // Every PEC (status, ballots), every region (4 + one per party), district (3 + one per candidate), 7 + parties nationally.
    std::int64_t figures = 2 * static_cast<std::int64_t>(package().pecs.size()) + 7 + static_cast<std::int64_t>(package().parties.size());
    figures += static_cast<std::int64_t>(package().regions.size() * (3 + package().parties.size()));
    for (const auto& d : package().districts) figures += 3 + static_cast<std::int64_t>(d.candidates.size());
    EXPECT_EQ(check->figures_compared, figures);
}

TEST(LoadPublishedCheck, AReportStoredButNotAcknowledgedToTheFleetIsFoundPecByPec) {
    const auto n = night(10, "published-check-unacked.sqlite");
    auto acked = n.good_acked;
    std::size_t dropped = 0;
    while (n.plan[dropped].flaw != loadgen::Flaw::none || !n.plan[dropped].device.ends_with("-arbb-1")) ++dropped;
    acked[dropped] = false;  // the store holds it, the fleet never had its ack
    auto check = loadgen::compare_published(package(), n.plan, acked, n.published);
    ASSERT_TRUE(check) << check.error().message;
    const int pec = n.plan[dropped].pec;
    const auto found = lines(*check);
    const auto has = [&](const std::string& prefix) {
        return std::any_of(found.begin(), found.end(), [&](const std::string& l) { return l.starts_with(prefix); });
    };
    EXPECT_TRUE(has(fmt::format("PEC {}|status|partial|\"reported\"", pec))) << ::testing::PrintToString(found);
    EXPECT_TRUE(has(fmt::format("PEC {}|ballots|0|", pec))) << ::testing::PrintToString(found);
    EXPECT_TRUE(has(fmt::format("region {}|pecs_reported|9|10", pec / 1000))) << ::testing::PrintToString(found);
    EXPECT_TRUE(has("national|progress.reports_final|29|30")) << ::testing::PrintToString(found);
    EXPECT_TRUE(has("national|ballots|")) << ::testing::PrintToString(found);
    for (const auto& l : found) EXPECT_FALSE(l.starts_with("district")) << l << ": the district box was acknowledged";
}

TEST(LoadPublishedCheck, AChangedFigureOrAMissingRowIsNamedExactly) {
    const auto n = night(10, "published-check-changed.sqlite");
    auto doc = n.published;
    doc["regions"][0]["party_votes"][2] = doc["regions"][0]["party_votes"][2].get<std::int64_t>() + 1;
    auto check = loadgen::compare_published(package(), n.plan, n.good_acked, doc);
    ASSERT_TRUE(check);
    const auto code = doc["regions"][0]["code"].get<int>();
    const auto sent = n.published["regions"][0]["party_votes"][2].get<std::int64_t>();
    EXPECT_EQ(lines(*check), std::vector<std::string>{fmt::format("region {}|party_votes[2]|{}|{}", code, sent, sent + 1)});

    doc = n.published;
    doc["pecs"].erase(0);  // the first PEC's row is gone
    doc["districts"][1]["candidates"][0]["votes"] = "many";
    check = loadgen::compare_published(package(), n.plan, n.good_acked, doc);
    ASSERT_TRUE(check);
    const auto first = package().pecs.front().number;
    const auto votes = n.published["districts"][1]["candidates"][0]["votes"].get<std::int64_t>();
    EXPECT_EQ(lines(*check), (std::vector<std::string>{fmt::format("PEC {}|status|reported|(absent)", first),
                                                       fmt::format("PEC {}|ballots|{}|(absent)", first, n.published["pecs"][0]["ballots"].get<std::int64_t>()),
                                                       fmt::format("district {}|candidates[0].votes|{}|\"many\"",
                                                                   n.published["districts"][1]["number"].get<int>(), votes)}));

    check = loadgen::compare_published(package(), n.plan, n.good_acked, json{{"status", "ok"}});
    ASSERT_TRUE(check);
    EXPECT_EQ(check->error, "the document is not the results page's results.json (no pecs[])");
}

TEST(LoadPublishedCheck, TheUrlIsTheResultsPagesBase) {
    auto u = loadgen::parse_published_url("http://127.0.0.1:8080");
    ASSERT_TRUE(u) << u.error().message;
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->base_path, "/");
    u = loadgen::parse_published_url("http://results.cec.kg/night/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "results.cec.kg");
    EXPECT_EQ(u->port, 80);
    EXPECT_EQ(u->base_path, "/night/");
    EXPECT_EQ(loadgen::parse_published_url("http://h:1/x")->base_path, "/x/");
    for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
             {"127.0.0.1:8080", "expected the results page's base, http://HOST:PORT"},
             {"https://127.0.0.1:8080", "expected the results page's base"},
             {"http://127.0.0.1:0", "'0' is not a port (1 to 65535)"},
             {"http://127.0.0.1:99999", "'99999' is not a port"},
             {"http://127.0.0.1:80x", "'80x' is not a port"},
             {"http://:8080", "no host name or address before the port"}}) {
        const auto r = loadgen::parse_published_url(text);
        ASSERT_FALSE(r) << text;
        EXPECT_NE(r.error().message.find(words), std::string::npos) << text << ": " << r.error().message;
    }
}

TEST(LoadPublishedCheck, ANonAnsweringPageIsAnErrorNotAPass) {
    // Port 1 on loopback: nothing listens (connection refused at once).
    auto url = loadgen::parse_published_url("http://127.0.0.1:1");
    ASSERT_TRUE(url);
    const auto check = loadgen::check_published(package(), {}, {}, *url, std::chrono::milliseconds(0));
    EXPECT_NE(check.error.find("GET http://127.0.0.1:1/api/results.json: "), std::string::npos) << check.error;
    EXPECT_TRUE(check.mismatches.empty());
    EXPECT_EQ(loadgen::published_json(check).at("error"), check.error);
}

}  // namespace published_check_test
