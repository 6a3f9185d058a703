#pragma once
/// What every device has in common: an id, a kind, and a fault state with events for entering and
/// leaving each fault. Faults are states a device is in (set by the simulator, a scenario, the
/// instructor or real hardware), never coin flips inside station code.
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/fail_count.hpp"

namespace devices {

/// Device families at a PEC.
enum class DeviceKind : std::uint8_t {
    fingerprint_scanner, document_reader, webcam, ballot_scanner, printer, modem, power_supply
};

/// Every fault a device model offers. Which apply to which kind: faults_of(kind).
enum class Fault : std::uint8_t {
    dead,             ///< device does not respond at all (any kind; power supply: the UPS failed, mains only)
    degraded,         ///< fingerprint scanner: dirty sensor lowers capture quality (severity 0..1)
    jam,              ///< ballot scanner: paper jam, no ballot accepted until cleared
    misfeed,          ///< ballot scanner: ballots are returned to the voter unread (severity = share)
    misread,          ///< ballot scanner: marks misread (severity = share of ballots affected)
    box_full,         ///< ballot scanner: bin at capacity (also entered by itself on overflow)
    cover_open,       ///< ballot scanner: cover open, scanning refused
    mains_loss,       ///< power supply: mains off, UPS running down
    out_of_paper,     ///< printer
    no_signal,        ///< modem: no network
    slow,             ///< modem: link works at a fraction of its rate (severity = slowdown factor)
    flapping,         ///< modem: link drops and returns (severity = share of time down)
};

/// Human name of a fault, as used in scenarios and the console ("jam", "no_signal", ...).
std::string_view to_string(Fault fault);
/// Human name of a device kind ("ballot_scanner", ...).
std::string_view to_string(DeviceKind kind);
/// The faults a kind of device can be put in.
std::vector<Fault> faults_of(DeviceKind kind);

/// Why a device operation failed.
struct DeviceError {
    Fault cause = Fault::dead;  ///< the fault state that caused it
    std::string message;
};

/// A device operation's value, or the fault that stopped it.
template <class T>
using DeviceResult = std::expected<T, DeviceError>;

/// A fault entered or left: the record the simulator, the console and the after-action review read.
struct FaultEvent {
    std::string device_id;
    DeviceKind kind = DeviceKind::printer;
    Fault fault = Fault::dead;
    bool entered = true;       ///< true: entered; false: cleared
    double severity = 1.0;
    core::Micros at = 0;
};

/// Base of all devices: fault state with events. Thread-compatible (one PEC's devices belong to one thread).
class Device {
public:
    Device(std::string id, DeviceKind kind) : id_(std::move(id)), kind_(kind) {}
    virtual ~Device() = default;

    /// Stable id, e.g. "1001-arbb-1" (PEC number, kind, index).
    const std::string& id() const { return id_; }
    /// Device family.
    DeviceKind kind() const { return kind_; }

    /// Puts the device into a fault state (or changes its severity). Returns false if this kind has no such fault.
    bool enter_fault(Fault fault, core::Micros at, double severity = 1.0);
    /// Leaves a fault state. Returns false if the device was not in it.
    bool clear_fault(Fault fault, core::Micros at);
    /// Whether the device is in this fault state.
    bool has_fault(Fault fault) const { return (active_ >> static_cast<unsigned>(fault)) & 1u; }
    /// Severity of an active fault (0 if not active).
    double severity(Fault fault) const;
    /// True when no fault is active.
    bool healthy() const { return active_ == 0; }
    /// Bit set of active faults (bit i = Fault(i)).
    std::uint32_t active_faults() const { return active_; }

    /// Called on every fault entered or cleared (may be empty).
    using FaultListener = std::function<void(const FaultEvent&)>;
    /// Sets the listener; the simulator uses one per PEC.
    void on_fault(FaultListener listener) { listener_ = std::move(listener); }

    /// Fail-at-N hook (core::FailCount, house style): the n-th operation of this device from now
    /// (0 = the next; a capture, read, scan, routing, print or transfer) fails as the device's
    /// operations fail, once or from then on; negative disarms. For tests and drills: unarmed,
    /// it changes nothing.
    void fail_at(std::int64_t n, core::FailCount::Mode mode = core::FailCount::Mode::once) { fail_count_.arm(n, mode); }

protected:
    /// Counts one operation against the fail-at-N hook; when this one must fail, the error to
    /// return: `cause` and a sentence naming the device and the operation.
    std::optional<DeviceError> injected_failure(Fault cause, std::string_view operation);

    /// Hook for a device model that must act when a fault starts or ends (e.g. the UPS starts
    /// running down on mains_loss). Called before the listener; default does nothing.
    virtual void fault_changed(Fault /*fault*/, bool /*entered*/, core::Micros /*at*/) {}

private:
    std::string id_;
    DeviceKind kind_;
    std::uint32_t active_ = 0;
    std::vector<std::pair<Fault, double>> severities_;
    FaultListener listener_;
    core::FailCount fail_count_;
};

}  // namespace devices
