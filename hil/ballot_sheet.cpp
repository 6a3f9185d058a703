// Index of this file:
//   [SECTION] The ballot-kind code
//   [SECTION] Layout of the two forms
//   [SECTION] Rendering with Cairo
#include "hil/ballot_sheet.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <opencv2/imgcodecs.hpp>

namespace hil {

// [SECTION] The ballot-kind code

namespace {

/// CRC-4 (x^4 + x + 1) of the seven data bits, most significant first, xored with 0b1010 so that
/// an all-empty code row (nothing printed, or the row whited out) fails its check.
std::uint16_t code_check(std::uint16_t data) {
    unsigned crc = 0;
    for (int i = 6; i >= 0; --i) {
        const unsigned in = ((data >> i) & 1u) ^ ((crc >> 3) & 1u);
        crc = (crc << 1) & 0xFu;
        if (in) crc ^= 0x3u;
    }
    return static_cast<std::uint16_t>(crc ^ 0xAu);
}

}  // namespace

std::uint16_t encode_ballot_code(core::BoxKind kind, int district) {
    const auto data = static_cast<std::uint16_t>((kind == core::BoxKind::district ? 1 : 0) | ((district & 0x3F) << 1));
    return static_cast<std::uint16_t>(data | (code_check(data) << 7));
}

std::optional<BallotCode> decode_ballot_code(std::uint16_t bits) {
    if (bits >> kCodeBits) return std::nullopt;
    const auto data = static_cast<std::uint16_t>(bits & 0x7F);
    if (code_check(data) != (bits >> 7)) return std::nullopt;
    const auto kind = (data & 1) ? core::BoxKind::district : core::BoxKind::party_list;
    const int district = data >> 1;
    if (kind == core::BoxKind::party_list && district != 0) return std::nullopt;
    return BallotCode{kind, district};
}

// [SECTION] Layout of the two forms

namespace {

constexpr double kFiducialMm = 6.0;
constexpr double kFiducialInsetMm = 8.0;
constexpr double kCodeCellMm = 4.0;
constexpr double kCodePitchMm = 6.0;
constexpr int kPrefColumns = 27;       // preference boxes per line on the party list ballot
constexpr int kMaxPartyRows = 21;
constexpr int kMaxDistrictRows = 14;

/// A sheet of this size with its fiducials, title lines and code row at `code_y`.
BallotSheet sheet_frame(core::BoxKind kind, int district, double width, double height, double code_y) {
    BallotSheet s;
    s.kind = kind;
    s.district = district;
    s.width_mm = width;
    s.height_mm = height;
    const double far_x = width - kFiducialInsetMm - kFiducialMm, far_y = height - kFiducialInsetMm - kFiducialMm;
    s.fiducials = {SheetSquare{kFiducialInsetMm, kFiducialInsetMm, kFiducialMm}, SheetSquare{far_x, kFiducialInsetMm, kFiducialMm},
                   SheetSquare{kFiducialInsetMm, far_y, kFiducialMm}, SheetSquare{far_x, far_y, kFiducialMm}};
    s.code = encode_ballot_code(kind, district);
    for (int i = 0; i < kCodeBits; ++i) s.code_cells[i] = SheetSquare{22.0 + i * kCodePitchMm, code_y, kCodeCellMm};
    s.texts.push_back({22.0, 20.0, 5.0, "ДОБУШ БЕРҮҮ ҮЧҮН БЮЛЛЕТЕНЬ · BALLOT PAPER", true, width - 44.0});
    s.layout.kind = kind;
    return s;
}

}  // namespace

core::Result<BallotSheet> party_list_sheet(const core::ElectionPackage& package) {
    const auto& parties = package.parties;
    if (parties.empty() || static_cast<int>(parties.size()) > kMaxPartyRows)
        return core::fail(fmt::format("party list ballot: {} parties, the sheet has rows for 1 to {}", parties.size(), kMaxPartyRows));
    BallotSheet s = sheet_frame(core::BoxKind::party_list, 0, 297.0, 420.0, 33.0);
    s.texts.push_back({22.0, 28.0, 3.5, fmt::format("Single nationwide constituency (party lists) · {} · {}", package.name, package.date),
                       false, 250.0});
    s.texts.push_back({22.0, 45.0, 3.0, "Mark the box of ONE party or \"against all\". You may also mark ONE number in that party's row:", false, 260.0});
    s.texts.push_back({22.0, 50.0, 3.0, "the place on its list of the candidate you prefer. More than one party, or a number in another row, spoils the ballot.", false, 260.0});
    s.layout.options = static_cast<int>(parties.size());
    std::vector<SheetBox> preferences;
    for (std::size_t i = 0; i < parties.size(); ++i) {
        const core::Party& p = parties[i];
        if (p.id != static_cast<int>(i) + 1)
            return core::fail(fmt::format("party list ballot: party '{}' has id {}, expected {} (ids follow ballot order)", p.name, p.id, i + 1));
        if (static_cast<int>(p.list.size()) > 2 * kPrefColumns)
            return core::fail(fmt::format("party list ballot: party {} ('{}') has {} places, the sheet has boxes for {}", p.id, p.name,
                                          p.list.size(), 2 * kPrefColumns));
        const double y = 56.0 + static_cast<double>(i) * 16.0;
        s.boxes.push_back({SheetSquare{18.0, y, 7.0}, p.id, 0});
        s.texts.push_back({28.0, y + 5.0, 3.5, fmt::format("{}. {}", p.id, p.name), true, 68.0});
        s.texts.push_back({28.0, y + 10.0, 2.5, fmt::format("list of {} candidates", p.list.size()), false, 68.0});
        s.layout.list_sizes.push_back(static_cast<int>(p.list.size()));
        for (int k = 0; k < static_cast<int>(p.list.size()); ++k) {
            // The place's number centred above its box (a DejaVu Sans digit is 0.636 em wide).
            const double box_x = 100.0 + (k % kPrefColumns) * 6.9, cell_y = y + (k / kPrefColumns) * 7.5;
            preferences.push_back({SheetSquare{box_x, cell_y + 2.6, 4.0}, p.id, k + 1});
            const double label_w = (k + 1 < 10 ? 1 : 2) * 0.636 * 2.0;
            s.texts.push_back({box_x + 2.0 - label_w / 2.0, cell_y + 2.0, 2.0, fmt::format("{}", k + 1), false, 0.0});
        }
    }
    const double against_y = 56.0 + static_cast<double>(parties.size()) * 16.0;
    s.boxes.push_back({SheetSquare{18.0, against_y, 7.0}, core::kAgainstAll, 0});
    s.texts.push_back({28.0, against_y + 5.0, 3.5, "Баарына каршы · Against all", true, 68.0});
    s.boxes.insert(s.boxes.end(), preferences.begin(), preferences.end());
    return s;
}

core::Result<BallotSheet> district_sheet(const core::ElectionPackage& package, int district) {
    const core::District* d = package.find_district(district);
    if (d == nullptr) return core::fail(fmt::format("district ballot: the package has no district {}", district));
    if (district < 1 || district > 63) return core::fail(fmt::format("district ballot: district number {} is outside 1..63", district));
    if (static_cast<int>(d->candidates.size()) > kMaxDistrictRows)
        return core::fail(fmt::format("district ballot: district {} has {} candidates, the sheet has rows for {}", district,
                                      d->candidates.size(), kMaxDistrictRows));
    BallotSheet s = sheet_frame(core::BoxKind::district, district, 210.0, 297.0, 34.0);
    s.texts.push_back({22.0, 28.0, 3.5, fmt::format("Single-mandate district No. {}: {} · {}", district, d->name, package.date), false, 166.0});
    s.texts.push_back({22.0, 47.0, 3.0, "Mark ONE box only. A ballot with no mark or more than one is invalid.", false, 166.0});
    s.layout.options = static_cast<int>(d->candidates.size());
    double y = 55.0;
    for (std::size_t i = 0; i < d->candidates.size(); ++i, y += 15.0) {
        const core::DistrictCandidate& c = d->candidates[i];
        if (c.id != static_cast<int>(i) + 1)
            return core::fail(fmt::format("district ballot: candidate '{}' has id {}, expected {} (ids follow ballot order)", c.name, c.id, i + 1));
        s.boxes.push_back({SheetSquare{22.0, y, 8.0}, c.id, 0});
        s.texts.push_back({36.0, y + 4.5, 4.5, fmt::format("{}. {}", c.id, c.name), true, 150.0});
        s.texts.push_back({36.0, y + 9.0, 3.0, fmt::format("nominated by: {}", c.nominated_by), false, 150.0});
    }
    s.boxes.push_back({SheetSquare{22.0, y, 8.0}, core::kAgainstAll, 0});
    s.texts.push_back({36.0, y + 5.5, 4.5, "Баарына каршы · Against all", true, 150.0});
    return s;
}

// [SECTION] Rendering with Cairo

namespace {

struct CairoDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoDeleter>;

void draw_text(cairo_t* cr, const SheetText& t) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, t.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, t.size);
    if (t.max_width > 0.0) {
        cairo_text_extents_t ext;
        cairo_text_extents(cr, t.text.c_str(), &ext);
        if (ext.x_advance > t.max_width) cairo_set_font_size(cr, t.size * t.max_width / ext.x_advance);
    }
    cairo_move_to(cr, t.x, t.y);
    cairo_show_text(cr, t.text.c_str());
}

