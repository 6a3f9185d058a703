#pragma once
/// The thermal printer at a PEC: identification receipts and the ARBB's zero, initial and final reports.
#include <string_view>

#include "core/clock.hpp"
#include "devices/device.hpp"

namespace devices {

/// A printer. Faults: dead, out_of_paper.
class Printer : public Device {
public:
    /// A printer with this device id, e.g. "1001-printer-1".
    explicit Printer(std::string id) : Device(std::move(id), DeviceKind::printer) {}

    /// Prints one document (a receipt or a report) at time `now`; fails when dead or out of paper.
    virtual DeviceResult<void> print(std::string_view text, core::Micros now) = 0;
};

}  // namespace devices
