#include "station/fingerprint_matcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "devices/synthetic_finger.hpp"

namespace {

using core::FingerprintTemplate;

// Rotates a template's minutiae by `degrees` about (cx, cy) and shifts them by (dx, dy).
FingerprintTemplate moved(const FingerprintTemplate& t, double degrees, int dx, int dy, double cx = 256, double cy = 320) {
    const double r = degrees * 3.141592653589793 / 180.0, c = std::cos(r), s = std::sin(r);
    std::vector<core::Minutia> out;
    for (auto m : t.valid_minutiae()) {
        const double x = m.x - cx, y = m.y - cy;
        out.push_back({static_cast<std::int16_t>(std::lround(c * x - s * y + cx + dx)),
                       static_cast<std::int16_t>(std::lround(s * x + c * y + cy + dy)),
                       static_cast<std::uint8_t>((m.angle + static_cast<int>(std::lround(degrees * 256.0 / 360.0))) & 255), m.type});
    }
    return FingerprintTemplate::from_minutiae(out);
}

TEST(FingerprintMatcher, ScoresATemplateAgainstItselfAsOne) {
    const auto t = devices::enrolment_template(17, core::Finger::right_index);
    const station::FingerprintMatcher matcher;
    EXPECT_NEAR(matcher.score(t, t), 1.0, 1e-9);
}

TEST(FingerprintMatcher, ScoresAnEmptyTemplateAsZero) {
    const auto t = devices::enrolment_template(17, core::Finger::right_index);
    const station::FingerprintMatcher matcher;
    EXPECT_EQ(matcher.score(t, FingerprintTemplate{}), 0.0);
}

TEST(FingerprintMatcher, ScoresGenuineImpressionsAboveImpostors) {
    const station::FingerprintMatcher matcher;
    core::RandomStream rs(2021, 77);
    std::vector<double> genuine, impostor;
    for (std::uint64_t p = 0; p < 200; ++p) {
        const auto enrolled = devices::enrolment_template(p, core::Finger::right_index);
        const auto finger = devices::SyntheticFinger::generate(p, core::Finger::right_index);
        genuine.push_back(matcher.score(enrolled, devices::make_impression(finger, {0.9, 0.0}, rs)));
        const auto other = devices::SyntheticFinger::generate(p + 1000, core::Finger::right_index);
        impostor.push_back(matcher.score(enrolled, devices::make_impression(other, {0.9, 0.0}, rs)));
    }
    std::sort(genuine.begin(), genuine.end());
    std::sort(impostor.begin(), impostor.end());
    // The median genuine score is far above the worst impostor, and the threshold separates nearly all.
    EXPECT_GT(genuine[genuine.size() / 2], 2 * impostor.back());
    const auto accepted = genuine.end() - std::lower_bound(genuine.begin(), genuine.end(), matcher.threshold());
    EXPECT_GE(accepted, 190);
    EXPECT_LT(impostor.back(), matcher.threshold());
}

TEST(FingerprintMatcher, IsInvariantToTranslationAndRotationWithinPlacementLimits) {
    const station::FingerprintMatcher matcher;
    core::RandomStream rs(4, 4);
    for (std::uint64_t p = 0; p < 20; ++p) {
        const auto enrolled = devices::enrolment_template(p, core::Finger::left_index);
        const auto probe = devices::make_impression(devices::SyntheticFinger::generate(p, core::Finger::left_index), {0.9, 0.0}, rs);
        const double base = matcher.score(enrolled, probe);
        for (double deg : {-30.0, -15.0, 15.0, 30.0}) {
            const double s = matcher.score(enrolled, moved(probe, deg, 40, -25));
            // Rounding to whole pixels and 1/256 turns moves a neighbour across a cell border now and
            // then, so the score moves a little; it must stay close.
            EXPECT_NEAR(s, base, 0.2 * base + 0.005) << "person " << p << " rotated " << deg;
        }
    }
}

TEST(FingerprintMatcher, IgnoresSlotsPastTheCount) {
    // A template cut short by its count scores as one whose slots past the count are cleared, at
    // every width (the vector paths read whole registers of slots).
    core::RandomStream rs(9, 9);
    for (std::uint64_t p = 0; p < 20; ++p) {
        const auto enrolled = devices::enrolment_template(p, core::Finger::right_index);
        const auto probe = devices::make_impression(devices::SyntheticFinger::generate(p, core::Finger::right_index), {0.9, 0.0}, rs);
        auto cut = enrolled;
        cut.count = static_cast<std::uint8_t>(enrolled.count * 2 / 3);
        auto cleared = cut;
        for (int i = cut.count; i < core::kMaxMinutiae; ++i) cleared.minutiae[i] = {}, cleared.cylinders[i] = {}, cleared.cylinder_bits[i] = 0;
        for (int width : {512, 256, 0}) {
            const station::FingerprintMatcher matcher(station::MatcherSettings{.max_vector_width = width});
            EXPECT_EQ(matcher.score(cut, probe), matcher.score(cleared, probe)) << "person " << p << " width " << width;
            EXPECT_EQ(matcher.score(probe, cut), matcher.score(probe, cleared)) << "person " << p << " width " << width;
        }
    }
}

TEST(FingerprintMatcher, GivesLowerScoresToPoorCaptures) {
    const station::FingerprintMatcher matcher;
    core::RandomStream rs(8, 8);
    double good = 0, poor = 0;
    for (std::uint64_t p = 0; p < 100; ++p) {
        const auto enrolled = devices::enrolment_template(p, core::Finger::right_index);
        const auto finger = devices::SyntheticFinger::generate(p, core::Finger::right_index);
        good += matcher.score(enrolled, devices::make_impression(finger, {1.0, 0.0}, rs));
        poor += matcher.score(enrolled, devices::make_impression(finger, {0.5, 0.7}, rs));
    }
    EXPECT_LT(poor, 0.8 * good);
}

TEST(FingerprintMatcher, IsSymmetricUpToTheGreedyPairing) {
    // The greedy pairing keeps each row's best two, so swapping the prints can change the score a
    // little; over many people nearly all stay within 20 % (a single person can be an outlier).
    const station::FingerprintMatcher matcher;
    int within = 0;
    for (std::uint64_t p = 0; p < 100; ++p) {
        core::RandomStream rs(1, 1 + p);
        const auto a = devices::enrolment_template(p, core::Finger::right_index);
        const auto b = devices::make_impression(devices::SyntheticFinger::generate(p, core::Finger::right_index), {0.9, 0.0}, rs);
        within += std::abs(matcher.score(a, b) - matcher.score(b, a)) <= 0.2 * matcher.score(a, b);
    }
    EXPECT_GE(within, 95);
}

TEST(FingerprintMatcher, GivesTheSameScoresWhicheverVectorUnitRuns) {
    // Every ordered pair of 320 prints (102,400 comparisons, genuine and impostor) at each width: per
    // person an enrolment, two impressions, a full template (48 minutiae: the enrolment with other
    // fingers' minutiae added) and a partial one (the first 1 to 12 minutiae of an impression).
    const station::FingerprintMatcher widest, avx2(station::MatcherSettings{.max_vector_width = 256}),
        portable(station::MatcherSettings{.max_vector_width = 0});
    core::RandomStream rs(6, 6);
    std::vector<FingerprintTemplate> prints;
    for (std::uint64_t p = 0; p < 64; ++p) {
        const auto enrolled = devices::enrolment_template(p, core::Finger::right_index);
        const auto finger = devices::SyntheticFinger::generate(p, core::Finger::right_index);
        prints.push_back(enrolled);
        prints.push_back(devices::make_impression(finger, {0.6, 0.3}, rs));
        prints.push_back(devices::make_impression(finger, {0.9, 0.0}, rs));
        std::vector<core::Minutia> full(enrolled.valid_minutiae().begin(), enrolled.valid_minutiae().end());
        for (const auto f : {core::Finger::left_thumb, core::Finger::right_thumb, core::Finger::left_middle}) {
            const auto other = devices::enrolment_template(p + 1000, f);
            full.insert(full.end(), other.valid_minutiae().begin(), other.valid_minutiae().end());
        }
        prints.push_back(FingerprintTemplate::from_minutiae(full));
        ASSERT_EQ(prints.back().count, core::kMaxMinutiae);
        const auto probe = devices::make_impression(finger, {1.0, 0.0}, rs);
        prints.push_back(FingerprintTemplate::from_minutiae(probe.valid_minutiae().first(std::min<std::size_t>(1 + p % 12, probe.count))));
    }
    int failures = 0;
    for (std::size_t i = 0; i < prints.size(); ++i)
        for (std::size_t j = 0; j < prints.size(); ++j) {
            const double s = portable.score(prints[i], prints[j]), s512 = widest.score(prints[i], prints[j]),
                         s256 = avx2.score(prints[i], prints[j]);
            if ((s512 != s || s256 != s) && ++failures <= 5)
                ADD_FAILURE() << "prints " << i << ", " << j << ": portable " << s << ", 512 " << s512 << ", 256 " << s256;
        }
    EXPECT_EQ(failures, 0);
}

}  // namespace
