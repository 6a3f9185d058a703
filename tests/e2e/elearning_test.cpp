// The e-learning player in Chromium under a SCORM 1.2 LMS (docs/elearning.md): `shailoo elearn`
// packages a shipped module, the test unpacks it and opens it in a frame of a page whose window.API is
// scorm-again's Scorm12API (an LMS-side SCORM 1.2 run-time from npm, tests/e2e/npm), clicks through
// the scenes over the Chrome DevTools Protocol and reads what the LMS recorded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cdp.hpp"

namespace elearning_e2e_test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kScorm12Runtime = fs::path(SHAILOO_SOURCE_DIR) / "tests/e2e/npm/node_modules/scorm-again/dist/scorm12.js";

// The LMS page: scorm-again as window.API, every call and its answer kept in window.calls, the SCO in a frame.
const char* kLmsPage = R"(<!DOCTYPE html><html><head><meta charset="utf-8"><script src="scorm12.js"></script><script>
const lms = new Scorm12API({logLevel: 5});
window.calls = [];
window.API = {};
for (const f of ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"])
  window.API[f] = (...args) => { const answer = lms[f](...args); window.calls.push([f, args, answer]); return answer; };
window.lms = lms;
</script></head><body><iframe id="sco" src="sco/index.html" style="width:1000px;height:800px"></iframe></body></html>)";

class ElearningPlayer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("elearning-e2e-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "sco");
        const std::string module = (fs::path(SHAILOO_SOURCE_DIR) / "courses" / "result-integrity.yaml").string();
        const std::string package = "'" + std::string(SHAILOO_EXE) + "' elearn '" + module + "' --out '" + dir_.string() + "' > '" +
                                    (dir_ / "elearn.log").string() + "' 2>&1";
        packaged_ = std::system(package.c_str()) == 0 &&
                    std::system(("python3 -m zipfile -e '" + (dir_ / "cyber-result-integrity.zip").string() + "' '" + (dir_ / "sco").string() + "'").c_str()) == 0;
        if (fs::exists(kScorm12Runtime)) fs::copy_file(kScorm12Runtime, dir_ / "scorm12.js");
        std::ofstream(dir_ / "lms.html") << kLmsPage;
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    void SetUp() override {
        ASSERT_TRUE(fs::exists(kScorm12Runtime)) << kScorm12Runtime << " is missing: scripts/install-deps.sh installs it (npm ci in tests/e2e/npm)";
        ASSERT_TRUE(packaged_) << "shailoo elearn or unpacking failed; " << dir_ / "elearn.log";
    }

    // Opens the LMS page (file:// frames of one folder may reach each other with this flag) and takes
    // the module through its scenes with the choice `pick` gives for each scene (its index in the frame).
    static e2e::Page take_module(e2e::Browser& browser, const std::string& pick) {
        auto page = browser.open("file://" + (dir_ / "lms.html").string());
        const std::string sco = "document.getElementById('sco').contentDocument";
        page.wait_for(sco + ".getElementById('start')");
        page.evaluate(sco + ".getElementById('start').click()");
        for (int scene = 0;; ++scene) {
            page.wait_for(sco + ".getElementById('choice-0')");
            page.evaluate(sco + ".getElementById('choice-' + (" + pick + ")).click()");
            const std::string next = page.wait_for(sco + ".getElementById('next').textContent").get<std::string>();
            page.evaluate(sco + ".getElementById('next').click()");
            if (next == "See your score") break;
        }
        page.wait_for(sco + ".getElementById('score')");
        return page;
    }

    static inline fs::path dir_;
    static inline bool packaged_ = false;
};

// JS: the values the player set for the data model elements ending in `.field`, joined by commas (SCORM
// 1.2's interaction fields and session_time are write-only: an LMS keeps them, a SCO cannot read them).
std::string sent(const std::string& field) {
    return "calls.filter(c => c[0] === 'LMSSetValue' && c[1][0].endsWith('." + field + "')).map(c => c[1][1]).join()";
}

