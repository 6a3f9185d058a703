// Names of the trainees' roles and actions (sim/trainee_action.hpp).
#include "sim/trainee_action.hpp"

#include <fmt/core.h>

#include <array>
#include <utility>

#include "sim/incident.hpp"

namespace sim {
namespace {

constexpr std::array<std::pair<TraineeRole, std::string_view>, 3> kRoles{{
    {TraineeRole::help_desk, "help_desk"},
    {TraineeRole::pec_chair, "pec_chair"},
    {TraineeRole::duty_officer, "duty_officer"},
}};

struct DoName {
    TraineeDo what;
    std::string_view name;
    TraineeRole role;
};

constexpr std::array<DoName, 26> kDos{{
    {TraineeDo::take_call, "take_call", TraineeRole::help_desk},
    {TraineeDo::guide, "guide", TraineeRole::help_desk},
    {TraineeDo::dispatch_crew, "dispatch_crew", TraineeRole::help_desk},
    {TraineeDo::send_spare, "send_spare", TraineeRole::help_desk},
    {TraineeDo::escalate, "escalate", TraineeRole::help_desk},
    {TraineeDo::close_ticket, "close_ticket", TraineeRole::help_desk},
    {TraineeDo::paper_list, "paper_list", TraineeRole::pec_chair},
    {TraineeDo::devices_back, "devices_back", TraineeRole::pec_chair},
    {TraineeDo::stationary_box, "stationary_box", TraineeRole::pec_chair},
    {TraineeDo::feed_reserve, "feed_reserve", TraineeRole::pec_chair},
    {TraineeDo::backup_channel, "backup_channel", TraineeRole::pec_chair},
    {TraineeDo::report_phishing, "report_phishing", TraineeRole::pec_chair},
    {TraineeDo::follow_link, "follow_link", TraineeRole::pec_chair},
    {TraineeDo::report_device, "report_device", TraineeRole::pec_chair},
    {TraineeDo::allow_device, "allow_device", TraineeRole::pec_chair},
    {TraineeDo::refuse_pin, "refuse_pin", TraineeRole::pec_chair},
    {TraineeDo::give_pin, "give_pin", TraineeRole::pec_chair},
    {TraineeDo::lock_desk, "lock_desk", TraineeRole::pec_chair},
    {TraineeDo::acknowledge, "acknowledge", TraineeRole::duty_officer},
    {TraineeDo::hold, "hold", TraineeRole::duty_officer},
    {TraineeDo::release, "release", TraineeRole::duty_officer},
    {TraineeDo::revoke, "revoke", TraineeRole::duty_officer},
    {TraineeDo::call_pec, "call_pec", TraineeRole::duty_officer},
    {TraineeDo::accept, "accept", TraineeRole::duty_officer},
    {TraineeDo::correct_page, "correct_page", TraineeRole::duty_officer},
    {TraineeDo::restrict_ingest, "restrict_ingest", TraineeRole::duty_officer},
}};

const DoName& entry(TraineeDo what) {
    for (const auto& d : kDos)
        if (d.what == what) return d;
    return kDos[0];
}

}  // namespace

std::string_view to_string(TraineeRole role) {
    for (const auto& [r, name] : kRoles)
        if (r == role) return name;
    return "?";
}

std::string_view to_string(TraineeDo what) { return entry(what).name; }

TraineeRole role_of(TraineeDo what) { return entry(what).role; }

std::optional<TraineeRole> trainee_role_from(std::string_view name) {
    for (const auto& [r, n] : kRoles)
        if (n == name) return r;
    return std::nullopt;
}

std::optional<TraineeDo> trainee_do_from(std::string_view name) {
    for (const auto& d : kDos)
        if (d.name == name) return d.what;
    return std::nullopt;
}

std::string describe(const TraineeAction& a) {
    switch (a.what) {
        case TraineeDo::take_call: case TraineeDo::guide: case TraineeDo::escalate: case TraineeDo::close_ticket:
            return fmt::format("{} ticket {}", to_string(a.what), a.ticket);
        case TraineeDo::dispatch_crew: case TraineeDo::send_spare: return fmt::format("{} ticket {} from {}", to_string(a.what), a.ticket, a.base);
        case TraineeDo::paper_list: case TraineeDo::devices_back: case TraineeDo::refuse_pin: case TraineeDo::give_pin:
        case TraineeDo::lock_desk:
            return fmt::format("{} PEC {} desk {}", to_string(a.what), a.pec, a.unit + 1);
        case TraineeDo::revoke: return fmt::format("revoke the key of PEC {}'s {} ARBB", a.pec, a.box == 0 ? "party-list" : "district");
        case TraineeDo::accept:
            return fmt::format("accept the report of PEC {}'s {} ARBB its printed protocol confirms", a.pec, a.box == 0 ? "party-list" : "district");
        case TraineeDo::correct_page: return "correct_page";
        case TraineeDo::restrict_ingest: return "restrict_ingest";
        case TraineeDo::stationary_box: case TraineeDo::feed_reserve:
            return fmt::format("{} PEC {} {} ARBB", to_string(a.what), a.pec, a.box == 0 ? "party-list" : "district");
        case TraineeDo::backup_channel: case TraineeDo::hold: case TraineeDo::release: case TraineeDo::report_phishing:
        case TraineeDo::follow_link: case TraineeDo::call_pec: return fmt::format("{} PEC {}", to_string(a.what), a.pec);
        case TraineeDo::report_device: case TraineeDo::allow_device:
            return fmt::format("{} PEC {} {}", to_string(a.what), a.pec, a.box == kStationLaptop ? "station laptop" : a.box == 0 ? "party-list ARBB" : "district ARBB");
        case TraineeDo::acknowledge: return fmt::format("acknowledge alert {}", a.alert);
    }
    return "?";
}

}  // namespace sim
