// A drill with a physical reader, end to end through the command line (docs/hil.md, "Drills with
// hardware"): `shailoo hil enroll` binds the "trainee" at a libfprint virtual_image reader to a voter
// of PEC 6006, `shailoo train --hil 6006:desk1=virtual_image --hil-voter` runs the drill under Xvfb
// while this test puts the trainee's finger on the reader whenever it asks, and the record replays
// without the reader - in the console and in `shailoo run` - to the same results.

// Index of this file:
//   [SECTION] Helpers
//   [SECTION] A reader at a desk
//   [SECTION] A scanner in an ARBB
//   [SECTION] A modem on a real link
//   [SECTION] Enrolment's refusals

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <regex>
#include <thread>

#include <fmt/core.h>
#include <opencv2/imgcodecs.hpp>

#include "hil/ballot_sheet.hpp"
#include "hil/delay_relay.hpp"
#include "hil/enrolment.hpp"
#include "tests/apps/shailoo_process.hpp"
#include "tests/hil/free_port.hpp"
#include "tests/hil/hil_support.hpp"
#include "tests/hil/mark_simulator.hpp"

namespace hil_drill_test {
namespace {

// [SECTION] Helpers

namespace fs = std::filesystem;
const fs::path kSource(SHAILOO_SOURCE_DIR);
const std::string kExe(SHAILOO_EXE);
using shailoo_test::kXvfb;

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int count_of(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Runs `command` (output to `log`) while a feeder puts `image` on the virtual_image reader at
// `socket` each time the command's output asks for a finger. Returns the exit code.
int run_with_finger(const std::string& command, const fs::path& log, const std::string& socket, const hil::GreyImage& image) {
    std::atomic<bool> done = false;
    std::thread feeder([&] {
        int fed = 0;
        while (!done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (count_of(read_file(log), "place the finger") <= fed) continue;
            ++fed;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the reader waits for the finger after it says so
            try {
                hil_test::SocketClient client(socket);
                const int header[2] = {image.width, image.height};
                client.write(header, sizeof(header));
                client.write(image.pixels.data(), image.pixels.size());
            } catch (const std::exception& e) {
                ADD_FAILURE() << "feeding the reader: " << e.what();
            }
        }
    });
    const int status = std::system((command + " >" + log.string() + " 2>&1").c_str());
    done = true;
    feeder.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json results_without_perf(const fs::path& file) {
    std::ifstream in(file);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object()) j.erase("perf");
    return j;
}

// `shailoo run --replay RECORD` into dir/run: its results.json must be the live session's (dir/live).
void expect_headless_replay_matches(const fs::path& record, const fs::path& dir) {
    const fs::path log = dir / "run.log";
    const int ran = std::system((kExe + " run --replay " + record.string() + " --quiet --out " + (dir / "run").string() + " >" + log.string() +
                                 " 2>&1")
                                    .c_str());
    ASSERT_EQ(WEXITSTATUS(ran), 0) << read_file(log);
    EXPECT_EQ(results_without_perf(dir / "run/results.json"), results_without_perf(dir / "live/results.json"));
}

nlohmann::json summary_of(const std::string& output) {
    const auto at = output.find("trainer-summary: ");
    if (at == std::string::npos) return {};
    return nlohmann::json::parse(output.substr(at + 17, output.find('\n', at) - at - 17), nullptr, false);
}

// [SECTION] A reader at a desk

TEST(HilDrill, ATraineeEnrolledAtAReaderIsIdentifiedOnItInADrillAndTheRecordReplaysWithoutIt) {
    const fs::path dir = fs::temp_directory_path() / ("shailoo_hil_drill_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string socket = (dir / "virtual_image.socket").string();
    const std::string reader_env = "FP_VIRTUAL_IMAGE=" + socket + " FP_DRIVERS_WHITELIST=virtual_image ";
    const hil::GreyImage finger = hil_test::load_print("whorl");
    const std::string scenario = (kSource / "scenarios/demo-drill.yaml").string();

    // The trainee enrols as voter 0 of PEC 6006's roll (its first voter).
    const fs::path enrolment = dir / "trainee.yaml";
    const int enrolled = run_with_finger(reader_env + kExe + " hil enroll virtual_image --pec 6006 --captures 2 --scenario " + scenario +
                                             " --out " + enrolment.string(),
                                         dir / "enroll.log", socket, finger);
    ASSERT_EQ(enrolled, 0) << read_file(dir / "enroll.log");
    EXPECT_NE(read_file(enrolment).find("pec: 6006"), std::string::npos) << read_file(enrolment);

    // The drill: played to the end of voting (the trainee's voter comes to a desk on the way), the
    // inspector on PEC 6006 captured, then the rest of the night headless.
    const fs::path record = dir / "drill.yaml", script = dir / "script.yaml";
    const auto script_for = [&](const std::string& shot) {
        std::ofstream(script) << "version: 1\nsteps:\n  - advance_to: \"19:59\"\n  - select: 6006\n  - screenshot: " << (dir / shot).string() << "\n";
    };
    script_for("live.png");
    const int trained = run_with_finger(reader_env + kXvfb + kExe + " train " + scenario + " --hil 6006:desk1=virtual_image --hil-voter " +
                                            enrolment.string() + " --script " + script.string() + " --frames 8 --fps-limit 0 --record " +
                                            record.string() + " --out " + (dir / "live").string(),
                                        dir / "train.log", socket, finger);
    const std::string train_log = read_file(dir / "train.log");
    ASSERT_EQ(trained, 0) << train_log;
    EXPECT_NE(train_log.find("PEC 6006 desk 1: captured"), std::string::npos) << train_log;
    const std::string saved = read_file(record);
    EXPECT_NE(saved.find("hardware:"), std::string::npos) << saved;
    EXPECT_NE(saved.find("virtual_image"), std::string::npos) << saved;
    const nlohmann::json live = summary_of(train_log)["hardware"]["readers"][0];
    EXPECT_EQ(live["identified_by_fingerprint"], 1) << train_log;  // the same finger as enrolled
    EXPECT_EQ(live["captures"], 1) << train_log;
    EXPECT_TRUE(fs::exists(dir / "live.png"));

    // Replayed in the console, without the reader: the same results, and the desk's outcome again.
    const fs::path replay_log = dir / "replay.log";
    script_for("replayed.png");
    const int replayed = std::system((kXvfb + kExe + " train --replay " + record.string() + " --script " + script.string() +
                                      " --frames 8 --fps-limit 0 --out " +
                                      (dir / "replayed").string() + " >" + replay_log.string() + " 2>&1")
                                         .c_str());
    const std::string replay_output = read_file(replay_log);
    ASSERT_EQ(WEXITSTATUS(replayed), 0) << replay_output;
    EXPECT_EQ(results_without_perf(dir / "replayed/results.json"), results_without_perf(dir / "live/results.json"));
    const nlohmann::json hardware = summary_of(replay_output)["hardware"];
    ASSERT_TRUE(hardware.is_object()) << replay_output;
    EXPECT_EQ(hardware["diverged"], "");
    EXPECT_EQ(hardware["readers"][0], live) << replay_output;
    EXPECT_TRUE(fs::exists(dir / "replayed.png"));

    // And headless, in `shailoo run --replay`.
    expect_headless_replay_matches(record, dir);

    // --hil with --replay is refused, as is a slot a drill does not take yet.
    const fs::path refused_log = dir / "refused.log";
    EXPECT_EQ(WEXITSTATUS(std::system((kExe + " train --replay " + record.string() + " --hil 6006:desk1=virtual_image --hil-voter " +
                                       enrolment.string() + " >" + refused_log.string() + " 2>&1")
                                          .c_str())),
              2);
    EXPECT_NE(read_file(refused_log).find("a replay gives the record's captures, sheets and link outcomes back"), std::string::npos)
        << read_file(refused_log);
    EXPECT_EQ(WEXITSTATUS(std::system((kExe + " train --hil 6006:printer=x >" + refused_log.string() + " 2>&1").c_str())), 2);
    EXPECT_NE(read_file(refused_log).find("slot 'printer': a drill takes fingerprint readers at identification desks (desk1, desk2, ...), ballot "
                                          "scanners in the ARBBs (arbb-party, arbb-district) and the modem's real link (modem)"),
              std::string::npos)
        << read_file(refused_log);
    if (!HasFailure() && !std::getenv("SHAILOO_KEEP_TEST_FILES")) fs::remove_all(dir);
}

// [SECTION] A scanner in an ARBB

// The trainee at the scanner: each time the console says what to mark on a voter's party-list
// sheet, the sheet is marked so, scanned (mark_sim: a pen, skew, noise) and put where the pnm
// backend reads it. Runs `command` meanwhile; returns its exit code.
int run_with_sheets(const std::string& command, const fs::path& log, const fs::path& pnm_file) {
    const hil::BallotSheet sheet = *hil::party_list_sheet(mark_sim::kg2021());
    const hil::SheetImage blank = hil::render_sheet(sheet, 200);
    std::atomic<bool> done = false;
    std::thread trainee([&] {
        std::mt19937_64 rng(7);
        int fed = 0;
        const std::regex asked("sheet: mark option ([0-9]+)(, and place ([0-9]+) of its list)?");
        while (!done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            const std::string text = read_file(log);
            std::vector<std::smatch> prompts;
            for (auto it = std::sregex_iterator(text.begin(), text.end(), asked); it != std::sregex_iterator(); ++it) prompts.push_back(*it);
            if (static_cast<int>(prompts.size()) <= fed) continue;
            const std::smatch& m = prompts[static_cast<std::size_t>(fed++)];
            std::vector<bool> marked(sheet.boxes.size(), false);
            marked[static_cast<std::size_t>(mark_sim::box_index(sheet, std::stoi(m[1]), 0))] = true;
            if (m[3].matched) marked[static_cast<std::size_t>(mark_sim::box_index(sheet, std::stoi(m[1]), std::stoi(m[3])))] = true;
            const mark_sim::ScannedSheet scan = mark_sim::scan_marked(sheet, blank, marked, rng);
            const fs::path part = pnm_file.parent_path() / "sheet.part.pgm";
            cv::imwrite(part.string(), scan.image);
            fs::rename(part, pnm_file);  // whole, before the scanner reads it
        }
    });
    const int status = std::system((command + " >" + log.string() + " 2>&1").c_str());
    done = true;
    trainee.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(HilDrill, ATraineesMarkedSheetIsReadOnASaneScannerInTheArbbAndTheRecordReplaysWithoutIt) {
    const fs::path dir = fs::temp_directory_path() / ("shailoo_hil_arbb_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "dll.conf") << "pnm\n";
    const std::string sane_env = "SANE_CONFIG_DIR=" + dir.string() + " ";
    const fs::path pnm_file = dir / "sheet.pgm";
    // The trainee plays PEC 6006's first voter (an enrolment written here: no reader is needed).
    const core::Pec& pec = *std::find_if(mark_sim::kg2021().pecs.begin(), mark_sim::kg2021().pecs.end(), [](const core::Pec& p) { return p.number == 6006; });
    hil::Enrolment e{.pec = 6006, .voter = pec.first_voter, .document = "-", .reader = "none", .quality = 50};
    e.print = core::FingerprintTemplate::from_minutiae(std::vector<core::Minutia>{{10, 10, 0, core::MinutiaType::ending}});
    ASSERT_TRUE(hil::save_enrolment(e, dir / "trainee.yaml"));

    const std::string scenario = (kSource / "scenarios/demo-drill.yaml").string();
    const fs::path record = dir / "drill.yaml", script = dir / "script.yaml";
    std::ofstream(script) << "version: 1\nsteps:\n  - advance_to: \"19:59\"\n  - select: 6006\n  - screenshot: " << (dir / "arbb.png").string() << "\n";
    const int trained = run_with_sheets(sane_env + kXvfb + kExe + " train " + scenario + " --hil 6006:arbb-party=pnm:0 --hil-scanner-option filename=" +
                                            pnm_file.string() + " --hil-voter " + (dir / "trainee.yaml").string() + " --script " +
                                            script.string() + " --hil-sheet-wait 2 --frames 8 --fps-limit 0 --record " + record.string() +
                                            " --out " + (dir / "live").string(),
                                        dir / "train.log", pnm_file);
    const std::string train_log = read_file(dir / "train.log");
    ASSERT_EQ(trained, 0) << train_log;
    EXPECT_NE(train_log.find("PEC 6006 party-list ARBB: sheet read, 1 option mark(s)"), std::string::npos) << train_log;
    const std::string saved = read_file(record);
    EXPECT_NE(saved.find("box: party_list"), std::string::npos) << saved;
    EXPECT_NE(saved.find("readable: true"), std::string::npos) << saved;
    const nlohmann::json scanner = summary_of(train_log)["hardware"]["scanners"][0];
    EXPECT_EQ(scanner["sheets_counted"], 1) << train_log;
    EXPECT_TRUE(fs::exists(dir / "arbb.png"));

    // Replayed headless and in the console, without SANE: the same results.
    expect_headless_replay_matches(record, dir);
    const fs::path replay_log = dir / "replay.log";
    const int replayed = std::system((kXvfb + kExe + " train --replay " + record.string() + " --frames 3 --fps-limit 0 --out " +
                                      (dir / "replayed").string() + " >" + replay_log.string() + " 2>&1")
                                         .c_str());
    ASSERT_EQ(WEXITSTATUS(replayed), 0) << read_file(replay_log);
    EXPECT_EQ(results_without_perf(dir / "replayed/results.json"), results_without_perf(dir / "live/results.json"));
    if (!HasFailure() && !std::getenv("SHAILOO_KEEP_TEST_FILES")) fs::remove_all(dir);
}

// [SECTION] A modem on a real link

TEST(HilDrill, APecsReportsCrossARealLinkThroughADelayStageAndTheRecordReplaysWithoutIt) {
    const fs::path dir = fs::temp_directory_path() / ("shailoo_hil_modem_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    // The link: the drill's CEC answers on one loopback port; PEC 6006's modem dials a delay stage
    // (100 ms each way, as `shailoo hil delay` runs it) in front of it.
    const std::uint16_t cec = hil_test::free_port();
    hil::DelaySettings delay;
    delay.delay = std::chrono::milliseconds(100);
    auto relay = hil::DelayRelay::start({boost::asio::ip::make_address("127.0.0.1"), 0}, {boost::asio::ip::make_address("127.0.0.1"), cec}, delay);
    ASSERT_TRUE(relay) << relay.error().message;
    const std::string slot = fmt::format("6006:modem=127.0.0.1:{},via=127.0.0.1:{}", cec, (*relay)->port());

    const std::string scenario = (kSource / "scenarios/demo-drill.yaml").string();
    const fs::path record = dir / "drill.yaml", script = dir / "script.yaml", log = dir / "train.log";
    std::ofstream(script) << "version: 1\nsteps:\n  - advance_to: \"21:00\"\n  - select: 6006\n  - screenshot: " << (dir / "link.png").string() << "\n";
    const int trained = std::system((kXvfb + kExe + " train " + scenario + " --hil " + slot + " --script " + script.string() +
                                     " --frames 8 --fps-limit 0 --record " + record.string() + " --out " + (dir / "live").string() + " >" +
                                     log.string() + " 2>&1")
                                        .c_str());
    const std::string train_log = read_file(log);
    ASSERT_EQ(WEXITSTATUS(trained), 0) << train_log;
    EXPECT_NE(train_log.find(fmt::format("PEC 6006's modem sends over a real link: CEC end 127.0.0.1:{}, PEC end dials 127.0.0.1:{}", cec,
                                         (*relay)->port())),
              std::string::npos)
        << train_log;
    // The party-list, district and identification reports crossed, and the CEC's answers came back.
    EXPECT_GE(count_of(train_log, "PEC 6006 modem link: report carried"), 3) << train_log;
    EXPECT_GE(count_of(train_log, "PEC 6006 modem link: answer (stored) carried"), 3) << train_log;
    const nlohmann::json modem = summary_of(train_log)["hardware"]["modems"][0];
    EXPECT_GE(modem["reports_delivered"], 3) << train_log;
    EXPECT_EQ(modem["reports_failed"], 0) << train_log;
    EXPECT_EQ(modem["answers_lost"], 0) << train_log;
    EXPECT_GE((*relay)->counters().connections, 3);
    // Each leg took the stage's time at least (the report: the TLS handshake and the frame, two passes).
    const std::string saved = read_file(record);
    const std::regex leg("\\{leg: (report|answer), wall_ms: ([0-9]+)\\}");
    int legs = 0;
    for (auto it = std::sregex_iterator(saved.begin(), saved.end(), leg); it != std::sregex_iterator(); ++it, ++legs)
        EXPECT_GE(std::stoi((*it)[2]), 100) << (*it)[0];
    EXPECT_GE(legs, 6) << saved;
    const nlohmann::json live = results_without_perf(dir / "live/results.json");
    int found = 0;
    for (const auto& p : live["pec_results"])
        if (p["number"] == 6006) {
            EXPECT_NE(p["reported_at"], "") << p.dump();  // every report acknowledged
            ++found;
        }
    EXPECT_EQ(found, 1);
    EXPECT_TRUE(fs::exists(dir / "link.png"));

    // Replayed without the link, headless and in the console: the same results.
    (*relay).reset();
    expect_headless_replay_matches(record, dir);
    const fs::path replay_log = dir / "replay.log";
    const int replayed = std::system((kXvfb + kExe + " train --replay " + record.string() + " --script " + script.string() +
                                      " --frames 8 --fps-limit 0 --out " + (dir / "replayed").string() + " >" + replay_log.string() + " 2>&1")
                                         .c_str());
    ASSERT_EQ(WEXITSTATUS(replayed), 0) << read_file(replay_log);
    EXPECT_EQ(results_without_perf(dir / "replayed/results.json"), live);
    EXPECT_EQ(summary_of(read_file(replay_log))["hardware"]["modems"][0], modem);

    // A link at a PEC the package lacks, or whose CEC end is not an IP address, is refused before anything opens.
    const fs::path refused = dir / "refused.log";
    for (const auto& [arg, says] : {std::pair<std::string, std::string>{"9999:modem=127.0.0.1:0", "PEC 9999 is not in the drill's package"},
                                    {"6006:modem=localhost:7443", "the CEC's end needs an IP address to listen on"}}) {
        EXPECT_EQ(WEXITSTATUS(std::system((kExe + " train --hil " + arg + " >" + refused.string() + " 2>&1").c_str())), 2) << arg;
        EXPECT_NE(read_file(refused).find(says), std::string::npos) << read_file(refused);
    }
    if (!HasFailure() && !std::getenv("SHAILOO_KEEP_TEST_FILES")) fs::remove_all(dir);
}

// [SECTION] Enrolment's refusals

TEST(HilDrill, EnrollRefusesAVoterOffThePecsRollAndAPecNotInThePackage) {
    const fs::path log = fs::temp_directory_path() / ("shailoo_hil_enroll_" + std::to_string(::getpid()) + ".log");
    const auto refused = [&](const std::string& args) {
        const int status = std::system((kExe + " hil enroll virtual_image --out /nonexistent/e.yaml " + args + " >" + log.string() + " 2>&1").c_str());
        return std::make_pair(WEXITSTATUS(status), read_file(log));
    };
    auto [code, text] = refused("--pec 6006 --voter 0");
    EXPECT_EQ(code, 2);
    EXPECT_NE(text.find("voter 0 is not on PEC 6006's roll (its voters are "), std::string::npos) << text;
    std::tie(code, text) = refused("--pec 99");
    EXPECT_EQ(code, 2);
    EXPECT_NE(text.find("--pec 99: no such PEC in"), std::string::npos) << text;
    std::tie(code, text) = refused("--pec 6006 --document XX12");
    EXPECT_EQ(code, 2);
    EXPECT_NE(text.find("--document: "), std::string::npos) << text;
    fs::remove(log);
}

}  // namespace
}  // namespace hil_drill_test
