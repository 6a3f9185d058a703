#pragma once
/// The PEC's list of voters as the identification desk sees it.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/fingerprint.hpp"
#include "devices/webcam.hpp"

namespace station {

/// A voter's entry in the list.
struct VoterRecord {
    std::int64_t voter_id = 0;               ///< unique in the country (index in the national roll)
    int pec = 0;                             ///< the PEC whose list the voter is on
    /// Fingers enrolled at registration, in the order to try them. Points into the list's own storage
    /// (valid while the list is): the desk looks up a voter per visit, and a copy would be a heap block each time.
    std::span<const core::Finger> fingers;
};

/// The list the desk looks voters up in. The simulator implements it from the national roll.
class VoterList {
public:
    virtual ~VoterList() = default;
    /// The voter holding this document, if the list knows the document (any PEC; the record says which).
    virtual std::optional<VoterRecord> find_by_document(std::string_view document_number) const = 0;
    /// The template enrolled for `finger`, one of `voter.fingers` (asking for another is a programmer error).
    /// Returned by value, not in an optional: the template (about 1 KB) is then built straight in the caller's
    /// variable, where an optional would take a copy.
    virtual core::FingerprintTemplate enrolled_template(const VoterRecord& voter, core::Finger finger) const = 0;
    /// The voter's registration photo (the desk asks for it only when it falls back to the face
    /// and the document's chip gives no photo).
    virtual devices::FaceFeatures registration_photo(const VoterRecord& voter) const = 0;
};

}  // namespace station
