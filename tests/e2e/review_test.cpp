// End-to-end check of the after-action review (`shailoo review`, docs/drills.md) in headless Chromium
// (tests/e2e/chromium.hpp, report_page.hpp), the page opened from its file and its rendered DOM read.
// `shailoo drill drills/mains-loss-ups.yaml --responses ... --review DIR` runs the drill headless and
// writes DIR/review.html and DIR/review.json; the page must show what the JSON says. With the poor
// response (a stationary box asked for while the UPS still runs, refused; then one box, late): every
// chart the page declares drawn by Chart.js with data, the trainee's and the reference's scores in the
// headline, the counterfactual above the verdicts with the ballots left uncounted in a reserve slot,
// FAIL rows in the verdict table, and the inject and the refused action in the timeline; the page
// loads nothing from the network. With the good response: every measure passes and nothing is refused.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "../apps/shailoo_process.hpp"
#include "report_page.hpp"

namespace review_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct DrillReview {
    shailoo_test::CliRun run;
    fs::path html;
    json data;        // review.json
    std::string page;  // review.html as written
    std::string dom;   // as Chromium rendered it
};

// drills/mains-loss-ups.yaml run headless with drills/responses/mains-loss-ups.RESPONSE.yaml and its
// review, in a folder of the test's own (ctest runs the tests in parallel processes).
DrillReview drill_review(const std::string& response) {
    const fs::path src = SHAILOO_SOURCE_DIR, dir = shailoo_test::temp_dir("e2e-review-" + response);
    DrillReview r;
    r.run = shailoo_test::shailoo(fmt::format("drill {} --responses {} --review {}", (src / "drills/mains-loss-ups.yaml").string(),
                                              (src / fmt::format("drills/responses/mains-loss-ups.{}.yaml", response)).string(), dir.string()));
    r.html = dir / "review.html";
    if (!fs::exists(r.html) || !fs::exists(dir / "review.json")) return r;
    r.data = json::parse(e2e::file_text(dir / "review.json"));
    r.page = e2e::file_text(r.html);
    r.dom = e2e::dump_dom(r.html);
    return r;
}

// The text of the element that starts with `open` (up to `close`), tags dropped and entities undone.
std::string element_text(const std::string& dom, const std::string& open, const std::string& close) {
    const auto at = dom.find(open);
    if (at == std::string::npos) return {};
    const auto end = dom.find(close, at);
    return e2e::unescape(std::regex_replace(dom.substr(at + open.size(), end - at - open.size()), std::regex("<[^>]*>"), ""));
}

struct TimelineRow {
    std::string kind, at, who, what;
};

