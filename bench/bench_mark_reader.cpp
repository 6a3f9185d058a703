// The mark reader's error rate (hil::MarkReader, docs/hil.md "Ballot scanners (SANE) and the mark
// reader"): SHEETS ballots of the package (half party list, half district ballots of random
// districts) rendered at DPI, marked by tests/hil/mark_simulator.hpp with random votes (valid ones,
// blank, overmarked, preference faults) in light and dark pens, scanned with skew, shift, blur and
// noise, then read. Prints the boxes read and misread (false and missed marks), the error rate per
// box, the sheets refused as unreadable, the sheets core::classify judges differently from the
// truth, the fill ratios either side of the threshold, and the time per sheet (measured here).
// Usage: bench_mark_reader [SHEETS [DPI [SEED [FILL_THRESHOLD [MAX_SKEW_DEG [NOISE_SIGMA]]]]]]
// (defaults 2000 200 1, the reader's default threshold, and mark_sim::ScanConditions' 3 degrees and 8 grey levels).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "core/election_package.hpp"
#include "tests/hil/mark_simulator.hpp"

namespace {

struct Tally {
    long sheets = 0, unreadable = 0, boxes = 0, false_marks = 0, missed_marks = 0, misclassified = 0;
    std::vector<double> marked_fills, blank_fills;
    double read_seconds = 0.0, total_seconds = 0.0;
};

double parse_number(const char* text, const char* what, double lo, double hi) {
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (end == text || *end != '\0' || !(v >= lo && v <= hi)) {
        fmt::print(stderr, "bench_mark_reader: {} '{}' is not a number from {} to {}\n", what, text, lo, hi);
        std::exit(2);
    }
    return v;
}

bool same_class(const core::Classification& a, const core::Classification& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return a.error() == b.error();
    return a->option == b->option && a->preferred_position == b->preferred_position;
}

/// With BENCH_MARK_READER_DUMP=DIR set, writes the scan to DIR/NAME.png (to look at a misread).
void dump(const mark_sim::ScannedSheet& scan, const std::string& name) {
    if (const char* dir = std::getenv("BENCH_MARK_READER_DUMP")) cv::imwrite(fmt::format("{}/{}.png", dir, name), scan.image);
}

/// Writes the part of the scan round a box (where it lies before skew and shift) as dump() does.
void dump_box(const mark_sim::ScannedSheet& scan, const hil::SheetSquare& box, double dpi, const std::string& name) {
    const double px_mm = dpi / 25.4, margin = mark_sim::ScanConditions{}.bed_margin_mm;
    const cv::Rect around(static_cast<int>((box.x + margin - 15) * px_mm), static_cast<int>((box.y + margin - 15) * px_mm),
                          static_cast<int>((box.size + 30) * px_mm), static_cast<int>((box.size + 30) * px_mm));
    mark_sim::ScannedSheet part;
    part.image = scan.image(around & cv::Rect(0, 0, scan.image.cols, scan.image.rows));
    dump(part, name);
}

/// Scans and reads one marked sheet, adding to the tally.
void one_sheet(const hil::BallotSheet& sheet, const hil::SheetImage& blank, const hil::MarkReader& reader, std::mt19937_64& rng,
               const mark_sim::ScanConditions& conditions, Tally& t) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<bool> vote = mark_sim::random_vote(sheet, rng);
    const mark_sim::ScannedSheet scan = mark_sim::scan_marked(sheet, blank, vote, rng, conditions);
    const auto read_start = std::chrono::steady_clock::now();
    auto reading = reader.read(mark_sim::view_of_scan(scan, blank.dpi));
    const auto end = std::chrono::steady_clock::now();
    t.read_seconds += std::chrono::duration<double>(end - read_start).count();
    t.total_seconds += std::chrono::duration<double>(end - start).count();
    ++t.sheets;
    const core::Classification truth = core::classify(core::BallotMarks{scan.truth, true}, sheet.layout);
    if (!reading) {
        ++t.unreadable;
        ++t.misclassified;
        fmt::print(stderr, "sheet {} unreadable: {}\n", t.sheets, reading.error().message);
        dump(scan, fmt::format("unreadable-{}", t.sheets));
        return;
    }
    for (std::size_t i = 0; i < vote.size(); ++i) {
        const bool seen = reading->fills[i] > reader.settings().fill_threshold;
        ++t.boxes;
        t.false_marks += seen && !vote[i];
        t.missed_marks += !seen && vote[i];
        if (seen != vote[i]) dump_box(scan, sheet.boxes[i].square, blank.dpi, fmt::format("misread-{}-box-{}-fill-{:.3f}", t.sheets, i, reading->fills[i]));
        (vote[i] ? t.marked_fills : t.blank_fills).push_back(reading->fills[i]);
    }
    if (!same_class(truth, core::classify(reading->marks, sheet.layout))) {
        ++t.misclassified;
        if (std::getenv("BENCH_MARK_READER_DUMP"))
            fmt::print(stderr, "sheet {} misclassified: {} ballot, ink {:.0f}, paper {:.0f}{}\n", t.sheets, core::to_string(sheet.kind), reading->ink,
                       reading->paper, reading->upside_down ? ", read upside down" : "");
        dump(scan, fmt::format("misclassified-{}", t.sheets));
    }
}