e2e::Browser::Options file_access() {
    e2e::Browser::Options o;
    o.extra_args = {"--allow-file-access-from-files"};
    return o;
}

TEST_F(ElearningPlayer, TheBestChoicesPassWith100AndTheLmsRecordsEachDecision) {
    e2e::Browser browser(file_access());
    auto page = take_module(browser, "0");  // the first choice of each shipped scene is its best one
    EXPECT_EQ(page.evaluate("lms.cmi.core.score.raw").get<std::string>(), "100");
    EXPECT_EQ(page.evaluate("lms.cmi.core.lesson_status").get<std::string>(), "passed");
    EXPECT_EQ(page.evaluate("lms.cmi.interactions.childArray.length").get<int>(), 2);
    EXPECT_EQ(page.evaluate(sent("id")).get<std::string>(), "page-check-alert,tell-the-public");
    EXPECT_EQ(page.evaluate(sent("result")).get<std::string>(), "correct,correct");
    // Every call the player made was accepted by the run-time, and the session was opened and closed.
    EXPECT_EQ(page.evaluate("JSON.stringify(calls.filter(c => c[2] === 'false'))").get<std::string>(), "[]");
    EXPECT_EQ(page.evaluate("calls.filter(c => c[0] === 'LMSInitialize' || c[0] === 'LMSFinish').map(c => c[0]).join()").get<std::string>(),
              "LMSInitialize,LMSFinish");
    EXPECT_TRUE(page.evaluate("/^\\d{4}:\\d{2}:\\d{2}\\.\\d{2}$/.test(" + sent("session_time") + ")").get<bool>())
        << page.evaluate(sent("session_time")).dump();
}

TEST_F(ElearningPlayer, TheWorstChoicesFailAndTheFeedbackQuotesTheNightsFigures) {
    e2e::Browser browser(file_access());
    auto page = browser.open("file://" + (dir_ / "lms.html").string());
    const std::string sco = "document.getElementById('sco').contentDocument";
    page.wait_for(sco + ".getElementById('start')");
    page.evaluate(sco + ".getElementById('start').click()");
    page.wait_for(sco + ".getElementById('choice-2')");
    page.evaluate(sco + ".getElementById('choice-2').click()");  // leave the wrong page up
    const std::string feedback = page.wait_for(sco + ".getElementById('feedback')?.textContent").get<std::string>();
    EXPECT_NE(feedback.find("Not this. 0 of 10 points."), std::string::npos) << feedback;
    // The figure is the one the package measured on the night (module_build_test checks it against a run).
    const std::string minutes =
        page.evaluate("JSON.parse(" + sco + ".getElementById('module').textContent).scenes[0].choices[2].figures.published_minutes").get<std::string>();
    EXPECT_GT(std::stoi(minutes), 60);
    EXPECT_NE(feedback.find("wrong figures stayed on the page for " + minutes + " minutes"), std::string::npos) << feedback;
    page.evaluate(sco + ".getElementById('next').click()");
    page.wait_for(sco + ".getElementById('choice-1')");
    page.evaluate(sco + ".getElementById('choice-1').click()");
    page.wait_for(sco + ".getElementById('next')");
    page.evaluate(sco + ".getElementById('next').click()");
    const std::string score = page.wait_for(sco + ".getElementById('score')?.textContent").get<std::string>();
    EXPECT_NE(score.find("Your score: 0 % - not passed (pass mark 80 %)"), std::string::npos) << score;
    EXPECT_EQ(page.evaluate("lms.cmi.core.score.raw").get<std::string>(), "0");
    EXPECT_EQ(page.evaluate("lms.cmi.core.lesson_status").get<std::string>(), "failed");
    EXPECT_EQ(page.evaluate(sent("result")).get<std::string>(), "wrong,wrong");
    EXPECT_EQ(page.evaluate(sent("student_response")).get<std::string>(), "c,b");
    EXPECT_EQ(page.evaluate(sent("correct_responses.0.pattern")).get<std::string>(), "a,a");
}

}  // namespace
}  // namespace elearning_e2e_test
