// Fuzz target: the drill record loader (sim::parse_drill_record, which load_drill_record runs on a
// file's text; `shailoo run --replay` and `train --replay` read these files).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "sim/drill_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto record = sim::parse_drill_record(fuzz::text(data, size), "records/fuzz.yaml");
    if (!record) return 0;
    for (std::size_t i = 1; i < record->actions.size(); ++i)
        fuzz::require(record->actions[i - 1].issued <= record->actions[i].issued, "actions are in the order taken");
    return 0;
}
