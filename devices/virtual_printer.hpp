#pragma once
/// A simulated thermal printer with a finite paper roll and a log of everything it printed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "devices/printer.hpp"

namespace devices {

/// One document that came out of a printer.
struct PrintedDocument {
    std::string text;       ///< the document as printed
    core::Micros at = 0;    ///< when it was printed
};

/// A virtual thermal printer.
///
/// Paper is counted in printed lines. A standard 80 mm x 80 m thermal roll at the common
/// 4 mm line pitch (24-dot font at 203 dpi plus spacing) holds about 20,000 lines, so
/// kRollLines = 20,000. A receipt is ~8 lines; an ARBB report for 21 parties with their
/// preference annexes is a few hundred lines. A document that does not fit on what is left
/// is not printed (a thermal printer cuts nothing useful from half a report): the roll
/// is used up and the printer enters out_of_paper by itself.
class VirtualPrinter final : public Printer {
public:
    /// Lines on a fresh roll (see class comment for the reasoning).
    static constexpr std::size_t kRollLines = 20'000;

    /// A printer with a fresh roll of `roll_lines` lines.
    explicit VirtualPrinter(std::string id, std::size_t roll_lines = kRollLines);

    /// Prints `text` (its line count is taken from the paper); see class comment for a short roll.
    DeviceResult<void> print(std::string_view text, core::Micros now) override;

    /// World side: an operator loads a fresh roll of `roll_lines`; clears out_of_paper.
    void load_paper(core::Micros now, std::size_t roll_lines = kRollLines);
    /// Lines of paper left on the roll.
    std::size_t paper_left() const { return paper_left_; }
    /// Every document printed so far, oldest first.
    const std::vector<PrintedDocument>& printed() const { return printed_; }
    /// Keep the text of printed documents (default) or only count them: a whole-country run prints
    /// over a million receipts, whose text nobody reads.
    void keep_log(bool keep) { keep_log_ = keep; }
    /// Documents printed so far (logged or not).
    std::int64_t documents_printed() const { return documents_printed_; }

private:
    std::size_t paper_left_;
    std::vector<PrintedDocument> printed_;
    bool keep_log_ = true;
    std::int64_t documents_printed_ = 0;
};

/// Lines a text takes on paper: its newline count, plus one for a last line without a newline.
std::size_t printed_lines(std::string_view text);

}  // namespace devices
