#include "station/ballot_box.hpp"

#include <gtest/gtest.h>

#include "devices/virtual_ballot_scanner.hpp"
#include "devices/virtual_power_supply.hpp"
#include "devices/virtual_printer.hpp"
#include "station/report_printing.hpp"

using core::Ballot;
using core::BoxKind;
using core::InvalidReason;
using devices::Fault;
using station::BallotResult;
using station::Refusal;

namespace {

struct FixedClock : core::Clock {
    core::Micros t = core::at(7, 30);
    core::Micros now() const override { return t; }
};

// One PEC's party list ARBB: 3 parties with lists of 5, 2 and 4 candidates.
struct PartyListArbb {
    FixedClock clock;
    devices::VirtualBallotScanner scanner{"1001-arbb-1", 3, core::RandomStream(1, 1001, 1), 50};
    devices::VirtualPrinter printer{"1001-printer-1"};
    devices::VirtualPowerSupply power{"1001-ups-1"};
    station::BallotBox box{1001, BoxKind::party_list, 3, {5, 2, 4}, scanner, printer, power, clock};

    station::BallotOutcome vote(const Ballot& b) {
        scanner.insert(b);
        return box.accept();
    }
    void open() {
        ASSERT_TRUE(box.open());
        clock.t = core::at(8, 0);
    }
};

Ballot overmarked() {
    Ballot b = Ballot::for_party(1);
    b.sheet.mark_option(2);
    return b;
}

}  // namespace

TEST(BallotBox, OpensWithAZeroReportThatIsAllZeroAndPrinted) {
    PartyListArbb a;
    auto zero = a.box.open();
    ASSERT_TRUE(zero);
    EXPECT_EQ(zero->kind, core::ReportKind::zero);
    EXPECT_EQ(zero->pec, 1001);
    EXPECT_EQ(zero->device_id, "1001-arbb-1");
    EXPECT_EQ(zero->at, core::at(7, 30));
    EXPECT_EQ(zero->option_counts, (std::vector<std::int64_t>{0, 0, 0, 0}));
    ASSERT_EQ(zero->preference_counts.size(), 3u);
    EXPECT_EQ(zero->preference_counts[1].size(), 2u);
    EXPECT_TRUE(zero->consistent());
    EXPECT_TRUE(zero->printed);
    ASSERT_EQ(a.printer.printed().size(), 1u);
    EXPECT_NE(a.printer.printed()[0].text.find("ZERO REPORT"), std::string::npos);
    EXPECT_FALSE(a.box.open());
}

TEST(BallotBox, RefusesToOpenWhenTheBoxIsNotEmpty) {
    PartyListArbb a;
    a.scanner.insert(Ballot::for_party(1));
    ASSERT_TRUE(a.scanner.read(0));
    ASSERT_TRUE(a.scanner.route(devices::Compartment::main_bin, 0));
    auto zero = a.box.open();
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.error().message.find("every counter is zero"), std::string::npos);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).refusal, Refusal::not_open);
}

