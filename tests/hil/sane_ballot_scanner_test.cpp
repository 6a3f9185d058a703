// hil::SaneBallotScanner through the real SANE library with sane-backends' `pnm` backend (it scans
// the PNM file named by its `filename` option, and its `status-*` options make it answer as a
// jammed, empty or broken scanner). The test writes its own SANE configuration folder naming only
// the `pnm` backend (SANE_CONFIG_DIR), so the machine's /etc/sane.d is neither needed nor read.
// A rendered, marked, skewed and noisy ballot is scanned and counted by the station's ARBB logic.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "devices/virtual_power_supply.hpp"
#include "devices/virtual_printer.hpp"
#include "hil/sane_ballot_scanner.hpp"
#include "station/ballot_box.hpp"
#include "tests/apps/shailoo_process.hpp"
#include "tests/hil/mark_simulator.hpp"

namespace sane_ballot_scanner_test {
namespace {

using devices::Fault;

/// SANE configured with the pnm backend only; a marked district 12 ballot scanned into a PGM file.
struct PnmScanner {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "sane-ballot-scanner-test";
    hil::BallotSheet sheet = *hil::district_sheet(mark_sim::kg2021(), 12);
    std::vector<bool> marked = std::vector<bool>(sheet.boxes.size(), false);
    std::string pgm;

