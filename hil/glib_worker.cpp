#include "hil/glib_worker.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <gio/gio.h>

namespace hil {

/// One job and whether it has returned (outside the anonymous namespace: GlibWorker::Shared holds
/// them, and a named class's member must not have an internal-linkage type).
struct GlibJob {
    std::function<void(GCancellable*)> fn;
    std::chrono::milliseconds timeout{0};
    bool done = false;
};

namespace {

/// Cancels the job's cancellable (a GSourceFunc on the worker's timer).
gboolean cancel_job(gpointer cancellable) {
    g_cancellable_cancel(static_cast<GCancellable*>(cancellable));
    return G_SOURCE_REMOVE;
}

/// Runs one job with its cancellable and the timer that cancels it.
void run_job(GlibJob& job) {
    GCancellable* cancellable = g_cancellable_new();
    GSource* timer = g_timeout_source_new(static_cast<guint>(job.timeout.count()));
    g_source_set_callback(timer, cancel_job, cancellable, nullptr);
    g_source_attach(timer, nullptr);
    job.fn(cancellable);
    g_source_destroy(timer);
    g_source_unref(timer);
    g_object_unref(cancellable);
}

}  // namespace

/// The worker's queue, shared by the thread and its callers (a detached thread keeps it alive).
struct GlibWorker::Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::shared_ptr<GlibJob>> jobs;
    bool stop = false;
    bool ready = false;
    bool owner = false;
    bool exited = false;
    std::thread thread;
};

namespace {

/// The worker thread: owns the default context, runs jobs until told to stop with none left.
void worker_main(std::shared_ptr<GlibWorker::Shared> s) {
    const bool owner = g_main_context_acquire(nullptr);
    {
        std::lock_guard lock(s->mutex);
        s->ready = true;
        s->owner = owner;
    }
    s->changed.notify_all();
    while (owner) {
        std::shared_ptr<GlibJob> job;
        {
            std::unique_lock lock(s->mutex);
            s->changed.wait(lock, [&] { return s->stop || !s->jobs.empty(); });
            if (s->jobs.empty()) break;
            job = std::move(s->jobs.front());
            s->jobs.pop_front();
        }
        run_job(*job);
        {
            std::lock_guard lock(s->mutex);
            job->done = true;
        }
        s->changed.notify_all();
    }
    if (owner) {
        while (g_main_context_iteration(nullptr, FALSE)) {
        }
        g_main_context_release(nullptr);
    }
    {
        std::lock_guard lock(s->mutex);
        s->exited = true;
    }
    s->changed.notify_all();
}

}  // namespace

std::expected<std::unique_ptr<GlibWorker>, std::string> GlibWorker::start() {
    auto shared = std::make_shared<Shared>();
    shared->thread = std::thread(worker_main, shared);
    std::unique_lock lock(shared->mutex);
    shared->changed.wait(lock, [&] { return shared->ready; });
    if (!shared->owner) {
        lock.unlock();
        shared->thread.join();
        return std::unexpected(std::string("another thread owns GLib's default main context: libfprint cannot run here"));
    }
    return std::unique_ptr<GlibWorker>(new GlibWorker(std::move(shared)));
}

GlibWorker::~GlibWorker() {
    std::unique_lock lock(shared_->mutex);
    shared_->stop = true;
    shared_->changed.notify_all();
    const bool exited = shared_->changed.wait_for(lock, kGrace * 2, [&] { return shared_->exited; });
    lock.unlock();
    if (exited)
        shared_->thread.join();
    else
        shared_->thread.detach();
}

bool GlibWorker::run(std::function<void(GCancellable*)> job, std::chrono::milliseconds timeout) {
    auto j = std::make_shared<GlibJob>();
    j->fn = std::move(job);
    j->timeout = timeout;
    std::unique_lock lock(shared_->mutex);
    shared_->jobs.push_back(j);
    shared_->changed.notify_all();
    return shared_->changed.wait_for(lock, timeout + kGrace, [&] { return j->done; });
}

}  // namespace hil
