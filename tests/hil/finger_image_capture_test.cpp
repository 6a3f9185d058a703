// Rendered synthetic fingers (devices/finger_image.hpp) through libfprint's virtual_image driver and
// hil::LibfprintScanner: the quality gate accepts them, libfprint's NBIS finds their minutiae, and the
// project's matcher tells two impressions of one finger from impressions of another at the HIL
// threshold (hil::kLibfprintThreshold). The score distributions: bench/bench_finger_images.cpp.
#include <gtest/gtest.h>

#include "core/random.hpp"
#include "devices/finger_image.hpp"
#include "hil/libfprint_scanner.hpp"
#include "station/fingerprint_matcher.hpp"
#include "tests/hil/hil_support.hpp"

namespace finger_image_capture_test {
namespace {

// Random-stream purpose of this test's impressions.
constexpr std::uint64_t kTestPurpose = 0x7465737401ULL;

/// The next impression of a finger's grown pattern from `stream` (good skin, clean sensor), as the adapter's image.
hil::GreyImage next_impression(const devices::RidgePattern& pattern, core::RandomStream& stream) {
    const auto image = devices::render_impression(pattern, devices::CaptureConditions{0.9, 0.0}, stream, devices::kFingertipReader);
    return hil::GreyImage{image.width, image.height, image.pixels};
}

TEST(HilFingerImage, TwoImpressionsOfOneFingerMatchAndAnotherFingerDoesNot) {
    hil_test::VirtualImageReader reader(std::filesystem::temp_directory_path() / ("hil-finger-image-" + std::to_string(::getpid())));
    const station::FingerprintMatcher matcher(station::MatcherSettings{hil::kLibfprintThreshold});
    const std::uint64_t seeds[2] = {101, 202};
    std::vector<hil::CaptureReport> captures;
    for (const std::uint64_t seed : seeds) {
        const auto pattern = devices::grow_ridge_pattern(devices::SyntheticFinger::generate(seed, core::Finger::right_index));
        core::RandomStream stream(seed, kTestPurpose);
        for (int k = 0; k < (seed == seeds[0] ? 2 : 1); ++k) {
            auto report = reader.capture(next_impression(pattern, stream));
            ASSERT_TRUE(report) << report.error().message;
            EXPECT_EQ(report->verdict, hil::QualityVerdict::accepted) << hil::to_string(report->verdict);
            EXPECT_GE(report->figures.minutiae, 30) << "NBIS minutiae of finger " << seed;
            EXPECT_GT(report->figures.coherence, 0.4);
            captures.push_back(*std::move(report));
        }
    }
    const double genuine = matcher.score(captures[0].capture.print, captures[1].capture.print);
    const double impostor = matcher.score(captures[0].capture.print, captures[2].capture.print);
    EXPECT_GE(genuine, hil::kLibfprintThreshold) << genuine;
    EXPECT_LT(impostor, hil::kLibfprintThreshold) << impostor;
    EXPECT_TRUE(reader.scanner().healthy());
}

}  // namespace
}  // namespace finger_image_capture_test
