// The classroom (docs/classroom.md): the bridge's rules (joining, returning, what a trainee may
// send) and the web server with two trainees on real WebSockets, their actions reaching the world
// and the drill record through the same path as the instructor's.
//
// Index of this file:
//   [SECTION] A drill and a frame loop
//   [SECTION] The bridge
//   [SECTION] The server
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <thread>

#include "classroom/classroom.hpp"
#include "classroom/classroom_server.hpp"
#include "drill/drill_review.hpp"
#include "sim/help_desk.hpp"

namespace classroom_test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using json = nlohmann::json;
using tcp = asio::ip::tcp;

const std::filesystem::path kSource(SHAILOO_SOURCE_DIR);
const drill::WallTime kWall{std::chrono::seconds(5000)};

// [SECTION] A drill and a frame loop

// The help desk drill (Talas, trainees answer the calls), opened at 12:00: calls have rung.
std::unique_ptr<drill::DrillSession> open_drill() {
    auto s = drill::DrillSession::open(kSource / "scenarios/help-desk-drill.yaml", std::nullopt, std::nullopt, core::at(12, 0), kWall, 1);
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
}

// What the console's frame loop does with the classroom, on its own thread, until stopped.
struct FrameLoop {
    FrameLoop(drill::DrillSession& s, classroom::Classroom& room)
        : thread([&s, &room, this](std::stop_token stop) {
              while (!stop.stop_requested()) {
                  for (const auto& r : room.take_requests()) room.answer(r, s.act(r.action));
                  room.publish(s);
                  std::this_thread::sleep_for(std::chrono::milliseconds(5));
              }
          }) {}
    std::jthread thread;
};

// A page's WebSocket, read with a 5-second bound so a missing message fails instead of hanging.
struct Page {
    asio::io_context io;
    beast::websocket::stream<tcp::socket> ws{io};
    explicit Page(std::uint16_t port) {
        ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        const timeval five{5, 0};
        ::setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
        ws.handshake("127.0.0.1", "/ws");
    }
    void send(const json& m) { ws.write(asio::buffer(m.dump())); }
    // Reads messages until one has `key` (views of the role arrive in between); bounded.
    json until(const std::string& key) {
        for (int i = 0; i < 400; ++i) {
            beast::flat_buffer b;
            beast::error_code ec;
            ws.read(b, ec);
            if (ec) return json{{"read_error", ec.message()}};
            auto m = json::parse(beast::buffers_to_string(b.data()));
            if (m.contains(key)) return m;
        }
        return json{{"never", key}};
    }
};

// [SECTION] The bridge

TEST(Classroom, JoiningHasRulesAndAReturningTraineeGetsTheirPlaceBack) {
    auto s = open_drill();
    classroom::Classroom room(*s);
    EXPECT_EQ(room.join(1, "", "help_desk", 0).error().message, "a name is 1 to 40 printable characters");
    EXPECT_EQ(room.join(1, "aigul", "pilot", 0).error().message, "'pilot' is not a role (help_desk, pec_chair, duty_officer)");
    EXPECT_EQ(room.join(1, "bakyt", "pec_chair", 1001).error().message, "PEC 1001 is not in this drill");
    ASSERT_TRUE(room.join(1, "aigul", "help_desk", 0));
    EXPECT_EQ(room.join(2, "aigul", "duty_officer", 0).error().message, "aigul is in the class already; choose another name");
    ASSERT_TRUE(room.join(2, "bakyt", "pec_chair", 6001));
    // bakyt sends an action; the frame loop answers it; bakyt leaves and comes back as a "duty officer":
    // the class gives him his chair at 6001 back, and his answers.
    ASSERT_TRUE(room.submit(2, {{"do", "paper_list"}, {"unit", 1}, {"id", 4}}));
    for (const auto& r : room.take_requests()) room.answer(r, s->act(r.action));
    room.leave(2);
    const auto back = json::parse(*room.join(3, "bakyt", "duty_officer", 0));
    EXPECT_EQ(back["joined"]["role"], "pec_chair");
    EXPECT_EQ(back["joined"]["pec"], 6001);
    ASSERT_EQ(back["joined"]["answers"].size(), 1u);
    EXPECT_EQ(back["joined"]["answers"][0]["ok"], true) << back.dump();
    const auto roster = room.roster();
    ASSERT_EQ(roster.size(), 2u);
    EXPECT_TRUE(roster[1].connected);
    EXPECT_EQ(roster[1].actions, 1);
}

