#include "sim/roll_voter_list.hpp"

#include <algorithm>
#include <cassert>
#include <new>
#include <type_traits>

#include "core/voter_roll.hpp"
#include "devices/synthetic_finger.hpp"
#include "devices/virtual_webcam.hpp"

namespace sim {

std::optional<station::VoterRecord> RollVoterList::find_by_document(std::string_view document_number) const {
    const auto index = core::voter_index_of_document(package_, document_number);
    if (!index) return std::nullopt;
    const core::Pec* pec = core::pec_of_voter(package_, *index);
    station::VoterRecord record;
    record.voter_id = *index;
    record.pec = pec ? pec->number : 0;
    record.fingers = kEnrolled;
    return record;
}

core::FingerprintTemplate RollVoterList::enrolled_template(const station::VoterRecord& voter, core::Finger finger) const {
    assert(std::find(kEnrolled.begin(), kEnrolled.end(), finger) != kEnrolled.end());
    assert(voter.voter_id >= 0 && voter.voter_id < registered_);
    const std::uint64_t seed = core::biometric_seed_of(package_, voter.voter_id);
    return devices::enrolment_template(master(seed, finger), seed, finger);
}

const devices::SyntheticFinger& RollVoterList::master(std::uint64_t biometric_seed, core::Finger finger) const {
    struct Cached {
        std::uint64_t seed = 0;
        core::Finger finger = core::Finger::right_index;
        bool valid = false;
        devices::SyntheticFinger master;
    };
    thread_local Cached cache;  // one voter at a time per thread: the last finger asked for
    if (!cache.valid || cache.seed != biometric_seed || cache.finger != finger) {
        // Generated straight into the cache (guaranteed elision): assigning it would copy ~1 KB per voter.
        static_assert(std::is_trivially_destructible_v<devices::SyntheticFinger>, "replaced without destroying");
        ::new (&cache.master) devices::SyntheticFinger(devices::SyntheticFinger::generate(biometric_seed, finger));
        cache.seed = biometric_seed;
        cache.finger = finger;
        cache.valid = true;
    }
    return cache.master;
}

devices::FaceFeatures RollVoterList::registration_photo(const station::VoterRecord& voter) const {
    return devices::document_photo(core::biometric_seed_of(package_, voter.voter_id));
}

}  // namespace sim
