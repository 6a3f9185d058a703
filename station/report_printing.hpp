#pragma once
/// The text of an ARBB report as it comes out of the thermal printer, and printing it.
#include <string>

#include "core/reports.hpp"
#include "devices/printer.hpp"

namespace station {

/// The report as printed: header, counts per option, preference annex, invalid ballots by
/// reason, stationary box, commission figures, control ratios and any broken ratio.
std::string report_text(const core::ArbbReport& report);

/// Prints the report on `printer` at `now` and records the outcome in report.printed /
/// report.print_error (out of paper or dead: the report is kept, flagged not printed).
void print_report(core::ArbbReport& report, devices::Printer& printer, core::Micros now);

}  // namespace station
