#pragma once
/// The simulator's end-to-end check: ground truth (what voters marked) vs what the ARBBs counted
/// vs what the CEC stored, per PEC and box, plus identified voters vs ballots in each box. Every
/// difference is a finding listed in results.json, never absorbed (docs/results.md); and the
/// national ARBB totals vs what the public page would show.
#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "central/store.hpp"
#include "core/election_package.hpp"
#include "sim/results.hpp"

namespace sim {

/// Every check a finding can name (results.json `reconciliation.by_check`, docs/results.md): reconcile,
/// reconcile_published and the World's publication check write no other.
inline constexpr std::array<std::string_view, 7> kReconciliationChecks{
    "identified_vs_box", "box_vs_manual_count", "awaiting_manual_count", "box_vs_stored",
    "not_stored",        "stored_vs_published", "box_vs_published"};

/// Compares, for every PEC of `results`:
/// - identified voters (identification report) vs ballots in each ARBB (more ballots than identified voters);
/// - the ARBB's counts vs a manual count of the same paper (the simulator knows what each sheet says; boxes
///   replaced by a stationary box are listed as awaiting their manual count);
/// - the ARBB's final report vs the report the CEC stored (missing or different).
std::vector<Discrepancy> reconcile(const RunResults& results, const std::vector<central::StoredReport>& stored);

/// The end of the chain: national party votes the ARBBs counted (final reports of every PEC that
/// reported) vs the party votes in the published document (docs/publication.md).
std::vector<Discrepancy> reconcile_published(const RunResults& results, const core::ElectionPackage& package,
                                             const nlohmann::json& published);

}  // namespace sim
