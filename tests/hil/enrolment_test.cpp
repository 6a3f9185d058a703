// `shailoo hil enroll`'s file (hil/enrolment.hpp): written and read back exactly; each mistake in a
// hand-edited or damaged file named with its line and field.
#include "hil/enrolment.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace enrolment_test {
namespace {

namespace fs = std::filesystem;

fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = fs::temp_directory_path() / ("shailoo_enrolment_" + name);
    std::ofstream(p) << text;
    return p;
}

TEST(Enrolment, SavesAndLoadsEveryField) {
    hil::Enrolment e{.pec = 6006, .voter = 2546634, .document = "ID3960730", .reader = "elan (ElanTech \"Fingerprint\" Sensor)", .quality = 71};
    std::vector<core::Minutia> m{{10, 20, 30, core::MinutiaType::ending}, {40, 50, 60, core::MinutiaType::bifurcation}};
    e.print = core::FingerprintTemplate::from_minutiae(m);
    const fs::path file = fs::temp_directory_path() / "shailoo_enrolment_dir" / "trainee.yaml";
    fs::remove_all(file.parent_path());
    ASSERT_TRUE(hil::save_enrolment(e, file));  // the folder is made
    auto back = hil::load_enrolment(file);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->pec, 6006);
    EXPECT_EQ(back->voter, 2546634);
    EXPECT_EQ(back->document, "ID3960730");
    EXPECT_EQ(back->reader, e.reader);
    EXPECT_EQ(back->quality, 71);
    ASSERT_EQ(back->print.count, 2);
    EXPECT_EQ(back->print.minutiae[0], e.print.minutiae[0]);
    EXPECT_EQ(back->print.minutiae[1], e.print.minutiae[1]);
}

TEST(Enrolment, EachMistakeIsNamedWithItsLineAndField) {
    const std::string good = "version: 1\npec: 6006\nvoter: 5\ndocument: ID0000005\nreader: elan\nquality: 50\nminutiae: 1,2,3,e\n";
    const auto error_of = [&](const std::string& name, const std::string& text) {
        auto loaded = hil::load_enrolment(write(name, text));
        return loaded ? std::string("accepted") : loaded.error().message;
    };
    EXPECT_EQ(error_of("good.yaml", good), "accepted");
    const auto replaced = [&](const std::string& from, const std::string& to) {
        std::string t = good;
        t.replace(t.find(from), from.size(), to);
        return t;
    };
    EXPECT_NE(error_of("v.yaml", replaced("version: 1", "version: 2")).find(":1: field 'version'"), std::string::npos);
    EXPECT_NE(error_of("q.yaml", replaced("quality: 50", "quality: 101")).find(":6: field 'quality'"), std::string::npos);
    EXPECT_NE(error_of("m.yaml", replaced("1,2,3,e", "1,2,3,q")).find(":7: field 'minutiae': minutia 1 ('1,2,3,q')"), std::string::npos)
        << error_of("m.yaml", replaced("1,2,3,e", "1,2,3,q"));
    EXPECT_NE(error_of("e.yaml", replaced("1,2,3,e", "\"\"")).find("no minutiae: enrol again"), std::string::npos);
    EXPECT_NE(error_of("k.yaml", good + "finger: left\n").find("finger"), std::string::npos);
    EXPECT_NE(error_of("p.yaml", replaced("pec: 6006\n", "")).find("'pec'"), std::string::npos);
    EXPECT_NE(error_of("l.yaml", "- 1\n- 2\n").find("an enrolment is a YAML mapping"), std::string::npos);
    EXPECT_NE(hil::load_enrolment("/nonexistent/enrolment.yaml").error().message.find("/nonexistent/enrolment.yaml"), std::string::npos);
}

}  // namespace
}  // namespace enrolment_test
