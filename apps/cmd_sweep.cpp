// `shailoo sweep`: a scenario over many seeds (and a grid of scenario fields) in parallel processes,
// and `shailoo sweep merge`: the shards of a sweep run on a batch engine combined (docs/sweeps.md).

// Index of this file:
//   [SECTION] Options and the plan
//   [SECTION] The report from the nights' summaries
//   [SECTION] Running the nights
//   [SECTION] shailoo sweep merge
//   [SECTION] The command line

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "apps/commands.hpp"
#include "core/election_package.hpp"
#include "sim/scenario.hpp"
#include "sim/sweep_plan.hpp"
#include "sim/sweep_processes.hpp"
#include "sim/sweep_stats.hpp"

namespace apps {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

// [SECTION] Options and the plan

struct SweepOptions {
    std::string scenario;
    std::string seeds;
    std::vector<std::string> set;
    int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int threads = 0;  // per night; 0: cores / jobs
    std::string out = "sweep";
    std::string shard;
    std::optional<std::uint64_t> shard_count;
    bool keep_results = false;
    bool quiet = false;
    std::vector<std::string> merge_dirs;  // shailoo sweep merge DIR...
};

int fail(const std::string& what) {
    fmt::print(stderr, "shailoo sweep: {}\n", what);
    return 2;
}

core::Result<sim::Shard> shard_of(const SweepOptions& o) {
    if (o.shard.empty()) {
        if (o.shard_count) return core::fail("--shard-count goes with --shard auto");
        return sim::Shard{};
    }
    if (o.shard != "auto") {
        if (o.shard_count) return core::fail("--shard-count goes with --shard auto");
        return sim::parse_shard(o.shard);
    }
    return sim::shard_from_environment([](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        return v ? std::optional<std::string>(v) : std::nullopt;
    }, o.shard_count);
}

// The plan from the options, every grid point's scenario loaded and bound to its package (so a bad
// --set fails here, naming it, before any night runs).
core::Result<sim::SweepPlan> make_plan(const SweepOptions& o) {
    sim::SweepPlan plan;
    auto seeds = sim::parse_seeds(o.seeds);
    if (!seeds) return core::fail("--seeds " + seeds.error().message);
    plan.seeds = *seeds;
    for (const auto& text : o.set) {
        auto axis = sim::parse_grid_axis(text);
        if (!axis) return core::fail("--set " + axis.error().message);
        plan.grid.push_back(std::move(*axis));
    }
    auto shard = shard_of(o);
    if (!shard) return core::fail("--shard " + shard.error().message);
    plan.shard = *shard;
    if (auto ok = sim::check_plan(plan); !ok) return std::unexpected(ok.error());
    std::optional<core::ElectionPackage> package;
    for (std::size_t p = 0; p < plan.points(); ++p) {
        auto scenario = sim::load_scenario(o.scenario, plan.point_overrides(p));
        if (!scenario) return std::unexpected(scenario.error());
        if (!package) {
            auto loaded = core::load_election_package(scenario->package_dir);
            if (!loaded) return core::fail(fmt::format("election package of {}: {}", o.scenario, loaded.error().message));
            package = std::move(*loaded);
        }
        if (auto bound = sim::bind_to_package(*scenario, *package); !bound) return std::unexpected(bound.error());
        plan.scenario = scenario->name;
    }
    return plan;
}

core::Result<json> read_json(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return core::fail(fmt::format("{}: cannot read", file.string()));
    json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded()) return core::fail(fmt::format("{}: not JSON", file.string()));
    return doc;
}

core::Result<void> write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file);
    out << text;
    out.close();
    if (!out) return core::fail(fmt::format("cannot write {}", file.string()));
    return {};
}

// The sweep folder ready: nights/ made, sweep-plan.json written (a plan already there must be this one).
core::Result<void> prepare_folder(const sim::SweepPlan& plan, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir / "nights", ec);
    if (ec) return core::fail(fmt::format("cannot make {}: {}", (dir / "nights").string(), ec.message()));
    const fs::path plan_file = dir / "sweep-plan.json";
    if (fs::exists(plan_file)) {
        auto doc = read_json(plan_file);
        auto old = doc ? sim::plan_from_json(*doc, plan_file.string()) : core::Result<sim::SweepPlan>(std::unexpected(doc.error()));
        if (!old || !old->same_sweep(plan) || !(old->shard == plan.shard))
            return core::fail(fmt::format("{} holds another sweep (its sweep-plan.json differs): choose another --out or remove it",
                                          dir.string()));
    }
    return write_text(plan_file, plan_to_json(plan).dump(1) + "\n");
}

