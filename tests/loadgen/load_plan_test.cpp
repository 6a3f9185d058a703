// What `shailoo load` sends (loadgen/load_generator) and how it measures (loadgen/load_histogram),
// without sockets: the plan for the whole 2021 package passes the real ingest, the schedule
// follows the rate profile, the histogram's percentiles are right.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "central/ingest.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "loadgen/load_generator.hpp"
#include "loadgen/load_histogram.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace load_plan_test {

namespace {
const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;
}

TEST(LoadPlan, EveryReportOfTheNationalFleetPassesTheIngestWithThePackageKeys) {
    auto package = core::load_election_package(kSource / "assets" / "kg2021");
    ASSERT_TRUE(package) << package.error().message;
    auto registry = core::load_device_key_registry(kSource / "assets" / "kg2021" / "device-keys.yaml");
    ASSERT_TRUE(registry) << registry.error().message;
    const auto plan = loadgen::plan_fleet(*package, 0, core::kSimulatedDeviceSecret, 2021, nullptr, 1.0);
    std::size_t abroad = 0;
    for (const auto& p : package->pecs) abroad += p.district == 0;
    EXPECT_EQ(plan.size(), package->pecs.size() * 3 - abroad);
    const auto file = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" / "load-plan.sqlite";
    std::filesystem::create_directories(file.parent_path());
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + s);
    central::Store store(file, {.max_reports = 100000, .max_delay = 1'000'000'000});
    central::Ingest ingest(*package, *registry, store);
    for (const auto& p : plan) {
        EXPECT_EQ(p.at, 0);
        const auto d = ingest.submit(p.message, "test", 0);
        ASSERT_EQ(d.outcome, core::AckOutcome::stored) << p.device << ": " << d.text;
    }
    EXPECT_EQ(ingest.counters().flagged, 0);  // the commission's figures agree with the counts too
    EXPECT_EQ(ingest.flush(0).size(), plan.size());
}

TEST(LoadPlan, ARateProfileSpreadsSendTimesWithoutChangingTheReports) {
    auto package = core::load_election_package(kSource / "assets" / "kg2021");
    ASSERT_TRUE(package);
    auto profile = loadgen::load_rate_profile(kSource / "scenarios" / "rate-2021.yaml");
    ASSERT_TRUE(profile) << profile.error().message;
    const auto burst = loadgen::plan_fleet(*package, 0, core::kSimulatedDeviceSecret, 2021, nullptr, 1.0);
    const auto night = loadgen::plan_fleet(*package, 0, core::kSimulatedDeviceSecret, 2021, &*profile, 60.0);
    ASSERT_EQ(burst.size(), night.size());
    std::map<std::string, std::vector<std::uint8_t>> by_device;
    for (const auto& p : burst) by_device[p.device] = p.message;
    std::size_t first_hour = 0;
    for (const auto& p : night) {
        EXPECT_EQ(by_device[p.device], p.message) << p.device;
        first_hour += p.at <= 60 * core::kSecond;  // 60 minutes at x60
        EXPECT_LE(p.at, 180 * core::kSecond);
    }
    // 84 % of the reports in the first hour after 20:00 (CEC report 2021), within sampling noise.
    EXPECT_NEAR(static_cast<double>(first_hour) / night.size(), 0.84, 0.02);
    EXPECT_TRUE(std::is_sorted(night.begin(), night.end(), [](auto& a, auto& b) { return a.at < b.at; }));
}

TEST(LoadPlan, ABrokenRateProfileNamesTheFileAndLine) {
    const auto file = std::filesystem::temp_directory_path() / "shailoo-bad-profile.yaml";
    {
        std::ofstream out(file);
        out << "version: 1\ncumulative:\n  - {minute: 0, share: 0}\n  - {minute: 10, share: 0.5}\n  - {minute: 5, share: 1}\n";
    }
    auto p = loadgen::load_rate_profile(file);
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find(file.string() + ":5"), std::string::npos) << p.error().message;
}

TEST(LoadPlan, ARateProfilePointThatIsNoNumberIsNamed) {
    const auto file = std::filesystem::temp_directory_path() / "shailoo-nan-profile.yaml";
    // Not a number, and NaN (which yaml-cpp reads as a double and every range check let through).
    for (const auto& [point, what] : {std::pair<std::string, std::string>{"{minute: 1O, share: 0.5}", ":4: field 'cumulative[1].minute': expected a finite number, got 1O"},
                                      {"{minute: 10, share: .nan}", ":4: field 'cumulative[1].share': expected a finite number, got .nan"}}) {
        std::ofstream(file) << "version: 1\ncumulative:\n  - {minute: 0, share: 0}\n  - " << point << "\n  - {minute: 20, share: 1}\n";
        auto p = loadgen::load_rate_profile(file);
        ASSERT_FALSE(p) << point;
        EXPECT_NE(p.error().message.find(file.string() + what), std::string::npos) << p.error().message;
    }
}

TEST(LatencyHistogram, PercentilesAreWithinTheBucketResolution) {
    loadgen::LatencyHistogram h;
    for (int v = 1; v <= 100000; ++v) h.record(v);  // 1 us .. 100 ms, uniform
    EXPECT_EQ(h.count(), 100000u);
    EXPECT_EQ(h.max(), 100000u);
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const double exact = q * 100000;
        EXPECT_NEAR(static_cast<double>(h.quantile(q)), exact, exact * 0.002 + 1) << q;
    }
    loadgen::LatencyHistogram other;
    other.record(5'000'000);
    h.add(other);
    EXPECT_EQ(h.quantile(1.0), 5'000'000u);
}

TEST(LatencyHistogram, TheSharedOneTakesValuesFromManyThreadsAndReadsAsTheSame) {
    loadgen::SharedLatencyHistogram shared;
    loadgen::LatencyHistogram alone;
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&shared, t] {
                for (int v = 1; v <= 50000; ++v) shared.record(v * 4 + t);
            });
    }
    for (int t = 0; t < 4; ++t)
        for (int v = 1; v <= 50000; ++v) alone.record(v * 4 + t);
    const auto snapshot = shared.snapshot();
    EXPECT_EQ(snapshot.count(), alone.count());
    EXPECT_EQ(snapshot.max(), alone.max());
    EXPECT_EQ(snapshot.buckets(), alone.buckets());
    for (double q : {0.5, 0.9, 0.99, 0.999, 1.0}) EXPECT_EQ(snapshot.quantile(q), alone.quantile(q)) << q;
    EXPECT_EQ(loadgen::SharedLatencyHistogram().snapshot().quantile(0.99), 0u);
}

TEST(DeviceKeys, TheCommittedRegistryIsTheTrainingFleetsPublicKeys) {
    // `shailoo package keys` wrote assets/kg2021/device-keys.yaml from core::kSimulatedDeviceSecret;
    // the simulator, `shailoo load` and the tests sign with keys derived from the same secret.
    auto package = core::load_election_package(kSource / "assets" / "kg2021");
    ASSERT_TRUE(package);
    std::ifstream in(kSource / "assets" / "kg2021" / "device-keys.yaml", std::ios::binary);
    ASSERT_TRUE(in);
    const std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(committed, core::device_key_registry_yaml(core::make_device_key_registry(*package, core::kSimulatedDeviceSecret),
                                                        package->name))
        << "regenerate with: shailoo package keys";
}

}  // namespace load_plan_test
