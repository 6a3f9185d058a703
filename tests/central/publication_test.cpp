#include "central/publication.hpp"

#include <gtest/gtest.h>

#include "stored_election_fixture.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace publication_test {

using namespace stored_election;
using nlohmann::json;

TEST(Publication, PercentagesAreRoundedHalfUpFromExactIntegers) {
    EXPECT_EQ(percent_hundredths(1, 8), 1250);       // 12.5 %
    EXPECT_EQ(percent_hundredths(1, 3), 3333);       // 33.333 %
    EXPECT_EQ(percent_hundredths(2, 3), 6667);       // 66.667 %
    EXPECT_EQ(percent_hundredths(1, 20000), 1);      // 0.005 % is exactly half a hundredth: up
    EXPECT_EQ(percent_hundredths(1, 20001), 0);      // just below half
    EXPECT_EQ(percent_hundredths(5, 0), 0);          // nothing reported yet
    EXPECT_EQ(percent_hundredths(3'000'000'000LL, 3'000'000'000LL), 10000);
}

TEST(Publication, PecStatusFollowsTheFinalReportsItOwes) {
    PecTally p;
    EXPECT_EQ(pec_status(p, true), PecStatus::not_reported);
    p.zero_district = true;
    EXPECT_EQ(pec_status(p, true), PecStatus::opened);
    p.final_party_list = true;
    p.identification = true;
    EXPECT_EQ(pec_status(p, true), PecStatus::partial);   // district box still owed
    EXPECT_EQ(pec_status(p, false), PecStatus::reported); // abroad: no district box
    p.final_district = true;
    EXPECT_EQ(pec_status(p, true), PecStatus::reported);
}

TEST(Publication, DocumentShowsTheStoredResultsWithKnownAnswers) {
    StoredElection e;
    const json d = results_document(e.results, e.package);
    EXPECT_EQ(d["version"], 1);
    EXPECT_EQ(d["election"]["name"], "publication-test");
    // Progress: 1001 and 9001 sent their party-list finals; 1002 only opened.
    EXPECT_EQ(d["progress"]["pecs_expected"], 3);
    EXPECT_EQ(d["progress"]["pecs_reported"], 2);
    EXPECT_EQ(d["progress"]["pecs_complete"], 2);
    EXPECT_DOUBLE_EQ(d["progress"]["percent"].get<double>(), 66.67);
    EXPECT_EQ(d["progress"]["reports_stored"], 6);
    EXPECT_EQ(d["progress"]["reports_final"], 5);
    EXPECT_EQ(d["progress"]["reports_expected"], 3 * 2 + 2);
    // National: 600 + 250 took part out of 1000 + 300 registered at the reporting PECs.
    EXPECT_EQ(d["national"]["registered"], 2100);
    EXPECT_EQ(d["national"]["registered_reporting"], 1300);
    EXPECT_EQ(d["national"]["ballots"], 850);
    EXPECT_EQ(d["national"]["valid"], 840);
    EXPECT_EQ(d["national"]["invalid"], 10);
    EXPECT_DOUBLE_EQ(d["national"]["turnout"].get<double>(), 65.38);  // 850 / 1300 = 65.3846 %
    EXPECT_EQ(d["national"]["against_all"]["votes"], 10);
    EXPECT_DOUBLE_EQ(d["national"]["against_all"]["share"].get<double>(), 1.18);
    // Parties: 480 and 350 votes of 850; shares of voters who took part.
    ASSERT_EQ(d["parties"].size(), 2u);
    EXPECT_EQ(d["parties"][0]["votes"], 480);
    EXPECT_DOUBLE_EQ(d["parties"][0]["share"].get<double>(), 56.47);
    EXPECT_EQ(d["parties"][1]["votes"], 350);
    EXPECT_DOUBLE_EQ(d["parties"][1]["share"].get<double>(), 41.18);
    // Seats: quota 830 / 10 = 83; 480 -> 5 r .78, 350 -> 4 r .22; the remainder seat to Party 1.
    EXPECT_EQ(d["parties"][0]["seats"], 6);
    EXPECT_EQ(d["parties"][1]["seats"], 4);
    EXPECT_EQ(d["parties"][0]["passed"], true);
    EXPECT_EQ(d["seats"]["distributed"], 10);
    EXPECT_EQ(d["seats"]["passing_votes"], 830);
    EXPECT_DOUBLE_EQ(d["seats"]["threshold_national"].get<double>(), 5.0);
    EXPECT_DOUBLE_EQ(d["seats"]["threshold_regional"].get<double>(), 0.5);
    // Party 2, 4 mandates: preferences elect P2C1..P2C4 (one woman); 2 women required, so P2C4
    // gives way to P2C5 by the women's reserve.
    const auto& elected = d["parties"][1]["elected"];
    ASSERT_EQ(elected.size(), 4u);
    EXPECT_EQ(elected[0]["name"], "P2C1");
    EXPECT_EQ(elected[0]["preference_votes"], 20);
    EXPECT_EQ(elected[3]["name"], "P2C5");
    EXPECT_EQ(elected[3]["by_women_reserve"], true);
    EXPECT_EQ(d["parties"][1]["women_required"], 2);
    EXPECT_EQ(d["parties"][0]["elected"][2]["name"], "P1C3");  // 30 preference votes from abroad
    // Regions.
    ASSERT_EQ(d["regions"].size(), 2u);
    EXPECT_EQ(d["regions"][0]["party_votes"], json({380, 200}));
    EXPECT_EQ(d["regions"][0]["pecs_reported"], 1);
    EXPECT_EQ(d["regions"][0]["pecs_expected"], 2);
    EXPECT_DOUBLE_EQ(d["regions"][0]["turnout"].get<double>(), 60.0);
    EXPECT_EQ(d["regions"][1]["abroad"], true);
    // District 1: Asel 300, Bakyt 250, against all 40 of 600 ballots.
    const auto& district = d["districts"][0];
    EXPECT_EQ(district["outcome"], "elected");
    EXPECT_EQ(district["winner"], 1);
    EXPECT_EQ(district["winner_name"], "Asel");
    EXPECT_EQ(district["candidates"][0]["votes"], 300);
    EXPECT_DOUBLE_EQ(district["candidates"][0]["share"].get<double>(), 50.0);
    EXPECT_EQ(district["against_all"]["votes"], 40);
    EXPECT_EQ(district["pecs_reported"], 1);
    // PECs.
    ASSERT_EQ(d["pecs"].size(), 3u);
    EXPECT_EQ(d["pecs"][0]["status"], "reported");
    EXPECT_EQ(d["pecs"][1]["status"], "opened");
    EXPECT_EQ(d["pecs"][2]["status"], "reported");
    EXPECT_EQ(d["pecs"][2]["ballots"], 250);
}

