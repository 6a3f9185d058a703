// The derived voter roll: stable voters, document numbers that lead back, calibrated make-up.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "core/election_package.hpp"
#include "core/voter_roll.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace voter_roll_test {

namespace {

const core::ElectionPackage& package() {
    static const core::ElectionPackage pkg = [] {
        auto loaded = core::load_election_package(std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021");
        if (!loaded) throw std::runtime_error(loaded.error().message);
        return *loaded;
    }();
    return pkg;
}

constexpr std::int64_t kRoll = 3'703'420;

}  // namespace

TEST(VoterRoll, GivesTheSameVoterForTheSameIndex) {
    for (std::int64_t i : {std::int64_t{0}, std::int64_t{12345}, kRoll - 1}) {
        const auto a = core::voter_at(package(), i), b = core::voter_at(package(), i);
        EXPECT_EQ(a.index, i);
        EXPECT_EQ(a.pec, b.pec);
        EXPECT_EQ(a.pin, b.pin);
        EXPECT_EQ(a.document, b.document);
        EXPECT_EQ(a.biometric_seed, b.biometric_seed);
        EXPECT_EQ(core::biometric_seed_of(package(), i), a.biometric_seed);  // the shortcut the roll list uses
        EXPECT_EQ(core::age_of(package(), i), a.age);  // the shortcut the identification station uses
        EXPECT_EQ(a.age, b.age);
    }
    EXPECT_NE(core::voter_at(package(), 1).biometric_seed, core::voter_at(package(), 2).biometric_seed);
}

TEST(VoterRoll, RegistersEachVoterAtThePecWhoseRangeHoldsTheIndex) {
    for (const auto& pec : package().pecs) {
        EXPECT_EQ(core::voter_at(package(), pec.first_voter).pec, pec.number);
        EXPECT_EQ(core::voter_at(package(), pec.first_voter + pec.registered - 1).pec, pec.number);
    }
    EXPECT_EQ(core::pec_of_voter(package(), kRoll), nullptr);
    EXPECT_EQ(core::pec_of_voter(package(), -1), nullptr);
}

TEST(VoterRoll, LeadsFromADocumentNumberBackToItsVoter) {
    std::set<std::string> seen;
    for (std::int64_t i = 0; i < kRoll; i += 37) {
        const std::string doc = core::document_of_voter(package(), i);
        ASSERT_EQ(doc.size(), 9u);
        ASSERT_EQ(doc.substr(0, 2), "ID");
        auto back = core::voter_index_of_document(package(), doc);
        ASSERT_TRUE(back) << doc << ": " << back.error().message;
        ASSERT_EQ(*back, i) << doc;
        if (i < 37 * 20000) {
            EXPECT_TRUE(seen.insert(doc).second) << "document " << doc << " given twice";
        }
    }
}

TEST(VoterRoll, RejectsUnknownAndMalformedDocumentNumbers) {
    int unknown = 0, known = 0;
    for (int n = 0; n < 20000; ++n) {
        const std::string doc = "ID" + std::string(7 - std::to_string(n * 499).size(), '0') + std::to_string(n * 499);
        auto found = core::voter_index_of_document(package(), doc);
        if (found) {
            ++known;
            EXPECT_EQ(core::voter_at(package(), *found).document, doc);
        } else {
            ++unknown;
            EXPECT_NE(found.error().message.find("belongs to no registered voter"), std::string::npos);
        }
    }
    // 3,703,420 of the 10,000,000 possible numbers are given out.
    EXPECT_NEAR(known / 20000.0, 0.370342, 0.02);
    EXPECT_GT(unknown, 0);
    for (const char* bad : {"AB1234567", "ID123", "ID12345678", "ID12a4567", ""}) {
        auto r = core::voter_index_of_document(package(), bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("malformed"), std::string::npos) << r.error().message;
    }
}

TEST(VoterRoll, WritesSexAndBirthDateIntoThePersonalNumber) {
    for (std::int64_t i = 0; i < kRoll; i += 100'003) {
        const auto v = core::voter_at(package(), i);
        ASSERT_EQ(v.pin.size(), 14u);
        EXPECT_EQ(v.pin[0], v.sex == core::Sex::female ? '1' : '2');
        const int day = std::stoi(v.pin.substr(1, 2)), month = std::stoi(v.pin.substr(3, 2));
        const int year = std::stoi(v.pin.substr(5, 4));
        EXPECT_EQ(year, v.birth_year);
        // Age on 2021-11-28 from the birth date.
        const int age = 2021 - year - ((month > 11 || (month == 11 && day > 28)) ? 1 : 0);
        EXPECT_EQ(age, v.age) << v.pin;
        EXPECT_EQ(core::age_of(package(), i), v.age);
        EXPECT_GE(v.age, 18);
    }
}

TEST(VoterRoll, MatchesTheCalibratedSexAndAgeShares) {
    const int sample = 200'000;
    int men = 0;
    std::map<int, int> band_count;
    const auto& bands = package().voter_profile.age_bands;
    for (int k = 0; k < sample; ++k) {
        const auto v = core::voter_at(package(), static_cast<std::int64_t>(k) * 18 + 5);
        men += v.sex == core::Sex::male;
        for (std::size_t b = 0; b < bands.size(); ++b)
            if (v.age >= bands[b].from && v.age <= bands[b].to) ++band_count[static_cast<int>(b)];
    }
    EXPECT_NEAR(men / double(sample), 0.48, 0.005);
    for (std::size_t b = 0; b < bands.size(); ++b)
        EXPECT_NEAR(band_count[static_cast<int>(b)] / double(sample), bands[b].share, 0.005)
            << bands[b].from << ".." << bands[b].to;
}

TEST(VoterRoll, KeepsTheDocumentNumbersOfTwoPackagesApartOnOneThread) {
    core::ElectionPackage other = package();
    other.seed ^= 0x5eed;
    for (std::int64_t i : {std::int64_t{3}, std::int64_t{777'777}}) {
        const std::string mine = core::document_of_voter(package(), i), theirs = core::document_of_voter(other, i);
        EXPECT_NE(mine, theirs);
        // Alternating packages: each number still leads back through its own package's keys.
        EXPECT_EQ(core::voter_index_of_document(package(), mine).value(), i);
        EXPECT_EQ(core::voter_index_of_document(other, theirs).value(), i);
        EXPECT_EQ(core::document_of_voter(package(), i), mine);
    }
}

}  // namespace voter_roll_test
