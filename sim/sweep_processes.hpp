#pragma once
/// The child processes of a sweep (`shailoo sweep`, docs/sweeps.md): one `shailoo run` per night,
/// started with posix_spawn, at most a given number at once. Each child's stdout goes to /dev/null
/// and its stderr to a file of its own, shown when it fails.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace sim {

/// One child: its arguments after the executable, and where its stderr goes.
struct ChildJob {
    std::vector<std::string> args;
    std::filesystem::path stderr_file;
};

/// How a child ended: its exit code, or (exit_code -1) the signal that ended it.
struct ChildEnd {
    int exit_code = -1;
    int signal = 0;
};

/// Called as each child ends, in the order they end; an error stops the others.
using ChildDone = std::function<core::Result<void>(std::size_t job, ChildEnd end)>;

/// Starts `exe` once per job, in the jobs' order, at most `parallel` at once, and waits for them all.
/// When `done` returns an error or a child cannot be started, no further child starts, the running
/// ones get SIGTERM and are waited for, and that error is returned.
core::Result<void> run_children(const std::string& exe, const std::vector<ChildJob>& jobs, int parallel, const ChildDone& done);

}  // namespace sim
