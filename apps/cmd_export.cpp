// `shailoo export`: the night's results from a CEC store in a format others can read - NIST SP
// 1500-100 v2 XML (central/nist_export.hpp, docs/nist-export.md) - for observers and media to
// check the CEC's figures with their own tools.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "apps/commands.hpp"
#include "central/aggregation.hpp"
#include "central/nist_export.hpp"
#include "central/store.hpp"
#include "core/election_package.hpp"

namespace apps {

std::string bishkek_time_now() {
    using namespace std::chrono;
    const auto local = floor<seconds>(system_clock::now()) + hours(6);
    const auto day = floor<days>(local);
    const year_month_day ymd{day};
    const hh_mm_ss hms{local - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+06:00", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                       hms.minutes().count(), hms.seconds().count());
}

core::Micros bishkek_time_of_day() {
    using namespace std::chrono;
    const auto local = system_clock::now().time_since_epoch() + hours(6);
    return duration_cast<microseconds>(local % days(1)).count();
}

namespace {

struct ExportOptions {
    std::string db;
    std::string package = default_path("assets/kg2021");
    std::string format = "nist-1500-100";
    std::string out;
    std::string generated;  // empty: now, Bishkek time
    std::string schema;     // empty: no check before writing
};

/// Writes `text` to `path` through a temporary file renamed into place (no half-written export).
bool write_file(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = std::filesystem::path(path.string() + ".tmp");
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f || !f.write(text.data(), static_cast<std::streamsize>(text.size())) || !f.flush()) return false;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) std::filesystem::remove(tmp, ec);
    return !ec;
}

/// The aggregated results of the store, or the exit code after saying why not.
std::unique_ptr<central::Results> read_results(const ExportOptions& o, const core::ElectionPackage& package) {
    try {
        central::Store store(o.db);
        auto results = central::aggregate(package, store);
        if (!results) {
            fmt::print(stderr, "shailoo export: {}: {}\n", o.db, results.error().message);
            return nullptr;
        }
        return std::make_unique<central::Results>(std::move(*results));
    } catch (const std::exception& e) {  // StoreCorrupt, or a file SQLite cannot open
        fmt::print(stderr, "shailoo export: {}: {}\n", o.db, e.what());
        return nullptr;
    }
}

int run_export(const ExportOptions& o) {
    if (!std::filesystem::is_regular_file(o.db)) {  // the Store would create an empty one
        fmt::print(stderr, "shailoo export: {}: no such store file\n", o.db);
        return 2;
    }
    auto package = core::load_election_package(o.package);
    if (!package) {
        fmt::print(stderr, "shailoo export: {}\n", package.error().message);
        return 2;
    }
    const auto results = read_results(o, *package);
    if (!results) return 2;
    central::NistExportOptions options;
    options.generated_date = o.generated.empty() ? bishkek_time_now() : o.generated;
    auto xml = central::nist_results_xml(*results, *package, options);
    if (!xml) {
        fmt::print(stderr, "shailoo export: {}\n", xml.error().message);
        return 2;
    }
    if (!o.schema.empty()) {
        if (auto valid = central::validate_xml(*xml, o.schema); !valid) {
            fmt::print(stderr, "shailoo export: the export is {}; nothing written\n", valid.error().message);
            return 1;
        }
    }
    if (!write_file(o.out, *xml)) {
        fmt::print(stderr, "shailoo export: {}: cannot write the file\n", o.out);
        return 2;
    }
    fmt::print("shailoo export: {} ({} bytes): NIST SP 1500-100 v2, {}, {} of {} PECs reported{}\n", o.out, xml->size(),
               central::nist_status(*results, *package), results->national.pecs_reporting, results->national.pecs,
               o.schema.empty() ? "" : ", valid against " + std::filesystem::path(o.schema).filename().string());
    return 0;
}

}  // namespace

void add_export_command(CLI::App& app, Runner& runner) {
    auto o = std::make_shared<ExportOptions>();
    auto* cmd = app.add_subcommand(
        "export", "Export the results in a CEC store for observers and media: NIST SP 1500-100 v2 XML (docs/nist-export.md)");
    cmd->add_option("--db", o->db, "SQLite store file of `shailoo serve` (read, never created)")->required();
    cmd->add_option("--package", o->package, "Election package folder the store belongs to")->capture_default_str();
    cmd->add_option("--format", o->format, "Export format (only nist-1500-100: NIST SP 1500-100 v2 ElectionReport XML)")
        ->capture_default_str()
        ->check(CLI::IsMember({"nist-1500-100"}));
    cmd->add_option("--out", o->out, "File to write (replaced whole, through a temporary file)")->required();
    cmd->add_option("--generated-date", o->generated,
                    "GeneratedDate of the report, e.g. 2021-11-28T23:15:00+06:00 (default: now, Bishkek time); give "
                    "one to get the same bytes from the same store");
    cmd->add_option("--schema", o->schema,
                    "Check the export against this XSD before writing, e.g. docs/schemas/NIST_V2_election_results_reporting.xsd "
                    "(exit 1 and nothing written if it is not valid)")
        ->check(CLI::ExistingFile);
    cmd->callback([o, &runner] { runner = [o] { return run_export(*o); }; });
}

}  // namespace apps
