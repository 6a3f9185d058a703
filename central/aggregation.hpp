#pragma once
/// Preliminary results from the stored reports: national, region, district and PEC tallies,
/// turnout, reporting progress, party-list seats and mandates, district winners.
///
/// Which reports count: for each PEC and box, the final report with the highest sequence number
/// (zero and initial reports count only towards progress). Turnout is ballots in the party-list
/// box / registered voters of the PECs that reported. The threshold base given to
/// core::allocate_list_seats is "voters who took part" = ballots in the party-list boxes, per the
/// 2021 law; regional thresholds are tested in every region that is not abroad.
#include <cstdint>
#include <string>
#include <vector>

#include "central/store.hpp"
#include "core/election_package.hpp"
#include "core/seat_allocation.hpp"

namespace central {

/// Sums over a set of PECs for one box.
struct Tally {
    int pecs = 0;                      ///< PECs in the set
    int pecs_reporting = 0;            ///< PECs whose final report of this box is stored
    std::int64_t registered = 0;       ///< registered voters of all PECs in the set
    std::int64_t registered_reporting = 0;  ///< registered voters of the reporting PECs
    std::int64_t ballots_in_box = 0;   ///< ballots in the boxes (voters who took part)
    std::int64_t valid = 0;            ///< valid ballots
    std::int64_t invalid = 0;          ///< invalid ballots
    std::vector<std::int64_t> option_votes;  ///< [0] against all, [i] party or candidate i
    /// Turnout among reporting PECs (0 if none reported).
    double turnout() const { return registered_reporting ? static_cast<double>(ballots_in_box) / registered_reporting : 0.0; }
    /// Share of PECs reporting.
    double progress() const { return pecs ? static_cast<double>(pecs_reporting) / pecs : 0.0; }
};

/// Party-list results of one region.
struct RegionResult {
    int code = 0;           ///< region code
    std::string name;       ///< region name
    Tally party_list;       ///< party-list box tally
};

/// Results of one single-mandate district.
struct DistrictResultRow {
    int number = 0;                  ///< district number
    std::string name;                ///< district name
    Tally district;                  ///< district box tally ([i] = candidate i)
    core::DistrictResult decision;   ///< winner or repeat election (on the votes counted so far)
};

/// The counts of one box's final report at one PEC (zero and empty until that report is stored).
struct BoxCounts {
    std::int64_t ballots_in_box = 0;         ///< ballots in the box
    std::int64_t valid = 0;                  ///< valid ballots
    std::int64_t invalid = 0;                ///< invalid ballots
    std::vector<std::int64_t> option_votes;  ///< [0] against all, [i] party or candidate i
};

/// What is known of one PEC.
struct PecTally {
    int number = 0;                      ///< PEC number
    bool zero_party_list = false;        ///< zero report of the party-list box stored
    bool zero_district = false;          ///< zero report of the district box stored
    bool final_party_list = false;       ///< final party-list report stored
    bool final_district = false;         ///< final district report stored
    bool identification = false;         ///< identification report stored
    std::int64_t registered = 0;         ///< registered voters
    std::int64_t ballots_in_box = 0;     ///< party-list box, final report
    std::int64_t ballots_issued = 0;     ///< identification report
    bool flagged = false;                ///< a stored report carries protocol findings
    BoxCounts party_list_box;            ///< the counted party-list report (final_party_list)
    BoxCounts district_box;              ///< the counted district report (final_district)
};

/// Mandates of one party.
struct PartyMandates {
    std::string party;               ///< party name
    core::ListMandates mandates;     ///< who is elected
};

/// All preliminary results.
struct Results {
    Tally national;                          ///< party-list box, whole country and abroad
    std::vector<RegionResult> regions;       ///< in package order
    std::vector<DistrictResultRow> districts;///< in package order
    std::vector<PecTally> pecs;              ///< in package order
    core::ListSeatAllocation seats;          ///< party-list seats
    std::vector<PartyMandates> mandates;     ///< parties with seats, in ballot order
    std::int64_t reports_stored = 0;         ///< every stored report
    std::int64_t reports_expected = 0;       ///< final reports expected (boxes) + identification reports
    std::int64_t reports_final = 0;          ///< final + identification reports stored
    /// PECs whose reports were left out: held by an operator or under review after a revocation
    /// (central/oversight.hpp), ascending. Their rows show no reports.
    std::vector<int> withheld;
};

/// Computes the results from stored reports. Errors: a report for a PEC not in the package,
/// counts shaped unlike the package's ballots, or inconsistent seat rules.
core::Result<Results> aggregate(const core::ElectionPackage& package, const std::vector<StoredReport>& reports);

/// The published results: `reports` except those of PECs `oversight` withholds (held, or under
/// review after a revocation: central/oversight.hpp), which are listed in Results::withheld, and
/// those of a revoked device sent after the report an operator accepted (OperatorDo::accept);
/// Results::reports_stored still counts every report.
core::Result<Results> aggregate(const core::ElectionPackage& package, std::vector<StoredReport> reports, const Oversight& oversight);

/// The published results of the store: aggregate(package, store.reports(), store.oversight()).
core::Result<Results> aggregate(const core::ElectionPackage& package, const ReportStore& store);

}  // namespace central
