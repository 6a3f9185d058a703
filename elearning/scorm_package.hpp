#pragma once
/// A built module as a SCORM 1.2 package (docs/elearning.md, "Why SCORM 1.2"): a zip with the manifest
/// (imsmanifest.xml, IMS Content Packaging 1.1.2 with ADL's SCORM 1.2 extensions) and one SCO, the
/// player page (index.html: the module's scenes, its decisions and feedback, and the SCORM 1.2
/// run-time calls that report completion and score to the LMS, Moodle's SCORM activity for one).
#include <filesystem>
#include <string>

#include "core/result.hpp"
#include "elearning/module_build.hpp"

namespace elearning {

/// imsmanifest.xml of the module's package: one organization, one item with its mastery score, one
/// SCO resource (index.html).
std::string scorm_manifest(const BuiltModule& module);

/// index.html: the player with the module embedded (it needs no other file and no network).
std::string player_html(const BuiltModule& module);

/// Writes the package as a zip at `zip` (written beside it first, then renamed: a reader never
/// sees half a package). An error names the file and libzip's words.
core::Result<void> write_scorm_package(const BuiltModule& module, const std::filesystem::path& zip);

}  // namespace elearning