TEST(BallotBox, CountsKnownBallotsIntoEveryReportField) {
    PartyListArbb a;
    a.open();
    Ballot torn = Ballot::for_party(1);
    torn.condition = core::PaperCondition::torn;
    Ballot other_pref = Ballot::for_party(1);
    other_pref.sheet.mark_preference(2, 1);
    const Ballot ballots[] = {Ballot::for_party(1, 5), Ballot::for_party(1, 5), Ballot::for_party(1),
                              Ballot::for_party(2, 2), Ballot::for_party(3), Ballot::for_party(0),
                              Ballot::blank(BoxKind::party_list), overmarked(), other_pref, torn};
    for (const auto& b : ballots) a.vote(b);
    a.clock.t = core::at(20, 0);
    auto closing = a.box.close({20, 10, 10});
    ASSERT_TRUE(closing);
    const auto& f = closing->final_report;
    EXPECT_EQ(f.kind, core::ReportKind::final);
    EXPECT_EQ(f.at, core::at(20, 0));
    EXPECT_EQ(f.option_counts, (std::vector<std::int64_t>{1, 3, 1, 1}));
    EXPECT_EQ(f.preference_counts[0], (std::vector<std::int64_t>{0, 0, 0, 0, 2}));
    EXPECT_EQ(f.preference_counts[1], (std::vector<std::int64_t>{0, 1}));
    EXPECT_EQ(f.preference_counts[2], (std::vector<std::int64_t>{0, 0, 0, 0}));
    EXPECT_EQ(f.valid, 6);
    EXPECT_EQ(f.invalid, 4);
    EXPECT_EQ(f.ballots_scanned, 10);
    EXPECT_EQ(f.ballots_in_box, 10);
    EXPECT_EQ(f.invalid_by_reason[static_cast<int>(InvalidReason::blank)], 1);
    EXPECT_EQ(f.invalid_by_reason[static_cast<int>(InvalidReason::overmarked)], 1);
    EXPECT_EQ(f.invalid_by_reason[static_cast<int>(InvalidReason::preference_of_other_party)], 1);
    EXPECT_EQ(f.invalid_by_reason[static_cast<int>(InvalidReason::unreadable)], 1);
    EXPECT_EQ(f.returned_to_voters, 0);
    EXPECT_FALSE(f.replaced_by_stationary_box);
    EXPECT_EQ(f.ballots_awaiting_manual_count, 0);
    EXPECT_EQ(f.figures, (core::ClosingFigures{20, 10, 10}));
    EXPECT_EQ(f.control_ratios.size(), 9u);
    EXPECT_TRUE(f.consistent());
    EXPECT_TRUE(f.printed);
    const auto& i = closing->initial;
    EXPECT_EQ(i.kind, core::ReportKind::initial);
    EXPECT_EQ(i.option_counts, f.option_counts);
    EXPECT_EQ(i.figures, core::ClosingFigures{});
    EXPECT_EQ(i.control_ratios.size(), 5u);
    EXPECT_EQ(a.printer.printed().size(), 3u);
    EXPECT_NE(a.printer.printed()[2].text.find("FINAL REPORT"), std::string::npos);
    EXPECT_FALSE(a.box.voting());
    EXPECT_EQ(a.vote(Ballot::for_party(1)).refusal, Refusal::closed);
    EXPECT_FALSE(a.box.close({20, 10, 10}));
}

TEST(BallotBox, SendsOvervotedBallotToInvalidCompartment) {
    PartyListArbb a;
    a.open();
    const auto o = a.vote(overmarked());
    EXPECT_EQ(o.result, BallotResult::counted_invalid);
    EXPECT_EQ(o.invalid_reason, InvalidReason::overmarked);
    EXPECT_EQ(a.scanner.sheets_dropped(), 1);
    EXPECT_EQ(a.box.snapshot(core::ReportKind::initial).invalid, 1);
}

TEST(BallotBox, ReturnsABallotOfTheOtherBoxToTheVoter) {
    PartyListArbb a;
    a.open();
    const auto o = a.vote(Ballot::for_candidate(1));
    EXPECT_EQ(o.result, BallotResult::returned_to_voter);
    EXPECT_EQ(o.refusal, Refusal::wrong_form);
    EXPECT_EQ(a.scanner.sheets_dropped(), 0);
    EXPECT_EQ(a.box.snapshot(core::ReportKind::initial).returned_to_voters, 1);
}

TEST(BallotBox, RefusesWhileJammedAndCountsAgainAfterTheJamIsCleared) {
    PartyListArbb a;
    a.open();
    a.scanner.enter_fault(Fault::jam, a.clock.t);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).refusal, Refusal::jam);
    a.scanner.clear_fault(Fault::jam, a.clock.t);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).result, BallotResult::counted_valid);
    EXPECT_EQ(a.box.snapshot(core::ReportKind::initial).valid, 1);
}

