#pragma once
/// Synthetic fingers: the minutiae a person's finger really has (derived from the voter's
/// biometric seed) and the impressions a scanner takes of it, each one different.
///
/// The master finger follows the usual synthetic-fingerprint recipe (cf. SFinGe, R. Cappelli,
/// D. Maio, D. Maltoni, "Synthetic fingerprint-database generation", ICPR 2002), reduced to
/// minutiae: a ridge orientation field from the zero-pole model of B. Sherlock and D. Monro
/// ("A model for interpreting fingerprint topology", Pattern Recognition 26(7), 1993) with a
/// pattern class (arch, left/right loop, whorl), and minutiae spread over the fingertip with
/// directions along the ridges. An impression adds what a capture really does: placement
/// (translation, rotation), elastic skin distortion, position and direction noise, missed and
/// spurious minutiae, type confusion and partial contact, with a severity that grows as the
/// capture quality falls (dry or worn skin of older voters, a dirty sensor).
#include <array>
#include <cstdint>

#include "core/fingerprint.hpp"
#include "core/random.hpp"

namespace devices {

/// Most minutiae a master finger has.
inline constexpr int kMaxMasterMinutiae = 64;

/// Half axes of the fingertip's contact ellipse (13 x 17 mm at 500 dpi), in pixels.
inline constexpr float kFingertipHalfWidth = 130.0f, kFingertipHalfHeight = 170.0f;

/// The finger's ridge orientation field: the zero-pole model of Sherlock and Monro with the pattern
/// class's cores and deltas (one each for a loop, two each for a whorl), or, for an arch (no core),
/// a smooth field that bends across the finger. The minutiae's directions follow it, and so do the
/// rendered ridges (devices/finger_image.hpp).
struct RidgeOrientation {
    struct Point {
        float x = 0, y = 0;
    };
    Point cores[2]{}, deltas[2]{};  ///< fingertip coordinates; the first `ncores` are used
    int ncores = 0;                 ///< 0 arch, 1 loop, 2 whorl
    float base = 0;                 ///< orientation offset, 1/256 turn

    /// Ridge direction at fingertip point (x, y): 1/256 turn, meaningful modulo 128 (half a turn).
    float at(float x, float y) const;
};

/// A minutia of the master finger, in fingertip coordinates (pixels at 500 dpi, centre at 0, 0).
struct MasterMinutia {
    float x = 0, y = 0;
    float angle = 0;  ///< 1/256 turn
    core::MinutiaType type = core::MinutiaType::ending;
};

/// One finger of one person: its true minutiae.
struct SyntheticFinger {
    int count = 0;                                            ///< minutiae in use
    std::array<MasterMinutia, kMaxMasterMinutiae> minutiae{}; ///< first `count` are valid
    RidgeOrientation orientation{};                           ///< the ridge field the minutiae lie in

    /// The finger `finger` of the person with this biometric seed (always the same for the same inputs).
    /// `max_vector_width` caps the vector unit used (512: AVX-512 where the CPU has it; 0: the
    /// portable code, e.g. for tests); the result is the same bit for bit.
    static SyntheticFinger generate(std::uint64_t biometric_seed, core::Finger finger, int max_vector_width = 512);
};

/// How good a capture can be: both in [0, 1].
struct CaptureConditions {
    double skin_quality = 1.0;        ///< 1 = young healthy skin; lower for dry, worn or older skin
    double sensor_degradation = 0.0;  ///< 0 = clean sensor; the scanner's `degraded` severity
};

/// Skin quality for a voter of this age: ridges flatten and skin dries with age (NIST studies of
/// older subjects show more failed captures); 1.0 up to 30 years, 0.008 less a year after, at least 0.4.
double skin_quality_for_age(int age);

/// Overall capture quality in [0, 1] that the conditions allow (what the scanner reports, scaled to 0..100).
double capture_quality(const CaptureConditions& conditions);

/// A new impression of `finger` under `conditions`, drawing its variation from `stream`.
/// `max_vector_width` caps the vector unit used, for the minutiae and for their template (as in
/// core::FingerprintTemplate::from_minutiae); the template and the stream's position afterwards are
/// the same bit for bit.
core::FingerprintTemplate make_impression(const SyntheticFinger& finger, const CaptureConditions& conditions,
                                          core::RandomStream& stream, int max_vector_width = 512);

/// The widest vector unit generate and make_impression use on this CPU: 512 (AVX-512) or 0.
int synthetic_finger_vector_width();

/// The template enrolled for this finger at registration: a good-quality impression whose
/// variation is drawn from a stream derived from the seed alone (so any party can rebuild it).
core::FingerprintTemplate enrolment_template(std::uint64_t biometric_seed, core::Finger finger);
/// The same, from the finger already generated (saves generating it again).
core::FingerprintTemplate enrolment_template(const SyntheticFinger& master, std::uint64_t biometric_seed, core::Finger finger);

}  // namespace devices
