// Fuzz target: the election package loader (core/election_package_yaml.cpp) on the five files'
// texts, given in one input separated by NUL bytes in the loader's order: election.yaml,
// regions.yaml, districts.yaml, parties.yaml, pecs.yaml (core::parse_election_package, which
// load_election_package runs on a folder's files). Property: a package that loads satisfies the
// cross-checks the loader promises (every PEC in a known region, registered voters add up).
#include <cstddef>
#include <cstdint>

#include "core/election_package.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto files = fuzz::split_files(fuzz::text(data, size), 5);
    const core::ElectionPackageTexts texts{std::move(files[0]), std::move(files[1]), std::move(files[2]), std::move(files[3]),
                                           std::move(files[4])};
    const auto package = core::parse_election_package(texts, "fuzz-package");
    if (!package) return 0;
    std::int64_t regions = 0;
    for (const auto& r : package->regions) regions += r.voters;
    fuzz::require(regions == package->registered(), "the regions' voters are the PECs' registered voters");
    for (const auto& p : package->pecs) fuzz::require(package->find_region(p.region_code) != nullptr, "every PEC is in a region");
    return 0;
}
