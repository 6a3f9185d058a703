// The mark reader (hil/mark_reader.hpp) on rendered ballots of the 2021 package, marked and scanned
// by tests/hil/mark_simulator.hpp: clean and rough scans read exactly the marks drawn, core::classify
// judges them as it judges the truth, and sheets that are no readable ballot are refused.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "hil/mark_reader.hpp"
#include "tests/hil/mark_simulator.hpp"

namespace mark_reader_test {
namespace {

using core::BoxKind;
using core::InvalidReason;

/// The party list and district 12 forms, rendered once at 200 dpi, and a reader of both.
struct Forms {
    hil::BallotSheet party = *hil::party_list_sheet(mark_sim::kg2021());
    hil::BallotSheet district = *hil::district_sheet(mark_sim::kg2021(), 12);
    hil::SheetImage party_blank = hil::render_sheet(party, 200);
    hil::SheetImage district_blank = hil::render_sheet(district, 200);
    hil::MarkReader reader{{party, district}};
};
const Forms& forms() {
    static const Forms f;
    return f;
}

std::vector<bool> marks_on(const hil::BallotSheet& sheet, std::initializer_list<std::pair<int, int>> boxes) {
    std::vector<bool> marked(sheet.boxes.size(), false);
    for (auto [option, position] : boxes) marked[mark_sim::box_index(sheet, option, position)] = true;
    return marked;
}

/// `marked` drawn on the rendered sheet, no scanning at all.
cv::Mat clean(const hil::BallotSheet& sheet, const hil::SheetImage& blank, const std::vector<bool>& marked, std::uint64_t seed) {
    cv::Mat page = cv::Mat(blank.height, blank.width, CV_8UC1, const_cast<std::uint8_t*>(blank.pixels.data())).clone();
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < marked.size(); ++i)
        if (marked[i]) mark_sim::draw_mark(page, sheet.boxes[i].square, blank.dpi / 25.4, rng);
    return page;
}

hil::GreyView view(const cv::Mat& m) { return hil::GreyView{m.data, m.cols, m.rows, m.step[0], 200.0}; }

void expect_same(const core::MarkSheet& a, const core::MarkSheet& b) {
    EXPECT_EQ(a.form, b.form);
    ASSERT_EQ(a.option_marks, b.option_marks);
    ASSERT_EQ(a.preference_marks, b.preference_marks);
    for (int i = 0; i < a.option_marks && i < core::MarkSheet::kMaxMarks; ++i) EXPECT_EQ(a.options[i], b.options[i]);
    for (int i = 0; i < a.preference_marks && i < core::MarkSheet::kMaxMarks; ++i) {
        EXPECT_EQ(a.preferences[i].party, b.preferences[i].party);
        EXPECT_EQ(a.preferences[i].position, b.preferences[i].position);
    }
}

TEST(MarkReader, CleanSheetsReadExactlyTheMarksDrawn) {
    const Forms& f = forms();
    const auto party_marks = marks_on(f.party, {{3, 0}, {3, 17}});
    auto party = f.reader.read(view(clean(f.party, f.party_blank, party_marks, 1)));
    ASSERT_TRUE(party) << party.error().message;
    expect_same(party->marks.sheet, mark_sim::truth_of(f.party, party_marks));
    const core::Classification vote = core::classify(party->marks, f.party.layout);
    ASSERT_TRUE(vote);
    EXPECT_EQ(vote->option, 3);
    EXPECT_EQ(vote->preferred_position, 17);
    EXPECT_FALSE(party->upside_down);

    const auto district_marks = marks_on(f.district, {{core::kAgainstAll, 0}});
    auto district = f.reader.read(view(clean(f.district, f.district_blank, district_marks, 2)));
    ASSERT_TRUE(district) << district.error().message;
    EXPECT_EQ(district->code.district, 12);
    expect_same(district->marks.sheet, mark_sim::truth_of(f.district, district_marks));
    EXPECT_EQ(core::classify(district->marks, f.district.layout)->option, core::kAgainstAll);
}

TEST(MarkReader, SkewedNoisySheetsReadAsDrawnAndClassifyAsTheTruth) {
    const Forms& f = forms();
    std::mt19937_64 rng(7);
    for (int k = 0; k < 8; ++k) {
        const bool party = k < 2;  // the A3 form is four times the work: two of it
        const hil::BallotSheet& sheet = party ? f.party : f.district;
        const mark_sim::ScannedSheet scan = mark_sim::scan_marked(sheet, party ? f.party_blank : f.district_blank,
                                                                  mark_sim::random_vote(sheet, rng), rng);
        auto read = f.reader.read(mark_sim::view_of_scan(scan, 200));
        ASSERT_TRUE(read) << k << ": " << read.error().message;
        expect_same(read->marks.sheet, scan.truth);
        const auto truth = core::classify(core::BallotMarks{scan.truth, true}, sheet.layout);
        const auto seen = core::classify(read->marks, sheet.layout);
        ASSERT_EQ(truth.has_value(), seen.has_value()) << k;
        if (!truth) EXPECT_EQ(truth.error(), seen.error());
        else EXPECT_EQ(truth->option, seen->option);
    }
}

TEST(MarkReader, OvermarkedSheetReadsAsOvermarked) {
    const Forms& f = forms();
    std::mt19937_64 rng(3);
    const mark_sim::ScannedSheet scan = mark_sim::scan_marked(f.district, f.district_blank, marks_on(f.district, {{2, 0}, {9, 0}}), rng);
    auto read = f.reader.read(mark_sim::view_of_scan(scan, 200));
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(read->marks.sheet.option_marks, 2);
    EXPECT_EQ(core::classify(read->marks, f.district.layout).error(), InvalidReason::overmarked);
}

TEST(MarkReader, SheetFedUpsideDownReadsTheSame) {
    const Forms& f = forms();
    const auto marked = marks_on(f.district, {{5, 0}});
    cv::Mat page = clean(f.district, f.district_blank, marked, 4);
    cv::rotate(page, page, cv::ROTATE_180);
    auto read = f.reader.read(view(page));
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(read->upside_down);
    expect_same(read->marks.sheet, mark_sim::truth_of(f.district, marked));
}

TEST(MarkReader, SheetWhoseCodeFailsItsCheckIsUnreadable) {
    const Forms& f = forms();
    cv::Mat page = clean(f.district, f.district_blank, marks_on(f.district, {{1, 0}}), 5);
    // A voter's scribble fills an empty cell of the code row.
    int empty = 0;
    while ((f.district.code >> empty) & 1u) ++empty;
    const hil::SheetSquare& cell = f.district.code_cells[empty];
    const double px = 200 / 25.4;
    cv::rectangle(page, cv::Rect(static_cast<int>(cell.x * px), static_cast<int>(cell.y * px), static_cast<int>(cell.size * px),
                                 static_cast<int>(cell.size * px)), cv::Scalar(20), cv::FILLED);
    auto read = f.reader.read(view(page));
    ASSERT_FALSE(read);
    EXPECT_NE(read.error().message.find("code fails its check"), std::string::npos) << read.error().message;
}

TEST(MarkReader, PagesThatAreNoBallotOfThisReaderAreRefusedWithTheReason) {
    const Forms& f = forms();
    const cv::Mat white(2000, 1500, CV_8UC1, cv::Scalar(245));
    auto nothing = f.reader.read(view(white));
    ASSERT_FALSE(nothing);
    EXPECT_NE(nothing.error().message.find("corner marks not found"), std::string::npos);
    // District 1's ballot at a PEC of district 12: a form this reader does not know.
    const hil::BallotSheet other = *hil::district_sheet(mark_sim::kg2021(), 1);
    const hil::SheetImage other_blank = hil::render_sheet(other, 200);
    auto foreign = f.reader.read(hil::view_of(other_blank));
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message.find("district 1,"), std::string::npos) << foreign.error().message;
    auto low = f.reader.read(hil::GreyView{white.data, white.cols, white.rows, white.step[0], 10.0});
    ASSERT_FALSE(low);
    EXPECT_NE(low.error().message.find("outside 50..1200"), std::string::npos);
}

}  // namespace
}  // namespace mark_reader_test
