#include "hil/fp3_print.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include <fmt/core.h>
#include <glib.h>

namespace hil {

namespace {

constexpr char kMagic[] = "FP3";
constexpr std::size_t kMagicSize = 3;

/// Owns one GVariant reference.
struct VariantRef {
    GVariant* v = nullptr;
    explicit VariantRef(GVariant* variant) : v(variant) {}
    VariantRef(const VariantRef&) = delete;
    VariantRef& operator=(const VariantRef&) = delete;
    ~VariantRef() {
        if (v) g_variant_unref(v);
    }
};

/// The int32 elements of an `ai` child.
std::vector<std::int32_t> int_array(GVariant* array) {
    gsize n = 0;
    const auto* data = static_cast<const std::int32_t*>(g_variant_get_fixed_array(array, &n, sizeof(std::int32_t)));
    return std::vector<std::int32_t>(data, data + n);
}

/// The minutiae of one `(aiaiai)` record.
std::expected<std::vector<NistMinutia>, std::string> record_minutiae(GVariant* record) {
    VariantRef xs(g_variant_get_child_value(record, 0)), ys(g_variant_get_child_value(record, 1)),
        thetas(g_variant_get_child_value(record, 2));
    const auto x = int_array(xs.v), y = int_array(ys.v), t = int_array(thetas.v);
    if (x.size() != y.size() || x.size() != t.size())
        return std::unexpected(fmt::format("FP3 print: x[], y[] and theta[] differ in length ({}, {}, {})", x.size(), y.size(), t.size()));
    std::vector<NistMinutia> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = NistMinutia{x[i], y[i], t[i]};
    return out;
}

}  // namespace

std::expected<std::vector<NistMinutia>, std::string> parse_fp3_minutiae(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kMagicSize || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
        return std::unexpected(std::string("not a libfprint FP3 print (no \"FP3\" header)"));
    // g_bytes_new copies into memory malloc aligned, as GVariant wants; the data is not trusted
    // (GVariant then checks every offset it reads).
    GBytes* body = g_bytes_new(bytes.data() + kMagicSize, bytes.size() - kMagicSize);
    VariantRef print(g_variant_new_from_bytes(G_VARIANT_TYPE("(issbymsmsia{sv}v)"), body, FALSE));
    g_bytes_unref(body);
    g_variant_ref_sink(print.v);
    VariantRef driver(g_variant_get_child_value(print.v, 1));
    VariantRef boxed(g_variant_get_child_value(print.v, 9));
    VariantRef wrapped(g_variant_get_variant(boxed.v));
    if (!g_variant_is_of_type(wrapped.v, G_VARIANT_TYPE("(a(aiaiai))")))
        return std::unexpected(fmt::format("the print of driver {} holds {} data, not NBIS minutiae (a match-on-chip print?)",
                                           g_variant_get_string(driver.v, nullptr), g_variant_get_type_string(wrapped.v)));
    VariantRef data(g_variant_get_child_value(wrapped.v, 0));
    if (g_variant_n_children(data.v) == 0) return std::unexpected(std::string("FP3 print: no impression in it"));
    VariantRef first(g_variant_get_child_value(data.v, 0));
    return record_minutiae(first.v);
}

core::Minutia to_project_frame(const NistMinutia& m, int image_height) {
    const long units = std::lround(-m.theta * 256.0 / 360.0);
    return core::Minutia{static_cast<std::int16_t>(m.x), static_cast<std::int16_t>(image_height - 1 - m.y),
                         static_cast<std::uint8_t>(((units % 256) + 256) % 256), core::MinutiaType::ending};
}

core::FingerprintTemplate template_from_nist(std::span<const NistMinutia> minutiae, int image_height) {
    std::vector<core::Minutia> all;
    all.reserve(minutiae.size());
    for (const NistMinutia& m : minutiae) all.push_back(to_project_frame(m, image_height));
    if (all.size() > static_cast<std::size_t>(core::kMaxMinutiae)) {
        double cx = 0, cy = 0;
        for (const core::Minutia& m : all) cx += m.x, cy += m.y;
        cx /= static_cast<double>(all.size());
        cy /= static_cast<double>(all.size());
        const auto distance2 = [&](const core::Minutia& m) { return (m.x - cx) * (m.x - cx) + (m.y - cy) * (m.y - cy); };
        // Stable: equally distant minutiae keep libfprint's order, so the same input gives the same template.
        std::stable_sort(all.begin(), all.end(), [&](const core::Minutia& a, const core::Minutia& b) { return distance2(a) < distance2(b); });
        all.resize(core::kMaxMinutiae);
    }
    return core::FingerprintTemplate::from_minutiae(all);
}

}  // namespace hil
