// Fuzz target: the drill script loader (drill::parse_drill_script, which load_drill_script runs on a
// file's text; `shailoo train --script` reads these files).
#include <cstddef>
#include <cstdint>

#include "drill/drill_script.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)drill::parse_drill_script(fuzz::text(data, size), "scripts/fuzz.yaml");
    return 0;
}
