// `shailoo export` end to end: the real executable on a store the CEC's ingest filled with the
// simulated fleet's signed reports (loadgen::plan_fleet) for the 2021 package, checked against
// NIST's published schema and against the store's own aggregation.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "central/aggregation.hpp"
#include "central/ingest.hpp"
#include "central/nist_export.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "loadgen/load_generator.hpp"
#include "serve_process.hpp"
#include "shailoo_process.hpp"
#include "tests/central/nist_xml.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace export_command_test {

namespace {

namespace fs = std::filesystem;
using shailoo_test::shailoo;

const fs::path kSource = SHAILOO_SOURCE_DIR;
const fs::path kPackage = kSource / "assets" / "kg2021";
const fs::path kSchema = kSource / "docs" / "schemas" / "NIST_V2_election_results_reporting.xsd";
constexpr const char* kWhen = "2021-11-28T23:15:00+06:00";

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A store holding the final reports of the first `pecs` PECs of the 2021 package (0: all), and
/// the aggregation of that store.
struct NightStore {
    NightStore(const fs::path& dir, int pecs) : file(dir / "store.sqlite") {
        auto package = core::load_election_package(kPackage);
        EXPECT_TRUE(package) << package.error().message;
        auto registry = core::load_device_key_registry(kPackage / "device-keys.yaml");
        EXPECT_TRUE(registry) << registry.error().message;
        central::Store store(file, {.max_reports = 100000, .max_delay = 1'000'000'000});
        central::Ingest ingest(*package, *registry, store);
        for (const auto& p : loadgen::plan_fleet(*package, pecs, core::kSimulatedDeviceSecret, 2021, nullptr, 1.0)) {
            const auto d = ingest.submit(p.message, "test", 0);
            EXPECT_EQ(d.outcome, core::AckOutcome::stored) << d.text;
        }
        ingest.flush(1);
        auto r = central::aggregate(*package, store);
        EXPECT_TRUE(r) << r.error().message;
        results = *r;
    }
    fs::path file;
    central::Results results;
};

std::string export_args(const fs::path& db, const fs::path& out, const fs::path& package = kPackage) {
    return "export --db " + db.string() + " --package " + package.string() + " --generated-date " + kWhen +
           " --out " + out.string();
}

}  // namespace

TEST(ExportCommand, FortyPecsOfThe2021NightExportValidAndPartial) {
    const auto dir = shailoo_test::temp_dir("export-forty");
    NightStore night(dir, 40);
    const auto out = dir / "results.xml";
    auto r = shailoo(export_args(night.file, out) + " --schema " + kSchema.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("unofficial-partial, 40 of "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("valid against NIST_V2_election_results_reporting.xsd"), std::string::npos) << r.output;
    const std::string xml = read(out);
    auto valid = central::validate_xml(xml, kSchema);
    EXPECT_TRUE(valid) << valid.error().message;
    const nist_xml::Xml x(xml);
    ASSERT_TRUE(x.ok());
    EXPECT_EQ(x.string("/n:ElectionReport/n:Status"), "unofficial-partial");
    EXPECT_EQ(x.string("/n:ElectionReport/n:GeneratedDate"), kWhen);
    // Party-list counts at 40 PECs, and the national figure is the store's.
    EXPECT_EQ(x.count("//n:BallotCounts[starts-with(n:GpUnitId, 'gpu-pec-') and n:Type='total']"), 40);
    EXPECT_EQ(x.votes("selection-party-list-party-1", "gpu-kg"), std::to_string(night.results.national.option_votes[1]));
    EXPECT_EQ(x.string("//n:BallotCounts[n:GpUnitId='gpu-kg']/n:BallotsCast"), std::to_string(night.results.national.ballots_in_box));
    // The same store and time give the same bytes.
    const auto again = dir / "again.xml";
    ASSERT_EQ(shailoo(export_args(night.file, again)).code, 0);
    EXPECT_EQ(read(again), xml);
}

TEST(ExportCommand, TheWholeNightIsComplete) {
    const auto dir = shailoo_test::temp_dir("export-night");
    NightStore night(dir, 0);
    const auto out = dir / "results.xml";
    auto r = shailoo(export_args(night.file, out));
    ASSERT_EQ(r.code, 0) << r.output;
    const std::string xml = read(out);
    auto valid = central::validate_xml(xml, kSchema);
    EXPECT_TRUE(valid) << valid.error().message;
    const nist_xml::Xml x(xml);
    EXPECT_EQ(x.string("/n:ElectionReport/n:Status"), "unofficial-complete");
    EXPECT_EQ(x.string("//n:Contest[@ObjectId='contest-party-list']/n:SubUnitsReported"),
              std::to_string(night.results.national.pecs));
}

TEST(ExportCommand, BadInputExitsWithTwoAndSaysWhy) {
    const auto dir = shailoo_test::temp_dir("export-bad");
    auto r = shailoo(export_args(dir / "absent.sqlite", dir / "x.xml"));
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("no such store file"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "absent.sqlite"));  // not created by looking
    std::ofstream(dir / "junk.sqlite") << "this is not a database, only some text that is long enough to be a header";
    r = shailoo(export_args(dir / "junk.sqlite", dir / "x.xml"));
    EXPECT_EQ(r.code, 2) << r.output;
    NightStore night(dir, 2);
    r = shailoo("export --db " + night.file.string() + " --package " + kPackage.string() +
                " --generated-date 2021-11-28T23:15 --out " + (dir / "x.xml").string());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("generation time '2021-11-28T23:15'"), std::string::npos) << r.output;
    r = shailoo(export_args(night.file, dir / "x.xml") + " --format csv");
    EXPECT_EQ(r.code, 2);
    r = shailoo(export_args(night.file, dir / "x.xml", dir / "no-package"));
    EXPECT_EQ(r.code, 2);
    r = shailoo(export_args(night.file, dir / "no-folder" / "x.xml"));
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("cannot write"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "x.xml"));
}

