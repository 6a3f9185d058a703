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
    std::printf("genuine %.4f impostor %.4f minutiae %d coherence %.3f area %.3f\n", genuine, impostor, first->figures.minutiae,
                first->figures.coherence, first->figures.finger_area);
    EXPECT_TRUE(matcher.verify(first->capture.print, second->capture.print)) << genuine;
    EXPECT_FALSE(matcher.verify(first->capture.print, other->capture.print)) << impostor;
    EXPECT_TRUE(reader.scanner().healthy());
}

TEST(LibfprintVirtualImage, UniformNoiseIsRefusedByTheQualityGateWithItsReason) {
    hil_test::VirtualImageReader reader(temp_folder("noise"));
    auto report = reader.capture(noise_image(256, 240));
    ASSERT_TRUE(report) << report.error().message;
    std::printf("noise minutiae %d coherence %.3f area %.3f\n", report->figures.minutiae, report->figures.coherence, report->figures.finger_area);
    EXPECT_EQ(report->verdict, hil::QualityVerdict::incoherent_ridges);
}

}  // namespace
}  // namespace virtual_image_test
