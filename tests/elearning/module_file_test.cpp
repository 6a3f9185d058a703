// E-learning module files (elearning/module_file.hpp, docs/elearning.md): the shipped modules load,
// and a broken module file gets an error naming its file, line and field.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "elearning/module_file.hpp"

namespace module_file_test {
namespace {

const std::filesystem::path kCourses = std::filesystem::path(SHAILOO_SOURCE_DIR) / "courses";

// A module on the display-error drill with `scenes` as its scenes (YAML, indented by two).
std::string module_text(const std::string& scenes) {
    return "version: 1\nid: test-module\nmodule: A test\ndescription: On {pec}\ndrill: ../drills/display-error.yaml\nscenes:\n" + scenes;
}

const std::string kGoodScene =
    "  - title: The alert\n"
    "    text: At {inject_at}\n"
    "    choices:\n"
    "      - {text: Rebuild, points: 10, feedback: 'Up {published_minutes} minutes', play: [{after: wrong-rows, delay: 3m, trainee: d, do: correct_page}]}\n"
    "      - {text: Leave it, points: 0, feedback: Wrong}\n";

// The error of loading `text` as a module file in courses/ (so its drill path resolves).
std::string error_of(const std::string& text) {
    auto m = elearning::parse_module(text, kCourses / "broken.yaml");
    EXPECT_FALSE(m) << "accepted:\n" << text;
    return m ? std::string() : m.error().message;
}

TEST(ElearningModule, TheShippedModulesCoverPhishingRemovableMediaCredentialsAndResultIntegrity) {
    std::set<std::string> ids;
    for (const auto& e : std::filesystem::directory_iterator(kCourses)) {
        auto m = elearning::load_module(e.path());
        ASSERT_TRUE(m) << m.error().message;
        EXPECT_GE(m->scenes.size(), 2u) << e.path();
        EXPECT_GT(m->max_points(), 0);
        bool played = false;
        for (const auto& s : m->scenes)
            for (const auto& c : s.choices) played = played || c.played;
        EXPECT_TRUE(played) << e.path() << ": no choice is played on the night";
        ids.insert(m->id);
    }
    EXPECT_EQ(ids, (std::set<std::string>{"cyber-phishing", "cyber-removable-media", "cyber-credentials", "cyber-result-integrity"}));
}

TEST(ElearningModule, AGoodModuleLoadsWithItsDrillInjectAndPoints) {
    auto m = elearning::parse_module(module_text(kGoodScene), kCourses / "good.yaml");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->inject, "wrong-rows");
    EXPECT_EQ(m->mastery, 80);
    EXPECT_EQ(m->max_points(), 10);
    EXPECT_EQ(m->scenes[0].id, "scene-1");
    ASSERT_EQ(m->scenes[0].choices[0].play.size(), 1u);
    EXPECT_TRUE(m->scenes[0].choices[0].played);
    EXPECT_FALSE(m->scenes[0].choices[1].played);
}

// Each broken module and the words its error must hold (the file, its line, the field, what is wrong).
struct BrokenModule {
    std::string text;
    std::vector<std::string> words;
};

TEST(ElearningModule, ErrorsNameTheFileLineAndField) {
    const std::string file = (kCourses / "broken.yaml").string();
    const std::string two_choices = "      - {text: A, points: 10, feedback: Right}\n      - {text: B, points: 0, feedback: Wrong}\n";
    const std::vector<BrokenModule> cases{
        {module_text("  - title: T\n    text: X\n    choices:\n      - {text: A, points: 10, feedback: 'Up {published_minutes} minutes'}\n"
                     "      - {text: B, points: 0, feedback: Wrong}\n"),
         {file + ":10:", "scenes[0].choices[0].feedback", "{published_minutes}", "give the choice 'play'"}},
        {module_text("  - title: T\n    text: 'At {when}'\n    choices:\n" + two_choices), {file + ":8:", "scenes[0].text", "{when}", "no figure"}},
        {module_text("  - title: T\n    text: X\n    choices:\n      - {text: A, points: 0, feedback: Right}\n"
                     "      - {text: B, points: 0, feedback: Wrong}\n"),
         {file + ":10:", "scenes[0].choices", "no choice earns points"}},
        {module_text("  - title: T\n    text: X\n    choices:\n      - {text: A, points: 10, feedback: Right}\n"),
         {file + ":10:", "scenes[0].choices", "two or more choices"}},
        {module_text("  - title: T\n    text: X\n    choices:\n      - {text: A, points: 10, feedback: Right, play: [{after: nothing, delay: 1m, trainee: d, do: acknowledge}]}\n"
                     "      - {text: B, points: 0, feedback: Wrong}\n"),
         {file + ":10:", "scenes[0].choices[0].play[0]", "nothing"}},
        {module_text("  - title: T\n    text: X\n    choices:\n      - {text: A, points: 101, feedback: Right}\n      - {text: B, points: 0, feedback: Wrong}\n"),
         {file + ":10:", "scenes[0].choices[0].points", "out of range"}},
        {module_text("  - title: T\n    txt: X\n    choices:\n" + two_choices), {file + ":", "txt"}},
        {module_text("  - id: the alert\n    title: T\n    text: X\n    choices:\n" + two_choices), {file + ":7:", "scenes[0].id", "interaction"}},
        {"version: 1\nid: 'has spaces'\nmodule: M\ndescription: D\ndrill: ../drills/display-error.yaml\nscenes: []\n", {file + ":2:", "id", "letters, digits"}},
        {"version: 1\nid: m\nmodule: M\ndescription: D\ndrill: ../drills/absent.yaml\nscenes: []\n", {file + ":5:", "drill", "absent.yaml"}},
        {"version: 1\nid: m\nmodule: M\ndescription: D\ndrill: ../drills/cyber-night.yaml\nscenes: []\n", {file + ":", "inject", "several injects"}},
        {"version: 1\nid: m\nmodule: M\ndescription: D\ndrill: ../drills/display-error.yaml\nscenes: []\n", {file + ":6:", "scenes", "at least one"}},
    };
    for (const auto& c : cases) {
        const std::string e = error_of(c.text);
        for (const auto& w : c.words) EXPECT_NE(e.find(w), std::string::npos) << "'" << w << "' not in: " << e << "\nfor:\n" << c.text;
    }
}

}  // namespace
}  // namespace module_file_test