/// Draws the sheet in black on `cr`, whose user units are millimetres.
void draw_sheet(cairo_t* cr, const BallotSheet& s) {
    cairo_set_source_rgba(cr, 0, 0, 0, 1);
    for (const SheetSquare& f : s.fiducials) cairo_rectangle(cr, f.x, f.y, f.size, f.size);
    cairo_fill(cr);
    cairo_set_line_width(cr, kBoxLineMm);
    for (int i = 0; i < kCodeBits; ++i) {
        const SheetSquare& c = s.code_cells[i];
        cairo_rectangle(cr, c.x, c.y, c.size, c.size);
        if ((s.code >> i) & 1u) cairo_fill(cr); else cairo_stroke(cr);
    }
    for (const SheetBox& b : s.boxes) {
        const double h = kBoxLineMm / 2.0;  // the border lies inside the box's square
        cairo_rectangle(cr, b.square.x + h, b.square.y + h, b.square.size - kBoxLineMm, b.square.size - kBoxLineMm);
    }
    cairo_stroke(cr);
    for (const SheetText& t : s.texts) draw_text(cr, t);
}

core::Result<void> cairo_ok(cairo_status_t status, const std::filesystem::path& path) {
    if (status == CAIRO_STATUS_SUCCESS) return {};
    return core::fail(fmt::format("{}: Cairo: {}", path.string(), cairo_status_to_string(status)));
}

}  // namespace

