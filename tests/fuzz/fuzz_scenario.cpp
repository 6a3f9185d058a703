// Fuzz target: the scenario loader (sim::parse_scenario, which load_scenario runs on a file's text),
// then, as `shailoo run` does, binding the scenario's regions to an election package (the small
// package of the fuzz seeds, tests/fuzz/package/, read once).
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "sim/scenario.hpp"

namespace {

const core::ElectionPackage& small_package() {
    static const core::ElectionPackage package = [] {
        auto loaded = core::load_election_package(SHAILOO_SOURCE_DIR "/tests/fuzz/package");
        if (!loaded) throw std::runtime_error(loaded.error().message);
        return *loaded;
    }();
    return package;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto scenario = sim::parse_scenario(fuzz::text(data, size), "scenarios/fuzz.yaml");
    if (!scenario) return 0;
    fuzz::require(!scenario->arrival_weights.empty(), "a scenario that loads has hourly arrival weights");
    (void)sim::bind_to_package(*scenario, small_package());
    return 0;
}
