#pragma once
/// Face verification: a webcam capture against the document (or voter-list) photo.
#include "devices/webcam.hpp"

namespace station {

/// Decision threshold on cosine similarity. With the synthetic faces of devices/virtual_webcam.hpp
/// an impostor's cosine has mean 0 and standard deviation 1/sqrt(64) = 0.125, so 0.5 (4 standard
/// deviations) gives an FMR of the order of 1e-4; a genuine poor frame (quality 0.3) scores about
/// 0.70. Checked by tests/station/identification_desk_test.cpp (FaceMatcher tests).
inline constexpr double kFaceThreshold = 0.5;

/// Compares face feature vectors by cosine similarity.
class FaceMatcher {
public:
    /// A matcher with this threshold.
    explicit FaceMatcher(double threshold = kFaceThreshold) : threshold_(threshold) {}
    /// Cosine similarity in [-1, 1] (0 when either vector is zero).
    double score(const devices::FaceFeatures& a, const devices::FaceFeatures& b) const;
    /// True when the two faces are the same person by the threshold.
    bool verify(const devices::FaceFeatures& a, const devices::FaceFeatures& b) const { return score(a, b) >= threshold_; }
    /// The threshold in use.
    double threshold() const { return threshold_; }

private:
    double threshold_;
};

}  // namespace station
