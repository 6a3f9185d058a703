// shailoo: the command line of Shailoo Sim. Only wiring lives here; see apps/README.md.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <exception>

#include "apps/commands.hpp"

#include <filesystem>

std::string apps::default_path(const std::string& relative) {
    if (std::filesystem::exists(relative)) return relative;
    const std::filesystem::path built_from = std::filesystem::path(SHAILOO_SOURCE_DIR) / relative;
    return std::filesystem::exists(built_from) ? built_from.string() : relative;
}

int main(int argc, char** argv) {
    CLI::App app{"Shailoo Sim - election-night simulation and training platform.\n"
                 "Runs the real PEC and CEC software against a simulated (or physically attached) election night."};
    app.require_subcommand(1);
    app.failure_message(CLI::FailureMessage::help);
    apps::Runner runner;
    for (apps::AddCommand add : {&apps::add_run_command, &apps::add_package_command, &apps::add_seats_command, &apps::add_train_command,
                                 &apps::add_serve_command, &apps::add_load_command})
        add(app, runner);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        return runner ? runner() : 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "shailoo: {}\n", e.what());
        return 1;
    }
}
