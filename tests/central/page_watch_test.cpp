// Watching a published copy of the results against the store (central/page_watch.hpp; issue 15,
// the alert on page figures that differ from the store; docs/serve.md "Watching the public page").
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "central/page_watch.hpp"
#include "central/publication_cache.hpp"
#include "ingest_fixture.hpp"

namespace page_watch_test {

using namespace ingest_fixture;

namespace {

using V = central::PageCheck::Verdict;

// The small test election with seats to allocate (the page publishes them).
core::ElectionPackage with_seats(core::ElectionPackage p) {
    p.rules.seats_party_list = 10;
    return p;
}

// A store with PEC 1001's and 1002's final reports, and the page's cache built on it.
struct Published {
    Server s;  // its store file is named after the test: ctest runs the tests side by side
    core::ElectionPackage package = with_seats(s.package);
    central::PublicationCache cache{package, s.store};
    explicit Published(const std::string& name) : s("page-watch-" + name) {
        for (int pec : {1001, 1002}) EXPECT_EQ(s.ingest.submit(sign(pec, std::to_string(pec) + "-arbb-1", 1, final_party_list(pec)), "pec", 0).outcome,
                                               core::AckOutcome::stored);
        s.ingest.finish(1);
        const auto built = cache.refresh(1);
        EXPECT_TRUE(built && *built) << (built ? "" : built.error().message);
    }
    nlohmann::json document() const { return nlohmann::json::parse(cache.document()); }
    central::PageCheck check(const nlohmann::json& page) const { return central::check_page(package, cache, page.dump()); }
};

}  // namespace

TEST(PageWatch, ACopyIsComparedWithTheBuildThatCountedAsManyReports) {
    Published p("copy");
    EXPECT_EQ(p.check(p.document()).verdict, V::same);
    // The 2021 error: one party's row shows another figure.
    auto wrong = p.document();
    wrong["parties"][0]["votes"] = wrong["parties"][0]["votes"].get<std::int64_t>() + 7;
    const auto differs = p.check(wrong);
    ASSERT_EQ(differs.verdict, V::differs);
    EXPECT_EQ(differs.differences.size(), 1u);
    EXPECT_NE(differs.text.find("/parties/0/votes"), std::string::npos) << differs.text;
    // A copy made before the last build (it counts fewer reports) is compared with that build.
    const auto earlier = p.document();
    ASSERT_EQ(p.s.ingest.submit(sign(1001, "1001-arbb-2", 1, zero_report(1001, BoxKind::district)), "pec", 2).outcome, core::AckOutcome::stored);
    p.s.ingest.finish(3);
    ASSERT_TRUE(p.cache.refresh(2));
    EXPECT_EQ(p.check(earlier).verdict, V::same) << "a lagging copy is not a wrong one";
    auto stuck = p.document();
    stuck["progress"]["reports_stored"] = 99;
    EXPECT_EQ(p.check(stuck).verdict, V::behind);
    EXPECT_EQ(central::check_page(p.package, p.cache, std::string("<html>maintenance</html>")).verdict, V::unreadable);
    EXPECT_EQ(central::check_page(p.package, p.cache, core::fail("connection refused")).text, "the page cannot be fetched: connection refused");
}

TEST(PageWatch, AnAlertIsDueOncePerEpisodeAfterTheChecksInARow) {
    Published p("episode");
    auto wrong = p.document();
    wrong["parties"][1]["votes"] = 1;
    central::PageWatch watch;
    EXPECT_FALSE(watch.observe(p.check(wrong))) << "one look may catch a copy mid-update";
    const auto alert = watch.observe(p.check(wrong));
    ASSERT_TRUE(alert);
    EXPECT_NE(alert->find("published page: the page's figures differ from the store's at 2 reports"), std::string::npos) << *alert;
    EXPECT_NE(alert->find("take the page down and republish it from the store"), std::string::npos);
    EXPECT_FALSE(watch.observe(p.check(wrong))) << "once per episode";
    EXPECT_FALSE(watch.observe(p.check(p.document())));
    EXPECT_FALSE(watch.observe(p.check(wrong)));
    EXPECT_TRUE(watch.observe(p.check(wrong))) << "a new episode after the page was right again";
    central::PageWatch down;
    for (int i = 0; i < 2; ++i) EXPECT_FALSE(down.observe(central::check_page(p.package, p.cache, core::fail("timed out"))));
    EXPECT_TRUE(down.observe(central::check_page(p.package, p.cache, core::fail("timed out"))));
}

TEST(PageWatch, TheAlertIsTheIngestsOwnLoggedAndInTheAuditChain) {
    Published p("audit");
    p.s.ingest.raise("page watch http://mirror", "published page: wrong", 5);
    ASSERT_EQ(p.s.ingest.alerts().size(), 1u);
    EXPECT_EQ(p.s.ingest.alerts().back().peer, "page watch http://mirror");
    p.s.ingest.finish(6);
    bool audited = false;
    for (const auto& e : p.s.store.audit_log()) audited = audited || (e.record.action == "alert" && e.record.detail.find("published page: wrong") != std::string::npos);
    EXPECT_TRUE(audited);
    EXPECT_TRUE(p.s.store.audit_problems().empty());
}

}  // namespace page_watch_test
