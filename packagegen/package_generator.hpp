#pragma once
/// The generator of the default election package (assets/kg2021/): public 2021 figures where they
/// exist, seeded deterministic modelling where they stop (per-PEC sizes, positions, names, shares).
/// Every modelling choice is documented in docs/election-package.md.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/election_package.hpp"
#include "core/result.hpp"

namespace packagegen {

/// Seed of the committed package in assets/kg2021/.
constexpr std::uint64_t kDefaultPackageSeed = 2021;

/// Builds the 2021 parliamentary election package in memory from `seed`; same seed, same package.
core::Result<core::ElectionPackage> build_election_package(std::uint64_t seed);

/// Writes a package as the YAML files of docs/election-package.md into `out_dir` (created if missing).
core::Result<void> write_election_package(const core::ElectionPackage& package, const std::filesystem::path& out_dir);

/// Builds the package from `seed` and writes it to `out_dir`; byte for byte the same for the same seed.
core::Result<void> generate_election_package(std::uint64_t seed, const std::filesystem::path& out_dir);

}  // namespace packagegen
