// `shailoo plan`: the staffing planner (sim/staffing_plan.hpp, docs/plan.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <unistd.h>

#include "apps/commands.hpp"
#include "sim/run_setup.hpp"
#include "sim/staffing_plan.hpp"

namespace apps {
namespace {

struct PlanCliOptions {
    std::string scenario = default_path("scenarios/election-night-2021.yaml");
    std::string out = "out/plan";
    std::string budget = "none";
    double target_min = 30.0;
    int limit = 30;
    bool quiet = false;
    sim::PlanOptions plan;
};

// --budget: "none" (0), "today" (the scenario's desks in all, `today`) or a positive number of desks.
bool read_budget(const std::string& text, std::int64_t today, std::int64_t& budget) {
    if (text == "none") return budget = 0, true;
    if (text == "today") return budget = today, true;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc{} && end == text.data() + text.size() && v > 0) return budget = v, true;
    fmt::print(stderr, "shailoo plan: --budget: expected none, today or a positive number of desks, got '{}'\n", text);
    return false;
}

// The scenario file with the planned desks, loadable from `out` (the package path made absolute).
bool write_planned_scenario(const sim::RunSetup& setup, const sim::StaffingPlan& plan, const std::filesystem::path& out) {
    YAML::Node root = YAML::LoadFile(setup.scenario.file.string());
    root["package"] = std::filesystem::absolute(setup.scenario.package_dir).lexically_normal().string();
    root["name"] = setup.scenario.name + " (staffing from shailoo plan)";
    YAML::Node desks(YAML::NodeType::Map);
    for (const auto& p : plan.pecs) desks[p.pec] = p.desks_planned;
    root["desks"] = desks;
    YAML::Emitter e;
    e << root;
    std::ofstream f(out);
    f << "# Written by shailoo plan: the scenario with each PEC's planned identification desks (docs/plan.md).\n"
      << e.c_str() << "\n";
    return static_cast<bool>(f);
}

void print_plan(const sim::StaffingPlan& plan, const PlanCliOptions& o, int booths_per_desk) {
    std::vector<sim::PecPlan> more;  // needing more desks than today, or held back above the risk
    for (const auto& p : plan.pecs)
        if (p.desks_planned > p.desks_today || !p.held_back.empty()) more.push_back(p);
    std::stable_sort(more.begin(), more.end(), [](const auto& a, const auto& b) {
        return a.desks_planned - a.desks_today > b.desks_planned - b.desks_today;
    });
    std::int64_t fewer = 0;
    for (const auto& p : plan.pecs) fewer += p.desks_planned < p.desks_today;
    fmt::print("Staffing plan: no voter waits longer than {:g} min (nor leaves the queue) on more than {:g} % of {} nights\n",
               o.target_min, 100.0 * o.plan.risk, o.plan.nights);
    fmt::print("  desks today {} -> planned {} ({:+}); booths planned {} ({} per desk)\n", plan.desks_today, plan.desks_planned,
               plan.desks_planned - plan.desks_today, plan.desks_planned * booths_per_desk, booths_per_desk);
    const auto needing = std::count_if(plan.pecs.begin(), plan.pecs.end(), [](const auto& p) { return p.desks_planned > p.desks_today; });
    fmt::print("  PECs needing more desks than today: {}; PECs that can do with fewer: {}; PECs still above the risk: {}\n",
               needing, fewer, plan.pecs_above_risk);
    fmt::print("  {} rounds, {} PEC-nights simulated\n", plan.rounds, plan.nights_simulated);
    if (more.empty()) return;
    fmt::print("  PEC   region  desks today -> planned  risk today -> planned  longest wait (planned)  held back by\n");
    for (std::size_t i = 0; i < more.size() && (o.limit == 0 || i < static_cast<std::size_t>(o.limit)); ++i) {
        const auto& p = more[i];
        fmt::print("  {:<5} {:>6}  {:>11} -> {:<7}  {:>9.0f} % -> {:>3.0f} %  {:>17.1f} min  {}\n", p.pec, p.region, p.desks_today,
                   p.desks_planned, 100.0 * p.risk_today, 100.0 * p.risk_planned, p.longest_wait_s / 60.0,
                   p.held_back.empty() ? "-" : p.held_back == "budget" ? "the budget" : "--max-desks");
    }
    if (o.limit > 0 && more.size() > static_cast<std::size_t>(o.limit))
        fmt::print("  ... {} more (--limit 0 prints all; every PEC is in plan.json)\n", more.size() - static_cast<std::size_t>(o.limit));
}

int plan(PlanCliOptions o) {
    auto setup = sim::open_run(o.scenario, std::nullopt, std::nullopt);
    if (!setup) {
        fmt::print(stderr, "shailoo plan: {}\n", setup.error().message);
        return 2;
    }
    o.plan.target_wait_s = o.target_min * 60.0;
    std::int64_t today = 0;
    for (const auto& pec : setup->package.pecs)
        if (sim::simulated(setup->scenario, pec)) today += sim::desks_at(setup->scenario, pec);
    if (!read_budget(o.budget, today, o.plan.budget)) return 2;
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    if (ec || access(o.out.c_str(), W_OK) != 0) {
        fmt::print(stderr, "shailoo plan: --out {}: cannot write there ({})\n", o.out, ec ? ec.message() : "not writable");
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    const bool tty = isatty(STDERR_FILENO) != 0 && !o.quiet;
    const auto plan = sim::plan_staffing(setup->package, setup->scenario, o.plan, [&](int round, std::size_t pecs) {
        if (o.quiet) return;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        fmt::print(stderr, "{}shailoo plan: {} {} PECs x {} nights ({:.0f} s so far){}", tty ? "\r" : "",
                   round == 0 ? "today's staffing:" : fmt::format("round {}:", round), pecs, o.plan.nights, s, tty ? "   " : "\n");
    });
    if (tty) fmt::print(stderr, "\n");
    const std::filesystem::path dir(o.out);
    std::ofstream(dir / "plan.json") << sim::plan_json(plan, o.plan, setup->scenario);
    if (!write_planned_scenario(*setup, plan, dir / "scenario.yaml")) {
        fmt::print(stderr, "shailoo plan: cannot write {}\n", (dir / "scenario.yaml").string());
        return 2;
    }
    if (!o.quiet) {
        print_plan(plan, o, setup->scenario.booths_per_desk);
        fmt::print("plan: {}, scenario with the planned desks: {} (check it: shailoo run {})\n", (dir / "plan.json").string(),
                   (dir / "scenario.yaml").string(), (dir / "scenario.yaml").string());
    }
    return plan.pecs_above_risk > 0 ? 3 : 0;
}

}  // namespace

void add_plan_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<PlanCliOptions>();
    opts->plan.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto* cmd = app.add_subcommand("plan", "Staffing planner: the fewest identification desks per PEC for a wait target");
    cmd->footer(
        "For every PEC of the scenario, the fewest identification desks (booths: booths_per_desk each) such\n"
        "that, over --nights nights (seeds --first-seed ...) with the scenario's faults and the real desk and\n"
        "matcher, the share of nights on which a voter waits longer than --target-wait minutes or leaves the\n"
        "queue stays at or below --risk. --budget caps the national desks (the riskiest PECs get them first).\n"
        "Writes OUT/plan.json and OUT/scenario.yaml (the scenario with the planned desks) and prints the PECs\n"
        "that need more desks than today. Method and citation: docs/plan.md.\n"
        "Exit codes: 0 every PEC within the risk, 3 some PEC above it (budget or --max-desks), 2 bad input.");
    cmd->add_option("scenario", opts->scenario, "Scenario file (YAML, docs/scenarios.md)")->capture_default_str();
    cmd->add_option("--nights", opts->plan.nights, "Nights (seeds) each staffing is simulated over")
        ->capture_default_str()->check(CLI::Range(1, 10000));
    cmd->add_option("--first-seed", opts->plan.first_seed, "Seed of the first night")->capture_default_str()->check(seed_check());
    cmd->add_option("--target-wait", opts->target_min, "Longest acceptable wait, minutes")
        ->capture_default_str()->check(finite_check())->check(CLI::Range(1.0, 600.0));
    cmd->add_option("--risk", opts->plan.risk, "Highest acceptable share of nights with a longer wait at a PEC")
        ->capture_default_str()->check(finite_check())->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--budget", opts->budget, "National desks at most: none, today (the scenario's total) or a number")
        ->capture_default_str();
    cmd->add_option("--max-desks", opts->plan.max_desks, "Desks one PEC can hold at most")->capture_default_str()->check(CLI::Range(1, 20));
    cmd->add_option("--threads", opts->plan.threads, "Worker threads (results do not depend on it)")->check(CLI::Range(1, 256));
    cmd->add_option("--out", opts->out, "Output folder for plan.json and scenario.yaml")->capture_default_str();
    cmd->add_option("--limit", opts->limit, "PECs listed at most (0: all)")->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_flag("-q,--quiet", opts->quiet, "Print nothing but errors");
    cmd->callback([opts, &runner] { runner = [opts] { return plan(*opts); }; });
}

}  // namespace apps
