#pragma once
/// The PEC's own software at closing time, above its desks, boxes and transmitter: the commission's
/// closing figures, closing each ARBB with them, the PEC's identification report (its desks' reports
/// added up), and signing and queuing the final reports for the CEC.
///
/// Like the desk and the ballot box it reads time only from the `core::Clock` it is given and draws
/// no random numbers: whoever runs the PEC (the simulator, or the device's main loop) decides when
/// to close and calls these steps in order: close_box() for each box, close_identification(),
/// send_final_reports().
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/device_keys.hpp"
#include "core/identification_report.hpp"
#include "core/reports.hpp"
#include "core/result.hpp"
#include "station/ballot_box.hpp"
#include "station/identification_desk.hpp"
#include "station/transmitter.hpp"

namespace station {

/// One PEC's closing, reports and their hand-over to the transmitter.
class PollingStation {
public:
    /// The PEC `pec` of election `election`, which received `ballots_received` ballots of each form;
    /// its devices sign with `keys` (by core::kDeviceRoles) and send through `transmitter`.
    PollingStation(std::string election, int pec, std::int64_t ballots_received, std::array<core::DeviceKeyPair, 3> keys,
                   Transmitter& transmitter, const core::Clock& clock);

    /// Adds an identification desk of the PEC (its report counts in the PEC's, in the order added).
    void add_desk(const IdentificationDesk& desk);
    /// The ARBB in role core::kDeviceRoles[box] (0 party list, 1 district; a PEC abroad has no district box).
    void set_box(std::size_t box, BallotBox& ballot_box);

    /// The PEC's identification report now: the desks' reports added up, signed as device "PPPP-id-1".
    core::IdentificationReport identification_report() const;
    /// The commission's figures for a box's final report: ballots received, and the ballots issued
    /// and voters identified by all desks.
    core::ClosingFigures closing_figures() const;
    /// Closes box `box` with the closing figures and keeps its final report for sending.
    core::Result<const core::ArbbReport*> close_box(std::size_t box);
    /// Makes the PEC's identification report at closing and keeps it for sending.
    const core::IdentificationReport& close_identification();
    /// Signs each box's final report and the identification report with its device's key and queues
    /// them in the transmitter (sequence 1). A box that could not close sends an empty report.
    void send_final_reports();

    /// Public signing keys of the PEC's devices, in the order of core::kDeviceRoles (for the CEC's registry).
    std::array<core::PublicKey, 3> public_keys() const;

private:
    std::string election_;
    int pec_;
    std::int64_t ballots_received_;
    std::array<core::DeviceKeyPair, 3> keys_;
    Transmitter& transmitter_;
    const core::Clock& clock_;
    std::vector<const IdentificationDesk*> desks_;
    std::array<BallotBox*, 2> boxes_{};
    std::array<core::ArbbReport, 2> final_reports_;
    core::IdentificationReport identification_;
};

}  // namespace station
