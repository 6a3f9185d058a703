#pragma once
/// What a trainee does in a drill (issue 14; docs/trainees.md): the help desk takes calls and
/// works tickets, a PEC chair acts on the PEC's devices, the CEC's duty officer acts on alerts and
/// on what is published. Each action is an instruction to the world, applied by sim::World::act at
/// the virtual time it is issued and kept in the drill record with the trainee's id, so a replay
/// applies it at the same point of the world's event order and reproduces the drill exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/engine.hpp"

namespace sim {

/// Who acts.
enum class TraineeRole : std::uint8_t {
    help_desk,     ///< the national help desk: calls, tickets, crews, spares
    pec_chair,     ///< a PEC's chair: desks, ballot boxes, modem
    duty_officer,  ///< the CEC's duty officer: alerts, publication
};

/// What is done. Preconditions and effects: docs/trainees.md.
enum class TraineeDo : std::uint8_t {
    // help desk
    take_call,       ///< answer a ringing call: its ticket opens
    guide,           ///< guide the PEC through the procedure by phone (phone fixes; the stationary-box decision)
    dispatch_crew,   ///< send a free crew of a base with a spare; it swaps the device at the PEC
    send_spare,      ///< send a spare desk device or modem from a base; the PEC swaps it, guided by phone
    escalate,        ///< hand the ticket to the CEC's duty officer
    close_ticket,    ///< close a ticket whose fault is resolved
    // PEC chair
    paper_list,      ///< a desk identifies every voter by the paper list, its devices left aside
    devices_back,    ///< the desk goes back to its devices
    stationary_box,  ///< an ARBB in a fault is replaced by a stationary box
    feed_reserve,    ///< the ballots in a repaired ARBB's reserve slot are fed through it (scenario pec_chairs: trainees)
    backup_channel,  ///< the modem's backup channel (the other operator) replaces a lost signal
    report_phishing, ///< report the phishing message in the chair's inbox to the CEC (an alert for the duty officer)
    follow_link,     ///< follow the phishing message: the box's key file is uploaded to the sender (the mistake)
    report_device,   ///< report the USB device a machine of the PEC blocked to the CEC (an alert for the duty officer)
    allow_device,    ///< override the block and let the USB device work (the mistake: its payload runs)
    refuse_pin,      ///< refuse the member who asks for a desk operator's PIN, and report it to the CEC (an alert)
    give_pin,        ///< tell him the PIN (the mistake: he can log in to the desk as its operator)
    lock_desk,       ///< lock a desk's session (its operator logs in again; one on a break, when she is back)
    // CEC duty officer
    acknowledge,     ///< acknowledge an alert
    hold,            ///< hold a PEC's figures back from publication
    release,         ///< publish a held PEC's figures again
    revoke,          ///< revoke the key of a PEC's ARBB (`box`): its later reports are refused, its PEC goes under review
    call_pec,        ///< phone the PEC: its chair reads out the protocols its ARBBs printed, compared with what the CEC stored
    accept,          ///< after a revocation and a call, accept the box's stored report that matches the printed protocol
    correct_page,    ///< rebuild the public page from the store (ends a display error)
    restrict_ingest, ///< take ingest connections only from the modems' networks (central::PeerFilter): a flood from elsewhere is closed at accept
};

/// Names as in drill records and on the trainee page ("help_desk", "take_call", ...).
std::string_view to_string(TraineeRole role);
std::string_view to_string(TraineeDo what);
std::optional<TraineeRole> trainee_role_from(std::string_view name);
std::optional<TraineeDo> trainee_do_from(std::string_view name);
/// The role an action belongs to.
TraineeRole role_of(TraineeDo what);

/// One trainee action. Which fields matter depends on `what` (docs/trainees.md): `ticket` for the
/// help desk's actions, `base` for dispatch_crew and send_spare, `pec` for the PEC chair's, hold / release and call_pec,
/// `unit` (desk, from 0) for paper_list / devices_back / refuse_pin / give_pin / lock_desk, `box` (0 party list, 1 district) for
/// stationary_box, feed_reserve, revoke and accept (report_device, allow_device: also kStationLaptop,
/// the identification station's laptop), `alert` for acknowledge; correct_page needs none.
struct TraineeAction {
    std::string trainee;      ///< the trainee's id (the name they joined with)
    TraineeDo what = TraineeDo::take_call;
    int ticket = 0;           ///< help desk: ticket number (from 1)
    std::string base;         ///< dispatch_crew: the base's name (election package support.yaml)
    int pec = 0;              ///< PEC number
    int unit = 0;             ///< desk (0-based)
    int box = 0;              ///< ARBB: 0 party list, 1 district
    int alert = 0;            ///< duty officer: alert number (from 1)
    bool operator==(const TraineeAction&) const = default;
};

/// "take_call ticket 3", "paper_list PEC 6006 desk 2": the action for logs and refusals.
std::string describe(const TraineeAction& action);

}  // namespace sim
