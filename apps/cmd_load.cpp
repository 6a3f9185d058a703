// `shailoo load`: drives the simulated PEC fleet over real TLS sockets against any server that
// speaks the ingest protocol (docs/load.md). Wiring only: loadgen/load_generator does the work.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>

#include "apps/commands.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "loadgen/load_generator.hpp"
#include "net/tls_client.hpp"

namespace apps {
namespace {

struct LoadCliOptions {
    std::string target = "127.0.0.1:5443";
    int pecs = 0;
    std::string rate_profile;
    double speed = 1.0;
    std::string out = "out/load";
    std::string package = default_path("assets/kg2021");
    std::string ca;  // empty: PACKAGE/tls/cec-ca.pem
    std::uint64_t seed = 2021;
    std::uint64_t secret_seed = core::kSimulatedDeviceSecret;
    int threads = 2;
    int connections = 256;
    double timeout_s = 30;
    std::string bad;   // --bad KIND=SHARE,... (empty: only good reports)
    std::string from;  // --from RESULTS (empty: figures drawn from the package)
    bool progress = false;     // --progress: plain progress lines even when stderr is no terminal
    bool no_progress = false;  // --no-progress: none, even on a terminal
};

/// Prints `error` as shailoo load's and gives exit code 2 (bad arguments or input).
int bad_input(const std::string& error) {
    fmt::print(stderr, "shailoo load: {}\n", error);
    return 2;
}

/// The plan: good reports (drawn from the package, or a run's figures with --from), bad ones mixed in.
core::Result<std::vector<loadgen::PlannedReport>> make_plan(const LoadCliOptions& o, const core::ElectionPackage& package,
                                                            const loadgen::RateProfile* profile) {
    loadgen::BadMix mix;
    if (!o.bad.empty()) {
        auto m = loadgen::parse_bad_mix(o.bad);
        if (!m) return std::unexpected(m.error());
        mix = *m;
    }
    std::optional<loadgen::FleetFigures> figures;
    if (!o.from.empty()) {
        auto f = loadgen::load_results_figures(o.from, package);
        if (!f) return std::unexpected(core::Error{"--from " + f.error().message});
        figures = std::move(*f);
    }
    auto plan = loadgen::plan_fleet(package, o.pecs, o.secret_seed, o.seed, profile, o.speed, figures ? &*figures : nullptr);
    if (!mix.any()) return plan;
    return loadgen::mix_bad_reports(std::move(plan), mix, package, o.secret_seed, o.seed);
}

/// What the plan holds, in one line: `7423 reports (7423 good, 371 bad_signature, ...) from 2494 PECs`.
std::string plan_summary(const std::vector<loadgen::PlannedReport>& plan) {
    std::array<std::size_t, loadgen::kFlawCount> by_flaw{};
    std::set<int> pecs;
    for (const auto& p : plan) {
        ++by_flaw[static_cast<std::size_t>(p.flaw)];
        if (p.flaw == loadgen::Flaw::none) pecs.insert(p.pec);
    }
    std::string kinds = fmt::format("{} good", by_flaw[0]);
    for (int f = 1; f < loadgen::kFlawCount; ++f)
        if (by_flaw[f]) kinds += fmt::format(", {} {}", by_flaw[f], loadgen::to_string(static_cast<loadgen::Flaw>(f)));
    return fmt::format("{} reports ({}) from {} PECs", plan.size(), kinds, pecs.size());
}

/// Live progress on stderr: one line redrawn 4 times a second on a terminal (cut to its width, so
/// it never wraps); with --progress and no terminal, a plain line a second; else none (logs stay clean).
void set_progress(const LoadCliOptions& o, loadgen::LoadOptions& options) {
    const bool terminal = isatty(STDERR_FILENO) != 0;
    if (o.no_progress || (!terminal && !o.progress)) return;
    options.progress_every = std::chrono::milliseconds(terminal ? 250 : 1000);
    options.progress = [terminal](const loadgen::LoadProgress& p) {
        if (terminal) {
            winsize size{};
            const std::size_t width = ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 ? size.ws_col - 1 : 200;
            fmt::print(stderr, "\r\x1b[K{}{}", loadgen::describe(p).substr(0, width), p.final ? "\n" : "");
        } else {
            fmt::print(stderr, "progress {}\n", loadgen::describe(p));
        }
        std::fflush(stderr);
    };
}

/// The loud line when nothing new was stored: the server already held every report acknowledged.
void warn_if_all_duplicate(const loadgen::LoadReport& r) {
    if (!r.all_duplicate) return;
    fmt::print(stderr,
               "WARNING: all {} acknowledged reports were answered `duplicate`: the server already held every one of them, "
               "so nothing new was stored and this run measured retransmissions, not ingest. For a fresh run, start "
               "`shailoo serve` on a new --db (another --seed does not help: each device's sequence 1 would then carry other "
               "counts and be refused as sequence_reused; another --secret-seed signs with keys the server does not know).\n",
               r.acked);
}

/// Writes DIR/load.json; false (after saying why) when it cannot.
bool write_load_json(const LoadCliOptions& o, const loadgen::LoadReport& report, const std::filesystem::path& file) {
    auto j = loadgen::load_json(report);
    j["from"] = o.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.from);
    j["bad"] = o.bad;
    std::ofstream out(file);
    out << j.dump(2) << "\n";
    if (!out) fmt::print(stderr, "shailoo load: {}: cannot write\n", file.string());
    return static_cast<bool>(out);
}

int load(const LoadCliOptions& o) {
    auto address = net::parse_server_address(o.target);
    if (!address) return bad_input("--target " + address.error().message);
    auto package = core::load_election_package(o.package);
    if (!package) return bad_input(package.error().message);
    if (static_cast<std::size_t>(o.pecs) > package->pecs.size())
        return bad_input(fmt::format("--pecs {}: the package {} has {} PECs (0 sends for all of them)", o.pecs, o.package,
                                     package->pecs.size()));
    std::optional<loadgen::RateProfile> profile;
    if (!o.rate_profile.empty()) {
        auto p = loadgen::load_rate_profile(o.rate_profile);
        if (!p) return bad_input(p.error().message);
        profile = std::move(*p);
    }
    auto plan = make_plan(o, *package, profile ? &*profile : nullptr);
    if (!plan) return bad_input(plan.error().message);
    std::error_code fs_error;
    std::filesystem::create_directories(o.out, fs_error);
    if (fs_error) return bad_input(fmt::format("--out {}: {}", o.out, fs_error.message()));
    const double span = plan->empty() ? 0.0 : static_cast<double>(plan->back().at) / 1e6;
    fmt::print("shailoo load: {} to {}:{}, {} (planned over {:.3f} s){}\n", plan_summary(*plan), address->host, address->port,
               profile ? fmt::format("profile '{}' at x{}", profile->name, o.speed) : std::string("all at once"), span,
               o.from.empty() ? std::string() : ", figures from " + o.from);
    std::fflush(stdout);
    loadgen::LoadOptions options{.host = address->host,
                                 .port = address->port,
                                 .ca_file = o.ca.empty() ? std::filesystem::path(o.package) / "tls" / "cec-ca.pem" : std::filesystem::path(o.ca),
                                 .threads = o.threads,
                                 .connections = o.connections,
                                 .timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000))};
    set_progress(o, options);
    auto report = loadgen::run_load(*plan, options);
    if (!report) return bad_input(report.error().message);
    const auto file = std::filesystem::path(o.out) / "load.json";
    if (!write_load_json(o, *report, file)) return 2;
    fmt::print("{}written {}\n", loadgen::describe(*report), file.string());
    std::fflush(stdout);
    warn_if_all_duplicate(*report);
    // 1: the run found a problem - some report's outcome was not the expected one (a good report not
    // acknowledged, a bad one stored or refused for another reason). All-duplicate alone is not one.
    return report->unexpected == 0 ? 0 : 1;
}

}  // namespace