// [SECTION] The report from the nights' summaries

// The nights of each folder's shard read from its summaries; the folders' plans must be one sweep's.
core::Result<std::pair<sim::SweepPlan, std::vector<sim::NightSummary>>> read_nights(const std::vector<fs::path>& dirs) {
    std::optional<sim::SweepPlan> first;
    std::vector<sim::NightSummary> nights;
    for (const auto& dir : dirs) {
        const fs::path plan_file = dir / "sweep-plan.json";
        auto doc = read_json(plan_file);
        if (!doc) return core::fail(fmt::format("{} (not a folder of shailoo sweep?)", doc.error().message));
        auto plan = sim::plan_from_json(*doc, plan_file.string());
        if (!plan) return std::unexpected(plan.error());
        if (first && !first->same_sweep(*plan))
            return core::fail(fmt::format("{} and {} are shards of different sweeps (scenario, seeds or grid differ)",
                                          dirs.front().string(), dir.string()));
        if (!first) first = *plan;
        for (const sim::Night& night : plan->shard_nights()) {
            const fs::path file = dir / "nights" / (sim::SweepPlan::night_name(night) + ".json");
            auto summary = read_json(file);
            if (!summary) return core::fail(fmt::format("{} (shard {}/{} of the sweep has not finished?)", summary.error().message,
                                                        plan->shard.index, plan->shard.count));
            auto read = sim::read_night_summary(*summary, *plan, file.string());
            if (!read) return std::unexpected(read.error());
            nights.push_back(std::move(*read));
        }
    }
    return std::pair{*first, std::move(nights)};
}

// sweep.json and sweep.txt in `out` from the folders' nights: the text, or why there is none.
core::Result<std::string> write_report(const std::vector<fs::path>& dirs, const fs::path& out) {
    auto read = read_nights(dirs);
    if (!read) return std::unexpected(read.error());
    auto& [plan, nights] = *read;
    if (auto ok = sim::check_complete(plan, nights); !ok) return std::unexpected(ok.error());
    const json report = sim::sweep_report(plan, std::move(nights));
    const std::string text = sim::sweep_report_text(report);
    std::error_code ec;
    fs::create_directories(out, ec);
    if (auto ok = write_text(out / "sweep.json", report.dump(1) + "\n"); !ok) return std::unexpected(ok.error());
    if (auto ok = write_text(out / "sweep.txt", text); !ok) return std::unexpected(ok.error());
    return text;
}

// [SECTION] Running the nights

using Clock = std::chrono::steady_clock;

std::string clock_text(double seconds) {
    const auto s = static_cast<long long>(seconds + 0.5);
    return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

// Nights done on stderr: redrawn in place on a terminal, a line per quarter otherwise.
class SweepProgress {
public:
    SweepProgress(bool quiet, std::size_t total) : quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0), total_(total), start_(Clock::now()) {}
    void night_done() {
        ++done_;
        if (quiet_) return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
        const double eta = elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_);
        const std::string line = fmt::format("nights {}/{}, elapsed {}, ETA {}", done_, total_, clock_text(elapsed), clock_text(eta));
        if (tty_) {
            fmt::print(stderr, "\r  {}   {}", line, done_ == total_ ? "\n" : "");
        } else if (100 * done_ >= next_ * total_) {
            fmt::print(stderr, "  {}\n", line);
            while (100 * done_ >= next_ * total_) next_ += 25;
        }
    }

private:
    bool quiet_, tty_;
    std::size_t total_, done_ = 0, next_ = 25;
    Clock::time_point start_;
};

std::vector<sim::ChildJob> night_jobs(const SweepOptions& o, const sim::SweepPlan& plan, const std::vector<sim::Night>& nights,
                                      int threads) {
    const fs::path dir = fs::path(o.out) / "nights";
    std::vector<sim::ChildJob> jobs;
    for (const sim::Night& night : nights) {
        const std::string name = sim::SweepPlan::night_name(night);
        std::vector<std::string> args{"run", o.scenario, "--seed", std::to_string(night.seed), "--out", (dir / name).string(),
                                      "--quiet", "--threads", std::to_string(threads), "--summary", (dir / (name + ".json")).string()};
        for (const auto& set : plan.point_overrides(night.point)) args.insert(args.end(), {"--set", set.path + "=" + set.value});
        fs::remove(dir / (name + ".json"));  // a summary from an earlier sweep in this folder is never taken for this one's
        jobs.push_back({std::move(args), dir / (name + ".stderr")});
    }
    return jobs;
}

