// `shailoo hil list` and `shailoo hil check DEVICE`: the physical devices a drill could use
// (hardware in the loop, docs/hil.md; adapters in hil/).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include "apps/commands.hpp"
#include "core/voter_roll.hpp"
#include "drill/drill_file.hpp"
#include "hil/enrolment.hpp"
#include "hil/libfprint_scanner.hpp"
#include "hil/sane_ballot_scanner.hpp"
#include "sim/run_setup.hpp"

namespace apps {

namespace {

struct HilOptions {
    std::string device;     // hil check / enroll DEVICE
    double timeout = 10.0;  // seconds
    // hil enroll
    std::string scenario;
    std::string drill;
    int pec = 0;
    std::int64_t voter = -1;
    std::string document;
    int captures = 3;
    std::string out;
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

// The reader DEVICE opened for `hil check` / `hil enroll` (named `command` in messages), prompting on
// stdout; nullopt after saying why on stderr, with the exit code in `code` (1 libfprint failed, 2 no such reader).
struct OpenedReader {
    std::unique_ptr<hil::LibfprintSession> session;
    hil::ReaderInfo info;
    std::unique_ptr<hil::LibfprintScanner> scanner;  // after session: closed before it
};
std::optional<OpenedReader> open_reader(const HilOptions& o, const char* command, int& code) {
    OpenedReader out;
    auto session = hil::LibfprintSession::start(timeout_of(o));
    if (!session) return fmt::print(stderr, "shailoo hil {}: {}\n", command, session.error()), code = 1, std::nullopt;
    out.session = std::move(*session);
    auto reader = out.session->find(o.device);
    if (!reader) return fmt::print(stderr, "shailoo hil {}: {}\n", command, reader.error()), code = 2, std::nullopt;
    out.info = *reader;
    hil::ScannerSettings settings;
    settings.timeout = timeout_of(o);
    settings.on_finger_needed = [] {
        fmt::print("place the finger on the reader\n");
        std::fflush(stdout);  // a person, or a test feeding the reader, acts on it now
    };
    auto scanner = out.session->open(o.device, fmt::format("hil-{}", command), settings);
    if (!scanner) return fmt::print(stderr, "shailoo hil {}: {}\n", command, scanner.error()), code = 1, std::nullopt;
    out.scanner = std::move(*scanner);
    return out;
}

int run_hil_check(const HilOptions& o) {
    int code = 0;
    auto reader = open_reader(o, "check", code);
    if (!reader) return code;
    fmt::print("reader: {} ({}), {} [{}]\n", reader->info.driver, reader->info.name, reader->info.image ? "image reader" : "match-on-chip",
               reader->info.device_id);
    auto capture = reader->scanner->capture_report();
    if (!capture) {
        fmt::print(stderr, "shailoo hil check: {}\n", capture.error().message);
        return 1;
    }
    return print_check(reader->info, *capture);
}

// The voter `hil enroll` binds: --voter, --document or the PEC's first voter, on the PEC's roll of the
// drill's (or scenario's) package; an error names what is wrong.
core::Result<hil::Enrolment> voter_to_enrol(const HilOptions& o) {
    std::filesystem::path scenario = o.scenario;
    if (!o.drill.empty()) {
        auto d = drill::load_drill_file(o.drill);
        if (!d) return std::unexpected(d.error());
        scenario = d->scenario;
    }
    if (scenario.empty()) scenario = default_path("scenarios/demo-drill.yaml");
    auto setup = sim::open_run(scenario, std::nullopt, std::nullopt);
    if (!setup) return std::unexpected(setup.error());
    const auto& pecs = setup->package.pecs;
    const auto pec = std::find_if(pecs.begin(), pecs.end(), [&](const core::Pec& p) { return p.number == o.pec; });
    if (pec == pecs.end()) return core::fail(fmt::format("--pec {}: no such PEC in {}'s package", o.pec, scenario.string()));
    hil::Enrolment e;
    e.pec = o.pec;
    e.voter = pec->first_voter;
    if (o.voter >= 0) e.voter = o.voter;
    if (!o.document.empty()) {
        auto v = core::voter_index_of_document(setup->package, o.document);
        if (!v) return core::fail(fmt::format("--document: {}", v.error().message));
        e.voter = *v;
    }
    if (e.voter < pec->first_voter || e.voter >= pec->first_voter + pec->registered)
        return core::fail(fmt::format("voter {} is not on PEC {}'s roll (its voters are {} to {})", e.voter, o.pec, pec->first_voter,
                                      pec->first_voter + pec->registered - 1));
    e.document = core::document_of_voter(setup->package, e.voter);
    return e;
}

// Captures until one passes the gate, at most `captures` times; the best accepted becomes the template.
int run_hil_enroll(const HilOptions& o) {
    auto e = voter_to_enrol(o);
    if (!e) {
        fmt::print(stderr, "shailoo hil enroll: {}\n", e.error().message);
        return 2;
    }
    int code = 0;
    auto reader = open_reader(o, "enroll", code);
    if (!reader) return code;
    fmt::print("enrolling voter {} (document {}) of PEC {} on {} ({})\n", e->voter, e->document, e->pec, reader->info.driver, reader->info.name);
    std::optional<devices::FingerprintCapture> best;
    for (int i = 1; i <= o.captures; ++i) {
        auto c = reader->scanner->capture_report();
        if (!c) {
            fmt::print(stderr, "shailoo hil enroll: capture {}: {}\n", i, c.error().message);
            return 1;
        }
        fmt::print("capture {}: {} minutiae, quality {} / 100, {}\n", i, c->figures.minutiae, c->capture.quality, hil::to_string(c->verdict));
        if (c->verdict == hil::QualityVerdict::accepted && (!best || c->capture.quality > best->quality)) best = c->capture;
    }
    if (!best) {
        fmt::print(stderr, "shailoo hil enroll: no capture of {} passed the quality gate: nothing written\n", o.captures);
        return 1;
    }
    e->reader = fmt::format("{} ({})", reader->info.driver, reader->info.name);
    e->quality = best->quality;
    e->print = best->print;
    if (auto saved = hil::save_enrolment(*e, o.out); !saved) {
        fmt::print(stderr, "shailoo hil enroll: {}\n", saved.error().message);
        return 1;
    }
    fmt::print("enrolled: {} minutiae, quality {}; written to {}\n", e->print.count, e->quality, o.out);
    return 0;
}

}  // namespace

void add_hil_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<HilOptions>();
    auto* cmd = app.add_subcommand("hil", "Physical devices for hardware in the loop: list them (fingerprint readers, SANE scanners), check a fingerprint reader, enrol a trainee as a voter, send over a real link");
    cmd->require_subcommand(1);
    cmd->footer(
        "Fingerprint readers come through libfprint: image readers give templates for the project's matcher;\n"
        "match-on-chip readers are listed but refused. Ballot scanners come through SANE (listed here; the ARBB uses\n"
        "hil::SaneBallotScanner with the mark reader; printable ballots: `shailoo ballots print`).\n"
        "`hil enroll` binds the person at a reader to a voter of a PEC, for `shailoo train --hil` (a drill with the reader).\n"
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
    auto* enroll = cmd->add_subcommand("enroll", "Bind the person at a fingerprint reader to a voter of a PEC's roll, for a drill with the reader");
    enroll->add_option("DEVICE", opts->device, "the reader: its number in `shailoo hil list`, its driver (e.g. elan) or its device id")
        ->required();
    enroll->add_option("--pec", opts->pec, "the PEC whose voter the trainee plays (the drill's HIL PEC)")->required()->check(CLI::Range(1, 999999));
    enroll->add_option("--voter", opts->voter, "the voter's index in the national roll (default: the PEC's first voter)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
    enroll->add_option("--document", opts->document, "the voter's document number instead (e.g. ID0123456)");
    enroll->add_option("--scenario", opts->scenario, "scenario whose package holds the roll (default: scenarios/demo-drill.yaml)")
        ->check(CLI::ExistingFile);
    enroll->add_option("--drill", opts->drill, "or the drill file whose scenario it is")->check(CLI::ExistingFile);
    enroll->add_option("--captures", opts->captures, "captures to take; the best one the quality gate accepts is enrolled")
        ->capture_default_str()
        ->check(CLI::Range(1, 20));
    enroll->add_option("--out", opts->out, "the enrolment file to write (YAML; give it to `shailoo train --hil-voter`)")->required();
    enroll->add_option("--timeout", opts->timeout, "seconds to wait for each capture (then the reader counts as dead)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.1, 600.0));
    enroll->footer(
        "Example: shailoo hil enroll elan --drill drills/arbb-stationary-box.yaml --pec 6006 --out trainee.yaml\n"
        "then: shailoo train --drill drills/arbb-stationary-box.yaml --hil 6006:desk1=elan --hil-voter trainee.yaml\n"
        "Exit codes: 0 enrolled, 1 no capture passed the quality gate or the reader failed, 2 bad arguments or no such reader.");
    enroll->get_option("--voter")->excludes("--document");
    enroll->get_option("--scenario")->excludes("--drill");
    enroll->callback([opts, &runner] { runner = [opts] { return run_hil_enroll(*opts); }; });
    add_hil_link_commands(*cmd, runner);
}

}  // namespace apps
