// The committed 2021 package against the published figures, and the loader's error messages.
//
// Index of this file:
//   [SECTION] The package and a broken copy of it
//   [SECTION] The committed package against the published figures
//   [SECTION] Loader errors
//   [SECTION] Party list rules
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/election_package.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace election_package_test {

namespace fs = std::filesystem;

// [SECTION] The package and a broken copy of it

namespace {

const fs::path kPackageDir = fs::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021";

const core::ElectionPackage& package() {
    static const core::ElectionPackage pkg = [] {
        auto loaded = core::load_election_package(kPackageDir);
        if (!loaded) throw std::runtime_error(loaded.error().message);
        return *loaded;
    }();
    return pkg;
}

// A copy of the committed package in a fresh temporary folder, to break one line of it.
class BrokenPackage {
public:
    explicit BrokenPackage(const std::string& name)
        : dir_(fs::temp_directory_path() / ("shailoo-package-test-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        for (const auto& entry : fs::directory_iterator(kPackageDir))
            if (entry.path().extension() == ".yaml") fs::copy_file(entry.path(), dir_ / entry.path().filename());
    }
    ~BrokenPackage() { fs::remove_all(dir_); }

    /// Replaces `from` by `to` on the first line containing `from`; returns that line's number.
    int replace(const std::string& file, const std::string& from, const std::string& to) {
        std::ifstream in(dir_ / file);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        int found = 0;
        for (std::size_t i = 0; i < lines.size() && !found; ++i)
            if (auto at = lines[i].find(from); at != std::string::npos) {
                lines[i].replace(at, from.size(), to);
                found = static_cast<int>(i) + 1;
            }
        EXPECT_NE(found, 0) << "no line of " << file << " contains " << from;
        std::ofstream out(dir_ / file, std::ios::trunc);
        for (const auto& line : lines) out << line << '\n';
        return found;
    }

    /// The loader's error for the broken copy (empty if it loaded).
    std::string error() const {
        auto loaded = core::load_election_package(dir_);
        return loaded ? std::string() : loaded.error().message;
    }

    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
};

std::string where(const std::string& file, int line, const std::string& field) {
    return file + ":" + std::to_string(line) + ": field '" + field + "'";
}

}  // namespace

// [SECTION] The committed package against the published figures

TEST(ElectionPackage, LoadsTheCommittedPackage) {
    auto loaded = core::load_election_package(kPackageDir);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->date, "2021-11-28");
    EXPECT_EQ(loaded->seed, 2021u);
}

TEST(ElectionPackage, RegistersThePublishedNumberOfVoters) {
    const auto& pkg = package();
    EXPECT_EQ(pkg.registered(), 3'703'420);
    std::int64_t domestic = 0, abroad = 0;
    for (const auto& r : pkg.regions) (r.abroad ? abroad : domestic) += r.voters;
    EXPECT_EQ(domestic, 3'619'292);
    EXPECT_EQ(abroad, 84'128);
}

TEST(ElectionPackage, HasThePublishedPecsPerRegion) {
    const auto& pkg = package();
    EXPECT_EQ(pkg.pecs.size(), 2494u);
    const std::map<int, int> expected{{1, 228}, {2, 452}, {3, 250}, {4, 169}, {5, 593},
                                      {6, 117}, {7, 408}, {8, 218}, {9, 59}};
    std::map<int, int> counted;
    for (const auto& p : pkg.pecs) {
        ++counted[p.region_code];
        EXPECT_EQ(p.number / 1000, p.region_code) << "PEC " << p.number;
        EXPECT_GE(p.id_desks, 1);
        EXPECT_LE(p.id_desks, 4);
    }
    EXPECT_EQ(counted, expected);
    ASSERT_EQ(pkg.regions.size(), 9u);
    for (const auto& r : pkg.regions) EXPECT_EQ(r.pecs, expected.at(r.code)) << r.name;
}

TEST(ElectionPackage, SharesTheIdentificationOperatorsOverAllPecs) {
    int desks = 0;
    for (const auto& p : package().pecs) desks += p.id_desks;
    EXPECT_EQ(desks, 6938);
}

TEST(ElectionPackage, HasThirtySixDistrictsWithinTwentyPercentOfTheMean) {
    const auto& pkg = package();
    ASSERT_EQ(pkg.districts.size(), 36u);
    const std::map<int, int> per_region{{1, 4}, {2, 7}, {3, 3}, {4, 2}, {5, 9}, {6, 2}, {7, 6}, {8, 3}};
    std::map<int, int> counted;
    for (const auto& d : pkg.districts) {
        ++counted[d.region_code];
        EXPECT_GE(d.voters, 0.8 * 100'476) << d.name;
        EXPECT_LE(d.voters, 1.2 * 100'476) << d.name;
    }
    EXPECT_EQ(counted, per_region);
    for (const auto& p : pkg.pecs) {
        if (p.region_code == 9) {
            EXPECT_EQ(p.district, 0) << "abroad PEC " << p.number;
        } else {
            const auto* d = pkg.find_district(p.district);
            ASSERT_NE(d, nullptr) << "PEC " << p.number;
            EXPECT_EQ(d->region_code, p.region_code) << "PEC " << p.number;
        }
    }
}

TEST(ElectionPackage, PlacesAbroadPecsInTwentyNineStates) {
    std::set<std::string> states;
    for (const auto& p : package().pecs)
        if (p.region_code == 9) states.insert(p.place.substr(0, p.place.find(" (")));
    EXPECT_EQ(states.size(), 29u);
    EXPECT_TRUE(states.count("Russia"));
    EXPECT_TRUE(states.count("Kazakhstan"));
}

TEST(ElectionPackage, PlacesDomesticPecsInsideKyrgyzstan) {
    for (const auto& p : package().pecs) {
        if (p.region_code == 9) continue;
        EXPECT_GT(p.lat, 39.2) << p.number;
        EXPECT_LT(p.lat, 43.3) << p.number;
        EXPECT_GT(p.lon, 69.2) << p.number;
        EXPECT_LT(p.lon, 80.3) << p.number;
    }
}

TEST(ElectionPackage, KeepsNationalTurnoutWhenRegionalBiasesAreWeighted) {
    double weighted = 0.0, total = 0.0;
    bool varies = false;
    for (const auto& r : package().regions) {
        weighted += r.turnout_bias * static_cast<double>(r.voters);
        total += static_cast<double>(r.voters);
        varies = varies || std::abs(r.turnout_bias) > 0.01;
    }
    EXPECT_NEAR(weighted / total, 0.0, 1e-6);
    EXPECT_TRUE(varies);
    EXPECT_DOUBLE_EQ(package().rules.turnout, 0.355);
}

TEST(ElectionPackage, HasTwentyOnePartiesWithThePublishedListCandidates) {
    const auto& pkg = package();
    ASSERT_EQ(pkg.parties.size(), 21u);
    int men = 0, women = 0;
    for (const auto& p : pkg.parties) {
        EXPECT_LE(p.list.size(), 54u) << p.name;
        for (const auto& c : p.list) (c.sex == core::Sex::male ? men : women) += 1;
        auto ok = core::check_party_list(p, pkg.rules, 2021);
        EXPECT_TRUE(ok) << ok.error().message;
    }
    EXPECT_EQ(men, 643);
    EXPECT_EQ(women, 363);
}

TEST(ElectionPackage, CalibratesSixPassingPartiesAndKeepsTheOthersBelowThreshold) {
    const auto& pkg = package();
    const auto& r = pkg.rules;
    // Expected votes at calibrated turnout, out of valid votes (ballots minus spoilt).
    const double ballots = r.turnout * static_cast<double>(pkg.registered());
    const double to_party = ballots * (1.0 - r.invalid_share - r.against_all);
    const double valid = ballots * (1.0 - r.invalid_share);
    const std::map<std::string, double> passing{{"Ata-Jurt Kyrgyzstan", 222005}, {"Ishenim", 174470},
                                                {"Yntymak", 141009}, {"Alliance", 106955},
                                                {"Butun Kyrgyzstan", 90223}, {"Yiman Nuru", 79025}};
    double sum = 0.0;
    for (const auto& p : pkg.parties) {
        sum += p.support;
        const double votes = p.support * to_party;
        if (auto it = passing.find(p.name); it != passing.end()) {
            EXPECT_NEAR(votes, it->second, 1.0) << p.name;
            EXPECT_GT(votes / valid, 0.05) << p.name;
        } else {
            // The legal threshold's base is the voters who took part (the ballots): the largest of
            // the fifteen, El Umutu, is at 4.8 % of them (its preliminary 2021 share was 4.46 %).
            EXPECT_LT(votes / ballots, 0.049) << p.name;
            EXPECT_GT(p.support, 0.0) << p.name;
        }
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
}

TEST(ElectionPackage, HasTheActiveDistrictCandidatesAndAgainstAllLeadsInTwoBishkekDistricts) {
    int candidates = 0;
    std::vector<double> against_all_led;
    for (const auto& d : package().districts) {
        candidates += static_cast<int>(d.candidates.size());
        double best = 0.0, sum = d.against_all;
        for (const auto& c : d.candidates) {
            best = std::max(best, c.support);
            sum += c.support;
            EXPECT_FALSE(c.nominated_by.empty());
        }
        EXPECT_NEAR(sum, 1.0, 1e-5) << d.name;
        if (d.against_all > best) {
            EXPECT_EQ(d.region_code, 1) << d.name;
            against_all_led.push_back(d.against_all);
        }
    }
    EXPECT_EQ(candidates, 286);
    std::sort(against_all_led.begin(), against_all_led.end());
    ASSERT_EQ(against_all_led.size(), 2u);
    EXPECT_DOUBLE_EQ(against_all_led[0], 0.33);
    EXPECT_DOUBLE_EQ(against_all_led[1], 0.38);
}

TEST(ElectionPackage, FindsPecsRegionsAndDistrictsByNumber) {
    const auto& pkg = package();
    ASSERT_NE(pkg.find_pec(1001), nullptr);
    EXPECT_EQ(pkg.find_pec(1001)->first_voter, 0);
    EXPECT_EQ(pkg.find_pec(9059)->first_voter + pkg.find_pec(9059)->registered, 3'703'420);
    EXPECT_EQ(pkg.find_pec(1229), nullptr);
    EXPECT_EQ(pkg.find_region(8)->name, "Batken");
    EXPECT_EQ(pkg.find_district(37), nullptr);
}

// [SECTION] Loader errors

TEST(ElectionPackageLoader, NamesFileLineAndFieldOfAnIllTypedValue) {
    BrokenPackage broken("ill-typed");
    const int line = broken.replace("pecs.yaml", "number: 1005, region: 1, district: 1, registered: ",
                                    "number: 1005, region: 1, district: 1, registered: many");
    // "many1234" is not a number.
    EXPECT_NE(broken.error().find(where((broken.dir() / "pecs.yaml").string(), line, "registered") + ": expected a whole number"),
              std::string::npos)
        << broken.error();
}

TEST(ElectionPackageLoader, NamesAMissingField) {
    BrokenPackage broken("missing");
    const int line = broken.replace("regions.yaml", "code: 3, name: \"Issyk-Kul\", voters:", "code: 3, name: \"Issyk-Kul\", electors:");
    EXPECT_NE(broken.error().find(where((broken.dir() / "regions.yaml").string(), line, "electors") + ": unknown field"),
              std::string::npos)
        << broken.error();
    BrokenPackage dropped("dropped");
    const int line2 = dropped.replace("election.yaml", "  turnout: 0.355", "");
    (void)line2;
    EXPECT_NE(dropped.error().find("election.yaml:"), std::string::npos);
    EXPECT_NE(dropped.error().find("field 'turnout': missing"), std::string::npos) << dropped.error();
}

TEST(ElectionPackageLoader, RejectsAnOutOfRangeValue) {
    BrokenPackage broken("range");
    const int line = broken.replace("election.yaml", "invalid_share: 0.0927", "invalid_share: 1.5");
    EXPECT_NE(broken.error().find(where((broken.dir() / "election.yaml").string(), line, "invalid_share") + ": 1.5 is out of range"),
              std::string::npos)
        << broken.error();
}

TEST(ElectionPackageLoader, RejectsAPecInAnUnknownDistrict) {
    BrokenPackage broken("district");
    const int line = broken.replace("pecs.yaml", "number: 1001, region: 1, district: 1,", "number: 1001, region: 1, district: 5,");
    EXPECT_NE(broken.error().find(where((broken.dir() / "pecs.yaml").string(), line, "district") + ": district 5 lies in region 2"),
              std::string::npos)
        << broken.error();
}

// support.yaml: the organisation of 2021 (600 experts, the 712 reserve ARBB scanners, spare UPSes), and its errors.
TEST(ElectionPackage, HasTheSupportOrganisationOf2021) {
    ASSERT_TRUE(package().support.has_value());
    const auto& org = *package().support;
    int crews = 0, scanners = 0;
    for (const auto& b : org.bases) crews += b.crews, scanners += b.spares[4];
    EXPECT_EQ(crews, 600);
    EXPECT_EQ(scanners, 5'700 - 2 * 2'494);
    // Spare UPSes: 10 % of the ARBBs they power (2 per PEC at home, 1 abroad), shared by ARBBs, one at least.
    const auto ups = static_cast<std::size_t>(std::find(std::begin(core::kSpareKinds), std::end(core::kSpareKinds), std::string_view("power_supply")) -
                                              std::begin(core::kSpareKinds));
    ASSERT_LT(ups, core::kSpareKindCount);
    int arbbs = 0, spare_upses = 0;
    for (const auto& p : package().pecs) arbbs += p.district ? 2 : 1;
    for (const auto& b : org.bases) {
        EXPECT_GE(b.spares[ups], 1) << b.name;
        spare_upses += b.spares[ups];
    }
    EXPECT_EQ(spare_upses, arbbs / 10);
    for (const auto& r : package().regions)
        EXPECT_TRUE(std::any_of(org.bases.begin(), org.bases.end(), [&](const core::SupportBase& b) { return b.region_code == r.code; }))
            << r.name;
}

TEST(ElectionPackageLoader, NamesTheSupportFilesErrors) {
    const std::string file = "support.yaml";
    BrokenPackage district("support-district");
    int line = district.replace(file, "region: 1, district: 1,", "region: 1, district: 9,");
    EXPECT_NE(district.error().find(where((district.dir() / file).string(), line, "district") + ": no district 9 in region 1"),
              std::string::npos) << district.error();
    BrokenPackage typo("support-typo");
    line = typo.replace(file, "ballot_scanner:", "arbb:");
    EXPECT_NE(typo.error().find(where((typo.dir() / file).string(), line, "arbb") + ": unknown field"), std::string::npos) << typo.error();
    BrokenPackage speed("support-speed");
    line = speed.replace(file, "road_kmh: 25", "road_kmh: 900");
    EXPECT_NE(speed.error().find(where((speed.dir() / file).string(), line, "road_kmh")), std::string::npos) << speed.error();
    // Without support.yaml the package loads, with no organisation.
    BrokenPackage none("support-none");
    fs::remove(none.dir() / file);
    auto loaded = core::load_election_package(none.dir());
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_FALSE(loaded->support.has_value());
}

TEST(ElectionPackageLoader, RejectsADuplicatePecNumber) {
    BrokenPackage broken("duplicate");
    const int line = broken.replace("pecs.yaml", "number: 1002,", "number: 1001,");
    EXPECT_NE(broken.error().find(where((broken.dir() / "pecs.yaml").string(), line, "number") + ": PEC 1001 appears twice"),
              std::string::npos)
        << broken.error();
}

TEST(ElectionPackageLoader, RejectsAGapInTheRoll) {
    BrokenPackage broken("first-voter");
    const int line = broken.replace("pecs.yaml", "first_voter: 0,", "first_voter: 1,");
    EXPECT_NE(broken.error().find(where((broken.dir() / "pecs.yaml").string(), line, "first_voter")), std::string::npos)
        << broken.error();
}

TEST(ElectionPackageLoader, RejectsRegionTotalsThatDisagreeWithThePecs) {
    BrokenPackage broken("sums");
    const auto& naryn = *package().find_region(4);
    const int line = broken.replace("regions.yaml", "voters: " + std::to_string(naryn.voters),
                                    "voters: " + std::to_string(naryn.voters + 1));
    EXPECT_NE(broken.error().find(where((broken.dir() / "regions.yaml").string(), line, "voters") + ": region 4 (Naryn)"),
              std::string::npos)
        << broken.error();
}

TEST(ElectionPackageLoader, RejectsAnUnsupportedVersion) {
    BrokenPackage broken("version");
    const int line = broken.replace("districts.yaml", "version: 1", "version: 2");
    EXPECT_NE(broken.error().find(where((broken.dir() / "districts.yaml").string(), line, "version") + ": unsupported version '2'"),
              std::string::npos)
        << broken.error();
}

TEST(ElectionPackageLoader, RejectsAListThatBreaksTheSexQuota) {
    BrokenPackage broken("sex");
    // Make the first four places of the first list men.
    std::ifstream in(broken.dir() / "parties.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    for (int pos = 1; pos <= 4; ++pos) {
        const auto at = s.find("{position: " + std::to_string(pos) + ",");
        const auto sex = s.find("sex: female", at);
        if (sex < s.find('\n', at)) s.replace(sex, 11, "sex: male");
    }
    std::ofstream(broken.dir() / "parties.yaml", std::ios::trunc) << s;
    EXPECT_NE(broken.error().find("field 'list': party 'Butun Kyrgyzstan': places 1..4 are all men"), std::string::npos)
        << broken.error();
}

TEST(ElectionPackageLoader, ReportsAMissingFileAndBadYaml) {
    BrokenPackage broken("syntax");
    const int line = broken.replace("districts.yaml", "  - number: 2", "  - number: [2");
    EXPECT_NE(broken.error().find("districts.yaml:"), std::string::npos) << broken.error();
    EXPECT_NE(broken.error().find("YAML syntax error"), std::string::npos) << broken.error();
    (void)line;
    fs::remove(broken.dir() / "pecs.yaml");
    broken.replace("districts.yaml", "  - number: [2", "  - number: 2");
    EXPECT_NE(broken.error().find("pecs.yaml: cannot read the election package file"), std::string::npos) << broken.error();
}

// [SECTION] Party list rules

TEST(PartyListRules, RejectsFourConsecutivePlacesOfOneSex) {
    core::ElectionRules rules;
    rules.list_max_one_sex_share = 0.7;
    rules.list_max_same_sex_run = 3;
    rules.list_youth_max_age = 35;
    core::Party party;
    party.name = "Test";
    const core::Sex order[] = {core::Sex::female, core::Sex::male, core::Sex::male, core::Sex::male,
                               core::Sex::female, core::Sex::male, core::Sex::female, core::Sex::male};
    for (int i = 0; i < 8; ++i) party.list.push_back({i + 1, "X", order[i], 1990, false, false});
    EXPECT_TRUE(core::check_party_list(party, rules, 2021));
    party.list[4].sex = core::Sex::male;  // places 2..6 are men
    auto bad = core::check_party_list(party, rules, 2021);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("places 2..5 are all men"), std::string::npos) << bad.error().message;
}

TEST(PartyListRules, RejectsTooFewYoungCandidates) {
    core::ElectionRules rules;
    rules.list_max_one_sex_share = 0.7;
    rules.list_max_same_sex_run = 3;
    rules.list_youth_max_age = 35;
    rules.list_youth_min_share = 0.15;
    core::Party party;
    party.name = "Test";
    for (int i = 0; i < 10; ++i)
        party.list.push_back({i + 1, "X", i % 2 ? core::Sex::male : core::Sex::female, i < 2 ? 1990 : 1970, false, false});
    EXPECT_TRUE(core::check_party_list(party, rules, 2021));
    party.list[1].birth_year = 1985;  // 35 or 36 on election day: not surely young
    auto bad = core::check_party_list(party, rules, 2021);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("1 of 10 candidates are young"), std::string::npos) << bad.error().message;
}

}  // namespace election_package_test
