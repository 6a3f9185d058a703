// Index of this file:
//   [SECTION] Finding the fiducials
//   [SECTION] Straightening and levels
//   [SECTION] Reading the code and the boxes
#include "hil/mark_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace hil {

MarkReader::MarkReader(std::vector<BallotSheet> sheets, MarkReaderSettings settings)
    : sheets_(std::move(sheets)), settings_(settings) {
    for (std::size_t i = 0; i < sheets_.size(); ++i)
        by_code_[{static_cast<int>(sheets_[i].kind), sheets_[i].district}] = i;
}

const BallotSheet* MarkReader::sheet_of(const BallotCode& code) const {
    auto it = by_code_.find({static_cast<int>(code.kind), code.district});
    return it == by_code_.end() ? nullptr : &sheets_[it->second];
}

// [SECTION] Finding the fiducials

namespace {

/// Centre of a square, mm.
cv::Point2f centre_of(const SheetSquare& s) {
    return {static_cast<float>(s.x + s.size / 2.0), static_cast<float>(s.y + s.size / 2.0)};
}

/// Centres (px) of the solid squares of side about `side_px` in the binary image (ink = 255).
std::vector<cv::Point2f> square_blobs(const cv::Mat& ink, double side_px) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(ink, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);  // a grey scanner bed may be "ink" round the page
    std::vector<cv::Point2f> found;
    for (const auto& c : contours) {
        const cv::Rect box = cv::boundingRect(c);
        if (box.width < 0.75 * side_px || box.width > 1.45 * side_px) continue;
        if (box.height < 0.75 * side_px || box.height > 1.45 * side_px) continue;
        const cv::Moments m = cv::moments(c);
        // Solid and square: the area is near side^2, and it fills its upright bounding box (a square
        // turned by 3 degrees fills 90 % of it, by 10 degrees 74 %; the traced outline of a 14-pixel
        // square encloses a little less).
        if (m.m00 < 0.60 * side_px * side_px || m.m00 > 1.30 * side_px * side_px) continue;
        if (m.m00 < 0.62 * box.area()) continue;
        found.push_back({static_cast<float>(m.m10 / m.m00), static_cast<float>(m.m01 / m.m00)});
    }
    return found;
}

/// The blobs furthest towards the top-left, top-right, bottom-left and bottom-right corners.
std::array<cv::Point2f, 4> corner_blobs(const std::vector<cv::Point2f>& blobs) {
    std::array<cv::Point2f, 4> best{};
    std::array<float, 4> score{};
    score.fill(-1e30f);
    for (const cv::Point2f& p : blobs) {
        const std::array<float, 4> s = {-p.x - p.y, p.x - p.y, -p.x + p.y, p.x + p.y};
        for (int k = 0; k < 4; ++k)
            if (s[k] > score[k]) { score[k] = s[k]; best[k] = p; }
    }
    return best;
}

}  // namespace

// [SECTION] Straightening and levels

