#include "devices/virtual_printer.hpp"

#include <gtest/gtest.h>

using devices::Fault;
using devices::VirtualPrinter;

TEST(VirtualPrinter, LogsEveryPrintedDocumentWithItsTime) {
    VirtualPrinter printer("1001-printer-1");
    ASSERT_TRUE(printer.print("receipt 1\nvoter 17\n", 100));
    ASSERT_TRUE(printer.print("receipt 2", 200));
    ASSERT_EQ(printer.printed().size(), 2u);
    EXPECT_EQ(printer.printed()[0].text, "receipt 1\nvoter 17\n");
    EXPECT_EQ(printer.printed()[0].at, 100);
    EXPECT_EQ(printer.printed()[1].at, 200);
    EXPECT_EQ(printer.paper_left(), VirtualPrinter::kRollLines - 3);
}

TEST(VirtualPrinter, RunsOutOfPaperByItselfAndPrintsAgainAfterLoading) {
    VirtualPrinter printer("p", 5);
    ASSERT_TRUE(printer.print("a\nb\nc\n", 1));
    const auto failed = printer.print("d\ne\nf\n", 2);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().cause, Fault::out_of_paper);
    EXPECT_NE(failed.error().message.find("load a new roll"), std::string::npos);
    EXPECT_TRUE(printer.has_fault(Fault::out_of_paper));
    EXPECT_EQ(printer.printed().size(), 1u);
    printer.load_paper(3);
    EXPECT_FALSE(printer.has_fault(Fault::out_of_paper));
    EXPECT_TRUE(printer.print("d\ne\nf\n", 4));
    EXPECT_EQ(printer.printed().size(), 2u);
}

TEST(VirtualPrinter, RefusesWhileDeadOrInjectedOutOfPaper) {
    VirtualPrinter printer("p");
    printer.enter_fault(Fault::dead, 0);
    ASSERT_FALSE(printer.print("x", 1));
    EXPECT_EQ(printer.print("x", 1).error().cause, Fault::dead);
    printer.clear_fault(Fault::dead, 2);
    printer.enter_fault(Fault::out_of_paper, 3);
    EXPECT_EQ(printer.print("x", 4).error().cause, Fault::out_of_paper);
    EXPECT_TRUE(printer.printed().empty());
}

TEST(VirtualPrinter, EmitsEventsForEnteringAndLeavingOutOfPaper) {
    VirtualPrinter printer("p", 1);
    std::vector<devices::FaultEvent> events;
    printer.on_fault([&](const devices::FaultEvent& e) { events.push_back(e); });
    (void)printer.print("a\nb\n", 10);
    printer.load_paper(20);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_TRUE(events[0].entered);
    EXPECT_EQ(events[0].at, 10);
    EXPECT_FALSE(events[1].entered);
    EXPECT_EQ(events[1].at, 20);
}
