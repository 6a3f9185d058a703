#pragma once
/// Power for an ARBB: mains plus a UPS that runs down while mains is off (or has failed).
#include "core/clock.hpp"
#include "devices/device.hpp"

namespace devices {

/// A power supply (mains + UPS). Faults: mains_loss; dead (the UPS itself failed: mains only, no autonomy).
class PowerSupply : public Device {
public:
    /// A power supply with this device id, e.g. "1001-ups-1".
    explicit PowerSupply(std::string id) : Device(std::move(id), DeviceKind::power_supply) {}

    /// Whether the equipment behind it has power at `now` (mains, or UPS not yet empty).
    /// `now` must not go backwards between calls.
    virtual bool powered(core::Micros now) = 0;
    /// UPS autonomy left at `now` (how long it would last from now without mains).
    virtual core::Micros autonomy_left(core::Micros now) = 0;
};

}  // namespace devices
