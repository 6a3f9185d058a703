#include "devices/virtual_power_supply.hpp"

#include <algorithm>

namespace devices {

VirtualPowerSupply::VirtualPowerSupply(std::string id, core::Micros full_autonomy)
    : PowerSupply(std::move(id)), full_(full_autonomy), charge_(full_autonomy) {}

void VirtualPowerSupply::advance(core::Micros now) {
    if (!started_) {
        started_ = true;
        last_ = now;
        return;
    }
    if (now <= last_) return;
    const core::Micros elapsed = now - last_;
    if (dead_)
        charge_ = 0;
    else if (on_mains_)
        charge_ = std::min(full_, charge_ + static_cast<core::Micros>(static_cast<double>(elapsed) * kRechargeRate));
    else
        charge_ = std::max<core::Micros>(0, charge_ - elapsed);
    last_ = now;
}

void VirtualPowerSupply::fault_changed(Fault fault, bool entered, core::Micros at) {
    if (fault == Fault::dead) {
        if (entered == dead_) return;  // severity change only
        advance(at);
        dead_ = entered;
        charge_ = dead_ ? 0 : full_;  // failed: no autonomy; replaced: the spare comes charged
        return;
    }
    if (fault != Fault::mains_loss) return;
    if (entered == !on_mains_) return;  // severity change only
    advance(at);
    on_mains_ = !entered;
}

bool VirtualPowerSupply::powered(core::Micros now) {
    advance(now);
    return on_mains_ || charge_ > 0;
}

core::Micros VirtualPowerSupply::autonomy_left(core::Micros now) {
    advance(now);
    return charge_;
}

}  // namespace devices
