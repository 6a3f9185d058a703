// Fuzz target: the ingest's checks after the signature (central::Ingest steps 7 and 8: sequence,
// shape, count bounds, control ratios). The input is frames as in fuzz_wire, each a ReportBody;
// each body is signed with the training key of the device it names (the test secret of
// tests/central/ingest_fixture.hpp), wrapped in a SignedReport and submitted as in fuzz_ingest, so
// every mutation of the counts reaches the validation a forged or faulty device would reach.
#include <cstddef>
#include <cstdint>

#include "fuzz_ingest_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::IngestRun run;
    for (const auto body : fuzz::frames(data, size, core::kMaxWireMessageBytes)) run.submit(run.signed_by_its_device(body));
    run.commit();
    return 0;
}
