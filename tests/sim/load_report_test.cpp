// The load report's page as text (sim/load_report.hpp; Chromium draws it in tests/e2e/report_test.cpp):
// its charts and verdict rows are there, what load.json says is escaped where the page shows it and
// cannot end the data script, a run without acks says so instead of drawing empty charts, the
// published-tally check is shown when there was one, and the page loads nothing.
#include "sim/load_report.hpp"

#include <gtest/gtest.h>

#include <string>

namespace load_report_test {
namespace {

using json = nlohmann::json;

// A small load.json (the fields the page reads; docs/load.md), two seconds of acks and a problem
// whose text would break out of HTML.
json load_document(bool with_acks) {
    json doc{{"version", 1}, {"planned", 6}, {"sent", 6}, {"acked", 4}, {"stored", 4}, {"duplicates", 0}, {"rejected", 1},
             {"expected_rejections", 1}, {"retry", 0}, {"errors", 1}, {"unexpected", 1}, {"seconds", 2.5},
             {"first_problem", "report 3: <script>alert(1)</script>"}, {"acks_per_s", 1.6}, {"peak_acks_per_s", 3},
             {"time_to_50_s", 0.75}, {"time_to_84_s", 1.25}, {"time_to_all_s", -1.0}};
    doc["latency_ms"] = {{"p50", 12.5}, {"p90", 20.0}, {"p95", 21.0}, {"p99", 22.0}, {"p999", 22.0}, {"max", 22.0}};
    doc["reports"] = {{"good", {{"planned", 5}, {"as_expected", 4}, {"unexpected", 1}, {"expect", "stored or duplicate"}}},
                      {"bad_signature", {{"planned", 1}, {"as_expected", 1}, {"unexpected", 0}, {"expect", "rejected bad_signature"}}},
                      {"replay", {{"planned", 0}, {"as_expected", 0}, {"unexpected", 0}, {"expect", "rejected sequence_reused"}}}};
    doc["rejected_by_reason"] = {{"bad_signature", 1}, {"wrong_pec", 0}, {"other", 0}};
    doc["timeline"] = json::array();
    if (with_acks) {
        doc["timeline"].push_back({{"second", 0}, {"acks", 3}, {"acked_total", 3}, {"latency_ms", {{"p50", 10.0}, {"p90", 12.0}, {"p99", 12.0}, {"max", 12.0}}}});
        doc["timeline"].push_back({{"second", 1}, {"acks", 0}, {"acked_total", 3}, {"latency_ms", nullptr}});
        doc["timeline"].push_back({{"second", 2}, {"acks", 1}, {"acked_total", 4}, {"latency_ms", {{"p50", 22.0}, {"p90", 22.0}, {"p99", 22.0}, {"max", 22.0}}}});
    }
    return doc;
}

std::vector<sim::Verdict> verdicts() {
    return {{.name = "p99<50ms", .path = "p99", .expected = "< 50 ms", .actual = "22 ms", .passed = true},
            {.name = "errors==0", .path = "errors", .expected = "== 0", .actual = "1", .passed = false}};
}

const sim::LoadReportRun kRun{.target = "127.0.0.1:5443", .plan = "6 reports (5 good, 1 bad_signature) from 2 PECs"};

// How a chart's figure opens.
std::string fmt_chart(const std::string& name) { return "<figure class=\"chart\" data-chart=\"" + name + "\">"; }

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
    return n;
}

TEST(LoadHtmlReport, DeclaresItsChartsAndShowsTheThresholdsVerdicts) {
    const std::string page = sim::load_html_report(load_document(true), verdicts(), kRun);
    EXPECT_NE(page.find("<body data-charts=\"4\">"), std::string::npos);
    for (const char* chart : {"progress", "latency", "acks", "outcomes"})
        EXPECT_EQ(occurrences(page, fmt_chart(chart)), 1u) << chart;
    EXPECT_NE(page.find("<h2>Thresholds</h2>"), std::string::npos);
    EXPECT_NE(page.find("<p>1 of 2 hold, <strong>1 failed</strong>.</p>"), std::string::npos);
    EXPECT_NE(page.find("<tr class=\"PASS\" data-criterion=\"p99&lt;50ms\"><td title=\"\">p99&lt;50ms</td><td><code>p99</code></td>"
                        "<td>&lt; 50 ms</td><td class=\"n\">22 ms</td><td class=\"verdict\">PASS</td></tr>"),
              std::string::npos);
    EXPECT_NE(page.find("data-criterion=\"errors==0\""), std::string::npos);
    EXPECT_NE(page.find("<td class=\"verdict\">FAIL</td>"), std::string::npos);
    // The times to 50 / 84 / 100 %: the last never reached.
    EXPECT_NE(page.find("<tr data-share=\"50 %\"><td>50 %</td><td class=\"n\">0.750 s</td></tr>"), std::string::npos);
    EXPECT_NE(page.find("<tr data-share=\"100 %\"><td>100 %</td><td class=\"n\">never</td></tr>"), std::string::npos);
    // The outcomes: good and the bad kind planned, not the one that was not; the reject reason seen.
    EXPECT_NE(page.find("data-kind=\"bad_signature\""), std::string::npos);
    EXPECT_EQ(page.find("data-kind=\"replay\""), std::string::npos);
    EXPECT_NE(page.find("<tr><td>bad_signature</td><td class=\"n\">1</td></tr>"), std::string::npos);
    EXPECT_NE(page.find("Not checked: <code>--check-published URL</code> was not given."), std::string::npos);
    // The per-second latency, a second without acks as a gap.
    EXPECT_NE(page.find("\"p50\":[10.0,null,22.0]"), std::string::npos);
}

TEST(LoadHtmlReport, EscapesWhatLoadJsonSaysAndKeepsTheDataInsideItsScript) {
    auto doc = load_document(true);
    doc["published"] = {{"url", "http://127.0.0.1:8080/api/results.json"}, {"error", ""}, {"reports_expected", 4},
                        {"figures_compared", 120}, {"mismatches", 1}, {"listed", 1},
                        {"list", {{{"where", "PEC <b>1001</b>"}, {"field", "ballots"}, {"sent", "7"}, {"published", "</script>"}}}}};
    doc["reports"]["good"]["expect"] = "</script><script>alert(2)</script>";
    const std::string page = sim::load_html_report(doc, {{.name = "<i>x</i>", .expected = "== 0", .actual = "1"}},
                                                   {.target = "host\"><script>", .plan = "p & q"});
    EXPECT_EQ(page.find("<script>alert(1)"), std::string::npos);
    EXPECT_NE(page.find("report 3: &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_EQ(page.find("<b>1001</b>"), std::string::npos);
    EXPECT_NE(page.find("<td>PEC &lt;b&gt;1001&lt;/b&gt;</td><td><code>ballots</code></td><td class=\"n\">7</td><td class=\"n\">&lt;/script&gt;</td>"),
              std::string::npos);
    EXPECT_EQ(page.find("<script>alert(2)"), std::string::npos);
    EXPECT_EQ(page.find("<i>x</i>"), std::string::npos);
    EXPECT_NE(page.find("<h1>Load on host&quot;&gt;&lt;script&gt;</h1>"), std::string::npos);
    EXPECT_NE(page.find("p &amp; q - Shailoo Sim load report"), std::string::npos);
    EXPECT_NE(page.find("<p data-mismatches=\"1\">"), std::string::npos);
    // Every <script> the page opens is one of its own four: Chart.js, the data, the shared and the page's chart script.
    EXPECT_EQ(occurrences(page, "<script>"), 3u);
    EXPECT_EQ(occurrences(page, "<script type=\"application/json\" id=\"report-data\">"), 1u);
    EXPECT_EQ(occurrences(page, "</script>"), 4u);
}

TEST(LoadHtmlReport, ARunWithoutAcksSaysSoInsteadOfEmptyCharts) {
    const std::string page = sim::load_html_report(load_document(false), {}, kRun);
    EXPECT_NE(page.find("<body data-charts=\"1\">"), std::string::npos);
    EXPECT_EQ(page.find("data-chart=\"latency\""), std::string::npos);
    EXPECT_NE(page.find("No good report was acknowledged"), std::string::npos);
    EXPECT_NE(page.find("No threshold was given (--threshold)."), std::string::npos);
}

TEST(LoadHtmlReport, ThePageLoadsNothingFromOutside) {
    const std::string page = sim::load_html_report(load_document(true), verdicts(), kRun);
    for (const char* outside : {"src=\"http", "href=\"http", "sourceMappingURL", "<link ", "@import"})
        EXPECT_EQ(page.find(outside), std::string::npos) << outside;
    EXPECT_NE(page.find("Chart.js v4.6.2"), std::string::npos);  // the library is inlined, without the heat-map plugin it needs not
    EXPECT_EQ(page.find("chartjs-chart-matrix v3.1.0"), std::string::npos);
}

}  // namespace
}  // namespace load_report_test