TEST(BallotBox, RefusesWithCoverOpenOrDeadScanner) {
    PartyListArbb a;
    a.open();
    a.scanner.enter_fault(Fault::cover_open, 0);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).refusal, Refusal::cover_open);
    a.scanner.clear_fault(Fault::cover_open, 0);
    a.scanner.enter_fault(Fault::dead, 0);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).refusal, Refusal::dead);
}

TEST(BallotBox, RefusesWhenTheBoxIsFullUntilItIsEmptied) {
    PartyListArbb a;  // capacity 50
    a.open();
    for (int i = 0; i < 50; ++i) ASSERT_EQ(a.vote(Ballot::for_party(2)).result, BallotResult::counted_valid);
    EXPECT_EQ(a.vote(Ballot::for_party(2)).refusal, Refusal::box_full);
    a.scanner.empty_bin(a.clock.t);
    EXPECT_EQ(a.vote(Ballot::for_party(2)).result, BallotResult::counted_valid);
    auto closing = a.box.close({60, 51, 51});
    ASSERT_TRUE(closing);
    EXPECT_EQ(closing->final_report.ballots_in_box, 51);
    EXPECT_TRUE(closing->final_report.consistent());
}

TEST(BallotBox, ReturnsMisfedBallotsAndCountsThemWhenReinserted) {
    PartyListArbb a;
    a.open();
    a.scanner.enter_fault(Fault::misfeed, 0, 0.5);
    int counted = 0, returned = 0;
    for (int voter = 0; voter < 40; ++voter) {
        for (;;) {
            const auto o = a.vote(Ballot::for_party(3));
            if (o.result == BallotResult::counted_valid) { ++counted; break; }
            ASSERT_EQ(o.refusal, Refusal::misfeed);
            ++returned;
        }
    }
    EXPECT_EQ(counted, 40);
    EXPECT_GT(returned, 10);
    auto r = a.box.snapshot(core::ReportKind::initial);
    EXPECT_EQ(r.returned_to_voters, returned);
    EXPECT_EQ(r.option_counts[3], 40);
    EXPECT_TRUE(r.consistent());
}

TEST(BallotBox, MisreadBallotsChangeTheCountsAgainstGroundTruth) {
    PartyListArbb a;
    a.open();
    a.scanner.enter_fault(Fault::misread, 0, 1.0);
    for (int i = 0; i < 40; ++i) a.vote(Ballot::for_party(1));
    auto r = a.box.snapshot(core::ReportKind::initial);
    EXPECT_LT(r.option_counts[1], 40);            // ground truth: 40 for party 1
    EXPECT_EQ(r.valid + r.invalid, 40);           // but every sheet is counted somewhere
    EXPECT_GT(r.invalid, 0);
    EXPECT_TRUE(r.consistent());                  // misreads do not break any control ratio
}

TEST(BallotBox, StopsScanningWhenTheUpsRunsOutAndResumesWithMains) {
    PartyListArbb a;
    a.open();
    a.power.enter_fault(Fault::mains_loss, core::at(10, 0));
    a.clock.t = core::at(10, 30);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).result, BallotResult::counted_valid);  // on the UPS
    a.clock.t = core::at(10, 46);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).refusal, Refusal::no_power);
    a.power.clear_fault(Fault::mains_loss, core::at(11, 0));
    a.clock.t = core::at(11, 0);
    EXPECT_EQ(a.vote(Ballot::for_party(1)).result, BallotResult::counted_valid);
}