namespace {

/// The page's fiducials found in `scan` (px), checked against a sheet size the reader knows;
/// returns the matching sheet index's geometry (the first sheet with those fiducial distances).
struct PageFound {
    std::array<cv::Point2f, 4> corners;  // tl, tr, bl, br in the scan, px
    const BallotSheet* geometry = nullptr;
};

/// The centre of the fiducial near `rough` (px), measured at full resolution: the centroid of the
/// ink (Otsu's threshold in a window twice the fiducial's side) around it.
cv::Point2f refine_centre(const cv::Mat& scan, cv::Point2f rough, double side_px) {
    const int half = static_cast<int>(std::lround(side_px));
    const cv::Rect window = cv::Rect(static_cast<int>(rough.x) - half, static_cast<int>(rough.y) - half, 2 * half, 2 * half) &
                            cv::Rect(0, 0, scan.cols, scan.rows);
    if (window.area() <= 0) return rough;
    cv::Mat ink;
    cv::threshold(scan(window), ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    const cv::Moments m = cv::moments(ink, true);
    if (m.m00 <= 0) return rough;
    return {static_cast<float>(window.x + m.m10 / m.m00), static_cast<float>(window.y + m.m01 / m.m00)};
}

/// The grey level halfway between the darkest pixel (the fiducials' solid ink, noise averaged out)
/// and the median (paper or the scanner's backing): not Otsu's threshold, which assumes two classes
/// and may split paper from a darker or lighter backing instead of ink from paper.
double ink_cut(const cv::Mat& small) {
    std::array<int, 256> histogram{};
    for (int y = 0; y < small.rows; ++y)
        for (const std::uint8_t* p = small.ptr<std::uint8_t>(y), *end = p + small.cols; p != end; ++p) ++histogram[*p];
    int darkest = 0;
    while (darkest < 255 && histogram[darkest] == 0) ++darkest;
    int median = 0;
    for (long seen = 0; median < 255 && (seen += histogram[median]) * 2 < static_cast<long>(small.total()); ++median) {}
    return darkest + 0.5 * (median - darkest);
}

/// Search resolution for the fiducials: averaging the scan down to it takes the sensor's noise out
/// of Otsu's threshold (and the search is 10-20 times faster); centres are then refined at full resolution.
constexpr double kSearchDpi = 60.0;

core::Result<PageFound> find_page(const cv::Mat& scan, double dpi, const std::vector<BallotSheet>& sheets) {
    if (sheets.empty()) return core::fail("the mark reader knows no ballot forms");
    const double px_mm = dpi / 25.4, scale = std::min(1.0, kSearchDpi / dpi);
    const double side_px = sheets.front().fiducials[0].size * px_mm;
    cv::Mat small, ink;
    cv::resize(scan, small, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::threshold(small, ink, ink_cut(small), 255, cv::THRESH_BINARY_INV);
    const std::vector<cv::Point2f> blobs = square_blobs(ink, side_px * scale);
    if (blobs.size() < 4) return core::fail(fmt::format("corner marks not found ({} of 4 seen)", blobs.size()));
    PageFound page{corner_blobs(blobs), nullptr};
    for (cv::Point2f& c : page.corners) c = refine_centre(scan, c * static_cast<float>(1.0 / scale), side_px);
    const double top = cv::norm(page.corners[1] - page.corners[0]) / px_mm;
    const double left = cv::norm(page.corners[2] - page.corners[0]) / px_mm;
    const double bottom = cv::norm(page.corners[3] - page.corners[2]) / px_mm;
    for (const BallotSheet& s : sheets) {
        const double w = cv::norm(centre_of(s.fiducials[1]) - centre_of(s.fiducials[0]));
        const double h = cv::norm(centre_of(s.fiducials[2]) - centre_of(s.fiducials[0]));
        if (std::abs(top - w) < 0.04 * w && std::abs(bottom - w) < 0.04 * w && std::abs(left - h) < 0.04 * h) {
            page.geometry = &s;
            return page;
        }
    }
    return core::fail(fmt::format("corner marks {:.0f} x {:.0f} mm apart: no ballot form of that size (wrong resolution, or not a ballot?)",
                                  top, left));
}

/// The page resampled onto the layout's grid at `px_mm` pixels a millimetre.
cv::Mat straighten(const cv::Mat& scan, const std::array<cv::Point2f, 4>& corners, const BallotSheet& geometry, double px_mm) {
    std::array<cv::Point2f, 4> target;
    for (int k = 0; k < 4; ++k) target[k] = centre_of(geometry.fiducials[k]) * static_cast<float>(px_mm);
    const cv::Mat h = cv::getPerspectiveTransform(corners.data(), target.data());
    cv::Mat page;
    const cv::Size size(static_cast<int>(std::lround(geometry.width_mm * px_mm)), static_cast<int>(std::lround(geometry.height_mm * px_mm)));
    cv::warpPerspective(scan, page, h, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
    return page;
}

/// Pixels of a square's area `inset` mm inside its edges, clipped to the page.
cv::Rect inner_rect(const SheetSquare& s, double inset, double px_mm, const cv::Size& page) {
    const int x0 = static_cast<int>(std::lround((s.x + inset) * px_mm)), y0 = static_cast<int>(std::lround((s.y + inset) * px_mm));
    const int x1 = static_cast<int>(std::lround((s.x + s.size - inset) * px_mm)), y1 = static_cast<int>(std::lround((s.y + s.size - inset) * px_mm));
    return cv::Rect(x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0)) & cv::Rect(0, 0, page.width, page.height);
}

/// Ink level (the fiducials' insides) and paper level (the top margin between them) of a straightened page.
std::pair<double, double> levels_of(const cv::Mat& page, const BallotSheet& geometry, double px_mm) {
    double ink = 0.0;
    for (const SheetSquare& f : geometry.fiducials) ink += cv::mean(page(inner_rect(f, 1.0, px_mm, page.size())))[0];
    const SheetSquare& tl = geometry.fiducials[0];
    const cv::Rect margin = cv::Rect(static_cast<int>((tl.x + tl.size + 6.0) * px_mm), static_cast<int>(2.0 * px_mm),
                                     static_cast<int>((geometry.width_mm - 2 * (tl.x + tl.size + 6.0)) * px_mm), static_cast<int>(4.0 * px_mm)) &
                            cv::Rect(0, 0, page.cols, page.rows);
    cv::Mat strip = page(margin).clone();
    std::nth_element(strip.data, strip.data + strip.total() / 2, strip.data + strip.total());
    return {ink / 4.0, static_cast<double>(strip.data[strip.total() / 2])};
}

}  // namespace

// [SECTION] Reading the code and the boxes

namespace {

/// Share of dark pixels (255 in `dark`) inside a box, leaving out its border and a registration
/// margin, counting only blots of at least `min_blot_px` pixels (0: every dark pixel).
double fill_of(const cv::Mat& dark, const SheetSquare& s, double px_mm, double min_blot_px = 0.0) {
    const double inset = std::max(0.75, 0.12 * s.size);
    const cv::Rect r = inner_rect(s, inset, px_mm, dark.size());
    if (r.area() <= 0) return 0.0;
    const int all = cv::countNonZero(dark(r));
    if (min_blot_px <= 1.0 || all == 0) return static_cast<double>(all) / static_cast<double>(r.area());
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(dark(r), labels, stats, centroids, 8, CV_32S);
    int counted = 0;
    for (int k = 1; k < n; ++k)
        if (stats.at<int>(k, cv::CC_STAT_AREA) >= min_blot_px) counted += stats.at<int>(k, cv::CC_STAT_AREA);
    return static_cast<double>(counted) / static_cast<double>(r.area());
}

std::uint16_t code_bits(const cv::Mat& dark, const BallotSheet& geometry, double px_mm) {
    std::uint16_t bits = 0;
    for (int i = 0; i < kCodeBits; ++i)
        if (fill_of(dark, geometry.code_cells[i], px_mm) > 0.5) bits |= static_cast<std::uint16_t>(1u << i);
    return bits;
}

}  // namespace

core::Result<SheetReading> MarkReader::read(const GreyView& scan) const {
    if (scan.data == nullptr || scan.width <= 0 || scan.height <= 0 || scan.stride < static_cast<std::size_t>(scan.width))
        return core::fail("the scan is empty");
    if (!(scan.dpi >= 50.0 && scan.dpi <= 1200.0)) return core::fail(fmt::format("scan resolution {} dpi is outside 50..1200", scan.dpi));
    const cv::Mat image(scan.height, scan.width, CV_8UC1, const_cast<std::uint8_t*>(scan.data), scan.stride);
    const double px_mm = scan.dpi / 25.4;
    auto page_found = find_page(image, scan.dpi, sheets_);
    if (!page_found) return std::unexpected(page_found.error());
    std::array<cv::Point2f, 4> corners = page_found->corners;
    const BallotSheet& geometry = *page_found->geometry;
    SheetReading reading;
    cv::Mat page, dark;
    std::optional<BallotCode> code;
    for (int turn = 0; turn < 2 && !code; ++turn) {
        if (turn == 1) corners = {corners[3], corners[2], corners[1], corners[0]};  // fed upside down
        page = straighten(image, corners, geometry, px_mm);
        std::tie(reading.ink, reading.paper) = levels_of(page, geometry, px_mm);
        if (reading.paper - reading.ink < 60.0)
            return core::fail(fmt::format("no contrast between ink ({:.0f}) and paper ({:.0f})", reading.ink, reading.paper));
        const double level = reading.ink + settings_.ink_fraction * (reading.paper - reading.ink);
        cv::threshold(page, dark, level, 255, cv::THRESH_BINARY_INV);
        code = decode_ballot_code(code_bits(dark, geometry, px_mm));
        reading.upside_down = turn == 1;
    }
    if (!code) return core::fail("the ballot-kind code fails its check (scribbled over, torn, or not a ballot of this election)");
    const BallotSheet* sheet = sheet_of(*code);
    if (sheet == nullptr) return core::fail(fmt::format("the code names a {} ballot of district {}, which this scanner does not know",
                                                        core::to_string(code->kind), code->district));
    if (sheet->width_mm != geometry.width_mm || sheet->height_mm != geometry.height_mm)
        return core::fail(fmt::format("the code names a {} ballot, but the sheet has another form's size", core::to_string(code->kind)));
    reading.code = *code;
    reading.marks.sheet.form = code->kind;
    reading.fills.reserve(sheet->boxes.size());
    for (const SheetBox& b : sheet->boxes) {
        const double fill = fill_of(dark, b.square, px_mm, settings_.min_blot_mm2 * px_mm * px_mm);
        reading.fills.push_back(fill);
        if (fill <= settings_.fill_threshold) continue;
        if (b.position == 0) reading.marks.sheet.mark_option(b.option);
        else reading.marks.sheet.mark_preference(b.option, b.position);
    }
    return reading;
}

}  // namespace hil
