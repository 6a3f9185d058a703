#include "core/seat_allocation.hpp"

// Index of this file:
//   [SECTION] Party-list seats
//   [SECTION] Open lists and the women's reserve
//   [SECTION] Single-mandate districts
//   [SECTION] Vote tables from CSV

#include <gtest/gtest.h>

#include <map>

using namespace core;

// [SECTION] Party-list seats

namespace {

VoteTable national(std::vector<std::pair<std::string, std::int64_t>> rows) {
    VoteTable t;
    for (auto& [name, v] : rows) t.rows.push_back({name, v, {}, name == "against all"});
    return t;
}

std::map<std::string, int> seats_of(const ListSeatAllocation& a) {
    std::map<std::string, int> m;
    for (const auto& p : a.parties) m[p.party] = p.seats;
    return m;
}

const PartySeats& party(const ListSeatAllocation& a, const std::string& name) {
    for (const auto& p : a.parties)
        if (p.party == name) return p;
    throw std::runtime_error("no party " + name);
}

}  // namespace

TEST(SeatAllocation, Reproduces2021OfficialSeatsOfTheSixPassingParties) {
    // CEC final votes (shared/domain/calibration-kg2021.yaml), 54 seats among the six that passed.
    auto t = national({{"Ata-Jurt Kyrgyzstan", 222005},
                       {"Ishenim", 174470},
                       {"Yntymak", 141009},
                       {"Alliance", 106955},
                       {"Butun Kyrgyzstan", 90223},
                       {"Yiman Nuru", 79025}});
    auto a = allocate_list_seats(t, {.seats = 54, .threshold_national = 0.05, .threshold_regional = 0.005});
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(seats_of(*a), (std::map<std::string, int>{{"Ata-Jurt Kyrgyzstan", 15},
                                                        {"Ishenim", 12},
                                                        {"Yntymak", 9},
                                                        {"Alliance", 7},
                                                        {"Butun Kyrgyzstan", 6},
                                                        {"Yiman Nuru", 5}}));
    // Quotas 14, 11, 9, 7, 5, 5 = 51; the three largest remainders are Butun (.988), Ata-Jurt (.733), Ishenim (.579).
    EXPECT_EQ(party(*a, "Butun Kyrgyzstan").quota_seats, 5);
    EXPECT_TRUE(party(*a, "Butun Kyrgyzstan").remainder_seat);
    EXPECT_FALSE(party(*a, "Yntymak").remainder_seat);
    EXPECT_EQ(a->passing_votes, 813687);
}

TEST(SeatAllocation, PartyWithExactlyFivePercentPassesAndOneVoteLessFails) {
    auto t = national({{"A", 901}, {"B", 50}, {"C", 49}});  // 1000 valid votes
    auto a = allocate_list_seats(t, {.seats = 10});
    ASSERT_TRUE(a);
    EXPECT_TRUE(party(*a, "B").passed);
    EXPECT_FALSE(party(*a, "C").passed);
    EXPECT_EQ(a->national_base, 1000);
    EXPECT_FALSE(a->base_is_took_part);
}

TEST(SeatAllocation, VotersWhoTookPartRaiseTheThresholdBase) {
    auto t = national({{"A", 901}, {"B", 50}, {"C", 49}});
    t.took_part = 1100;  // 100 invalid ballots: 5 % is 55 votes
    auto a = allocate_list_seats(t, {.seats = 10});
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->base_is_took_part);
    EXPECT_FALSE(party(*a, "B").passed);
    EXPECT_EQ(party(*a, "A").seats, 10);
}

TEST(SeatAllocation, AgainstAllCountsInTheBaseButNeverGetsSeats) {
    auto t = national({{"A", 500}, {"B", 440}, {"against all", 60}});
    auto a = allocate_list_seats(t, {.seats = 9});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->national_base, 1000);
    EXPECT_FALSE(party(*a, "against all").passed);
    EXPECT_EQ(party(*a, "A").seats + party(*a, "B").seats, 9);
}

