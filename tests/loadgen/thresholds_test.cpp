// `shailoo load --threshold`: thresholds are read as k6 writes them (or refused with a message
// naming the argument), every metric has its value in a load.json that load_json() writes, and the
// verdicts say what was expected and what was measured. docs/load.md lists exactly these metrics.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "loadgen/load_generator.hpp"
#include "loadgen/thresholds.hpp"

namespace {

using nlohmann::json;

/// A finished run: 100 good and 10 bad reports planned, 98 good ones acked (1 to 98 ms), 2 never.
loadgen::LoadReport a_report() {
    loadgen::LoadReport r;
    r.planned = 110;
    r.sent = 110;
    r.stored = 90;
    r.duplicates = 8;
    r.acked = 98;
    r.rejected = 12;
    r.unexpected = 2;
    r.by_flaw[0] = {.planned = 100, .as_expected = 98, .unexpected = 2};
    r.by_flaw[1] = {.planned = 10, .as_expected = 10, .unexpected = 0};
    for (int ms = 1; ms <= 98; ++ms) r.latency.record(ms * 1000);
    r.seconds = 4.0;
    r.time_to_50 = 1.5;
    r.time_to_84 = 2.5;
    r.time_to_all = -1;  // 2 good reports never acked
    r.acks_per_s = 24.5;
    r.peak_acks_per_s = 40;
    return r;
}

loadgen::Threshold parsed(const std::string& text) {
    auto t = loadgen::parse_threshold(text);
    EXPECT_TRUE(t) << text << ": " << t.error().message;
    return t ? *t : loadgen::Threshold{};
}

}  // namespace

TEST(LoadThresholds, ReadsMetricOperatorValueAndUnitAsK6WritesThem) {
    auto t = parsed("p99<50ms");
    EXPECT_EQ(t.metric, "p99");
    EXPECT_EQ(t.op, loadgen::ThresholdOp::lt);
    EXPECT_DOUBLE_EQ(t.value, 50);
    EXPECT_EQ(t.unit, "ms");
    t = parsed("  p(99.9) <= 2 s ");  // k6's percentile spelling, spaces anywhere
    EXPECT_EQ(t.text, "p(99.9) <= 2 s");
    EXPECT_EQ(t.metric, "p999");
    EXPECT_EQ(t.op, loadgen::ThresholdOp::le);
    EXPECT_DOUBLE_EQ(t.value, 2000);  // base unit ms
    t = parsed("p(95)>=1.5ms");
    EXPECT_EQ(t.metric, "p95");
    EXPECT_EQ(t.op, loadgen::ThresholdOp::ge);
    t = parsed("rejected==0");
    EXPECT_EQ(t.kind, loadgen::MetricKind::count);
    EXPECT_EQ(t.op, loadgen::ThresholdOp::eq);
    t = parsed("errors!=3");
    EXPECT_EQ(t.op, loadgen::ThresholdOp::ne);
    t = parsed("acked_share>=99.9%");
    EXPECT_NEAR(t.value, 0.999, 1e-12);
    t = parsed("duplicate_share==0");
    EXPECT_DOUBLE_EQ(t.value, 0);
    t = parsed("unexpected_share<0.01");
    EXPECT_DOUBLE_EQ(t.value, 0.01);
    t = parsed("acks_per_s>100/s");
    EXPECT_EQ(t.op, loadgen::ThresholdOp::gt);
    EXPECT_DOUBLE_EQ(t.value, 100);
    EXPECT_DOUBLE_EQ(parsed("peak_acks_per_s>250").value, 250);
    EXPECT_DOUBLE_EQ(parsed("time_to_all<5s").value, 5000);
}

TEST(LoadThresholds, AMalformedThresholdOrUnknownMetricIsRefusedWithAMessageNamingIt) {
    for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
             {"p99", "'p99': no comparison; write METRIC OP VALUE, e.g. p99<50ms (OP one of <, <=, >, >=, ==, !=)"},
             {"", "'': no comparison"},
             {"p99=<5ms", "'p99=<5ms': '=<' is not a comparison (one of <, <=, >, >=, ==, !=)"},
             {"p99=5ms", "'p99=5ms': '=5' is not a comparison"},
             {"p98<5ms", "'p98<5ms': unknown metric 'p98' (one of: p50, p90, p95, p99, p999, max, time_to_50,"},
             {"<5ms", "'<5ms': unknown metric ''"},
             {"p99<50", "'p99<50': p99 is a duration: give the value in ms or s, e.g. p99<50ms"},
             {"p99<50us", "p99 is a duration: give the value in ms or s"},
             {"p99<fast", "'p99<fast': 'fast' is not a number (followed by its unit, e.g. 50ms, 2s, 1%)"},
             {"p99<", "'p99<': '' is not a number"},
             {"p99<nan ms", "'nan ms' is not a number"},
             {"rejected==0ms", "'rejected==0ms': rejected is a count of reports: no unit ('ms' given)"},
             {"acked_share>=99", "'acked_share>=99': a share is from 0 to 1 (0 % to 100 %)"},
             {"acked_share>=50ms", "acked_share is a share: give % or a fraction from 0 to 1 ('ms' given)"},
             {"acks_per_s>5%", "acks_per_s is per second: no unit or /s ('%' given)"}}) {
        const auto t = loadgen::parse_threshold(text);
        ASSERT_FALSE(t) << text;
        EXPECT_NE(t.error().message.find(message), std::string::npos) << text << ": " << t.error().message;
    }
}

