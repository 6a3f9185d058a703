// `shailoo run`: simulate an election day as fast as possible and report what happened.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "apps/commands.hpp"
#include "core/election_package.hpp"
#include "sim/criteria.hpp"
#include "sim/drill_record.hpp"
#include "sim/html_report.hpp"
#include "sim/junit.hpp"
#include "sim/results_json.hpp"
#include "sim/run_setup.hpp"
#include "sim/scenario.hpp"
#include "sim/sweep_stats.hpp"
#include "sim/world.hpp"

namespace apps {
namespace {

struct RunOptions {
    std::string scenario = default_path("scenarios/election-night-2021.yaml");
    std::optional<std::uint64_t> seed;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::string out = "out";
    bool quiet = false;
    bool scenario_given = false;
    std::string replay;  // drill record whose instructor actions are applied (empty: none)
    std::string junit;   // where the verdicts go as JUnit XML (empty: nowhere)
    std::vector<std::string> set;  // scenario fields overridden, PATH=VALUE
    std::string summary;           // where the night's summary for a sweep goes (empty: nowhere)
    std::string report;  // where the HTML report goes (empty: nowhere)
};

// The night's summary for `shailoo sweep` (sim/sweep_stats.hpp), written whole or not at all (a
// temporary file renamed): false after saying on stderr why it cannot be written.
bool write_summary(const std::string& file, const nlohmann::ordered_json& summary) {
    const std::string partial = file + ".partial";
    std::ofstream out(partial);
    out << summary.dump(1) << '\n';
    out.close();
    std::error_code ec;
    if (out) std::filesystem::rename(partial, file, ec);
    if (!out || ec) {
        fmt::print(stderr, "shailoo run: cannot write {}{}\n", file, ec ? ": " + ec.message() : "");
        return false;
    }
    return true;
}

// The output files besides results.json, opened before the day is simulated so that a path that
// cannot be written fails at once.
struct ExtraOutputs {
    std::ofstream junit;
    std::ofstream report;
};

// The HTML report (sim/html_report.hpp) written when asked for; false after saying why it could not be.
bool write_report(const RunOptions& o, const nlohmann::ordered_json& doc, const std::vector<sim::Verdict>& verdicts, std::ofstream& report) {
    if (o.report.empty()) return true;
    report << sim::html_report(doc, verdicts);
    report.close();
    if (!report) {
        fmt::print(stderr, "shailoo run: writing {} failed\n", o.report);
        return false;
    }
    if (!o.quiet) fmt::print("report: {}\n", o.report);
    return true;
}

// The exit code of a run whose results are written: 0 when every criterion that counts holds, 3
// when one fails; the verdict table after the summary, the JUnit file and the HTML report when
// asked for (2 if one cannot be written).
int report_verdicts(const RunOptions& o, const sim::RunSetup& setup, const nlohmann::ordered_json& doc, ExtraOutputs& outputs,
                    const std::vector<sim::ScenarioOverride>& overrides) {
    const sim::Scenario& scenario = setup.scenario;
    const auto verdicts = sim::evaluate(scenario.criteria, doc);
    if (!o.summary.empty() && !write_summary(o.summary, sim::night_summary(setup.seed, overrides, doc, verdicts))) return 2;
    if (!o.quiet) fmt::print("\n{}", sim::verdict_table(verdicts));
    if (!write_report(o, doc, verdicts, outputs.report)) return 2;
    if (!write_junit(outputs.junit, o.junit, scenario.name, verdicts, {}, "shailoo run")) return 2;
    return sim::verdicts_hold(verdicts) ? 0 : 3;
}

// Progress on stderr: a bar redrawn in place on a terminal, a line per quarter otherwise (logs, CI).
class RunProgress {
public:
    explicit RunProgress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0) {}
    void operator()(std::size_t done, std::size_t total) {
        if (quiet_ || total == 0) return;
        const int pct = static_cast<int>(100 * done / total);
        if (tty_) {
            const int width = 40, filled = width * pct / 100;
            fmt::print(stderr, "\r  simulating [{}{}] {:3} %  {}/{} PECs", std::string(filled, '#'),
                       std::string(width - filled, '.'), pct, done, total);
            if (done == total) fmt::print(stderr, "\n");
        } else if (pct >= next_) {
            fmt::print(stderr, "  simulating: {} % ({}/{} PECs)\n", pct, done, total);
            while (next_ <= pct) next_ += 25;
        }
    }

private:
    bool quiet_, tty_;
    int next_ = 25;
};

// With --replay: the drill record read, and the run's scenario its scenario unless one is given;
// false after saying on stderr why the record cannot be read.
bool load_replay(RunOptions& o, std::optional<sim::DrillRecord>& record) {
    if (o.replay.empty()) return true;
    auto r = sim::load_drill_record(o.replay);
    if (!r) {
        fmt::print(stderr, "shailoo run: {}\n", r.error().message);
        return false;
    }
    if (!o.scenario_given) o.scenario = r->scenario;
    record = std::move(*r);
    return true;
}

// The world built, the drill record's actions applied, the day simulated: its results with the
// wall and CPU time of each phase; nothing after saying on stderr why a record could not be applied.
std::optional<sim::RunResults> simulate(const RunOptions& o, const sim::RunSetup& setup) {
    using Clock = std::chrono::steady_clock;
    const auto seconds = [](Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); };
    const std::clock_t cpu_start = std::clock();  // the process's CPU time, all threads
    const auto start = Clock::now();
    // A record made with physical readers brings their captures: the same desks get them again.
    sim::ReplayedHardware hardware = setup.replay ? sim::replay_hardware(setup.replay->hardware) : sim::ReplayedHardware{};
    if (auto checked = sim::check_hardware(setup.package, setup.scenario, hardware.for_world()); !checked) {
        fmt::print(stderr, "shailoo run: drill record {}: hardware: {}\n", o.replay, checked.error().message);
        return std::nullopt;
    }
    sim::World world(setup.package, setup.scenario, setup.seed, o.threads, hardware.for_world());
    const auto built = Clock::now();
    if (const auto& replayed = setup.replay) {
        if (auto ok = sim::apply_drill_record(*replayed, world, o.threads); !ok) {
            fmt::print(stderr, "shailoo run: drill record {}: {}\n", o.replay, ok.error().message);
            return std::nullopt;
        }
        if (!o.quiet) fmt::print(stderr, "shailoo run: replayed {} instructor action(s) from {}\n", replayed->actions.size(), o.replay);
    }
    RunProgress progress(o.quiet);
    const auto simulating = Clock::now();  // after a drill record's actions are scheduled
    world.run_to_end(o.threads, std::ref(progress));
    const auto simulated = Clock::now();
    if (const std::string diverged = hardware.divergence(); !diverged.empty()) {
        fmt::print(stderr, "shailoo run: drill record {}: the replay has diverged from the session: {}\n", o.replay, diverged);
        return std::nullopt;
    }
    sim::RunResults results = world.results();
    const auto end = Clock::now();
    results.wall_s = seconds(start, end);
    results.phases = {.build_s = seconds(start, built), .simulate_s = seconds(simulating, simulated), .results_s = seconds(simulated, end)};
    results.cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    results.threads = o.threads;
    return results;
}

