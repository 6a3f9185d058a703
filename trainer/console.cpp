// The console's frame loop: SFML window and events, the paced world, the six panels, scripted
// steps (screenshots and map views among them), frame statistics, drill record and results on exit.
//
// Index of this file:
//   [SECTION] Setup
//   [SECTION] Frames
//   [SECTION] Exit
#include "trainer/console.hpp"

#include <SFML/Graphics/RenderWindow.hpp>
#include <SFML/Graphics/Texture.hpp>
#include <fmt/core.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "classroom/classroom_server.hpp"
#include "drill/drill_conduct.hpp"
#include "drill/drill_file.hpp"
#include "drill/drill_script.hpp"
#include "sim/identification_station.hpp"
#include "sim/results_json.hpp"
#include "trainer/imgui_sfml_bridge.hpp"
#include "trainer/panels.hpp"

namespace trainer {
namespace {

using Clock = std::chrono::steady_clock;

int fail_with(const std::string& message, int code) {
    fmt::print(stderr, "shailoo train: {}\n", message);
    return code;
}

// [SECTION] Setup
// Display check, record, drill, script, session, outline.

struct Opened {
    std::unique_ptr<drill::DrillSession> session;
    std::optional<drill::DrillScript> script;
};

// The drill to conduct: --drill's, or the one the replayed record names (its injects then come from
// the record); nullopt without either.
core::Result<std::optional<drill::DrillFile>> drill_of(const ConsoleOptions& o, const std::optional<sim::DrillRecord>& replay) {
    if (!o.drill.empty() && !o.scenario.empty())
        return core::fail(fmt::format("--drill {} and the scenario {}: give one of them (the drill file names its scenario)", o.drill, o.scenario));
    if (!o.drill.empty() && replay)
        return core::fail("--drill and --replay: give one of them (a drill's record names its drill file, and its replay conducts the drill)");
    const std::string file = !o.drill.empty() ? o.drill : replay ? replay->drill : std::string();
    if (file.empty()) return std::nullopt;
    auto d = drill::load_drill_file(file);
    if (!d) return std::unexpected(d.error());
    return std::optional<drill::DrillFile>(std::move(*d));
}

// The record to replay, the drill, the script and the session; errors are input errors (exit code 2).
core::Result<Opened> open_drill(const ConsoleOptions& o) {
    std::optional<sim::DrillRecord> replay;
    if (!o.replay.empty()) {
        auto r = sim::load_drill_record(o.replay);
        if (!r) return std::unexpected(r.error());
        replay = std::move(*r);
    }
    auto conducted = drill_of(o, replay);
    if (!conducted) return std::unexpected(conducted.error());
    const std::optional<drill::DrillFile>& d = *conducted;
    std::string scenario = o.scenario;
    if (scenario.empty() && replay) scenario = replay->scenario;
    if (scenario.empty() && d) scenario = d->scenario.string();
    if (scenario.empty()) scenario = "scenarios/demo-drill.yaml";
    const auto seed = o.seed || replay || !d ? o.seed : d->seed;
    Opened out;
    if (!o.script.empty()) {
        auto s = drill::load_drill_script(o.script);
        if (!s) return std::unexpected(s.error());
        out.script = std::move(*s);
    }
    auto start = o.start.empty() ? core::Result<sim::Time>(d ? d->start : drill::DrillSession::kDefaultStart) : core::parse_clock_time(o.start);
    if (!start) return core::fail(fmt::format("--start: {}", start.error().message));
    const bool replaying = replay.has_value();
    auto opened = drill::DrillSession::open(scenario, seed, std::move(replay), *start, Clock::now(), o.threads, o.hardware);
    if (!opened) return std::unexpected(opened.error());
    out.session = std::move(*opened);
    using Injects = drill::DrillConduct::Injects;
    if (d) out.session->attach(std::make_unique<drill::DrillConduct>(*d, replaying ? Injects::from_record : Injects::fire));
    const auto now = Clock::now();
    if (auto ok = out.session->set_speed(o.speed, now); !ok) return core::fail(fmt::format("--speed: {}", ok.error().message));
    if (o.paused) out.session->pause(now);
    return out;
}

// The outline: an error with --map, a note (and a map without outline) if the default is missing.
core::Result<void> load_outline(const ConsoleOptions& o, const drill::DrillSession& session, MapPanelState& map) {
    const std::filesystem::path file =
        o.map.empty() ? session.scenario().package_dir.parent_path() / "map" / "kyrgyzstan.geojson" : std::filesystem::path(o.map);
    auto outline = drill::load_map_outline(file);
    if (outline) {
        map.outline = std::move(*outline);
        return {};
    }
    if (!o.map.empty()) return std::unexpected(outline.error());
    map.outline_error = outline.error().message;
    fmt::print(stderr, "shailoo train: map without outline: {}\n", outline.error().message);
    return {};
}

// Saves what the window shows now (before display()) as a PNG of the window's size.
core::Result<void> save_screenshot(const sf::RenderWindow& window, const std::filesystem::path& file) {
    sf::Texture texture;
    if (!texture.create(window.getSize().x, window.getSize().y)) return core::fail("cannot create the screenshot texture");
    texture.update(window);
    std::error_code ec;  // a missing folder is created, as for --record and --out
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    if (!texture.copyToImage().saveToFile(file.string())) return core::fail(fmt::format("cannot write {}", file.string()));
    return {};
}

// The machine-readable line tests read: where the drill stands and the selected PEC in detail.
nlohmann::ordered_json selected_json(const drill::DrillSession& s, std::size_t sel) {
    const sim::PecDetail d = s.world().detail(sel);
    nlohmann::ordered_json p;
    p["pec"] = d.view.number;
    p["state"] = std::string(sim::to_string(d.view.state));
    p["queue"] = d.view.queue;
    p["voters"] = d.view.voters;
    p["devices"] = nlohmann::ordered_json::array();
    for (const auto& dev : d.devices) {
        nlohmann::ordered_json faults = nlohmann::ordered_json::array();
        for (unsigned f = 0; f < 32; ++f)
            if ((dev.faults >> f) & 1u) faults.push_back(std::string(devices::to_string(static_cast<devices::Fault>(f))));
        p["devices"].push_back({{"id", dev.id}, {"faults", faults}});
    }
    p["boxes"] = nlohmann::ordered_json::array();
    for (int b = 0; b < 2; ++b) {
        const auto& r = d.boxes[static_cast<std::size_t>(b)];
        if (r.device_id.empty()) continue;
        p["boxes"].push_back({{"id", r.device_id}, {"ballots_in_box", r.ballots_in_box}, {"scanned", r.ballots_scanned},
                              {"valid", r.valid}, {"invalid", r.invalid}, {"waiting", d.ballots_waiting[static_cast<std::size_t>(b)]}});
    }
    return p;
}

nlohmann::ordered_json summary_json(const drill::DrillSession& s, int frames, double mean_fps, double worst_ms, int screenshots) {
    nlohmann::ordered_json j;
    j["time"] = core::clock_time(s.world().now(), core::ClockText::micros);
    j["frames"] = frames;
    j["mean_fps"] = std::round(mean_fps * 10) / 10;
    j["worst_frame_ms"] = std::round(worst_ms * 10) / 10;
    j["pecs"] = s.world().pec_count();
    j["actions"] = s.record().actions.size();
    j["voters"] = s.summary().voters;
    j["pecs_with_faults"] = s.summary().pecs_with_faults;
    j["reports_printed"] = s.summary().reports_printed;
    j["reported_curve_points"] = s.reported_curve().size();
    j["screenshots"] = screenshots;
    if (const auto sel = s.selected()) j["selected"] = selected_json(s, *sel);
    return j;
}

// The physical devices in the summary line: where, what, whom, and what the desk, the ARBB and the link made of them.
nlohmann::ordered_json hardware_json(const drill::DrillSession& s) {
    nlohmann::ordered_json readers = nlohmann::ordered_json::array();
    for (const sim::ExternalFingerprintReader* r : s.hardware().readers) {
        nlohmann::ordered_json j;
        j["pec"] = r->pec;
        j["desk"] = r->desk;
        j["device"] = r->device;
        j["bound"] = r->bound.size();
        j["captures"] = r->delivered.size();
        j["failed_captures"] = std::count_if(r->delivered.begin(), r->delivered.end(), [](const auto& d) { return !d.result; });
        j["identified_by_fingerprint"] = r->counts.fingerprint + r->counts.other_finger;
        j["identified_otherwise"] = r->counts.face + r->counts.manual;
        j["refused"] = r->counts.refused();
        readers.push_back(j);
    }
    nlohmann::ordered_json scanners = nlohmann::ordered_json::array();
    for (const sim::ExternalBallotScanner* b : s.hardware().scanners) {
        nlohmann::ordered_json j;
        j["pec"] = b->pec;
        j["box"] = b->box == 0 ? "party_list" : "district";
        j["device"] = b->device;
        j["voters"] = b->voters.size();
        j["sheets_counted"] = b->sheets;
        j["reads"] = b->delivered.size();
        j["failed_reads"] = std::count_if(b->delivered.begin(), b->delivered.end(), [](const auto& d) { return d.no_sheet || !d.result; });
        scanners.push_back(j);
    }
    nlohmann::ordered_json modems = nlohmann::ordered_json::array();
    for (const sim::ExternalModem* m : s.hardware().modems) {
        nlohmann::ordered_json j;
        j["pec"] = m->pec;
        j["link"] = m->device;
        for (const bool answer : {false, true}) {
            const auto leg = [&](bool arrived) {
                return std::count_if(m->delivered.begin(), m->delivered.end(), [&](const auto& d) { return d.answer == answer && d.arrived == arrived; });
            };
            j[answer ? "answers_delivered" : "reports_delivered"] = leg(true);
            j[answer ? "answers_lost" : "reports_failed"] = leg(false);
        }
        modems.push_back(j);
    }
    nlohmann::ordered_json out;
    out["readers"] = readers;
    out["scanners"] = scanners;
    out["modems"] = modems;
    out["diverged"] = s.hardware_divergence();  // empty unless a replay's readers were asked for other captures
    return out;
}

// The classroom in the summary line: trainees, their actions, and the milliseconds from an action's
// arrival at the server to its answer (median and 99th percentile, nearest rank).
nlohmann::ordered_json classroom_json(const classroom::Classroom& room) {
    nlohmann::ordered_json j;
    const auto roster = room.roster();
    std::int64_t actions = 0, refused = 0;
    for (const auto& t : roster) actions += t.actions, refused += t.refused;
    j["trainees"] = roster.size();
    j["connected"] = std::count_if(roster.begin(), roster.end(), [](const classroom::Trainee& t) { return t.connected; });
    j["actions"] = actions;
    j["refused"] = refused;
    auto ms = room.latencies_ms();
    std::sort(ms.begin(), ms.end());
    const auto rank = [&](double q) {
        if (ms.empty()) return 0.0;
        const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size())));
        return ms[std::clamp<std::size_t>(k, 1, ms.size()) - 1];
    };
    j["answer_ms_p50"] = std::round(rank(0.5) * 10) / 10;
    j["answer_ms_p99"] = std::round(rank(0.99) * 10) / 10;
    return j;
}

