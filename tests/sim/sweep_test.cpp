// Sweeps (sim/sweep_plan.hpp, sim/sweep_stats.hpp, docs/sweeps.md): the statistics against values
// computed by hand, seeds, grids and shards, the report's independence of the order nights come
// in, and scenario overrides (`--set`).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "sim/scenario.hpp"
#include "sim/sweep_plan.hpp"
#include "sim/sweep_stats.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace sweep_test {

namespace {

using json = nlohmann::ordered_json;
const std::filesystem::path kData = std::filesystem::path(SHAILOO_SOURCE_DIR) / "tests" / "data";

// [Statistics]

TEST(SweepStats, MeanSdAndStudentTIntervalMatchHandComputedValues) {
    // 2 4 4 4 5 5 7 9: mean 5, sum of squared deviations 32, sd sqrt(32/7); t(0.975, 7) = 2.3646242515927849
    // (tables), so the 95 % CI is 5 -+ 2.3646242515927849 x sqrt(32/7) / sqrt(8).
    const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
    const auto s = sim::sample_stats(v);
    EXPECT_EQ(s.n, 8u);
    EXPECT_DOUBLE_EQ(s.mean, 5.0);
    EXPECT_DOUBLE_EQ(s.min, 2.0);
    EXPECT_DOUBLE_EQ(s.max, 9.0);
    ASSERT_TRUE(s.sd && s.ci95);
    EXPECT_NEAR(*s.sd, 2.138089935299395, 1e-12);
    EXPECT_NEAR(s.ci95->first, 3.2125120817637898, 1e-9);
    EXPECT_NEAR(s.ci95->second, 6.78748791823621, 1e-9);
    // Two values: t(0.975, 1) = 12.706204736174707; sd of {1, 3} is sqrt(2).
    const std::vector<double> two{1, 3};
    const auto t = sim::sample_stats(two);
    EXPECT_NEAR(t.ci95->second, 2 + 12.706204736174707 * std::sqrt(2.0) / std::sqrt(2.0), 1e-9);
}

TEST(SweepStats, OneNightHasNoSpreadNorInterval) {
    const std::vector<double> one{42};
    const auto s = sim::sample_stats(one);
    EXPECT_EQ(s.n, 1u);
    EXPECT_DOUBLE_EQ(s.mean, 42);
    EXPECT_FALSE(s.sd);
    EXPECT_FALSE(s.ci95);
}

TEST(SweepStats, WilsonIntervalMatchesHandComputedValues) {
    // (p + z^2/2n) / (1 + z^2/n) -+ z / (1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2), z = 1.959963984540054.
    auto [lo, hi] = sim::wilson_interval95(975, 1000);
    EXPECT_NEAR(lo, 0.9633547107321566, 1e-12);
    EXPECT_NEAR(hi, 0.9830098687065659, 1e-12);
    std::tie(lo, hi) = sim::wilson_interval95(0, 10);
    EXPECT_DOUBLE_EQ(lo, 0.0);
    EXPECT_NEAR(hi, 0.2775327998628892, 1e-12);
    std::tie(lo, hi) = sim::wilson_interval95(10, 10);
    EXPECT_NEAR(lo, 0.7224672001371107, 1e-12);
    EXPECT_NEAR(hi, 1.0, 1e-12);
    std::tie(lo, hi) = sim::wilson_interval95(3, 4);
    EXPECT_NEAR(lo, 0.30064184258240184, 1e-12);
    EXPECT_NEAR(hi, 0.9544127391902995, 1e-12);
}

// [Seeds, grids, shards]

TEST(SweepPlan, SeedsGridsAndShardsParseAndBadOnesAreNamed) {
    EXPECT_EQ(*sim::parse_seeds("1..1000"), (sim::SeedRange{1, 1000}));
    EXPECT_EQ(*sim::parse_seeds("7"), (sim::SeedRange{7, 7}));
    ASSERT_FALSE(sim::parse_seeds("5..2"));
    EXPECT_EQ(sim::parse_seeds("5..2").error().message, "'5..2': the last seed 2 is below the first 5");
    EXPECT_FALSE(sim::parse_seeds("1..x"));
    EXPECT_FALSE(sim::parse_seeds("-1..3"));
    EXPECT_FALSE(sim::parse_seeds("0..18446744073709551615"));  // more than 10 million nights
    EXPECT_EQ(*sim::parse_shard("1/4"), (sim::Shard{1, 4}));
    ASSERT_FALSE(sim::parse_shard("3/2"));
    EXPECT_EQ(sim::parse_shard("3/2").error().message, "'3/2': the shard index must be below the shard count (0/2 to 1/2)");
    EXPECT_FALSE(sim::parse_shard("0/0"));
    EXPECT_FALSE(sim::parse_shard("1"));

    const auto range = sim::parse_grid_axis("faults[0].share=0.1..0.5:0.1");
    ASSERT_TRUE(range) << range.error().message;
    EXPECT_EQ(range->path, "faults[0].share");
    EXPECT_EQ(range->values, (std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5"}));
    const auto list = sim::parse_grid_axis("patience.median_min=10, 20,40");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->values, (std::vector<std::string>{"10", "20", "40"}));
    EXPECT_FALSE(sim::parse_grid_axis("faults[0].share=0.5..0.1:0.1"));
    EXPECT_FALSE(sim::parse_grid_axis("faults[0].share=0.1..0.5:0"));
    EXPECT_FALSE(sim::parse_grid_axis("faults[0].share=1,,2"));
    EXPECT_FALSE(sim::parse_grid_axis("faults[0.share=1"));
    EXPECT_FALSE(sim::parse_grid_axis("share"));
}

TEST(SweepPlan, GridPointsAreTheProductFirstAxisSlowest) {
    sim::SweepPlan plan{.scenario = "s", .seeds = {1, 2}, .grid = {{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}}, .shard = {}};
    ASSERT_EQ(plan.points(), 6u);
    EXPECT_EQ(plan.nights(), 12u);
    EXPECT_EQ(plan.point_overrides(0), (std::vector<sim::ScenarioOverride>{{"a", "1"}, {"b", "x"}}));
    EXPECT_EQ(plan.point_overrides(2), (std::vector<sim::ScenarioOverride>{{"a", "1"}, {"b", "z"}}));
    EXPECT_EQ(plan.point_overrides(3), (std::vector<sim::ScenarioOverride>{{"a", "2"}, {"b", "x"}}));
    plan.grid.push_back({"a", {"3"}});
    EXPECT_FALSE(sim::check_plan(plan));  // an axis twice
}

TEST(SweepPlan, ShardsCoverEveryNightExactlyOnce) {
    for (std::uint64_t count = 1; count <= 7; ++count) {
        std::multiset<std::pair<std::size_t, std::uint64_t>> seen;
        for (std::uint64_t index = 0; index < count; ++index) {
            const sim::SweepPlan plan{.scenario = "s", .seeds = {5, 14}, .grid = {{"a", {"1", "2", "3"}}}, .shard = {index, count}};
            for (const auto& n : plan.shard_nights()) {
                EXPECT_EQ(n.index % count, index);
                seen.insert({n.point, n.seed});
            }
        }
        EXPECT_EQ(seen.size(), 30u) << count << " shards";
        for (std::size_t p = 0; p < 3; ++p)
            for (std::uint64_t s = 5; s <= 14; ++s) EXPECT_EQ(seen.count({p, s}), 1u) << count << " shards, point " << p << " seed " << s;
    }
}

TEST(SweepPlan, ShardAutoReadsSlurmArraysAndKubernetesIndexedJobs) {
    std::map<std::string, std::string> env;
    const sim::EnvLookup lookup = [&](const char* name) -> std::optional<std::string> {
        const auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional(it->second);
    };
    EXPECT_FALSE(sim::shard_from_environment(lookup, std::nullopt));  // neither: never a silent 0/1
    env = {{"SLURM_ARRAY_TASK_ID", "12"}, {"SLURM_ARRAY_TASK_MIN", "10"}, {"SLURM_ARRAY_TASK_MAX", "13"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
    EXPECT_EQ(*sim::shard_from_environment(lookup, std::nullopt), (sim::Shard{2, 4}));
    env["SLURM_ARRAY_TASK_COUNT"] = "2";  // --array=10-13:2 is not contiguous
    EXPECT_FALSE(sim::shard_from_environment(lookup, std::nullopt));
    env = {{"JOB_COMPLETION_INDEX", "3"}};
    EXPECT_FALSE(sim::shard_from_environment(lookup, std::nullopt));  // how many shards?
    EXPECT_EQ(*sim::shard_from_environment(lookup, 5), (sim::Shard{3, 5}));
    env["SHAILOO_SHARD_COUNT"] = "4";
    EXPECT_EQ(*sim::shard_from_environment(lookup, std::nullopt), (sim::Shard{3, 4}));
    EXPECT_FALSE(sim::shard_from_environment(lookup, 3));  // index 3 of 3, and disagreeing counts
}

// [The report]

// A night's results document as small as the summary needs: two figures, counts, a list with ids.
json fake_results(double turnout, int rejected_bad_signature, bool passed_flag) {
    json doc = {{"format", "shailoo-results"}, {"version", 1}, {"scenario", "Fake"}, {"seed", 1}};
    doc["turnout"] = {{"share", turnout}, {"voters", static_cast<int>(turnout * 1000)}};
    doc["parties"] = json::array({{{"id", 7}, {"name", "A"}, {"votes", 10 + rejected_bad_signature}}});
    doc["central"] = {{"rejected", json::object()}};
    if (rejected_bad_signature > 0) doc["central"]["rejected"]["bad_signature"] = rejected_bad_signature;
    doc["seats"] = {{"party_list", json::array({{{"party", "A"}, {"passed", passed_flag}}})}};
    doc["perf"] = {{"wall_s", 1.5}};
    return doc;
}

std::vector<sim::Verdict> verdicts(bool first, bool second) {
    return {{.name = "Turnout", .passed = first}, {.name = "No rejects", .passed = second, .optional = true}};
}

TEST(SweepReport, ANightsSummaryHoldsItsFiguresByPathWithoutIdsOrTimings) {
    const json s = sim::night_summary(3, {{"faults[0].share", "0.2"}}, fake_results(0.5, 2, true), verdicts(true, false));
    const json& f = s["figures"];
    EXPECT_EQ(f["turnout.share"], 0.5);
    EXPECT_EQ(f["parties[0].votes"], 12.0);
    EXPECT_FALSE(f.contains("parties[0].id"));
    EXPECT_FALSE(f.contains("perf.wall_s"));
    EXPECT_FALSE(f.contains("seed"));
    EXPECT_EQ(f["central.rejected"], 2.0);
    EXPECT_EQ(f["central.rejected.bad_signature"], 2.0);
    EXPECT_EQ(f["central.rejected.wrong_pec"], 0.0) << f.dump();  // every reason, counted or not
    EXPECT_EQ(f["seats.party_list[0].passed"], 1.0);
    EXPECT_EQ(s["seed"], 3);
    EXPECT_EQ(s["criteria"][1]["passed"], false);
}

std::vector<sim::NightSummary> fake_nights(const sim::SweepPlan& plan) {
    std::vector<sim::NightSummary> out;
    for (const sim::Night& n : plan.shard_nights()) {
        const double turnout = 0.3 + 0.01 * static_cast<double>(n.seed % 7) + 0.1 * static_cast<double>(n.point);
        const json doc = sim::night_summary(n.seed, plan.point_overrides(n.point), fake_results(turnout, static_cast<int>(n.seed % 3), n.seed % 2),
                                            verdicts(turnout > 0.33, n.seed % 3 == 0));
        auto read = sim::read_night_summary(json::parse(doc.dump(1)), plan, "night.json");  // as written and read back
        EXPECT_TRUE(read) << read.error().message;
        out.push_back(*read);
    }
    return out;
}

TEST(SweepReport, TheOrderNightsComeInChangesNoByte) {
    const sim::SweepPlan plan{.scenario = "Fake", .seeds = {1, 20}, .grid = {{"faults[0].share", {"0.1", "0.2"}}}, .shard = {}};
    auto nights = fake_nights(plan);
    const std::string expected = sim::sweep_report(plan, nights).dump(1);
    const std::string text = sim::sweep_report_text(sim::sweep_report(plan, nights));
    std::mt19937 shuffle(7);
    for (int round = 0; round < 5; ++round) {
        std::shuffle(nights.begin(), nights.end(), shuffle);
        EXPECT_EQ(sim::sweep_report(plan, nights).dump(1), expected);
        EXPECT_EQ(sim::sweep_report_text(sim::sweep_report(plan, nights)), text);
    }
    const json report = sim::sweep_report(plan, nights);
    ASSERT_EQ(report["points"].size(), 2u);
    const json& turnout = report["points"][0]["criteria"][0];
    // seeds 1..20 at point 0: turnout 0.3 + 0.01 (seed mod 7) > 0.33 for seed mod 7 in 4..6: seeds 4-6, 11-13, 18-20
    EXPECT_EQ(turnout["held"], 9);
    EXPECT_EQ(turnout["nights"], 20);
    EXPECT_DOUBLE_EQ(turnout["rate"].get<double>(), 0.45);
    EXPECT_EQ(report["points"][1]["criteria"][0]["held"], 20);  // point 1 adds 0.1
    EXPECT_NE(text.find("Turnout     held in 45.0 % of 20 nights, 95 % CI "), std::string::npos) << text;
}

TEST(SweepReport, MissingAndDoubledNightsAreNamed) {
    const sim::SweepPlan plan{.scenario = "Fake", .seeds = {1, 4}, .grid = {}, .shard = {}};
    auto nights = fake_nights(plan);
    EXPECT_TRUE(sim::check_complete(plan, nights));
    auto short_one = nights;
    short_one.erase(short_one.begin() + 2);
    ASSERT_FALSE(sim::check_complete(plan, short_one));
    EXPECT_EQ(sim::check_complete(plan, short_one).error().message, "nights missing: p0-s3 (of 4)");
    auto doubled = nights;
    doubled.push_back(nights[1]);
    ASSERT_FALSE(sim::check_complete(plan, doubled));
    EXPECT_EQ(sim::check_complete(plan, doubled).error().message, "nights given more than once: p0-s2");
    const sim::SweepPlan other{.scenario = "Other", .seeds = {1, 4}, .grid = {}, .shard = {}};
    EXPECT_FALSE(sim::read_night_summary(sim::night_summary(1, {}, fake_results(0.3, 0, true), {}), other, "n.json"));
}

// [Scenario overrides]

TEST(ScenarioOverride, SetReplacesAFieldBeforeTheScenarioIsRead) {
    auto s = sim::load_scenario(kData / "talas-faults.yaml", {{"faults[0].share", "0.25"}, {"patience.median_min", "20"}});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_DOUBLE_EQ(s->faults[0].share, 0.25);
    EXPECT_DOUBLE_EQ(s->patience.median_min, 20);  // a field the file leaves out
    EXPECT_DOUBLE_EQ(s->faults[1].share, 1.0);
    auto plain = sim::load_scenario(kData / "talas-faults.yaml");
    EXPECT_DOUBLE_EQ(plain->faults[0].share, 1.0);
}

TEST(ScenarioOverride, ABadPathOrValueIsAnErrorNamingTheOverride) {
    const auto error = [](const std::string& path, const std::string& value) {
        auto s = sim::load_scenario(kData / "talas-faults.yaml", {{path, value}});
        return s ? std::string("loaded") : s.error().message;
    };
    EXPECT_NE(error("faults[5].share", "0.1").find("--set faults[5].share=0.1: the scenario has no faults[5] (faults is a list of 2)"),
              std::string::npos) << error("faults[5].share", "0.1");
    const std::string unknown = error("nosuch.share", "0.1");
    EXPECT_NE(unknown.find("'nosuch'"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("(with --set nosuch.share=0.1)"), std::string::npos) << unknown;
    EXPECT_NE(error("criteria[0].name", "x").find("the scenario has no list criteria"), std::string::npos) << error("criteria[0].name", "x");
    const std::string typo = error("faults[0].shar", "0.1");
    EXPECT_NE(typo.find("faults[0].shar"), std::string::npos) << typo;
    EXPECT_NE(typo.find("(with --set faults[0].shar=0.1)"), std::string::npos) << typo;
    const std::string range = error("faults[0].share", "1.5");
    EXPECT_NE(range.find("field 'faults[0].share'"), std::string::npos) << range;
    EXPECT_NE(range.find("(with --set faults[0].share=1.5)"), std::string::npos) << range;
    EXPECT_FALSE(sim::parse_override("faults[0].share"));
    EXPECT_FALSE(sim::parse_override("=1"));
    EXPECT_TRUE(sim::parse_override("regions=[Talas, Naryn]"));
}

}  // namespace

}  // namespace sweep_test
