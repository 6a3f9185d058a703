#include "devices/virtual_ballot_scanner.hpp"

#include <gtest/gtest.h>

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace virtual_ballot_scanner_test {

using core::Ballot;
using devices::Compartment;
using devices::Fault;
using devices::VirtualBallotScanner;

namespace {
VirtualBallotScanner make(std::int64_t capacity = VirtualBallotScanner::kBinCapacity) {
    return VirtualBallotScanner("1001-arbb-1", 21, core::RandomStream(42, 1001, 1), capacity);
}
}  // namespace

TEST(VirtualBallotScanner, ReadsTheMarksTheVoterMade) {
    auto s = make();
    ASSERT_TRUE(s.insert(Ballot::for_party(7, 3)));
    const auto marks = s.read(0);
    ASSERT_TRUE(marks);
    EXPECT_TRUE(marks->readable);
    EXPECT_EQ(marks->sheet.option_marks, 1);
    EXPECT_EQ(marks->sheet.options[0], 7);
    EXPECT_EQ(marks->sheet.preferences[0].position, 3);
    ASSERT_TRUE(s.route(Compartment::main_bin, 0));
    EXPECT_EQ(s.sheets_dropped(), 1);
}

TEST(VirtualBallotScanner, ReadsASmudgedSheetAsUnreadable) {
    auto s = make();
    Ballot b = Ballot::for_party(2);
    b.condition = core::PaperCondition::smudged;
    s.insert(b);
    EXPECT_FALSE(s.read(0)->readable);
}

TEST(VirtualBallotScanner, JamSendsTheSheetBackAndRefusesUntilCleared) {
    auto s = make();
    s.enter_fault(Fault::jam, 0);
    s.insert(Ballot::for_party(1));
    const auto r = s.read(1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().cause, Fault::jam);
    EXPECT_FALSE(s.sheet_waiting());
    s.clear_fault(Fault::jam, 2);
    s.insert(Ballot::for_party(1));
    EXPECT_TRUE(s.read(3));
}

TEST(VirtualBallotScanner, CoverOpenAndDeadRefuse) {
    auto s = make();
    s.enter_fault(Fault::cover_open, 0);
    s.insert(Ballot::for_party(1));
    EXPECT_EQ(s.read(1).error().cause, Fault::cover_open);
    s.enter_fault(Fault::dead, 2);
    s.insert(Ballot::for_party(1));
    EXPECT_EQ(s.read(3).error().cause, Fault::dead);
}

TEST(VirtualBallotScanner, EntersBoxFullByItselfAtCapacityAndLeavesItWhenEmptied) {
    auto s = make(3);
    for (int i = 0; i < 3; ++i) {
        s.insert(Ballot::for_party(1));
        ASSERT_TRUE(s.read(i));
        ASSERT_TRUE(s.route(Compartment::main_bin, i));
    }
    EXPECT_TRUE(s.has_fault(Fault::box_full));
    s.insert(Ballot::for_party(1));
    EXPECT_EQ(s.read(10).error().cause, Fault::box_full);
    s.empty_bin(11);
    EXPECT_FALSE(s.has_fault(Fault::box_full));
    EXPECT_EQ(s.sheets_in_bin(), 0);
    EXPECT_EQ(s.sheets_dropped(), 3);
    s.insert(Ballot::for_party(1));
    EXPECT_TRUE(s.read(12));
}

TEST(VirtualBallotScanner, ReturnedSheetDoesNotEnterTheBin) {
    auto s = make();
    s.insert(Ballot::for_candidate(1));
    ASSERT_TRUE(s.read(0));
    ASSERT_TRUE(s.route(Compartment::return_to_voter, 0));
    EXPECT_EQ(s.sheets_dropped(), 0);
    EXPECT_FALSE(s.route(Compartment::main_bin, 0));
}

TEST(VirtualBallotScanner, MisfeedsTheShareOfSheetsGivenBySeverity) {
    auto s = make();
    s.enter_fault(Fault::misfeed, 0, 0.25);
    int misfed = 0;
    for (int i = 0; i < 4000; ++i) {
        s.insert(Ballot::for_party(1));
        auto r = s.read(i);
        if (!r) {
            EXPECT_EQ(r.error().cause, Fault::misfeed);
            ++misfed;
        } else {
            s.route(Compartment::main_bin, i);
            if (s.has_fault(Fault::box_full)) s.empty_bin(i);
        }
    }
    EXPECT_NEAR(misfed / 4000.0, 0.25, 0.03);
}

TEST(VirtualBallotScanner, MisreadsTheShareOfSheetsGivenBySeverityAndCountsThem) {
    auto s = make();
    s.enter_fault(Fault::misread, 0, 0.1);
    int changed = 0;
    for (int i = 0; i < 2000; ++i) {
        s.insert(Ballot::for_party(5));
        auto r = s.read(i);
        ASSERT_TRUE(r);
        if (r->sheet.option_marks != 1 || r->sheet.options[0] != 5) ++changed;
        s.route(Compartment::main_bin, i);
    }
    EXPECT_LE(changed, s.sheets_misread());
    EXPECT_NEAR(s.sheets_misread() / 2000.0, 0.1, 0.02);
    EXPECT_GT(changed, 0);
}

TEST(VirtualBallotScanner, SameSeedGivesTheSameMisreads) {
    auto a = make();
    auto b = make();
    a.enter_fault(Fault::misread, 0, 0.5);
    b.enter_fault(Fault::misread, 0, 0.5);
    for (int i = 0; i < 200; ++i) {
        a.insert(Ballot::for_party(3));
        b.insert(Ballot::for_party(3));
        auto ra = a.read(i);
        auto rb = b.read(i);
        ASSERT_EQ(ra->sheet.option_marks, rb->sheet.option_marks);
        for (int k = 0; k < ra->sheet.option_marks; ++k) ASSERT_EQ(ra->sheet.options[k], rb->sheet.options[k]);
        a.route(Compartment::main_bin, i);
        b.route(Compartment::main_bin, i);
    }
}

}  // namespace virtual_ballot_scanner_test
