// shailoo: the command line of Shailoo Sim. Only wiring and the option checks the subcommands share live here; see apps/README.md.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>

#include "apps/commands.hpp"

std::string apps::default_path(const std::string& relative) {
    if (std::filesystem::exists(relative)) return relative;
    const std::filesystem::path built_from = std::filesystem::path(SHAILOO_SOURCE_DIR) / relative;
    return std::filesystem::exists(built_from) ? built_from.string() : relative;
}

namespace {

/// `text` read whole as a T (decimal, nothing before or after), or nullopt.
template <class T>
std::optional<T> whole_text_as(const std::string& text) {
    T value{};
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
    return value;
}

}  // namespace

const CLI::Validator& apps::seed_check() {
    static const CLI::Validator check(
        [](const std::string& text) -> std::string {
            if (!whole_text_as<std::uint64_t>(text)) return fmt::format("'{}': a seed is a whole number from 0 to {}", text, UINT64_MAX);
            return {};
        },
        "SEED");
    return check;
}

bool apps::write_junit(std::ofstream& file, const std::string& path, const std::string& suite,
                       const std::vector<sim::Verdict>& verdicts, const sim::JunitLabels& labels, const std::string& command) {
    if (path.empty()) return true;
    auto xml = sim::junit_xml(suite, verdicts, labels);
    if (xml) file << *xml;
    file.close();
    if (!xml || !file) {
        fmt::print(stderr, "{}: writing {} failed{}\n", command, path, xml ? "" : ": " + xml.error().message);
        return false;
    }
    return true;
}

const CLI::Validator& apps::finite_check() {
    static const CLI::Validator check(
        [](const std::string& text) -> std::string {
            const auto value = whole_text_as<double>(text);
            if (!value || !std::isfinite(*value)) return fmt::format("'{}': expected a finite number", text);
            return {};
        },
        "NUMBER");
    return check;
}

int main(int argc, char** argv) {
    CLI::App app{"Shailoo Sim - election-night simulation and training platform.\n"
                 "Runs the real PEC and CEC software against a simulated election night (physical fingerprint readers and SANE scanners: `shailoo hil`; printable ballots: `shailoo ballots print`)."};
    app.require_subcommand(1);
    // A bad argument gets its message and a one-line hint, not the whole help.
    app.failure_message([](const CLI::App* top, const CLI::Error& e) {
        std::string command = "shailoo";
        for (const CLI::App* sub = top; sub != nullptr;) {
            const auto chosen = sub->get_subcommands();
            sub = chosen.empty() ? nullptr : chosen.front();
            if (sub) command += " " + sub->get_name();
        }
        return fmt::format("{}: {}\nsee '{} --help'\n", command, e.what(), command);
    });
    apps::Runner runner;
    for (apps::AddCommand add : {&apps::add_run_command, &apps::add_package_command, &apps::add_seats_command, &apps::add_train_command,
                                 &apps::add_drill_command, &apps::add_review_command, &apps::add_serve_command, &apps::add_load_command,
                                 &apps::add_export_command, &apps::add_cec_command, &apps::add_compare_command, &apps::add_sweep_command,
                                 &apps::add_plan_command, &apps::add_hil_command, &apps::add_ballots_command,
                                 &apps::add_elearn_command})
        add(app, runner);
    if (argc > 1 && argv[1][0] != '-') {  // an unknown subcommand is named, with the list of known ones
        const CLI::App& top = app;
        std::string names;
        bool known = false;
        for (const CLI::App* sub : top.get_subcommands([](const CLI::App*) { return true; })) {
            names += (names.empty() ? "" : ", ") + sub->get_name();
            known = known || sub->get_name() == argv[1];
        }
        if (!known) {
            fmt::print(stderr, "shailoo: '{}' is not a subcommand; the subcommands are: {}\nsee 'shailoo --help'\n", argv[1], names);
            return 2;
        }
    }
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