TEST(ExportCommand, HelpSaysWhatItWrites) {
    auto r = shailoo("export --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.output.find("NIST SP 1500-100"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--generated-date"), std::string::npos) << r.output;
}

// The observer's other way in: `shailoo serve --http` answers GET /results.xml with the export of
// what it has stored, after a load of 40 PECs over TLS.
TEST(ExportCommand, ServeAnswersResultsXmlAfterALoad) {
    const auto dir = shailoo_test::temp_dir("export-serve");
    shailoo_test::ServeProcess server(dir / "store.sqlite", dir / "serve.log", {"--http", "127.0.0.1:0"});
    ASSERT_NE(server.port(), 0) << server.first_line();
    ASSERT_NE(server.http_port(), 0);
    const auto r = shailoo("load --target 127.0.0.1:" + std::to_string(server.port()) + " --pecs 40 --out " + (dir / "out").string());
    ASSERT_EQ(r.code, 0) << r.output;
    std::string xml;
    for (int i = 0; i < 100; ++i) {  // the results are republished at most once a second
        xml = shailoo_test::http_get(server.http_port(), "/results.xml");
        if (nist_xml::Xml(xml).ok() &&
            nist_xml::Xml(xml).count("//n:BallotCounts[starts-with(n:GpUnitId, 'gpu-pec-') and n:Type='total']") == 40)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto valid = central::validate_xml(xml, kSchema);
    ASSERT_TRUE(valid) << valid.error().message;
    const nist_xml::Xml x(xml);
    EXPECT_EQ(x.count("//n:BallotCounts[starts-with(n:GpUnitId, 'gpu-pec-') and n:Type='total']"), 40);
    EXPECT_EQ(x.string("/n:ElectionReport/n:Status"), "unofficial-partial");
    EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0);
}

}  // namespace export_command_test
