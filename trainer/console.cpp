// The console's frame loop: SFML window and events, the paced world, the six panels, scripted
// steps, screenshot, frame statistics, drill record and results on exit.
//
// [SECTION] Setup   - display check, record, script, session, outline, window
// [SECTION] Frames  - events, script, world, panels, screenshot
// [SECTION] Exit    - summary line, record, results
#include "trainer/console.hpp"

#include <SFML/Graphics/RenderWindow.hpp>
#include <SFML/Graphics/Texture.hpp>
#include <fmt/core.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "sim/results_json.hpp"
#include "drill/drill_script.hpp"
#include "trainer/imgui_sfml_bridge.hpp"
#include "trainer/panels.hpp"

namespace trainer {
namespace {

using Clock = std::chrono::steady_clock;

int fail_with(const std::string& message, int code) {
    fmt::print(stderr, "shailoo train: {}\n", message);
    return code;
}

// The machine-readable line tests read: where the drill stands and the selected PEC in detail.
nlohmann::ordered_json summary_json(const drill::DrillSession& s, int frames, double mean_fps, double worst_ms) {
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
    if (const auto sel = s.selected()) {
        const sim::PecDetail d = s.world().detail(*sel);
        auto& p = j["selected"];
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
    }
    return j;
}

}  // namespace

int run_console(const ConsoleOptions& o) {
    // [SECTION] Setup
    const char* display = std::getenv("DISPLAY");
    if (display == nullptr || *display == '\0')
        return fail_with("no display ($DISPLAY is not set). The console needs a window; on a machine without one run it under a "
                         "virtual X server:\n  xvfb-run -a -s \"-screen 0 1280x800x24\" shailoo train ...",
                         2);
    if (!o.screenshot.empty() && o.frames <= 0) return fail_with("--screenshot needs --frames N (the frame to capture)", 2);

    std::optional<sim::DrillRecord> replay;
    std::string scenario = o.scenario;
    if (!o.replay.empty()) {
        auto r = sim::load_drill_record(o.replay);
        if (!r) return fail_with(r.error().message, 2);
        if (scenario.empty()) scenario = r->scenario;
        replay = std::move(*r);
    }
    if (scenario.empty()) scenario = "scenarios/demo-drill.yaml";
    std::optional<drill::DrillScript> script;
    if (!o.script.empty()) {
        auto s = drill::load_drill_script(o.script);
        if (!s) return fail_with(s.error().message, 2);
        script = std::move(*s);
    }
    auto start = core::parse_clock_time(o.start);
    if (!start) return fail_with(fmt::format("--start: {}", start.error().message), 2);

    auto opened = drill::DrillSession::open(scenario, o.seed, std::move(replay), *start, Clock::now(), o.threads);
    if (!opened) return fail_with(opened.error().message, 2);
    drill::DrillSession& session = **opened;
    const auto opened_at = Clock::now();
    if (auto ok = session.set_speed(o.speed, opened_at); !ok) return fail_with(fmt::format("--speed: {}", ok.error().message), 2);
    if (o.paused) session.pause(opened_at);

    ConsoleState state;
    const std::filesystem::path map_file =
        o.map.empty() ? session.scenario().package_dir.parent_path() / "map" / "kyrgyzstan.geojson" : std::filesystem::path(o.map);
    if (auto outline = drill::load_map_outline(map_file); outline) {
        state.map.outline = std::move(*outline);
    } else if (!o.map.empty()) {
        return fail_with(outline.error().message, 2);
    } else {
        state.map.outline_error = outline.error().message;
        fmt::print(stderr, "shailoo train: map without outline: {}\n", outline.error().message);
    }

    sf::ContextSettings gl(0, 0, 0, 3, 0);
    sf::RenderWindow window(sf::VideoMode(static_cast<unsigned>(o.width), static_cast<unsigned>(o.height)),
                            "Shailoo Sim - instructor console", sf::Style::Default, gl);
    if (!window.isOpen()) return fail_with("could not open a window on this display", 2);
    window.setVerticalSyncEnabled(false);
    if (o.fps_limit > 0) window.setFramerateLimit(static_cast<unsigned>(o.fps_limit));
    if (auto ok = ImGuiSfmlBridge::init(window); !ok) return fail_with(ok.error().message, 2);

    // [SECTION] Frames
    int exit_code = 0;
    std::size_t next_step = 0;
    int wait_frames = 0;
    int frames = 0;
    double worst_ms = 0.0;
    const auto t0 = Clock::now();
    auto last = t0;
    auto fps_window_start = t0;
    int fps_window_frames = 0;
    sim::Time fps_window_virtual = session.world().now();
    // Steady-state rate: frames after the script's last step (a scripted jump to 10:00 simulates
    // hours in one frame and says nothing about how the console keeps pace).
    std::optional<Clock::time_point> steady_start;
    std::clock_t steady_cpu = 0;  // process CPU time (all threads, llvmpipe's too) at steady_start
    int steady_frames = 0;
    while (window.isOpen()) {
        sf::Event event;
        while (window.pollEvent(event)) {
            if (event.type == sf::Event::Closed) window.close();
            ImGuiSfmlBridge::process_event(event);
        }
        if (!window.isOpen()) break;

        if (script && exit_code == 0) {
            if (wait_frames > 0) --wait_frames;
            while (wait_frames == 0 && next_step < script->steps.size()) {
                auto waited = drill::run_script_step(*script, script->steps[next_step++], session, Clock::now());
                if (!waited) {
                    fmt::print(stderr, "shailoo train: script: {}\n", waited.error().message);
                    exit_code = 1;
                    break;
                }
                wait_frames = *waited;
            }
        }

        const auto before_sim = Clock::now();
        // Frames come first: the world gets what is left of a ~30 ms frame after the last frame's
        // drawing (at least 4 ms, at most 20), so the console stays above 30 frames/s when the
        // simulation is the bottleneck, and the speed achieved drops instead (shown in the timeline).
        const double draw_ms = std::max(0.0, state.stats.frame_ms - state.stats.sim_ms);
        const auto budget = std::chrono::milliseconds(static_cast<int>(std::clamp(30.0 - draw_ms, 4.0, 20.0)));
        state.stats.keeping_up = session.tick(before_sim, budget);
        const auto after_sim = Clock::now();
        state.stats.sim_ms = std::chrono::duration<double, std::milli>(after_sim - before_sim).count();
        state.wall_seconds = std::chrono::duration<double>(after_sim - t0).count();

        ImGuiSfmlBridge::new_frame(window, std::chrono::duration<float>(after_sim - last).count());
        draw_map_panel(session, state);
        draw_timeline_panel(session, state, after_sim);
        draw_inspector_panel(session, state);
        draw_faults_panel(session, state);
        draw_log_panel(session, state);
        draw_summary_panel(session, state);
        ImGuiSfmlBridge::render(window);

        ++frames;
        if (steady_start) ++steady_frames;
        else if (frames > 1 && (!script || (next_step >= script->steps.size() && wait_frames == 0))) {
            steady_start = Clock::now();
            steady_cpu = std::clock();
        }
        const bool last_frame = o.frames > 0 && frames >= o.frames;
        if (last_frame && !o.screenshot.empty()) {
            sf::Texture texture;
            if (!texture.create(window.getSize().x, window.getSize().y)) return fail_with("cannot create the screenshot texture", 2);
            texture.update(window);
            if (!texture.copyToImage().saveToFile(o.screenshot)) return fail_with(fmt::format("cannot write {}", o.screenshot), 2);
        }
        window.display();

        const auto end = Clock::now();
        const double frame_ms = std::chrono::duration<double, std::milli>(end - last).count();
        if (steady_frames > 0) worst_ms = std::max(worst_ms, frame_ms);
        state.stats.frame_ms = frame_ms;
        last = end;
        ++fps_window_frames;
        if (const double w = std::chrono::duration<double>(end - fps_window_start).count(); w >= 1.0) {
            state.stats.fps = fps_window_frames / w;
            state.stats.effective_speed = static_cast<double>(session.world().now() - fps_window_virtual) / static_cast<double>(core::kSecond) / w;
            fps_window_virtual = session.world().now();
            fps_window_frames = 0;
            fps_window_start = end;
        }
        if (last_frame) window.close();
    }
    const double elapsed = std::chrono::duration<double>(last - t0).count();
    const double steady_s = steady_start ? std::chrono::duration<double>(last - *steady_start).count() : 0.0;
    const double mean_fps = steady_s > 0 ? steady_frames / steady_s : 0.0;
    // CPU time per frame says what the frame costs whatever else the machine is running.
    const double cpu_ms = steady_frames > 0 ? 1000.0 * static_cast<double>(std::clock() - steady_cpu) / CLOCKS_PER_SEC / steady_frames : 0.0;
    ImGuiSfmlBridge::shutdown();

    // [SECTION] Exit
    auto summary = summary_json(session, frames, mean_fps, worst_ms);
    summary["cpu_ms_per_frame"] = std::round(cpu_ms * 10) / 10;
    fmt::print("trainer-summary: {}\n", summary.dump());
    fmt::print(stderr,
               "shailoo train: {} frames in {:.1f} s; after the script: {} frames in {:.1f} s, mean {:.1f} frames/s, slowest {:.1f} ms, "
               "CPU {:.1f} ms per frame; virtual time {}\n",
               frames, elapsed, steady_frames, steady_s, mean_fps, worst_ms, cpu_ms, core::clock_time(session.world().now()));
    if (!o.record.empty()) {
        std::error_code ec;  // a missing folder is created, as for --out; a failure shows when writing
        if (const auto parent = std::filesystem::path(o.record).parent_path(); !parent.empty()) std::filesystem::create_directories(parent, ec);
        if (auto ok = sim::save_drill_record(session.record(), o.record); !ok) return fail_with(ok.error().message, 2);
        fmt::print(stderr, "shailoo train: {} instructor action(s) recorded in {}\n", session.record().actions.size(), o.record);
    }
    if (!o.out.empty()) {
        const sim::RunResults results = session.finish(std::max(2, o.threads));  // one long run: threads pay off
        std::error_code ec;
        std::filesystem::create_directories(o.out, ec);
        const auto path = std::filesystem::path(o.out) / "results.json";
        std::ofstream file(path);
        // No perf block: the session ran paced, at the instructor's speed, so its timings say nothing.
        file << sim::results_to_json(results, session.package(), false).dump(1) << '\n';
        file.close();
        if (ec || !file) return fail_with(fmt::format("cannot write {}", path.string()), 2);
        fmt::print(stderr, "shailoo train: the rest of the day simulated; results: {}\n", path.string());
    }
    return exit_code;
}

}  // namespace trainer