    PnmScanner() {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "dll.conf") << "pnm\n";
        setenv("SANE_CONFIG_DIR", dir.c_str(), 1);  // read at sane_init
        std::mt19937_64 rng(11);
        marked[mark_sim::box_index(sheet, 4, 0)] = true;
        const mark_sim::ScannedSheet scan = mark_sim::scan_marked(sheet, hil::render_sheet(sheet, 200), marked, rng);
        pgm = (dir / "sheet.pgm").string();
        cv::imwrite(pgm, scan.image);
    }
    core::Result<std::unique_ptr<hil::SaneBallotScanner>> open(const std::string& file) {
        hil::SaneScannerOptions options;
        options.dpi = 200;
        options.extra = {{"filename", file}};
        return hil::SaneBallotScanner::open("1201-arbb-2", "pnm:0", hil::MarkReader({sheet}), options);
    }
};

struct FixedClock : core::Clock {
    core::Micros now() const override { return core::at(9, 0); }
};

TEST(SaneBallotScanner, AScannedMarkedBallotIsCountedByTheArbb) {
    PnmScanner pnm;
    auto scanner = pnm.open(pnm.pgm);
    ASSERT_TRUE(scanner) << scanner.error().message;
    EXPECT_EQ((*scanner)->dpi(), 200.0);
    FixedClock clock;
    devices::VirtualPrinter printer{"1201-printer-1"};
    devices::VirtualPowerSupply power{"1201-ups-1"};
    station::BallotBox box{1201, core::BoxKind::district, pnm.sheet.layout.options, {}, **scanner, printer, power, clock};
    ASSERT_TRUE(box.open());
    const station::BallotOutcome outcome = box.accept();
    EXPECT_EQ(outcome.result, station::BallotResult::counted_valid) << (*scanner)->last_problem();
    EXPECT_EQ(outcome.choice.option, 4);
    const core::ArbbReport counts = box.snapshot(core::ReportKind::initial);
    EXPECT_EQ(counts.option_counts[4], 1);
    EXPECT_EQ(counts.valid, 1);
    EXPECT_EQ((*scanner)->sheets_dropped(), 1);
    ASSERT_TRUE((*scanner)->last_reading());
    EXPECT_EQ((*scanner)->last_reading()->marks.sheet.option_marks, 1);
}

TEST(SaneBallotScanner, SaneStatusesBecomeFaultsWithTheBackendsWords) {
    PnmScanner pnm;
    auto scanner = pnm.open(pnm.pgm);
    ASSERT_TRUE(scanner) << scanner.error().message;
    hil::SaneBallotScanner& s = **scanner;
    const std::pair<const char*, Fault> cases[] = {{"status-jammed", Fault::jam},
                                                   {"status-nodocs", Fault::misfeed},
                                                   {"status-coveropen", Fault::cover_open},
                                                   {"status-ioerror", Fault::dead}};
    for (auto [option, fault] : cases) {
        ASSERT_TRUE(s.set_option(option, "yes")) << option;
        auto read = s.read(0);
        ASSERT_FALSE(read) << option;
        EXPECT_EQ(read.error().cause, fault) << option << ": " << read.error().message;
        EXPECT_NE(read.error().message.find("pnm:0"), std::string::npos) << read.error().message;
        ASSERT_TRUE(s.set_option(option, "no"));
    }
    EXPECT_TRUE(s.has_fault(Fault::jam));
    ASSERT_TRUE(s.set_option("status-jammed", "yes"));
    auto again = s.read(0);
    EXPECT_NE(again.error().message.find("jammed"), std::string::npos) << again.error().message;  // sane_strstatus's words
    ASSERT_TRUE(s.set_option("status-jammed", "no"));
    auto good = s.read(1);
    ASSERT_TRUE(good) << good.error().message;
    EXPECT_TRUE(good->readable);
    EXPECT_FALSE(s.has_fault(Fault::jam));
    EXPECT_FALSE(s.has_fault(Fault::dead));
}

TEST(SaneBallotScanner, APictureThatIsNoBallotIsHeldAsUnreadableAndBadSetupIsNamed) {
    PnmScanner pnm;
    const std::string white = (pnm.dir / "white.pgm").string();
    cv::imwrite(white, cv::Mat(1000, 800, CV_8UC1, cv::Scalar(240)));
    auto scanner = pnm.open(white);
    ASSERT_TRUE(scanner) << scanner.error().message;
    auto read = (*scanner)->read(0);
    ASSERT_TRUE(read);
    EXPECT_FALSE(read->readable);
    EXPECT_NE((*scanner)->last_problem().find("corner marks"), std::string::npos);
    EXPECT_FALSE((*scanner)->read(0)) << "the unreadable sheet is still in the transport";
    EXPECT_TRUE((*scanner)->route(devices::Compartment::invalid, 0));

    auto no_option = (*scanner)->set_option("no-such-option", "1");
    ASSERT_FALSE(no_option);
    EXPECT_NE(no_option.error().message.find("no-such-option"), std::string::npos);
    auto no_device = hil::SaneBallotScanner::open("x", "pnm:7", hil::MarkReader({pnm.sheet}));
    ASSERT_FALSE(no_device);
    EXPECT_NE(no_device.error().message.find("pnm:7"), std::string::npos) << no_device.error().message;
}

TEST(SaneBallotScanner, ShailooBallotsPrintsTheFormsAndScansASheet) {
    PnmScanner pnm;  // also sets SANE_CONFIG_DIR, which the child process inherits
    const auto out = shailoo_test::temp_dir("ballots-print");
    const auto print = shailoo_test::shailoo("ballots print --district 12 --dpi 100 --out " + out.string());
    ASSERT_EQ(print.code, 0) << print.output;
    for (const char* file : {"party_list.pdf", "party_list.png", "district-12.pdf", "district-12.png"})
        EXPECT_TRUE(std::filesystem::exists(out / file)) << file;
    const auto bad = shailoo_test::shailoo("ballots print --district 40 --out " + out.string());
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.output.find("--district 40"), std::string::npos) << bad.output;

    const auto scan = shailoo_test::shailoo("ballots scan --device pnm:0 --district 12 --dpi 200 --option filename=" + pnm.pgm);
    EXPECT_EQ(scan.code, 0) << scan.output;
    EXPECT_NE(scan.output.find("district ballot of district 12"), std::string::npos) << scan.output;
    EXPECT_NE(scan.output.find("valid: option 4"), std::string::npos) << scan.output;
    const auto jam = shailoo_test::shailoo("ballots scan --device pnm:0 --district 12 --option status-jammed=yes --option filename=" + pnm.pgm);
    EXPECT_EQ(jam.code, 1);
    EXPECT_NE(jam.output.find("Document feeder jammed"), std::string::npos) << jam.output;
}

}  // namespace
}  // namespace sane_ballot_scanner_test
