// The time series of results.json (docs/results.md): voters per hour (national, per region, per PEC),
// each PEC's mean queue per hour, and the devices in each fault per 30 minutes. Each is checked
// against a figure the document already holds and that is counted another way: the voters, the
// PECs' time-average queue from opening to close (kernel::Resource), the faults' downtime.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <string>

#include "core/election_package.hpp"
#include "sim/results_json.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace {

using json = nlohmann::ordered_json;

// The results document of a test scenario run to the end.
json run(const std::string& file, int threads = 2) {
    auto scenario = sim::load_scenario(std::string(SHAILOO_SOURCE_DIR) + "/tests/data/" + file);
    EXPECT_TRUE(scenario) << scenario.error().message;
    auto package = core::load_election_package(scenario->package_dir);
    EXPECT_TRUE(package) << package.error().message;
    EXPECT_TRUE(sim::bind_to_package(*scenario, *package));
    sim::World world(*package, *scenario, scenario->seed, threads);
    world.run_to_end(threads);
    return sim::results_to_json(world.results(), *package, false);
}

std::int64_t sum(const json& list) {
    std::int64_t s = 0;
    for (const auto& v : list) s += v.get<std::int64_t>();
    return s;
}

const json& crowded() {
    static const json doc = run("naryn-crowded.yaml");
    return doc;
}

const json& faults() {
    static const json doc = run("talas-faults.yaml");
    return doc;
}

TEST(HourlyFigures, VotersPerHourSumToTheVotersNationallyByRegionAndByPec) {
    for (const json* doc : {&crowded(), &faults()}) {
        const json& turnout = (*doc)["turnout"];
        EXPECT_EQ(turnout["hours_from"], "08:00:00");
        const std::size_t hours = turnout["by_hour"].size();
        EXPECT_GE(hours, 12u);  // 08:00 to 20:00 at least
        EXPECT_EQ(sum(turnout["by_hour"]), turnout["voters"].get<std::int64_t>());
        for (const auto& r : turnout["regions"]) {
            EXPECT_EQ(r["by_hour"].size(), hours);
            EXPECT_EQ(sum(r["by_hour"]), r["voters"].get<std::int64_t>()) << r["name"];
        }
        std::int64_t first_hour = 0;
        for (const auto& p : (*doc)["pec_results"]) {
            ASSERT_EQ(p["voters_by_hour"].size(), hours) << p["number"];
            ASSERT_EQ(p["queue_by_hour"].size(), hours) << p["number"];
            EXPECT_EQ(sum(p["voters_by_hour"]), p["voters"].get<std::int64_t>()) << p["number"];
            first_hour += p["voters_by_hour"][0].get<std::int64_t>();
        }
        EXPECT_EQ(first_hour, turnout["by_hour"][0].get<std::int64_t>());
        EXPECT_GT(first_hour, 0);
    }
}

TEST(HourlyFigures, VotersQueuedAtCloseGetTheirBallotsInTheHoursAfterIt) {
    const json& turnout = crowded()["turnout"];
    ASSERT_GT(crowded()["queues"]["pecs_with_queue_at_close"].get<std::int64_t>(), 0);
    ASSERT_GT(turnout["by_hour"].size(), 12u);
    EXPECT_GT(turnout["by_hour"][12].get<std::int64_t>(), 0);  // 20:00-21:00
}

TEST(HourlyFigures, TheHourlyQueuesOfAPecAverageToItsMeanQueueOverTheDay) {
    // mean_queue is the time-average from opening to voting close (08:00-20:00 for a PEC that
    // opened on time): the mean of its first twelve hours.
    int compared = 0;
    for (const auto& p : crowded()["pec_results"]) {
        if (p["opened_at"] != "08:00:00") continue;
        double s = 0.0;
        for (int h = 0; h < 12; ++h) s += p["queue_by_hour"][h].get<double>();
        EXPECT_NEAR(s / 12.0, p["mean_queue"].get<double>(), 1e-9 * std::max(1.0, p["mean_queue"].get<double>())) << p["number"];
        ++compared;
    }
    EXPECT_GT(compared, 10);
    // Queues remain at 20:00 in this scenario: the hour after close shows them.
    double after_close = 0.0;
    for (const auto& p : crowded()["pec_results"]) after_close += p["queue_by_hour"][12].get<double>();
    EXPECT_GT(after_close, 0.0);
}

TEST(HourlyFigures, DevicesInAFaultOverTheTimelineSumToItsDowntime) {
    const json& effects = faults()["fault_effects"];
    const double step_s = effects["timeline_step_minutes"].get<double>() * 60.0;
    EXPECT_EQ(step_s, 1800.0);
    ASSERT_FALSE(effects["faults"].empty());
    for (const auto& f : effects["faults"]) {
        double device_seconds = 0.0;
        for (const auto& v : f["devices_in_fault"]) device_seconds += v.get<double>() * step_s;
        EXPECT_NEAR(device_seconds, f["downtime_s"].get<double>(), 1e-6 * std::max(1.0, f["downtime_s"].get<double>()))
            << f["device"] << "/" << f["fault"];
    }
    // talas-faults.yaml: every district ARBB jams 10:00-11:00: the timeline starts at 10:00 at the
    // latest and the jam fills exactly the two slots 10:00 and 10:30, one device per PEC.
    const auto pecs = faults()["pecs"].get<double>();
    for (const auto& f : effects["faults"]) {
        if (f["device"] != "arbb" || f["fault"] != "jam") continue;
        ASSERT_LE(effects["timeline_from"].get<std::string>(), "10:00:00");
        const int h10 = (10 * 60 - std::stoi(effects["timeline_from"].get<std::string>().substr(0, 2)) * 60 -
                         std::stoi(effects["timeline_from"].get<std::string>().substr(3, 2))) / 30;
        EXPECT_NEAR(f["devices_in_fault"][h10].get<double>(), pecs, 1e-9);
        EXPECT_NEAR(f["devices_in_fault"][h10 + 1].get<double>(), pecs, 1e-9);
        EXPECT_EQ(f["devices_in_fault"][h10 + 2].get<double>(), 0.0);
    }
}

TEST(HourlyFigures, AreTheSameWhateverTheThreadCount) {
    const json one = run("talas-faults.yaml", 1), three = run("talas-faults.yaml", 3);
    EXPECT_EQ(one["turnout"].dump(), three["turnout"].dump());
    EXPECT_EQ(one["fault_effects"].dump(), three["fault_effects"].dump());
    EXPECT_EQ(one["pec_results"].dump(), three["pec_results"].dump());
}

}  // namespace
