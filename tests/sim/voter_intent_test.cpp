#include "sim/voter_intent.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/random.hpp"

namespace {

// Every size up to 40 (odd, even, powers of two), with ties, probed at each element, between
// elements, below the first and above the last: the index std::upper_bound gives.
TEST(UpperBoundIndex, AgreesWithStdUpperBound) {
    core::RandomStream random(42, 1);
    for (std::size_t n = 0; n <= 40; ++n) {
        std::vector<double> v(n);
        for (auto& x : v) x = static_cast<double>(random.below(8)) / 8.0;  // few values: many ties
        std::sort(v.begin(), v.end());
        std::vector<double> probes{-1.0, 2.0};
        for (double x : v) probes.insert(probes.end(), {x, x - 1.0 / 16, x + 1.0 / 16});
        for (double u : probes) {
            const auto expected = static_cast<std::size_t>(std::upper_bound(v.begin(), v.end(), u) - v.begin());
            EXPECT_EQ(sim::upper_bound_index(v, u), expected) << "n " << n << " u " << u;
        }
    }
}

}  // namespace