// What a finished night leaves: its summary kept, its stderr and (unless --keep-results) its results
// folder removed; a night that did not end with 0 or 3 fails the sweep, its stderr shown.
core::Result<void> night_finished(const SweepOptions& o, const sim::ChildJob& job, const sim::Night& night, sim::ChildEnd end) {
    const fs::path dir = fs::path(o.out) / "nights";
    const std::string name = sim::SweepPlan::night_name(night);
    std::ifstream err_in(job.stderr_file);
    const std::string err((std::istreambuf_iterator<char>(err_in)), std::istreambuf_iterator<char>());
    if (end.exit_code != 0 && end.exit_code != 3) {
        const std::string how = end.exit_code >= 0 ? fmt::format("exited with {}", end.exit_code) : fmt::format("was killed by signal {}", end.signal);
        return core::fail(fmt::format("night {} (seed {}): shailoo run {}; its stderr ({}):\n{}", name, night.seed, how,
                                      job.stderr_file.string(), err));
    }
    if (!fs::exists(dir / (name + ".json"))) return core::fail(fmt::format("night {}: shailoo run wrote no summary", name));
    std::error_code ec;
    fs::remove(job.stderr_file, ec);
    if (!o.keep_results) fs::remove_all(dir / name, ec);
    return {};
}

int sweep(const SweepOptions& o) {
    auto plan = make_plan(o);
    if (!plan) return fail(plan.error().message);
    if (auto ok = prepare_folder(*plan, o.out); !ok) return fail(ok.error().message);
    std::error_code ec;
    const std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) return fail("cannot find its own executable (/proc/self/exe): " + ec.message());
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = o.threads > 0 ? o.threads : std::max(1, cores / o.jobs);
    const auto nights = plan->shard_nights();
    const auto jobs = night_jobs(o, *plan, nights, threads);
    if (!o.quiet)
        fmt::print(stderr, "shailoo sweep: {}, {} of {} nights (shard {}/{}), {} at once, {} thread(s) each, into {}\n", plan->scenario,
                   nights.size(), plan->nights(), plan->shard.index, plan->shard.count, o.jobs, threads, o.out);
    SweepProgress progress(o.quiet, nights.size());
    const auto start = Clock::now();
    auto ran = sim::run_children(exe, jobs, o.jobs, [&](std::size_t job, sim::ChildEnd end) -> core::Result<void> {
        auto ok = night_finished(o, jobs[job], nights[job], end);
        if (ok) progress.night_done();
        return ok;
    });
    if (!ran) return (fmt::print(stderr, "\nshailoo sweep: {}\n", ran.error().message), 1);
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    if (!o.quiet)
        fmt::print(stderr, "shailoo sweep: {} nights in {:.1f} s wall time ({:.0f} nights per hour)\n", nights.size(), wall,
                   wall > 0 ? 3600.0 * static_cast<double>(nights.size()) / wall : 0.0);
    if (plan->shard.count > 1) {
        if (!o.quiet) fmt::print("shard {}/{} done: {} nights in {}; combine the shards with: shailoo sweep merge DIR... --out OUT\n",
                                 plan->shard.index, plan->shard.count, nights.size(), o.out);
        return 0;
    }
    auto text = write_report({o.out}, o.out);
    if (!text) return fail(text.error().message);
    if (!o.quiet) fmt::print("{}\nreport: {}, {}\n", *text, (fs::path(o.out) / "sweep.txt").string(), (fs::path(o.out) / "sweep.json").string());
    return 0;
}

// [SECTION] shailoo sweep merge

int merge(const SweepOptions& o) {
    const std::vector<fs::path> dirs(o.merge_dirs.begin(), o.merge_dirs.end());
    auto text = write_report(dirs, o.out);
    if (!text) {
        fmt::print(stderr, "shailoo sweep merge: {}\n", text.error().message);
        return 2;
    }
    if (!o.quiet) fmt::print("{}\nreport: {}, {}\n", *text, (fs::path(o.out) / "sweep.txt").string(), (fs::path(o.out) / "sweep.json").string());
    return 0;
}

// [SECTION] The command line

