#pragma once
/// The night's results in the NIST SP 1500-100 Election Results Common Data Format, version 2
/// (XML; schema docs/schemas/NIST_V2_election_results_reporting.xsd, copied unchanged from NIST),
/// so observers and media can check the CEC's figures with their own tools.
///
/// One ElectionReport (Format precinct-level) holding one Election with a PartyContest for the
/// single nationwide constituency and a CandidateContest per single-mandate district; GpUnits for
/// the country, the regions, the districts and every PEC (as a precinct); VoteCounts per selection
/// for the country, each region (party list) or the district, and each PEC whose final report of
/// that box is stored (an unreported PEC has no VoteCounts, only its GpUnit). "Against all" is a
/// BallotMeasureSelection (NIST v2 has no "none of the above" selection). Ballots and invalid
/// ballots are Election BallotCounts. The mapping, figure by figure: docs/nist-export.md.
///
/// Written with libxml2's xmlwriter; deterministic (package order, no clock: the generation time
/// is the caller's), so the same store and time give the same bytes.
#include <filesystem>
#include <string>
#include <string_view>

#include "central/aggregation.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"

namespace central {

/// The namespace of NIST SP 1500-100 v2 documents.
inline constexpr std::string_view kNistNamespace = "http://itl.nist.gov/ns/voting/1500-100/v2";

/// What the report says about itself.
struct NistExportOptions {
    /// ElectionReport/GeneratedDate: date, time and zone, whole seconds, e.g. "2021-11-28T23:15:00+06:00"
    /// (the schema's DateTimeWithZone). Required; central/ has no clock.
    std::string generated_date;
    std::string issuer = "Central Commission for Elections and Referenda of the Kyrgyz Republic";
    std::string issuer_abbreviation = "CEC";
    std::string vendor_application_id = "Shailoo Sim central server";
};

/// "unofficial-complete" when every PEC's final party-list report (and district report, if it has
/// a district) is counted, else "unofficial-partial".
std::string_view nist_status(const Results& results, const core::ElectionPackage& package);

/// The ElectionReport as XML text (UTF-8). `results` must come from aggregate(package, ...).
/// Errors: results not shaped like the package, a package date that is not YYYY-MM-DD, a
/// generation time not in the schema's form, a name that is not valid UTF-8 XML text.
core::Result<std::string> nist_results_xml(const Results& results, const core::ElectionPackage& package,
                                           const NistExportOptions& options);

/// Validates XML text against an XSD file with libxml2 (no network access, no entity expansion).
/// The error lists the problems libxml2 found, one a line with its line number.
core::Result<void> validate_xml(std::string_view xml, const std::filesystem::path& xsd);

}  // namespace central
