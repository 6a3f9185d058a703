// `shailoo compare A B`: what changed between two runs' results.json (sim/compare.hpp, docs/results.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <fstream>
#include <memory>
#include <optional>
#include <set>

#include "apps/commands.hpp"
#include "sim/compare.hpp"

namespace apps {
namespace {

struct CompareOptions {
    std::string a, b;
    double tolerance = 0.0;
    int limit = 100;
};

// A results.json read, or nothing after saying on stderr why it cannot be compared.
std::optional<nlohmann::ordered_json> read_results(const std::string& file) {
    std::ifstream in(file);
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(in, nullptr, false);
    if (!in.is_open() || doc.is_discarded()) {
        fmt::print(stderr, "shailoo compare: {}: {}\n", file, in.is_open() ? "not JSON" : "cannot read");
        return std::nullopt;
    }
    if (!doc.is_object() || doc.value("format", "") != "shailoo-results") {
        fmt::print(stderr, "shailoo compare: {}: not a results.json of shailoo run (its 'format' is not \"shailoo-results\")\n", file);
        return std::nullopt;
    }
    return doc;
}

// The differences, national first, at most `limit` lines of them (0: all).
void print_differences(const std::vector<sim::Difference>& diffs, int limit) {
    std::size_t national = 0, width = 0;
    std::set<std::string> pecs;
    for (const auto& d : diffs) {
        national += !d.per_pec;
        if (d.per_pec) pecs.insert(d.where.substr(0, d.where.find(':')));
        width = std::max(width, d.where.size());
    }
    fmt::print("National: {} figure(s) differ; PECs: {} figure(s) at {} PEC(s)\n", national, diffs.size() - national, pecs.size());
    std::size_t shown = 0;
    for (const auto& d : diffs) {
        if (limit > 0 && shown == static_cast<std::size_t>(limit)) {
            fmt::print("  ... {} more (--limit 0 prints all)\n", diffs.size() - shown);
            break;
        }
        fmt::print("  {:<{}}  {} -> {}\n", d.where, std::min<std::size_t>(width, 60), d.a, d.b);
        ++shown;
    }
}

int compare(const CompareOptions& o) {
    const auto a = read_results(o.a);
    const auto b = read_results(o.b);
    if (!a || !b) return 2;
    const auto diffs = sim::compare_results(*a, *b, o.tolerance);
    fmt::print("{} -> {} (tolerance {} of the larger value; perf not compared)\n", o.a, o.b, o.tolerance);
    if (diffs.empty()) {
        fmt::print("No figure differs beyond the tolerance.\n");
        return 0;
    }
    print_differences(diffs, o.limit);
    return 1;
}

}  // namespace

void add_compare_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<CompareOptions>();
    auto* cmd = app.add_subcommand("compare", "Compare two runs' results.json: figures that differ, national and per PEC");
    cmd->footer(
        "Prints every figure of results.json that differs between A and B (perf excluded): national figures\n"
        "first, in the document's order, then PEC by PEC (PECs matched by number). A number differs when\n"
        "|a - b| > tolerance x max(|a|, |b|) (tolerance 0, the default: any difference); a text or true/false\n"
        "when unequal; a field, list item or PEC one run has and the other not always differs.\n"
        "Exit codes: 0 no figure differs beyond the tolerance, 1 some do, 2 bad arguments or input files.");
    cmd->add_option("a", opts->a, "The first results.json")->required()->check(CLI::ExistingFile);
    cmd->add_option("b", opts->b, "The second results.json")->required()->check(CLI::ExistingFile);
    cmd->add_option("--tolerance", opts->tolerance, "Relative tolerance for numbers (0.01: 1 % of the larger value)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--limit", opts->limit, "Lines of differences printed at most (0: all)")->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->callback([opts, &runner] { runner = [opts] { return compare(*opts); }; });
}

}  // namespace apps