// The drill in the summary line: each trainee's points so far (final at the drill's end); a role
// nobody played has the trainee null.
nlohmann::ordered_json drill_json(const drill::DrillScore& score) {
    nlohmann::ordered_json j;
    j["name"] = score.drill;
    j["final"] = score.final;
    j["trainees"] = nlohmann::ordered_json::array();
    for (const drill::TraineeScore& t : score.trainees)
        j["trainees"].push_back({{"trainee", t.trainee.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(t.trainee)},
                                 {"role", std::string(sim::to_string(t.role))},
                                 {"earned", t.earned},
                                 {"points", t.points},
                                 {"objectives", t.objectives},
                                 {"passed", t.passed}});
    return j;
}

// SIGINT (Ctrl-C in the terminal) or SIGTERM ends the session as closing the window does.
volatile std::sig_atomic_t g_stop = 0;
void request_stop(int) { g_stop = 1; }

// [SECTION] Frames
// Events, script, world, panels, screenshots, frame statistics.

// The frame loop and what it counts.
class FrameLoop {
public:
    FrameLoop(const ConsoleOptions& o, drill::DrillSession& session, std::optional<drill::DrillScript> script, ConsoleState& state,
              classroom::Classroom* room)
        : o_(o), session_(session), script_(std::move(script)), state_(state), room_(room) {}

