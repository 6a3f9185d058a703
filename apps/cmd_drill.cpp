// `shailoo drill`: a drill file run headless with scripted responses; `shailoo review`: the
// after-action review of a drill's record (docs/drills.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "apps/commands.hpp"
#include "drill/drill_export.hpp"
#include "drill/drill_review.hpp"

namespace apps {

namespace {

struct DrillOptions {
    std::string drill, responses, record, review;
    int threads = 2;
};

struct ReviewOptions {
    std::string record, out = "review";
    int threads = 2;
    drill::ExportContext exports;
};

bool write_text(const std::filesystem::path& file, const std::string& text, const char* command) {
    std::ofstream f(file, std::ios::binary);
    f << text;
    f.close();
    if (f) return true;
    fmt::print(stderr, "{}: cannot write {}\n", command, file.string());
    return false;
}

// The review's four files in `dir`; returns the exit code.
int write_review(const std::filesystem::path& record, const std::filesystem::path& dir, int threads, drill::ExportContext ctx, const char* command) {
    auto review = drill::review_record(record, threads);
    if (!review) {
        fmt::print(stderr, "{}: {}\n", command, review.error().message);
        return 2;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto j = drill::review_json(*review);
    if (ctx.drill_name.empty()) ctx.drill_name = review->drill.name;
    if (ctx.drill_id.empty()) ctx.drill_id = review->drill.file.stem().string();
    if (ctx.date.empty()) ctx.date = review->session.date;
    const bool ok = write_text(dir / "review.json", j.dump(2) + "\n", command) && write_text(dir / "review.html", drill::review_html(*review, j), command) &&
                    write_text(dir / "grades.csv", drill::moodle_grades_csv(review->session.score, ctx), command) &&
                    write_text(dir / "xapi.json", drill::xapi_statements(review->session.score, ctx).dump(2) + "\n", command);
    if (!ok) return 2;
    fmt::print("{}", drill::score_text(review->session.score));
    for (const auto& c : j["counterfactual"]) fmt::print("{}: {}\n", c["inject"].get<std::string>(), c["sentence"].get<std::string>());
    fmt::print("review: {} (review.html, review.json, grades.csv, xapi.json)\n", dir.string());
    return 0;
}

int run_drill_command(const DrillOptions& o) {
    const char* command = "shailoo drill";
    auto drill = drill::load_drill_file(o.drill);
    if (!drill) {
        fmt::print(stderr, "{}: {}\n", command, drill.error().message);
        return 2;
    }
    std::vector<drill::ResponseAction> responses;
    if (!o.responses.empty()) {
        auto r = drill::load_responses(o.responses, *drill);
        if (!r) {
            fmt::print(stderr, "{}: {}\n", command, r.error().message);
            return 2;
        }
        responses = std::move(*r);
    }
    auto run = drill::run_drill(*drill, std::nullopt, drill::DrillConduct::Injects::fire, std::move(responses), o.threads);
    if (!run) {
        fmt::print(stderr, "{}: {}\n", command, run.error().message);
        return 2;
    }
    for (const auto& p : run->problems) fmt::print(stderr, "{}: {}\n", command, p);
    if (o.review.empty()) fmt::print("{}", drill::score_text(run->score));  // the review prints it, from the record
    std::string record = o.record;
    if (record.empty() && !o.review.empty()) record = (std::filesystem::path(o.review) / "record.yaml").string();
    if (!record.empty()) {
        std::error_code ec;
        if (auto parent = std::filesystem::path(record).parent_path(); !parent.empty()) std::filesystem::create_directories(parent, ec);
        if (auto ok = sim::save_drill_record(run->record, record); !ok) {
            fmt::print(stderr, "{}: {}\n", command, ok.error().message);
            return 2;
        }
        fmt::print("record: {}\n", record);
    }
    if (!o.review.empty())
        if (int rc = write_review(record, o.review, o.threads, {}, command); rc != 0) return rc;
    return run->problems.empty() ? 0 : 1;
}

}  // namespace

void add_drill_command(CLI::App& app, Runner& runner) {
    auto o = std::make_shared<DrillOptions>();
    auto* cmd = app.add_subcommand("drill", "Run a drill file headless to its end, with scripted trainees' responses, and score it");
    cmd->footer(
        "The drill's injects fire at their times or conditions; --responses FILE gives the trainees' actions as a\n"
        "script ({after: INJECT, delay: 3m, trainee, do, ...}; the drill's model_answer has the same form). Prints\n"
        "each objective's measures (expected, acceptable, actual, points) and each trainee's score. The classroom\n"
        "runs the same drill live: shailoo train --drill FILE --classroom HOST:PORT. Format: docs/drills.md.\n"
        "Exit codes: 0 done, 1 an inject the world refused, 2 bad arguments or files.");
    cmd->add_option("drill", o->drill, "Drill file (drills/*.yaml)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--responses", o->responses, "Scripted trainees' actions (YAML: responses: [...])")->check(CLI::ExistingFile);
    cmd->add_option("--record", o->record, "Save the drill record to FILE (for shailoo review, train --replay)");
    cmd->add_option("--review", o->review, "Also write the after-action review into DIR (and the record to DIR/record.yaml unless --record)");
    cmd->add_option("--threads", o->threads, "Threads that advance the world")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->callback([o, &runner] { runner = [o] { return run_drill_command(*o); }; });
}

void add_review_command(CLI::App& app, Runner& runner) {
    auto o = std::make_shared<ReviewOptions>();
    auto* cmd = app.add_subcommand("review", "After-action review of a drill record: scores, timeline, the counterfactual, Moodle and xAPI exports");
    cmd->footer(
        "Replays the record (recorded with shailoo train --drill or shailoo drill), scores each trainee on the drill's\n"
        "objectives, and replays the same drill - same seed, same injects at the same times - with the drill's model\n"
        "answer: what the trainees' choices cost against it. Writes DIR/review.html (self-contained, charts by\n"
        "Chart.js), DIR/review.json, DIR/grades.csv (Moodle gradebook import) and DIR/xapi.json (xAPI statements).\n"
        "Format and loading them into Moodle: docs/drills.md. Exit codes: 0 done, 2 bad arguments or files.");
    cmd->add_option("record", o->record, "Drill record (YAML)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--out", o->out, "Folder for the review's files")->capture_default_str();
    cmd->add_option("--threads", o->threads, "Threads that advance the world")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->add_option("--home-page", o->exports.home_page, "xAPI: the trainees' accounts' homePage (your Moodle's URL)")->capture_default_str();
    cmd->add_option("--activity-base", o->exports.activity_base, "xAPI: the IRI the drills' activity ids start with")->capture_default_str();
    cmd->callback([o, &runner] { runner = [o] { return write_review(o->record, o->out, o->threads, o->exports, "shailoo review"); }; });
}

}  // namespace apps
