#include "devices/virtual_webcam.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

double cosine(const devices::FaceFeatures& a, const devices::FaceFeatures& b) {
    double d = 0;
    for (int i = 0; i < devices::kFaceFeatures; ++i) d += a[i] * b[i];
    return d;  // both are unit vectors
}

TEST(VirtualWebcam, SeesThePresentedFaceCloseToItsDocumentPhoto) {
    devices::VirtualWebcam cam("1001-webcam-1", core::RandomStream(9, 1001));
    cam.present_face(123, 0.9);
    auto frame = cam.capture();
    ASSERT_TRUE(frame.has_value());
    EXPECT_GT(cosine(frame->features, devices::document_photo(123)), 0.7);
    EXPECT_LT(std::abs(cosine(frame->features, devices::document_photo(124))), 0.6);
}

TEST(VirtualWebcam, FailsWhenDeadOrNobodyIsThere) {
    devices::VirtualWebcam cam("1001-webcam-1", core::RandomStream(9, 1001));
    EXPECT_FALSE(cam.capture().has_value());
    cam.present_face(123, 0.9);
    cam.enter_fault(devices::Fault::dead, 0);
    auto dead = cam.capture();
    ASSERT_FALSE(dead.has_value());
    EXPECT_EQ(dead.error().cause, devices::Fault::dead);
}

}  // namespace
