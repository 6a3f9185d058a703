#pragma once
/// A simulated mains + UPS supply.
#include "devices/power_supply.hpp"

namespace devices {

/// A virtual power supply.
///
/// The UPS charge is kept as time of autonomy. Full charge: kFullAutonomy = 45 minutes - a
/// 600-800 VA line-interactive UPS feeding one ARBB (scanner + control unit, ~60-80 W) with a
/// 12 V 7-9 Ah battery lasts about 40-60 minutes. While mains is lost the charge runs down one
/// second per second; when it is empty the ARBB has no power until mains returns. With mains
/// the UPS recharges at kRechargeRate (1/8: full again after 6 hours, typical for such UPSes).
///
/// Fault dead: the UPS itself has failed (a dead battery or unit). The equipment still runs on
/// mains (through the UPS's bypass, or plugged into the wall), but there is no autonomy: while
/// mains is lost there is no power at once, and autonomy_left is 0. Clearing dead means the UPS
/// was replaced by a spare, which comes charged from the support base (kept on charge there): the
/// charge is full again at once, whether or not mains is on.
class VirtualPowerSupply final : public PowerSupply {
public:
    /// Autonomy of a fully charged UPS (see class comment).
    static constexpr core::Micros kFullAutonomy = 45 * core::kMinute;
    /// Charge regained per unit of time on mains.
    static constexpr double kRechargeRate = 1.0 / 8.0;

    /// A supply on mains with a UPS of `full_autonomy`, charged.
    explicit VirtualPowerSupply(std::string id, core::Micros full_autonomy = kFullAutonomy);

    bool powered(core::Micros now) override;
    core::Micros autonomy_left(core::Micros now) override;

protected:
    void fault_changed(Fault fault, bool entered, core::Micros at) override;

private:
    /// Brings the charge forward to `now` (never backwards).
    void advance(core::Micros now);

    core::Micros full_;
    core::Micros charge_;
    core::Micros last_ = 0;
    bool started_ = false;
    bool on_mains_ = true;
    bool dead_ = false;  ///< the UPS has failed: no charge, no recharge
};

}  // namespace devices
