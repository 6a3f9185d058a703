#pragma once
/// The national help desk played by trainees (scenario `support: {help_desk: trainees}`;
/// docs/trainees.md). The PECs' calls ring as their faults start; nothing happens to a call until a
/// trainee takes it, and the fault lasts until what the trainee did ends it. The same calls, phone
/// and repair times, crews, spares and travel model as the automatic dispatcher (sim/support.hpp),
/// so a trainee's day and the dispatcher's can be compared; only the decisions are the trainee's.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/election_package.hpp"
#include "core/result.hpp"
#include "sim/support.hpp"

namespace sim {

/// Where a ticket stands.
enum class TicketState : std::uint8_t {
    ringing,   ///< the PEC is calling; nobody has answered
    open,      ///< answered; nothing decided yet
    working,   ///< guidance under way or a crew on its way / at the PEC
    resolved,  ///< the fault is ended (or the stationary box decided)
    closed,    ///< the help desk closed it
};
const char* to_string(TicketState state);

/// One call as the help desk sees it.
struct Ticket {
    int number = 0;                 ///< 1, 2, ... in the order the calls ring
    TicketState state = TicketState::ringing;
    bool escalated = false;         ///< handed to the CEC's duty officer
    std::string taken_by;           ///< the trainee who took the call
    const SupportCall* call = nullptr;
    const SupportOutcome* outcome = nullptr;  ///< times so far (-1: not yet)
};

/// What an accepted action did, for the log and the PEC.
struct DeskDecision {
    std::string said;                  ///< what happened, in words
    std::optional<std::size_t> call;   ///< a call whose outcome the PEC must be told (index in day().calls)
};

class HelpDesk {
public:
    /// The day's calls (any order; sorted as the help desk hears them) and the support organisation;
    /// `seed` draws the calls' phone and repair times (sim::call_times).
    HelpDesk(const core::SupportOrganisation& org, const SupportSettings& settings, std::vector<SupportCall> calls, std::uint64_t seed);

    /// A call that was not planned (an instructor's inject): it rings at its time, after every call
    /// that rings before or at the same time, so no ticket that has rung changes its number.
    void add_call(const SupportCall& call);

    /// The tickets of the calls that have rung by `now`, oldest first.
    std::vector<Ticket> tickets(core::Micros now) const;
    /// Free crews of each base at `now` (index as in the organisation's bases).
    std::vector<int> free_crews(core::Micros now) const;
    /// Spares left at each base, by kind (core::kSpareKinds order).
    const std::vector<std::array<int, core::kSpareKindCount>>& spares() const { return spares_; }

    /// The help desk's actions at `now`; a refusal says why. `trainee` is who acts.
    core::Result<DeskDecision> take_call(int ticket, core::Micros now, const std::string& trainee);
    core::Result<DeskDecision> guide(int ticket, core::Micros now);
    core::Result<DeskDecision> dispatch_crew(int ticket, const std::string& base, core::Micros now);
    core::Result<DeskDecision> send_spare(int ticket, const std::string& base, core::Micros now);
    core::Result<DeskDecision> escalate(int ticket, core::Micros now);
    core::Result<DeskDecision> close_ticket(int ticket, core::Micros now);

    /// The day so far, in the automatic dispatcher's form (results.json `support`).
    const SupportDay& day() const { return day_; }
    /// The organisation.
    const core::SupportOrganisation& organisation() const { return org_; }

private:
    struct Crew {
        std::size_t base = 0;
        core::Micros free_at = 0;
    };
    struct State {
        TicketState state = TicketState::ringing;
        bool escalated = false;
        std::string taken_by;
    };
    // The ticket if it has rung by `now`, else why not; `need` the states the action may start from.
    core::Result<std::size_t> find(int ticket, core::Micros now, std::initializer_list<TicketState> need, const char* action) const;
    std::optional<std::size_t> base_named(const std::string& name) const;
    // Takes a spare for the call's device from the named base, if it has one and reaches the PEC.
    core::Result<std::size_t> take_spare(const SupportCall& call, const std::string& base);

    const core::SupportOrganisation& org_;
    std::uint64_t seed_;
    SupportDay day_;
    std::vector<State> states_;
    std::vector<Crew> crews_;
    std::vector<std::array<int, core::kSpareKindCount>> spares_;
};

}  // namespace sim
