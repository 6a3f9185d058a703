// The generator reproduces the committed package byte for byte and keeps the totals for any seed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/election_package.hpp"
#include "packagegen/package_generator.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct TempDir {
    explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / ("shailoo-generator-test-" + name)) {
        fs::remove_all(path);
    }
    ~TempDir() { fs::remove_all(path); }
    fs::path path;
};

const char* const kFiles[] = {"election.yaml", "regions.yaml", "districts.yaml", "parties.yaml", "pecs.yaml"};

}  // namespace

TEST(PackageGenerator, ReproducesTheCommittedPackageFromItsSeed) {
    const fs::path committed = fs::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021";
    auto pkg = core::load_election_package(committed);
    ASSERT_TRUE(pkg) << pkg.error().message;
    TempDir out("committed");
    ASSERT_TRUE(packagegen::generate_election_package(pkg->seed, out.path));
    for (const char* file : kFiles)
        EXPECT_TRUE(slurp(out.path / file) == slurp(committed / file))
            << file << " differs from the generator's output: run `shailoo package generate --out assets/kg2021` and commit";
}

TEST(PackageGenerator, WritesTheSameBytesForTheSameSeed) {
    TempDir a("same-a"), b("same-b");
    ASSERT_TRUE(packagegen::generate_election_package(7, a.path));
    ASSERT_TRUE(packagegen::generate_election_package(7, b.path));
    for (const char* file : kFiles) EXPECT_EQ(slurp(a.path / file), slurp(b.path / file)) << file;
}

TEST(PackageGenerator, KeepsThePublishedTotalsForAnotherSeed) {
    TempDir out("other-seed");
    ASSERT_TRUE(packagegen::generate_election_package(99, out.path));
    auto pkg = core::load_election_package(out.path);
    ASSERT_TRUE(pkg) << pkg.error().message;
    EXPECT_EQ(pkg->seed, 99u);
    EXPECT_EQ(pkg->registered(), 3'703'420);
    EXPECT_EQ(pkg->pecs.size(), 2494u);
    EXPECT_EQ(pkg->districts.size(), 36u);
    std::size_t list = 0, district = 0;
    for (const auto& p : pkg->parties) list += p.list.size();
    for (const auto& d : pkg->districts) district += d.candidates.size();
    EXPECT_EQ(list, 1006u);
    EXPECT_EQ(district, 286u);
    auto base = packagegen::build_election_package(2021);
    ASSERT_TRUE(base);
    EXPECT_NE(base->pecs[0].registered * 7 + base->pecs[1].registered, pkg->pecs[0].registered * 7 + pkg->pecs[1].registered)
        << "a different seed should give different PEC sizes";
}

TEST(PackageGenerator, ReportsAnUnwritableFolder) {
    TempDir blocker("blocker");
    std::ofstream(blocker.path.string()) << "a file, not a folder";
    auto r = packagegen::generate_election_package(1, blocker.path / "out");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot create folder"), std::string::npos) << r.error().message;
}

// The fifteen parties below the threshold keep the ratios of the CEC's preliminary figures of
// election night (packagegen's kOthersPreliminary: El Umutu 4.46 %, Azattyk 4.01 %, ..., the
// Green Party 0.41 %), and the six that passed keep their published votes' ratios.
TEST(PackageGenerator, PartySupportFollowsThePublished2021Figures) {
    auto pkg = packagegen::build_election_package(2021);
    ASSERT_TRUE(pkg);
    auto support = [&](const char* name) {
        for (const auto& p : pkg->parties)
            if (p.name == name) return p.support;
        ADD_FAILURE() << "no party " << name;
        return 0.0;
    };
    EXPECT_NEAR(support("El Umutu") / support("Green Party of Kyrgyzstan"), 4.46 / 0.41, 1e-4);
    EXPECT_NEAR(support("Azattyk") / support("Ata-Meken"), 4.01 / 3.48, 1e-5);
    EXPECT_NEAR(support("Ordo") / support("Aruuzat-El Kutu"), 1.0, 1e-5);
    EXPECT_NEAR(support("Ata-Jurt Kyrgyzstan") / support("Yiman Nuru"), 222005.0 / 79025.0, 1e-5);
    double total = 0.0;
    for (const auto& p : pkg->parties) {
        EXPECT_GT(p.support, 0.0) << p.name;
        total += p.support;
    }
    EXPECT_NEAR(total, 1.0, 1e-9);
    // The largest of the fifteen stays below the 5 % threshold of the voters who took part, as in 2021.
    EXPECT_LT(support("El Umutu") * (1.0 - pkg->rules.invalid_share - pkg->rules.against_all), 0.049);
}
