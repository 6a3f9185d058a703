#pragma once
/// A fault action: the one instruction that puts a PEC's device into a fault or takes it out, made
/// by the instructor, a drill script or a scenario's explicit fault list, and kept in drill records.
#include "devices/device.hpp"
#include "kernel/engine.hpp"
#include "sim/scenario.hpp"

namespace sim {

using kernel::Time;

/// Something the instructor (or a scenario's explicit fault list) does to one PEC's device.
struct FaultAction {
    Time at = 0;
    int pec = 0;
    FaultTarget target = FaultTarget::arbb_party_list;  ///< arbb_any is resolved before an action is made
    int unit = 0;               ///< which desk (0-based) for desk devices; ignored for ARBBs, modem, power
    devices::Fault fault = devices::Fault::jam;
    bool enter = true;          ///< true: enter the fault; false: clear it
    double severity = 1.0;
    Time duration = 0;          ///< > 0: cleared automatically after this long
    bool replace_arbb = false;  ///< after the fault the ARBB is replaced by a stationary box
    /// The PEC calls the help desk played by trainees (scenario support: {help_desk: trainees}): the
    /// fault lasts until what a trainee does ends it (no duration, no replacement; docs/trainees.md).
    bool call_support = false;
};

}  // namespace sim
