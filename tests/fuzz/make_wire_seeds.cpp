// Writes the binary seeds of the wire and ingest fuzz targets (tests/fuzz/corpus/{wire,ingest,
// ingest_signed}/): frames of reports signed for the small test election of
// tests/central/ingest_fixture.hpp, as a PEC's devices send them, and the server's Acks. Not run by
// the tests (nor built by default); the committed seeds are its output:
//   cmake --build --preset release --target make_wire_seeds
//   build/release/tests/fuzz/make_wire_seeds tests/fuzz/corpus
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../central/ingest_fixture.hpp"
#include "core/wire.hpp"
#include "net/tls_frame.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ingest_fixture;
using Bytes = std::vector<std::uint8_t>;

/// A message as one device sends it: `signed_message` for the ingest, its body for ingest_signed.
struct Message {
    Bytes signed_message;
    Bytes body;
};

Message message(int pec, const std::string& device, std::uint64_t seq, core::ReportPayload payload) {
    WireReport w{{"test-election", pec, device, seq, core::at(20, 2)}, std::move(payload)};
    return {core::encode_signed_report(w, core::derive_device_keys(kDeviceSecret, device).secret_key), core::encode_body(w)};
}

core::IdentificationReport identification() {
    core::IdentificationReport r;
    r.fingerprint = 500;
    r.face = 60;
    r.manual = 40;
    r.ballots_issued = 600;
    return r;
}

ArbbReport district_final(int pec) {
    ArbbReport r = final_party_list(pec);
    r.box = BoxKind::district;
    r.option_counts = {10, 300, 280};
    r.preference_counts.clear();
    return r;
}

/// Writes `frames` as one connection's bytes to `dir/name`.
void write(const fs::path& dir, const std::string& name, const std::vector<Bytes>& frames) {
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary);
    for (const auto& f : frames) {
        const auto framed = net::frame(f);
        out.write(reinterpret_cast<const char*>(framed.data()), static_cast<std::streamsize>(framed.size()));
    }
}

/// The same connection for the three targets: signed messages (wire, ingest) and bodies (ingest_signed).
void write_all(const fs::path& corpus, const std::string& name, const std::vector<Message>& messages) {
    std::vector<Bytes> signed_messages, bodies;
    for (const auto& m : messages) {
        signed_messages.push_back(m.signed_message);
        bodies.push_back(m.body);
    }
    write(corpus / "wire", name, signed_messages);
    write(corpus / "ingest", name, signed_messages);
    write(corpus / "ingest_signed", name, bodies);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const fs::path corpus = argv[1];
    write_all(corpus, "party-list-day", {message(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)),
                                         message(1001, "1001-arbb-1", 2, final_party_list(1001))});
    write_all(corpus, "district-final", {message(1002, "1002-arbb-2", 1, district_final(1002))});
    write_all(corpus, "identification", {message(1001, "1001-id-1", 1, identification())});
    write_all(corpus, "abroad-final", {message(9001, "9001-arbb-1", 1, final_party_list(9001))});
    const auto again = message(1002, "1002-arbb-1", 1, final_party_list(1002));
    write_all(corpus, "retransmission", {again, again, message(1002, "1002-arbb-1", 3, final_party_list(1002))});
    write(corpus / "wire", "acks",
          {core::encode_ack({core::AckOutcome::stored, 0, 1, 1, "stored"}),
           core::encode_ack({core::AckOutcome::rejected, static_cast<std::uint8_t>(core::RejectReason::bad_signature), 2, 7,
                             "rejected bad_signature: the signature does not verify"})});
    return 0;
}
