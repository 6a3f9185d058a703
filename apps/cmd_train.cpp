// `shailoo train`: the instructor console (trainer/), a drill on the simulated election night.
#include <CLI/CLI.hpp>

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "apps/hil_drill.hpp"
#include "drill/drill_file.hpp"
#include "sim/run_setup.hpp"
#include "trainer/console.hpp"

namespace apps {

namespace {

struct TrainHil {
    std::vector<std::string> slots;            // --hil
    std::vector<std::string> voters;           // --hil-voter
    std::vector<std::string> scanner_options;  // --hil-scanner-option
    double timeout = 15.0;                     // --hil-timeout, seconds
    double sheet_wait = 15.0;                  // --hil-sheet-wait, seconds
};

// The console, with the physical devices of --hil open for its whole run.
int run_train(trainer::ConsoleOptions options, const TrainHil& hil) {
    if (hil.slots.empty()) {
        if (!hil.voters.empty()) return fmt::print(stderr, "shailoo train: --hil-voter needs a --hil device at the voter's PEC\n"), 2;
        return trainer::run_console(options);
    }
    if (!options.replay.empty())
        return fmt::print(stderr, "shailoo train: --hil with --replay: a replay gives the record's captures, sheets and link outcomes back; no hardware is needed\n"), 2;
    std::filesystem::path scenario = options.scenario;  // the drill's package: the ballots the scanners read
    if (!options.drill.empty()) {
        auto d = drill::load_drill_file(options.drill);
        if (!d) return fmt::print(stderr, "shailoo train: {}\n", d.error().message), 2;
        scenario = d->scenario;
    }
    auto setup = sim::open_run(scenario, std::nullopt, std::nullopt);
    if (!setup) return fmt::print(stderr, "shailoo train: {}\n", setup.error().message), 2;
    const auto ms = [](double s) { return std::chrono::milliseconds(std::llround(s * 1000.0)); };
    const HilRequest request{hil.slots, hil.voters, hil.scanner_options, setup->scenario.package_dir / "tls", ms(hil.timeout), ms(hil.sheet_wait)};
    auto opened = HilDrill::open(request, setup->package);
    if (!opened) return fmt::print(stderr, "shailoo train: {}\n", opened.error().message), 2;
    options.hardware = (*opened)->hardware();
    options.last_image = [d = opened->get()] { return d->last_image(); };
    options.last_sheet = [d = opened->get()] { return d->last_sheet(); };
    return trainer::run_console(options);
}

// The --hil options (docs/hil.md, "Drills with hardware").
void add_hil_options(CLI::App& cmd, TrainHil& hil) {
    cmd.add_option("--hil", hil.slots,
                    "PEC:SLOT=DEVICE: a physical device in a PEC's slot: a fingerprint reader at a desk (6006:desk1=elan), a SANE "
                    "scanner in an ARBB (6006:arbb-party=DEVICE, 6006:arbb-district=DEVICE) or the modem's real link "
                    "(6006:modem=IP:PORT[,via=HOST:PORT]) (repeatable)");
    cmd.add_option("--hil-voter", hil.voters, "An enrolment (`shailoo hil enroll`): the voter a trainee plays at the devices of its PEC (repeatable)")
        ->check(CLI::ExistingFile);
    cmd.add_option("--hil-scanner-option", hil.scanner_options,
                    "NAME=VALUE: a SANE backend option for the --hil scanners (e.g. source=ADF, or the pnm backend's filename=FILE; repeatable)");
    cmd.add_option("--hil-timeout", hil.timeout,
                    "Seconds a reader may take for one capture before it counts as dead, and a modem link for a report or an answer")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(1.0, 600.0));
    cmd.add_option("--hil-sheet-wait", hil.sheet_wait,
                    "Seconds the world waits for a trainee's sheet after saying what to mark (a scanner with a paper sensor: until it is loaded)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 600.0));
}

}  // namespace

void add_train_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<trainer::ConsoleOptions>();
    auto hil = std::make_shared<TrainHil>();
    auto* cmd = app.add_subcommand("train", "Run a drill in the instructor console (window: map, timeline, inspector, faults, log, summary)");
    cmd->footer(
        "The simulated night runs paced to the wall clock (x1 to x600); the instructor pauses, steps, selects PECs\n"
        "on the map and injects or clears device faults. Every fault action is recorded: --record FILE saves\n"
        "them (on exit), and --replay FILE (here or with `shailoo run`) reproduces the session's results.\n"
        "Needs a display; without one run it under a virtual X server:\n"
        "  xvfb-run -a -s \"-screen 0 1280x800x24\" shailoo train scenarios/demo-drill.yaml --speed 600\n"
        "Map: wheel zooms, drag pans, the region combo fits the map to one region. The layout is made for 1280x800.\n"
        "For tests and demos: --script FILE (scripted actions; `screenshot: FILE.png` and `map:` steps capture a\n"
        "drill's moments in one run; docs/trainer.md), --frames N, --screenshot PNG (the last frame), --out DIR.\n"
        "A fault injected without a duration lasts 30 minutes, in the fault panel and in scripts (0: until cleared).\n"
        "A drill: --drill FILE (drills/*.yaml, docs/drills.md) opens its scenario with its seed at its start; its\n"
        "injects fire as virtual time passes and the drill tab (in the fault panel) scores each trainee live:\n"
        "  xvfb-run -a -s \"-screen 0 1280x800x24\" shailoo train --drill drills/arbb-stationary-box.yaml --classroom 0.0.0.0:8090 --record r.yaml\n"
        "The record names the drill: --replay r.yaml conducts it again (injects from the record) and scores it too.\n"
        "Hardware in the loop (docs/hil.md): --hil 6006:desk1=elan puts a libfprint reader (`shailoo hil list`) at desk 1 of\n"
        "PEC 6006 for the voters trainees play (--hil-voter FILE, made by `shailoo hil enroll`): when such a voter comes to\n"
        "a desk, the desk's real code captures on the reader and the world waits for it (at most --hil-timeout).\n"
        "--hil 6006:arbb-party=DEVICE puts a SANE scanner in the party-list ARBB: those voters' sheets, marked by the trainee\n"
        "as the console says (print them with `shailoo ballots print`), are read on it and counted by the ARBB.\n"
        "--hil 6006:modem=127.0.0.1:7443[,via=HOST:PORT] sends PEC 6006's reports over a real TLS link: the drill's CEC\n"
        "answers on that address (training certificate), the PEC's modem dials it (or VIA: a relay such as `shailoo hil\n"
        "delay`, or a path through network namespaces) and the CEC's answers come back over it; impair it with the kernel.\n"
        "The record keeps every capture, sheet and link outcome, so --replay gives them back without the hardware (and so\n"
        "does `shailoo run --replay`).\n"
        "Prints a line 'trainer-summary: {json}' on exit (virtual time, frames, mean frames/s, selected PEC, the drill's scores).\n"
        "Exit codes: 0 done, 1 a scripted step failed, 2 bad arguments or files, or no display.");
    cmd->add_option("scenario", opts->scenario, "Scenario file (default: scenarios/demo-drill.yaml, the replayed record's, or the drill's)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--drill", opts->drill, "Conduct the drill file FILE (docs/drills.md): its scenario, seed and start, injects and live scores")
        ->check(CLI::ExistingFile);
    cmd->add_option("--seed", opts->seed, "Random seed (default: the drill's, the scenario's, or the replayed record's)")->check(seed_check());
    cmd->add_option("--speed", opts->speed, "Initial speed: virtual seconds per wall second")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(1.0, 600.0));
    cmd->add_option("--start", opts->start, "Virtual time the console opens at (HH:MM; default: the drill's start, else 06:30)");
    cmd->add_flag("--paused", opts->paused, "Open paused");
    cmd->add_option("--record", opts->record, "Save the drill record (instructor actions, YAML) to FILE on exit");
    cmd->add_option("--replay", opts->replay, "Replay the drill record FILE (its scenario and seed unless given; a drill's record conducts and scores its drill)")->check(CLI::ExistingFile);
    cmd->add_option("--script", opts->script, "Scripted instructor actions (YAML, docs/trainer.md)")->check(CLI::ExistingFile);
    cmd->add_option("--frames", opts->frames, "Render N frames, then exit (0: until the window is closed)")
        ->capture_default_str()
        ->check(CLI::Range(0, 100000000));
    cmd->add_option("--screenshot", opts->screenshot, "Save the last frame as a PNG (needs --frames)");
    cmd->add_option("--classroom", opts->classroom,
                    "Serve the trainee page on HOST:PORT (e.g. 0.0.0.0:8090): trainees join from their browsers as help desk, "
                    "PEC chair or duty officer and act in the drill (docs/classroom.md)");
    cmd->add_option("--out", opts->out, "On exit, simulate the rest of the day and write DIR/results.json");
    cmd->add_option("--map", opts->map, "Country outline (GeoJSON; default: the package's ../map/kyrgyzstan.geojson)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--threads", opts->threads, "Threads that advance the world each frame")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->add_option("--fps-limit", opts->fps_limit, "Frame-rate cap (0: none, to measure)")->capture_default_str()->check(CLI::Range(0, 1000));
    cmd->add_option("--size", [opts](const CLI::results_t& r) {
           return r.size() == 2 && CLI::detail::lexical_cast(r[0], opts->width) && CLI::detail::lexical_cast(r[1], opts->height) &&
                  opts->width >= 640 && opts->height >= 480;
       }, "Window size in pixels, e.g. --size 1280 800 (at least 640 480)")
        ->expected(2);
    add_hil_options(*cmd, *hil);
    cmd->callback([opts, hil, &runner] {
        runner = [opts, hil] {
            if (opts->scenario.empty() && opts->replay.empty() && opts->drill.empty()) opts->scenario = default_path("scenarios/demo-drill.yaml");
            return run_train(*opts, *hil);
        };
    });
}

}  // namespace apps
