#pragma once
/// The PECs' voter lists as the identification desks see them, served from the national roll
/// (core/voter_roll.hpp) without storing it: a document number leads back to its voter, whose
/// enrolled fingerprints and photo are derived from the biometric seed on demand.
#include <array>

#include "core/election_package.hpp"
#include "devices/synthetic_finger.hpp"
#include "devices/virtual_webcam.hpp"
#include "station/voter_list.hpp"

namespace sim {

/// A station::VoterList over the whole national roll. Stateless and thread-safe.
class RollVoterList final : public station::VoterList {
public:
    /// Fingers enrolled at registration, in the order the desk tries them (our estimate: the State
    /// Registration Service enrols the index fingers and thumbs).
    static constexpr std::array<core::Finger, 4> kEnrolled{core::Finger::right_index, core::Finger::left_index,
                                                          core::Finger::right_thumb, core::Finger::left_thumb};

    /// A list over this package's roll.
    explicit RollVoterList(const core::ElectionPackage& package)
        : package_(package), registered_(package.registered()) {}
    std::optional<station::VoterRecord> find_by_document(std::string_view document_number) const override;
    core::FingerprintTemplate enrolled_template(const station::VoterRecord& voter, core::Finger finger) const override;
    /// The master finger of a voter, generated once per thread and voter: the enrolment template (the list's
    /// side) and the scanner's capture (the voter's side) derive it from the same seed, so the simulator
    /// makes it once and hands it to both.
    const devices::SyntheticFinger& master(std::uint64_t biometric_seed, core::Finger finger) const;
    /// The registration photo: the same as the document's chip photo (devices::document_photo).
    devices::FaceFeatures registration_photo(const station::VoterRecord& voter) const override;

private:
    const core::ElectionPackage& package_;
    std::int64_t registered_;
};

}  // namespace sim
