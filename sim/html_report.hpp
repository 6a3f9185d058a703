#pragma once
/// The run report (`shailoo run --report FILE.html`, docs/report.md): one self-contained HTML page a
/// person reads after a run - the criteria's verdicts, the headline figures, charts of the night
/// (reporting curve, turnout by hour and region, a heat map of the busiest PECs' queues,
/// identification outcomes, devices in each fault over time), the busiest PECs and their figures.
/// It is made from a results document (results.json, docs/results.md) alone, so any such document
/// can be reported; Chart.js and its matrix plugin (third_party/chartjs/) are inlined: the page
/// needs no network.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "sim/criteria.hpp"

namespace sim {

/// How much of the PEC list the report shows.
struct ReportLimits {
    std::size_t heat_map_pecs = 60;  ///< rows of the queue heat map: the PECs with the longest mean queue
    std::size_t busiest_pecs = 20;   ///< rows of the busiest-PECs table (the first of the heat map's)
};

/// The report page for a results document and the verdicts of its scenario's criteria (sim::evaluate).
std::string html_report(const nlohmann::ordered_json& results, const std::vector<Verdict>& verdicts, const ReportLimits& limits = {});

}  // namespace sim
