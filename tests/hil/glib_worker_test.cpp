// hil::GlibWorker: the thread owning GLib's default main context. A job is cancelled at its deadline;
// a job that ignores cancellation is given up on after the grace period without hanging the caller;
// the default context has one owner, so a second worker (or libfprint session) is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gio/gio.h>

#include "hil/glib_worker.hpp"
#include "hil/libfprint_scanner.hpp"

namespace glib_worker_test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HilGlibWorker, AJobWaitingOnTheContextIsCancelledAtItsDeadline) {
    auto worker = hil::GlibWorker::start();
    ASSERT_TRUE(worker) << worker.error();
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    const auto start = Clock::now();
    const bool answered = (*worker)->run(
        [cancelled](GCancellable* c) {
            // As libfprint's *_sync calls do: iterate the default context until the operation ends.
            while (!g_cancellable_is_cancelled(c)) g_main_context_iteration(nullptr, TRUE);
            *cancelled = true;
        },
        std::chrono::milliseconds(200));
    const auto took = Clock::now() - start;
    EXPECT_TRUE(answered);
    EXPECT_TRUE(*cancelled);
    EXPECT_GE(took, std::chrono::milliseconds(190));
    EXPECT_LT(took, std::chrono::seconds(1));
}

TEST(HilGlibWorker, AJobThatIgnoresCancellationIsGivenUpAfterTheGraceWithoutHanging) {
    auto worker = hil::GlibWorker::start();
    ASSERT_TRUE(worker) << worker.error();
    const auto start = Clock::now();
    const bool answered = (*worker)->run([](GCancellable*) { std::this_thread::sleep_for(std::chrono::milliseconds(2'600)); },
                                         std::chrono::milliseconds(100));
    EXPECT_FALSE(answered);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(100) + hil::GlibWorker::kGrace + std::chrono::milliseconds(300));
    worker->reset();  // waits for the stuck job (0.5 s more), then joins
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(4));
}

TEST(HilGlibWorker, TheDefaultContextHasOneOwnerSoASecondWorkerOrSessionIsRefused) {
    auto first = hil::GlibWorker::start();
    ASSERT_TRUE(first) << first.error();
    auto second = hil::GlibWorker::start();
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().find("another thread owns GLib's default main context"), std::string::npos) << second.error();
    first->reset();
    ::setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);  // no FP_VIRTUAL_IMAGE: no device, nothing probed
    auto session = hil::LibfprintSession::start(std::chrono::seconds(5));
    ASSERT_TRUE(session) << session.error();
    EXPECT_TRUE((*session)->readers().empty());
    auto again = hil::LibfprintSession::start(std::chrono::seconds(5));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), "a libfprint session is already open in this process");
    auto missing = (*session)->open("elan", "hil-test-fingerprint-3");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), "no libfprint device 'elan'; attached: none");
    ::unsetenv("FP_DRIVERS_WHITELIST");
}

}  // namespace
}  // namespace glib_worker_test
