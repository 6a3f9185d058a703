// `shailoo seats` end to end: the real executable on CSV files written by the test.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "shailoo_process.hpp"

namespace {

using shailoo_test::shailoo;

std::string write_file(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-seats";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path.string();
}

}  // namespace

TEST(SeatsCommand, PrintsThe2021OfficialSeatsAsJson) {
    const auto csv = write_file("kg2021.csv",
                                "party,votes\nAta-Jurt Kyrgyzstan,222005\nIshenim,174470\nYntymak,141009\n"
                                "Alliance,106955\nButun Kyrgyzstan,90223\nYiman Nuru,79025\n");
    auto r = shailoo("seats --votes " + csv + " --seats 54 --json");
    ASSERT_EQ(r.code, 0) << r.output;
    auto j = nlohmann::json::parse(r.output);
    std::map<std::string, int> seats;
    for (const auto& p : j["parties"]) {
        EXPECT_TRUE(p["passed"].get<bool>());
        seats[p["party"].get<std::string>()] = p["seats"].get<int>();
    }
    EXPECT_EQ(seats, (std::map<std::string, int>{{"Ata-Jurt Kyrgyzstan", 15}, {"Ishenim", 12}, {"Yntymak", 9},
                                                 {"Alliance", 7}, {"Butun Kyrgyzstan", 6}, {"Yiman Nuru", 5}}));
    EXPECT_FALSE(j["regional_threshold_applied"].get<bool>());
}

TEST(SeatsCommand, SaysWhichThresholdBaseAndWhetherRegionsWereTested) {
    const auto csv = write_file("regions.csv",
                                "party,votes,Bishkek,Osh city\nA,600,300,300\nB,398,397,1\nagainst all,2,1,1\n");
    auto r = shailoo("seats --votes " + csv + " --seats 10");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("valid votes in the file"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Regional threshold 0.50 % applied"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("below the regional threshold in: Osh city"), std::string::npos) << r.output;
}

TEST(SeatsCommand, BadCsvNamesFileAndLineAndExitsWithTwo) {
    const auto csv = write_file("bad.csv", "party,votes\nA,10\nB,ten\n");
    auto r = shailoo("seats --votes " + csv);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find(csv + ":3: votes:"), std::string::npos) << r.output;
    EXPECT_EQ(shailoo("seats --votes /nonexistent/votes.csv").code, 2);
    EXPECT_EQ(shailoo("seats --votes " + csv + " --threshold 2").code, 2);
}
