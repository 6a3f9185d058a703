#pragma once
/// The load report (`shailoo load --report FILE.html`, docs/load.md): the run report's page form
/// (sim/html_page.hpp) for a load test - the thresholds' verdicts, the headline figures, the good
/// reports acknowledged over time with the times to 50, 84 and 100 %, the ack latency (p50, p99,
/// max) and the acks of each second, the outcomes by kind of report and by reject reason, and the
/// published-tally check when there was one. It is made from load.json (docs/load.md) alone, as the
/// run report is from results.json, so sim/ needs nothing of loadgen/.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "sim/criteria.hpp"

namespace sim {

/// What load.json does not say: where the load went and what was sent (for the page's subtitle).
struct LoadReportRun {
    std::string target;  ///< HOST:PORT
    std::string plan;    ///< "36 reports (36 good) from 12 PECs"
};

/// The page for a load.json document and the verdicts of its thresholds (as `shailoo load` maps them).
std::string load_html_report(const nlohmann::json& load, const std::vector<Verdict>& verdicts, const LoadReportRun& run);

}  // namespace sim
