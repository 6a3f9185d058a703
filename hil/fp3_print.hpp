#pragma once
/// libfprint's serialised print ("FP3") read with GLib's GVariant API, and its minutiae turned into
/// the project's template.
///
/// Format (libfprint 1.94, fp-print.c, measured in ../shared/hil/README.md): the three bytes "FP3",
/// then a GVariant `(issbymsmsia{sv}v)`; for a print made from an image (NBIS) the last field holds
/// `(a(aiaiai))`, one record per impression: x[], y[], theta[] of its minutiae in the NIST frame
/// (origin bottom left, y up; theta in degrees counter-clockwise from +x, in 11.25-degree steps),
/// at most 200, no minutia type.
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "core/fingerprint.hpp"

namespace hil {

/// One minutia as libfprint's NBIS gives it: NIST frame, theta in degrees.
struct NistMinutia {
    int x = 0;
    int y = 0;
    int theta = 0;
};

/// The minutiae of the first impression of an FP3 print, or why there are none (not FP3, a
/// match-on-chip print with no minutiae, a malformed record).
std::expected<std::vector<NistMinutia>, std::string> parse_fp3_minutiae(std::span<const std::uint8_t> bytes);

/// A minutia of the NIST frame in the project's frame (core/fingerprint.hpp): origin top left,
/// y down as the image's rows (y = image_height - 1 - y_nist), direction the same line on the
/// finger measured in that frame (angle = -theta, in 1/256 turn). The y flip and the angle's sign
/// change together, so every minutia keeps its direction on the finger: the pair is a change of
/// frame, not a mirror image. libfprint gives no type; every minutia is a ridge ending.
core::Minutia to_project_frame(const NistMinutia& m, int image_height);

/// The template of libfprint's minutiae: the kMaxMinutiae nearest the centroid of them all (the
/// finger's centre, where successive impressions overlap most; NBIS finds 60 to 100 on a 256 x 240
/// image and a template keeps 48), in the project's frame.
core::FingerprintTemplate template_from_nist(std::span<const NistMinutia> minutiae, int image_height);

}  // namespace hil
