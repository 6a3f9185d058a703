#pragma once
/// The printed ballots of the two ARBB boxes: where every box, name, corner mark and the
/// machine-readable ballot-kind code sit on the paper (millimetres, origin at the sheet's top-left
/// corner, y downwards), and their rendering with Cairo as a print-ready PDF or a grey image.
///
/// Page sizes (ours; the real 2021 sheets were printed locally in several sizes):
/// - district ballot: A4 portrait (210 x 297 mm), one 8 mm box per candidate and "against all";
/// - party list ballot: A3 portrait (297 x 420 mm): per party its 7 mm box, its name, and a row of
///   numbered 4 mm boxes, one per place on its list (two lines of 27: the 54 places the rules
///   allow), in which the voter marks the place of a preferred candidate; then "against all".
/// Four solid 6 mm squares near the corners (the fiducials) let a reader find and straighten the
/// page. The ballot-kind code is a row of 11 squares under the title: filled = 1, outlined = 0;
/// bit 0 the form (1 = district), bits 1-6 the district number (0 on the party list ballot),
/// bits 7-10 a CRC-4 (polynomial x^4 + x + 1) of the first seven, so a misread or scribbled code
/// fails its check instead of naming another ballot.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/ballot.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"

namespace hil {

/// A square on the sheet, in mm: top-left corner and side.
struct SheetSquare {
    double x = 0.0, y = 0.0, size = 0.0;
};

/// A marking box: where it is, and what a mark in it means.
struct SheetBox {
    SheetSquare square;
    int option = 0;    ///< Party.id or DistrictCandidate.id; 0 = against all
    int position = 0;  ///< party list preference boxes: the 1-based list place; 0 on an option box
};

/// A line of text: left end of its baseline (mm), font size (mm, the em height) and words (UTF-8).
struct SheetText {
    double x = 0.0, y = 0.0, size = 0.0;
    std::string text;
    bool bold = false;
    double max_width = 0.0;  ///< when > 0, the font shrinks so the line fits this width (mm)
};

/// Bits in the ballot-kind code.
inline constexpr int kCodeBits = 11;

/// One printed ballot form.
struct BallotSheet {
    core::BoxKind kind = core::BoxKind::party_list;
    int district = 0;                       ///< district number; 0 on the party list ballot
    double width_mm = 0.0, height_mm = 0.0;
    std::array<SheetSquare, 4> fiducials;   ///< top-left, top-right, bottom-left, bottom-right
    std::array<SheetSquare, kCodeBits> code_cells;  ///< bit i of the code in code_cells[i]
    std::uint16_t code = 0;                 ///< encode_ballot_code(kind, district)
    std::vector<SheetBox> boxes;            ///< option boxes, then (party list) preference boxes
    std::vector<SheetText> texts;
    core::BallotLayout layout;              ///< the ARBB's layout for this form (core::classify)
};

/// Width of a box's printed border, mm.
inline constexpr double kBoxLineMm = 0.3;

/// The party list ballot of `package`. Fails when a party has more places than the sheet has
/// boxes for (54) or there are more parties than rows (21).
core::Result<BallotSheet> party_list_sheet(const core::ElectionPackage& package);
/// The ballot of district `district` of `package`. Fails on an unknown district or more than 14 candidates.
core::Result<BallotSheet> district_sheet(const core::ElectionPackage& package, int district);

/// The 11-bit code of a form and district (district 0..63).
std::uint16_t encode_ballot_code(core::BoxKind kind, int district);
/// What a code read from a sheet says, or nothing when its check fails.
struct BallotCode {
    core::BoxKind kind = core::BoxKind::party_list;
    int district = 0;
};
std::optional<BallotCode> decode_ballot_code(std::uint16_t bits);

/// An 8-bit grey image, rows top to bottom, `width` bytes a row; 255 = white paper.
struct SheetImage {
    int width = 0, height = 0;
    double dpi = 0.0;
    std::vector<std::uint8_t> pixels;
};

/// The sheet rendered at `dpi` (50..600) as grey (Cairo image surface, antialiased).
SheetImage render_sheet(const BallotSheet& sheet, double dpi);
/// Writes the sheet as a one-page PDF of its paper size (Cairo's PDF surface; text as text).
core::Result<void> write_sheet_pdf(const BallotSheet& sheet, const std::filesystem::path& path);
/// Writes the sheet as an 8-bit grey PNG at `dpi` (Cairo).
core::Result<void> write_sheet_png(const BallotSheet& sheet, double dpi, const std::filesystem::path& path);

}  // namespace hil
