#include "station/face_matcher.hpp"

#include <cmath>

namespace station {

double FaceMatcher::score(const devices::FaceFeatures& a, const devices::FaceFeatures& b) const {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < devices::kFaceFeatures; ++i) {
        dot += double{a[i]} * b[i];
        na += double{a[i]} * a[i];
        nb += double{b[i]} * b[i];
    }
    if (na == 0 || nb == 0) return 0.0;
    return dot / std::sqrt(na * nb);
}

}  // namespace station
