#include "central/publication_cache.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "central/aggregation.hpp"
#include "central/nist_export.hpp"
#include "central/publication.hpp"
#include "ingest_fixture.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace publication_cache_test {

using namespace ingest_fixture;

namespace {

/// The document results_document() makes of what `reader` holds now: what the cache must serve.
std::string fresh_document(const core::ElectionPackage& package, const Store& reader) {
    auto results = aggregate(package, reader);
    EXPECT_TRUE(results) << results.error().message;
    return results ? results_document(*results, package).dump() : std::string();
}

/// The fixture's package with seats to allocate (its own has none, which aggregate() refuses).
void give_seats(Server& s) { s.package.rules.seats_party_list = 10; }

/// PEC 1001's final party-list report stored and committed through the ingest.
void commit_party_list(Server& s) {
    const auto d = s.ingest.submit(sign(1001, "1001-arbb-1", 1, final_party_list(1001)), "test", 0);
    ASSERT_EQ(d.outcome, core::AckOutcome::stored) << d.text;
    s.ingest.flush(1);
}

}  // namespace

TEST(PublicationCache, UnchangedStoreKeepsTheSameDocument) {
    Server s("cache-unchanged");
    give_seats(s);
    Store reader(s.file.path());
    PublicationCache cache(s.package, reader);
    EXPECT_EQ(cache.document(), "");  // nothing built yet
    auto first = cache.refresh(0);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(*first);
    const std::string document = cache.document();
    EXPECT_EQ(document, fresh_document(s.package, reader));
    auto again = cache.refresh(0);  // no commit since: not rebuilt
    ASSERT_TRUE(again);
    EXPECT_FALSE(*again);
    EXPECT_EQ(cache.document(), document);
}

TEST(PublicationCache, RefreshingAfterANewReportChangesTheDocument) {
    Server s("cache-new-report");
    give_seats(s);
    Store reader(s.file.path());
    PublicationCache cache(s.package, reader);
    ASSERT_TRUE(cache.refresh(s.ingest.counters().commits));
    const std::string before = cache.document();
    commit_party_list(s);
    ASSERT_EQ(s.ingest.counters().commits, 1);
    auto refreshed = cache.refresh(s.ingest.counters().commits);
    ASSERT_TRUE(refreshed) << refreshed.error().message;
    EXPECT_TRUE(*refreshed);
    EXPECT_NE(cache.document(), before);
    EXPECT_EQ(cache.document(), fresh_document(s.package, reader));
    EXPECT_NE(cache.document().find("\"votes\":380"), std::string::npos) << cache.document();
}

TEST(PublicationCache, AFailedAggregationKeepsThePreviousDocumentAndRetries) {
    Server s("cache-failed");
    give_seats(s);
    Store reader(s.file.path());
    core::ElectionPackage other = s.package;  // a package without PEC 1001: its stored report cannot be counted
    other.pecs.erase(other.pecs.begin());
    PublicationCache cache(other, reader);
    ASSERT_TRUE(cache.refresh(0));
    const std::string before = cache.document();
    commit_party_list(s);
    auto refreshed = cache.refresh(1);
    ASSERT_FALSE(refreshed);
    EXPECT_EQ(refreshed.error().message, "stored report from PEC 1001, which is not in the package");
    EXPECT_EQ(cache.document(), before);
    EXPECT_FALSE(cache.refresh(1));  // the same commit count is tried again, not taken as built
}

TEST(PublicationCache, TheLoopRefreshesOnTheTimerItIsGivenUntilStopped) {
    Server s("cache-loop");
    give_seats(s);
    Store reader(s.file.path());
    boost::asio::io_context io;  // outlives the cache's timer
    PublicationCache cache(s.package, reader);
    std::vector<std::string> errors;
    cache.run_every(io.get_executor(), std::chrono::milliseconds(1), [&] { return s.ingest.counters().commits; },
                    [&](const core::Error& e) { errors.push_back(e.message); });
    const std::string first = cache.document();  // built at once, before the timer
    EXPECT_EQ(first, fresh_document(s.package, reader));
    commit_party_list(s);
    EXPECT_EQ(cache.document(), first);  // nothing refreshes between turns
    EXPECT_EQ(io.run_one(), 1u);         // the timer's turn
    EXPECT_EQ(cache.document(), fresh_document(s.package, reader));
    EXPECT_NE(cache.document(), first);
    cache.stop();
    io.run();  // the cancelled wait ends and nothing is scheduled again
    EXPECT_TRUE(io.stopped());
    EXPECT_TRUE(errors.empty());
}

TEST(PublicationCache, TheNistXmlIsMadeFromThePublishedResultsOncePerBuild) {
    Server s("cache-xml");
    give_seats(s);
    s.package.date = "2021-11-28";  // the NIST document's election date
    Store reader(s.file.path());
    PublicationCache cache(s.package, reader);
    auto none = cache.nist_xml("2021-11-28T21:00:00+06:00");
    ASSERT_FALSE(none);  // nothing published yet: /results.xml answers 503
    EXPECT_EQ(none.error().message, "no results published yet");
    commit_party_list(s);
    ASSERT_TRUE(cache.refresh(s.ingest.counters().commits));
    auto xml = cache.nist_xml("2021-11-28T21:00:00+06:00");
    ASSERT_TRUE(xml) << xml.error().message;
    auto results = aggregate(s.package, reader);
    ASSERT_TRUE(results) << results.error().message;
    auto direct = nist_results_xml(*results, s.package, {.generated_date = "2021-11-28T21:00:00+06:00"});
    ASSERT_TRUE(direct) << direct.error().message;
    EXPECT_EQ(*xml, *direct);  // the same document the export command writes
    // Kept until the next build: a later request gets the same text, its first date included.
    auto again = cache.nist_xml("2021-11-28T21:00:05+06:00");
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *xml);
}

}  // namespace publication_cache_test
