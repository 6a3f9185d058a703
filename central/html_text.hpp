#pragma once
/// Text put into an HTML page: the operator page (central/metrics.cpp) and the run and load reports
/// (sim/html_page.hpp) escape what they did not write themselves (log lines from the network, names
/// from results.json) with this one function.
#include <string>
#include <string_view>

namespace central {

/// `text` with &, <, >, " and ' as character references: safe between tags and in quoted attributes.
std::string html_text(std::string_view text);

}  // namespace central
