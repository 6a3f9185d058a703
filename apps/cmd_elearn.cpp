// `shailoo elearn`: self-paced e-learning modules packaged for an LMS (docs/elearning.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "apps/commands.hpp"
#include "elearning/module_build.hpp"
#include "elearning/scorm_package.hpp"

namespace apps {

namespace {

struct ElearnOptions {
    std::vector<std::string> modules;
    std::string out = "out/elearning";
    int threads = 2;
};

// The module files to package: those given, else every courses/*.yaml, in name order.
std::vector<std::filesystem::path> module_files(const ElearnOptions& o) {
    std::vector<std::filesystem::path> files(o.modules.begin(), o.modules.end());
    if (!files.empty()) return files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(default_path("courses"), ec))
        if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// Loads, plays and packages one module; returns the exit code.
int package_one(const std::filesystem::path& file, const ElearnOptions& o) {
    const char* command = "shailoo elearn";
    auto module = elearning::load_module(file);
    if (!module) {
        fmt::print(stderr, "{}: {}\n", command, module.error().message);
        return 2;
    }
    auto built = elearning::build_module(*module, o.threads, [&](const elearning::Scene& s, const elearning::Choice& c) {
        fmt::print("{}: {}: playing \"{}\" on the night ({})\n", module->id, s.id, c.text, module->drill.file.filename().string());
        std::fflush(stdout);
    });
    if (!built) {
        fmt::print(stderr, "{}: {}\n", command, built.error().message);
        return 2;
    }
    const std::filesystem::path zip = std::filesystem::path(o.out) / (module->id + ".zip");
    if (auto ok = elearning::write_scorm_package(*built, zip); !ok) {
        fmt::print(stderr, "{}: {}\n", command, ok.error().message);
        return 2;
    }
    fmt::print("{}: wrote {} (SCORM 1.2: {} scenes, {} points, pass mark {} %)\n", module->id, zip.string(), built->scenes.size(),
               built->max_points, built->mastery);
    return 0;
}

int run_elearn(const ElearnOptions& o) {
    const auto files = module_files(o);
    if (files.empty()) {
        fmt::print(stderr, "shailoo elearn: no module files given and none in {}\n", default_path("courses"));
        return 2;
    }
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    if (ec) {
        fmt::print(stderr, "shailoo elearn: cannot create {}: {}\n", o.out, ec.message());
        return 2;
    }
    for (const auto& f : files)
        if (int rc = package_one(f, o); rc != 0) return rc;
    return 0;
}

}  // namespace

void add_elearn_command(CLI::App& app, Runner& runner) {
    auto o = std::make_shared<ElearnOptions>();
    auto* cmd = app.add_subcommand("elearn", "Package self-paced e-learning modules (courses/*.yaml) as SCORM 1.2 zips for Moodle or any LMS");
    cmd->footer(
        "Each module is short scenes on one drill's night, each a decision with feedback. Every choice that names\n"
        "'play' is run on that night through the real station and CEC code, and its feedback quotes what it did\n"
        "(minutes wrong figures were public, voters who left, ...). Writes OUT/<id>.zip: imsmanifest.xml and the\n"
        "player (index.html), which reports completion, score (0-100) and each decision to the LMS through the\n"
        "SCORM 1.2 run-time API. Upload the zip as a SCORM package activity. Format: docs/elearning.md.\n"
        "Exit codes: 0 done, 2 bad arguments or module files.");
    cmd->add_option("modules", o->modules, "Module files (default: every courses/*.yaml)")->check(CLI::ExistingFile);
    cmd->add_option("--out", o->out, "Folder for the packages")->capture_default_str();
    cmd->add_option("--threads", o->threads, "Threads that advance the world")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->callback([o, &runner] { runner = [o] { return run_elearn(*o); }; });
}

}  // namespace apps
