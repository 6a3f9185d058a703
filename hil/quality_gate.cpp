#include "hil/quality_gate.hpp"

#include <algorithm>
#include <cmath>

namespace hil {

std::string_view to_string(QualityVerdict verdict) {
    switch (verdict) {
        case QualityVerdict::accepted: return "accepted";
        case QualityVerdict::too_few_minutiae: return "too_few_minutiae";
        case QualityVerdict::no_finger_area: return "no_finger_area";
        case QualityVerdict::incoherent_ridges: return "incoherent_ridges";
    }
    return "unknown";
}

namespace {

/// Sums over one block: grey moments and squared-gradient moments.
struct BlockSums {
    double grey = 0, grey2 = 0, gxx = 0, gyy = 0, gxy = 0;
    int n = 0;
};

/// The Sobel gradient at an interior pixel (x, y).
void sobel(const GreyImage& im, int x, int y, double& gx, double& gy) {
    const auto p = [&](int dx, int dy) { return static_cast<double>(im.pixels[static_cast<std::size_t>((y + dy) * im.width + x + dx)]); };
    gx = (p(1, -1) + 2 * p(1, 0) + p(1, 1)) - (p(-1, -1) + 2 * p(-1, 0) + p(-1, 1));
    gy = (p(-1, 1) + 2 * p(0, 1) + p(1, 1)) - (p(-1, -1) + 2 * p(0, -1) + p(1, -1));
}

/// The sums of the block whose top-left corner is (bx, by), over its pixels not on the image's border.
BlockSums block_sums(const GreyImage& im, int bx, int by) {
    BlockSums s;
    for (int y = std::max(by, 1); y < std::min(by + kBlockSize, im.height - 1); ++y)
        for (int x = std::max(bx, 1); x < std::min(bx + kBlockSize, im.width - 1); ++x) {
            const double v = im.pixels[static_cast<std::size_t>(y * im.width + x)];
            double gx = 0, gy = 0;
            sobel(im, x, y, gx, gy);
            s.grey += v, s.grey2 += v * v;
            s.gxx += gx * gx, s.gyy += gy * gy, s.gxy += gx * gy;
            ++s.n;
        }
    return s;
}

}  // namespace

QualityFigures measure_image(const GreyImage& image) {
    QualityFigures f;
    if (image.width < 3 || image.height < 3 || image.pixels.size() != static_cast<std::size_t>(image.width) * image.height) return f;
    int blocks = 0, area = 0;
    double coherence = 0;
    for (int by = 0; by + kBlockSize <= image.height; by += kBlockSize)
        for (int bx = 0; bx + kBlockSize <= image.width; bx += kBlockSize) {
            ++blocks;
            const BlockSums s = block_sums(image, bx, by);
            if (s.n == 0) continue;
            const double mean = s.grey / s.n;
            const double sd = std::sqrt(std::max(0.0, s.grey2 / s.n - mean * mean));
            if (sd < kRidgeContrast) continue;
            ++area;
            const double energy = s.gxx + s.gyy;
            if (energy > 0) coherence += std::sqrt((s.gxx - s.gyy) * (s.gxx - s.gyy) + 4 * s.gxy * s.gxy) / energy;
        }
    if (blocks > 0) f.finger_area = static_cast<double>(area) / blocks;
    if (area > 0) f.coherence = coherence / area;
    return f;
}

QualityVerdict judge(const QualityFigures& figures) {
    if (figures.minutiae < kMinMinutiae) return QualityVerdict::too_few_minutiae;
    if (figures.finger_area < kMinFingerArea) return QualityVerdict::no_finger_area;
    if (figures.coherence < kMinCoherence) return QualityVerdict::incoherent_ridges;
    return QualityVerdict::accepted;
}

int quality_score(const QualityFigures& figures) {
    const double c = std::min(1.0, figures.coherence / 0.6), a = std::min(1.0, figures.finger_area / 0.6);
    return static_cast<int>(std::lround(100.0 * c * a));
}

}  // namespace hil
