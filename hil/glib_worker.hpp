#pragma once
/// The thread that owns GLib's default main context and runs every libfprint call of the process.
///
/// libfprint's `*_sync` calls and fp_context_get_devices iterate the global default context until
/// their operation completes, so they must run on the thread that owns it; a worker with a context
/// of its own (g_main_context_push_thread_default) deadlocks in fp_context_get_devices
/// (../shared/hil/README.md). Callers hand the worker one job at a time and wait with a deadline.
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <string>

typedef struct _GCancellable GCancellable;

namespace hil {

/// One worker thread owning GLib's default main context; jobs run in the order given.
class GlibWorker {
public:
    /// How long a caller still waits for a job after its deadline cancelled it.
    static constexpr std::chrono::milliseconds kGrace{2'000};

    /// Starts the thread and acquires the default main context on it; fails if another thread owns it.
    static std::expected<std::unique_ptr<GlibWorker>, std::string> start();
    /// Lets queued jobs finish, then stops the thread; a thread stuck in a driver past kGrace is
    /// left behind (detached) rather than hanging the caller.
    ~GlibWorker();
    GlibWorker(const GlibWorker&) = delete;
    GlibWorker& operator=(const GlibWorker&) = delete;

    /// Runs `job` on the worker with a fresh GCancellable, cancelled by a timer on the worker after
    /// `timeout`. True when the job returned within timeout + kGrace; false when the caller stopped
    /// waiting (the job may still run later: it must own, or share, everything it touches).
    bool run(std::function<void(GCancellable*)> job, std::chrono::milliseconds timeout);

    struct Shared;

private:
    explicit GlibWorker(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
    std::shared_ptr<Shared> shared_;
};

}  // namespace hil
