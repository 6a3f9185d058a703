#pragma once
/// The webcam at the identification desk (added in 2016): a face capture for matching against
/// the document photo when the fingerprint fails.
#include <array>
#include <cstdint>

#include "devices/device.hpp"

namespace devices {

/// Dimensions of a face feature vector (the embedding a face recogniser produces from an image).
inline constexpr int kFaceFeatures = 64;

/// A face as a feature vector; compared by cosine similarity (station::FaceMatcher).
using FaceFeatures = std::array<float, kFaceFeatures>;

/// One face capture.
struct FaceCapture {
    FaceFeatures features{};  ///< the embedding of the captured face
    int quality = 0;          ///< 0 (unusable) .. 100 (frontal, well lit)
};

/// A webcam. Faults: dead.
class Webcam : public Device {
public:
    /// A webcam with this device id, e.g. "1001-webcam-1".
    explicit Webcam(std::string id) : Device(std::move(id), DeviceKind::webcam) {}

    /// Captures the face of the person in front of the camera; fails when dead or nobody is there.
    virtual DeviceResult<FaceCapture> capture() = 0;
};

}  // namespace devices
