#include "core/fail_count.hpp"

#include <gtest/gtest.h>

using core::FailCount;

TEST(FailCount, UnarmedNeverFails) {
    FailCount f;
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(f.fail());
    EXPECT_EQ(f.failures(), 0);
}

TEST(FailCount, OnceFailsExactlyTheNthOperation) {
    for (int n = 0; n < 4; ++n) {
        FailCount f;
        f.arm(n);
        for (int i = 0; i < 6; ++i) EXPECT_EQ(f.fail(), i == n) << "n=" << n << " i=" << i;
        EXPECT_FALSE(f.armed());
        EXPECT_EQ(f.failures(), 1);
    }
}

TEST(FailCount, FromThenOnFailsTheNthAndEveryLaterOne) {
    FailCount f;
    f.arm(2, FailCount::Mode::from_then_on);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(f.fail(), i >= 2) << i;
    f.disarm();
    EXPECT_FALSE(f.fail());
    EXPECT_EQ(f.failures(), 4);
}

TEST(FailCount, ANegativeCountDisarms) {
    FailCount f;
    f.arm(0);
    f.arm(-1);
    EXPECT_FALSE(f.fail());
}