    /// Runs frames until the window is closed or --frames is reached; the exit code so far.
    int run(sf::RenderWindow& window);
    /// The summary line and the closing message.
    void report() const;

private:
    void run_script();
    void serve_classroom();
    void advance_world();
    core::Result<void> take_screenshots(const sf::RenderWindow& window, bool last_frame);
    void count_frame(Clock::time_point end);

    const ConsoleOptions& o_;
    drill::DrillSession& session_;
    std::optional<drill::DrillScript> script_;
    ConsoleState& state_;
    classroom::Classroom* room_;  // --classroom, else nullptr
    int exit_code_ = 0;
    std::size_t next_step_ = 0;
    int wait_frames_ = 0;
    std::optional<std::pair<std::filesystem::path, int>> shot_;  // a script's screenshot: file, frames to go
    int screenshots_ = 0;
    int frames_ = 0;
    double worst_ms_ = 0.0;
    Clock::time_point t0_ = Clock::now(), last_ = t0_, fps_window_start_ = t0_;
    int fps_window_frames_ = 0;
    sim::Time fps_window_virtual_ = session_.world().now();
    // Steady-state rate: frames after the script's last step (a scripted jump to 10:00 simulates
    // hours in one frame and says nothing about how the console keeps pace).
    std::optional<Clock::time_point> steady_start_;
    std::clock_t steady_cpu_ = 0;  // process CPU time (all threads, llvmpipe's too) at steady_start
    int steady_frames_ = 0;
    Clock::time_point published_{};  // when the classroom's views were last published
};

