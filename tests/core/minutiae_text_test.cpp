// Minutiae as text (core/minutiae_text.hpp): what a drill record and an enrolment keep of a template.
#include "core/minutiae_text.hpp"

#include <gtest/gtest.h>

namespace minutiae_text_test {
namespace {

TEST(MinutiaeText, ATemplateRebuiltFromItsTextIsTheSameTemplate) {
    std::vector<core::Minutia> m;
    for (int i = 0; i < core::kMaxMinutiae; ++i)
        m.push_back({static_cast<std::int16_t>(13 * i % 300), static_cast<std::int16_t>(29 * i % 400), static_cast<std::uint8_t>(37 * i % 256),
                     i % 3 == 0 ? core::MinutiaType::bifurcation : core::MinutiaType::ending});
    const core::FingerprintTemplate t = core::FingerprintTemplate::from_minutiae(m);
    const std::string text = core::format_minutiae(t.valid_minutiae());
    auto back = core::parse_minutiae(text);
    ASSERT_TRUE(back) << back.error().message;
    const core::FingerprintTemplate again = core::FingerprintTemplate::from_minutiae(*back);
    ASSERT_EQ(again.count, t.count);
    for (int i = 0; i < t.count; ++i) {
        EXPECT_EQ(again.minutiae[i], t.minutiae[i]);
        EXPECT_EQ(again.cylinders[i].bits[0], t.cylinders[i].bits[0]);
        EXPECT_EQ(again.cylinders[i].bits[1], t.cylinders[i].bits[1]);
    }
    EXPECT_EQ(core::format_minutiae(std::vector<core::Minutia>{{1, 2, 3, core::MinutiaType::ending}, {4, 5, 6, core::MinutiaType::bifurcation}}),
              "1,2,3,e 4,5,6,b");
    EXPECT_TRUE(core::parse_minutiae("")->empty());
}

TEST(MinutiaeText, EachMistakeIsNamedWithItsMinutia) {
    const auto error_of = [](std::string_view text) {
        auto parsed = core::parse_minutiae(text);
        return parsed ? std::string("accepted") : parsed.error().message;
    };
    EXPECT_EQ(error_of("1,2,3,e 4,5,6,x"), "minutia 2 ('4,5,6,x'): the type must be e (ending) or b (bifurcation)");
    EXPECT_EQ(error_of("1,2,e"), "minutia 1 ('1,2,e'): expected x,y,angle,type (type e or b)");
    EXPECT_EQ(error_of("1,5000,3,e"), "minutia 1 ('1,5000,3,e'): x and y must be 0 to 4095 pixels");
    EXPECT_EQ(error_of("-1,2,3,e"), "minutia 1 ('-1,2,3,e'): x and y must be 0 to 4095 pixels");
    EXPECT_EQ(error_of("1,2,256,b"), "minutia 1 ('1,2,256,b'): the angle must be 0 to 255 (1/256 turn)");
    EXPECT_EQ(error_of("1,2,3,e  4,5,6,b"), "minutia 2: empty (minutiae are separated by single spaces)");
    EXPECT_EQ(error_of("1,2,3,e "), "a space after the last minutia");
    std::string many;
    for (int i = 0; i <= core::kMaxMinutiae; ++i) many += (i ? " " : "") + std::string("1,1,1,e");
    EXPECT_EQ(error_of(many), "more than 48 minutiae");
}

}  // namespace
}  // namespace minutiae_text_test
