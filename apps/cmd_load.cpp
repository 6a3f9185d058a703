// `shailoo load`: drives the simulated PEC fleet over real TLS sockets against any server that
// speaks the ingest protocol (docs/load.md). Wiring only: loadgen/load_generator does the work.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

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
};

int load(const LoadCliOptions& o) {
    auto address = net::parse_server_address(o.target);
    if (!address) {
        fmt::print(stderr, "shailoo load: --target {}\n", address.error().message);
        return 2;
    }
    auto package = core::load_election_package(o.package);
    if (!package) {
        fmt::print(stderr, "shailoo load: {}\n", package.error().message);
        return 2;
    }
    if (static_cast<std::size_t>(o.pecs) > package->pecs.size()) {
        fmt::print(stderr, "shailoo load: --pecs {}: the package {} has {} PECs (0 sends for all of them)\n", o.pecs,
                   o.package, package->pecs.size());
        return 2;
    }
    std::optional<loadgen::RateProfile> profile;
    if (!o.rate_profile.empty()) {
        auto p = loadgen::load_rate_profile(o.rate_profile);
        if (!p) {
            fmt::print(stderr, "shailoo load: {}\n", p.error().message);
            return 2;
        }
        profile = std::move(*p);
    }
    std::error_code fs_error;
    std::filesystem::create_directories(o.out, fs_error);
    if (fs_error) {
        fmt::print(stderr, "shailoo load: --out {}: {}\n", o.out, fs_error.message());
        return 2;
    }
    const auto plan = loadgen::plan_fleet(*package, o.pecs, o.secret_seed, o.seed, profile ? &*profile : nullptr, o.speed);
    const double span = plan.empty() ? 0.0 : static_cast<double>(plan.back().at) / 1e6;
    fmt::print("shailoo load: {} reports from {} PECs to {}:{}, {} (planned over {:.3f} s)\n", plan.size(),
               o.pecs > 0 ? static_cast<std::size_t>(o.pecs) : package->pecs.size(), address->host, address->port,
               profile ? fmt::format("profile '{}' at x{}", profile->name, o.speed) : std::string("all at once"), span);
    std::fflush(stdout);
    loadgen::LoadOptions options{.host = address->host,
                             .port = address->port,
                             .ca_file = o.ca.empty() ? std::filesystem::path(o.package) / "tls" / "cec-ca.pem" : std::filesystem::path(o.ca),
                             .threads = o.threads,
                             .connections = o.connections,
                             .timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000))};
    auto report = loadgen::run_load(plan, options);
    if (!report) {
        fmt::print(stderr, "shailoo load: {}\n", report.error().message);
        return 2;
    }
    const auto file = std::filesystem::path(o.out) / "load.json";
    std::ofstream out(file);
    out << loadgen::load_json(*report).dump(2) << "\n";
    if (!out) {
        fmt::print(stderr, "shailoo load: {}: cannot write\n", file.string());
        return 2;
    }
    fmt::print("{}written {}\n", loadgen::describe(*report), file.string());
    // 1: the run found a problem (not every planned report was acknowledged).
    return report->acked == report->planned ? 0 : 1;
}

}  // namespace

void add_load_command(CLI::App& app, Runner& runner) {
    static LoadCliOptions o;  // outlives parsing; the runner reads it after app.parse()
    auto* cmd = app.add_subcommand("load", "Drive the simulated PEC fleet over TLS against an ingest server (docs/load.md)");
    cmd->add_option("--target", o.target, "Server address HOST:PORT (its certificate must name HOST)")->capture_default_str();
    cmd->add_option("--pecs", o.pecs, "Send for the first N PECs of the package (0: all)")->capture_default_str()->check(CLI::Range(0, std::numeric_limits<int>::max()));
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
    cmd->callback([&runner] { runner = [] { return load(o); }; });
}

}  // namespace apps
