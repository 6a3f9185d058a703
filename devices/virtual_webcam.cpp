#include "devices/virtual_webcam.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace devices {

namespace {
constexpr std::uint64_t kIdentityPurpose = 0x66616365000001ULL;  // "face" 1
constexpr std::uint64_t kPhotoPurpose = 0x66616365000002ULL;     // "face" 2
}  // namespace

double face_noise(double quality) {
    // Noise vector length relative to the identity's: 0.35 for a perfect frame, 1.0 for an
    // unusable one. Against the document photo (quality 0.8, relative noise 0.48) the genuine
    // cosine is then about 0.85 for a good frame and 0.70 for a poor one (quality 0.3), while
    // an impostor's cosine has mean 0 and standard deviation 1 / sqrt(64) = 0.125.
    return (0.35 + 0.65 * (1.0 - std::clamp(quality, 0.0, 1.0))) / std::sqrt(double{kFaceFeatures});
}

FaceFeatures face_image(std::uint64_t biometric_seed, double quality, core::RandomStream& stream) {
    core::RandomStream identity(biometric_seed, kIdentityPurpose);
    const double noise = face_noise(quality);
    FaceFeatures f{};
    double norm2 = 0;
    for (auto& v : f) {
        // Identity components ~ N(0, 1/k): the identity vector has about unit length.
        const double x = identity.normal() / std::sqrt(double{kFaceFeatures}) + noise * stream.normal();
        v = static_cast<float>(x);
        norm2 += x * x;
    }
    const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
    for (auto& v : f) v *= inv;
    return f;
}

FaceFeatures document_photo(std::uint64_t biometric_seed) {
    core::RandomStream rs(biometric_seed, kPhotoPurpose);
    return face_image(biometric_seed, 0.8, rs);
}

DeviceResult<FaceCapture> VirtualWebcam::capture() {
    if (has_fault(Fault::dead))
        return std::unexpected(DeviceError{Fault::dead, fmt::format("webcam {} gives no picture: check its cable or replace it", id())});
    if (!face_)
        return std::unexpected(DeviceError{Fault::dead, fmt::format("webcam {}: nobody in front of the camera", id())});
    return FaceCapture{face_image(face_->seed, face_->quality, stream_),
                       static_cast<int>(std::lround(100.0 * std::clamp(face_->quality, 0.0, 1.0)))};
}

}  // namespace devices
