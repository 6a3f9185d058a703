#include "core/election_package.hpp"

#include <algorithm>
#include <numeric>

namespace core {

std::int64_t ElectionPackage::registered() const {
    return std::accumulate(pecs.begin(), pecs.end(), std::int64_t{0},
                           [](std::int64_t sum, const Pec& p) { return sum + p.registered; });
}

const Pec* ElectionPackage::find_pec(int number) const {
    auto it = std::lower_bound(pecs.begin(), pecs.end(), number,
                               [](const Pec& p, int n) { return p.number < n; });
    return (it != pecs.end() && it->number == number) ? &*it : nullptr;
}

const Region* ElectionPackage::find_region(int code) const {
    for (const auto& r : regions)
        if (r.code == code) return &r;
    return nullptr;
}

const District* ElectionPackage::find_district(int number) const {
    for (const auto& d : districts)
        if (d.number == number) return &d;
    return nullptr;
}

}  // namespace core
