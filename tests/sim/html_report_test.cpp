// The run report's page as text (sim/html_report.hpp; Chromium draws it in tests/e2e/report_test.cpp):
// what a results document says is escaped where the page shows it and cannot end the data script;
// a run without faults says so instead of drawing an empty chart; the page loads nothing.
#include <gtest/gtest.h>

#include <string>

#include "sim/html_report.hpp"

namespace html_report_test {
namespace {

using json = nlohmann::ordered_json;

// A small results document (the fields the report reads), one region named to break out of HTML.
json document(bool with_faults) {
    json doc{{"scenario", "A <b>bold</b> & \"quoted\" night"}, {"package", "p"}, {"seed", 1}, {"pecs", 2}, {"registered", 100}};
    doc["turnout"] = {{"voters", 40}, {"share", 0.4}, {"hours_from", "08:00:00"}, {"by_hour", {30, 10}},
                      {"regions", {{{"code", 1}, {"name", "</script><script>alert(1)</script>"}, {"registered", 100}, {"voters", 40},
                                    {"share", 0.4}, {"by_hour", {30, 10}}}}}};
    doc["identification"] = {{"fingerprint", 38}, {"other_finger", 1}, {"face", 1}, {"manual", 0}, {"refused", 0}};
    doc["reporting_curve"] = {{"from", "20:00:00"}, {"step_minutes", 5}, {"cumulative", {1, 2}}, {"share_first_hour", 1.0}};
    json faults = json::array();
    if (with_faults)
        faults.push_back({{"device", "modem"}, {"fault", "no_signal"}, {"episodes", 1}, {"devices_in_fault", {0.5, 0.0}}});
    doc["fault_effects"] = {{"counted_until", "24:00:00"}, {"timeline_from", "20:00:00"}, {"timeline_step_minutes", 30}, {"faults", faults}};
    for (int n : {7, 9})
        doc["pec_results"].push_back({{"number", n}, {"region", 1}, {"mean_queue", n / 10.0}, {"voters_by_hour", {15, 5}},
                                      {"queue_by_hour", {0.5, 0.25}}, {"reported_at", ""}});
    return doc;
}

TEST(HtmlReport, EscapesWhatTheDocumentSaysAndKeepsTheDataInsideItsScript) {
    const std::string page = sim::html_report(document(true), {sim::Verdict{.name = "x < y", .expected = "== 1", .actual = "2"}});
    EXPECT_NE(page.find("<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; night</h1>"), std::string::npos);
    EXPECT_EQ(page.find("<b>bold</b>"), std::string::npos);
    EXPECT_EQ(page.find("</script><script>alert(1)"), std::string::npos);
    EXPECT_NE(page.find("<\\/script><script>alert(1)<\\/script>"), std::string::npos);  // in the data, as JSON text
    EXPECT_NE(page.find("<td class=\"verdict\">FAIL</td>"), std::string::npos);
    EXPECT_NE(page.find("data-criterion=\"x &lt; y\""), std::string::npos);
    EXPECT_NE(page.find("<body data-charts=\"7\">"), std::string::npos);
    EXPECT_NE(page.find("<a href=\"#pec-9\">9</a>"), std::string::npos);  // the longer mean queue first
    EXPECT_LT(page.find("href=\"#pec-9\""), page.find("href=\"#pec-7\""));
    EXPECT_NE(page.find("id=\"pec-7\""), std::string::npos);
}

TEST(HtmlReport, ARunWithoutFaultsSaysSoInsteadOfAnEmptyChart) {
    const std::string page = sim::html_report(document(false), {});
    EXPECT_EQ(page.find("data-chart=\"faults\""), std::string::npos);
    EXPECT_NE(page.find("No device fault happened in this run."), std::string::npos);
    EXPECT_NE(page.find("<body data-charts=\"6\">"), std::string::npos);
    EXPECT_NE(page.find("The scenario states no criteria."), std::string::npos);
}

TEST(HtmlReport, ThePageLoadsNothingFromOutside) {
    const std::string page = sim::html_report(document(true), {});
    for (const char* outside : {"src=\"http", "href=\"http", "sourceMappingURL", "<link ", "@import"})
        EXPECT_EQ(page.find(outside), std::string::npos) << outside;
    EXPECT_NE(page.find("Chart.js v4.6.2"), std::string::npos);  // the library is inlined
    EXPECT_NE(page.find("chartjs-chart-matrix v3.1.0"), std::string::npos);
}

}  // namespace
}  // namespace html_report_test
