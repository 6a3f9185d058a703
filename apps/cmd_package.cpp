// `shailoo package generate|check|keys`: makes and checks election packages (docs/election-package.md)
// and writes the package's device key registry (docs/device-keys.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "apps/commands.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "packagegen/package_generator.hpp"

namespace apps {
namespace {

int generate(std::uint64_t seed, const std::string& out) {
    if (auto ok = packagegen::generate_election_package(seed, out); !ok) {
        fmt::print(stderr, "shailoo package generate: {}\n", ok.error().message);
        return 2;
    }
    fmt::print("election package (seed {}) written to {}\n", seed, out);
    return 0;
}

int check(const std::string& dir) {
    auto pkg = core::load_election_package(dir);
    if (!pkg) {
        fmt::print(stderr, "shailoo package check: {}\n", pkg.error().message);
        return 2;
    }
    std::int64_t domestic = 0;
    for (const auto& r : pkg->regions)
        if (!r.abroad) domestic += r.voters;
    int men = 0, women = 0;
    for (const auto& p : pkg->parties)
        for (const auto& c : p.list) (c.sex == core::Sex::male ? men : women) += 1;
    std::size_t district_candidates = 0;
    for (const auto& d : pkg->districts) district_candidates += d.candidates.size();
    // The device key registry, when the package has one (`serve` needs it; `package keys` writes it).
    const std::filesystem::path keys_file = std::filesystem::path(dir) / "device-keys.yaml";
    std::string keys_line = fmt::format("none ({} is missing: `shailoo package keys` writes it; serve needs it)", keys_file.string());
    if (std::filesystem::exists(keys_file)) {
        const auto registry = core::load_device_key_registry(keys_file, *pkg);
        if (!registry) {
            fmt::print(stderr, "shailoo package check: {}\n", registry.error().message);
            return 2;
        }
        keys_line = fmt::format("{} (3 for each PEC)", registry->devices().size());
    }
    fmt::print("{}: valid\n", dir);
    fmt::print("  election             {} ({}), seed {}\n", pkg->name, pkg->date, pkg->seed);
    fmt::print("  regions              {}\n", pkg->regions.size());
    fmt::print("  districts            {}\n", pkg->districts.size());
    fmt::print("  PECs                 {}\n", pkg->pecs.size());
    fmt::print("  registered           {}\n", pkg->registered());
    fmt::print("  domestic             {}\n", domestic);
    fmt::print("  parties              {}\n", pkg->parties.size());
    fmt::print("  list candidates      {} ({} men, {} women)\n", men + women, men, women);
    fmt::print("  district candidates  {}\n", district_candidates);
    fmt::print("  device keys          {}\n", keys_line);
    return 0;
}

int keys(const std::string& dir, std::uint64_t secret_seed, std::string out) {
    auto pkg = core::load_election_package(dir);
    if (!pkg) {
        fmt::print(stderr, "shailoo package keys: {}\n", pkg.error().message);
        return 2;
    }
    if (out.empty()) out = dir + "/device-keys.yaml";
    if (auto ok = core::write_device_key_registry(*pkg, secret_seed, out); !ok) {
        fmt::print(stderr, "shailoo package keys: {}\n", ok.error().message);
        return 2;
    }
    fmt::print("device keys of {} PECs x 3 devices ({}) written to {}\n", pkg->pecs.size(), pkg->name, out);
    return 0;
}

}  // namespace

void add_package_command(CLI::App& app, Runner& runner) {
    auto* cmd = app.add_subcommand("package", "Generate or check an election package (docs/election-package.md)");
    cmd->require_subcommand(1);

    struct Options {
        std::uint64_t seed = packagegen::kDefaultPackageSeed;
        std::string out;  // required: no default, so the shipped package is never overwritten by accident
        std::string dir = default_path("assets/kg2021");
        std::uint64_t secret_seed = core::kSimulatedDeviceSecret;
        std::string keys_out;  // empty: <dir>/device-keys.yaml
    };
    static Options options;  // outlives parsing; the runner reads it after app.parse()

    auto* gen = cmd->add_subcommand("generate", "Generate the 2021 package deterministically from a seed");
    gen->add_option("--seed", options.seed, "Seed of the generated parts")->capture_default_str()->check(seed_check());
    gen->add_option("--out", options.out,
                    "Folder to write the YAML files to (required: to regenerate the shipped package, say "
                    "--out assets/kg2021)")
        ->required();
    gen->callback([&runner] { runner = [] { return generate(options.seed, options.out); }; });

    auto* chk = cmd->add_subcommand("check", "Load and validate a package, print its totals");
    chk->add_option("dir", options.dir, "Package folder")->capture_default_str();
    chk->callback([&runner] { runner = [] { return check(options.dir); }; });

    auto* key = cmd->add_subcommand("keys", "Write the package's device key registry (public keys only, docs/device-keys.md)");
    key->add_option("dir", options.dir, "Package folder")->capture_default_str();
    key->add_option("--secret-seed", options.secret_seed,
                    "Device-secret seed the simulated devices derive their keys from (not part of the package); "
                    "default: the training fleet's core::kSimulatedDeviceSecret")
        ->capture_default_str()
        ->check(seed_check());
    key->add_option("--out", options.keys_out, "File to write (default: DIR/device-keys.yaml)");
    key->callback([&runner] { runner = [] { return keys(options.dir, options.secret_seed, options.keys_out); }; });
}

}  // namespace apps