void add_load_command(CLI::App& app, Runner& runner) {
    static LoadCliOptions o;  // outlives parsing; the runner reads it after app.parse()
    auto* cmd = app.add_subcommand("load", "Drive the simulated PEC fleet over TLS against an ingest server (docs/load.md)");
    cmd->add_option("--target", o.target, "Server address HOST:PORT (its certificate must name HOST)")->capture_default_str();
    cmd->add_option("--pecs", o.pecs, "Send for the first N PECs of the package (0: all; with --from, of the run's PECs)")->capture_default_str()->check(CLI::Range(0, std::numeric_limits<int>::max()));
    cmd->add_option("--rate-profile", o.rate_profile, "Cumulative reporting curve, e.g. scenarios/rate-2021.yaml (default: all at once)");
    cmd->add_option("--speed", o.speed, "Compress the profile's time by this factor")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.001, 1e6));
    cmd->add_option("--out", o.out, "Folder for load.json")->capture_default_str();
    cmd->add_option("--package", o.package, "Election package folder")->capture_default_str();
    cmd->add_option("--ca", o.ca, "CA certificate to pin, PEM (default: PACKAGE/tls/cec-ca.pem)");
    cmd->add_option("--seed", o.seed, "Seed of the report contents and send times")->capture_default_str()->check(seed_check());
    cmd->add_option("--secret-seed", o.secret_seed, "Device-secret seed of the fleet's signing keys")->capture_default_str()->check(seed_check());
    cmd->add_option("--threads", o.threads, "Client threads")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->add_option("--connections", o.connections, "Reports in flight at most (senders); latency still counts from the planned time")
        ->capture_default_str()
        ->check(CLI::Range(1, 20000));
    cmd->add_option("--timeout", o.timeout_s, "Seconds allowed per report (connect, handshake, ack)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.001, 3600.0));
    cmd->add_option("--bad", o.bad,
                    "Mix bad reports among the good ones, as shares of the good reports: KIND=SHARE[,KIND=SHARE...], KIND "
                    "bad_signature (a flipped signature byte; expect rejected bad_signature), replay (the device re-sends "
                    "other counts under its answered sequence; expect rejected sequence_reused) or wrong_pec (the device "
                    "claims the next PEC; expect rejected wrong_pec), e.g. bad_signature=0.05,replay=0.02,wrong_pec=0.01");
    cmd->add_option("--from", o.from,
                    "Take each PEC's figures (final ARBB reports, identification) from a results.json of `shailoo run`; "
                    "PECs not in it are not sent");
    auto* progress = cmd->add_flag("--progress", o.progress,
                                   "Progress lines on stderr (one a second) even when stderr is no terminal; on a terminal a "
                                   "line is redrawn 4 times a second anyway");
    cmd->add_flag("--no-progress", o.no_progress, "No progress line, even on a terminal")->excludes(progress);
    cmd->footer("Exit codes: 0 every report answered as expected (good: stored or duplicate; bad: rejected for its reason), "
                "1 some report was not (load.json: unexpected, first_problem), 2 bad arguments or input files. When every "
                "acknowledged report was a duplicate, a WARNING on stderr (load.json: all_duplicate) but exit code 0. "
                "Details: docs/load.md");
    cmd->callback([&runner] { runner = [] { return load(o); }; });
}

}  // namespace apps
