// The printed ballots (hil/ballot_sheet.hpp): the ballot-kind code's round trip and check, the
// layout of the 2021 package's two forms, and the PDF and PNG Cairo writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>

#include "hil/ballot_sheet.hpp"
#include "tests/hil/mark_simulator.hpp"

namespace ballot_sheet_test {
namespace {

using core::BoxKind;

TEST(BallotSheet, CodeRoundTripsAndFailsItsCheckOnAnyOneCellMisread) {
    for (BoxKind kind : {BoxKind::party_list, BoxKind::district}) {
        for (int district = kind == BoxKind::party_list ? 0 : 1; district <= (kind == BoxKind::party_list ? 0 : 63); ++district) {
            const std::uint16_t code = hil::encode_ballot_code(kind, district);
            auto back = hil::decode_ballot_code(code);
            ASSERT_TRUE(back) << district;
            EXPECT_EQ(back->kind, kind);
            EXPECT_EQ(back->district, district);
            for (int bit = 0; bit < hil::kCodeBits; ++bit)
                EXPECT_FALSE(hil::decode_ballot_code(static_cast<std::uint16_t>(code ^ (1u << bit)))) << district << " bit " << bit;
        }
    }
    EXPECT_FALSE(hil::decode_ballot_code(0)) << "an empty code row is no ballot";
    EXPECT_FALSE(hil::decode_ballot_code(0x7FF));
}

bool overlap(const hil::SheetSquare& a, const hil::SheetSquare& b) {
    return a.x < b.x + b.size && b.x < a.x + a.size && a.y < b.y + b.size && b.y < a.y + a.size;
}

/// Every box, code cell and fiducial is on the paper and none overlaps another.
void expect_apart(const hil::BallotSheet& s) {
    std::vector<hil::SheetSquare> all(s.fiducials.begin(), s.fiducials.end());
    all.insert(all.end(), s.code_cells.begin(), s.code_cells.end());
    for (const hil::SheetBox& b : s.boxes) all.push_back(b.square);
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_GE(all[i].x, 0.0);
        EXPECT_LE(all[i].x + all[i].size, s.width_mm);
        EXPECT_LE(all[i].y + all[i].size, s.height_mm);
        for (std::size_t j = i + 1; j < all.size(); ++j) ASSERT_FALSE(overlap(all[i], all[j])) << i << " and " << j;
    }
}

TEST(BallotSheet, PartyListFormHasABoxPerPartyPerListPlaceAndAgainstAll) {
    const core::ElectionPackage& package = mark_sim::kg2021();
    auto sheet = hil::party_list_sheet(package);
    ASSERT_TRUE(sheet) << sheet.error().message;
    std::size_t places = 0;
    for (const core::Party& p : package.parties) places += p.list.size();
    EXPECT_EQ(sheet->boxes.size(), package.parties.size() + 1 + places);
    EXPECT_EQ(sheet->layout.options, 21);
    EXPECT_EQ(sheet->layout.list_sizes[1], static_cast<int>(package.parties[1].list.size()));
    EXPECT_GE(mark_sim::box_index(*sheet, core::kAgainstAll, 0), 0);
    EXPECT_GE(mark_sim::box_index(*sheet, 21, static_cast<int>(package.parties[20].list.size())), 0);
    EXPECT_EQ(sheet->width_mm, 297.0);
    expect_apart(*sheet);
}

TEST(BallotSheet, DistrictFormHasABoxPerCandidateAndRefusesAnUnknownDistrict) {
    const core::ElectionPackage& package = mark_sim::kg2021();
    auto sheet = hil::district_sheet(package, 12);
    ASSERT_TRUE(sheet) << sheet.error().message;
    EXPECT_EQ(sheet->boxes.size(), package.find_district(12)->candidates.size() + 1);
    EXPECT_EQ(hil::decode_ballot_code(sheet->code)->district, 12);
    expect_apart(*sheet);
    auto none = hil::district_sheet(package, 99);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("no district 99"), std::string::npos);
}

TEST(BallotSheet, PartyWithMorePlacesThanTheSheetIsRefused) {
    core::ElectionPackage package = mark_sim::kg2021();
    package.parties[4].list.resize(55);
    auto sheet = hil::party_list_sheet(package);
    ASSERT_FALSE(sheet);
    EXPECT_NE(sheet.error().message.find("55 places"), std::string::npos) << sheet.error().message;
}

TEST(BallotSheet, WritesAPdfWithItsFontAndAGreyPngOfThePaperSize) {
    auto sheet = hil::district_sheet(mark_sim::kg2021(), 1);
    ASSERT_TRUE(sheet);
    const auto dir = std::filesystem::temp_directory_path() / "ballot-sheet-test";
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(hil::write_sheet_pdf(*sheet, dir / "d1.pdf"));
    std::ifstream pdf(dir / "d1.pdf", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(pdf)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.substr(0, 5), "%PDF-");
    EXPECT_NE(bytes.find("DejaVuSans"), std::string::npos) << "the Cyrillic-capable font is embedded";
    ASSERT_TRUE(hil::write_sheet_png(*sheet, 100, dir / "d1.png"));
    const cv::Mat png = cv::imread((dir / "d1.png").string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(png.channels(), 1);
    EXPECT_EQ(png.cols, 827);   // 210 mm at 100 dpi
    EXPECT_EQ(png.rows, 1169);  // 297 mm
    auto bad = hil::write_sheet_png(*sheet, 100, dir / "no-such-folder" / "d1.png");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("no-such-folder"), std::string::npos);
}

}  // namespace
}  // namespace ballot_sheet_test