constexpr const char* kFooter =
    "Runs `shailoo run SCENARIO --seed S` once per seed (and grid point) as child processes, at most --jobs at once,\n"
    "keeps each night's summary in DIR/nights/ (every national figure of results.json and each criterion's verdict;\n"
    "--keep-results keeps the whole results.json too), and writes DIR/sweep.json and DIR/sweep.txt: per grid point\n"
    "each figure's mean, sample sd, 95 % CI of the mean (Student t), min and max, and each criterion's pass rate with\n"
    "its 95 % Wilson score interval. Each night is deterministic per seed; the report does not depend on the order\n"
    "nights finish in. A grid: --set PATH=V1,V2,... or --set PATH=LO..HI:STEP on a scenario field (repeat for more\n"
    "axes; e.g. --set faults[0].share=0.1..0.5:0.1).\n"
    "On a batch engine: --shard I/N runs the nights whose number mod N is I; --shard auto takes I/N from a Slurm job\n"
    "array (SLURM_ARRAY_TASK_ID, _MIN, _MAX) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shard-count N\n"
    "or SHAILOO_SHARD_COUNT); then `shailoo sweep merge DIR... --out OUT` combines the shards' folders into the same\n"
    "report, byte for byte, as one machine's sweep. deploy/ has a Slurm batch script and a Kubernetes manifest.\n"
    "A night that exits 3 (a criterion failed) is data; one that exits otherwise fails the sweep, its stderr shown.\n"
    "Exit codes: 0 done, 1 a night failed, 2 bad arguments or input files. Format and statistics: docs/sweeps.md.";

void add_merge_command(CLI::App& sweep_cmd, const std::shared_ptr<SweepOptions>& opts, Runner& runner) {
    auto* merge_cmd = sweep_cmd.add_subcommand("merge", "Combine the folders of a sweep's shards into one report");
    merge_cmd->footer("Reads DIR/sweep-plan.json and DIR/nights/*.json of each shard's folder (shailoo sweep --shard), checks\n"
                      "that they are shards of one sweep and hold each night exactly once, and writes OUT/sweep.json and\n"
                      "OUT/sweep.txt: byte for byte what one machine's sweep of the same seeds writes.\n"
                      "Exit codes: 0 done, 2 bad arguments, or folders that are not one whole sweep.");
    merge_cmd->add_option("dirs", opts->merge_dirs, "The shards' folders (each shailoo sweep --out)")->required()->check(CLI::ExistingDirectory);
    merge_cmd->add_option("--out", opts->out, "Folder for sweep.json and sweep.txt")->capture_default_str();
    merge_cmd->add_flag("-q,--quiet", opts->quiet, "Print nothing but errors");
    merge_cmd->callback([opts, &runner] { runner = [opts] { return merge(*opts); }; });
}

}  // namespace

void add_sweep_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<SweepOptions>();
    auto* cmd = app.add_subcommand("sweep", "Run a scenario over many seeds (and a grid of fields) and report figures' spread and criteria's pass rates");
    cmd->footer(kFooter);
    cmd->add_option("scenario", opts->scenario, "Scenario file (YAML, format: docs/scenarios.md)")->check(CLI::ExistingFile);
    cmd->add_option("--seeds", opts->seeds, "Seeds FIRST..LAST (e.g. 1..1000)");
    cmd->add_option("--set", opts->set, "A grid axis: PATH=V1,V2,... or PATH=LO..HI:STEP (repeatable)")->allow_extra_args(false);
    cmd->add_option("-j,--jobs", opts->jobs, "Nights run at once (child processes)")->capture_default_str()->check(CLI::Range(1, 1024));
    cmd->add_option("--threads", opts->threads, "Threads of each night (default: cores / jobs)")->check(CLI::Range(1, 256));
    cmd->add_option("--out", opts->out, "Folder for the nights' summaries and the report")->capture_default_str();
    cmd->add_option("--shard", opts->shard, "Run one share of the nights: I/N, or auto (Slurm job array, Kubernetes Indexed Job)");
    cmd->add_option("--shard-count", opts->shard_count, "With --shard auto in a Kubernetes Indexed Job: the number of shards")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
    cmd->add_flag("--keep-results", opts->keep_results, "Keep each night's whole results.json (DIR/nights/NAME/)");
    cmd->add_flag("-q,--quiet", opts->quiet, "Print nothing but errors");
    add_merge_command(*cmd, opts, runner);
    cmd->callback([cmd, opts, &runner] {
        if (cmd->got_subcommand("merge")) return;
        if (opts->scenario.empty()) throw CLI::RequiredError("scenario (the scenario file)");
        if (opts->seeds.empty()) throw CLI::RequiredError("--seeds");
        runner = [opts] { return sweep(*opts); };
    });
}

}  // namespace apps
