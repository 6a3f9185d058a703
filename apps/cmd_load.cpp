// `shailoo load`: drives the simulated PEC fleet over real TLS sockets against any server that
// speaks the ingest protocol (docs/load.md). Wiring only: loadgen/load_generator does the work,
// loadgen/thresholds and loadgen/published_check judge it, sim/criteria's table and sim/junit print
// and write the verdicts as `shailoo run` does its criteria's.
//
// Index of this file:
//   [SECTION] Options and the plan
//   [SECTION] Progress and warnings
//   [SECTION] Thresholds and verdicts
//   [SECTION] The run
//   [SECTION] The command line
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
#include "loadgen/published_check.hpp"
#include "loadgen/thresholds.hpp"
#include "net/tls_client.hpp"
#include "sim/criteria.hpp"
#include "sim/junit.hpp"
#include "sim/load_report.hpp"

namespace apps {
namespace {

// [SECTION] Options and the plan

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
    std::vector<std::string> thresholds;  // --threshold METRIC OP VALUE[UNIT], each
    std::string junit;                    // --junit FILE (empty: none)
    std::string report;                   // --report FILE.html (empty: none)
    std::string check_published;          // --check-published URL (empty: not checked)
    double check_wait_s = 10;             // --check-published-wait
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

// [SECTION] Progress and warnings

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

// [SECTION] Thresholds and verdicts

/// The thresholds, read before any traffic: each --threshold, and with --check-published the
/// built-in published_mismatches==0 unless a --threshold names that metric.
core::Result<std::vector<loadgen::Threshold>> read_thresholds(const LoadCliOptions& o) {
    std::vector<loadgen::Threshold> out;
    bool on_published = false;
    for (const auto& text : o.thresholds) {
        auto t = loadgen::parse_threshold(text);
        if (!t) return core::fail("--threshold " + t.error().message);
        if (t->metric == "published_mismatches" && o.check_published.empty())
            return core::fail(fmt::format("--threshold '{}': published_mismatches needs --check-published URL", t->text));
        on_published = on_published || t->metric == "published_mismatches";
        out.push_back(std::move(*t));
    }
    if (!o.check_published.empty() && !on_published) out.push_back(*loadgen::parse_threshold("published_mismatches==0"));
    return out;
}

/// The thresholds' verdicts as `shailoo run`'s criteria's (sim/criteria.hpp), for its table and JUnit writer.
std::vector<sim::Verdict> verdicts_of(const std::vector<loadgen::Threshold>& thresholds, const nlohmann::json& load_json) {
    std::vector<sim::Verdict> out;
    for (auto& v : loadgen::evaluate_thresholds(thresholds, load_json))
        out.push_back({.name = v.threshold, .description = v.meaning, .path = v.metric, .expected = v.expected, .actual = v.actual,
                       .passed = v.passed});
    return out;
}

/// Prints the verdict table (when there are thresholds) and writes the JUnit file (when asked for):
/// 3 when a threshold failed, 2 when the JUnit file could not be written, else 0.
int report_verdicts(const LoadCliOptions& o, const std::vector<sim::Verdict>& verdicts, std::ofstream& junit) {
    if (!verdicts.empty()) fmt::print("{}", sim::verdict_table(verdicts, {.title = "Thresholds", .column = "threshold", .none = "none"}));
    std::fflush(stdout);
    if (!write_junit(junit, o.junit, fmt::format("load {}", o.target), verdicts, {.tool = "shailoo load", .kind = "threshold"},
                     "shailoo load"))
        return 2;
    return sim::verdicts_hold(verdicts) ? 0 : 3;
}

/// Writes the HTML report (with --report; sim/load_report.hpp): false (after saying why) when it cannot.
bool write_report(const LoadCliOptions& o, std::ofstream& file, const nlohmann::json& load_json, const std::vector<sim::Verdict>& verdicts,
                  const std::string& plan) {
    if (o.report.empty()) return true;
    file << sim::load_html_report(load_json, verdicts, {.target = o.target, .plan = plan});
    file.close();
    if (!file) {
        fmt::print(stderr, "shailoo load: --report {}: cannot write\n", o.report);
        return false;
    }
    fmt::print("written {}\n", o.report);
    return true;
}

// [SECTION] The run

/// Writes DIR/load.json; false (after saying why) when it cannot.
bool write_load_json(const nlohmann::json& j, const std::filesystem::path& file) {
    std::ofstream out(file);
    out << j.dump(2) << "\n";
    if (!out) fmt::print(stderr, "shailoo load: {}: cannot write\n", file.string());
    return static_cast<bool>(out);
}

/// Everything read and checked before a report is sent; exit code 2 (after saying why) otherwise.
struct Prepared {
    net::ServerAddress address;
    core::ElectionPackage package;
    std::optional<loadgen::RateProfile> profile;
    std::vector<loadgen::PlannedReport> plan;
    std::vector<loadgen::Threshold> thresholds;
    std::optional<loadgen::PublishedUrl> published;
    std::ofstream junit;
    std::ofstream report;  // --report, opened before any traffic
};

core::Result<void> prepare(const LoadCliOptions& o, Prepared& p) {
    auto address = net::parse_server_address(o.target);
    if (!address) return core::fail("--target " + address.error().message);
    p.address = *address;
    auto thresholds = read_thresholds(o);
    if (!thresholds) return std::unexpected(thresholds.error());
    p.thresholds = std::move(*thresholds);
    if (!o.check_published.empty()) {
        auto url = loadgen::parse_published_url(o.check_published);
        if (!url) return core::fail("--check-published " + url.error().message);
        p.published = std::move(*url);
    }
    auto package = core::load_election_package(o.package);
    if (!package) return std::unexpected(package.error());
    p.package = std::move(*package);
    if (static_cast<std::size_t>(o.pecs) > p.package.pecs.size())
        return core::fail(fmt::format("--pecs {}: the package {} has {} PECs (0 sends for all of them)", o.pecs, o.package, p.package.pecs.size()));
    if (!o.rate_profile.empty()) {
        auto profile = loadgen::load_rate_profile(o.rate_profile);
        if (!profile) return std::unexpected(profile.error());
        p.profile = std::move(*profile);
    }
    auto plan = make_plan(o, p.package, p.profile ? &*p.profile : nullptr);
    if (!plan) return std::unexpected(plan.error());
    p.plan = std::move(*plan);
    std::error_code fs_error;
    std::filesystem::create_directories(o.out, fs_error);
    if (fs_error) return core::fail(fmt::format("--out {}: {}", o.out, fs_error.message()));
    if (!o.junit.empty() && !(p.junit = std::ofstream(o.junit))) return core::fail(fmt::format("--junit {}: cannot write", o.junit));
    if (!o.report.empty() && !(p.report = std::ofstream(o.report))) return core::fail(fmt::format("--report {}: cannot write", o.report));
    return {};
}

/// After the run: the published tally checked (with --check-published), load.json written, the
/// summary, the mismatches and the verdicts printed, the HTML report written (with --report). The
/// exit code (docs/load.md): 2 when load.json, the JUnit file or the report cannot be written, else
/// 1 when a report was answered otherwise than it must be, else 3 when a threshold failed, else 0.
int finish(const LoadCliOptions& o, Prepared& p, const loadgen::LoadReport& report) {
    auto j = loadgen::load_json(report);
    j["from"] = o.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.from);
    j["bad"] = o.bad;
    std::string published;
    if (p.published) {
        const auto wait = std::chrono::milliseconds(static_cast<std::int64_t>(o.check_wait_s * 1000));
        const auto check = loadgen::check_published(p.package, p.plan, report.good_acked, *p.published, wait);
        j["published"] = loadgen::published_json(check);
        published = loadgen::describe(check);
    }
    const auto file = std::filesystem::path(o.out) / "load.json";
    if (!write_load_json(j, file)) return 2;
    fmt::print("{}{}written {}\n", loadgen::describe(report), published, file.string());
    std::fflush(stdout);
    warn_if_all_duplicate(report);
    const auto verdicts = verdicts_of(p.thresholds, j);
    const int held = report_verdicts(o, verdicts, p.junit);
    if (held == 2 || !write_report(o, p.report, j, verdicts, plan_summary(p.plan))) return 2;
    // 1: some report's outcome was not the expected one (a good report not acknowledged, a bad one
    // stored or refused for another reason). All-duplicate alone is not one.
    if (report.unexpected > 0) return 1;
    return held;
}

int load(const LoadCliOptions& o) {
    Prepared p;
    if (auto ok = prepare(o, p); !ok) return bad_input(ok.error().message);
    const double span = p.plan.empty() ? 0.0 : static_cast<double>(p.plan.back().at) / 1e6;
    fmt::print("shailoo load: {} to {}:{}, {} (planned over {:.3f} s){}\n", plan_summary(p.plan), p.address.host, p.address.port,
               p.profile ? fmt::format("profile '{}' at x{}", p.profile->name, o.speed) : std::string("all at once"), span,
               o.from.empty() ? std::string() : ", figures from " + o.from);
    std::fflush(stdout);
    loadgen::LoadOptions options{.host = p.address.host,
                                 .port = p.address.port,
                                 .ca_file = o.ca.empty() ? std::filesystem::path(o.package) / "tls" / "cec-ca.pem" : std::filesystem::path(o.ca),
                                 .threads = o.threads,
                                 .connections = o.connections,
                                 .timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000))};
    set_progress(o, options);
    auto report = loadgen::run_load(p.plan, options);
    if (!report) return bad_input(report.error().message);
    return finish(o, p, *report);
}

}  // namespace