int FrameLoop::run(sf::RenderWindow& window) {
    while (window.isOpen()) {
        if (g_stop) {  // SIGINT or SIGTERM: leave as if the window were closed (record and --out written)
            fmt::print(stderr, "shailoo train: stopped by a signal\n");
            window.close();
            break;
        }
        sf::Event event;
        while (window.pollEvent(event)) {
            if (event.type == sf::Event::Closed) window.close();
            ImGuiSfmlBridge::process_event(event);
        }
        if (!window.isOpen()) break;
        run_script();
        serve_classroom();
        advance_world();
        ImGuiSfmlBridge::new_frame(window, std::chrono::duration<float>(Clock::now() - last_).count());
        draw_map_panel(session_, state_);
        draw_timeline_panel(session_, state_, Clock::now());
        draw_inspector_panel(session_, state_);
        draw_faults_panel(session_, state_);
        draw_log_panel(session_, state_);
        draw_summary_panel(session_, state_);
        ImGuiSfmlBridge::render(window);
        ++frames_;
        const bool last_frame = o_.frames > 0 && frames_ >= o_.frames;
        if (auto ok = take_screenshots(window, last_frame); !ok) return fail_with(ok.error().message, 2);
        window.display();
        count_frame(Clock::now());
        if (last_frame) window.close();
    }
    if (shot_) return fail_with(fmt::format("script: screenshot {} not taken: the console stopped first (--frames)", shot_->first.string()), 1);
    return exit_code_;
}

void FrameLoop::run_script() {
    if (!script_ || exit_code_ != 0) return;
    if (wait_frames_ > 0) --wait_frames_;
    while (wait_frames_ == 0 && next_step_ < script_->steps.size()) {
        auto outcome = drill::run_script_step(*script_, script_->steps[next_step_++], session_, Clock::now());
        if (!outcome) {
            fmt::print(stderr, "shailoo train: script: {}\n", outcome.error().message);
            exit_code_ = 1;
            return;
        }
        wait_frames_ = outcome->wait_frames;
        if (outcome->map) state_.map.view = *outcome->map;
        if (outcome->screenshot) shot_ = std::pair{*outcome->screenshot, drill::kScreenshotFrames};
    }
}

// The trainees' actions go through the session as the instructor's do (recorded, noted in the log);
// their views are published four times a second, and at once after an action.
void FrameLoop::serve_classroom() {
    if (!room_) return;
    const auto requests = room_->take_requests();
    for (const auto& r : requests) room_->answer(r, session_.act(r.action));
    if (const auto now = Clock::now(); !requests.empty() || now - published_ >= std::chrono::milliseconds(250)) {
        room_->publish(session_);
        published_ = now;
    }
}

