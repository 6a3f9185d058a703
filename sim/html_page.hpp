#pragma once
/// What the HTML reports share: the run report (`shailoo run --report`, sim/html_report.hpp) and the
/// load report (`shailoo load --report`, sim/load_report.hpp) are one self-contained page each, built
/// by `page()` - the style, Chart.js (and its matrix plugin for a page with a heat map), the figures
/// the charts draw as one JSON object and the chart script, all inlined: a report needs no network.
/// Both pages show their verdicts in the same table, their headline figures in the same grid and each
/// chart in the same figure, which the shared script (sim/html_page.js) marks once drawn. docs/report.md.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/criteria.hpp"

namespace sim::html {

/// A number of a document, 0 when it is absent or no number: a report shows any document it is given.
double number(const nlohmann::ordered_json& j, std::string_view key);
/// The same number as a whole one.
std::int64_t count(const nlohmann::ordered_json& j, std::string_view key);
/// A string of a document, empty when it is absent or no string.
std::string text(const nlohmann::ordered_json& j, std::string_view key);
/// A list or object of a document, or an empty list.
const nlohmann::ordered_json& part(const nlohmann::ordered_json& j, std::string_view key);

/// `s` as HTML text or attribute value (& < > " ' escaped).
std::string escape(std::string_view s);

/// A JSON value as the text of a <script> element: "</" is written "<\/" so no text can end it early.
std::string script_json(const nlohmann::ordered_json& j);

/// What a page calls its verdicts: the run report shows criteria, the load report thresholds.
struct VerdictWords {
    std::string_view title = "Criteria";                       ///< the section's heading
    std::string_view column = "criterion";                     ///< the first column's heading
    std::string_view figure = "figure";                        ///< the column of what is compared (a results.json path, a metric)
    std::string_view none = "The scenario states no criteria.";  ///< the section's text when there are none
};

/// The verdict section (`<section id="verdicts">`): how many hold, then one row per verdict with its
/// name, figure, expected and actual value and PASS / FAIL / FAIL (optional).
std::string verdicts_section(const std::vector<Verdict>& verdicts, const VerdictWords& words = {});

/// The headline section (`<section id="headline">`): one tile per (label, value), both plain text.
std::string headline_section(const std::vector<std::pair<std::string, std::string>>& figures);

/// One chart: a heading and a `<figure data-chart="NAME">` the page's script draws into, with its
/// caption (HTML, written as given: the caller escapes what comes from a document).
std::string chart_figure(std::string_view name, std::string_view title, int height, std::string_view caption_html);

/// A whole page.
struct Page {
    std::string title;                ///< the <title>, plain text
    std::string heading;              ///< the <h1>, plain text
    std::string subtitle;             ///< the line under it, plain text
    std::string body;                 ///< the sections, HTML
    int charts = 0;                   ///< chart figures the body declares (<body data-charts>; the e2e tests count them)
    nlohmann::ordered_json data;      ///< what the charts draw (<script id="report-data">)
    std::string_view script;          ///< the page's chart script: it hands its charts to the shared script's draw()
    std::string footer;               ///< HTML, before the chart libraries' credit
    bool matrix = false;              ///< inline chartjs-chart-matrix too (the run report's heat map)
};

/// The page: head with the style, heading, subtitle, body, footer, then the chart libraries, the
/// data, the shared chart script and the page's.
std::string page(const Page& p);

}  // namespace sim::html
