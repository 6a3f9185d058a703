#pragma once
/// An enrolment made at a physical fingerprint reader (`shailoo hil enroll`): the person at the
/// reader plays one voter of a PEC's roll in a drill (`shailoo train --hil ... --hil-voter FILE`),
/// matched against the template captured here. YAML file, format: docs/hil.md, "Drills with hardware".
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/fingerprint.hpp"
#include "core/result.hpp"

namespace hil {

struct Enrolment {
    int pec = 0;                     ///< the PEC whose roll holds the voter
    std::int64_t voter = 0;          ///< the voter's index in the national roll
    std::string document;            ///< the voter's document number (for the trainee's card)
    std::string reader;              ///< the reader it was captured on (driver and name)
    int quality = 0;                 ///< the capture's quality, 0..100
    core::FingerprintTemplate print; ///< the enrolled template (its minutiae are what the file keeps)
};

/// The version save_enrolment writes and load_enrolment reads.
inline constexpr int kEnrolmentVersion = 1;

/// Loads and validates an enrolment; errors name FILE:LINE: field.
core::Result<Enrolment> load_enrolment(const std::filesystem::path& file);
/// Writes an enrolment (a missing folder is created).
core::Result<void> save_enrolment(const Enrolment& enrolment, const std::filesystem::path& file);

}  // namespace hil