void FrameLoop::advance_world() {
    const auto before = Clock::now();
    // Frames come first: the world gets what is left of a ~30 ms frame after the last frame's
    // drawing (at least 4 ms, at most 20), so the console stays above 30 frames/s when the
    // simulation is the bottleneck, and the speed achieved drops instead (shown in the timeline).
    const double draw_ms = std::max(0.0, state_.stats.frame_ms - state_.stats.sim_ms);
    const auto budget = std::chrono::milliseconds(static_cast<int>(std::clamp(30.0 - draw_ms, 4.0, 20.0)));
    state_.stats.keeping_up = session_.tick(before, budget);
    const auto after = Clock::now();
    state_.stats.sim_ms = std::chrono::duration<double, std::milli>(after - before).count();
    state_.wall_seconds = std::chrono::duration<double>(after - t0_).count();
}

core::Result<void> FrameLoop::take_screenshots(const sf::RenderWindow& window, bool last_frame) {
    if (shot_ && --shot_->second == 0) {
        if (auto ok = save_screenshot(window, shot_->first); !ok) return ok;
        fmt::print(stderr, "shailoo train: screenshot {} at {}\n", shot_->first.string(), core::clock_time(session_.world().now()));
        ++screenshots_;
        shot_.reset();
    }
    if (last_frame && !o_.screenshot.empty()) return save_screenshot(window, o_.screenshot);
    return {};
}

void FrameLoop::count_frame(Clock::time_point end) {
    if (steady_start_) {
        ++steady_frames_;
    } else if (frames_ > 1 && (!script_ || (next_step_ >= script_->steps.size() && wait_frames_ == 0))) {
        steady_start_ = end;
        steady_cpu_ = std::clock();
    }
    const double frame_ms = std::chrono::duration<double, std::milli>(end - last_).count();
    if (steady_frames_ > 0) worst_ms_ = std::max(worst_ms_, frame_ms);
    state_.stats.frame_ms = frame_ms;
    last_ = end;
    ++fps_window_frames_;
    if (const double w = std::chrono::duration<double>(end - fps_window_start_).count(); w >= 1.0) {
        state_.stats.fps = fps_window_frames_ / w;
        state_.stats.effective_speed = static_cast<double>(session_.world().now() - fps_window_virtual_) / static_cast<double>(core::kSecond) / w;
        fps_window_virtual_ = session_.world().now();
        fps_window_frames_ = 0;
        fps_window_start_ = end;
    }
}

// [SECTION] Exit
// Summary line, record, results.

void FrameLoop::report() const {
    const double elapsed = std::chrono::duration<double>(last_ - t0_).count();
    const double steady_s = steady_start_ ? std::chrono::duration<double>(last_ - *steady_start_).count() : 0.0;
    const double mean_fps = steady_s > 0 ? steady_frames_ / steady_s : 0.0;
    // CPU time per frame says what the frame costs whatever else the machine is running.
    const double cpu_ms = steady_frames_ > 0 ? 1000.0 * static_cast<double>(std::clock() - steady_cpu_) / CLOCKS_PER_SEC / steady_frames_ : 0.0;
    auto summary = summary_json(session_, frames_, mean_fps, worst_ms_, screenshots_);
    if (room_) summary["classroom"] = classroom_json(*room_);
    if (const drill::DrillConduct* c = session_.conduct()) summary["drill"] = drill_json(c->score(session_));
    if (!session_.hardware().empty()) summary["hardware"] = hardware_json(session_);
    summary["cpu_ms_per_frame"] = std::round(cpu_ms * 10) / 10;
    fmt::print("trainer-summary: {}\n", summary.dump());
    fmt::print(stderr,
               "shailoo train: {} frames in {:.1f} s; after the script: {} frames in {:.1f} s, mean {:.1f} frames/s, slowest {:.1f} ms, "
               "CPU {:.1f} ms per frame; virtual time {}\n",
               frames_, elapsed, steady_frames_, steady_s, mean_fps, worst_ms_, cpu_ms, core::clock_time(session_.world().now()));
}

