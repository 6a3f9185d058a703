// Fuzz target: the ingest protocol's frames and protobuf decoding (net/tls_frame, core/wire). The
// input is the byte stream of one connection, cut into frames as the server cuts it; each frame is
// opened as a SignedReport and its body decoded (what Ingest::precheck does first), and read as a
// client reads an Ack. Properties: a decoded report encodes to a body that decodes to the same
// report; a decoded Ack encodes to an Ack that decodes to the same Ack.
#include <cstddef>
#include <cstdint>

#include "core/wire.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    for (const auto payload : fuzz::frames(data, size, core::kMaxWireMessageBytes)) {
        if (auto envelope = core::open_envelope(payload)) {
            const auto report = core::decode_body(envelope->body);
            if (report) {
                const auto again = core::decode_body(core::encode_body(*report));
                fuzz::require(again && again->header == report->header && again->payload == report->payload,
                              "a decoded report encodes to a body that decodes to the same report");
            } else {
                fuzz::require(!report.error().message.empty(), "a body that cannot be decoded gets a message");
            }
        }
        if (payload.size() <= core::kMaxAckBytes)
            if (const auto ack = core::decode_ack(payload)) {
                const auto again = core::decode_ack(core::encode_ack(*ack));
                fuzz::require(again && *again == *ack, "a decoded Ack encodes to the same Ack");
            }
    }
    return 0;
}
