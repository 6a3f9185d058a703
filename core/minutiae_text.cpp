#include "core/minutiae_text.hpp"

#include <fmt/core.h>

#include <charconv>

namespace core {

std::string format_minutiae(std::span<const Minutia> minutiae) {
    std::string out;
    for (const Minutia& m : minutiae) {
        if (!out.empty()) out += ' ';
        out += fmt::format("{},{},{},{}", m.x, m.y, m.angle, m.type == MinutiaType::ending ? 'e' : 'b');
    }
    return out;
}

namespace {

// One "x,y,angle,type" item.
Result<Minutia> parse_minutia(std::string_view item, std::size_t n) {
    const auto bad = [&](std::string_view why) { return fail(fmt::format("minutia {} ('{}'): {}", n, item, why)); };
    int v[3] = {0, 0, 0};
    const char* p = item.data();
    const char* end = item.data() + item.size();
    for (int& value : v) {
        auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc() || next == end || *next != ',') return bad("expected x,y,angle,type (type e or b)");
        p = next + 1;
    }
    if (v[0] < 0 || v[0] > 4095 || v[1] < 0 || v[1] > 4095) return bad("x and y must be 0 to 4095 pixels");
    if (v[2] < 0 || v[2] > 255) return bad("the angle must be 0 to 255 (1/256 turn)");
    if (end - p != 1 || (*p != 'e' && *p != 'b')) return bad("the type must be e (ending) or b (bifurcation)");
    return Minutia{static_cast<std::int16_t>(v[0]), static_cast<std::int16_t>(v[1]), static_cast<std::uint8_t>(v[2]),
                   *p == 'e' ? MinutiaType::ending : MinutiaType::bifurcation};
}

}  // namespace

Result<std::vector<Minutia>> parse_minutiae(std::string_view text) {
    std::vector<Minutia> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t space = std::min(text.find(' ', at), text.size());
        if (space == at) return fail(fmt::format("minutia {}: empty (minutiae are separated by single spaces)", out.size() + 1));
        auto m = parse_minutia(text.substr(at, space - at), out.size() + 1);
        if (!m) return std::unexpected(m.error());
        if (out.size() == static_cast<std::size_t>(kMaxMinutiae)) return fail(fmt::format("more than {} minutiae", kMaxMinutiae));
        out.push_back(*m);
        at = space + 1;
        if (space + 1 == text.size()) return fail(fmt::format("a space after the last minutia"));
    }
    return out;
}

}  // namespace core
