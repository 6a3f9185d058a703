#include "drill/drill_review.hpp"

// Index of this file:
//   [SECTION] Running the shipped drills
//   [SECTION] Good and poor responses
//   [SECTION] Injects and scoring
//   [SECTION] The review and its counterfactual

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string_view>

#include "drill/drill_export.hpp"
#include "drill/drill_session.hpp"
#include "sim/world.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder.
namespace drills_test {
namespace {

// [SECTION] Running the shipped drills

namespace fs = std::filesystem;
const fs::path kSource(SHAILOO_SOURCE_DIR);

drill::DrillFile load(const std::string& name) {
    auto d = drill::load_drill_file(kSource / "drills" / (name + ".yaml"));
    EXPECT_TRUE(d) << d.error().message;
    return *d;
}

// The drill run headless with the scripted response drills/responses/NAME.KIND.yaml.
drill::DrillRun run_with(const drill::DrillFile& d, const std::string& kind, int threads = 2) {
    auto responses = drill::load_responses(kSource / "drills/responses" / (d.file.stem().string() + "." + kind + ".yaml"), d);
    EXPECT_TRUE(responses) << responses.error().message;
    auto run = drill::run_drill(d, std::nullopt, drill::DrillConduct::Injects::fire, *responses, threads);
    EXPECT_TRUE(run) << run.error().message;
    EXPECT_TRUE(run->problems.empty()) << run->problems.front();
    return std::move(*run);
}

double total(const drill::DrillScore& s) {
    double sum = 0;
    for (const auto& t : s.trainees) sum += t.earned;
    return sum;
}

double possible(const drill::DrillScore& s) {
    double sum = 0;
    for (const auto& t : s.trainees) sum += t.points;
    return sum;
}

// The world's outcome at an inject's PEC as one comparable tuple, lower is better in each part.
struct Cost {
    std::int64_t voters_left, queue_minutes, ballots_at_risk, late_minutes, published_minutes, forged_ballots, reports_cut;
};

Cost cost_of(const drill::DrillFile& d, const drill::DrillRun& run, const std::string& inject) {
    const auto o = drill::outcome_of(d, run, inject);
    const std::int64_t late = o.acknowledged ? (*o.acknowledged - run.seen.voting_close) / core::kMinute : 24 * 60;
    return {o.voters_left, o.queue_minutes, o.ballots_at_risk, late, o.published_minutes, o.forged_ballots, o.reports_cut};
}

// [SECTION] Good and poor responses

constexpr std::array<const char*, 15> kShipped{"arbb-stationary-box", "biometric-paper-list", "modem-outage-after-close", "mains-loss-ups",
                                               "surge-at-close",      "stolen-key",           "display-error",            "cyber-night",
                                               "rogue-device",        "replayed-report",      "altered-report",           "phishing",
                                               "removable-media",     "desk-access",          "ingest-flood"};
// The incidents the CEC's own checks stop: whatever the duty officer does, nothing wrong reaches the
// page, so only the response time is scored.
constexpr std::array<std::string_view, 3> kStoppedByTheChecks{"rogue-device", "replayed-report", "altered-report"};

void expect_good_beats_poor(const drill::DrillFile& d) {
    const bool stopped = std::find(kStoppedByTheChecks.begin(), kStoppedByTheChecks.end(), d.file.stem().string()) != kStoppedByTheChecks.end();
    const auto good = run_with(d, "good"), poor = run_with(d, "poor");
    EXPECT_TRUE(good.score.final);
    EXPECT_GT(total(good.score), total(poor.score) + 0.25 * possible(poor.score))
        << "good " << total(good.score) << ", poor " << total(poor.score) << " of " << possible(poor.score);
    EXPECT_GE(total(good.score), 0.8 * possible(good.score));
    // At every inject's PEC the good response costs no more than the poor one, and somewhere less.
    bool better = false;
    for (const auto& inject : d.injects) {
        const Cost g = cost_of(d, good, inject.name), p = cost_of(d, poor, inject.name);
        EXPECT_LE(g.voters_left, p.voters_left) << inject.name;
        EXPECT_LE(g.ballots_at_risk, p.ballots_at_risk) << inject.name;
        EXPECT_LE(g.late_minutes, p.late_minutes) << inject.name;
        EXPECT_LE(g.published_minutes, p.published_minutes) << inject.name;
        EXPECT_LE(g.forged_ballots, p.forged_ballots) << inject.name;
        EXPECT_LE(g.reports_cut, p.reports_cut) << inject.name;
        if (stopped) {
            EXPECT_EQ(p.published_minutes, 0) << inject.name << ": the CEC's checks kept it off the page";
        }
        better = better || g.voters_left < p.voters_left || g.queue_minutes < p.queue_minutes || g.ballots_at_risk < p.ballots_at_risk ||
                 g.late_minutes < p.late_minutes || g.published_minutes < p.published_minutes || g.forged_ballots < p.forged_ballots ||
                 g.reports_cut < p.reports_cut;
    }
    EXPECT_TRUE(better || stopped) << "the poor response cost nothing more anywhere";
}

TEST(ShippedDrills, InEachAGoodResponseScoresHigherAndCostsLessThanAPoorOne) {
    for (const char* name : kShipped) {
        SCOPED_TRACE(name);
        expect_good_beats_poor(load(name));
    }
}

TEST(ShippedDrills, InEachTheModelAnswerEarnsEveryPointAndEveryActionOfItIsAccepted) {
    for (const char* name : kShipped) {
        SCOPED_TRACE(name);
        const drill::DrillFile d = load(name);
        auto run = drill::run_drill(d, std::nullopt, drill::DrillConduct::Injects::fire, d.model_answer, 2);
        ASSERT_TRUE(run) << run.error().message;
        for (const auto& a : run->record.actions)
            EXPECT_TRUE(a.refused.empty()) << (a.trainee ? sim::describe(*a.trainee) : "") << ": " << a.refused;
        EXPECT_DOUBLE_EQ(total(run->score), possible(run->score));
    }
}

// [SECTION] Injects and scoring

TEST(DrillConduct, AConditionalInjectFiresAtTheFirstWholeMinuteItsConditionHolds) {
    const drill::DrillFile d = load("biometric-paper-list");
    const auto run = run_with(d, "poor");
    const auto fired = drill::fired_injects(run.record);
    ASSERT_TRUE(fired.contains("queue-over-80"));
    const sim::Time at = fired.at("queue-over-80");
    EXPECT_EQ(at % core::kMinute, 0);
    // The minute before, the queue had not passed 80; at that minute it had.
    const auto& samples = run.seen.pecs.at(6055);
    const auto now = std::find_if(samples.begin(), samples.end(), [&](const auto& s) { return s.at == at; });
    ASSERT_NE(now, samples.end());
    ASSERT_NE(now, samples.begin());
    EXPECT_LE(std::prev(now)->queue, 80);
    EXPECT_GT(now->queue, 80);
}

TEST(DrillConduct, ASessionOpenedAfterTheDrillsStartStillFiresItsLaterInjects) {
    // train --drill X --start 10:59 on a drill that starts at 10:30: its 11:00 inject fires at 11:00
    // (the conduct's first stop used to be 10:31, in the past, and the session then never stopped for it).
    const drill::DrillFile d = load("removable-media");
    ASSERT_LT(d.start, core::at(10, 59));
    auto session = drill::DrillSession::open(d.scenario, d.seed, std::nullopt, core::at(10, 59), drill::WallTime{}, 2);
    ASSERT_TRUE(session) << session.error().message;
    (*session)->attach(std::make_unique<drill::DrillConduct>(d, drill::DrillConduct::Injects::fire));
    ASSERT_TRUE((*session)->run_to(core::at(11, 2), drill::WallTime{}));
    const auto fired = drill::fired_injects((*session)->record());
    ASSERT_TRUE(fired.contains("keyboard"));
    EXPECT_EQ(fired.at("keyboard"), core::at(11, 0));
    EXPECT_TRUE((*session)->world().usb_notice(6055));
}

TEST(DrillScore, MeasuresFollowTheRulesOfTheFile) {
    const drill::DrillFile d = load("mains-loss-ups");
    const auto chairs = [](const drill::DrillRun& run) {
        const auto it = std::find_if(run.score.objectives.begin(), run.score.objectives.end(), [](const auto& o) { return o.trainee == "bakyt"; });
        EXPECT_NE(it, run.score.objectives.end());
        return *it;
    };
    const auto poor = run_with(d, "poor");
    ASSERT_EQ(poor.score.objectives.size(), 2u);
    const auto o = chairs(poor);
    // The first stationary box (10 minutes in) was refused - the UPS still ran - so the first accepted
    // action came two hours after the inject: over the acceptable 1h30m, no points.
    const auto& ack = o.measures[0];
    ASSERT_EQ(ack.rule.measure, drill::Measure::time_to_acknowledge);
    EXPECT_EQ(ack.actual, 7200.0);
    EXPECT_FALSE(ack.passed);
    EXPECT_EQ(ack.earned, 0.0);
    // One of the two boxes replaced: one expected step missing, within the acceptable 1.
    const auto& steps = o.measures[1];
    EXPECT_EQ(steps.actual, 1.0);
    EXPECT_TRUE(steps.passed);
    EXPECT_EQ(steps.earned, 0.0) << "linear from full points at 0 to none at the acceptable 1";
    const auto good = run_with(d, "good");
    const auto in_between = chairs(good).measures[0];  // 52 minutes: between 50m and 1h30m
    EXPECT_EQ(in_between.actual, 52 * 60.0);
    EXPECT_NEAR(in_between.earned, 10.0 * (90 - 52) / (90 - 50), 0.01);
}

TEST(DrillScore, ARoleNobodyPlayedIsScoredAsNobodysWithNoPoints) {
    const drill::DrillFile d = load("modem-outage-after-close");
    const auto poor = run_with(d, "poor");  // nobody acknowledges as duty officer
    const auto nobody = std::find_if(poor.score.trainees.begin(), poor.score.trainees.end(), [](const auto& t) { return t.trainee.empty(); });
    ASSERT_NE(nobody, poor.score.trainees.end());
    EXPECT_EQ(nobody->role, sim::TraineeRole::duty_officer);
    EXPECT_EQ(nobody->earned, 0.0);
    EXPECT_EQ(nobody->points, 10.0);
}

// [SECTION] The review and its counterfactual

TEST(DrillReview, TheReplayedRecordScoresAsTheSessionDidAndTheReferenceIsTheModelAnswer) {
    const drill::DrillFile d = load("surge-at-close");
    const auto poor = run_with(d, "poor");
    const fs::path dir = fs::path(testing::TempDir()) / "drills_test_review";
    fs::create_directories(dir);
    ASSERT_TRUE(sim::save_drill_record(poor.record, dir / "record.yaml"));
    auto review = drill::review_record(dir / "record.yaml", 1);  // another thread count than the session's
    ASSERT_TRUE(review) << review.error().message;
    EXPECT_EQ(drill::score_text(review->session.score), drill::score_text(poor.score));
    EXPECT_EQ(review->session.seen.pecs, poor.seen.pecs);
    // The reference: the same injects at the same times, no trainee of the record, the model's score.
    EXPECT_EQ(drill::fired_injects(review->reference.record), drill::fired_injects(poor.record));
    for (const auto& a : review->reference.record.actions)
        if (a.trainee) {
            EXPECT_TRUE(a.trainee->trainee.starts_with("model")) << a.trainee->trainee;
        }
    EXPECT_DOUBLE_EQ(total(review->reference.score), possible(review->reference.score));
    // Crews sent to the modems got 6003's results to the CEC later than the reference's spare.
    const auto j = drill::review_json(*review);
    const auto& c = j["counterfactual"];
    const auto modem = std::find_if(c.begin(), c.end(), [](const auto& x) { return x["inject"] == "modem-6003"; });
    ASSERT_NE(modem, c.end());
    EXPECT_GT(modem->at("difference").at("late_minutes").get<int>(), 30) << modem->dump();
    EXPECT_NE(modem->at("sentence").get<std::string>().find("minutes' delay of its results at the CEC against the reference"), std::string::npos)
        << modem->dump();
    // The exports of the same review: one CSV row and one completed statement per trainee.
    const drill::ExportContext ctx{.drill_name = d.name, .drill_id = "surge-at-close", .date = review->session.date};
    const std::string csv = drill::moodle_grades_csv(review->session.score, ctx);
    EXPECT_NE(csv.find("\r\naigul,"), std::string::npos) << csv;
    const auto statements = drill::xapi_statements(review->session.score, ctx);
    EXPECT_EQ(statements.size(), d.objectives.size() + 1);
}

TEST(DrillReview, ARecordWithoutADrillIsRefusedSayingHowToMakeOne) {
    const fs::path dir = fs::path(testing::TempDir()) / "drills_test_plain";
    fs::create_directories(dir);
    sim::DrillRecord plain{(kSource / "scenarios/drill-talas.yaml").string(), "Drill stage (Talas, trainees at the help desk)", 2021, "", {}};
    ASSERT_TRUE(sim::save_drill_record(plain, dir / "plain.yaml"));
    auto review = drill::review_record(dir / "plain.yaml", 1);
    ASSERT_FALSE(review);
    EXPECT_NE(review.error().message.find("the record names no drill file"), std::string::npos) << review.error().message;
}

TEST(DrillReview, TheSameRecordGivesTheSameReviewWhateverTheThreadCount) {
    const drill::DrillFile d = load("arbb-stationary-box");
    const auto good = run_with(d, "good", 1);
    const fs::path dir = fs::path(testing::TempDir()) / "drills_test_threads";
    fs::create_directories(dir);
    ASSERT_TRUE(sim::save_drill_record(good.record, dir / "record.yaml"));
    auto one = drill::review_record(dir / "record.yaml", 1), two = drill::review_record(dir / "record.yaml", 2);
    ASSERT_TRUE(one && two);
    EXPECT_EQ(drill::review_json(*one).dump(), drill::review_json(*two).dump());
    EXPECT_EQ(drill::review_html(*one, drill::review_json(*one)), drill::review_html(*two, drill::review_json(*two)));
}

}  // namespace
}  // namespace drills_test
