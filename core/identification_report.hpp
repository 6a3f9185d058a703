#pragma once
/// The identification desk's report: how many voters were identified and how, and how many
/// received ballots. The central server and the reconciliation compare ballots_issued with
/// the ARBB counts of the same PEC.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace core {

/// How voters were identified: one count per outcome, for a desk, a PEC or the whole country.
struct IdentificationCounts {
    std::int64_t fingerprint = 0;                ///< identified by the first enrolled finger
    std::int64_t other_finger = 0;               ///< identified by another enrolled finger
    std::int64_t face = 0;                       ///< identified by face against the document photo
    std::int64_t manual = 0;                     ///< identified by the paper-list procedure
    std::int64_t refused_already_voted = 0;      ///< second attempts refused (one voter, one vote)
    std::int64_t refused_not_on_list = 0;        ///< documents not on this PEC's list
    std::int64_t refused_other = 0;              ///< other refusals (no document presented)
    std::int64_t ballots_issued = 0;             ///< voters who received ballots (sum of the four identified outcomes)
    std::int64_t receipts_not_printed = 0;       ///< ballots issued without a receipt (printer out of paper or dead)

    /// Voters identified by any of the four means.
    std::int64_t identified() const { return fingerprint + other_finger + face + manual; }
    /// Voters refused for any reason.
    std::int64_t refused() const { return refused_already_voted + refused_not_on_list + refused_other; }
    /// Adds another desk's or PEC's counts.
    IdentificationCounts& operator+=(const IdentificationCounts& o);
    /// Field-wise equality.
    friend bool operator==(const IdentificationCounts&, const IdentificationCounts&) = default;
};

/// The identification report of a desk, or the PEC's sum of its desks' reports (the one signed and sent).
struct IdentificationReport : IdentificationCounts {
    int pec = 0;                                 ///< PEC number
    std::string device_id;                       ///< who made it: one desk's report carries its fingerprint scanner's id;
                                                 ///< the PEC's summed report, the one signed and sent, the signing
                                                 ///< identity "PPPP-id-1" of the key registry
    Micros at = 0;                               ///< when the report was made
    std::optional<std::int64_t> registered;      ///< voters on the PEC's list, when known

    /// Field-wise equality.
    friend bool operator==(const IdentificationReport&, const IdentificationReport&) = default;
};

}  // namespace core