int run(RunOptions o) {
    std::optional<sim::DrillRecord> record;
    if (!load_replay(o, record)) return 2;
    std::vector<sim::ScenarioOverride> overrides;
    for (const auto& text : o.set) {
        auto parsed = sim::parse_override(text);
        if (!parsed) {
            fmt::print(stderr, "shailoo run: --set {}\n", parsed.error().message);
            return 2;
        }
        overrides.push_back(std::move(*parsed));
    }
    auto setup = sim::open_run(o.scenario, std::move(record), o.seed, overrides);
    if (!setup) {
        fmt::print(stderr, "shailoo run: {}\n", setup.error().message);
        return 2;
    }
    // The results file is opened before the day is simulated: a folder that cannot be written fails at once.
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    const auto results_path = std::filesystem::path(o.out) / "results.json";
    std::ofstream file(results_path);
    if (ec || !file) {
        fmt::print(stderr, "shailoo run: cannot write {}: {}\n", results_path.string(), ec ? ec.message() : "cannot open");
        return 2;
    }
    ExtraOutputs outputs;
    for (auto [path, stream] : {std::pair{&o.junit, &outputs.junit}, std::pair{&o.report, &outputs.report}})
        if (!path->empty() && !(*stream = std::ofstream(*path))) {
            fmt::print(stderr, "shailoo run: cannot write {}: {}\n", *path, std::strerror(errno));
            return 2;
        }
    if (!o.quiet)
        fmt::print(stderr, "shailoo run: {} ({} PECs in package {}), seed {}, {} thread(s)\n", setup->scenario.name,
                   setup->package.pecs.size(), setup->package.name, setup->seed, o.threads);
    const auto results = simulate(o, *setup);
    if (!results) return 2;
    const auto doc = sim::results_to_json(*results, setup->package);
    file << doc.dump(1) << '\n';
    file.close();
    if (!file) {
        fmt::print(stderr, "shailoo run: writing {} failed\n", results_path.string());
        return 2;
    }
    if (!o.quiet) fmt::print("{}\nresults: {}\n", sim::summary_text(*results, setup->package), results_path.string());
    return report_verdicts(o, *setup, doc, outputs, overrides);
}

}  // namespace

