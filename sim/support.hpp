#pragma once
/// Technical support on election day (docs/support.md): the PECs' calls to the national help desk,
/// the faults fixed by phone, and the crews who drive out from their bases with a spare when the
/// phone is not enough.
///
/// The automatic dispatcher: the help desk answers calls in the order they come, on its lines. A
/// crew job goes to the nearest free crew (travel time) whose base holds the spare and is within
/// the organisation's reach, or waits for the first such crew back at its base; a crew drives back
/// to its base after each job. Spares are taken from the base when the crew sets off. The day is
/// deterministic: outcomes depend on the calls, the organisation and the seed only, and a call's
/// outcome only on the calls before it (first come, first served).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/election_package.hpp"
#include "devices/device.hpp"
#include "sim/scenario.hpp"

namespace sim {

/// How support ends a device's fault.
enum class SupportWay : std::uint8_t {
    phone,           ///< the help desk guides the PEC through it (a jam cleared, a sensor cleaned)
    crew,            ///< a crew brings a spare and swaps the device
    stationary_box,  ///< support decides on the phone that the ARBB is replaced by a stationary box
};

/// Name of a way ("phone", "crew", "stationary_box").
const char* to_string(SupportWay way);

/// How support ends `fault` of a device of `kind` (`replace_arbb`: the scenario says the ARBB is
/// replaced), or nullopt when nobody can: a network or a mains outage ends by itself, a printer out
/// of paper is refilled by the PEC.
std::optional<SupportWay> support_way(devices::DeviceKind kind, devices::Fault fault, bool replace_arbb);

/// Minutes the help desk spends on the phone for a fault (drawn uniformly): guidance for phone
/// fixes, triage before a crew is sent, the decision on a stationary box. Our estimates (docs/support.md).
struct PhoneMinutes {
    double min = 0, max = 0;
};
PhoneMinutes phone_minutes(SupportWay way);
/// Minutes a crew takes at the PEC to swap and test a device of this kind (drawn uniformly).
PhoneMinutes repair_minutes(devices::DeviceKind kind);

/// A PEC's call: one of its devices entered a fault support ends.
struct SupportCall {
    core::Micros at = 0;
    int pec = 0;                      ///< PEC number
    int region = 0;
    double lat = 0.0, lon = 0.0;      ///< where the PEC is
    devices::DeviceKind kind = devices::DeviceKind::fingerprint_scanner;
    devices::Fault fault = devices::Fault::dead;
    SupportWay way = SupportWay::phone;
    std::uint64_t stream = 0;         ///< the call's random stream within its PEC (the scenario's fault rule)
};

/// What became of one call.
struct SupportOutcome {
    core::Micros answered = -1;       ///< the help desk took the call
    core::Micros dispatched = -1;     ///< a crew set off (-1: none)
    core::Micros arrived = -1;        ///< the crew at the PEC (-1: none came)
    core::Micros resolved = -1;       ///< fault cleared or the stationary box decided (-1: never)
    int base = -1;                    ///< the crew's base (index in SupportOrganisation::bases)
};

/// The day of the support organisation.
struct SupportDay {
    std::vector<SupportCall> calls;       ///< in the order handled: time, then PEC, then stream
    std::vector<SupportOutcome> outcomes; ///< outcomes[i] of calls[i]
    bool trainees = false;                ///< the help desk was played by trainees (sim/help_desk.hpp), not the dispatcher
    int crews = 0;                        ///< crews on duty (after the scenario's share)
    int help_desk_lines = 0;
    std::array<std::int64_t, core::kSpareKindCount> spares_used{};  ///< in core::kSpareKinds order
    /// Crew time away from base (driving or repairing) per kFaultSlot-long slot from midnight, in
    /// crew-microseconds: slot i's mean busy crews is busy_by_slot[i] / kSlot.
    std::vector<core::Micros> busy_by_slot;
    static constexpr core::Micros kSlot = 30 * core::kMinute;
};

/// Runs the support organisation over the day's calls (any order; they are sorted). `seed` draws
/// each call's phone and repair minutes from the call's own stream (seed, PEC, stream).
/// The scenario's `support` settings scale each base's crews (rounded) and may replace the help desk's lines.
SupportDay dispatch_support(const core::SupportOrganisation& org, const SupportSettings& settings, std::vector<SupportCall> calls,
                            std::uint64_t seed);

/// results.json `support` (docs/results.md): what the help desk and the crews did, their times
/// (mean, 90th percentile, longest, in minutes), the crews away from base per half hour from
/// `hours_from` to `until`, and the spares used; `{"modelled": false}` when faults ended at drawn times.
nlohmann::ordered_json support_json(const std::optional<SupportDay>& day, core::Micros hours_from, core::Micros until);
/// The summary's lines about support (none without a support day).
std::string support_summary(const std::optional<SupportDay>& day);

/// Sorts calls in the order the help desk hears them: time, then PEC, then stream.
void sort_calls(std::vector<SupportCall>& calls);

/// The phone time and the repair time of one call, drawn from the call's own stream (seed, PEC,
/// stream): the same whoever answers it, the automatic dispatcher or a trainee.
struct CallTimes {
    core::Micros talk = 0;    ///< on the phone: guidance, triage or the stationary-box decision
    core::Micros repair = 0;  ///< a crew's swap and test at the PEC
};
CallTimes call_times(const SupportCall& call, std::uint64_t seed);

/// Crews of a base on duty: the base's crews times the scenario's share, rounded.
int crews_on_duty(const core::SupportBase& base, const SupportSettings& settings);

/// Index of a device kind in core::kSpareKinds (core::kSpareKindCount: no spare of that kind).
std::size_t spare_index(devices::DeviceKind kind);

/// Adds a crew's time away from base, [from, to), to the day's busy_by_slot.
void add_busy(SupportDay& day, core::Micros from, core::Micros to);

/// travel_minutes as a duration; return_time is the drive back (no set-off time).
core::Micros travel_time(const core::SupportOrganisation& org, const core::SupportBase& base, double lat, double lon);
core::Micros return_time(const core::SupportOrganisation& org, const core::SupportBase& base, double lat, double lon);

/// Minutes a crew of `base` drives to a place at (lat, lon): set-off time plus road distance
/// (great-circle distance times the organisation's circuity) at the base's speed.
double travel_minutes(const core::SupportOrganisation& org, const core::SupportBase& base, double lat, double lon);

}  // namespace sim
