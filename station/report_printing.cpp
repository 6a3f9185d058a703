#include "station/report_printing.hpp"

#include <string_view>

#include <fmt/format.h>

#include "core/clock.hpp"

namespace station {

namespace {

std::string_view title(core::ReportKind kind) {
    switch (kind) {
        case core::ReportKind::zero: return "ZERO REPORT";
        case core::ReportKind::initial: return "INITIAL REPORT";
        case core::ReportKind::final: return "FINAL REPORT";
    }
    return "REPORT";
}

// Writes the report into a fmt buffer: appending through fmt::appender goes straight into the
// buffer, where a back_inserter on a std::string resizes the string on every line.
void write_report(const core::ArbbReport& r, fmt::memory_buffer& out) {
    const fmt::appender line(out);
    fmt::format_to(line, "ARBB {}\n", title(r.kind));
    fmt::format_to(line, "PEC {}  box {}\n", r.pec,
                   r.box == core::BoxKind::party_list ? "single constituency" : "single-mandate district");
    fmt::format_to(line, "scanner {}  time {}\n", r.device_id, core::clock_time(r.at));
    fmt::format_to(line, "ballots in the box: {}\n", r.ballots_in_box);
    fmt::format_to(line, "ballots scanned: {}\n", r.ballots_scanned);
    fmt::format_to(line, "valid ballots: {}\n", r.valid);
    fmt::format_to(line, "invalid ballots: {}\n", r.invalid);
    for (int i = 0; i < core::kInvalidReasonCount; ++i)
        fmt::format_to(line, "  {}: {}\n", core::to_string(static_cast<core::InvalidReason>(i)), r.invalid_by_reason[i]);
    fmt::format_to(line, "returned to voters unread: {}\n", r.returned_to_voters);
    fmt::format_to(line, "votes:\n");
    const char* noun = r.box == core::BoxKind::party_list ? "party" : "candidate";
    for (std::size_t i = 1; i < r.option_counts.size(); ++i) fmt::format_to(line, "  {} {}: {}\n", noun, i, r.option_counts[i]);
    if (!r.option_counts.empty()) fmt::format_to(line, "  against all: {}\n", r.option_counts[0]);
    if (!r.preference_counts.empty()) {
        fmt::format_to(line, "preferred candidates (party: list place = votes):\n");
        for (std::size_t p = 0; p < r.preference_counts.size(); ++p) {
            fmt::format_to(line, "  party {}:", p + 1);
            for (std::size_t k = 0; k < r.preference_counts[p].size(); ++k)
                if (r.preference_counts[p][k] != 0) fmt::format_to(line, " {}={}", k + 1, r.preference_counts[p][k]);
            fmt::format_to(line, "\n");
        }
    }
    if (r.replaced_by_stationary_box)
        fmt::format_to(line, "ARBB REPLACED BY A STATIONARY BOX at {}: {} ballots await the manual count\n",
                       core::clock_time(r.replaced_at), r.ballots_awaiting_manual_count);
    else if (r.ballots_awaiting_manual_count > 0)
        fmt::format_to(line, "ballots awaiting the manual count: {}\n", r.ballots_awaiting_manual_count);
    if (r.kind == core::ReportKind::final)
        fmt::format_to(line, "commission figures: received {}  issued {}  identified voters {}\n",
                       r.figures.ballots_received, r.figures.ballots_issued, r.figures.identified_voters);
    fmt::format_to(line, "control ratios:\n");
    for (const auto& c : r.control_ratios)
        fmt::format_to(line, "  [{}] {} ({} / {})\n", c.holds ? "ok" : "BROKEN", c.rule, c.left, c.right);
    for (const auto& v : r.violations) fmt::format_to(line, "! {}\n", v);
    fmt::format_to(line, "{}\n", r.violations.empty() ? "all control ratios hold" : "CONTROL RATIOS BROKEN");
}

}  // namespace

std::string report_text(const core::ArbbReport& report) {
    fmt::memory_buffer out;
    write_report(report, out);
    return fmt::to_string(out);
}

void print_report(core::ArbbReport& report, devices::Printer& printer, core::Micros now) {
    fmt::memory_buffer text;
    write_report(report, text);
    const auto printed = printer.print(std::string_view(text.data(), text.size()), now);
    report.printed = printed.has_value();
    report.print_error = printed ? std::string() : printed.error().message;
}

}  // namespace station
