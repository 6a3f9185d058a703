#pragma once
/// The classroom (issue 14 point 3; docs/classroom.md): trainees join a drill from their browsers,
/// each with a name and a role, see what that role would see, and act. This is the bridge between
/// the web server's thread (classroom/classroom_server.hpp) and the console's frame loop, which owns
/// the drill: the server hands in joins and actions, the frame loop applies the actions through
/// drill::DrillSession::act (recorded like the instructor's) and publishes each role's view.
///
/// Thread-safe: every member takes the one mutex. The JSON the views are made of is built on the
/// frame loop's thread, from the session, and handed to the server as text.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "drill/drill_session.hpp"
#include "sim/trainee_action.hpp"

namespace classroom {

/// A trainee of the class (kept when they disconnect, so they get their place back).
struct Trainee {
    std::string name;
    sim::TraineeRole role = sim::TraineeRole::help_desk;
    int pec = 0;                 ///< the PEC a chair sits at (0 for the other roles)
    bool connected = false;
    std::int64_t actions = 0;    ///< actions sent
    std::int64_t refused = 0;    ///< of them, refused by the world
};

/// An action sent by a trainee, waiting for the frame loop.
struct Request {
    std::uint64_t connection = 0;
    std::uint64_t id = 0;        ///< the page's number for it, echoed in the answer
    sim::TraineeAction action;
    std::chrono::steady_clock::time_point received;
};

/// Bounds, so a page left open or a misbehaving script cannot grow the server.
inline constexpr std::size_t kMaxTrainees = 200;     ///< names known to the class
inline constexpr std::size_t kMaxPending = 64;       ///< a connection's messages not yet sent
inline constexpr std::size_t kKeptAnswers = 50;      ///< a trainee's latest answers, sent again on return

class Classroom {
public:
    /// A classroom for the drill `session` runs: which PECs a chair may sit at, which bases the help
    /// desk may use (those that reach at least one PEC of the drill).
    explicit Classroom(const drill::DrillSession& session);

    // The server's side (any thread).

    /// A connection joins as `name` in `role` ("help_desk", "pec_chair", "duty_officer"; a chair
    /// names its `pec`). A name that left comes back with its role, PEC and latest answers (the role
    /// asked for is ignored); a name that is connected is refused. Returns the "joined" message.
    core::Result<std::string> join(std::uint64_t connection, const std::string& name, const std::string& role, int pec);
    /// The connection closed; its trainee is kept, disconnected.
    void leave(std::uint64_t connection);
    /// An `act` message of a joined connection: checked (fields, the trainee's role and PEC) and
    /// queued for the frame loop; an error is the refusal to send back at once.
    core::Result<void> submit(std::uint64_t connection, const nlohmann::json& act);
    /// Messages to send on the connection now (answers, the role's view when it changed), oldest first.
    std::vector<std::string> take_outgoing(std::uint64_t connection);

    // The frame loop's side.

    /// Actions waiting, in the order they came.
    std::vector<Request> take_requests();
    /// The world's answer to a request (DrillSession::act's result), sent to its trainee.
    void answer(const Request& request, const core::Result<std::string>& result);
    /// Recomputes every role's view from the session (the frame loop calls it a few times a second).
    void publish(drill::DrillSession& session);

    /// Every trainee, connected or not, in the order they first joined.
    std::vector<Trainee> roster() const;
    /// Called (from the frame loop's thread, without the lock) when an answer is queued for a
    /// connection, so the server sends it at once instead of at its next poll.
    void on_answer(std::function<void(std::uint64_t connection)> notify);

    /// Milliseconds from a request's arrival to its answer, every answer so far (for the latency figures).
    std::vector<double> latencies_ms() const;

private:
    struct Connection {
        std::string name;
        std::deque<std::string> outgoing;
        std::uint64_t view_sent = 0;  // version of the view last queued
    };
    std::string view_for(const Trainee& t) const;  // caller holds the mutex
    void queue(Connection& c, std::string text);   // caller holds the mutex
    void queue_answer(const Request& r, nlohmann::json answer);  // caller holds the mutex

    mutable std::mutex mutex_;
    std::vector<int> pecs_;                          // the drill's PECs, ascending
    std::vector<std::string> bases_;                 // bases the help desk may send from
    std::vector<Trainee> trainees_;
    std::map<std::string, std::deque<nlohmann::json>> answers_;  // per trainee, the latest kKeptAnswers
    std::map<std::uint64_t, Connection> connections_;
    std::vector<Request> requests_;
    std::uint64_t version_ = 0;
    std::string help_desk_view_, duty_view_;
    std::map<int, std::string> chair_views_;
    std::vector<double> latencies_ms_;
    std::function<void(std::uint64_t)> notify_;
};

/// A trainee's action from an `act` message ({"do": "take_call", "ticket": 1, ...}; docs/classroom.md)
/// for a trainee of `role` at `pec`: the fields checked, the role's own actions only, a chair's at
/// its own PEC only. Errors say what is wrong in the trainee's words.
core::Result<sim::TraineeAction> action_from_json(const nlohmann::json& act, const Trainee& trainee);

}  // namespace classroom
