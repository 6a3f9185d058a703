#pragma once
// Running the `shailoo` executable from the apps tests, as a user would from a shell.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace shailoo_test {

/// What one `shailoo` invocation gave.
struct CliRun {
    int code = -1;
    std::string output;  ///< stdout and stderr together
};

/// Runs a shell command line and collects its exit code and output (stdout and stderr together).
inline CliRun run_shell(const std::string& command) {
    CliRun r;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

/// Runs `shailoo ARGS` (the one built with these tests) and collects its exit code and output.
inline CliRun shailoo(const std::string& args) { return run_shell(std::string(SHAILOO_EXE) + " " + args); }

/// Put before a command line, runs it under a virtual display (Xvfb; Mesa's software renderer), as
/// the console's tests run `shailoo train`. Leak checking is off for that process: Mesa's llvmpipe
/// driver is loaded and unloaded with dlopen and leaves allocations LeakSanitizer cannot attribute
/// (sanitizer builds only; no effect otherwise).
inline const std::string kXvfb = "ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s \"-screen 0 1280x800x24\" ";

/// A fresh, empty temporary folder named after the test.
inline std::filesystem::path temp_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("shailoo-test-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace shailoo_test
