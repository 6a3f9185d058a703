// One PEC's fault ledger on its own: episodes, reserve-slot sheets, voters and the modem's delay,
// including the cases the scenario tests do not reach (a new severity, a slow link, a report never delivered).
#include <gtest/gtest.h>

#include "sim/fault_ledger.hpp"

namespace {

using devices::Fault;
using sim::FaultDevice;

devices::FaultEvent event(const std::string& id, Fault fault, bool entered, core::Micros at) {
    return devices::FaultEvent{.device_id = id, .kind = devices::DeviceKind::printer, .fault = fault, .entered = entered, .at = at};
}

const sim::PecFaultEffect& only(const std::vector<sim::PecFaultEffect>& rows, FaultDevice device, Fault fault) {
    for (const auto& r : rows)
        if (r.device == device && r.fault == fault) return r;
    ADD_FAILURE() << "no row " << sim::to_string(device) << "/" << devices::to_string(fault);
    static const sim::PecFaultEffect none;
    return none;
}

TEST(FaultLedger, ANewSeverityContinuesTheEpisodeAndAnOngoingOneCountsToTheEnd) {
    sim::FaultLedger ledger;
    ledger.record(FaultDevice::arbb, event("6001-arbb-1", Fault::misfeed, true, core::at(10, 0)));
    ledger.record(FaultDevice::arbb, event("6001-arbb-1", Fault::misfeed, true, core::at(10, 5)));  // severity changed
    ledger.record(FaultDevice::arbb, event("6001-arbb-1", Fault::misfeed, false, core::at(10, 20)));
    ledger.record(FaultDevice::arbb, event("6001-arbb-2", Fault::misfeed, true, core::at(11, 0)));
    ledger.record(FaultDevice::arbb, event("6001-arbb-2", Fault::misfeed, false, core::at(11, 30)));
    ledger.record(FaultDevice::arbb, event("6001-arbb-1", Fault::dead, true, core::at(12, 0)));
    const auto rows = ledger.effects(core::at(24, 0));
    const auto& misfeed = only(rows, FaultDevice::arbb, Fault::misfeed);
    EXPECT_EQ(misfeed.episodes, 2);
    EXPECT_EQ(misfeed.ongoing, 0);
    EXPECT_EQ(misfeed.downtime, 50 * core::kMinute);
    EXPECT_EQ(misfeed.longest, 30 * core::kMinute);
    const auto& dead = only(rows, FaultDevice::arbb, Fault::dead);
    EXPECT_EQ(dead.ongoing, 1);
    EXPECT_EQ(dead.downtime, 12 * core::kHour);
    EXPECT_LT(&dead, &misfeed) << "rows in (device, fault) order: dead before misfeed";
}

TEST(FaultLedger, ReserveSlotSheetsGoToTheFaultTheBoxRefusedThemFor) {
    sim::FaultLedger ledger;
    ledger.sheet_held(station::Refusal::jam);
    ledger.sheet_held(station::Refusal::jam);
    ledger.sheet_held(station::Refusal::no_power);
    ledger.sheet_held(station::Refusal::closed);  // no device fault: counted nowhere
    const auto rows = ledger.effects(core::at(24, 0));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(only(rows, FaultDevice::arbb, Fault::jam).sheets_held, 2);
    EXPECT_EQ(only(rows, FaultDevice::power, Fault::mains_loss).sheets_held, 1);
}

TEST(FaultLedger, VotersCountOncePerDeskFaultTheyQueuedOrLeftDuring) {
    sim::FaultLedger ledger;
    ledger.record(FaultDevice::fingerprint_scanner, event("6001-id-1-fingerprint", Fault::dead, true, core::at(10, 0)));
    ledger.record(FaultDevice::fingerprint_scanner, event("6001-id-2-fingerprint", Fault::dead, true, core::at(10, 10)));
    ledger.record(FaultDevice::fingerprint_scanner, event("6001-id-1-fingerprint", Fault::dead, false, core::at(11, 0)));
    ledger.record(FaultDevice::fingerprint_scanner, event("6001-id-2-fingerprint", Fault::dead, false, core::at(11, 0)));
    ledger.record(FaultDevice::arbb, event("6001-arbb-1", Fault::jam, true, core::at(9, 0)));
    ledger.voter_waited(core::at(10, 20), core::at(10, 30));  // during both scanners' episodes: once
    ledger.voter_waited(core::at(9, 50), core::at(10, 0));    // served as the first one died: not during
    ledger.voter_waited(core::at(10, 40), core::at(10, 40));  // no wait
    ledger.voter_left(core::at(10, 59));
    ledger.voter_left(core::at(11, 0));                       // the episodes are over
    const auto rows = ledger.effects(core::at(24, 0));
    const auto& scanner = only(rows, FaultDevice::fingerprint_scanner, Fault::dead);
    EXPECT_EQ(scanner.voters_waited, 1);
    EXPECT_EQ(scanner.voters_left, 1);
    const auto& jam = only(rows, FaultDevice::arbb, Fault::jam);
    EXPECT_EQ(jam.voters_waited + jam.voters_left, 0) << "nobody waits for an ARBB";
}

TEST(FaultLedger, ASlowModemDelaysTheReportsByItsExtraTransferTime) {
    sim::FaultLedger ledger;
    ledger.record(FaultDevice::modem, event("6001-modem", Fault::slow, true, core::at(19, 0)));
    const core::Micros handed = core::at(20, 20), transfer = 500'000;
    ledger.reports_handed(handed, 2);
    ledger.report_delivered("6001-arbb-1", 1, handed, handed + 3 * transfer, transfer);
    ledger.report_delivered("6001-arbb-1", 1, handed + core::kMinute, handed + core::kMinute + transfer, transfer);  // a resend
    ledger.report_delivered("6001-id", 1, handed, handed + 2 * transfer, transfer);
    const auto rows = ledger.effects(core::at(24, 0));
    const auto& slow = only(rows, FaultDevice::modem, Fault::slow);
    EXPECT_TRUE(slow.reports_delayed);
    EXPECT_FALSE(slow.reports_undelivered);
    EXPECT_EQ(slow.reporting_delay, 2 * transfer);
}

TEST(FaultLedger, AReportNeverDeliveredIsUndeliveredNotDelayed) {
    sim::FaultLedger ledger;
    ledger.record(FaultDevice::modem, event("6001-modem", Fault::dead, true, core::at(20, 30)));
    ledger.record(FaultDevice::modem, event("6001-modem", Fault::no_signal, true, core::at(19, 0)));
    ledger.record(FaultDevice::modem, event("6001-modem", Fault::no_signal, false, core::at(20, 0)));  // over before the handing
    const core::Micros handed = core::at(20, 20);
    ledger.reports_handed(handed, 2);
    ledger.report_delivered("6001-arbb-1", 1, handed, handed + 400'000, 400'000);
    const auto rows = ledger.effects(core::at(24, 0));
    const auto& dead = only(rows, FaultDevice::modem, Fault::dead);
    EXPECT_TRUE(dead.reports_undelivered);
    EXPECT_FALSE(dead.reports_delayed);
    const auto& no_signal = only(rows, FaultDevice::modem, Fault::no_signal);
    EXPECT_FALSE(no_signal.reports_undelivered || no_signal.reports_delayed);
}

}  // namespace
