#pragma once
// Checks of a self-contained HTML report (sim/html_page.hpp: the run report, the load report, the
// after-action review) opened from its file in headless Chromium (chromium.hpp) and read from the DOM
// it dumps: the page's text, the opening tags of elements with an attribute, a row of the verdict
// table, and the count of charts drawn. Used by report_test.cpp and review_test.cpp.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "chromium.hpp"

namespace e2e {

/// A file's text, empty when it cannot be read.
inline std::string file_text(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// How often `needle` occurs in `text`.
inline std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
    return n;
}

/// The opening tags of elements with attribute `name` (e.g. every <figure data-chart=...>).
inline std::vector<std::string> tags_with(const std::string& dom, const std::string& name) {
    std::vector<std::string> tags;
    for (auto at = dom.find(" " + name + "=\""); at != std::string::npos; at = dom.find(" " + name + "=\"", at + 1)) {
        const auto open = dom.rfind('<', at), close = dom.find('>', at);
        tags.push_back(dom.substr(open, close - open + 1));
    }
    return tags;
}

/// The row of the verdict table (sim::html::verdicts_section) for `criterion`: its cells' text, '|'-separated.
inline std::string verdict_row(const std::string& dom, const std::string& criterion) {
    auto at = dom.find(fmt::format("data-criterion=\"{}\"", criterion));
    if (at == std::string::npos) {  // Chromium may write < and > of an attribute value as &lt; and &gt;
        const auto escaped = std::regex_replace(std::regex_replace(criterion, std::regex("<"), "&lt;"), std::regex(">"), "&gt;");
        at = dom.find(fmt::format("data-criterion=\"{}\"", escaped));
    }
    if (at == std::string::npos) return {};
    const auto end = dom.find("</tr>", at);
    std::string row;
    const std::regex cell("<td[^>]*>(?:<code>)?([^<]*)");
    const std::string html = dom.substr(at, end - at);
    for (auto it = std::sregex_iterator(html.begin(), html.end(), cell); it != std::sregex_iterator(); ++it)
        row += fmt::format("{}{}", row.empty() ? "" : "|", unescape((*it)[1]));  // no `+`: GCC 12's -Wrestrict false positive
    return row;
}

/// The page's DOM once headless Chromium has run its scripts; empty (and a failed expectation) without
/// Chromium. With $SHAILOO_E2E_REPORT_SCREENSHOT set, also a screenshot of the page into that file.
inline std::string dump_dom(const std::filesystem::path& html) {
    const auto chromium = find_chromium();
    EXPECT_FALSE(chromium.empty()) << "headless Chromium not found: run scripts/install-deps.sh (installs the Debian "
                                      "package 'chromium') or set SHAILOO_CHROMIUM to its path";
    if (chromium.empty()) return {};
    auto run = run_chromium(chromium, "file://" + std::filesystem::absolute(html).string(), "--dump-dom");
    EXPECT_TRUE(run.ok) << run.error;
    if (const char* shot = std::getenv("SHAILOO_E2E_REPORT_SCREENSHOT"); shot && *shot)
        run_chromium(chromium, "file://" + std::filesystem::absolute(html).string(), fmt::format("--screenshot='{}'", shot));
    return run.output;
}

/// Every chart the page declares (<body data-charts>), drawn with data and without error; how many it declares.
inline int rendered_charts(const std::string& dom) {
    const auto body = tags_with(dom, "data-charts");
    EXPECT_EQ(body.size(), 1u);
    if (body.size() != 1) return -1;
    const int declared = std::stoi(attribute(body[0], "data-charts"));
    const auto figures = tags_with(dom, "data-chart");
    EXPECT_EQ(figures.size(), static_cast<std::size_t>(declared));
    for (const auto& f : figures) {
        EXPECT_EQ(attribute(f, "data-rendered"), "true") << f;
        EXPECT_EQ(attribute(f, "data-error"), "") << f;
    }
    return declared;
}

/// The page as written loads nothing from the network and links to nothing on it: every script and
/// style is inlined (the page is opened from its file, where a src or href to http(s) would be a request).
inline void expect_no_network(const std::string& page) {
    EXPECT_EQ(page.find("src=\"http"), std::string::npos) << "the page loads something from the network";
    EXPECT_EQ(page.find("href=\"http"), std::string::npos) << "the page links to the network";
}

}  // namespace e2e
