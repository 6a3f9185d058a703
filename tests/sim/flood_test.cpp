// A flood of connections on the CEC's ingest (sim/flood.hpp, issue 15): the modems' connections go
// through the real central::ConnectionBudget with the flood's, and the fast-forward over the flood's
// arrivals between two modem connections decides as admitting every arrival would.
#include "sim/flood.hpp"

#include <gtest/gtest.h>

#include <tuple>

#include "core/clock.hpp"

namespace flood_test {
namespace {

using sim::FloodModel;
using sim::Time;

constexpr Time kFrom = core::at(20, 0);
constexpr Time kWindow = 450'000;  // a modem's report: 0.4 s and a few kB at 1 Mbit/s (devices::VirtualModem)
constexpr std::size_t kCap = 4096, kPerPeer = 512;  // central::IngestServerOptions' defaults

FloodModel flood(double rate, int addresses, bool fast_forward = true) {
    return FloodModel(kFrom, kFrom + 10 * core::kMinute, rate, addresses, kCap, kPerPeer, fast_forward);
}

bool report(FloodModel& f, Time opened, Time window = kWindow, int pec = 6055) {
    return f.survives(opened, opened + window, sim::modem_address(pec));
}

}  // namespace

TEST(FloodModel, AModemsConnectionOutlivesAFloodFromFewAddressesOrASlowOneAndIsCutByAFastOneFromMany) {
    // Eight addresses: each at its limit of 512 gives up its own oldest connection, never the modem's
    // (admitting every arrival here, so that the budget's closures can be counted).
    auto few = flood(20'000, 8, false);
    EXPECT_TRUE(report(few, kFrom + 10 * core::kSecond));
    EXPECT_GT(few.evicted(), 190'000);
    // Many addresses, slowly: 2,000 a second put 900 connections into the modem's 0.45 s, fewer than
    // the 4,096 older ones the budget closes first.
    auto slow = flood(2'000, 20'000);
    EXPECT_TRUE(report(slow, kFrom + core::kMinute));
    EXPECT_GT(slow.evicted(), 0);
    // Many addresses, fast: at 12,000 a second the modem's connection is the oldest one after 0.34 s.
    auto fast = flood(12'000, 20'000);
    EXPECT_TRUE(report(fast, kFrom, 200'000)) << "the flood's first 0.2 s leave the budget short of its cap";
    EXPECT_FALSE(report(fast, kFrom + core::kMinute));
    EXPECT_EQ(fast.cut(), 1);
    EXPECT_TRUE(fast.active(kFrom + 10 * core::kMinute + sim::kFloodLinger - 1));
    EXPECT_FALSE(fast.active(kFrom + 10 * core::kMinute + sim::kFloodLinger)) << "the server's idle timeout closed what was left";
}

TEST(FloodModel, RestrictedToTheModemsNetworksTheIngestClosesTheFloodsConnectionsAtAccept) {
    EXPECT_TRUE(central::PeerFilter::parse({sim::kModemNetwork}).value().allows(sim::modem_address(6055)));
    auto f = flood(12'000, 20'000);
    EXPECT_FALSE(report(f, kFrom + core::kMinute));
    f.restrict_to_modems(kFrom + 2 * core::kMinute);
    EXPECT_TRUE(f.restricted());
    const auto admitted = f.admitted();
    EXPECT_TRUE(report(f, kFrom + 3 * core::kMinute));
    EXPECT_TRUE(report(f, kFrom + 3 * core::kMinute + 5 * kWindow, kWindow, 6056));
    EXPECT_EQ(f.admitted(), admitted) << "not one of the flood's connections admitted after the restriction";
    EXPECT_EQ(f.cut(), 1);
}

TEST(FloodModel, FastForwardingAGapLeavesTheBudgetAsAdmittingEveryArrival) {
    // Floods from many addresses, few, and in between (3,000 addresses: about 1.4 connections each
    // at the cap), fast and just fast enough; modems connecting at uneven times, some slowly.
    for (const auto& [rate, addresses] : {std::tuple{12'000, 20'000}, {9'500, 20'000}, {20'000, 8}, {15'000, 12}, {10'000, 3'000}}) {
        SCOPED_TRACE(testing::Message() << rate << " a second from " << addresses);
        auto fast = flood(rate, addresses), exact = flood(rate, addresses, false);
        for (int k = 0; k < 16; ++k) {  // 1.2 s apart: more than the cap's worth of arrivals between two
            const Time opened = kFrom + k * 1'200'000 + (k % 3) * 100'000;
            const Time window = 300'000 + (k % 5) * 150'000;
            ASSERT_EQ(report(fast, opened, window, 6000 + k), report(exact, opened, window, 6000 + k)) << "connection " << k;
        }
        EXPECT_EQ(fast.cut(), exact.cut());
        EXPECT_LT(fast.admitted(), exact.admitted()) << "the fast-forward skipped arrivals";
    }
}

}  // namespace flood_test
