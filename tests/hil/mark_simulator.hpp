#pragma once
// The mark simulator of the mark reader's tests and bench (tests/hil/, bench/bench_mark_reader.cpp):
// a rendered ballot (hil/ballot_sheet.hpp) marked as a voter marks it - crosses, ticks and filled
// blobs drawn as wobbly strokes in a dark or a light pen, a little off centre and of uneven size -
// then "printed and scanned": paper and toner levels, dust specks, the sheet laid on a larger
// scanner bed shifted and turned by up to a few degrees, the optics' blur and the sensor's noise.
// Everything is drawn from one std::mt19937_64, so a seed gives the same sheet.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/ballot.hpp"
#include "core/election_package.hpp"
#include "hil/ballot_sheet.hpp"
#include "hil/mark_reader.hpp"

namespace mark_sim {

/// How rough the scan is. Defaults: the bench's conditions (docs/hil.md).
struct ScanConditions {
    double max_skew_deg = 3.0;   ///< the sheet turns by up to this, either way
    double max_shift_mm = 6.0;   ///< and moves by up to this on the bed, each axis
    double bed_margin_mm = 20.0; ///< the bed is larger than the sheet by this on each side
    double noise_sigma = 8.0;    ///< sensor noise (grey levels, standard deviation), at most
    int specks = 30;             ///< dust specks on the sheet, at most
};

/// A marked, scanned sheet and what was really marked on it.
struct ScannedSheet {
    cv::Mat image;                 ///< 8-bit grey, the scanner bed
    std::vector<bool> marked;      ///< truth per box, in BallotSheet::boxes order
    core::MarkSheet truth;         ///< the same as a MarkSheet, in the order the reader reports marks
};

/// The 2021 package of the source tree (assets/kg2021), loaded once.
inline const core::ElectionPackage& kg2021() {
    static const core::ElectionPackage package = [] {
        auto p = core::load_election_package(std::string(SHAILOO_SOURCE_DIR) + "/assets/kg2021");
        if (!p) throw std::runtime_error(p.error().message);
        return std::move(*p);
    }();
    return package;
}

inline double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
inline int below(std::mt19937_64& rng, int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

/// Index in sheet.boxes of option `option`'s box, or of the preference box (option, position).
inline int box_index(const hil::BallotSheet& sheet, int option, int position) {
    for (std::size_t i = 0; i < sheet.boxes.size(); ++i)
        if (sheet.boxes[i].option == option && sheet.boxes[i].position == position) return static_cast<int>(i);
    return -1;
}

/// A random vote on `sheet` as boxes to mark: mostly valid, with blank, overmarked and (party list)
/// preference faults mixed in.
inline std::vector<bool> random_vote(const hil::BallotSheet& sheet, std::mt19937_64& rng) {
    std::vector<bool> marked(sheet.boxes.size(), false);
    const int options = sheet.layout.options;
    auto mark = [&](int option, int position) { if (int i = box_index(sheet, option, position); i >= 0) marked[i] = true; };
    auto some_place = [&](int party) { return 1 + below(rng, sheet.layout.list_sizes[party - 1]); };
    const double r = uniform(rng, 0.0, 1.0);
    if (r < 0.06) return marked;  // blank
    const int choice = below(rng, options + 1);  // 0 = against all
    mark(choice, 0);
    if (r < 0.16) {  // overmarked: one, sometimes two more options
        for (int extra = 1 + (uniform(rng, 0, 1) < 0.3); extra > 0; --extra) mark((choice + 1 + below(rng, options)) % (options + 1), 0);
    }
    if (sheet.kind != core::BoxKind::party_list) return marked;
    const int party = choice == 0 ? 1 + below(rng, options) : choice;
    if (r > 0.16 && r < 0.60) mark(party, some_place(party));                    // one preference
    else if (r >= 0.60 && r < 0.66) { mark(party, some_place(party)); mark(party, some_place(party)); }  // two
    else if (r >= 0.66 && r < 0.71) { const int other = 1 + below(rng, options); mark(other, some_place(other)); }  // another row
    return marked;
}

/// The MarkSheet a reader reports for these marked boxes (option boxes then preferences, sheet order).
inline core::MarkSheet truth_of(const hil::BallotSheet& sheet, const std::vector<bool>& marked) {
    core::MarkSheet m;
    m.form = sheet.kind;
    for (std::size_t i = 0; i < sheet.boxes.size(); ++i) {
        if (!marked[i]) continue;
        if (sheet.boxes[i].position == 0) m.mark_option(sheet.boxes[i].option);
        else m.mark_preference(sheet.boxes[i].option, sheet.boxes[i].position);
    }
    return m;
}

/// A wobbly pen stroke from a to b (px).
inline void stroke(cv::Mat& page, cv::Point2d a, cv::Point2d b, double width_px, double grey, std::mt19937_64& rng) {
    std::vector<cv::Point> pts;
    const cv::Point2d d = b - a, n(-d.y, d.x);
    const double len = std::max(1.0, std::hypot(d.x, d.y)), wobble = 0.04 * len;
    const double bow = uniform(rng, -wobble, wobble);
    constexpr int kSteps = 8;
    for (int k = 0; k <= kSteps; ++k) {
        const double t = static_cast<double>(k) / kSteps;
        const double off = bow * std::sin(std::numbers::pi * t) + uniform(rng, -0.3, 0.3) * wobble;
        const cv::Point2d p = a + d * t + n * (off / len);
        pts.emplace_back(cv::Point(static_cast<int>(std::lround(p.x * 16)), static_cast<int>(std::lround(p.y * 16))));
    }
    cv::polylines(page, pts, false, cv::Scalar(grey), std::max(1, static_cast<int>(std::lround(width_px))), cv::LINE_AA, 4);
}

/// A hand mark in box `box`: a cross, a tick or a filled blob, off centre and of uneven size.
inline void draw_mark(cv::Mat& page, const hil::SheetSquare& box, double px_mm, std::mt19937_64& rng) {
    const bool light = uniform(rng, 0, 1) < 0.5;
    const double grey = light ? uniform(rng, 105, 155) : uniform(rng, 10, 70);
    const double width = (light ? uniform(rng, 0.25, 0.45) : uniform(rng, 0.3, 0.7)) * px_mm;
    const double s = box.size * px_mm;
    const cv::Point2d c((box.x + box.size / 2) * px_mm + uniform(rng, -0.12, 0.12) * s,
                        (box.y + box.size / 2) * px_mm + uniform(rng, -0.12, 0.12) * s);
    const double h = s * uniform(rng, 0.28, 0.55);
    auto jitter = [&] { return cv::Point2d(uniform(rng, -0.1, 0.1) * s, uniform(rng, -0.1, 0.1) * s); };
    const double style = uniform(rng, 0, 1);
    if (style < 0.45) {  // cross
        stroke(page, c + cv::Point2d(-h, -h) + jitter(), c + cv::Point2d(h, h) + jitter(), width, grey, rng);
        stroke(page, c + cv::Point2d(h, -h) + jitter(), c + cv::Point2d(-h, h) + jitter(), width, grey, rng);
    } else if (style < 0.80) {  // tick
        const cv::Point2d bottom = c + cv::Point2d(-0.2 * h, 0.7 * h) + jitter();
        stroke(page, c + cv::Point2d(-h, 0.0) + jitter(), bottom, width, grey, rng);
        stroke(page, bottom, c + cv::Point2d(1.1 * h, -1.1 * h) + jitter(), width, grey, rng);
    } else {  // filled blob
        const cv::Size axes(static_cast<int>(h * uniform(rng, 0.6, 0.95)), static_cast<int>(h * uniform(rng, 0.6, 0.95)));
        cv::ellipse(page, cv::Point(static_cast<int>(c.x), static_cast<int>(c.y)), axes, uniform(rng, 0, 180), 0, 360, cv::Scalar(grey), cv::FILLED,
                    cv::LINE_AA);
    }
}

/// The rendered blank `blank` of `sheet`, with the boxes in `marked` marked, scanned under `conditions`.
inline ScannedSheet scan_marked(const hil::BallotSheet& sheet, const hil::SheetImage& blank, const std::vector<bool>& marked,
                                std::mt19937_64& rng, const ScanConditions& conditions = {}) {
    const double px_mm = blank.dpi / 25.4;
    cv::Mat page = cv::Mat(blank.height, blank.width, CV_8UC1, const_cast<std::uint8_t*>(blank.pixels.data())).clone();
    for (std::size_t i = 0; i < sheet.boxes.size(); ++i)
        if (marked[i]) draw_mark(page, sheet.boxes[i].square, px_mm, rng);
    for (int k = below(rng, conditions.specks + 1); k > 0; --k) {  // dust specks of 0.1-0.25 mm radius, whatever the dpi
        const int radius = std::max(1, static_cast<int>(std::lround(uniform(rng, 0.1, 0.25) * px_mm)));
        cv::circle(page, cv::Point(below(rng, page.cols), below(rng, page.rows)), radius, cv::Scalar(uniform(rng, 40, 160)), cv::FILLED);
    }
    // Printing and paper: black toner is not 0, paper not 255.
    const double ink = uniform(rng, 10, 45), paper = uniform(rng, 215, 250);
    page.convertTo(page, CV_8U, (paper - ink) / 255.0, ink);
    // The sheet on the bed: turned about its centre, shifted, on a light backing.
    const int margin = static_cast<int>(conditions.bed_margin_mm * px_mm);
    const double angle = uniform(rng, -conditions.max_skew_deg, conditions.max_skew_deg);
    cv::Mat turn = cv::getRotationMatrix2D(cv::Point2f(page.cols / 2.0f, page.rows / 2.0f), angle, uniform(rng, 0.995, 1.005));
    turn.at<double>(0, 2) += margin + uniform(rng, -1, 1) * conditions.max_shift_mm * px_mm;
    turn.at<double>(1, 2) += margin + uniform(rng, -1, 1) * conditions.max_shift_mm * px_mm;
    ScannedSheet out;
    cv::warpAffine(page, out.image, turn, cv::Size(page.cols + 2 * margin, page.rows + 2 * margin), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(uniform(rng, 200, 245)));
    cv::GaussianBlur(out.image, out.image, cv::Size(0, 0), uniform(rng, 0.4, 0.9));
    cv::Mat noise(out.image.size(), CV_16S);
    cv::randn(noise, 0, uniform(rng, 2.0, conditions.noise_sigma));
    cv::Mat wide;
    out.image.convertTo(wide, CV_16S);
    wide += noise;
    wide.convertTo(out.image, CV_8U);  // saturates to 0..255
    out.marked = marked;
    out.truth = truth_of(sheet, marked);
    return out;
}

/// A view of a scanned sheet for hil::MarkReader.
inline hil::GreyView view_of_scan(const ScannedSheet& s, double dpi) {
    return hil::GreyView{s.image.data, s.image.cols, s.image.rows, s.image.step[0], dpi};
}

}  // namespace mark_sim