TEST(BallotBox, ReplacedByAStationaryBoxItsBallotsAwaitTheManualCountAndTheReportsSaySo) {
    PartyListArbb a;
    a.open();
    a.vote(Ballot::for_party(1));
    a.vote(Ballot::for_party(2));
    EXPECT_FALSE(a.box.deposit_in_stationary_box());
    a.box.replace_by_stationary_box(core::at(12, 0));
    EXPECT_EQ(a.vote(Ballot::for_party(1)).refusal, Refusal::replaced_by_stationary_box);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(a.box.deposit_in_stationary_box());
    a.clock.t = core::at(20, 0);
    auto closing = a.box.close({10, 7, 7});
    ASSERT_TRUE(closing);
    const auto& f = closing->final_report;
    EXPECT_TRUE(f.replaced_by_stationary_box);
    EXPECT_EQ(f.replaced_at, core::at(12, 0));
    EXPECT_EQ(f.ballots_awaiting_manual_count, 5);
    EXPECT_EQ(f.ballots_scanned, 2);
    EXPECT_EQ(f.ballots_in_box, 7);
    EXPECT_TRUE(f.consistent());
    EXPECT_NE(a.printer.printed().back().text.find("REPLACED BY A STATIONARY BOX at 12:00:00: 5 ballots"),
              std::string::npos);
    EXPECT_FALSE(a.box.deposit_in_stationary_box());
}

TEST(BallotBox, ReportsMoreBallotsThanIdentifiedVotersAsABrokenRatio) {
    PartyListArbb a;
    a.open();
    for (int i = 0; i < 5; ++i) a.vote(Ballot::for_party(1));
    auto closing = a.box.close({10, 5, 4});
    ASSERT_TRUE(closing);
    const auto& f = closing->final_report;
    EXPECT_FALSE(f.consistent());
    ASSERT_EQ(f.violations.size(), 2u);  // in_box_le_identified and identified_eq_issued
    EXPECT_NE(f.violations[0].find("ballots in the box <= identified voters"), std::string::npos);
    EXPECT_TRUE(closing->initial.consistent());  // the ARBB alone cannot see it
    EXPECT_NE(a.printer.printed().back().text.find("CONTROL RATIOS BROKEN"), std::string::npos);
}

TEST(BallotBox, KeepsTheReportFlaggedNotPrintedWhenOutOfPaperAndReprintsIt) {
    PartyListArbb a;
    a.open();
    a.vote(Ballot::for_party(1));
    a.printer.enter_fault(Fault::out_of_paper, a.clock.t);
    auto closing = a.box.close({1, 1, 1});
    ASSERT_TRUE(closing);
    EXPECT_FALSE(closing->final_report.printed);
    EXPECT_NE(closing->final_report.print_error.find("out of paper"), std::string::npos);
    EXPECT_EQ(closing->final_report.option_counts[1], 1);
    a.printer.load_paper(a.clock.t);
    a.box.reprint(closing->final_report);
    EXPECT_TRUE(closing->final_report.printed);
    EXPECT_TRUE(closing->final_report.print_error.empty());
}

TEST(BallotBox, CountsTheDistrictBallot) {
    FixedClock clock;
    devices::VirtualBallotScanner scanner{"1001-arbb-2", 4, core::RandomStream(1, 1001, 2)};
    devices::VirtualPrinter printer{"p"};
    devices::VirtualPowerSupply power{"u"};
    station::BallotBox box{1001, BoxKind::district, 4, {}, scanner, printer, power, clock};
    ASSERT_TRUE(box.open());
    for (int c : {1, 4, 4, 0}) {
        scanner.insert(Ballot::for_candidate(c));
        ASSERT_EQ(box.accept().result, BallotResult::counted_valid);
    }
    scanner.insert(Ballot::for_party(1));
    EXPECT_EQ(box.accept().refusal, Refusal::wrong_form);
    auto closing = box.close({10, 4, 4});
    ASSERT_TRUE(closing);
    EXPECT_EQ(closing->final_report.option_counts, (std::vector<std::int64_t>{1, 1, 0, 0, 2}));
    EXPECT_TRUE(closing->final_report.preference_counts.empty());
    EXPECT_EQ(closing->final_report.control_ratios.size(), 8u);
    EXPECT_TRUE(closing->final_report.consistent());
    EXPECT_NE(station::report_text(closing->final_report).find("candidate 4: 2"), std::string::npos);
}
