#include "sim/sweep_processes.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

extern char** environ;

namespace sim {
namespace {

// posix_spawn of `exe args`, stdout to /dev/null, stderr to `stderr_file`: the child's pid or an error.
core::Result<pid_t> spawn(const std::string& exe, const ChildJob& job) {
    std::vector<std::string> argv_text{exe};
    argv_text.insert(argv_text.end(), job.args.begin(), job.args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, job.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return core::fail(fmt::format("cannot start {}: {}", exe, std::strerror(rc)));
    return pid;
}

// Waits for one of `running` to end: its job and how it ended (children not in `running` are ignored).
std::pair<std::size_t, ChildEnd> wait_one(std::map<pid_t, std::size_t>& running) {
    while (true) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR) continue;
        const auto it = running.find(pid);
        if (pid < 0) {  // no child left to wait for (cannot happen while `running` holds one): give the first up
            const std::size_t job = running.begin()->second;
            running.erase(running.begin());
            return {job, ChildEnd{-1, 0}};
        }
        if (it == running.end()) continue;
        const std::size_t job = it->second;
        running.erase(it);
        if (WIFEXITED(status)) return {job, ChildEnd{WEXITSTATUS(status), 0}};
        return {job, ChildEnd{-1, WIFSIGNALED(status) ? WTERMSIG(status) : 0}};
    }
}

// After a failure: SIGTERM to every child still running, and wait for them.
void stop_all(std::map<pid_t, std::size_t>& running) {
    for (const auto& [pid, job] : running) kill(pid, SIGTERM);
    while (!running.empty()) wait_one(running);
}

}  // namespace

core::Result<void> run_children(const std::string& exe, const std::vector<ChildJob>& jobs, int parallel, const ChildDone& done) {
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0;
    while (next < jobs.size() || !running.empty()) {
        while (next < jobs.size() && std::ssize(running) < std::max(1, parallel)) {
            auto pid = spawn(exe, jobs[next]);
            if (!pid) {
                stop_all(running);
                return std::unexpected(pid.error());
            }
            running[*pid] = next++;
        }
        const auto [job, end] = wait_one(running);
        if (auto ok = done(job, end); !ok) {
            stop_all(running);
            return ok;
        }
    }
    return {};
}

}  // namespace sim
