#pragma once
// Headless Chromium for the end-to-end tests (Debian package `chromium`, installed by
// scripts/install-deps.sh): finding it, running it on a URL (--dump-dom or --screenshot), and reading
// attributes of the DOM it dumps. Used by results_page_test.cpp and report_page.hpp (the reports' checks); cdp.hpp (the
// DevTools driver for live pages) finds Chromium with find_chromium().
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

namespace e2e {

/// Chromium's path: $SHAILOO_CHROMIUM, else `chromium` or `chromium-browser` on the PATH; empty if none.
inline std::string find_chromium() {
    if (const char* env = std::getenv("SHAILOO_CHROMIUM"); env && *env) return env;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        auto end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        for (const char* name : {"chromium", "chromium-browser"}) {
            auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        }
        start = end + 1;
    }
    return {};
}

struct BrowserRun {
    bool ok = false;
    std::string output;  // the DOM (or nothing)
    std::string error;
};

/// Runs headless Chromium on `url` with the flags of shared/design/toolchain.md; `mode` is
/// "--dump-dom" or "--screenshot=FILE". Bounded by `timeout 60`.
inline BrowserRun run_chromium(const std::string& chromium, const std::string& url, const std::string& mode) {
    BrowserRun run;
    char profile_template[] = "/tmp/shailoo-e2e-chromium-XXXXXX";
    const char* profile = ::mkdtemp(profile_template);
    if (!profile) {
        run.error = "mkdtemp failed";
        return run;
    }
    const auto log = std::filesystem::path(profile) / "stderr.log";
    const auto command = fmt::format(
        "timeout 60 '{}' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync --user-data-dir='{}' "
        "--window-size=1280,2400 --virtual-time-budget=4000 {} '{}' 2>'{}'",
        chromium, profile, mode, url, log.string());
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buf[65536];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.output.append(buf, n);
        const int status = ::pclose(pipe);
        run.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!run.ok) {
            std::ifstream in(log);
            std::string text((std::istreambuf_iterator<char>(in)), {});
            run.error = fmt::format("chromium exited with status {}: {}", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                                    text.substr(text.size() > 2000 ? text.size() - 2000 : 0));
        }
    } else {
        run.error = "popen failed";
    }
    std::error_code ec;
    std::filesystem::remove_all(profile, ec);
    return run;
}

/// Text of the DOM with the HTML entities Chromium writes turned back into characters.
inline std::string unescape(std::string s) {
    const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
                                                            {"&nbsp;", " "}, {"&amp;", "&"}};
    for (auto [from, to] : entities)
        for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, std::strlen(from), to);
    return s;
}

/// The value of attribute `name` in a tag's text, empty when it has none.
inline std::string attribute(std::string_view tag, std::string_view name) {
    const auto key = std::string(name) + "=\"";
    const auto at = tag.find(key);
    if (at == std::string_view::npos) return {};
    const auto end = tag.find('"', at + key.size());
    return unescape(std::string(tag.substr(at + key.size(), end - at - key.size())));
}

}  // namespace e2e
