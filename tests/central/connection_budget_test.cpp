// The connection budget's rules (central/connection_budget.hpp): who makes room at the cap and at
// a peer's limit, and when a connection is refused.
#include "central/connection_budget.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace connection_budget_test {

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

namespace {

// The budget's rules written as plainly as they read (connection_budget.hpp), scanning every
// connection: the reference the indexed budget must agree with, decision by decision.
struct PlainBudget {
    struct Conn {
        int id;
        std::string peer;
        bool busy = false;
    };
    std::size_t cap, per_peer;
    std::vector<Conn> live;  // admission order; evicted and released ones are gone
    std::size_t held(const std::string& peer) const {
        return static_cast<std::size_t>(std::count_if(live.begin(), live.end(), [&](const Conn& c) { return c.peer == peer; }));
    }
    // The id closed to make room (-1: none), or nullopt when the new connection is refused.
    std::optional<int> admit(int id, const std::string& peer) {
        int victim = -1;
        if (held(peer) >= per_peer) {
            const auto it = std::find_if(live.begin(), live.end(), [&](const Conn& c) { return c.peer == peer && !c.busy; });
            if (it == live.end()) return std::nullopt;
            victim = it->id;
        } else if (live.size() >= cap) {
            std::size_t most = 0;
            for (const Conn& c : live)
                if (!c.busy && held(c.peer) > most) most = held(c.peer), victim = c.id;
        }
        std::erase_if(live, [&](const Conn& c) { return c.id == victim; });
        live.push_back({id, peer});
        return victim;
    }
};

}  // namespace

TEST(ConnectionBudget, ItsIndexedChoicesAreThoseOfAScanOfEveryConnectionOverARandomFlood) {
    std::int64_t refused = 0;
    for (const auto [cap, per_peer] : {std::pair<std::size_t, std::size_t>{16, 5}, {64, 64}, {32, 3}}) {
        ConnectionBudget budget(cap, per_peer);
        PlainBudget plain{cap, per_peer, {}};
        std::vector<int> closed;
        std::map<int, ConnectionBudget::Handle> open;  // admitted and not released (evicted ones too, until released)
        std::mt19937 random(static_cast<unsigned>(cap * 7 + per_peer));
        for (int step = 0; step < 20'000; ++step) {
            const int what = static_cast<int>(random() % 10);
            if (what < 6 || open.empty()) {  // a new connection from one of a few peers (one floods)
                const std::string peer = random() % 2 ? "10.9.9.9" : "10.0.0." + std::to_string(random() % 12);
                const auto expected = plain.admit(step, peer);
                closed.clear();
                auto slot = budget.admit(peer, [&closed, step] { closed.push_back(step); });
                ASSERT_EQ(slot != nullptr, expected.has_value()) << "step " << step;
                if (!slot) continue;
                open[step] = slot;
                ASSERT_EQ(closed.empty() ? -1 : closed.front(), *expected) << "step " << step;
                if (*expected >= 0) {
                    // The evicted connection ends a little later: its release is counted once.
                    budget.release(open.at(*expected));
                    open.erase(*expected);
                }
                continue;
            }
            auto it = std::next(open.begin(), static_cast<std::ptrdiff_t>(random() % open.size()));
            const auto conn = std::find_if(plain.live.begin(), plain.live.end(), [&](const auto& c) { return c.id == it->first; });
            if (what < 9) {  // busy or idle again
                const bool busy = random() % 3 != 0;
                budget.set_busy(it->second, busy);
                conn->busy = busy;
            } else {  // it ends
                budget.release(it->second);
                plain.live.erase(conn);
                open.erase(it);
            }
        }
        EXPECT_EQ(budget.open(), plain.live.size());
        EXPECT_GT(budget.evicted(), 100) << "the flood made the budget choose, many times";
        refused += budget.refused();
    }
    EXPECT_GT(refused, 10) << "and refused connections of a peer at its limit with every connection busy";
}

}  // namespace connection_budget_test
