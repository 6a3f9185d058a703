#pragma once
/// The election package: everything about one election that the stations, the central server
/// and the simulator share (regions, districts, PECs, parties and lists, district candidates,
/// rules). Loaded from YAML files in a folder such as assets/kg2021/ (format: docs/election-package.md).
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace core {

/// Sex as recorded in the voter list and on candidate lists.
enum class Sex : std::uint8_t { female, male };

/// An oblast, one of the two cities of republican significance, or "abroad".
struct Region {
    int code = 0;               ///< first digit of its PEC numbers (1 Bishkek ... 9 abroad)
    std::string name;
    std::int64_t voters = 0;    ///< registered voters in the single constituency
    int districts = 0;          ///< single-mandate districts in it (0 abroad)
    int pecs = 0;
    bool abroad = false;
    double turnout_bias = 0.0;  ///< additive turnout shift vs national (calibration, documented in the package)
};

/// A candidate on a party's list for the single nationwide constituency.
struct ListCandidate {
    int position = 0;           ///< 1-based place on the list
    std::string name;
    Sex sex = Sex::female;
    int birth_year = 0;
    bool minority = false;      ///< belongs to an ethnic minority (list quota)
    bool disability = false;    ///< person with disabilities (list quota)
};

/// A party in the single nationwide constituency.
struct Party {
    int id = 0;                 ///< 1-based, order on the ballot
    std::string name;
    double support = 0.0;       ///< probability a valid, non-"against all" single-constituency ballot picks it (ground-truth model input)
    std::vector<ListCandidate> list;
};

/// A candidate in a single-mandate district.
struct DistrictCandidate {
    int id = 0;                 ///< 1-based, order on the district ballot; 0 means "against all"
    std::string name;
    Sex sex = Sex::female;
    std::string nominated_by;   ///< party name or "self-nominated"
    double support = 0.0;       ///< calibrated share of the district's votes
};

/// A single-mandate district.
struct District {
    int number = 0;             ///< 1..36
    int region_code = 0;
    std::string name;
    std::int64_t voters = 0;
    std::vector<DistrictCandidate> candidates;
    double against_all = 0.0;   ///< calibrated share voting "against all"
};

/// A precinct election commission (polling station).
struct Pec {
    int number = 0;             ///< 4 digits, first digit = region code
    int region_code = 0;
    int district = 0;           ///< single-mandate district number, 0 abroad
    std::int64_t registered = 0;
    std::int64_t first_voter = 0;  ///< index of its first voter in the national roll (roll is PEC-ordered)
    int id_desks = 0;           ///< biometric identification desks (operators on duty)
    double lat = 0.0, lon = 0.0;   ///< map position (abroad: the host country's capital)
    std::string place;          ///< settlement, or host country abroad
};

/// Rules of the election (2021: Constitutional Law on Elections of the President and Deputies).
struct ElectionRules {
    int seats_total = 0;
    int seats_party_list = 0;
    int seats_single_mandate = 0;
    double threshold_national = 0.0;
    double threshold_regional = 0.0;
    double women_reserved_share = 0.0;
    int max_list_length = 0;
    std::string party_list_method;      ///< "largest_remainder_hare"
    std::string single_mandate_method;  ///< "plurality"
    double turnout = 0.0;               ///< calibrated national turnout (ground-truth model input)
    double invalid_share = 0.0;         ///< calibrated share of ballots that are spoilt
    double against_all = 0.0;           ///< calibrated "against all" share, single constituency
    double list_max_one_sex_share = 0.0;   ///< at most this share of a list of one sex (0.70)
    int list_max_same_sex_run = 0;         ///< at most this many consecutive places of one sex (3)
    double list_youth_min_share = 0.0;     ///< at least this share of a list aged <= list_youth_max_age (0.15)
    int list_youth_max_age = 0;            ///< youth means this age or younger on election day (35)
    double list_minority_min_share = 0.0;  ///< at least this share of a list from ethnic minorities (0.15)
    double list_disability_min_share = 0.0;  ///< at least this share of a list with disabilities (0.05)
};

/// An age band of the voter roll, e.g. 30..39 holding 24 % of voters.
struct AgeBand {
    int from = 0;               ///< youngest age in the band (on election day)
    int to = 0;                 ///< oldest age in the band
    double share = 0.0;         ///< share of registered voters in the band
};

/// Who is on the voter roll, in aggregate: what each voter's sex and age are derived from.
struct VoterProfile {
    double men_share = 0.0;     ///< share of men among registered voters
    std::vector<AgeBand> age_bands;  ///< disjoint, ascending, shares summing to 1
};

/// Device kinds a support base keeps spares of, in the order of SupportBase::spares (the names are
/// devices::to_string(DeviceKind)'s: "ballot_scanner" is an ARBB's scanner unit, "power_supply" its UPS).
inline constexpr const char* kSpareKinds[] = {"fingerprint_scanner", "document_reader", "webcam", "printer",
                                              "ballot_scanner",      "modem",           "power_supply"};
inline constexpr std::size_t kSpareKindCount = std::size(kSpareKinds);

/// A technical support base (a territorial commission's support group): its crews set off from it
/// with the spare devices it holds.
struct SupportBase {
    std::string name;
    int region_code = 0;
    int district = 0;               ///< the single-mandate district it sits in (0 abroad)
    double lat = 0.0, lon = 0.0;
    int crews = 0;                  ///< crews on duty (one technician and a car each)
    double road_kmh = 0.0;          ///< mean speed on its roads (terrain)
    std::array<int, kSpareKindCount> spares{};  ///< spares per kind, in kSpareKinds order
};

/// The technical support organisation of election day (support.yaml; docs/support.md): a national
/// help desk that answers the PECs' calls and the bases whose crews come when the phone is not enough.
struct SupportOrganisation {
    int help_desk_lines = 0;        ///< calls answered at once
    double road_circuity = 0.0;     ///< road distance over straight-line distance (>= 1)
    double set_off_minutes = 0.0;   ///< from the dispatch call to the car leaving the base
    double max_travel_minutes = 0.0;  ///< a crew does not go further than this (one way)
    std::vector<SupportBase> bases;
};

/// A whole election package.
struct ElectionPackage {
    std::string name;
    std::string date;            ///< ISO date of election day
    std::uint64_t seed = 0;      ///< seed the generated parts were made from
    ElectionRules rules;
    VoterProfile voter_profile;  ///< sex and age make-up of the roll (core/voter_roll.hpp derives voters from it)
    std::vector<Region> regions;
    std::vector<District> districts;
    std::vector<Party> parties;
    std::vector<Pec> pecs;       ///< sorted by number; first_voter ascending
    std::optional<SupportOrganisation> support;  ///< support.yaml; without it faults end at drawn times

    /// Total registered voters (single constituency).
    std::int64_t registered() const;
    /// The PEC with this number, or nullptr.
    const Pec* find_pec(int number) const;
    /// The region with this code, or nullptr.
    const Region* find_region(int code) const;
    /// The district with this number, or nullptr.
    const District* find_district(int number) const;
};

/// Loads and validates a package folder. Errors name the file, line and field.
Result<ElectionPackage> load_election_package(const std::filesystem::path& dir);

/// The contents of a package's YAML files.
struct ElectionPackageTexts {
    std::string election, regions, districts, parties, pecs;  ///< election.yaml, regions.yaml, ...
    std::optional<std::string> support;                       ///< support.yaml, if the package has one
};

/// load_election_package of a folder `dir` whose files hold `texts` (nothing is read; `dir` names
/// the files in errors): for tests and the fuzz target (tests/fuzz/).
Result<ElectionPackage> parse_election_package(const ElectionPackageTexts& texts, const std::filesystem::path& dir);

/// Checks one party list against the list rules in `rules` (sex share and alternation, youth,
/// minority and disability quotas) for an election held in `election_year`. The error names the rule.
Result<void> check_party_list(const Party& party, const ElectionRules& rules, int election_year);

}  // namespace core
