// Two results documents compared (sim/compare.hpp): national figures and PECs by number, a
// relative tolerance, fields present in one run only, perf never compared.
#include "sim/compare.hpp"

#include <gtest/gtest.h>

namespace {

using json = nlohmann::ordered_json;

json run_a() {
    return json::parse(R"({"format": "shailoo-results", "turnout": {"voters": 1000, "share": 0.35}, "scenario": "A",
        "parties": [{"votes": 10}, {"votes": 20}], "perf": {"wall_s": 2.5},
        "pec_results": [{"number": 1001, "voters": 100, "reported_at": "20:10:00"}, {"number": 1002, "voters": 50}]})");
}

TEST(Compare, TheSameDocumentHasNoDifference) {
    EXPECT_TRUE(sim::compare_results(run_a(), run_a(), 0.0).empty());
}

TEST(Compare, FiguresBeyondTheToleranceNationalFirstThenPecByPec) {
    json b = run_a();
    b["turnout"]["voters"] = 1005;              // 0.5 %
    b["parties"][1]["votes"] = 30;
    b["perf"]["wall_s"] = 9.0;                  // never compared
    b["pec_results"][0]["reported_at"] = "20:40:00";
    b["pec_results"][1]["number"] = 1003;        // 1002 only in A, 1003 only in B
    b["extra"] = true;
    const auto d = sim::compare_results(run_a(), b, 0.0);
    ASSERT_EQ(d.size(), 6u);
    EXPECT_EQ(d[0].where, "turnout.voters");
    EXPECT_EQ(d[0].a, "1000");
    EXPECT_EQ(d[0].b, "1005");
    EXPECT_EQ(d[1].where, "parties[1].votes");
    EXPECT_EQ(d[2].where, "extra");
    EXPECT_EQ(d[2].a, "(absent)");
    EXPECT_FALSE(d[2].per_pec);
    EXPECT_EQ(d[3].where, "PEC 1001: reported_at");
    EXPECT_TRUE(d[3].per_pec);
    EXPECT_EQ(d[4].where, "PEC 1002:");
    EXPECT_EQ(d[4].b, "(absent)");
    EXPECT_EQ(d[5].where, "PEC 1003:");
    // 1 % relative tolerance: the 0.5 % change in voters is within it, the party's 50 % is not.
    const auto tolerant = sim::compare_results(run_a(), b, 0.01);
    ASSERT_EQ(tolerant.size(), 5u);
    EXPECT_EQ(tolerant[0].where, "parties[1].votes");
}

}  // namespace
