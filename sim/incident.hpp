#pragma once
/// Cyber incidents a drill injects into the running chain (issue 15; docs/drills.md, "Incidents").
/// Each is done to the real code, nothing is animated: the attacker's messages are built from what a
/// capture of the network would hold (the signed final report a box sent, exactly as the CEC received
/// it) and handed to the real central::Ingest as any delivery is (sim::CentralLink::arm); the 2021
/// display error puts the public page's party rows out of step with the store (sim::World).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "kernel/engine.hpp"

namespace sim {

using kernel::Time;

/// What happens.
enum class IncidentKind : std::uint8_t {
    rogue_device,    ///< a device whose key is not in the registry sends the box's final report with changed counts
    replay,          ///< the box's final report, captured, sent again `copies` times within a minute
    altered_replay,  ///< the captured report with changed counts under its own sequence number and signature
    stolen_key,      ///< the box's key in an attacker's hands: a validly signed, newer final report with changed counts
    display_error,   ///< the public page shows each party's figures on the row below (the 2021 error) until corrected
    phishing,        ///< a message to the PEC's chair asks for the box's key file: following it leaks the key (a
                     ///< stolen_key attack follows), reporting it warns the CEC's duty officer
    usb_device,      ///< a USB device plugged into an ARBB or the identification station's laptop: the machine's
                     ///< USB policy (station::UsbPolicy) decides; a blocked one waits for the chair to report or allow it
    pin_request,     ///< a commission member asks the chair for a desk operator's PIN: telling it lets him log in as her
    desk_break,      ///< a desk's operator goes on a break and leaves her session open: kIntruderAfter into the break a
                     ///< member sits down and, if the desk is open (or he knows the PIN), issues ballots to collected passports
    flood,           ///< a flood of connections on the CEC's ingest (sim/flood.hpp): at the connection cap the budget
                     ///< closes the PECs' connections before their reports arrive, until the ingest is restricted;
                     ///< or on the results page (`on_page`): the CEC's availability probe of the page fails
};

/// How many kinds there are (IncidentKind's values are 0 to kIncidentKinds - 1).
inline constexpr std::size_t kIncidentKinds = 10;

/// How long into a desk_break the member who wants the desk sits down at it.
inline constexpr Time kIntruderAfter = 5 * core::kMinute;

/// Incident::box of a usb_device plugged into the identification station's laptop (0 and 1 are the ARBBs).
inline constexpr int kStationLaptop = 2;

/// One incident. The attacks on the wire (all but display_error) act on one box's final report: at
/// once when the CEC has received it, otherwise the moment it does (an attacker on the wire waits for it).
struct Incident {
    IncidentKind kind = IncidentKind::replay;
    int pec = 0;      ///< the PEC whose box is attacked (display_error: unused, 0)
    int box = 0;      ///< 0 the party-list ARBB, 1 the district ARBB (usb_device: or kStationLaptop)
    int copies = 30;  ///< replay: copies sent, spread over one minute
    std::string usb;  ///< usb_device: a named device (usb_devices()) or a USBGuard device description
    int desk = 0;     ///< pin_request, desk_break: the desk (from 0)
    Time away = 30 * core::kMinute;  ///< desk_break: how long the operator is away
    int ballots = 15;  ///< desk_break: ballots the member issues if he gets into the desk
    int rate = 12'000;        ///< flood: connections a second
    int addresses = 20'000;   ///< flood: the addresses they come from
    Time lasts = 20 * core::kMinute;  ///< flood: how long it goes on
    bool on_page = false;     ///< flood: on the results page instead of the ingest
    bool operator==(const Incident&) const = default;
};

/// Stable names ("rogue_device", ...), as in drill files and records.
std::string_view to_string(IncidentKind kind);
std::optional<IncidentKind> incident_kind_from(std::string_view name);
/// "stolen_key PEC 6006 party_list box": for logs and refusals.
std::string describe(const Incident& incident);

/// The 2021 display script's kind of error on a published results document (central/publication.hpp):
/// each party's row shows the next row's votes (the last row the first's), so the page's figures no
/// longer match the store.
void shift_party_rows(nlohmann::json& published);

/// Where a usb_device is plugged in ("party_list", "district", "station"), as drill files name it.
std::string_view host_name(int box);

/// The devices a usb_device incident may name instead of a description: a USB stick, a keyboard
/// that types what it was programmed to (a "BadUSB" device), the modem model the CEC procured (a
/// spare: the ARBB's policy allows it), and a device that claims the modem's id with a keyboard
/// interface too.
struct NamedUsbDevice {
    std::string_view name;
    std::string_view description;  ///< in USBGuard's device rule syntax, without the leading "device"
    bool payload;                   ///< allowed to run, it takes the machine's key file (or encrypts the station)
};
std::span<const NamedUsbDevice> usb_devices();
/// The device description of `usb` (a name of usb_devices(), or a description starting with "id "),
/// and whether it carries a payload (a description given in full is taken to carry one).
std::optional<NamedUsbDevice> usb_device(std::string_view usb);

/// What a pin_request's member says to the chair.
std::string pin_request_text(const Incident& incident, std::string_view operator_name);

/// The phishing message a PEC's chair receives (sim::World::inbox).
std::string phishing_text(const Incident& incident);

/// The device id the rogue device of `pec` uses: one the registry never holds ("PPPP-arbb-9").
std::string rogue_device_id(int pec);

/// One message of an attack: its bytes and when it leaves, after the moment the attack acts.
struct CraftedMessage {
    std::vector<std::uint8_t> bytes;
    Time after = 0;
};

/// The messages an attacker sends for `incident` (not display_error), built from `captured` - the
/// signed final report the box sent - and signed, where the attack signs, with `secret_seed`'s keys
/// (core::derive_device_keys; the simulator's devices use core::kSimulatedDeviceSecret). Counts are
/// changed by moving votes from the leading option to the second, so every sum and control ratio
/// still holds and only a comparison with the printed protocol shows it. Fails on bytes that are
/// not a signed final ARBB report, or one with nothing to move.
core::Result<std::vector<CraftedMessage>> craft_attack(const Incident& incident, std::span<const std::uint8_t> captured,
                                                       std::uint64_t secret_seed, Time now);

}  // namespace sim
