// `shailoo ballots print`: the election package's two ballots of one district as print-ready PDF
// and PNG (hil/ballot_sheet.hpp: Cairo), the sheets hil::MarkReader reads back; `shailoo ballots
// scan`: one sheet through a SANE scanner (hil::SaneBallotScanner), its marks and how the ARBB's rule
// classifies them (docs/hil.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "apps/commands.hpp"
#include "core/election_package.hpp"
#include "hil/ballot_sheet.hpp"
#include "hil/sane_ballot_scanner.hpp"

namespace apps {

namespace {

struct BallotsOptions {
    std::string package;
    int district = 0;
    std::string out;
    double dpi = 300.0;
    std::string device;                // scan: the SANE device
    std::vector<std::string> options;  // scan: NAME=VALUE backend options
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

/// The sheet's marks and core::classify's verdict, printed.
void print_scan(const hil::SaneBallotScanner& scanner, const hil::BallotSheet& sheet, const core::BallotMarks& marks) {
    const hil::SheetReading& r = *scanner.last_reading();
    fmt::print("sheet: {} ballot{}, ink {:.0f}, paper {:.0f}{}\n", core::to_string(r.code.kind),
               r.code.kind == core::BoxKind::district ? fmt::format(" of district {}", r.code.district) : std::string(), r.ink, r.paper,
               r.upside_down ? ", fed upside down" : "");
    for (std::size_t i = 0; i < sheet.boxes.size(); ++i) {
        if (r.fills[i] <= 0.0) continue;
        const hil::SheetBox& b = sheet.boxes[i];
        fmt::print("  box {}{}: fill {:.3f} {}\n", b.option == core::kAgainstAll ? std::string("against all") : fmt::format("option {}", b.option),
                   b.position > 0 ? fmt::format(", place {}", b.position) : std::string(), r.fills[i],
                   r.fills[i] > hil::MarkReaderSettings{}.fill_threshold ? "marked" : "(below the threshold)");
    }
    const core::Classification c = core::classify(marks, sheet.layout);
    if (c) fmt::print("valid: option {}{}\n", c->option, c->preferred_position ? fmt::format(", preferred place {}", c->preferred_position) : "");
    else fmt::print("invalid: {}\n", core::to_string(c.error()));
}

int run_ballots_scan(const BallotsOptions& o) {
    auto package = core::load_election_package(o.package);
    if (!package) {
        fmt::print(stderr, "shailoo ballots scan: --package {}: {}\n", o.package, package.error().message);
        return 2;
    }
    auto party = hil::party_list_sheet(*package);
    auto district = hil::district_sheet(*package, o.district);
    if (!party || !district) {
        fmt::print(stderr, "shailoo ballots scan: --district {}: {}\n", o.district, (!party ? party : district).error().message);
        return 2;
    }
    hil::SaneScannerOptions options;
    options.dpi = o.dpi;
    for (const std::string& kv : o.options) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            fmt::print(stderr, "shailoo ballots scan: --option '{}': expected NAME=VALUE\n", kv);
            return 2;
        }
        options.extra.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    auto scanner = hil::SaneBallotScanner::open("ballots-scan", o.device, hil::MarkReader({*party, *district}), options);
    if (!scanner) {
        fmt::print(stderr, "shailoo ballots scan: {}\n", scanner.error().message);
        return 1;
    }
    auto marks = (*scanner)->read(0);
    if (!marks) {
        fmt::print(stderr, "shailoo ballots scan: {} ({})\n", marks.error().message, devices::to_string(marks.error().cause));
        return 1;
    }
    if (!marks->readable) {
        fmt::print("unreadable: {}\n", (*scanner)->last_problem());
        return 1;
    }
    print_scan(**scanner, marks->sheet.form == core::BoxKind::party_list ? *party : *district, *marks);
    return 0;
}

}  // namespace

void add_ballots_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<BallotsOptions>();
    opts->package = default_path("assets/kg2021");
    auto* cmd = app.add_subcommand("ballots", "The election package's ballots as printed paper, and one read back through a SANE scanner");
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
    auto* scan = cmd->add_subcommand("scan", "Scan one ballot on a SANE scanner and print its marks and whether it is valid");
    scan->add_option("--device", opts->device, "SANE device name, as `shailoo hil list` or `scanimage -L` shows it")->required();
    scan->add_option("--package", opts->package, "election package folder")->capture_default_str();
    scan->add_option("--district", opts->district, "the PEC's district: its ballot and the party list ballot are read")->required()->check(CLI::Range(1, 63));
    scan->add_option("--dpi", opts->dpi, "resolution to ask for (the nearest the scanner offers is used)")->capture_default_str()->check(finite_check())->check(CLI::Range(72.0, 600.0));
    scan->add_option("--option", opts->options, "backend option NAME=VALUE, repeatable (e.g. source=ADF, or the pnm backend's filename=FILE)");
    scan->footer("Exit code: 0 the sheet was read (valid or not), 1 the scanner failed or the sheet is unreadable, 2 bad arguments.");
    scan->callback([opts, &runner] { runner = [opts] { return run_ballots_scan(*opts); }; });
}

}  // namespace apps
