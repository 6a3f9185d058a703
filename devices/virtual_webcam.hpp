#pragma once
/// A simulated webcam and the synthetic faces it sees.
///
/// A person's face is a fixed random unit vector derived from the biometric seed (the
/// "identity" of an embedding model); every image of it (a webcam frame, the document photo
/// taken years earlier) is that vector plus independent Gaussian noise whose size depends on
/// the conditions, then normalised. Cosine similarity of two images of the same face is then
/// about 1 / sqrt((1 + s1^2 k) (1 + s2^2 k)) with s the per-component noise and k =
/// kFaceFeatures, and of different faces about 0 with standard deviation 1 / sqrt(k).
#include <cstdint>
#include <optional>

#include "core/random.hpp"
#include "devices/webcam.hpp"

namespace devices {

/// Per-component noise of an image of a face with this quality (0..1); see the file comment.
double face_noise(double quality);

/// An image of the face with this biometric seed: identity plus noise drawn from `stream`.
FaceFeatures face_image(std::uint64_t biometric_seed, double quality, core::RandomStream& stream);

/// The photo in the voter's document (and the voter list): taken at issue, decent quality,
/// noise drawn from a stream derived from the seed alone so that every party sees the same photo.
FaceFeatures document_photo(std::uint64_t biometric_seed);

/// A virtual webcam. World side: present_face() / leave(). Station side: capture().
class VirtualWebcam final : public Webcam {
public:
    /// A webcam drawing frame noise from `stream` (the simulator seeds it per PEC).
    VirtualWebcam(std::string id, core::RandomStream stream) : Webcam(std::move(id)), stream_(stream) {}

    /// World side: a person with this seed stands before the camera; quality 0..1 (light, pose, age change).
    void present_face(std::uint64_t biometric_seed, double quality) { face_ = Face{biometric_seed, quality}; }
    /// World side: the person leaves.
    void leave() { face_.reset(); }

    /// A frame's face features; dead or nobody there -> error.
    DeviceResult<FaceCapture> capture() override;

private:
    struct Face {
        std::uint64_t seed;
        double quality;
    };
    core::RandomStream stream_;
    std::optional<Face> face_;
};

}  // namespace devices
