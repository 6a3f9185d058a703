// `shailoo load --bad`: the mix is read strictly, drawn from the seed, and every bad report gets
// from the real ingest the answer the load generator expects of it (so a run counts them as a pass).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "central/ingest.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/wire.hpp"
#include "loadgen/load_generator.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace bad_reports_test {

namespace {

const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;

const core::ElectionPackage& package() {
    static const auto p = core::load_election_package(kSource / "assets" / "kg2021");
    return *p;
}

std::vector<loadgen::PlannedReport> mixed(int pecs, const std::string& bad, std::uint64_t seed) {
    auto plan = loadgen::plan_fleet(package(), pecs, core::kSimulatedDeviceSecret, seed, nullptr, 1.0);
    auto mix = loadgen::parse_bad_mix(bad);
    EXPECT_TRUE(mix) << mix.error().message;
    auto out = loadgen::mix_bad_reports(std::move(plan), *mix, package(), core::kSimulatedDeviceSecret, seed);
    EXPECT_TRUE(out) << out.error().message;
    return *out;
}

}  // namespace

TEST(LoadBadMix, ReadsSharesAndNamesWhatIsWrong) {
    const auto mix = loadgen::parse_bad_mix("bad_signature=0.05,replay=0.02,wrong_pec=0.01");
    ASSERT_TRUE(mix) << mix.error().message;
    EXPECT_DOUBLE_EQ(mix->share[static_cast<int>(loadgen::Flaw::bad_signature)], 0.05);
    EXPECT_DOUBLE_EQ(mix->share[static_cast<int>(loadgen::Flaw::replay)], 0.02);
    EXPECT_DOUBLE_EQ(mix->share[static_cast<int>(loadgen::Flaw::wrong_pec)], 0.01);
    EXPECT_TRUE(mix->any());
    EXPECT_FALSE(loadgen::parse_bad_mix("replay=0")->any());
    for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
             {"", "empty"},
             {"bad_signature", "'bad_signature': expected KIND=SHARE"},
             {"forged=0.1", "unknown kind 'forged'"},
             {"good=0.1", "unknown kind 'good'"},
             {"replay=1.5", "'replay=1.5': the share must be a number from 0 to 1"},
             {"replay=-0.1", "from 0 to 1"},
             {"replay=nan", "from 0 to 1, got 'nan'"},
             {"replay=0.1x", "got '0.1x'"},
             {"replay=0.1,replay=0.2", "replay given twice"},
             {"replay=0.1,", "'': expected KIND=SHARE"}}) {
        const auto m = loadgen::parse_bad_mix(text);
        ASSERT_FALSE(m) << text;
        EXPECT_NE(m.error().message.find(words), std::string::npos) << text << ": " << m.error().message;
    }
}

TEST(LoadBadMix, EveryBadReportGetsItsExpectedAnswerFromTheIngestAndTheGoodOnesAreStored) {
    const auto plan = mixed(40, "bad_signature=0.1,replay=0.05,wrong_pec=0.03", 2021);
    std::map<loadgen::Flaw, int> count;
    for (const auto& p : plan) ++count[p.flaw];
    EXPECT_EQ(count[loadgen::Flaw::none], 120);  // 40 Bishkek PECs x (2 boxes + identification)
    EXPECT_EQ(count[loadgen::Flaw::bad_signature], 12);
    EXPECT_EQ(count[loadgen::Flaw::replay], 6);
    EXPECT_EQ(count[loadgen::Flaw::wrong_pec], 4);  // round(3.6)

    auto registry = core::load_device_key_registry(kSource / "assets" / "kg2021" / "device-keys.yaml");
    ASSERT_TRUE(registry) << registry.error().message;
    const auto file = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" / "load-bad-mix.sqlite";
    std::filesystem::create_directories(file.parent_path());
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + s);
    central::Store store(file, {.max_reports = 100000, .max_delay = 1'000'000'000});
    central::Ingest ingest(package(), *registry, store);
    std::set<std::string> good_devices;
    for (std::size_t i = 0; i < plan.size(); ++i) {  // in plan order, as one sender would
        const auto& p = plan[i];
        if (p.flaw == loadgen::Flaw::replay) {
            ASSERT_LT(p.after, i);
            EXPECT_EQ(plan[p.after].device, p.device);
            EXPECT_EQ(plan[p.after].flaw, loadgen::Flaw::none);
            EXPECT_NE(plan[p.after].message, p.message);
        } else {
            EXPECT_EQ(p.after, loadgen::kNoReport);
        }
        const auto d = ingest.submit(p.message, "test", 0);
        if (p.flaw == loadgen::Flaw::none) {
            EXPECT_EQ(d.outcome, core::AckOutcome::stored) << p.device << ": " << d.text;
            good_devices.insert(p.device);
        } else {
            EXPECT_EQ(d.outcome, core::AckOutcome::rejected) << loadgen::to_string(p.flaw) << " " << p.device;
            EXPECT_EQ(d.reason, loadgen::expected_reason(p.flaw)) << loadgen::to_string(p.flaw) << " " << p.device << ": " << d.text;
        }
    }
    EXPECT_EQ(ingest.flush(0).size(), 120u);
    EXPECT_EQ(ingest.counters().flagged, 0);
    EXPECT_EQ(good_devices.size(), 120u);
    EXPECT_EQ(store.count(), 120);
}

TEST(LoadBadMix, TheMixIsFixedByTheSeed) {
    const auto a = mixed(30, "bad_signature=0.1,replay=0.1,wrong_pec=0.1", 7);
    const auto b = mixed(30, "bad_signature=0.1,replay=0.1,wrong_pec=0.1", 7);
    const auto c = mixed(30, "bad_signature=0.1,replay=0.1,wrong_pec=0.1", 8);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].message, b[i].message) << i;
        EXPECT_EQ(a[i].flaw, b[i].flaw) << i;
    }
    std::vector<std::string> picked_a, picked_c;
    for (const auto& p : a)
        if (p.flaw != loadgen::Flaw::none) picked_a.push_back(p.device);
    for (const auto& p : c)
        if (p.flaw != loadgen::Flaw::none) picked_c.push_back(p.device);
    EXPECT_NE(picked_a, picked_c) << "another seed picks other reports";
}

TEST(LoadBadMix, WrongPecNeedsASecondPec) {
    auto one = package();
    one.pecs.resize(1);
    const auto plan = loadgen::plan_fleet(one, 0, core::kSimulatedDeviceSecret, 1, nullptr, 1.0);
    loadgen::BadMix mix;
    mix.share[static_cast<int>(loadgen::Flaw::wrong_pec)] = 0.5;
    const auto out = loadgen::mix_bad_reports(plan, mix, one, core::kSimulatedDeviceSecret, 1);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().message.find("wrong_pec"), std::string::npos) << out.error().message;
}

}  // namespace bad_reports_test
