#include "core/ballot.hpp"

#include <gtest/gtest.h>

using core::Ballot;
using core::BallotLayout;
using core::BallotMarks;
using core::BoxKind;
using core::InvalidReason;

namespace {
const BallotLayout kPartyList{BoxKind::party_list, 3, {5, 2, 4}};
const BallotLayout kDistrict{BoxKind::district, 4, {}};

core::Classification read(const Ballot& b, const BallotLayout& layout) {
    return core::classify(BallotMarks{b.sheet, b.condition == core::PaperCondition::intact}, layout);
}
InvalidReason reason(const Ballot& b, const BallotLayout& layout) {
    auto c = read(b, layout);
    EXPECT_FALSE(c.has_value());
    return c ? InvalidReason::blank : c.error();
}
}  // namespace

TEST(Classify, CountsAPartyMarkWithoutPreference) {
    auto c = read(Ballot::for_party(2), kPartyList);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->option, 2);
    EXPECT_EQ(c->preferred_position, 0);
}

TEST(Classify, CountsAPartyMarkWithItsOwnPreferredCandidate) {
    auto c = read(Ballot::for_party(1, 5), kPartyList);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->option, 1);
    EXPECT_EQ(c->preferred_position, 5);
}

TEST(Classify, CountsAgainstAllOnBothBallots) {
    EXPECT_EQ(read(Ballot::for_party(core::kAgainstAll), kPartyList)->option, 0);
    EXPECT_EQ(read(Ballot::for_candidate(core::kAgainstAll), kDistrict)->option, 0);
}

TEST(Classify, CountsADistrictCandidate) { EXPECT_EQ(read(Ballot::for_candidate(4), kDistrict)->option, 4); }

TEST(Classify, FindsABlankBallotInvalid) {
    EXPECT_EQ(reason(Ballot::blank(BoxKind::party_list), kPartyList), InvalidReason::blank);
    EXPECT_EQ(reason(Ballot::blank(BoxKind::district), kDistrict), InvalidReason::blank);
}

TEST(Classify, FindsTwoPartiesMarkedInvalid) {
    Ballot b = Ballot::for_party(1);
    b.sheet.mark_option(3);
    EXPECT_EQ(reason(b, kPartyList), InvalidReason::overmarked);
}

TEST(Classify, FindsAPartyAndAgainstAllMarkedInvalid) {
    Ballot b = Ballot::for_candidate(2);
    b.sheet.mark_option(core::kAgainstAll);
    EXPECT_EQ(reason(b, kDistrict), InvalidReason::overmarked);
}

TEST(Classify, StaysOvermarkedWhenEveryBoxIsMarked) {
    Ballot b = Ballot::blank(BoxKind::party_list);
    for (int i = 0; i < 40; ++i) b.sheet.mark_option(i % 4);
    EXPECT_EQ(b.sheet.option_marks, 40);
    EXPECT_EQ(reason(b, kPartyList), InvalidReason::overmarked);
}

TEST(Classify, FindsACandidateOfAnotherPartyInvalid) {
    Ballot b = Ballot::for_party(1);
    b.sheet.mark_preference(2, 1);
    EXPECT_EQ(reason(b, kPartyList), InvalidReason::preference_of_other_party);
}

TEST(Classify, FindsAPreferenceWithAgainstAllInvalid) {
    Ballot b = Ballot::for_party(core::kAgainstAll);
    b.sheet.mark_preference(1, 1);
    EXPECT_EQ(reason(b, kPartyList), InvalidReason::preference_of_other_party);
}

TEST(Classify, FindsTwoPreferredCandidatesInvalid) {
    Ballot b = Ballot::for_party(1, 1);
    b.sheet.mark_preference(1, 2);
    EXPECT_EQ(reason(b, kPartyList), InvalidReason::several_preferences);
}

TEST(Classify, FindsAPreferenceWithoutPartyInvalid) {
    Ballot b = Ballot::blank(BoxKind::party_list);
    b.sheet.mark_preference(1, 1);
    EXPECT_EQ(reason(b, kPartyList), InvalidReason::preference_without_party);
}

TEST(Classify, FindsMarksOutsideThePrintedOptionsInvalid) {
    EXPECT_EQ(reason(Ballot::for_party(4), kPartyList), InvalidReason::unknown_option);
    EXPECT_EQ(reason(Ballot::for_party(2, 3), kPartyList), InvalidReason::unknown_option);  // list of 2
    EXPECT_EQ(reason(Ballot::for_candidate(5), kDistrict), InvalidReason::unknown_option);
    EXPECT_EQ(reason(Ballot::for_party(1), kDistrict), InvalidReason::unknown_option);  // other form
}

TEST(Classify, FindsAnUnreadableSheetInvalidWhateverItsMarks) {
    Ballot b = Ballot::for_party(1);
    b.condition = core::PaperCondition::torn;
    EXPECT_EQ(reason(b, kPartyList), InvalidReason::unreadable);
}

TEST(InvalidReason, EveryReasonHasAName) {
    for (int i = 0; i < core::kInvalidReasonCount; ++i)
        EXPECT_NE(core::to_string(static_cast<InvalidReason>(i)), "unknown");
}
