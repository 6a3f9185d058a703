#pragma once
/// One automatic reading ballot box (ARBB): the station software that reads each ballot through
/// the scanner, classifies and counts it, and makes the zero, initial and final reports.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/ballot.hpp"
#include "core/clock.hpp"
#include "core/reports.hpp"
#include "core/result.hpp"
#include "devices/ballot_scanner.hpp"
#include "devices/power_supply.hpp"
#include "devices/printer.hpp"

namespace station {

/// What happened to the ballot a voter fed in.
enum class BallotResult : std::uint8_t {
    counted_valid,      ///< read, valid, counted, in the main bin
    counted_invalid,    ///< read, invalid, counted, in the separate compartment
    returned_to_voter,  ///< handed back unread (misfeed, wrong ballot form): the voter may insert it again
    refused,            ///< not taken: the sheet stays with the voter (see Refusal)
};

/// Why a ballot was not taken or was handed back.
enum class Refusal : std::uint8_t {
    none,                        ///< it was taken
    not_open,                    ///< the box has not been opened (no zero report yet)
    closed,                      ///< voting is over
    replaced_by_stationary_box,  ///< the ARBB is out of use: deposit_in_stationary_box()
    no_power,                    ///< mains lost and the UPS is empty
    no_sheet,                    ///< no sheet in the feed
    dead,                        ///< scanner does not respond
    cover_open,                  ///< scanner cover open
    jam,                         ///< paper jam
    box_full,                    ///< the bin is full
    misfeed,                     ///< sheet not fed; voter re-inserts (result returned_to_voter)
    wrong_form,                  ///< a ballot of the other box (result returned_to_voter)
};

/// Human name of a refusal ("jam", "no_power", ...).
std::string_view to_string(Refusal refusal);

/// The outcome of one accept(). Small and allocation-free.
struct BallotOutcome {
    BallotResult result = BallotResult::refused;  ///< what happened
    Refusal refusal = Refusal::none;              ///< why, when returned or refused
    core::Choice choice;                          ///< the vote counted, when counted_valid
    core::InvalidReason invalid_reason = core::InvalidReason::blank;  ///< when counted_invalid
};

/// Both closing reports.
struct ClosingReports {
    core::ArbbReport initial;       ///< from the ARBB's counters alone
    core::ArbbReport final_report;  ///< with the commission's figures and every control ratio
};

/// One ARBB at a PEC. Thread-compatible: a PEC's boxes belong to one thread.
class BallotBox {
public:
    /// An ARBB for `pec`'s `kind` box with options 1..`options` (plus 0 = against all);
    /// `list_sizes[p - 1]` is party p's list length (party list box; empty for district).
    BallotBox(int pec, core::BoxKind kind, int options, std::vector<int> list_sizes,
              devices::BallotScanner& scanner, devices::Printer& printer, devices::PowerSupply& power,
              const core::Clock& clock);

    /// Opens the box: makes and prints the zero report. Voting can start only if it is consistent
    /// (the box is empty); otherwise the error lists why. Calling it twice is an error.
    core::Result<core::ArbbReport> open();
    /// Reads the sheet waiting in the scanner and counts it. Never allocates.
    BallotOutcome accept();
    /// The commission replaces the ARBB by a stationary box at `now` (ARBB broken beyond repair);
    /// from then on ballots go to deposit_in_stationary_box() and wait for the manual count.
    void replace_by_stationary_box(core::Micros now);
    /// A ballot goes into the stationary box (only after replace_by_stationary_box()).
    core::Result<void> deposit_in_stationary_box();
    /// Closes voting: makes and prints the initial and final reports with the commission's figures.
    /// An error if the box was never opened or is already closed.
    core::Result<ClosingReports> close(const core::ClosingFigures& figures);
    /// Prints a report again (e.g. after loading paper); updates its printed flag.
    void reprint(core::ArbbReport& report);

    /// The PEC number.
    int pec() const { return pec_; }
    /// Which box this is.
    core::BoxKind kind() const { return layout_.kind; }
    /// Whether open() succeeded and close() has not been called.
    bool voting() const { return open_ && !closed_; }
    /// Whether the ARBB was replaced by a stationary box.
    bool replaced() const { return replaced_; }
    /// The counts so far, as a report of `kind` made now (ratios checked, not printed).
    core::ArbbReport snapshot(core::ReportKind kind) const;

private:
    int pec_;
    core::BallotLayout layout_;
    devices::BallotScanner& scanner_;
    devices::Printer& printer_;
    devices::PowerSupply& power_;
    const core::Clock& clock_;
    bool open_ = false;
    bool closed_ = false;
    bool replaced_ = false;
    core::Micros replaced_at_ = 0;
    std::vector<std::int64_t> option_counts_;
    std::vector<std::vector<std::int64_t>> preference_counts_;
    std::int64_t valid_ = 0;
    std::int64_t invalid_ = 0;
    std::array<std::int64_t, core::kInvalidReasonCount> invalid_by_reason_{};
    std::int64_t returned_ = 0;
    std::int64_t manual_ = 0;
};

}  // namespace station
