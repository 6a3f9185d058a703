#pragma once
/// Fingerprint templates: minutiae and their local descriptors, the unit the matcher compares.
///
/// A template is the compact form a scanner's feature extractor hands to the identification
/// desk: at most kMaxMinutiae minutiae (position in pixels at 500 dpi, direction in 1/256 of a
/// turn, type) plus, per minutia, a 128-bit binary local descriptor in the spirit of the
/// binary Minutia Cylinder-Code (R. Cappelli, M. Ferrara, D. Maltoni, "Minutia Cylinder-Code:
/// a new representation and matching technique for fingerprint recognition", IEEE TPAMI 32(12),
/// 2010): the neighbours within kCylinderRadius, in the minutia's own frame, quantised into
/// 4 rings x 8 sectors x 4 relative-direction bins. Descriptors are rotation and translation
/// invariant, so two templates can be compared without aligning them first.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

namespace core {

/// The ten fingers, in the order the identification desk tries them when enrolled.
enum class Finger : std::uint8_t {
    right_index, left_index, right_thumb, left_thumb, right_middle, left_middle,
    right_ring, left_ring, right_little, left_little
};

/// Human name of a finger ("right_index", ...).
std::string_view to_string(Finger finger);

/// Ridge ending or bifurcation (ANSI/NIST-ITL and ISO/IEC 19794-2 minutia types).
enum class MinutiaType : std::uint8_t { ending, bifurcation };

/// One minutia: position in pixels (500 dpi), direction in 1/256 turn (0 = +x, counter-clockwise), type.
struct Minutia {
    std::int16_t x = 0;
    std::int16_t y = 0;
    std::uint8_t angle = 0;
    MinutiaType type = MinutiaType::ending;
    /// Field-wise equality.
    friend bool operator==(const Minutia&, const Minutia&) = default;
};

/// Most minutiae a template keeps (a plain impression on a 500-dpi sensor holds about 30 to 50).
inline constexpr int kMaxMinutiae = 48;
/// Radius of a minutia's neighbourhood that its descriptor describes, in pixels (MCC uses 70).
inline constexpr int kCylinderRadius = 76;

/// A minutia's local descriptor: 128 cells (ring, sector, relative direction), one bit each.
struct Cylinder {
    std::uint64_t bits[2] = {0, 0};
};

/// A fingerprint template: minutiae plus their local descriptors (computed by from_minutiae).
struct FingerprintTemplate {
    std::uint8_t count = 0;                                 ///< minutiae in use
    std::array<Minutia, kMaxMinutiae> minutiae{};           ///< first `count` are valid
    std::array<Cylinder, kMaxMinutiae> cylinders{};         ///< descriptor of each minutia
    std::array<std::uint8_t, kMaxMinutiae> cylinder_bits{}; ///< cells set in each descriptor

    /// Builds a template from extracted minutiae: the first kMaxMinutiae are kept, sorted by position (y, then x).
    /// `max_vector_width` caps the vector unit the descriptors are built with, in bits: 512 (AVX-512)
    /// or 0 (portable code); the CPU's own limit applies too. Templates are the same whichever runs.
    static FingerprintTemplate from_minutiae(std::span<const Minutia> minutiae, int max_vector_width = 512);
    /// The valid minutiae.
    std::span<const Minutia> valid_minutiae() const { return {minutiae.data(), count}; }
};

/// Widest vector unit from_minutiae can use on this CPU, in bits: 512 (AVX-512) or 0.
int template_vector_width();

/// Angle of the vector (x, y) in 1/256 turn, in [0, 256); a polynomial atan2 (error < 0.01 unit).
inline float angle_units(float x, float y) {
    // Minimax polynomial for atan on [0, 1] (max error about 1e-5 rad), folded into all octants.
    // The folds are selected arithmetically (adding 0 or multiplying by +-1 is exact) rather than
    // by branches: the octant of a random vector is unpredictable.
    const float ax = std::fabs(x), ay = std::fabs(y);
    const float mx = std::max(ax, ay), mn = std::min(ax, ay);
    if (mx == 0.0f) return 0.0f;
    const float a = mn / mx, s = a * a;
    float r = ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s * a + a;
    const float steep = static_cast<float>(ay > ax), left = static_cast<float>(x < 0), down = static_cast<float>(y < 0);
    r = steep * 1.57079637f + (1.0f - 2.0f * steep) * r;
    r = left * 3.14159274f + (1.0f - 2.0f * left) * r;
    r = (1.0f - 2.0f * down) * r;
    float u = r * (256.0f / 6.28318531f);
    u += static_cast<float>(u < 0) * 256.0f;
    return u >= 256.0f ? 0.0f : u;
}

}  // namespace core
