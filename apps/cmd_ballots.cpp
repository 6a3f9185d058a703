// `shailoo ballots print`: the election package's two ballots of one district as print-ready PDF
// and PNG (hil/ballot_sheet.hpp: Cairo), the sheets hil::MarkReader reads back (docs/hil.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "apps/commands.hpp"
#include "core/election_package.hpp"
#include "hil/ballot_sheet.hpp"

namespace apps {

namespace {

struct BallotsOptions {
    std::string package;
    int district = 0;
    std::string out;
    double dpi = 300.0;
};

/// Writes one sheet as NAME.pdf and NAME.png in `out`; false after saying why on stderr.
bool write_both(const hil::BallotSheet& sheet, const std::filesystem::path& out, const std::string& name, double dpi) {
    if (auto ok = hil::write_sheet_pdf(sheet, out / (name + ".pdf")); !ok) {
        fmt::print(stderr, "shailoo ballots print: --out: {}\n", ok.error().message);
        return false;
    }
    if (auto ok = hil::write_sheet_png(sheet, dpi, out / (name + ".png")); !ok) {
        fmt::print(stderr, "shailoo ballots print: --out: {}\n", ok.error().message);
        return false;
    }
    fmt::print("{}: {}.pdf, {}.png ({:.0f} x {:.0f} mm, {} marking boxes, {} dpi)\n", name, (out / name).string(), (out / name).string(),
               sheet.width_mm, sheet.height_mm, sheet.boxes.size(), dpi);
    return true;
}

int run_ballots_print(const BallotsOptions& o) {
    auto package = core::load_election_package(o.package);
    if (!package) {
        fmt::print(stderr, "shailoo ballots print: --package {}: {}\n", o.package, package.error().message);
        return 2;
    }
    if (package->find_district(o.district) == nullptr) {
        fmt::print(stderr, "shailoo ballots print: --district {}: the package has districts 1 to {}\n", o.district, package->districts.size());
        return 2;
    }
    auto party = hil::party_list_sheet(*package);
    auto district = hil::district_sheet(*package, o.district);
    for (const auto* sheet : {&party, &district})
        if (!*sheet) {
            fmt::print(stderr, "shailoo ballots print: --package {}: {}\n", o.package, sheet->error().message);
            return 2;
        }
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    if (ec) {
        fmt::print(stderr, "shailoo ballots print: --out {}: cannot create the folder: {}\n", o.out, ec.message());
        return 2;
    }
    if (!write_both(*party, o.out, "party_list", o.dpi)) return 1;
    if (!write_both(*district, o.out, fmt::format("district-{}", o.district), o.dpi)) return 1;
    return 0;
}

}  // namespace

void add_ballots_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<BallotsOptions>();
    opts->package = default_path("assets/kg2021");
    auto* cmd = app.add_subcommand("ballots", "The election package's ballots as printed paper (for ballot scanners through SANE)");
    cmd->require_subcommand(1);
    auto* print = cmd->add_subcommand("print", "Write the party list ballot and one district's ballot as PDF and PNG");
    print->add_option("--package", opts->package, "election package folder")->capture_default_str();
    print->add_option("--district", opts->district, "single-mandate district number whose ballot to print")->required()->check(CLI::Range(1, 63));
    print->add_option("--out", opts->out, "folder to write party_list.pdf/.png and district-N.pdf/.png into (created if missing)")->required();
    print->add_option("--dpi", opts->dpi, "resolution of the PNGs (8-bit grey)")->capture_default_str()->check(finite_check())->check(CLI::Range(72.0, 600.0));
    print->footer(
        "The party list ballot is A3 portrait (a box per party, a numbered box per place on its list for the\n"
        "preferred candidate, against all); the district ballot A4 portrait. Both carry four corner squares and a\n"
        "ballot-kind code (form, district, CRC-4) that the mark reader uses. The PDF is vector (Cairo), text as text.\n"
        "Exit code: 0 written, 1 a file could not be written, 2 bad arguments or package. See docs/hil.md.");
    print->callback([opts, &runner] { runner = [opts] { return run_ballots_print(*opts); }; });
}

}  // namespace apps
