#pragma once
/// The HIL capture's own quality gate: libfprint accepts any image in which NBIS finds one minutia
/// (uniform noise gives about 60), so a capture passes here only with enough minutiae AND an image
/// that shows ridges: blocks with grey-level contrast, whose gradients agree on one orientation.
///
/// Method: orientation coherence of the squared gradients (M. Kass, A. Witkin, "Analyzing oriented
/// patterns", CVGIP 37, 1987; as a fingerprint segmentation feature: A. M. Bazen, S. H. Gerez,
/// "Segmentation of fingerprint images", ProRISC 2001). Per 16 x 16 block, from Sobel gradients
/// (gx, gy): coherence = sqrt((Gxx - Gyy)^2 + 4 Gxy^2) / (Gxx + Gyy), 1 for parallel ridges and
/// near 0 for noise. Blocks with a grey standard deviation of at least kRidgeContrast are the
/// finger's area (the rest is background). Thresholds and the figures they were set from: docs/hil.md.
#include <cstdint>
#include <string_view>
#include <vector>

namespace hil {

/// An 8-bit grey image, rows top to bottom, dark ridges (as libfprint's FpImage).
struct GreyImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  ///< width * height bytes
};

/// Side of a block the figures are computed on, in pixels (about two ridge periods at 500 dpi).
inline constexpr int kBlockSize = 16;
/// Grey standard deviation from which a block counts as the finger's area.
inline constexpr double kRidgeContrast = 12.0;
/// Fewest minutiae a capture needs: the matcher's own floor (it scores only templates with at least
/// 12 usable minutiae, station/fingerprint_matcher.hpp). The recorded AES3500 capture, a small
/// sensor's area, has 14.
inline constexpr int kMinMinutiae = 12;
/// Smallest share of blocks that must be the finger's area.
inline constexpr double kMinFingerArea = 0.25;
/// Smallest mean coherence over the finger's area, between uniform noise (0.10) and the lowest real
/// capture measured (the recorded Elan swipe, 0.30; the NIST prints 0.58, AES3500 0.75; docs/hil.md).
inline constexpr double kMinCoherence = 0.20;

/// What the gate measured on one capture.
struct QualityFigures {
    int minutiae = 0;           ///< minutiae libfprint found
    double finger_area = 0.0;   ///< share of blocks with ridge contrast, 0..1
    double coherence = 0.0;     ///< mean orientation coherence over those blocks, 0..1
};

/// Why the gate refused a capture (or `accepted`).
enum class QualityVerdict : std::uint8_t { accepted, too_few_minutiae, no_finger_area, incoherent_ridges };

/// Name of a verdict as printed and logged ("accepted", "too_few_minutiae", ...).
std::string_view to_string(QualityVerdict verdict);

/// Finger area and coherence of an image (minutiae left 0 for the caller to fill in).
QualityFigures measure_image(const GreyImage& image);

/// The gate's decision on these figures: the first rule failed, in the order of the enum.
QualityVerdict judge(const QualityFigures& figures);

/// Quality on the scanner's 0..100 scale (devices::FingerprintCapture): coherence and finger area,
/// each relative to a good print's (0.6 and 0.6), capped at 1, multiplied.
int quality_score(const QualityFigures& figures);

}  // namespace hil
