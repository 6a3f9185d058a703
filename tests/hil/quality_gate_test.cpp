// The HIL quality gate's figures and rules (hil/quality_gate.hpp), and the NIST-to-project frame
// change of libfprint's minutiae (hil/fp3_print.hpp), on images and minutiae made here.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "hil/fp3_print.hpp"
#include "hil/quality_gate.hpp"

namespace quality_gate_test {
namespace {

/// Parallel ridges (period 9 px, the ridge spacing at 500 dpi), tilted by `degrees`.
hil::GreyImage ridges(int width, int height, double degrees) {
    hil::GreyImage image{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height)};
    const double c = std::cos(degrees * M_PI / 180.0), s = std::sin(degrees * M_PI / 180.0);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.pixels[static_cast<std::size_t>(y * width + x)] =
                static_cast<std::uint8_t>(std::lround(128 + 100 * std::sin(2 * M_PI * (c * x + s * y) / 9.0)));
    return image;
}

TEST(HilQualityGate, ParallelRidgesAreCoherentFingerAreaAndPassWithEnoughMinutiae) {
    hil::QualityFigures f = hil::measure_image(ridges(128, 128, 30));
    EXPECT_GT(f.coherence, 0.9);
    EXPECT_DOUBLE_EQ(f.finger_area, 1.0);
    f.minutiae = hil::kMinMinutiae;
    EXPECT_EQ(hil::judge(f), hil::QualityVerdict::accepted);
    EXPECT_EQ(hil::quality_score(f), 100);
    f.minutiae = hil::kMinMinutiae - 1;
    EXPECT_EQ(hil::judge(f), hil::QualityVerdict::too_few_minutiae);
}

TEST(HilQualityGate, ABlankImageHasNoFingerAreaAndNoiseIsIncoherent) {
    hil::GreyImage blank{128, 128, std::vector<std::uint8_t>(128 * 128, 200)};
    hil::QualityFigures f = hil::measure_image(blank);
    f.minutiae = 40;
    EXPECT_EQ(f.finger_area, 0.0);
    EXPECT_EQ(hil::judge(f), hil::QualityVerdict::no_finger_area);
    std::mt19937 random(7);
    hil::GreyImage noise{128, 128, std::vector<std::uint8_t>(128 * 128)};
    for (auto& p : noise.pixels) p = static_cast<std::uint8_t>(random() & 255u);
    f = hil::measure_image(noise);
    f.minutiae = 40;
    EXPECT_LT(f.coherence, hil::kMinCoherence);
    EXPECT_EQ(hil::judge(f), hil::QualityVerdict::incoherent_ridges);
    EXPECT_EQ(hil::to_string(hil::judge(f)), "incoherent_ridges");
}

TEST(HilFp3Print, NistMinutiaeTurnIntoTheImageFrameWithTheirDirectionOnTheFinger) {
    // NIST: y up, theta counter-clockwise from +x in that frame. A minutia at the bottom row pointing
    // up the finger is, in the image frame (y down), at the last row pointing to smaller y: -90 degrees.
    const core::Minutia up = hil::to_project_frame({10, 0, 90}, 100);
    EXPECT_EQ(up.x, 10);
    EXPECT_EQ(up.y, 99);
    EXPECT_EQ(up.angle, 192);
    EXPECT_EQ(hil::to_project_frame({0, 99, 0}, 100).angle, 0);
    EXPECT_EQ(hil::to_project_frame({0, 99, 45}, 100).angle, 224);
    EXPECT_EQ(hil::to_project_frame({0, 99, 0}, 100).y, 0);
}

TEST(HilFp3Print, ATemplateKeepsTheMinutiaeNearestTheCentre) {
    std::vector<hil::NistMinutia> many;
    for (int i = 0; i < 60; ++i) many.push_back({100 + (i % 2 ? i : -i) * 3, 100, 0});
    const core::FingerprintTemplate t = hil::template_from_nist(many, 200);
    ASSERT_EQ(t.count, core::kMaxMinutiae);
    for (const core::Minutia& m : t.valid_minutiae()) EXPECT_LE(std::abs(m.x - 100), 3 * 48) << m.x;
    EXPECT_EQ(hil::template_from_nist(std::span(many).first(20), 200).count, 20);
}

TEST(HilFp3Print, BytesThatAreNoFp3PrintAreRefusedWithAReason) {
    const std::uint8_t junk[] = {'F', 'P', '2', 0, 1, 2};
    auto parsed = hil::parse_fp3_minutiae(junk);
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().find("not a libfprint FP3 print"), std::string::npos);
    const std::uint8_t truncated[] = {'F', 'P', '3', 0, 1, 2};
    auto short_one = hil::parse_fp3_minutiae(truncated);
    EXPECT_FALSE(short_one);
}

}  // namespace
}  // namespace quality_gate_test
