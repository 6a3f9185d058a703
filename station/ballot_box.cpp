#include "station/ballot_box.hpp"

#include <fmt/format.h>

#include "station/report_printing.hpp"

namespace station {

std::string_view to_string(Refusal refusal) {
    switch (refusal) {
        case Refusal::none: return "none";
        case Refusal::not_open: return "not_open";
        case Refusal::closed: return "closed";
        case Refusal::replaced_by_stationary_box: return "replaced_by_stationary_box";
        case Refusal::no_power: return "no_power";
        case Refusal::no_sheet: return "no_sheet";
        case Refusal::dead: return "dead";
        case Refusal::cover_open: return "cover_open";
        case Refusal::jam: return "jam";
        case Refusal::box_full: return "box_full";
        case Refusal::misfeed: return "misfeed";
        case Refusal::wrong_form: return "wrong_form";
    }
    return "unknown";
}

BallotBox::BallotBox(int pec, core::BoxKind kind, int options, std::vector<int> list_sizes,
                     devices::BallotScanner& scanner, devices::Printer& printer, devices::PowerSupply& power,
                     const core::Clock& clock)
    : pec_(pec),
      layout_{kind, options, std::move(list_sizes)},
      scanner_(scanner),
      printer_(printer),
      power_(power),
      clock_(clock),
      option_counts_(static_cast<std::size_t>(options) + 1, 0) {
    if (kind == core::BoxKind::party_list) {
        layout_.list_sizes.resize(static_cast<std::size_t>(options), 0);
        for (int size : layout_.list_sizes) preference_counts_.emplace_back(static_cast<std::size_t>(size), 0);
    } else {
        layout_.list_sizes.clear();
    }
}

core::ArbbReport BallotBox::snapshot(core::ReportKind kind) const {
    core::ArbbReport r;
    r.kind = kind;
    r.pec = pec_;
    r.box = layout_.kind;
    r.device_id = scanner_.id();
    r.at = clock_.now();
    r.option_counts = option_counts_;
    r.preference_counts = preference_counts_;
    r.ballots_in_box = scanner_.sheets_dropped() + manual_;
    r.ballots_scanned = valid_ + invalid_;
    r.valid = valid_;
    r.invalid = invalid_;
    r.invalid_by_reason = invalid_by_reason_;
    r.returned_to_voters = returned_;
    r.replaced_by_stationary_box = replaced_;
    r.replaced_at = replaced_at_;
    r.ballots_awaiting_manual_count = manual_;
    core::check_control_ratios(r);
    return r;
}

core::Result<core::ArbbReport> BallotBox::open() {
    if (open_)
        return core::fail(fmt::format("PEC {} {} box is already open: the zero report is printed only once", pec_,
                                      core::to_string(layout_.kind)));
    core::ArbbReport zero = snapshot(core::ReportKind::zero);
    print_report(zero, printer_, zero.at);
    if (!zero.consistent())
        return core::fail(fmt::format("PEC {} {} box cannot open: {}", pec_, core::to_string(layout_.kind),
                                      zero.violations.front()));
    open_ = true;
    return zero;
}

namespace {

BallotOutcome refused(Refusal why) { return BallotOutcome{BallotResult::refused, why, {}, core::InvalidReason::blank}; }

Refusal refusal_of(devices::Fault fault) {
    switch (fault) {
        case devices::Fault::cover_open: return Refusal::cover_open;
        case devices::Fault::jam: return Refusal::jam;
        case devices::Fault::box_full: return Refusal::box_full;
        case devices::Fault::misfeed: return Refusal::misfeed;
        default: return Refusal::dead;
    }
}

}  // namespace

BallotOutcome BallotBox::accept() {
    if (!open_) return refused(Refusal::not_open);
    if (closed_) return refused(Refusal::closed);
    if (replaced_) return refused(Refusal::replaced_by_stationary_box);
    const core::Micros now = clock_.now();
    if (!power_.powered(now)) return refused(Refusal::no_power);
    if (!scanner_.sheet_waiting()) return refused(Refusal::no_sheet);
    auto marks = scanner_.read(now);
    if (!marks) {
        const Refusal why = refusal_of(marks.error().cause);
        if (why == Refusal::misfeed) {
            ++returned_;
            return BallotOutcome{BallotResult::returned_to_voter, why, {}, core::InvalidReason::blank};
        }
        return refused(why);
    }
    if (marks->readable && marks->sheet.form != layout_.kind) {
        // The scanner knows the form from the sheet's printed timing marks: hand it back.
        (void)scanner_.route(devices::Compartment::return_to_voter, now);
        ++returned_;
        return BallotOutcome{BallotResult::returned_to_voter, Refusal::wrong_form, {}, core::InvalidReason::blank};
    }
    const core::Classification c = core::classify(*marks, layout_);
    if (c) {
        // route() cannot fail right after a successful read(); if it did, the scanner's sheet
        // counter and our tallies would disagree and scanned_plus_manual_eq_in_box reports it.
        (void)scanner_.route(devices::Compartment::main_bin, now);
        ++valid_;
        ++option_counts_[static_cast<std::size_t>(c->option)];
        if (c->preferred_position > 0)
            ++preference_counts_[static_cast<std::size_t>(c->option - 1)][static_cast<std::size_t>(c->preferred_position - 1)];
        return BallotOutcome{BallotResult::counted_valid, Refusal::none, *c, core::InvalidReason::blank};
    }
    (void)scanner_.route(devices::Compartment::invalid, now);
    ++invalid_;
    ++invalid_by_reason_[static_cast<std::size_t>(c.error())];
    return BallotOutcome{BallotResult::counted_invalid, Refusal::none, {}, c.error()};
}

void BallotBox::replace_by_stationary_box(core::Micros now) {
    if (replaced_) return;
    replaced_ = true;
    replaced_at_ = now;
}

core::Result<void> BallotBox::deposit_in_stationary_box() {
    if (!replaced_)
        return core::fail(fmt::format(
            "PEC {} {} box: the ARBB is still in use; replace it by a stationary box first (replace_by_stationary_box)",
            pec_, core::to_string(layout_.kind)));
    if (closed_) return core::fail(fmt::format("PEC {} {} box: voting is closed", pec_, core::to_string(layout_.kind)));
    ++manual_;
    return {};
}

core::Result<ClosingReports> BallotBox::close(const core::ClosingFigures& figures) {
    if (!open_)
        return core::fail(fmt::format("PEC {} {} box was never opened: no zero report, nothing to close", pec_,
                                      core::to_string(layout_.kind)));
    if (closed_) return core::fail(fmt::format("PEC {} {} box is already closed", pec_, core::to_string(layout_.kind)));
    closed_ = true;
    ClosingReports reports{snapshot(core::ReportKind::initial), snapshot(core::ReportKind::final)};
    reports.final_report.figures = figures;
    core::check_control_ratios(reports.final_report);
    print_report(reports.initial, printer_, reports.initial.at);
    print_report(reports.final_report, printer_, reports.final_report.at);
    return reports;
}

void BallotBox::reprint(core::ArbbReport& report) { print_report(report, printer_, clock_.now()); }

}  // namespace station