TEST(Classroom, ATraineeSendsOnlyTheirRolesActionsAndAChairOnlyForTheirPec) {
    const classroom::Trainee desk{"aigul", sim::TraineeRole::help_desk, 0};
    const classroom::Trainee chair{"bakyt", sim::TraineeRole::pec_chair, 6001};
    const auto refusal = [](const json& act, const classroom::Trainee& t) {
        const auto a = classroom::action_from_json(act, t);
        return a ? std::string("accepted") : a.error().message;
    };
    EXPECT_EQ(refusal({{"do", "hold"}, {"pec", 6001}}, desk), "aigul plays help_desk: hold is the duty_officer's");
    EXPECT_EQ(refusal({{"do", "fly"}}, desk), "'fly' is not an action (docs/trainees.md)");
    EXPECT_EQ(refusal({{"ticket", 1}}, desk), "an action needs 'do' (the action's name)");
    EXPECT_EQ(refusal({{"do", "take_call"}, {"ticket", "one"}}, desk), "'ticket' must be a whole number from 1 to 10000000");
    EXPECT_EQ(refusal({{"do", "paper_list"}, {"pec", 6002}, {"unit", 1}}, chair), "bakyt chairs PEC 6001, not PEC 6002");
    EXPECT_EQ(refusal({{"do", "stationary_box"}, {"box", "side"}}, chair), "'box' must be party_list or district");
    const auto a = classroom::action_from_json({{"do", "paper_list"}, {"unit", 2}}, chair);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->pec, 6001);
    EXPECT_EQ(a->unit, 1);
    EXPECT_EQ(a->trainee, "bakyt");
    // The duty officer's answers to an incident, as the page's Revoke and Rebuild buttons send them.
    const classroom::Trainee officer{"chynara", sim::TraineeRole::duty_officer, 0};
    const auto revoke = classroom::action_from_json({{"do", "revoke"}, {"pec", 6006}, {"box", "district"}}, officer);
    ASSERT_TRUE(revoke);
    EXPECT_EQ(*revoke, (sim::TraineeAction{.trainee = "chynara", .what = sim::TraineeDo::revoke, .pec = 6006, .box = 1}));
    EXPECT_TRUE(classroom::action_from_json({{"do", "correct_page"}}, officer));
    // After a revocation: the Call and Accept buttons.
    EXPECT_EQ(*classroom::action_from_json({{"do", "call_pec"}, {"pec", 6006}}, officer),
              (sim::TraineeAction{.trainee = "chynara", .what = sim::TraineeDo::call_pec, .pec = 6006}));
    EXPECT_EQ(*classroom::action_from_json({{"do", "accept"}, {"pec", 6006}, {"box", "party_list"}}, officer),
              (sim::TraineeAction{.trainee = "chynara", .what = sim::TraineeDo::accept, .pec = 6006, .box = 0}));
    // A blocked USB device: the chair's Report and Allow buttons name the machine, the station laptop too.
    EXPECT_EQ(*classroom::action_from_json({{"do", "allow_device"}, {"box", "station"}}, chair),
              (sim::TraineeAction{.trainee = "bakyt", .what = sim::TraineeDo::allow_device, .pec = 6001, .box = sim::kStationLaptop}));
    EXPECT_EQ(refusal({{"do", "stationary_box"}, {"box", "station"}}, chair), "'box' must be party_list or district");
    EXPECT_EQ(refusal({{"do", "revoke"}, {"pec", 6006}}, chair), "bakyt plays pec_chair: revoke is the duty_officer's");
}

TEST(ClassroomDrill, AClassroomSessionOfADrillReplaysToTheSameScoresInTheReview) {
    // The ARBB drill with a class: the chair and the help desk act through the bridge as the
    // console's frame loop applies their actions between advances of virtual time.
    auto d = drill::load_drill_file(kSource / "drills/arbb-stationary-box.yaml");
    ASSERT_TRUE(d) << d.error().message;
    auto opened = drill::DrillSession::open(d->scenario, d->seed, std::nullopt, d->start, kWall, 2);
    ASSERT_TRUE(opened) << opened.error().message;
    drill::DrillSession& s = **opened;
    s.attach(std::make_unique<drill::DrillConduct>(*d, drill::DrillConduct::Injects::fire));
    classroom::Classroom room(s);
    ASSERT_TRUE(room.join(1, "aigul", "help_desk", 0));
    ASSERT_TRUE(room.join(2, "bakyt", "pec_chair", 6050));
    const std::vector<std::pair<sim::Time, std::pair<std::uint64_t, json>>> clicks{
        {core::at(10, 2) + 17 * core::kSecond, {1, {{"do", "take_call"}, {"ticket", 1}, {"id", 1}}}},
        {core::at(10, 6) + 3 * core::kSecond, {2, {{"do", "stationary_box"}, {"box", "party_list"}, {"id", 1}}}},
        {core::at(10, 9) + 41 * core::kSecond, {1, {{"do", "dispatch_crew"}, {"ticket", 1}, {"base", "Talas"}, {"id", 2}}}},
        {core::at(12, 30), {1, {{"do", "close_ticket"}, {"ticket", 1}, {"id", 3}}}}};
    for (const auto& [at, click] : clicks) {
        ASSERT_TRUE(s.run_to(at, kWall));
        ASSERT_TRUE(room.submit(click.first, click.second));
        for (const auto& r : room.take_requests()) room.answer(r, s.act(r.action));
    }
    ASSERT_TRUE(s.run_to(d->end, kWall));
    const drill::DrillScore live = s.conduct()->score(s);
    ASSERT_TRUE(live.final);
    const auto dir = std::filesystem::path(testing::TempDir()) / "classroom_drill";
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(sim::save_drill_record(s.record(), dir / "record.yaml"));
    auto review = drill::review_record(dir / "record.yaml", 1);
    ASSERT_TRUE(review) << review.error().message;
    EXPECT_EQ(drill::score_text(review->session.score), drill::score_text(live));
    EXPECT_EQ(review->session.seen.pecs, s.conduct()->observations().pecs);
    ASSERT_EQ(live.trainees.size(), 2u);
    for (const auto& t : live.trainees) EXPECT_GT(t.earned, 0.0) << t.trainee;
}

