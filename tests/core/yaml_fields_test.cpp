// The one YAML field reader: every message names the file, the line and the field's full path.
#include "core/yaml_fields.hpp"

#include <gtest/gtest.h>

namespace {

const YAML::Node kDoc = YAML::Load("name: x\nfaults:\n  - {share: 1.5, at: \"25:61\", pecs: [1001, 2.5]}\n  - {share: 0.5}\n");

std::string message(const core::Result<auto>& r) { return r ? std::string("(no error)") : r.error().message; }

TEST(YamlReader, NamesTheFileTheLineAndTheFullPathOfAField) {
    const core::YamlReader top("s.yaml");
    const core::YamlReader fault = top.within("faults[0]");
    const YAML::Node f = kDoc["faults"][0];
    EXPECT_EQ(message(fault.get(f, "share", 0.0, 1.0)), "s.yaml:3: field 'faults[0].share': 1.5 is out of range [0, 1]");
    EXPECT_EQ(message(fault.time_of_day(f, "at")), "s.yaml:3: field 'faults[0].at': '25:61' is not a time HH:MM, HH:MM:SS or HH:MM:SS.uuuuuu (hours 00-47)");
    EXPECT_EQ(message(fault.ints(f, "pecs", 1000, 9999)), "s.yaml:3: field 'faults[0].pecs': expected a whole number, got 2.5");
    // A missing field is reported at its mapping's line.
    EXPECT_EQ(message(top.within("faults[1]").text(kDoc["faults"][1], "device")), "s.yaml:4: field 'faults[1].device': is missing");
    EXPECT_EQ(message(fault.only_keys(f, {"share", "at"})), "s.yaml:3: field 'faults[0].pecs': unknown field");
    EXPECT_EQ(*top.within("faults[1]").get(kDoc["faults"][1], "share", 0.0, 1.0), 0.5);
    EXPECT_EQ(*top.text(kDoc, "name"), "x");
    EXPECT_TRUE(top.ints(kDoc, "absent", 0, 1)->empty());
}

// A list field: each item is read within "field[i]", so its errors name the item; an absent field is
// an empty list, and a field that is no list is an error.
TEST(YamlReader, ReadsAListItemByItemAndNamesTheItemThatIsWrong) {
    const core::YamlReader top("s.yaml");
    auto share = [](const core::YamlReader& r, const YAML::Node& item) { return r.get(item, "share", 0.0, 1.0); };
    std::vector<double> shares;
    EXPECT_EQ(message(top.list(kDoc, "faults", share, shares)), "s.yaml:3: field 'faults[0].share': 1.5 is out of range [0, 1]");
    EXPECT_TRUE(shares.empty());
    const YAML::Node good = YAML::Load("faults:\n  - {share: 0.25}\n  - {share: 0.5}\n");
    EXPECT_TRUE(top.list(good, "faults", share, shares));
    EXPECT_EQ(shares, (std::vector<double>{0.25, 0.5}));
    EXPECT_TRUE(top.list(kDoc, "absent", share, shares));
    EXPECT_EQ(shares.size(), 2u);
    EXPECT_EQ(message(top.list(kDoc, "name", share, shares)), "s.yaml:1: field 'name': expected a list");
}

}  // namespace

// Every YAML number field of the project reads numbers the same strict way (core::scalar_number):
// the whole decimal text, finite; the package's loader included.
TEST(YamlReader, NumbersAreTheWholeDecimalTextAndFinite) {
    auto number = [](const char* text) { return core::scalar_number<double>(YAML::Load(text)); };
    auto whole = [](const char* text) { return core::scalar_number<std::int64_t>(YAML::Load(text)); };
    EXPECT_EQ(whole("42"), 42);
    EXPECT_EQ(whole("+5"), 5);
    EXPECT_EQ(whole("-7"), -7);
    EXPECT_EQ(number("1e3"), 1000.0);
    EXPECT_EQ(number("0.25"), 0.25);
    for (const char* bad : {"0x10", "1O", "12 apples", "2.5", "", "[1]", "{a: 1}", "99999999999999999999"})
        EXPECT_FALSE(whole(bad)) << bad;
    for (const char* bad : {".nan", ".inf", "-.inf", "1,5", "0.5x", "[0.5]"}) EXPECT_FALSE(number(bad)) << bad;
}