SheetImage render_sheet(const BallotSheet& sheet, double dpi) {
    dpi = std::clamp(dpi, 50.0, 600.0);
    SheetImage img;
    img.dpi = dpi;
    img.width = static_cast<int>(std::lround(sheet.width_mm * dpi / 25.4));
    img.height = static_cast<int>(std::lround(sheet.height_mm * dpi / 25.4));
    // Alpha-only surface: ink is coverage (alpha), paper is none; grey = 255 - alpha.
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_A8, img.width, img.height));
    CairoPtr cr(cairo_create(surface.get()));
    cairo_scale(cr.get(), dpi / 25.4, dpi / 25.4);
    draw_sheet(cr.get(), sheet);
    cairo_surface_flush(surface.get());
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) img.pixels[static_cast<std::size_t>(y) * img.width + x] = static_cast<std::uint8_t>(255 - data[y * stride + x]);
    return img;
}

core::Result<void> write_sheet_pdf(const BallotSheet& sheet, const std::filesystem::path& path) {
    const double pt = 72.0 / 25.4;
    SurfacePtr surface(cairo_pdf_surface_create(path.c_str(), sheet.width_mm * pt, sheet.height_mm * pt));
    if (auto ok = cairo_ok(cairo_surface_status(surface.get()), path); !ok) return ok;
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   sheet.kind == core::BoxKind::district ? fmt::format("District {} ballot", sheet.district).c_str()
                                                                         : "Party list ballot");
    CairoPtr cr(cairo_create(surface.get()));
    cairo_scale(cr.get(), pt, pt);
    draw_sheet(cr.get(), sheet);
    cairo_show_page(cr.get());
    if (auto ok = cairo_ok(cairo_status(cr.get()), path); !ok) return ok;
    cr.reset();
    cairo_surface_finish(surface.get());
    return cairo_ok(cairo_surface_status(surface.get()), path);
}

core::Result<void> write_sheet_png(const BallotSheet& sheet, double dpi, const std::filesystem::path& path) {
    SheetImage img = render_sheet(sheet, dpi);
    const cv::Mat mat(img.height, img.width, CV_8UC1, img.pixels.data());
    try {
        if (cv::imwrite(path.string(), mat)) return {};
    } catch (const cv::Exception& e) {
        return core::fail(fmt::format("{}: cannot write the PNG: {}", path.string(), e.what()));
    }
    return core::fail(fmt::format("{}: cannot write the PNG (folder missing or not writable?)", path.string()));
}

}  // namespace hil