TEST(Publication, DocumentFieldsEqualTheAggregationEverywhere) {
    StoredElection e;
    const json d = results_document(e.results, e.package);
    const auto& r = e.results;
    for (std::size_t p = 0; p < e.package.parties.size(); ++p) {
        EXPECT_EQ(d["parties"][p]["votes"].get<std::int64_t>(), r.national.option_votes[p + 1]);
        EXPECT_EQ(d["parties"][p]["seats"].get<int>(), r.seats.parties[p + 1].seats);
    }
    for (std::size_t i = 0; i < r.regions.size(); ++i)
        EXPECT_EQ(d["regions"][i]["ballots"].get<std::int64_t>(), r.regions[i].party_list.ballots_in_box);
    for (std::size_t i = 0; i < r.pecs.size(); ++i)
        EXPECT_EQ(d["pecs"][i]["number"].get<int>(), r.pecs[i].number);
}

TEST(Publication, CheckFindsNothingWrongInATruePublication) {
    StoredElection e;
    const json published = json::parse(results_document(e.results, e.package).dump());  // through text, as served
    const auto diffs = check_publication(e.results, e.package, published);
    EXPECT_TRUE(diffs.empty()) << describe(diffs);
}

TEST(Publication, CheckListsEveryDifferenceBetweenStoredAndPublished) {
    StoredElection e;
    json published = results_document(e.results, e.package);
    published["parties"][1]["votes"] = 351;                 // the 2021 kind of error: one party's figure
    published["districts"][0]["candidates"][1]["votes"] = 249;
    published["national"].erase("turnout");
    published["extra"] = "not in the store";
    const auto diffs = check_publication(e.results, e.package, published);
    ASSERT_EQ(diffs.size(), 4u) << describe(diffs);
    EXPECT_EQ(diffs[0].path, "/districts/0/candidates/1/votes");
    EXPECT_EQ(diffs[0].stored, "250");
    EXPECT_EQ(diffs[0].published, "249");
    EXPECT_EQ(diffs[1].path, "/extra");
    EXPECT_EQ(diffs[1].stored, "(absent)");
    EXPECT_EQ(diffs[2].path, "/national/turnout");
    EXPECT_EQ(diffs[2].published, "(absent)");
    EXPECT_EQ(diffs[3].path, "/parties/1/votes");
    EXPECT_NE(describe(diffs).find("/parties/1/votes: stored 350, published 351"), std::string::npos);
}

TEST(Publication, CheckCatchesAShareThatDoesNotMatchItsVotes) {
    StoredElection e;
    json published = results_document(e.results, e.package);
    published["parties"][0]["share"] = 56.48;  // off by one hundredth
    const auto diffs = check_publication(e.results, e.package, published);
    ASSERT_EQ(diffs.size(), 1u);
    EXPECT_EQ(diffs[0].path, "/parties/0/share");
}

TEST(Publication, PageIsSelfContained) {
    const std::string page(results_page_html());
    ASSERT_FALSE(page.empty());
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(page.find("/api/results.json"), std::string::npos);
    for (const char* outside : {"http://", "https://", "<script src", "<link", "@import", "url("})
        EXPECT_EQ(page.find(outside), std::string::npos) << outside;
}

TEST(Publication, DocumentCoversEveryPecOfTheKg2021PackageBeforeAnyReport) {
    auto package = core::load_election_package(std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021");
    ASSERT_TRUE(package) << package.error().message;
    auto results = aggregate(*package, std::vector<StoredReport>{});
    ASSERT_TRUE(results) << results.error().message;
    const json d = results_document(*results, *package);
    ASSERT_EQ(d["pecs"].size(), package->pecs.size());
    EXPECT_EQ(d["progress"]["pecs_expected"], package->pecs.size());
    EXPECT_EQ(d["progress"]["pecs_reported"], 0);
    EXPECT_EQ(d["national"]["turnout"], 0.0);  // no division by zero before the first report
    EXPECT_EQ(d["parties"].size(), package->parties.size());
    EXPECT_EQ(d["districts"].size(), package->districts.size());
    for (const auto& pec : d["pecs"]) EXPECT_EQ(pec["status"], "not_reported");
    EXPECT_TRUE(check_publication(*results, *package, d).empty());
}

}  // namespace publication_test
