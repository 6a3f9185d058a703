#pragma once
// Shared by the ingest tests and the regression tests: a small election package, reports for it,
// signing with the test secret, and an Ingest on a store file in the build tree.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "central/ingest.hpp"
#include "core/wire.hpp"

namespace ingest_fixture {

using namespace central;
using core::ArbbReport;
using core::BoxKind;
using core::ReportKind;
using core::WireReport;

constexpr std::uint64_t kDeviceSecret = 0x5EC12E7;

/// Two PECs in district 1 and one abroad; two parties with three candidates each; two district candidates.
inline core::ElectionPackage small_package() {
    core::ElectionPackage p;
    p.name = "test-election";
    for (int id = 1; id <= 2; ++id) {
        core::Party party{.id = id, .name = fmt::format("Party {}", id)};
        for (int k = 1; k <= 3; ++k) party.list.push_back({.position = k, .name = fmt::format("C{}", k)});
        p.parties.push_back(party);
    }
    core::District d{.number = 1, .region_code = 1, .name = "D1"};
    d.candidates = {{.id = 1, .name = "Asel"}, {.id = 2, .name = "Bakyt"}};
    p.districts.push_back(d);
    p.pecs = {{.number = 1001, .region_code = 1, .district = 1, .registered = 1000},
              {.number = 1002, .region_code = 1, .district = 1, .registered = 800},
              {.number = 9001, .region_code = 9, .district = 0, .registered = 300}};
    return p;
}

/// A consistent final party-list report: 600 in the box, 590 valid, 10 invalid.
inline ArbbReport final_party_list(int pec) {
    ArbbReport r;
    r.kind = ReportKind::final;
    r.pec = pec;
    r.box = BoxKind::party_list;
    r.at = core::at(20, 1);
    r.option_counts = {10, 380, 200};
    r.preference_counts = {{100, 50, 0}, {20, 0, 0}};
    r.valid = 590;
    r.invalid = 10;
    r.invalid_by_reason = {4, 6, 0, 0, 0, 0, 0};
    r.ballots_scanned = 600;
    r.ballots_in_box = 600;
    r.figures = {1000, 600, 600};
    return r;
}

inline ArbbReport zero_report(int pec, BoxKind box) {
    ArbbReport r;
    r.kind = ReportKind::zero;
    r.pec = pec;
    r.box = box;
    r.at = core::at(7, 30);
    return r;
}

inline std::vector<std::uint8_t> sign(const std::string& election, int pec, const std::string& device, std::uint64_t seq,
                               core::ReportPayload payload, std::uint64_t secret = kDeviceSecret) {
    WireReport w{{election, pec, device, seq, core::at(20, 2)}, std::move(payload)};
    return core::encode_signed_report(w, core::derive_device_keys(secret, device).secret_key);
}

inline std::vector<std::uint8_t> sign(int pec, const std::string& device, std::uint64_t seq, core::ReportPayload payload) {
    return sign("test-election", pec, device, seq, std::move(payload));
}

/// A fresh store file under the build tree, removed (with its WAL files) when the test ends.
class TempStoreFile {
public:
    explicit TempStoreFile(const std::string& name)
        : path_(std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" / (name + ".sqlite")) {
        std::filesystem::create_directories(path_.parent_path());
        remove();
    }
    ~TempStoreFile() { remove(); }
    const std::filesystem::path& path() const { return path_; }

private:
    void remove() {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
    }
    std::filesystem::path path_;
};

/// Package, registry, store and ingest for one test.
struct Server {
    explicit Server(const std::string& name, GroupCommitPolicy policy = {})
        : file("ingest-" + name), registry(core::make_device_key_registry(package, kDeviceSecret)), store(file.path(), policy),
          ingest(package, registry, store) {}
    core::ElectionPackage package = small_package();
    TempStoreFile file;
    core::DeviceKeyRegistry registry;
    Store store;
    Ingest ingest;
};


/// A stored report with every field set (counts, blobs, violations), distinct per PEC and sequence:
/// what a store must give back field for field (the store tests of both databases).
inline central::StoredReport sample_stored_report(int pec, std::uint64_t sequence) {
    central::StoredReport r;
    r.pec = pec;
    r.source = core::DeviceRole::arbb_party_list;
    r.device = std::to_string(pec) + "-arbb-1";
    r.sequence = sequence;
    r.kind = sequence == 1 ? "zero" : "final";
    r.received_at = 1000 * static_cast<std::int64_t>(sequence);
    r.raw = {1, 2, 3, static_cast<std::uint8_t>(sequence)};
    r.body_hash[0] = static_cast<std::uint8_t>(pec);
    r.body_hash[31] = static_cast<std::uint8_t>(sequence);
    r.ballots_in_box = 517;
    r.valid = 505;
    r.invalid = 12;
    r.ballots_issued = 520;
    r.registered = 1500;
    r.option_votes = {5, 300, 200};
    r.preference_votes = {{100, 20, 0}, {}, {50, -0}};
    r.violations = "in_box_le_identified: 517 > 510\n";
    return r;
}

}  // namespace ingest_fixture
