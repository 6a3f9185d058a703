#include "sim/pec_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/random.hpp"

namespace {

using Trip = sim::PecModel::Trip;

// Times on a coarse grid (many ties), some before `open` and past the last hour: the order must
// be std::stable_sort's, ties in their original order.
TEST(PecModel, SortsTripsByArrivalAsAStableSortDoes) {
    const sim::Time open = 8 * core::kHour;
    for (std::size_t hours : {std::size_t{0}, std::size_t{1}, std::size_t{12}}) {
        core::RandomStream random(7, hours);
        std::vector<Trip> trips;
        for (std::int64_t i = 0; i < 2000; ++i)
            trips.push_back(Trip{i, open - core::kHour + static_cast<sim::Time>(random.below(15 * 60)) * core::kMinute});
        std::vector<Trip> expected = trips;
        std::stable_sort(expected.begin(), expected.end(), [](const Trip& a, const Trip& b) { return a.arrived < b.arrived; });
        trips = sim::PecModel::sort_by_arrival(trips, open, hours);
        ASSERT_EQ(trips.size(), expected.size());
        for (std::size_t k = 0; k < trips.size(); ++k) {
            EXPECT_EQ(trips[k].voter, expected[k].voter) << "hours " << hours << " at " << k;
            EXPECT_EQ(trips[k].arrived, expected[k].arrived);
        }
    }
}

}  // namespace