double quantile(std::vector<double>& v, double share) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(share * static_cast<double>(v.size())))];
}

void print_tally(Tally& t, const hil::MarkReader& reader) {
    const long misread = t.false_marks + t.missed_marks;
    fmt::print("sheets: {} ({} unreadable)\n", t.sheets, t.unreadable);
    fmt::print("boxes read: {} ({} marked, {} blank)\n", t.boxes, t.marked_fills.size(), t.blank_fills.size());
    fmt::print("boxes misread: {} ({} false marks, {} missed marks)\n", misread, t.false_marks, t.missed_marks);
    fmt::print("error rate per box: {:.2e} ({})\n", t.boxes ? static_cast<double>(misread) / t.boxes : 0.0,
               misread ? fmt::format("1 in {:.0f}", static_cast<double>(t.boxes) / misread) : std::string("none misread"));
    if (!t.marked_fills.empty())
        fmt::print("missed marks per marked box: {:.2e}\n", static_cast<double>(t.missed_marks) / static_cast<double>(t.marked_fills.size()));
    fmt::print("sheets classified differently from the truth (core::classify): {}\n", t.misclassified);
    fmt::print("fill threshold {:.3f}; blank boxes' fill: max {:.3f}, 99.99 % below {:.3f}; marked boxes' fill: min {:.3f}, 0.01 % below {:.3f}\n",
               reader.settings().fill_threshold, quantile(t.blank_fills, 1.0), quantile(t.blank_fills, 0.9999), quantile(t.marked_fills, 0.0),
               quantile(t.marked_fills, 0.0001));
    fmt::print("time per sheet: {:.1f} ms reading, {:.1f} ms with marking and scanning\n", 1e3 * t.read_seconds / t.sheets,
               1e3 * t.total_seconds / t.sheets);
}

}  // namespace

int main(int argc, char** argv) {
    const long sheets = argc > 1 ? static_cast<long>(parse_number(argv[1], "SHEETS", 2, 1e7)) : 2000;
    const double dpi = argc > 2 ? parse_number(argv[2], "DPI", 100, 600) : 200.0;
    const auto seed = static_cast<std::uint64_t>(argc > 3 ? parse_number(argv[3], "SEED", 0, 1e15) : 1);
    hil::MarkReaderSettings settings;
    if (argc > 4) settings.fill_threshold = parse_number(argv[4], "FILL_THRESHOLD", 0.0, 1.0);
    mark_sim::ScanConditions conditions;
    if (argc > 5) conditions.max_skew_deg = parse_number(argv[5], "MAX_SKEW_DEG", 0.0, 10.0);
    if (argc > 6) conditions.noise_sigma = parse_number(argv[6], "NOISE_SIGMA", 2.0, 60.0);
    auto package = core::load_election_package(std::string(SHAILOO_SOURCE_DIR) + "/assets/kg2021");
    if (!package) {
        fmt::print(stderr, "bench_mark_reader: {}\n", package.error().message);
        return 2;
    }
    std::vector<hil::BallotSheet> forms;
    forms.push_back(*hil::party_list_sheet(*package));
    for (const core::District& d : package->districts) forms.push_back(*hil::district_sheet(*package, d.number));
    const hil::MarkReader reader(forms, settings);
    std::map<std::size_t, hil::SheetImage> blanks;  // rendered once per form: every printed copy is alike
    std::mt19937_64 rng(seed);
    Tally party, district;
    for (long k = 0; k < sheets; ++k) {
        const std::size_t form = k % 2 == 0 ? 0 : 1 + static_cast<std::size_t>(mark_sim::below(rng, static_cast<int>(forms.size()) - 1));
        auto [it, fresh] = blanks.try_emplace(form);
        if (fresh) it->second = hil::render_sheet(forms[form], dpi);
        one_sheet(forms[form], it->second, reader, rng, conditions, form == 0 ? party : district);
    }
    fmt::print("bench_mark_reader: {} sheets at {} dpi, seed {}, skew up to {} degrees, noise sigma up to {}\n", sheets, dpi, seed,
               conditions.max_skew_deg, conditions.noise_sigma);
    fmt::print("-- party list ballots (A3, {} boxes each)\n", forms[0].boxes.size());
    print_tally(party, reader);
    fmt::print("-- district ballots (A4)\n");
    print_tally(district, reader);
    Tally all;
    for (Tally* t : {&party, &district}) {
        all.sheets += t->sheets, all.unreadable += t->unreadable, all.boxes += t->boxes, all.false_marks += t->false_marks;
        all.missed_marks += t->missed_marks, all.misclassified += t->misclassified, all.read_seconds += t->read_seconds;
        all.total_seconds += t->total_seconds;
        all.marked_fills.insert(all.marked_fills.end(), t->marked_fills.begin(), t->marked_fills.end());
        all.blank_fills.insert(all.blank_fills.end(), t->blank_fills.begin(), t->blank_fills.end());
    }
    fmt::print("-- all\n");
    print_tally(all, reader);
    return 0;
}