void add_run_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Simulate a whole election day as fast as possible and report what happened");
    cmd->footer(
        "Writes DIR/results.json (format: docs/results.md) and prints a summary: turnout, votes per party,\n"
        "identification outcomes, queues, busiest PECs, what each device fault did (PECs, downtime, reserve-slot\n"
        "sheets, voters, late reports), wall time by phase (build, day and night, results),\n"
        "CPU time and events/s. Progress goes to stderr.\n"
        "Same scenario + seed give byte-identical results (apart from 'perf') whatever --threads is.\n"
        "--replay FILE applies the instructor actions of a drill record (shailoo train --record) and, unless a\n"
        "scenario is given, uses the record's scenario and seed: the results equal the recorded session's.\n"
        "Criteria in the scenario (docs/scenarios.md, 'Criteria') are checked against results.json: a table of\n"
        "verdicts follows the summary, and --junit FILE writes them as JUnit XML (one test case per criterion).\n"
        "--set PATH=VALUE replaces a field of the scenario before it is read (e.g. --set faults[0].share=0.3;\n"
        "docs/sweeps.md), --summary FILE writes the night's summary as shailoo sweep keeps it.\n"
        "--report FILE.html writes one self-contained HTML page (docs/report.md; no network needed, the chart\n"
        "library is inlined): the verdicts, headline figures, charts (reporting curve with the 2021 point, turnout\n"
        "by hour and region, a queue heat map of the busiest PECs, identification outcomes, devices in each fault\n"
        "over time), the busiest PECs and their figures.\n"
        "Exit codes: 0 done and every criterion holds (optional ones never fail a run), 2 bad arguments or\n"
        "input files, 3 a criterion failed.");
    cmd->add_option("scenario", opts->scenario, "Scenario file (YAML, format: docs/scenarios.md)")
        ->capture_default_str()
        ->check(CLI::ExistingFile)
        ->each([opts](const std::string&) { opts->scenario_given = true; });
    cmd->add_option("--seed", opts->seed, "Random seed (default: the scenario's seed)")->check(seed_check());
    cmd->add_option("--threads", opts->threads, "Worker threads (results do not depend on it)")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    cmd->add_option("--out", opts->out, "Output folder for results.json")->capture_default_str();
    cmd->add_flag("-q,--quiet", opts->quiet, "Print nothing but errors");
    cmd->add_option("--junit", opts->junit, "Write the criteria's verdicts as JUnit XML to FILE (Jenkins, GitLab)");
    cmd->add_option("--set", opts->set, "Replace a scenario field: PATH=VALUE (repeatable; docs/sweeps.md)")->allow_extra_args(false);
    cmd->add_option("--summary", opts->summary, "Write the night's summary for a sweep to FILE (docs/sweeps.md)");
    cmd->add_option("--report", opts->report, "Write the run report, one self-contained HTML page, to FILE (docs/report.md)");
    cmd->add_option("--replay", opts->replay, "Drill record (YAML, docs/trainer.md) whose instructor actions to apply")
        ->check(CLI::ExistingFile);
    cmd->callback([opts, &runner] { runner = [opts] { return run(*opts); }; });
}

}  // namespace apps
