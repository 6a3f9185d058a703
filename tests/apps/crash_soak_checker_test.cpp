// The crash soak's checker bites (bench/crash_soak.hpp): on stores made wrong on purpose it finds a
// lost report, a half-stored row and a phantom, and passes the same store when it is right.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "bench/crash_soak.hpp"
#include "central/ingest.hpp"
#include "central/store.hpp"
#include "shailoo_process.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace crash_soak_checker_test {

namespace {

const std::filesystem::path kPackage = std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021";

/// What the ingest would store of one message (from a store in memory).
central::StoredReport row_of(const std::vector<std::uint8_t>& message, const core::ElectionPackage& package,
                             const core::DeviceKeyRegistry& registry) {
    central::Store memory(":memory:");
    central::Ingest ingest(package, registry, memory);
    (void)ingest.submit(message, "test", 0);
    (void)ingest.flush(0);
    return memory.reports().at(0);
}

}  // namespace

TEST(CrashSoakChecker, FindsALostAHalfStoredAndAPhantomReport) {
    auto package = core::load_election_package(kPackage);
    ASSERT_TRUE(package) << package.error().message;
    auto registry = core::load_device_key_registry(kPackage / "device-keys.yaml", *package);
    ASSERT_TRUE(registry) << registry.error().message;
    const auto plan = loadgen::plan_fleet(*package, 4, core::kSimulatedDeviceSecret, 11, nullptr, 1.0);
    ASSERT_EQ(plan.size(), 12u);
    const auto db = shailoo_test::temp_dir("soak-checker") / "store.sqlite";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
    {
        central::Store store(db);
        central::Ingest ingest(*package, *registry, store);
        for (std::size_t i = 1; i < plan.size(); ++i) (void)ingest.submit(plan[i].message, "test", 0);
        (void)ingest.flush(0);
    }
    std::vector<bool> acked(plan.size(), true);
    auto f = crash_soak::check_file(db, plan, acked, *package, *registry);
    EXPECT_EQ(f.lost, 1);  // report 0 was acknowledged and never stored
    EXPECT_EQ(f.half_stored + f.phantom + f.duplicated + f.integrity_failures, 0);
    acked[0] = false;
    f = crash_soak::check_file(db, plan, acked, *package, *registry);
    EXPECT_TRUE(f.ok()) << (f.problems.empty() ? "" : f.problems.front());

    // Report 0 stored with one vote more than it carries, and a row for a sequence never sent.
    auto half = row_of(plan[0].message, *package, *registry);
    half.valid += 1;
    auto phantom = half;
    phantom.sequence += 100;
    {
        central::Store store(db);
        (void)store.stage(half, 0);
        (void)store.stage(phantom, 0);
        ASSERT_TRUE(store.commit().committed);
    }
    f = crash_soak::check_file(db, plan, acked, *package, *registry);
    EXPECT_EQ(f.half_stored, 1);
    EXPECT_EQ(f.phantom, 1);
    EXPECT_EQ(f.lost, 0);
    EXPECT_FALSE(f.ok());
}

}  // namespace crash_soak_checker_test
