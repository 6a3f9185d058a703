#pragma once
/// Synthetic fingerprint images: a synthetic finger (devices/synthetic_finger.hpp) rendered as the
/// 8-bit grey image an area reader gives at 500 dpi, so that the image path of hardware in the loop
/// (libfprint's own minutiae extraction, the project's matcher) can be measured on as many fingers as
/// needed.
///
/// Method: SFinGe's ridge generation (R. Cappelli, A. Erol, D. Maio, D. Maltoni, "Synthetic
/// fingerprint-image generation", ICPR 2000; R. Cappelli, D. Maio, D. Maltoni, "Synthetic
/// fingerprint-database generation", ICPR 2002; D. Maltoni, D. Maio, A. K. Jain, S. Prabhakar,
/// "Handbook of Fingerprint Recognition", 2nd ed., Springer 2009, ch. 8): an orientation field, a
/// ridge frequency and a fingertip-shaped area; the ridge pattern grows from seeds by iterating a
/// space-variant Gabor-like filter (tuned to the local orientation and frequency) followed by a
/// saturating nonlinearity, until it fills the area. Here:
/// - the orientation field is the finger's own Sherlock-Monro field (SyntheticFinger::orientation),
///   the one its minutiae's directions come from;
/// - the seeds are the finger's minutiae, each a small patch of parallel ridges with a phase spiral
///   at the minutia (the phase singularity that is a ridge ending or a bifurcation; K. G. Larkin,
///   P. A. Fletcher, "A coherent framework for fingerprint analysis: are fingerprints holograms?",
///   Optics Express 15(14), 2007), pointing the minutia's way; the seeds are imposed again after each
///   iteration, so the grown pattern keeps a minutia at each of the finger's minutiae (more appear
///   where growth fronts meet out of phase, as in SFinGe);
/// - the space-variant filter is applied block by block in the frequency domain (FFTW3): 32 x 32
///   blocks every 16 px, each tapered by a Hann window (the windows sum to 1), transformed, multiplied
///   by a Gabor-like band-pass centred on the ridge frequency across the block's ridge direction, and
///   added back;
/// - the ridge period is 9 px (about 0.46 mm, within the usual 8-10 px at 500 dpi), the same for
///   every finger.
/// The grown pattern belongs to the finger (the same every time); an impression of it adds what a
/// capture does, drawn from the caller's stream: placement (shift and rotation), elastic skin
/// distortion, the part of the fingertip that touched, pressure (ridge width), dry skin (broken
/// ridges, lower contrast) and sensor noise, with a severity that grows as capture_quality falls.
///
/// Deterministic: the same finger, conditions, size and stream state give the same bytes. No clock,
/// no randomness but the stream's.
#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "devices/synthetic_finger.hpp"

namespace devices {

/// Width and height of an image in pixels (500 dpi).
struct ImageSize {
    int width = 0;
    int height = 0;
};

/// A 12.8 x 18 mm area sensor (the UPEK TouchChip TCS1 class): a whole fingertip.
inline constexpr ImageSize kFingertipReader{256, 360};
/// A 12.8 x 12 mm area sensor: the middle of the fingertip.
inline constexpr ImageSize kSmallAreaReader{256, 240};

/// An 8-bit grey image, rows top to bottom, dark ridges on a light background (as a reader gives).
struct FingerImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  ///< width * height bytes
};

/// A finger's grown ridge pattern on a grid in fingertip coordinates (1 px at 500 dpi; fingertip point
/// (x, y) is sample (x + origin_x, y + origin_y)): about +1 on a ridge, -1 in a valley, 0 outside
/// the area it grew in.
struct RidgePattern {
    int width = 0;
    int height = 0;
    float origin_x = 0, origin_y = 0;
    std::vector<float> values;  ///< width * height, rows top to bottom
};

/// The finger's ridge pattern, grown from its minutiae along its orientation field (the same every time).
RidgePattern grow_ridge_pattern(const SyntheticFinger& finger);

/// An impression of the grown pattern under `conditions` as a `size` image (width and height positive),
/// drawing its variation from `stream`.
FingerImage render_impression(const RidgePattern& ridges, const CaptureConditions& conditions, core::RandomStream& stream,
                              ImageSize size);

/// The same from the finger: grows its pattern first (grow once and keep the pattern for many impressions).
FingerImage render_impression(const SyntheticFinger& finger, const CaptureConditions& conditions, core::RandomStream& stream,
                              ImageSize size);

}  // namespace devices
