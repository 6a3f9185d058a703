// The connection budget's rules (central/connection_budget.hpp): who makes room at the cap and at
// a peer's limit, and when a connection is refused.
#include "central/connection_budget.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using central::ConnectionBudget;

namespace {

/// Admitted connections and which of them the budget closed, by name.
struct Fleet {
    explicit Fleet(ConnectionBudget& b) : budget(b) {}
    ConnectionBudget::Handle open(const std::string& peer, const std::string& name) {
        return budget.admit(peer, [this, name] { closed.push_back(name); });
    }
    ConnectionBudget& budget;
    std::vector<std::string> closed;
};

}  // namespace

TEST(ConnectionBudget, APeerAtItsLimitGivesUpItsOwnOldestIdleConnection) {
    ConnectionBudget budget(100, 3);
    Fleet fleet(budget);
    auto honest = fleet.open("10.0.0.1", "honest");  // the oldest connection of all
    std::vector<ConnectionBudget::Handle> flood;
    for (int i = 0; i < 5; ++i) flood.push_back(fleet.open("10.0.0.9", "flood" + std::to_string(i)));
    EXPECT_EQ(fleet.closed, (std::vector<std::string>{"flood0", "flood1"}));  // never the honest one
    EXPECT_EQ(budget.evicted(), 2);
    EXPECT_EQ(budget.refused(), 0);
}

TEST(ConnectionBudget, APeerWhoseConnectionsAreAllBusyIsRefusedAndOthersAreNot) {
    ConnectionBudget budget(100, 2);
    Fleet fleet(budget);
    auto a = fleet.open("10.0.0.9", "a");
    auto b = fleet.open("10.0.0.9", "b");
    budget.set_busy(a, true);
    budget.set_busy(b, true);
    EXPECT_EQ(fleet.open("10.0.0.9", "c"), nullptr);  // at its limit, nothing of its own can go
    EXPECT_EQ(budget.refused(), 1);
    EXPECT_NE(fleet.open("10.0.0.1", "other"), nullptr);
    EXPECT_TRUE(fleet.closed.empty());
    budget.set_busy(b, false);  // b finished its report: the next one from the peer replaces it
    EXPECT_NE(fleet.open("10.0.0.9", "d"), nullptr);
    EXPECT_EQ(fleet.closed, (std::vector<std::string>{"b"}));
}

TEST(ConnectionBudget, AtTheCapThePeerHoldingTheMostConnectionsMakesRoom) {
    ConnectionBudget budget(6, 6);
    Fleet fleet(budget);
    auto p1 = fleet.open("10.0.0.1", "pec1");  // two idle PEC connections, the oldest of all
    auto p2 = fleet.open("10.0.0.2", "pec2");
    std::vector<ConnectionBudget::Handle> flood;
    for (int i = 0; i < 4; ++i) flood.push_back(fleet.open("10.0.0.9", "flood" + std::to_string(i)));
    EXPECT_TRUE(fleet.closed.empty());
    auto p3 = fleet.open("10.0.0.3", "pec3");
    auto p4 = fleet.open("10.0.0.4", "pec4");
    EXPECT_EQ(fleet.closed, (std::vector<std::string>{"flood0", "flood1"}));
    // With every peer at one connection but the flood's two, the flood still goes first; then the oldest.
    auto p5 = fleet.open("10.0.0.5", "pec5");
    auto p6 = fleet.open("10.0.0.6", "pec6");
    EXPECT_EQ(fleet.closed, (std::vector<std::string>{"flood0", "flood1", "flood2", "pec1"}));
    EXPECT_EQ(budget.evicted(), 4);
}

TEST(ConnectionBudget, ReleasedAndEvictedConnectionsNoLongerCountAgainstTheirPeer) {
    ConnectionBudget budget(100, 2);
    Fleet fleet(budget);
    auto a = fleet.open("10.0.0.9", "a");
    auto b = fleet.open("10.0.0.9", "b");
    budget.release(a);
    auto c = fleet.open("10.0.0.9", "c");  // room again: nothing closed
    EXPECT_TRUE(fleet.closed.empty());
    auto d = fleet.open("10.0.0.9", "d");  // at the limit: b, the oldest, goes
    EXPECT_EQ(fleet.closed, (std::vector<std::string>{"b"}));
    budget.release(b);  // the evicted connection ends: counted once, not twice
    auto e = fleet.open("10.0.0.9", "e");
    EXPECT_EQ(fleet.closed, (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(budget.open(), 3u);  // c is told to close and holds its socket until it ends
    budget.release(c);
    EXPECT_EQ(budget.open(), 2u);
}