// --record, the record, after the rest of the day with --out (a physical reader may capture then too).
int write_record(const ConsoleOptions& o, const drill::DrillSession& session) {
    if (o.record.empty()) return 0;
    std::error_code ec;  // a missing folder is created, as for --out; a failure shows when writing
    if (const auto parent = std::filesystem::path(o.record).parent_path(); !parent.empty()) std::filesystem::create_directories(parent, ec);
    if (auto ok = sim::save_drill_record(session.record(), o.record); !ok) return fail_with(ok.error().message, 2);
    fmt::print(stderr, "shailoo train: {} instructor action(s) recorded in {}\n", session.record().actions.size(), o.record);
    return 0;
}

// --record and --out; an exit code 2 on a write error, 1 when replayed readers diverged from their record.
int write_outputs(const ConsoleOptions& o, drill::DrillSession& session) {
    if (o.out.empty()) {
        if (const std::string diverged = session.hardware_divergence(); !diverged.empty())
            fmt::print(stderr, "shailoo train: so far the replay has diverged from the session: {}\n", diverged);
        return write_record(o, session);
    }
    const sim::RunResults results = session.finish(std::max(2, o.threads));  // one long run: threads pay off
    if (const int written = write_record(o, session); written != 0) return written;
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    const auto path = std::filesystem::path(o.out) / "results.json";
    std::ofstream file(path);
    // No perf block: the session ran paced, at the instructor's speed, so its timings say nothing.
    file << sim::results_to_json(results, session.package(), false).dump(1) << '\n';
    file.close();
    if (ec || !file) return fail_with(fmt::format("cannot write {}", path.string()), 2);
    fmt::print(stderr, "shailoo train: the rest of the day simulated; results: {}\n", path.string());
    if (const std::string diverged = session.hardware_divergence(); !diverged.empty())
        return fail_with(fmt::format("the replay has diverged from the session: {}", diverged), 1);
    return 0;
}

}  // namespace

int run_console(const ConsoleOptions& o) {
    const char* display = std::getenv("DISPLAY");
    if (display == nullptr || *display == '\0')
        return fail_with("no display ($DISPLAY is not set). The console needs a window; on a machine without one run it under a "
                         "virtual X server:\n  xvfb-run -a -s \"-screen 0 1280x800x24\" shailoo train ...",
                         2);
    if (!o.screenshot.empty() && o.frames <= 0) return fail_with("--screenshot needs --frames N (the frame to capture)", 2);
    auto opened = open_drill(o);
    if (!opened) return fail_with(opened.error().message, 2);
    drill::DrillSession& session = *opened->session;
    ConsoleState state;
    state.inspector.finger.source = o.last_image;
    state.inspector.sheet.source = o.last_sheet;
    if (auto ok = load_outline(o, session, state.map); !ok) return fail_with(ok.error().message, 2);

    sf::ContextSettings gl(0, 0, 0, 3, 0);
    sf::RenderWindow window(sf::VideoMode(static_cast<unsigned>(o.width), static_cast<unsigned>(o.height)),
                            "Shailoo Sim - instructor console", sf::Style::Default, gl);
    if (!window.isOpen()) return fail_with("could not open a window on this display", 2);
    window.setVerticalSyncEnabled(false);
    if (o.fps_limit > 0) window.setFramerateLimit(static_cast<unsigned>(o.fps_limit));
    if (auto ok = ImGuiSfmlBridge::init(window); !ok) return fail_with(ok.error().message, 2);

    std::optional<classroom::Classroom> room;
    std::optional<classroom::ClassroomServer> server;
    if (!o.classroom.empty()) {
        room.emplace(session);
        server.emplace(*room, o.classroom);
        if (auto ok = server->start(); !ok) return fail_with(ok.error().message, 2);
        state.classroom = &*room;
        const auto colon = o.classroom.rfind(':');
        fmt::print(stderr, "shailoo train: classroom open: trainees join at http://{}:{}/\n",
                   colon == 0 ? "THIS-MACHINE" : o.classroom.substr(0, colon), server->port());
    }
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    FrameLoop loop(o, session, std::move(opened->script), state, room ? &*room : nullptr);
    const int code = loop.run(window);
    ImGuiSfmlBridge::shutdown();
    loop.report();
    if (code == 2) return code;
    const int written = write_outputs(o, session);
    return written != 0 ? written : code;
}

}  // namespace trainer