TEST(SeatAllocation, PartyBelowHalfAPercentInOneRegionFailsDespiteNationalShare) {
    VoteTable t;
    t.regions = {"Bishkek", "Osh city", "Abroad"};
    t.rows = {{"Strong", 6000, {3000, 2000, 1000}, false},
              {"Urban", 3000, {2996, 4, 0}, false},       // 4 of 4004 in Osh city = 0.0999 %
              {"Even", 1000, {500, 500, 0}, false}};
    auto a = allocate_list_seats(t, {.seats = 10});
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->regional_applied);
    EXPECT_TRUE(party(*a, "Urban").passed_national);
    EXPECT_FALSE(party(*a, "Urban").passed);
    EXPECT_EQ(party(*a, "Urban").failed_regions, std::vector<std::string>{"Osh city"});
    // "Abroad" is not an oblast or city: zero votes there do not fail "Even".
    EXPECT_TRUE(party(*a, "Even").passed);
    EXPECT_EQ(party(*a, "Strong").seats + party(*a, "Even").seats, 10);
}

TEST(SeatAllocation, EqualRemaindersGoToMoreVotesThenToBallotOrder) {
    // 3 seats, votes 1:1:1 -> each gets one; 2 seats for 3 equal parties -> first two in ballot order.
    auto a = allocate_list_seats(national({{"X", 100}, {"Y", 100}, {"Z", 100}}), {.seats = 2});
    ASSERT_TRUE(a);
    EXPECT_EQ(seats_of(*a), (std::map<std::string, int>{{"X", 1}, {"Y", 1}, {"Z", 0}}));
    // Equal remainders (both 0.5 of a quota) but different votes: the larger party wins the seat.
    // 4 seats, votes 150 / 50 / 200 -> quota 100: 1.5, 0.5, 2.0 -> remainders .5, .5, 0.
    auto b = allocate_list_seats(national({{"Small", 50}, {"Mid", 150}, {"Big", 200}}), {.seats = 4});
    ASSERT_TRUE(b);
    EXPECT_EQ(seats_of(*b), (std::map<std::string, int>{{"Small", 0}, {"Mid", 2}, {"Big", 2}}));
}

TEST(SeatAllocation, NoPartyPassingLeavesEverySeatUnallocated) {
    auto a = allocate_list_seats(national({{"against all", 10}}), {.seats = 54});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->unallocated, 54);
}

TEST(SeatAllocation, RejectsInconsistentInput) {
    EXPECT_FALSE(allocate_list_seats(national({{"A", 1}}), {.seats = 0}));
    EXPECT_FALSE(allocate_list_seats(national({{"A", -1}}), {.seats = 5}));
    EXPECT_FALSE(allocate_list_seats(national({{"A", 1}}), {.seats = 5, .threshold_national = 1.5}));
    VoteTable t;
    t.regions = {"Naryn"};
    t.rows = {{"A", 1, {}, false}};
    EXPECT_FALSE(allocate_list_seats(t, {.seats = 5}));
}

// [SECTION] Open lists and the women's reserve

namespace {
std::vector<ListCandidate> men_first_list() {
    return {{1, "Man One", Sex::male},  {2, "Man Two", Sex::male},      {3, "Man Three", Sex::male},
            {4, "Woman Four", Sex::female}, {5, "Woman Five", Sex::female}, {6, "Man Six", Sex::male}};
}
}  // namespace

TEST(ListMandates, PreferenceVotesOrderTheListNotThePosition) {
    auto list = men_first_list();
    std::vector<std::int64_t> pref{10, 500, 20, 300, 5, 1};
    auto m = assign_list_mandates(list, pref, 2, 0.0);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->elected.size(), 2u);
    EXPECT_EQ(m->elected[0].position, 2);
    EXPECT_EQ(m->elected[1].position, 4);
}

TEST(ListMandates, WomenAreMovedUpWhenMenHoldTheFirstPlaces) {
    auto list = men_first_list();
    std::vector<std::int64_t> pref{100, 90, 80, 70, 60, 50};
    // 3 mandates -> ceil(0.9) = 1 woman: the man with fewest preference votes (No. 3) gives way to No. 4.
    auto m = assign_list_mandates(list, pref, 3, 0.30);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->women_required, 1);
    EXPECT_EQ(m->women_elected, 1);
    ASSERT_EQ(m->elected.size(), 3u);
    EXPECT_EQ(m->elected[0].position, 1);
    EXPECT_EQ(m->elected[1].position, 2);
    EXPECT_EQ(m->elected[2].position, 4);
    EXPECT_TRUE(m->elected[2].by_women_reserve);
    // 5 mandates -> ceil(1.5) = 2 women: both women in, men 1, 2, 3 stay (Man Six was never in).
    auto five = assign_list_mandates(list, pref, 5, 0.30);
    ASSERT_TRUE(five);
    EXPECT_EQ(five->women_required, 2);
    EXPECT_EQ(five->women_elected, 2);
    EXPECT_FALSE(five->elected[3].by_women_reserve);  // Woman Four made it on her own preference votes
}

