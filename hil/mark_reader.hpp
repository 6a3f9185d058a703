#pragma once
/// Optical mark recognition of a scanned ballot (hil/ballot_sheet.hpp's forms), with OpenCV.
///
/// Method - the usual OMR pipeline of fiducial registration and fill-ratio thresholding (the one
/// open-source OMR tools such as OMRChecker and FormScanner follow):
/// 1. Page finding: the scan, averaged down to 60 dpi (cv::resize, INTER_AREA: the sensor's noise
///    goes), is binarised halfway between its darkest level and its median (paper or backing), its
///    contours traced (Suzuki and Abe, "Topological structural analysis of digitized binary images
///    by border following", CVGIP 30(1), 1985; cv::findContours), and the four corner fiducials are
///    the solid squares of the expected size lying furthest towards the four corners; each centre is
///    then refined at full resolution: the ink centroid in a window round it, binarised with Otsu's
///    threshold (N. Otsu, "A threshold selection method from gray-level histograms", IEEE Trans. SMC
///    9(1), 1979), which fits there (ink and paper only).
/// 2. Straightening: the projective transform taking the four fiducial centres to where the layout
///    puts them (cv::getPerspectiveTransform, a homography) resamples the page onto the layout's
///    grid (cv::warpPerspective, bilinear), undoing shift, skew, scale and keystone (four-point
///    homography: Hartley and Zisserman, Multiple View Geometry in Computer Vision, 2nd ed., 4.1). A sheet fed
///    upside down is tried the other way round when its code does not read.
/// 3. Ink and paper levels are measured on the sheet itself (inside the fiducials; a blank margin
///    strip), and a pixel is dark when it is below ink + ink_fraction x (paper - ink): a global
///    threshold adapted to each sheet's scan, so light pens and grey paper are judged alike.
/// 4. The ballot-kind code's cells are read (fill > 1/2 = 1) and its CRC checked: a failing code
///    makes the sheet unreadable, never another ballot.
/// 5. Each box's fill ratio - dark pixels over the pixels of its inner area, the printed border and
///    a registration margin left out - is compared with fill_threshold: marked or not. Dark pixels
///    count only in 8-connected blots (cv::connectedComponentsWithStats) of at least min_blot_mm2:
///    a pen stroke is long, dust and toner specks are small.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/ballot.hpp"
#include "core/result.hpp"
#include "hil/ballot_sheet.hpp"

namespace hil {

/// The reader's settings. Defaults: tuned on bench/bench_mark_reader.cpp's rendered sheets (docs/hil.md).
struct MarkReaderSettings {
    double fill_threshold = 0.04;  ///< a box whose inner area is darker than this share is marked
    double ink_fraction = 0.75;    ///< dark pixel: below ink + ink_fraction x (paper - ink)
    double min_blot_mm2 = 0.3;     ///< dark blots smaller than this (dust, toner specks) are not counted in the fill
};

/// An 8-bit grey image borrowed from its owner (a scan, a decoded file): 255 = white.
struct GreyView {
    const std::uint8_t* data = nullptr;
    int width = 0, height = 0;
    std::size_t stride = 0;  ///< bytes from one row to the next
    double dpi = 0.0;        ///< the scan's resolution
};

/// A grey image's view.
inline GreyView view_of(const SheetImage& image) {
    return GreyView{image.pixels.data(), image.width, image.height, static_cast<std::size_t>(image.width), image.dpi};
}

/// What the reader made of one sheet.
struct SheetReading {
    core::BallotMarks marks;     ///< form from the code; option and preference marks
    BallotCode code;             ///< the decoded ballot-kind code
    std::vector<double> fills;   ///< fill ratio of each of the sheet's boxes, in BallotSheet::boxes order
    double ink = 0.0, paper = 0.0;  ///< grey levels measured on the sheet
    bool upside_down = false;    ///< the sheet was fed rotated by 180 degrees
};

/// Reads the marks of the forms it is given. Thread-compatible; read() is const and may run on
/// several threads at once.
class MarkReader {
public:
    /// A reader of these forms (e.g. the two ballots of one PEC's district, or all of a package's).
    explicit MarkReader(std::vector<BallotSheet> sheets, MarkReaderSettings settings = {});

    /// Reads a scanned sheet. Errors (the sheet is unreadable) say why: no corner marks, no
    /// contrast, a code failing its check, a form this reader does not know.
    core::Result<SheetReading> read(const GreyView& scan) const;

    const MarkReaderSettings& settings() const { return settings_; }
    /// The form with this code, or nullptr.
    const BallotSheet* sheet_of(const BallotCode& code) const;

private:
    std::vector<BallotSheet> sheets_;
    std::map<std::pair<int, int>, std::size_t> by_code_;  // (kind, district) -> index
    MarkReaderSettings settings_;
};

}  // namespace hil
