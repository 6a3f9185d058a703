#pragma once
/// Minutiae as one line of text, for the YAML files that keep a template (a drill record's physical
/// captures, `shailoo hil enroll`'s enrolment): "x,y,angle,type" per minutia (type `e` ending,
/// `b` bifurcation), separated by single spaces; the template is rebuilt with
/// FingerprintTemplate::from_minutiae, which gives the same template back.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/fingerprint.hpp"
#include "core/result.hpp"

namespace core {

/// "x,y,angle,type ..." (empty for none).
std::string format_minutiae(std::span<const Minutia> minutiae);
/// Reads format_minutiae's text: at most kMaxMinutiae minutiae, x and y 0..4095, angle 0..255; the
/// error names the minutia (1-based) and what is wrong with it.
Result<std::vector<Minutia>> parse_minutiae(std::string_view text);

}  // namespace core