// [SECTION] The command line

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
    cmd->add_option("--threshold", o.thresholds,
                    "Pass/fail criterion on a figure of load.json, as k6's: METRIC OP VALUE[UNIT], OP one of < <= > >= == !=, "
                    "e.g. 'p99<50ms' 'rejected==0' 'acked_share>=99.9%' 'time_to_all<5s'; give it once per threshold. "
                    "Metrics: p50 p90 p95 p99 p999 max time_to_50 time_to_84 time_to_all duration (ms or s); planned sent "
                    "acked stored duplicates rejected expected_rejections retry errors unexpected published_mismatches "
                    "(counts); acked_share unexpected_share duplicate_share (% or 0..1); acks_per_s peak_acks_per_s")
        ->allow_extra_args(false);
    cmd->add_option("--junit", o.junit, "Write the thresholds' verdicts as JUnit XML to FILE (one test case per threshold)");
    cmd->add_option("--report", o.report,
                    "Write the load report, one self-contained HTML page (as shailoo run --report's; no network needed), to "
                    "FILE.html: the thresholds' verdicts, headline figures, acknowledged over time with the time to 50/84/100 %, "
                    "ack latency over time (p50, p99, max per second), acks per second, outcomes by kind and reject reason, and "
                    "the published-tally check (with --check-published)");
    cmd->add_option("--check-published", o.check_published,
                    "After the run, compare the results page's /api/results.json at this base URL (shailoo serve --http, e.g. "
                    "http://127.0.0.1:8080) with what the acknowledged good reports make it, PEC by PEC, region, district and "
                    "national; adds the threshold published_mismatches==0 unless one names that metric");
    cmd->add_option("--check-published-wait", o.check_wait_s,
                    "Seconds to wait for the page to count every acknowledged report before comparing")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 600.0));
    cmd->footer("Exit codes: 0 every report answered as expected (good: stored or duplicate; bad: rejected for its reason) and "
                "every threshold holds; 1 some report was not (load.json: unexpected, first_problem), whatever the thresholds "
                "say; 2 bad arguments or input files (a malformed threshold or unknown metric: before anything is sent), or "
                "load.json, the JUnit file or the report could not be written; 3 a threshold failed (as `shailoo run`'s failed criteria; "
                "k6 uses 99). With --check-published, a published figure that differs from the fleet's acknowledged reports "
                "fails the threshold published_mismatches==0. When every acknowledged report was a duplicate, a WARNING on "
                "stderr (load.json: all_duplicate) but exit code 0 (give 'duplicate_share==0' to fail it). Details: docs/load.md");
    cmd->callback([&runner] { runner = [] { return load(o); }; });
}

}  // namespace apps
