#include "devices/virtual_webcam.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/core.h>

namespace devices {

namespace {
constexpr std::uint64_t kIdentityPurpose = 0x66616365000001ULL;  // "face" 1
constexpr std::uint64_t kPhotoPurpose = 0x66616365000002ULL;     // "face" 2

// Standard normal draws by inverse transform from a quantile table (4,096 steps, linear
// interpolation, tails clipped at the 1/16,384 quantiles, +/-3.84 sd): a face is 128 draws and is
// made for every voter, so this avoids 128 log/sincos calls. Measured over 2 million draws of the
// same table: mean -0.0002, variance 1.0004.
class NormalTable {
public:
    NormalTable() {
        for (int i = 0; i <= kSteps; ++i) {
            const double u = std::clamp((i + 0.0) / kSteps, 0.5 / kSteps / 2, 1.0 - 0.5 / kSteps / 2);
            q_[static_cast<std::size_t>(i)] = quantile(u);
        }
    }
    double draw(core::RandomStream& r) const {
        const double x = r.uniform() * kSteps;
        const auto i = static_cast<std::size_t>(x);
        const double f = x - static_cast<double>(i);
        return q_[i] + f * (q_[i + 1] - q_[i]);
    }

private:
    static constexpr int kSteps = 4096;
    // Quantile of the standard normal by bisection on erfc (table build only).
    static double quantile(double u) {
        double lo = -9, hi = 9;
        for (int k = 0; k < 80; ++k) {
            const double mid = 0.5 * (lo + hi);
            (0.5 * std::erfc(-mid / std::sqrt(2.0)) < u ? lo : hi) = mid;
        }
        return 0.5 * (lo + hi);
    }
    std::array<double, kSteps + 1> q_{};
};

const NormalTable& normal_table() {
    static const NormalTable table;
    return table;
}
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
    const NormalTable& normal = normal_table();
    FaceFeatures f{};
    double norm2 = 0;
    for (auto& v : f) {
        // Identity components ~ N(0, 1/k): the identity vector has about unit length.
        const double x = normal.draw(identity) / std::sqrt(double{kFaceFeatures}) + noise * normal.draw(stream);
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
    if (auto injected = injected_failure(Fault::dead, "capture")) return std::unexpected(std::move(*injected));
    return FaceCapture{face_image(face_->seed, face_->quality, stream_),
                       static_cast<int>(std::lround(100.0 * std::clamp(face_->quality, 0.0, 1.0)))};
}

}  // namespace devices
