// Fuzz target: the CEC's ingest (central::Ingest) on whatever a connection carries. The input is
// frames as in fuzz_wire; each payload is submitted to an Ingest of the small test election
// (tests/central/ingest_fixture.hpp) on a fresh in-memory store, at a fixed time, in order, then the
// batch is committed. The seeds are correctly signed reports, so the fuzzer starts from messages
// that pass every check; a mutation of a signed body almost always ends at bad_signature, which
// fuzz_ingest_signed avoids. Properties: every message gets a decision (stored, duplicate or
// rejected with a reason), never a retry; a commit acknowledges every report it stored.
#include <cstddef>
#include <cstdint>

#include "fuzz_ingest_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::IngestRun run;
    for (const auto payload : fuzz::frames(data, size, core::kMaxWireMessageBytes)) run.submit(payload);
    run.commit();
    return 0;
}
