#pragma once
/// Publication: what the CEC shows the public. One function derives the published JSON document
/// from the aggregated results (results_document); the results page only displays that document;
/// check_publication compares any published document with the stored results and lists every
/// difference - the check that would have caught the 2021 display-script incident, where the page
/// showed per-party figures different from what the ARBBs had sent (shared/domain/election-technology.md).
///
/// Document format: docs/publication.md (version 1). Percentages (shares, turnout, progress) are
/// published as numbers with exactly two decimals, rounded half up from exact integers
/// (percent_hundredths), so a page printing them with two decimals shows the same digits.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "central/aggregation.hpp"
#include "core/election_package.hpp"

namespace central {

/// Version of the published results document.
inline constexpr int kPublicationVersion = 1;

/// 100 * num / den in hundredths of a percent, rounded half up (0 when den is 0): 1234 = 12.34 %.
std::int64_t percent_hundredths(std::int64_t num, std::int64_t den);

/// How far a PEC's reports have come, as the page shows it.
enum class PecStatus : std::uint8_t {
    not_reported,  ///< nothing stored
    opened,        ///< only zero (or initial) reports stored
    partial,       ///< some of its final reports stored, not all
    reported,      ///< every final report it owes is stored (party list, district if any, identification)
};

/// Stable name ("not_reported", "opened", "partial", "reported").
std::string_view to_string(PecStatus status);

/// The status of one PEC from its aggregated row; `has_district` is false abroad.
PecStatus pec_status(const PecTally& pec, bool has_district);

/// The published results document (JSON API body of /api/results.json, format docs/publication.md).
/// `results` must come from aggregate(package, ...) for the same package.
nlohmann::json results_document(const Results& results, const core::ElectionPackage& package);

/// One difference between stored and published results.
struct PublicationDifference {
    std::string path;       ///< JSON pointer in the document, e.g. "/parties/2/votes"
    std::string stored;     ///< value derived from the store ("(absent)" if none)
    std::string published;  ///< value in the published document ("(absent)" if none)
};

/// Compares a published document with the stored results: every field of
/// results_document(stored, package) must be present in `published` with the same value, and
/// `published` must hold nothing else. Returns every difference (empty = the publication is true).
std::vector<PublicationDifference> check_publication(const Results& stored, const core::ElectionPackage& package,
                                                     const nlohmann::json& published);

/// One line per difference: "/parties/2/votes: stored 1234, published 1240".
std::string describe(const std::vector<PublicationDifference>& differences);

/// The results page: one self-contained HTML document (inline CSS and JS, no outside resource)
/// that fetches /api/results.json and renders it. Source: central/results_page.html, embedded at
/// build time (central/CMakeLists.txt).
std::string_view results_page_html();

}  // namespace central