TEST(ListMandates, ReserveStopsWhenTheListHasNoMoreWomen) {
    auto list = men_first_list();
    std::vector<std::int64_t> pref{100, 90, 80, 70, 60, 50};
    auto m = assign_list_mandates(list, pref, 6, 0.5);  // 3 women required, only 2 on the list
    ASSERT_TRUE(m);
    EXPECT_EQ(m->women_required, 3);
    EXPECT_EQ(m->women_elected, 2);
    auto longer = assign_list_mandates(list, pref, 8, 0.3);
    ASSERT_TRUE(longer);
    EXPECT_EQ(longer->vacant, 2);
}

TEST(ListMandates, RejectsMismatchedPreferenceVotes) {
    auto list = men_first_list();
    std::vector<std::int64_t> pref{1, 2};
    EXPECT_FALSE(assign_list_mandates(list, pref, 2, 0.3));
}

// [SECTION] Single-mandate districts

TEST(DistrictResult, CandidateWithMostVotesIsElected) {
    auto r = decide_district({{300, 500, 200}, 100});
    EXPECT_EQ(r.outcome, DistrictOutcome::elected);
    EXPECT_EQ(r.winner, 2);
    EXPECT_EQ(r.winner_votes, 500);
}

TEST(DistrictResult, AgainstAllLeadingCallsARepeatElection) {
    // Bishkek 2021: "against all" led with about a third of the votes.
    auto r = decide_district({{300, 250, 120}, 330});
    EXPECT_EQ(r.outcome, DistrictOutcome::repeat_against_all);
    EXPECT_EQ(r.winner, 0);
    EXPECT_EQ(decide_district({{300, 250}, 300}).outcome, DistrictOutcome::repeat_against_all);
}

TEST(DistrictResult, TieForFirstPlaceAndEmptyDistrictCallRepeatElections) {
    EXPECT_EQ(decide_district({{400, 400, 10}, 5}).outcome, DistrictOutcome::repeat_tie);
    EXPECT_EQ(decide_district({{0, 0}, 0}).outcome, DistrictOutcome::repeat_no_votes);
}

// [SECTION] Vote tables from CSV

TEST(VoteTableCsv, ReadsRegionsQuotesAgainstAllAndTookPart) {
    auto t = parse_vote_table_csv("party,votes,Bishkek,\"Osh, city\"\n"
                                  "\"Ata \"\"Jurt\"\"\",30,20,10\r\n"
                                  "against all, 5 ,2,3\n"
                                  "took part,40,25,15\n\n",
                                  "v.csv");
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(t->regions, (std::vector<std::string>{"Bishkek", "Osh, city"}));
    ASSERT_EQ(t->rows.size(), 2u);
    EXPECT_EQ(t->rows[0].party, "Ata \"Jurt\"");
    EXPECT_TRUE(t->rows[1].against_all);
    EXPECT_EQ(t->rows[1].votes, 5);
    EXPECT_EQ(*t->took_part, 40);
    EXPECT_EQ(t->regional_took_part, (std::vector<std::int64_t>{25, 15}));
}

TEST(VoteTableCsv, ErrorsNameFileAndLine) {
    auto expect_error = [](std::string_view text, std::string_view starts) {
        auto t = parse_vote_table_csv(text, "v.csv");
        ASSERT_FALSE(t) << text;
        EXPECT_TRUE(t.error().message.starts_with(starts)) << t.error().message;
    };
    expect_error("", "v.csv:1: empty file");
    expect_error("name,count\nA,1\n", "v.csv:1: header");
    expect_error("party,votes\nA,1\nB,x\n", "v.csv:3: votes:");
    expect_error("party,votes\nA,1\nB,-4\n", "v.csv:3:");
    expect_error("party,votes\nA,1,2\n", "v.csv:2: 3 fields");
    expect_error("party,votes\nA,1\na,2\n", "v.csv:3: 'a' appears twice");
    expect_error("party,votes,Naryn\nA,3,2\n", "v.csv:2: regional columns add up to 2");
    expect_error("party,votes\n\"A,1\n", "v.csv:2: unterminated");
    expect_error("party,votes\n", "v.csv:1: no party rows");
    expect_error("party,votes\nA,10\ntook part,5\n", "v.csv: 'took part' is 5");
}
