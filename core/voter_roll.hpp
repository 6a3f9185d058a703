#pragma once
/// The national voter roll without storing it: voter i's PEC comes from the PECs' first_voter
/// ranges, and every other attribute (sex, age, birth date, personal number, document number,
/// biometric seed) is derived from (package seed, i) by hashing - data derivation, not a random
/// draw - so any of the 3.7 million voters can be materialised on demand, in any order.
/// Document numbers are a keyed permutation of voter indices, so a document leads back to its voter.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/election_package.hpp"
#include "core/result.hpp"

namespace core {

/// One registered voter.
struct Voter {
    std::int64_t index = 0;        ///< place in the national roll (PEC-ordered)
    int pec = 0;                   ///< PEC number where the voter is registered
    Sex sex = Sex::female;
    int birth_year = 0;
    int age = 0;                   ///< age on election day
    std::string pin;               ///< 14-digit personal number: 1 female / 2 male, ddmmyyyy birth date, 5 digits
    std::string document;          ///< passport / ID card number: "ID" + 7 digits, unique in the roll
    std::uint64_t biometric_seed = 0;  ///< seed of the voter's fingerprints and face (devices derive samples from it)
};

/// The voter at `index` (0 <= index < package.registered()); same package and index, same voter.
Voter voter_at(const ElectionPackage& package, std::int64_t index);

/// voter_at(package, index).biometric_seed without materialising the rest of the voter.
std::uint64_t biometric_seed_of(const ElectionPackage& package, std::int64_t index);

/// voter_at(package, index).age without materialising the rest of the voter.
int age_of(const ElectionPackage& package, std::int64_t index);

/// The PEC whose range of the roll holds `index` (binary search over first_voter), or nullptr if out of range.
const Pec* pec_of_voter(const ElectionPackage& package, std::int64_t index);

/// The roll index of the voter holding `document` ("ID" + 7 digits); an error for a malformed
/// or unknown number. O(1): inverts the keyed permutation, the roll is not stored.
Result<std::int64_t> voter_index_of_document(const ElectionPackage& package, std::string_view document);

/// The document number of voter `index` (what voter_at() puts in Voter::document).
std::string document_of_voter(const ElectionPackage& package, std::int64_t index);

}  // namespace core
