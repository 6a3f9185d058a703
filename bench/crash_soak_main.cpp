// crash_soak: `shailoo serve` killed with SIGKILL during ingest again and again, every acknowledged
// report checked after every kill (bench/crash_soak.hpp). Run by bench/crash-soak.sh; not by ctest
// (ctest runs 30 kills of the same code: tests/apps/serve_load_test.cpp, ServeCrash).
// Progress on stderr; the figures as JSON on stdout (and in --json FILE), then one summary line.
// Exit 0 when nothing was lost, duplicated, half-stored or corrupted; 1 otherwise; 2 for bad arguments.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "bench/crash_soak.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Crash soak of shailoo serve: SIGKILL during ingest, Jepsen-style checks (issue 17.4)"};
    crash_soak::Options o;
    o.package = std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021";
    std::string work = fmt::format("/tmp/shailoo-crash-soak-{}", getpid());
    std::string json_file;
    app.add_option("--kills", o.kills, "SIGKILLs during ingest")->capture_default_str()->check(CLI::Range(1, 1000000));
    app.add_option("--seed", o.seed, "Seed of the kill moments and the fleets' counts")->capture_default_str();
    app.add_option("--pecs", o.pecs, "PECs per cycle (3 reports each)")->capture_default_str()->check(CLI::Range(1, 2494));
    app.add_option("--clients", o.clients, "Reports in flight at most")->capture_default_str()->check(CLI::Range(1, 256));
    app.add_option("--min-delay-ms", o.min_delay_ms, "Kill at least this long after the server listens")->capture_default_str();
    app.add_option("--max-delay-ms", o.max_delay_ms, "... and at most this long")->capture_default_str();
    app.add_option("--serve", o.serve, "The shailoo to run serve from (default: this build's)");
    app.add_option("--work", work, "Folder for the stores and serve.log (kept when a check fails)")->capture_default_str();
    app.add_option("--json", json_file, "Also write the figures to this file");
    app.add_flag("--postgres", o.postgres,
                 "Each cycle on a fresh database of a PostgreSQL 15 cluster the soak starts (fsync on; checked with amcheck) "
                 "instead of a fresh SQLite file");
    CLI11_PARSE(app, argc, argv);
    if (o.min_delay_ms < 0 || o.max_delay_ms < o.min_delay_ms) {
        fmt::print(stderr, "crash_soak: need 0 <= --min-delay-ms <= --max-delay-ms\n");
        return 2;
    }
    o.work_dir = work;
    const bool terminal = isatty(STDERR_FILENO);
    auto last = std::chrono::steady_clock::now() - std::chrono::hours(1);
    o.progress = [&](const crash_soak::Figures& f) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::seconds(terminal ? 0 : 10)) return;
        last = now;
        fmt::print(stderr, "{}{}", crash_soak::describe(f, o.kills), terminal ? "\r" : "\n");
    };
    const auto figures = crash_soak::run(o);
    fmt::print(stderr, "{}\n", crash_soak::describe(figures, o.kills));
    const auto json = crash_soak::to_json(figures);
    fmt::print("{}\n", json.dump(2));
    if (!json_file.empty()) std::ofstream(json_file) << json.dump(2) << "\n";
    fmt::print("crash soak: {} cycles, {} kills, {} reports sent, {} acked, {} lost, {} duplicated, {} half-stored, "
               "integrity {}/{} ok, {:.1f} s: {}\n",
               figures.cycles, figures.kills, figures.reports, figures.acked, figures.lost, figures.duplicated,
               figures.half_stored, figures.integrity_checks - figures.integrity_failures, figures.integrity_checks,
               figures.seconds, figures.ok() ? "PASS" : "FAIL");
    if (figures.ok()) std::filesystem::remove_all(o.work_dir);
    else fmt::print(stderr, "crash_soak: files kept in {}\n", o.work_dir.string());
    return figures.ok() ? 0 : 1;
}
