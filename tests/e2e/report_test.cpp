// End-to-end check of the HTML reports (docs/report.md, docs/load.md) in headless Chromium
// (tests/e2e/chromium.hpp, report_page.hpp), each page opened from its file and its rendered DOM read.
// The run report: `shailoo run --report` on a one-region scenario with device faults and three
// criteria (one passes, one fails, one optional fails): every chart the page declares was drawn by
// Chart.js with data (the page's script sets data-rendered only then), the verdict table shows each
// criterion with its verdict, and every link of the busiest-PECs table points to an anchor of the
// page. A copy with one chart's name broken must lose that chart, so the mark cannot be set without
// a chart. The load report: `shailoo load --report` of 12 PECs against a `shailoo serve` the test
// starts, with the published-tally check and two thresholds (one fails on purpose): every chart
// drawn, the thresholds' rows, the times to 50/84/100 % and the check's result on the page.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "../apps/serve_process.hpp"
#include "../apps/shailoo_process.hpp"
#include "report_page.hpp"

namespace {

namespace fs = std::filesystem;
using e2e::dump_dom;
using e2e::occurrences;
using e2e::rendered_charts;
using e2e::tags_with;
using e2e::verdict_row;

// tests/data/talas-faults.yaml (ARBB failures at every PEC of Talas) with criteria, the package by absolute path.
fs::path write_scenario(const fs::path& dir) {
    std::string text = e2e::file_text(fs::path(SHAILOO_SOURCE_DIR) / "tests/data/talas-faults.yaml");
    text = std::regex_replace(text, std::regex("package: [^\n]*"), fmt::format("package: {}/assets/kg2021", SHAILOO_SOURCE_DIR));
    text += "criteria:\n"
            "  - {name: Turnout above 10 %, path: turnout.share, op: \">\", expected: 0.1}\n"
            "  - {name: Only one PEC (fails on purpose), path: pecs, op: \"==\", expected: 1}\n"
            "  - {name: No ARBB episode (optional), path: \"fault_effects.faults[0].episodes\", op: \"==\", expected: 0, optional: true}\n";
    const auto file = dir / "talas-report.yaml";
    std::ofstream(file) << text;
    return file;
}

struct Report {
    fs::path dir, html;
    shailoo_test::CliRun run;
};

// The run and its report in a folder of the test's own: ctest runs the tests in parallel processes.
Report report(const std::string& test) {
    Report r;
    r.dir = shailoo_test::temp_dir("e2e-report-" + test);
    r.html = r.dir / "report.html";
    r.run = shailoo_test::shailoo(fmt::format("run {} --threads 2 --quiet --out {} --report {}", write_scenario(r.dir).string(),
                                              (r.dir / "out").string(), r.html.string()));
    return r;
}

TEST(RunReport, ChromiumDrawsEveryChartAndShowsTheVerdictsAndLinksThatHold) {
    const Report r = report("charts");
    ASSERT_EQ(r.run.code, 3) << r.run.output;  // a criterion failed on purpose; the report is still written
    ASSERT_TRUE(fs::exists(r.html)) << r.run.output;
    const std::string page = e2e::file_text(r.html);
    e2e::expect_no_network(page);

    const std::string dom = dump_dom(r.html);
    ASSERT_FALSE(dom.empty());
    // Every chart the page declares, drawn with data; the fault timeline and the support crews are among them (this run has faults).
    EXPECT_EQ(rendered_charts(dom), 8);
    EXPECT_NE(dom.find("data-chart=\"faults\""), std::string::npos);
    EXPECT_NE(dom.find("data-chart=\"supportCrews\""), std::string::npos);  // the package's support decided the stationary boxes

    // The verdicts: name | figure | expected | actual | verdict.
    EXPECT_EQ(verdict_row(dom, "Turnout above 10 %").substr(0, 29), "Turnout above 10 %|turnout.sh");
    EXPECT_TRUE(verdict_row(dom, "Turnout above 10 %").ends_with("|PASS")) << verdict_row(dom, "Turnout above 10 %");
    const std::string pecs = std::to_string(nlohmann::json::parse(e2e::file_text(r.dir / "out/results.json"))["pecs"].get<int>());
    EXPECT_EQ(verdict_row(dom, "Only one PEC (fails on purpose)"), "Only one PEC (fails on purpose)|pecs|== 1|" + pecs + "|FAIL");
    EXPECT_TRUE(verdict_row(dom, "No ARBB episode (optional)").ends_with("|FAIL (optional)")) << verdict_row(dom, "No ARBB episode (optional)");

    // Every in-page link points to an anchor; the busiest-PECs table links to 20 PECs' figures.
    std::set<std::string> ids;
    for (const auto& t : tags_with(dom, "id")) ids.insert(e2e::attribute(t, "id"));
    std::size_t pec_links = 0;
    for (const auto& a : tags_with(dom, "href")) {
        const auto target = e2e::attribute(a, "href");
        ASSERT_TRUE(target.starts_with("#")) << a;
        EXPECT_TRUE(ids.contains(target.substr(1))) << target << " has no anchor";
        pec_links += target.starts_with("#pec-");
    }
    EXPECT_EQ(pec_links, 20u);
}

TEST(RunReport, AChartTheLibraryCannotDrawIsNotMarkedRendered) {
    const Report r = report("broken-chart");
    ASSERT_TRUE(fs::exists(r.html)) << r.run.output;
    std::string page = e2e::file_text(r.html);
    ASSERT_EQ(occurrences(page, "data-chart=\"queues\""), 1u);
    page.replace(page.find("data-chart=\"queues\""), 19, "data-chart=\"nosuch\"");
    const auto broken = r.dir / "broken.html";
    std::ofstream(broken) << page;
    const std::string dom = dump_dom(broken);
    ASSERT_FALSE(dom.empty());
    const auto figures = tags_with(dom, "data-chart");
    std::size_t rendered = 0;
    for (const auto& f : figures) rendered += e2e::attribute(f, "data-rendered") == "true";
    EXPECT_EQ(figures.size(), 8u);
    EXPECT_EQ(rendered, 7u);
    EXPECT_EQ(occurrences(dom, "data-error=\"no chart named nosuch\""), 1u);
}

TEST(LoadReport, ChromiumDrawsEveryChartAndShowsTheThresholdsAndThePublishedCheck) {
    const auto dir = shailoo_test::temp_dir("e2e-load-report");
    shailoo_test::ServeProcess server(dir / "store.sqlite", dir / "serve.log", {"--http", "127.0.0.1:0"});
    ASSERT_NE(server.port(), 0) << server.first_line();
    ASSERT_NE(server.http_port(), 0);
    const auto html = dir / "load.html";
    const auto run = shailoo_test::shailoo(fmt::format(
        "load --target 127.0.0.1:{} --pecs 12 --connections 16 --no-progress --check-published http://127.0.0.1:{} "
        "--threshold 'p99<60s' --threshold 'stored>=1000' --out {} --report {}",
        server.port(), server.http_port(), (dir / "out").string(), html.string()));
    ASSERT_EQ(run.code, 3) << run.output;  // stored>=1000 fails on purpose; the report is still written
    ASSERT_TRUE(fs::exists(html)) << run.output;
    EXPECT_NE(run.output.find("written " + html.string()), std::string::npos) << run.output;
    const std::string page = e2e::file_text(html);
    e2e::expect_no_network(page);

    const std::string dom = dump_dom(html);
    ASSERT_FALSE(dom.empty());
    EXPECT_EQ(rendered_charts(dom), 4);  // acknowledged over time, latency, acks per second, outcomes
    for (const char* chart : {"progress", "latency", "acks", "outcomes"})
        EXPECT_EQ(occurrences(dom, fmt::format("data-chart=\"{}\"", chart)), 1u) << chart;
    EXPECT_EQ(verdict_row(dom, "p99<60s").substr(0, 17), "p99<60s|p99|< 60 ");
    EXPECT_TRUE(verdict_row(dom, "p99<60s").ends_with("|PASS")) << verdict_row(dom, "p99<60s");
    EXPECT_EQ(verdict_row(dom, "stored>=1000"), "stored>=1000|stored|>= 1000|36|FAIL");
    EXPECT_TRUE(verdict_row(dom, "published_mismatches==0").ends_with("|0|PASS")) << verdict_row(dom, "published_mismatches==0");
    EXPECT_NE(dom.find("<tr data-share=\"100 %\"><td>100 %</td><td class=\"n\">"), std::string::npos);
    EXPECT_EQ(dom.find("<td class=\"n\">never</td>"), std::string::npos) << "every good report was acknowledged";
    EXPECT_NE(dom.find("<p data-mismatches=\"0\">"), std::string::npos);
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

}  // namespace