TEST(LoadThresholds, EveryMetricHasAValueInTheLoadJsonARunWrites) {
    auto doc = loadgen::load_json(a_report());
    doc["published"] = {{"mismatches", 0}, {"error", ""}};
    for (const auto& m : loadgen::threshold_metrics()) {
        if (m.name.starts_with("time_to_all")) continue;  // never reached in this report: below
        const auto v = loadgen::metric_value(doc, m.name);
        EXPECT_TRUE(v.value) << m.name << ": " << v.why;
    }
    EXPECT_NEAR(*loadgen::metric_value(doc, "p50").value, 49, 49 * 0.002);  // the histogram's resolution
    EXPECT_NEAR(*loadgen::metric_value(doc, "p95").value, 94, 94 * 0.002);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "max").value, 98);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "time_to_84").value, 2500);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "duration").value, 4000);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "acked_share").value, 0.98);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "unexpected_share").value, 2.0 / 110);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "duplicate_share").value, 8.0 / 98);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "expected_rejections").value, 10);
    EXPECT_DOUBLE_EQ(*loadgen::metric_value(doc, "peak_acks_per_s").value, 40);
    EXPECT_EQ(loadgen::metric_value(doc, "time_to_all").why, "never");
}

TEST(LoadThresholds, VerdictsSayExpectedAndActualInTheThresholdsUnitAndFailWithoutAValue) {
    auto doc = loadgen::load_json(a_report());
    std::vector<loadgen::Threshold> ts;
    for (const char* text : {"p99<100ms", "p99<0.05s", "rejected==12", "unexpected==0", "acked_share>=99%", "acked_share>0.9",
                             "time_to_50<=1500ms", "time_to_all<10s", "acks_per_s>20/s", "published_mismatches==0"})
        ts.push_back(parsed(text));
    const auto v = loadgen::evaluate_thresholds(ts, doc);
    ASSERT_EQ(v.size(), ts.size());
    auto expect = [&](std::size_t i, const char* expected, const char* actual, bool passed) {
        EXPECT_EQ(v[i].expected, expected) << v[i].threshold;
        EXPECT_EQ(v[i].actual, actual) << v[i].threshold;
        EXPECT_EQ(v[i].passed, passed) << v[i].threshold;
    };
    expect(0, "< 100 ms", "98 ms", true);
    expect(1, "< 0.05 s", "0.098 s", false);
    expect(2, "== 12", "12", true);
    expect(3, "== 0", "2", false);
    expect(4, ">= 99 %", "98 %", false);
    expect(5, "> 0.9", "0.98", true);
    expect(6, "<= 1500 ms", "1500 ms", true);
    expect(7, "< 10 s", "never", false);  // -1 in load.json is never, not a fast run
    expect(8, "> 20 /s", "24.5 /s", true);
    expect(9, "== 0", "no --check-published", false);
    EXPECT_EQ(v[0].threshold, "p99<100ms");
    EXPECT_EQ(v[0].metric, "p99");
    EXPECT_EQ(v[0].meaning, "ack latency, 99th percentile");

    doc["published"] = {{"mismatches", 0}, {"error", "GET http://127.0.0.1:9/api/results.json: Connection refused"}};
    const auto unchecked = loadgen::evaluate_thresholds({parsed("published_mismatches==0")}, doc);
    EXPECT_FALSE(unchecked[0].passed);
    EXPECT_EQ(unchecked[0].actual, "not checked: GET http://127.0.0.1:9/api/results.json: Connection refused");
    doc["published"] = {{"mismatches", 4}, {"error", ""}};
    EXPECT_FALSE(loadgen::evaluate_thresholds({parsed("published_mismatches==0")}, doc)[0].passed);
    EXPECT_TRUE(loadgen::evaluate_thresholds({parsed("published_mismatches<=4")}, doc)[0].passed);
}

TEST(LoadThresholds, NoGoodReportAckedMeansNoLatencyRatherThanZero) {
    loadgen::LoadReport r;
    r.planned = r.by_flaw[0].planned = 3;
    r.errors = 3;
    const auto doc = loadgen::load_json(r);
    const auto v = loadgen::evaluate_thresholds({parsed("p99<50ms"), parsed("max<=1s"), parsed("acked_share==0")}, doc);
    EXPECT_FALSE(v[0].passed);
    EXPECT_EQ(v[0].actual, "no good report was acked");
    EXPECT_FALSE(v[1].passed);
    EXPECT_TRUE(v[2].passed);
}

TEST(LoadThresholds, DocsListExactlyTheMetrics) {
    std::ifstream in(std::filesystem::path(SHAILOO_SOURCE_DIR) / "docs" / "load.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    const auto from = doc.find("## Thresholds");
    ASSERT_NE(from, std::string::npos);
    const auto to = doc.find("\n## ", from + 1);
    const std::string section = doc.substr(from, to - from);
    std::set<std::string> documented, known;
    const std::regex row(R"(\n\| `([a-z0-9_]+)` \|)");
    for (auto it = std::sregex_iterator(section.begin(), section.end(), row); it != std::sregex_iterator(); ++it) documented.insert((*it)[1]);
    for (const auto& m : loadgen::threshold_metrics()) known.insert(std::string(m.name));
    EXPECT_EQ(documented, known);
}