// [SECTION] The server

TEST(ClassroomServer, TwoTraineesActOverWebSocketsAndTheirActionsReachTheWorldAndTheRecord) {
    auto s = open_drill();
    classroom::Classroom room(*s);
    classroom::ClassroomServer server(room, "127.0.0.1:0");
    ASSERT_TRUE(server.start());
    // The page itself.
    {
        asio::io_context io;
        beast::tcp_stream http(io);
        http.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
        beast::http::request<beast::http::empty_body> req{beast::http::verb::get, "/", 11};
        beast::http::write(http, req);
        beast::flat_buffer b;
        beast::http::response<beast::http::string_body> res;
        beast::http::read(http, b, res);
        EXPECT_EQ(res.result_int(), 200);
        EXPECT_NE(res.body().find("<title>Shailoo Sim - trainee</title>"), std::string::npos);
        EXPECT_EQ(res.body().find("http://"), std::string::npos) << "self-contained: nothing fetched from elsewhere";
    }
    {
        FrameLoop loop(*s, room);
        Page desk(server.port()), chair(server.port());
        desk.send({{"join", {{"name", "aigul"}, {"role", "help_desk"}}}});
        EXPECT_EQ(desk.until("joined")["joined"]["role"], "help_desk");
        chair.send({{"join", {{"name", "bakyt"}, {"role", "pec_chair"}, {"pec", 6001}}}});
        EXPECT_EQ(chair.until("joined")["joined"]["pec"], 6001);
        // The help desk sees the calls that have rung; the chair sees his PEC.
        const auto view = desk.until("view");
        ASSERT_FALSE(view["view"]["tickets"].empty()) << view.dump();
        EXPECT_EQ(chair.until("view")["view"]["pec"], 6001);
        // Messages of the wrong shape get an answer and leave the connection working.
        desk.send({{"act", 5}});
        EXPECT_EQ(desk.until("answer")["answer"]["text"], "an action needs 'do' (the action's name)");
        desk.ws.write(asio::buffer(std::string("not json")));
        EXPECT_EQ(desk.until("error")["error"], "a message is a JSON object (docs/classroom.md)");
        desk.send({{"act", {{"id", 1}, {"do", "take_call"}, {"ticket", 1}}}});
        const auto taken = desk.until("answer");
        EXPECT_EQ(taken["answer"]["ok"], true) << taken.dump();
        desk.send({{"act", {{"id", 2}, {"do", "close_ticket"}, {"ticket", 1}}}});
        const auto refused = desk.until("answer");
        EXPECT_EQ(refused["answer"]["ok"], false);
        EXPECT_NE(refused["answer"]["text"].get<std::string>().find("cannot be closed"), std::string::npos);
        chair.send({{"act", {{"id", 1}, {"do", "hold"}, {"pec", 6001}}}});
        EXPECT_EQ(chair.until("answer")["answer"]["text"], "bakyt plays pec_chair: hold is the duty_officer's");
        chair.send({{"act", {{"id", 2}, {"do", "paper_list"}, {"unit", 1}}}});
        EXPECT_EQ(chair.until("answer")["answer"]["ok"], true);
        // aigul closes her page and opens it again: her role and answers come back.
        desk.ws.close(beast::websocket::close_code::normal);
        Page again(server.port());
        again.send({{"join", {{"name", "aigul"}, {"role", "duty_officer"}}}});
        const auto back = again.until("joined");
        EXPECT_EQ(back["joined"]["role"], "help_desk");
        EXPECT_EQ(back["joined"]["answers"].size(), 2u);
    }
    // Three actions reached the world and the record (the refused role check never left the bridge).
    const auto& actions = s->record().actions;
    ASSERT_EQ(actions.size(), 3u);
    EXPECT_EQ(actions[0].trainee->trainee, "aigul");
    EXPECT_TRUE(actions[0].refused.empty());
    EXPECT_FALSE(actions[1].refused.empty());
    EXPECT_EQ(actions[2].trainee->trainee, "bakyt");
    EXPECT_EQ(s->world().help_desk()->tickets(s->world().now())[0].taken_by, "aigul");
    EXPECT_TRUE(s->world().detail(*s->world().index_of(6001)).paper_list[0]);
}

}  // namespace
}  // namespace classroom_test
