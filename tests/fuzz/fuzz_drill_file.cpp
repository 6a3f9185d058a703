// Fuzz target: the drill file loader (drill::parse_drill_file, which load_drill_file runs on a file's
// text; `shailoo drill`, `shailoo train --drill` and `shailoo review` read these files), and the
// response file loader (drill::parse_responses, `shailoo drill --responses`) against a fixed drill
// whose injects the seeds' responses name.
#include <cstddef>
#include <cstdint>

#include "drill/drill_file.hpp"
#include "fuzz_support.hpp"

namespace {

// Injects named like those of drills/*.yaml, so the seeds of drills/responses/ get past the names.
constexpr std::string_view kFixedDrill = R"(version: 1
drill: Fixed
scenario: ../scenarios/drill-talas.yaml
roles: [pec_chair, help_desk, duty_officer]
injects:
  - {name: arbb-dead, at: "10:00", pec: 6050, device: arbb_party_list, fault: dead, support: true}
  - {name: scanner-desk-1, at: "09:00", pec: 6055, device: fingerprint_scanner, unit: 1, fault: dead, support: true}
  - {name: modem-dead, at: "19:50", pec: 6040, device: modem, fault: dead, support: true}
  - {name: no-signal, at: "19:55", pec: 6015, device: modem, fault: no_signal, duration: 3h}
  - {name: mains-loss, at: "11:00", pec: 6010, device: power, fault: mains_loss, duration: 4h}
  - {name: jam-6012, at: "19:45", pec: 6012, device: arbb_district, fault: jam, support: true}
objectives:
  - {name: O, role: pec_chair, inject: arbb-dead, measures: [{measure: voters_left, expected: 0, acceptable: 1, points: 1}]}
model_answer: []
)";

const drill::DrillFile& fixed_drill() {
    static const drill::DrillFile d = *drill::parse_drill_file(kFixedDrill, "drills/fixed.yaml");
    return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text(data, size);
    (void)drill::parse_drill_file(text, "drills/fuzz.yaml");
    (void)drill::parse_responses(text, "drills/responses/fuzz.yaml", fixed_drill());
    return 0;
}
