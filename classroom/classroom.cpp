// The classroom's bridge between the web server and the console (classroom/classroom.hpp).
//
// Index of this file:
//   [SECTION] Actions from the page
//   [SECTION] What each role sees
//   [SECTION] Joining and leaving
//   [SECTION] Actions and answers
#include "classroom/classroom.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "sim/help_desk.hpp"
#include "sim/support.hpp"
#include "sim/world.hpp"

namespace classroom {
namespace {

using json = nlohmann::json;

std::string clock_text(sim::Time t) { return t < 0 ? std::string() : core::clock_time(t); }

}  // namespace

// [SECTION] Actions from the page

core::Result<sim::TraineeAction> action_from_json(const json& act, const Trainee& trainee) {
    if (!act.is_object() || !act.contains("do") || !act["do"].is_string()) return core::fail("an action needs 'do' (the action's name)");
    const auto what = sim::trainee_do_from(act["do"].get<std::string>());
    if (!what) return core::fail(fmt::format("'{}' is not an action (docs/trainees.md)", act["do"].get<std::string>()));
    if (sim::role_of(*what) != trainee.role)
        return core::fail(fmt::format("{} plays {}: {} is the {}'s", trainee.name, sim::to_string(trainee.role), sim::to_string(*what),
                                      sim::to_string(sim::role_of(*what))));
    sim::TraineeAction a{.trainee = trainee.name, .what = *what};
    const auto number = [&](const char* field, int lo, int hi, int& out) -> core::Result<void> {
        if (!act.contains(field)) return {};
        if (!act[field].is_number_integer() || act[field].get<std::int64_t>() < lo || act[field].get<std::int64_t>() > hi)
            return core::fail(fmt::format("'{}' must be a whole number from {} to {}", field, lo, hi));
        out = act[field].get<int>();
        return {};
    };
    for (auto ok : {number("ticket", 1, 10'000'000, a.ticket), number("alert", 1, 10'000'000, a.alert), number("unit", 1, 64, a.unit),
                    number("pec", 1000, 9999, a.pec)})
        if (!ok) return std::unexpected(ok.error());
    a.unit = std::max(0, a.unit - 1);  // desks are numbered from 1 on the page
    if (act.contains("base")) {
        if (!act["base"].is_string() || act["base"].get<std::string>().size() > 200) return core::fail("'base' must be a base's name");
        a.base = act["base"].get<std::string>();
    }
    if (act.contains("box")) {
        const std::string box = act["box"].is_string() ? act["box"].get<std::string>() : "";
        const bool machine = *what == sim::TraineeDo::report_device || *what == sim::TraineeDo::allow_device;
        if (box != "party_list" && box != "district" && (!machine || box != "station"))
            return core::fail(machine ? "'box' must be party_list, district or station" : "'box' must be party_list or district");
        a.box = box == "party_list" ? 0 : box == "district" ? 1 : sim::kStationLaptop;
    }
    if (trainee.role == sim::TraineeRole::pec_chair) {
        if (a.pec != 0 && a.pec != trainee.pec) return core::fail(fmt::format("{} chairs PEC {}, not PEC {}", trainee.name, trainee.pec, a.pec));
        a.pec = trainee.pec;
    }
    return a;
}

// [SECTION] What each role sees

namespace {

json help_desk_view(const drill::DrillSession& s, const std::vector<std::string>& bases) {
    json tickets = json::array();
    const sim::HelpDesk* desk = s.world().help_desk();
    if (!desk) return {{"help_desk", "automatic"}};
    for (const auto& t : desk->tickets(s.world().now())) {
        const sim::SupportCall& c = *t.call;
        tickets.push_back({{"ticket", t.number}, {"state", sim::to_string(t.state)}, {"pec", c.pec}, {"device", devices::to_string(c.kind)},
                           {"fault", devices::to_string(c.fault)}, {"needs", sim::to_string(c.way)}, {"called", clock_text(c.at)},
                           {"taken_by", t.taken_by}, {"escalated", t.escalated}, {"arrives", clock_text(t.outcome->arrived)},
                           {"resolves", clock_text(t.outcome->resolved)}});
    }
    json base_list = json::array();
    const auto free = desk->free_crews(s.world().now());
    const auto& org = desk->organisation();
    for (std::size_t b = 0; b < org.bases.size(); ++b) {
        if (std::find(bases.begin(), bases.end(), org.bases[b].name) == bases.end()) continue;
        json spares = json::object();
        for (std::size_t k = 0; k < core::kSpareKindCount; ++k) spares[core::kSpareKinds[k]] = desk->spares()[b][k];
        base_list.push_back({{"name", org.bases[b].name}, {"free_crews", free[b]}, {"spares", spares}});
    }
    return {{"help_desk", "trainees"}, {"tickets", tickets}, {"bases", base_list}};
}

json chair_view(const drill::DrillSession& s, int pec) {
    const auto i = s.world().index_of(pec);
    if (!i) return json::object();
    const sim::PecDetail d = s.world().detail(*i);
    json desks = json::array(), devices = json::array(), boxes = json::array();
    for (std::size_t k = 0; k < d.paper_list.size(); ++k) desks.push_back({{"desk", k + 1}, {"paper_list", static_cast<bool>(d.paper_list[k])}});
    for (const auto& a : d.access)  // a desk with a login (desk incidents): who holds it, and whether she is away
        desks[static_cast<std::size_t>(a.desk)].update({{"operator", a.operator_name}, {"open", a.open}, {"away", a.away}});
    for (const auto& dev : d.devices) {
        json faults = json::array();
        for (unsigned f = 0; f < 32; ++f)
            if ((dev.faults >> f) & 1u) faults.push_back(devices::to_string(static_cast<devices::Fault>(f)));
        devices.push_back({{"id", dev.id}, {"kind", devices::to_string(dev.kind)}, {"faults", faults}});
    }
    for (int b = 0; b < 2; ++b)
        if (!d.boxes[static_cast<std::size_t>(b)].device_id.empty())
            boxes.push_back({{"box", b == 0 ? "party_list" : "district"}, {"ballots", d.boxes[static_cast<std::size_t>(b)].ballots_in_box},
                             {"waiting", d.ballots_waiting[static_cast<std::size_t>(b)]}, {"replaced", d.replaced[static_cast<std::size_t>(b)]}});
    const auto message = s.world().inbox(pec);
    const auto usb = s.world().usb_notice(pec);
    const auto desk = s.world().desk_notice(pec);
    return {{"pec", pec}, {"state", sim::to_string(d.view.state)}, {"queue", d.view.queue}, {"voters", d.view.voters},
            {"desks", desks}, {"devices", devices}, {"boxes", boxes}, {"message", message ? json(*message) : json(nullptr)},
            {"usb", usb ? json{{"text", usb->text}, {"box", sim::host_name(usb->box)}} : json(nullptr)},
            {"desk_notice", desk ? json{{"text", desk->text}, {"desk", desk->desk + 1}, {"pin_request", desk->pin_request}} : json(nullptr)}};
}

json duty_view(drill::DrillSession& s) {
    json alerts = json::array();
    for (const auto& a : s.duty_alerts())
        alerts.push_back({{"alert", a.number}, {"at", clock_text(a.at)}, {"pec", a.pec}, {"text", a.text}, {"acknowledged_by", a.acknowledged_by}});
    const auto& c = s.summary();
    return {{"alerts", alerts}, {"held", s.world().held_pecs()},
            {"reports", {{"printed", c.reports_printed}, {"transmitted", c.reports_transmitted}, {"acknowledged", c.reports_acknowledged},
                         {"pecs", s.world().pec_count()}}}};
}

}  // namespace

Classroom::Classroom(const drill::DrillSession& session) {
    for (std::size_t i = 0; i < session.world().pec_count(); ++i) pecs_.push_back(session.pec(i).number);
    std::sort(pecs_.begin(), pecs_.end());
    const auto& support = session.package().support;
    if (!support) return;
    for (const auto& base : support->bases)
        for (std::size_t i = 0; i < session.world().pec_count(); ++i)
            if (sim::travel_minutes(*support, base, session.pec(i).lat, session.pec(i).lon) <= support->max_travel_minutes) {
                bases_.push_back(base.name);
                break;
            }
}

void Classroom::publish(drill::DrillSession& session) {
    const std::string time = core::clock_time(session.world().now());
    const auto with_time = [&](json view, const char* role) {
        view["time"] = time;
        return json{{"view", view}, {"role", role}}.dump();
    };
    std::string desk = with_time(help_desk_view(session, bases_), "help_desk");
    std::string duty = with_time(duty_view(session), "duty_officer");
    std::map<int, std::string> chairs;
    {
        std::lock_guard lock(mutex_);
        for (const auto& t : trainees_)
            if (t.role == sim::TraineeRole::pec_chair) chairs[t.pec];
    }
    for (auto& [pec, text] : chairs) text = with_time(chair_view(session, pec), "pec_chair");
    std::lock_guard lock(mutex_);
    help_desk_view_ = std::move(desk);
    duty_view_ = std::move(duty);
    chair_views_ = std::move(chairs);
    ++version_;
}

std::string Classroom::view_for(const Trainee& t) const {
    switch (t.role) {
        case sim::TraineeRole::help_desk: return help_desk_view_;
        case sim::TraineeRole::duty_officer: return duty_view_;
        case sim::TraineeRole::pec_chair: break;
    }
    const auto it = chair_views_.find(t.pec);
    return it == chair_views_.end() ? std::string() : it->second;
}

// [SECTION] Joining and leaving

core::Result<std::string> Classroom::join(std::uint64_t connection, const std::string& name, const std::string& role_name, int pec) {
    if (name.empty() || name.size() > 40 || std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        return core::fail("a name is 1 to 40 printable characters");
    std::lock_guard lock(mutex_);
    if (connections_.contains(connection)) return core::fail("this page has joined already");
    auto known = std::find_if(trainees_.begin(), trainees_.end(), [&](const Trainee& t) { return t.name == name; });
    if (known != trainees_.end() && known->connected) return core::fail(fmt::format("{} is in the class already; choose another name", name));
    if (known == trainees_.end()) {
        const auto role = sim::trainee_role_from(role_name);
        if (!role) return core::fail(fmt::format("'{}' is not a role (help_desk, pec_chair, duty_officer)", role_name));
        if (*role == sim::TraineeRole::pec_chair && !std::binary_search(pecs_.begin(), pecs_.end(), pec))
            return core::fail(fmt::format("PEC {} is not in this drill", pec));
        if (trainees_.size() >= kMaxTrainees) return core::fail(fmt::format("the class is full ({} trainees)", kMaxTrainees));
        trainees_.push_back({name, *role, *role == sim::TraineeRole::pec_chair ? pec : 0});
        known = trainees_.end() - 1;
    }
    known->connected = true;
    connections_[connection] = Connection{name, {}, 0};
    json answers = json::array();
    for (const auto& a : answers_[name]) answers.push_back(a);
    return json{{"joined", {{"name", name}, {"role", sim::to_string(known->role)}, {"pec", known->pec}, {"answers", answers}}}}.dump();
}

void Classroom::leave(std::uint64_t connection) {
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(connection);
    if (it == connections_.end()) return;
    for (auto& t : trainees_)
        if (t.name == it->second.name) t.connected = false;
    connections_.erase(it);
}

std::vector<Trainee> Classroom::roster() const {
    std::lock_guard lock(mutex_);
    return trainees_;
}

std::vector<double> Classroom::latencies_ms() const {
    std::lock_guard lock(mutex_);
    return latencies_ms_;
}

// [SECTION] Actions and answers

core::Result<void> Classroom::submit(std::uint64_t connection, const json& act) {
    std::lock_guard lock(mutex_);
    const auto c = connections_.find(connection);
    if (c == connections_.end()) return core::fail("join first");
    const auto t = std::find_if(trainees_.begin(), trainees_.end(), [&](const Trainee& x) { return x.name == c->second.name; });
    auto action = action_from_json(act, *t);
    if (!action) return std::unexpected(action.error());
    if (requests_.size() >= kMaxTrainees * 4) return core::fail("the drill is busy; try again");
    const std::uint64_t id = act.contains("id") && act["id"].is_number_unsigned() ? act["id"].get<std::uint64_t>() : 0;
    ++t->actions;
    requests_.push_back({connection, id, std::move(*action), std::chrono::steady_clock::now()});
    return {};
}

std::vector<Request> Classroom::take_requests() {
    std::lock_guard lock(mutex_);
    return std::exchange(requests_, {});
}

void Classroom::queue(Connection& c, std::string text) {
    if (c.outgoing.size() >= kMaxPending) c.outgoing.pop_front();  // a page that does not read loses the oldest
    c.outgoing.push_back(std::move(text));
}

void Classroom::answer(const Request& r, const core::Result<std::string>& result) {
    json a{{"id", r.id}, {"do", sim::to_string(r.action.what)}, {"ok", result.has_value()},
           {"text", result ? *result : result.error().message}};
    std::function<void(std::uint64_t)> notify;
    {
        std::lock_guard lock(mutex_);
        queue_answer(r, std::move(a));
        notify = notify_;
    }
    if (notify) notify(r.connection);
}

void Classroom::on_answer(std::function<void(std::uint64_t)> notify) {
    std::lock_guard lock(mutex_);
    notify_ = std::move(notify);
}

void Classroom::queue_answer(const Request& r, json a) {
    latencies_ms_.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r.received).count());
    auto& kept = answers_[r.action.trainee];
    kept.push_back(a);
    if (kept.size() > kKeptAnswers) kept.pop_front();
    if (!a["ok"].get<bool>())
        for (auto& t : trainees_)
            if (t.name == r.action.trainee) ++t.refused;
    if (const auto c = connections_.find(r.connection); c != connections_.end()) queue(c->second, json{{"answer", a}}.dump());
}

std::vector<std::string> Classroom::take_outgoing(std::uint64_t connection) {
    std::lock_guard lock(mutex_);
    const auto c = connections_.find(connection);
    if (c == connections_.end()) return {};
    if (c->second.view_sent != version_) {
        const auto t = std::find_if(trainees_.begin(), trainees_.end(), [&](const Trainee& x) { return x.name == c->second.name; });
        if (std::string view = view_for(*t); !view.empty()) queue(c->second, std::move(view));
        c->second.view_sent = version_;
    }
    std::vector<std::string> out(std::make_move_iterator(c->second.outgoing.begin()), std::make_move_iterator(c->second.outgoing.end()));
    c->second.outgoing.clear();
    return out;
}

}  // namespace classroom
