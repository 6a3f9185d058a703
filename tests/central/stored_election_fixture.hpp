#pragma once
// Shared by the publication and NIST export tests: a small election (Bishkek with two PECs in
// district 1, one PEC abroad; two parties with six list candidates each; two district candidates),
// its store filled through the real ingest, and the aggregation of that store.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "central/aggregation.hpp"
#include "central/ingest.hpp"
#include "core/wire.hpp"

namespace stored_election {

using namespace central;
using core::ArbbReport;
using core::BoxKind;
using core::ReportKind;


inline constexpr std::uint64_t kDeviceSecret = 0x9AB11C;

/// Bishkek (two PECs in district 1) and abroad (one PEC); two parties with six candidates each.
inline core::ElectionPackage small_package() {
    core::ElectionPackage p;
    p.name = "publication-test";
    p.date = "2021-11-28";
    p.rules.seats_party_list = 10;
    p.rules.threshold_national = 0.05;
    p.rules.threshold_regional = 0.005;
    p.rules.women_reserved_share = 0.3;
    p.regions = {{.code = 1, .name = "Bishkek"}, {.code = 9, .name = "Abroad", .abroad = true}};
    for (int id = 1; id <= 2; ++id) {
        core::Party party{.id = id, .name = "Party " + std::to_string(id)};
        for (int k = 1; k <= 6; ++k) {
            const auto sex = (k == 3 || k == 5) ? core::Sex::female : core::Sex::male;
            party.list.push_back({.position = k, .name = fmt::format("P{}C{}", id, k), .sex = sex});
        }
        p.parties.push_back(party);
    }
    core::District d{.number = 1, .region_code = 1, .name = "Bishkek-1"};
    d.candidates = {{.id = 1, .name = "Asel", .nominated_by = "Party 1"}, {.id = 2, .name = "Bakyt"}};
    p.districts.push_back(d);
    p.pecs = {{.number = 1001, .region_code = 1, .district = 1, .registered = 1000, .place = "Bishkek"},
              {.number = 1002, .region_code = 1, .district = 1, .registered = 800, .place = "Bishkek"},
              {.number = 9001, .region_code = 9, .district = 0, .registered = 300, .place = "Moscow"}};
    return p;
}

/// A final ARBB report whose own arithmetic adds up (no invalid ballots by reason except the first).
inline ArbbReport final_report(int pec, BoxKind box, std::vector<std::int64_t> options,
                        std::vector<std::vector<std::int64_t>> preferences, std::int64_t invalid, std::int64_t registered) {
    ArbbReport r;
    r.kind = ReportKind::final;
    r.pec = pec;
    r.box = box;
    r.at = core::at(20, 5);
    r.option_counts = std::move(options);
    r.preference_counts = std::move(preferences);
    for (auto v : r.option_counts) r.valid += v;
    r.invalid = invalid;
    r.invalid_by_reason[0] = invalid;
    r.ballots_scanned = r.valid + invalid;
    r.ballots_in_box = r.ballots_scanned;
    r.figures = {registered, r.ballots_in_box, r.ballots_in_box};
    return r;
}

inline std::vector<std::uint8_t> sign(int pec, const std::string& device, std::uint64_t seq, core::ReportPayload payload) {
    core::WireReport w{{"publication-test", pec, device, seq, core::at(20, 6)}, std::move(payload)};
    return core::encode_signed_report(w, core::derive_device_keys(kDeviceSecret, device).secret_key);
}

inline core::IdentificationReport identification(std::int64_t issued) {
    core::IdentificationReport r;
    r.fingerprint = issued;
    r.ballots_issued = issued;
    return r;
}

/// The package's store filled through the real ingest, and its aggregation. 1001: every report.
/// 1002: only a zero report, unless `every_pec` (then its party-list and district finals too).
/// 9001 (abroad): party list and identification. `tag` tells two stores of one test apart.
struct StoredElection {
    explicit StoredElection(bool every_pec = false, const std::string& tag = "")
        : file(std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" /
               fmt::format("{}-{}{}.sqlite", ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name(),
                           ::testing::UnitTest::GetInstance()->current_test_info()->name(), tag)) {
        std::filesystem::create_directories(file.parent_path());
        remove_files();
        auto registry = core::make_device_key_registry(package, kDeviceSecret);
        Store store(file);
        Ingest ingest(package, registry, store);
        auto submit = [&](std::vector<std::uint8_t> bytes) {
            auto d = ingest.submit(bytes, "test", 0);
            EXPECT_EQ(d.outcome, core::AckOutcome::stored) << d.text;
        };
        submit(sign(1001, "1001-arbb-1", 1,
                    final_report(1001, BoxKind::party_list, {10, 380, 200}, {{100, 50, 0, 0, 0, 0}, {20, 0, 0, 0, 0, 0}}, 10, 1000)));
        submit(sign(1001, "1001-arbb-2", 1, final_report(1001, BoxKind::district, {40, 300, 250}, {}, 10, 1000)));
        submit(sign(1001, "1001-id-1", 1, identification(600)));
        ArbbReport zero;
        zero.pec = 1002;
        zero.at = core::at(7, 30);
        submit(sign(1002, "1002-arbb-1", 1, zero));
        if (every_pec) {
            submit(sign(1002, "1002-arbb-1", 2,
                        final_report(1002, BoxKind::party_list, {5, 200, 275}, {{0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}}, 20, 800)));
            submit(sign(1002, "1002-arbb-2", 1, final_report(1002, BoxKind::district, {15, 200, 260}, {}, 25, 800)));
        }
        submit(sign(9001, "9001-arbb-1", 1,
                    final_report(9001, BoxKind::party_list, {0, 100, 150}, {{0, 0, 30, 0, 0, 0}, {0, 0, 0, 0, 0, 0}}, 0, 300)));
        submit(sign(9001, "9001-id-1", 1, identification(250)));
        ingest.flush(1);
        auto r = aggregate(package, store);
        EXPECT_TRUE(r) << r.error().message;
        if (r) results = std::move(*r);
    }
    ~StoredElection() { remove_files(); }
    StoredElection(const StoredElection&) = delete;
    StoredElection& operator=(const StoredElection&) = delete;
    void remove_files() const {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    }

    core::ElectionPackage package = small_package();
    // One file per test (and tag): ctest runs the tests of a suite in parallel.
    std::filesystem::path file;
    Results results;
};

}  // namespace stored_election
