// `shailoo hil list` and `shailoo hil check DEVICE`: the physical devices a drill could use
// (hardware in the loop, docs/hil.md; adapters in hil/).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include "apps/commands.hpp"
#include "hil/libfprint_scanner.hpp"
#include "hil/sane_ballot_scanner.hpp"

namespace apps {

namespace {

struct HilOptions {
    std::string device;     // hil check DEVICE
    double timeout = 10.0;  // seconds
};

/// The timeout option as a duration.
std::chrono::milliseconds timeout_of(const HilOptions& o) { return std::chrono::milliseconds(std::llround(o.timeout * 1000.0)); }

int run_hil_list(const HilOptions& o) {
    auto session = hil::LibfprintSession::start(timeout_of(o));
    if (!session) {
        fmt::print(stderr, "shailoo hil list: {}\n", session.error());
        return 1;
    }
    fmt::print("Fingerprint readers (libfprint):\n");
    if ((*session)->readers().empty()) fmt::print("  none attached\n");
    for (const hil::ReaderInfo& r : (*session)->readers())
        fmt::print("  {}  {:<24} {:<14} {}  [{}]\n", r.index, r.driver, r.image ? "image" : "match-on-chip", r.name, r.device_id);
    auto scanners = hil::sane_devices();
    if (!scanners) {
        fmt::print(stderr, "shailoo hil list: {}\n", scanners.error().message);
        return 1;
    }
    fmt::print("Ballot scanners (SANE):\n");
    if (scanners->empty()) fmt::print("  none found\n");
    for (const hil::SaneDeviceInfo& d : *scanners) fmt::print("  {:<32} {} {} ({})\n", d.name, d.vendor, d.model, d.type);
    return 0;
}

/// Prints the capture's figures and the gate's verdict; 0 when the gate accepts it.
int print_check(const hil::ReaderInfo& r, const hil::CaptureReport& c) {
    fmt::print("image: {} x {} pixels\n", c.image.width, c.image.height);
    fmt::print("minutiae: {} found by libfprint (NBIS), {} in the template\n", c.figures.minutiae, c.capture.print.count);
    fmt::print("finger area: {:.2f} of the image's blocks (gate: at least {:.2f})\n", c.figures.finger_area, hil::kMinFingerArea);
    fmt::print("ridge coherence: {:.2f} (gate: at least {:.2f}); minutiae gate: at least {}\n", c.figures.coherence, hil::kMinCoherence,
               hil::kMinMinutiae);
    fmt::print("quality: {} / 100\n", c.capture.quality);
    fmt::print("verdict: {}\n", hil::to_string(c.verdict));
    if (c.verdict == hil::QualityVerdict::accepted) return 0;
    fmt::print(stderr, "shailoo hil check: the capture on {} was refused by the quality gate ({})\n", r.driver, hil::to_string(c.verdict));
    return 1;
}

int run_hil_check(const HilOptions& o) {
    auto session = hil::LibfprintSession::start(timeout_of(o));
    if (!session) {
        fmt::print(stderr, "shailoo hil check: {}\n", session.error());
        return 1;
    }
    auto reader = (*session)->find(o.device);
    if (!reader) {
        fmt::print(stderr, "shailoo hil check: {}\n", reader.error());
        return 2;
    }
    fmt::print("reader: {} ({}), {} [{}]\n", reader->driver, reader->name, reader->image ? "image reader" : "match-on-chip",
               reader->device_id);
    hil::ScannerSettings settings;
    settings.timeout = timeout_of(o);
    settings.on_finger_needed = [] { fmt::print("place a finger on the reader\n"); };
    auto scanner = (*session)->open(o.device, "hil-check", settings);
    if (!scanner) {
        fmt::print(stderr, "shailoo hil check: {}\n", scanner.error());
        return 1;
    }
    auto capture = (*scanner)->capture_report();
    if (!capture) {
        fmt::print(stderr, "shailoo hil check: {}\n", capture.error().message);
        return 1;
    }
    return print_check(*reader, *capture);
}

}  // namespace

void add_hil_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<HilOptions>();
    auto* cmd = app.add_subcommand("hil", "Physical devices for hardware in the loop: list them (fingerprint readers, SANE scanners), check a fingerprint reader, send over a real link");
    cmd->require_subcommand(1);
    cmd->footer(
        "Fingerprint readers come through libfprint: image readers give templates for the project's matcher;\n"
        "match-on-chip readers are listed but refused. Ballot scanners come through SANE (listed here; the ARBB uses\n"
        "hil::SaneBallotScanner with the mark reader; printable ballots: `shailoo ballots print`).\n"
        "`hil send` sends a PEC's reports over a real TLS link; `hil delay` delays a link. See docs/hil.md.");
    auto* list = cmd->add_subcommand("list", "List attached fingerprint readers (driver, kind image/match-on-chip, name) and SANE scanners");
    list->add_option("--timeout", opts->timeout, "seconds libfprint may take to list its devices")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.1, 600.0));
    list->callback([opts, &runner] { runner = [opts] { return run_hil_list(*opts); }; });
    auto* check = cmd->add_subcommand("check", "Capture once on a fingerprint reader and print its minutiae count and quality verdict");
    check->add_option("DEVICE", opts->device, "the reader: its number in `shailoo hil list`, its driver (e.g. elan) or its device id")
        ->required();
    check->add_option("--timeout", opts->timeout, "seconds to wait for the capture (then the reader counts as dead)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.1, 600.0));
    check->footer("Exit code: 0 the capture passed the quality gate, 1 it was refused or the reader failed, 2 no such reader.");
    check->callback([opts, &runner] { runner = [opts] { return run_hil_check(*opts); }; });
    add_hil_link_commands(*cmd, runner);
}

}  // namespace apps
