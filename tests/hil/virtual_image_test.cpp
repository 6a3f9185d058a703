// hil::LibfprintScanner on libfprint's virtual_image driver: the real libfprint capture path
// (device open, identify, NBIS extraction, serialisation) fed with the NIST example prints.
#include <gtest/gtest.h>

#include <random>

#include "hil/libfprint_scanner.hpp"
#include "station/fingerprint_matcher.hpp"
#include "tests/hil/hil_support.hpp"

namespace virtual_image_test {
namespace {

/// A temporary folder of this test.
std::filesystem::path temp_folder(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("hil-virtual-image-" + name + "-" + std::to_string(::getpid()));
}

/// Uniform grey noise of a print's size (fixed seed).
hil::GreyImage noise_image(int width, int height) {
    std::mt19937 random(2021);
    hil::GreyImage image{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height)};
    for (auto& p : image.pixels) p = static_cast<std::uint8_t>(random() & 255u);
    return image;
}

TEST(LibfprintVirtualImage, ACaptureOfANistPrintGivesATemplateThatMatchesItsSecondCaptureOnly) {
    hil_test::VirtualImageReader reader(temp_folder("match"));
    const station::FingerprintMatcher matcher(station::MatcherSettings{hil::kLibfprintThreshold});
    const auto whorl = hil_test::load_print("whorl"), loop = hil_test::load_print("loop-right");
    auto first = reader.capture(whorl);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->verdict, hil::QualityVerdict::accepted);
    // NBIS finds 89-99 minutiae on these prints (../shared/hil/README.md); a template keeps 48.
    EXPECT_GE(first->figures.minutiae, 80);
    EXPECT_LE(first->figures.minutiae, 110);
    EXPECT_EQ(first->capture.print.count, core::kMaxMinutiae);
    EXPECT_EQ(first->image.width, whorl.width);
    auto second = reader.capture(whorl);
    ASSERT_TRUE(second) << second.error().message;
    auto other = reader.capture(loop);
    ASSERT_TRUE(other) << other.error().message;
    const double genuine = matcher.score(first->capture.print, second->capture.print);
    const double impostor = matcher.score(first->capture.print, other->capture.print);
    EXPECT_TRUE(matcher.verify(first->capture.print, second->capture.print)) << genuine;
    EXPECT_FALSE(matcher.verify(first->capture.print, other->capture.print)) << impostor;
    EXPECT_TRUE(reader.scanner().healthy());
}

TEST(LibfprintVirtualImage, AnImpressionShiftedByOneNbisBlockStillMatches) {
    // NBIS works on 8-pixel blocks: a shift by whole blocks keeps most minutiae (docs/hil.md), so
    // this impression must match; shifts within a block are what the measured threshold is about.
    hil_test::VirtualImageReader reader(temp_folder("shift"));
    const station::FingerprintMatcher matcher(station::MatcherSettings{hil::kLibfprintThreshold});
    const auto loop = hil_test::load_print("loop-right");
    auto plain = reader.capture(loop);
    auto shifted = reader.capture(hil_test::perturb(loop, hil_test::Perturbation{0, 8, 8}));
    ASSERT_TRUE(plain && shifted);
    const double score = matcher.score(plain->capture.print, shifted->capture.print);
    EXPECT_GE(score, hil::kLibfprintThreshold);
}

TEST(LibfprintVirtualImage, UniformNoiseIsRefusedByTheQualityGateWithItsReason) {
    hil_test::VirtualImageReader reader(temp_folder("noise"));
    auto report = reader.capture(noise_image(256, 240));
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->verdict, hil::QualityVerdict::incoherent_ridges);
    EXPECT_LT(report->figures.coherence, hil::kMinCoherence);
    EXPECT_GE(report->figures.minutiae, hil::kMinMinutiae);  // libfprint's NBIS finds plenty in noise: the count alone would pass it
    // The desk's call: an error naming the verdict, the scanner left healthy (the voter presents the finger again).
    auto capture = reader.capture_for_desk(noise_image(256, 240));
    ASSERT_FALSE(capture);
    EXPECT_EQ(capture.error().cause, devices::Fault::degraded);
    EXPECT_NE(capture.error().message.find("refused by the quality gate: incoherent_ridges"), std::string::npos) << capture.error().message;
    EXPECT_TRUE(reader.scanner().healthy());
}

}  // namespace
}  // namespace virtual_image_test
