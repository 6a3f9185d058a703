// The classroom end to end (docs/classroom.md): `shailoo train --classroom` under Xvfb on the help
// desk drill, two trainees in two tabs of headless Chromium (driven over CDP, tests/e2e/cdp.hpp):
// they join by name and role, click their actions, see the answers; one reloads her page and gets
// her place and answers back; the console, stopped by SIGTERM, writes the drill record with both
// trainees' actions and prints them in its summary line.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "cdp.hpp"
#include "sim/drill_record.hpp"

namespace classroom_e2e_test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

// An empty folder of this name under the temporary directory.
fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// The console under xvfb-run in a process group of its own; SIGTERM to the console alone ends the
// session cleanly (record written), then the group goes.
struct Console {
    pid_t group = -1;
    fs::path dir;     // a fresh folder of the test's
    fs::path record;  // the drill record the console writes when stopped
    fs::path log;
    // `train ARGS --classroom 127.0.0.1:0 --frames 100000 --record RECORD`, its files in the fresh
    // temporary folder `folder`.
    Console(const std::string& folder, const std::string& args)
        : dir(fresh_dir(folder)), record(dir / "drill.yaml"), log(dir / "console.log") {
        group = ::fork();
        if (group == 0) {
            ::setsid();
            const std::string command = std::string("exec xvfb-run -a -s '-screen 0 1280x800x24' '") + SHAILOO_EXE + "' train " + args +
                                        " --classroom 127.0.0.1:0 --frames 100000 --record '" + record.string() + "' >'" + log.string() +
                                        "' 2>&1";
            ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    // The port the console printed, waiting for it at most 60 s.
    int port() const {
        const std::regex open(R"(classroom open: trainees join at http://[^:]+:(\d+)/)");
        for (int i = 0; i < 600; ++i) {
            std::smatch m;
            const std::string text = read_file(log);
            if (std::regex_search(text, m, open)) return std::stoi(m[1]);
            std::this_thread::sleep_for(100ms);
        }
        return -1;
    }
    // The trainees' page, once the console has opened the classroom ("" if it never did).
    std::string url() const {
        const int p = port();
        return p > 0 ? "http://127.0.0.1:" + std::to_string(p) + "/" : std::string();
    }
    // SIGTERM to the shailoo process of the group; waits for the group's leader to exit (60 s at most).
    bool stop() {
        for (const auto& entry : fs::directory_iterator("/proc")) {
            const std::string pid = entry.path().filename();
            if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
            if (::getpgid(std::stoi(pid)) == group && read_file(entry.path() / "comm").starts_with("shailoo")) ::kill(std::stoi(pid), SIGTERM);
        }
        for (int i = 0; i < 600; ++i) {
            int status = 0;
            if (::waitpid(group, &status, WNOHANG) == group) {
                group = -1;
                return true;
            }
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }
    ~Console() {
        if (group <= 0) return;
        ::kill(-group, SIGKILL);
        ::waitpid(group, nullptr, 0);
    }
};

void join(e2e::Page& page, const std::string& name, const std::string& role, const std::string& pec = "") {
    page.wait_for("document.getElementById('status').textContent === 'connected'", 15s);
    page.type("#name", name);
    page.evaluate("document.getElementById('role').value = '" + role + "'");
    if (!pec.empty()) page.type("#pec", pec);
    page.click("#join");
    page.wait_for("document.getElementById('join-form').classList.contains('hidden')", 10s);
}

// PEC 6055's chair (bakyt) and the CEC's duty officer (chynara), joined in one browser.
struct ChairAndOfficer {
    explicit ChairAndOfficer(const std::string& url) : chair(browser.open(url)), officer(browser.open(url)) {
        join(chair, "bakyt", "pec_chair", "6055");
        join(officer, "chynara", "duty_officer");
    }
    e2e::Browser browser;
    e2e::Page chair, officer;
};

TEST(ClassroomInChromium, TwoTraineesActFromTheirBrowsersAndTheRecordKeepsTheirActions) {
    Console console("shailoo-classroom-e2e", std::string("'") + SHAILOO_SOURCE_DIR + "/scenarios/help-desk-drill.yaml' --start 12:00 --speed 10");
    const std::string url = console.url();
    ASSERT_FALSE(url.empty()) << read_file(console.log);
    {
        e2e::Browser browser;
        auto desk = browser.open(url);
        auto chair = browser.open(url);
        join(desk, "aigul", "help_desk");
        join(chair, "bakyt", "pec_chair", "6001");
        // The help desk sees the calls that rang before 12:00 and takes the first.
        desk.wait_for("document.querySelector('#tickets tr[data-state=\"ringing\"] button[data-do=\"take_call\"]') !== null", 10s);
        desk.click("#tickets tr[data-state=\"ringing\"] button[data-do=\"take_call\"]");
        desk.wait_for("document.querySelector('#answers li.ok') !== null", 10s);
        EXPECT_NE(desk.text("#answers li.ok").find("take_call: ticket"), std::string::npos);
        // The chair switches desk 1 to the paper list; his view shows it.
        chair.wait_for("document.querySelector('#desks button[data-do=\"paper_list\"]') !== null", 10s);
        chair.click("#desks button[data-do=\"paper_list\"]");
        chair.wait_for("document.querySelector('#answers li.ok') !== null", 10s);
        chair.wait_for("document.querySelector('#desks tr[data-desk=\"1\"] td:nth-child(2)').textContent === 'paper list'", 10s);
        // A role's own actions only: the chair's page has no help desk section to act from.
        EXPECT_EQ(chair.evaluate("document.getElementById('help_desk').classList.contains('hidden')"), true);
        // aigul reloads her page: it joins again by itself and her answer is back.
        desk.navigate(url);
        desk.wait_for("document.getElementById('who').textContent.startsWith('aigul')", 15s);
        desk.wait_for("document.querySelectorAll('#answers li').length === 1", 10s);
    }
    ASSERT_TRUE(console.stop()) << read_file(console.log);
    const std::string log = read_file(console.log);
    EXPECT_NE(log.find("\"classroom\":{\"trainees\":2"), std::string::npos) << log;
    const auto rec = sim::load_drill_record(console.record);
    ASSERT_TRUE(rec) << rec.error().message << "\n" << log;
    std::vector<std::string> who;
    for (const auto& a : rec->actions)
        if (a.trainee) who.push_back(a.trainee->trainee + " " + std::string(sim::to_string(a.trainee->what)) + (a.refused.empty() ? "" : " refused"));
    EXPECT_EQ(who, (std::vector<std::string>{"aigul take_call", "bakyt paper_list"}));
}

// The removable-media drill: the keyboard plugged into PEC 6055's station laptop at 11:00 shows on
// its chair's page as a blocked device; the chair's click on Allow sends the machine the notice
// names, and the record keeps it (docs/drills.md, "Incidents").
TEST(ClassroomInChromium, AChairSeesTheBlockedUsbDeviceAndHerAnswerNamesItsMachine) {
    Console console("shailoo-classroom-usb-e2e", std::string("--drill '") + SHAILOO_SOURCE_DIR + "/drills/removable-media.yaml' --start 10:59 --speed 30");
    const std::string url = console.url();
    ASSERT_FALSE(url.empty()) << read_file(console.log);
    {
        ChairAndOfficer pages(url);
        auto& chair = pages.chair;
        auto& officer = pages.officer;
        chair.wait_for("!document.getElementById('usb').classList.contains('hidden')", 30s);
        const std::string notice = chair.text("#usb-text");
        EXPECT_NE(notice.find("plugged into the identification station's laptop: blocked by rule"), std::string::npos) << notice;
        EXPECT_EQ(chair.evaluate("document.querySelector('#usb button[data-do=\"allow_device\"]').dataset.box"), "station");
        chair.screenshot(console.dir / "chair-usb-notice.png");  // for a person to look at
        chair.click("#usb button[data-do=\"allow_device\"]");
        chair.wait_for("document.querySelector('#answers li.ok') !== null", 10s);
        EXPECT_NE(chair.text("#answers li.ok").find("the block overridden"), std::string::npos);
        chair.wait_for("document.getElementById('usb').classList.contains('hidden')", 10s);
        // The duty officer's page has the responses to a stolen key: call the PEC, accept the confirmed report.
        for (const char* what : {"revoke", "call_pec", "accept", "restrict_ingest"})
            EXPECT_EQ(officer.evaluate(std::string("document.querySelector('#duty_officer button[data-do=\"") + what + "\"]') !== null"), true) << what;
        officer.screenshot(console.dir / "duty-officer.png");  // for a person to look at
    }
    ASSERT_TRUE(console.stop()) << read_file(console.log);
    const auto rec = sim::load_drill_record(console.record);
    ASSERT_TRUE(rec) << rec.error().message;
    const auto allowed = std::find_if(rec->actions.begin(), rec->actions.end(), [](const sim::RecordedAction& a) {
        return a.trainee && a.trainee->what == sim::TraineeDo::allow_device && a.refused.empty();
    });
    ASSERT_NE(allowed, rec->actions.end());
    EXPECT_EQ(allowed->trainee->box, sim::kStationLaptop);
    EXPECT_EQ(allowed->trainee->pec, 6055);
}

// The desk-access drill opened at 12:59: the 11:00 request for desk 1's PIN waits on the chair's
// page; she refuses it (an alert reaches the duty officer), then at 13:00 desk 1's operator goes on
// her break with the desk open, and the chair locks it from the page (docs/drills.md, "Incidents").
TEST(ClassroomInChromium, AChairRefusesAPinAndLocksTheDeskItsOperatorLeftOpen) {
    Console console("shailoo-classroom-desk-e2e", std::string("--drill '") + SHAILOO_SOURCE_DIR + "/drills/desk-access.yaml' --start 12:59 --speed 30");
    const std::string url = console.url();
    ASSERT_FALSE(url.empty()) << read_file(console.log);
    {
        ChairAndOfficer pages(url);
        auto& chair = pages.chair;
        auto& officer = pages.officer;
        chair.wait_for("!document.getElementById('desk-notice').classList.contains('hidden')", 30s);
        EXPECT_EQ(chair.text("#desk-notice-title"), "A request for a PIN");
        EXPECT_NE(chair.text("#desk-notice-text").find("the PIN of Aida, the operator of desk 1"), std::string::npos);
        chair.screenshot(console.dir / "chair-pin-request.png");  // for a person to look at
        chair.click("#desk-notice button[data-do=\"refuse_pin\"]");
        chair.wait_for("document.querySelector('#answers li.ok') !== null", 10s);
        officer.wait_for("document.querySelector('#alerts tr') !== null", 10s);
        EXPECT_NE(officer.text("#alerts").find("asked for the PIN of desk 1's operator"), std::string::npos) << officer.text("#alerts");
        chair.wait_for("document.getElementById('desk-notice-title').textContent === 'Desk 1 is open'", 30s);
        EXPECT_NE(chair.text("#desks").find("Aida on a break (still logged in)"), std::string::npos) << chair.text("#desks");
        chair.screenshot(console.dir / "chair-desk-open.png");  // for a person to look at
        chair.click("#desk-notice button[data-do=\"lock_desk\"]");
        chair.wait_for("document.getElementById('desk-notice').classList.contains('hidden')", 10s);
        chair.wait_for("document.getElementById('desks').textContent.includes('(locked)')", 10s);
    }
    ASSERT_TRUE(console.stop()) << read_file(console.log);
    const auto rec = sim::load_drill_record(console.record);
    ASSERT_TRUE(rec) << rec.error().message;
    std::vector<std::string> done;
    for (const auto& a : rec->actions)
        if (a.trainee && a.refused.empty() && a.trainee->trainee == "bakyt")
            done.push_back(std::string(sim::to_string(a.trainee->what)) + " desk " + std::to_string(a.trainee->unit + 1));
    EXPECT_EQ(done, (std::vector<std::string>{"refuse_pin desk 1", "lock_desk desk 1"}));
}

}  // namespace
}  // namespace classroom_e2e_test