// The rows of the timeline table (<section id="timeline">): each row's class (inject, action, refused,
// instructor, event) and its cells.
std::vector<TimelineRow> timeline(const std::string& dom) {
    std::vector<TimelineRow> rows;
    const auto at = dom.find("<section id=\"timeline\">");
    if (at == std::string::npos) return rows;
    const std::string html = dom.substr(at, dom.find("</section>", at) - at);
    const std::regex row(R"re(<tr class="([^"]*)"><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>)re");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), row); it != std::sregex_iterator(); ++it)
        rows.push_back({(*it)[1], e2e::unescape((*it)[2]), e2e::unescape((*it)[3]), e2e::unescape((*it)[4])});
    return rows;
}

// The verdict table's rows, one per objective, trainee and measure, as the JSON scores them:
// objective - trainee | measure | expected (acceptable) | actual: points | PASS or FAIL.
std::vector<std::string> expected_verdict_rows(const json& data) {
    std::vector<std::string> rows;
    for (const json& o : data["objectives"])
        for (const json& t : o["trainees"])
            for (const json& m : t["measures"])
                rows.push_back(fmt::format("{} - {}|{}|{} (acceptable {})|{}: {:g} / {:g} points|{}", o["name"].get<std::string>(),
                                           t["trainee"].get<std::string>(), m["measure"].get<std::string>(),
                                           m["expected_text"].get<std::string>(), m["acceptable_text"].get<std::string>(),
                                           m["actual_text"].get<std::string>(), m["earned"].get<double>(), m["points"].get<double>(),
                                           m["passed"].get<bool>() ? "PASS" : "FAIL"));
    return rows;
}

// The verdict table's rows as the page shows them, in its order.
std::vector<std::string> shown_verdict_rows(const std::string& dom) {
    std::vector<std::string> rows;
    const auto at = dom.find("<section id=\"verdicts\">");
    if (at == std::string::npos) return rows;
    std::string html = dom.substr(at, dom.find("</section>", at) - at);
    const std::string key = "data-criterion=\"";
    for (auto next = html.find(key); next != std::string::npos; next = html.find(key)) {
        html.erase(0, next);  // this row first, so verdict_row finds it and not an earlier one of the same objective
        const std::string criterion = e2e::unescape(html.substr(key.size(), html.find('"', key.size()) - key.size()));
        rows.push_back(e2e::verdict_row(html, criterion));
        html.erase(0, html.find("</tr>"));
    }
    return rows;
}

// What both responses' pages show: every chart drawn, nothing from the network, the headline scores,
// the counterfactual above the verdicts, and the verdict rows the JSON scores.
void expect_a_whole_review(const DrillReview& r) {
    e2e::expect_no_network(r.page);
    EXPECT_EQ(e2e::rendered_charts(r.dom), 2);  // two injects at one PEC: its voters (queue, left) and its reserve slots' ballots
    EXPECT_EQ(e2e::occurrences(r.dom, "data-chart=\"pec-6010\""), 1u);
    EXPECT_EQ(e2e::occurrences(r.dom, "data-chart=\"reserve-6010\""), 1u);
    const auto named = [](const json& list, const char* key, const std::string& value) {
        const auto it = std::find_if(list.begin(), list.end(), [&](const json& e) { return e[key] == value; });
        return it == list.end() ? json() : *it;
    };
    const json yours = named(r.data["trainees"], "trainee", "bakyt");
    EXPECT_NE(r.dom.find(fmt::format("<span class=\"label\">bakyt (pec_chair)</span><span class=\"value\">{:g} / {:g}</span>",
                                     yours["earned"].get<double>(), yours["points"].get<double>())),
              std::string::npos);
    const json reference = named(r.data["reference"]["scores"], "role", "pec_chair");
    EXPECT_NE(r.dom.find(fmt::format("<span class=\"label\">reference (pec_chair)</span><span class=\"value\">{:g} / {:g}</span>",
                                     reference["earned"].get<double>(), reference["points"].get<double>())),
              std::string::npos);
    const auto counterfactual = r.dom.find("<section id=\"counterfactual\">");
    EXPECT_NE(counterfactual, std::string::npos);
    EXPECT_LT(counterfactual, r.dom.find("<section id=\"verdicts\">")) << "the counterfactual comes before the verdicts";
    EXPECT_EQ(element_text(r.dom, "<li data-inject=\"mains-loss\">", "</li>"),
              "mains-loss: " + named(r.data["counterfactual"], "inject", "mains-loss")["sentence"].get<std::string>() + ".");
    EXPECT_EQ(shown_verdict_rows(r.dom), expected_verdict_rows(r.data));
}

TEST(AfterActionReview, ChromiumDrawsEveryChartAndShowsTheScoresAndTheCounterfactual) {
    const DrillReview r = drill_review("poor");
    ASSERT_EQ(r.run.code, 0) << r.run.output;
    ASSERT_FALSE(r.dom.empty()) << r.run.output;
    expect_a_whole_review(r);
    const std::string sentence = element_text(r.dom, "<li data-inject=\"mains-loss\">", "</li>");
    EXPECT_TRUE(sentence.starts_with("mains-loss: at PEC 6010 your response cost ")) << sentence;
    EXPECT_NE(sentence.find(" ballots uncounted in a reserve slot"), std::string::npos) << sentence;
    EXPECT_NE(e2e::occurrences(r.dom, "<tr class=\"FAIL\" data-criterion="), 0u) << "the poor response fails a measure";

    const auto rows = timeline(r.dom);
    const auto has = [&](const std::string& kind, const std::string& at, const std::string& who, const std::string& what) {
        return std::any_of(rows.begin(), rows.end(), [&](const TimelineRow& t) {
            return t.kind == kind && t.at == at && t.who == who && t.what.find(what) != std::string::npos;
        });
    };
    EXPECT_TRUE(has("inject", "11:00:00", "mains-loss", "")) << "the inject is on the timeline";
    EXPECT_TRUE(has("refused", "11:10:00", "bakyt", ": refused: ")) << "the stationary box asked for while the UPS runs, refused";
    EXPECT_TRUE(has("action", "13:00:00", "bakyt", "")) << "the late stationary box";
}

TEST(AfterActionReview, TheGoodResponsePassesEveryMeasureAndNothingIsRefused) {
    const DrillReview r = drill_review("good");
    ASSERT_EQ(r.run.code, 0) << r.run.output;
    ASSERT_FALSE(r.dom.empty()) << r.run.output;
    expect_a_whole_review(r);
    EXPECT_EQ(e2e::occurrences(r.dom, "<tr class=\"PASS\" data-criterion="), 5u);  // the help desk's 2 measures, the chair's 3
    EXPECT_EQ(e2e::occurrences(r.dom, "<tr class=\"FAIL"), 0u);
    const auto rows = timeline(r.dom);
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const TimelineRow& t) { return t.kind == "refused"; }), 0);
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const TimelineRow& t) { return t.kind == "action" && t.who == "bakyt"; }), 2);
}

}  // namespace
}  // namespace review_test
