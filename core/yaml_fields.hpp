#pragma once
/// Reading YAML files (the election package, scenarios, drill records and scripts, rate profiles)
/// with errors that name the file, the line and the field: "FILE:LINE: field 'x': what is wrong".
/// YamlReader is the one field reader; the free functions are its parts. The election package's
/// loader (core/election_package_yaml.cpp) reads its five large files with these same parts - the
/// file loading, the numbers and the errors - through a one-pass index of each mapping's fields
/// (yaml-cpp's own lookup is slow on 2,494 PECs) that stops at the first error.
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace core {

/// The error for `field` at `node` of `file` (line 0 when the node does not exist).
Error field_error(const std::string& file, const YAML::Node& node, const std::string& field, const std::string& what);

/// A YAML value as a message shows it: its text, or "a list", "a mapping", "nothing".
std::string describe_value(const YAML::Node& node);

/// The number a YAML scalar's whole text spells, decimal (a real may have a fraction and an
/// exponent) and finite; nothing for anything else ("0x10", "1O", ".nan", "12 apples", a list).
template <class T>
std::optional<T> scalar_number(const YAML::Node& node) {
    if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;  // a missing key's node throws on IsScalar
    const std::string& text = node.Scalar();
    const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);  // YAML allows "+5"
    T value{};
    const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || begin == end) return std::nullopt;
    if constexpr (std::is_floating_point_v<T>)
        if (!std::isfinite(value)) return std::nullopt;
    return value;
}

/// The number at `node`, field `field` of `file`: a T (finite, for a real type) within [lo, hi], or an
/// error naming the file, line and field.
template <class T>
Result<T> field_number(const std::string& file, const YAML::Node& node, const std::string& field, T lo, T hi) {
    const auto value = scalar_number<T>(node);
    if (!value)
        return std::unexpected(field_error(file, node, field, fmt::format("expected a {}, got {}",
                                                                          std::is_integral_v<T> ? "whole number" : "finite number",
                                                                          describe_value(node))));
    if (*value < lo || *value > hi)
        return std::unexpected(field_error(file, node, field, fmt::format("{} is out of range [{}, {}]", *value, lo, hi)));
    return *value;
}

/// Rejects keys of `map` that are not in `known` (a typo must not fall back to a default silently),
/// a `map` that is no mapping and a key that is a list or a mapping; `prefix` is put before a key in
/// the message, e.g. "faults[2].".
Result<void> only_keys(const std::string& file, const YAML::Node& map, std::initializer_list<std::string_view> known,
                             const std::string& prefix);

/// Parses a YAML file; `what` names it in messages ("scenario file", "drill record").
Result<YAML::Node> load_yaml_file(const std::string& file, std::string_view what);

/// Parses YAML `text` as the content of `file` (named in messages; nothing is read from disk): the
/// loaders' from-text overloads (parse_scenario, ...), used by tests and the fuzz targets (tests/fuzz/).
Result<YAML::Node> load_yaml_text(std::string_view text, const std::string& file);

/// Reads the fields of one YAML file. Every problem becomes "FILE:LINE: field 'x': what is wrong",
/// with the field's full path ("faults[1].share") when the reader is within() a nested mapping.
/// `map` arguments are the mapping that holds `field`; a missing field is reported at the map's line.
class YamlReader {
public:
    explicit YamlReader(std::string file) : file_(std::move(file)) {}

    /// The same file's fields inside the mapping at `path` (e.g. "faults[1]").
    YamlReader within(const std::string& path) const {
        YamlReader inner(file_);
        inner.prefix_ = prefix_ + path + ".";
        return inner;
    }
    const std::string& file() const { return file_; }

    /// The error for `field` (a path below this reader's mapping) at `node`.
    Error error(const YAML::Node& node, const std::string& field, const std::string& what) const {
        return field_error(file_, node, prefix_ + field, what);
    }
    std::unexpected<Error> bad(const YAML::Node& node, const std::string& field, const std::string& what) const {
        return std::unexpected(error(node, field, what));
    }

    /// The number `map[field]`: a T within [lo, hi].
    template <class T>
    Result<T> get(const YAML::Node& map, const std::string& field, T lo, T hi) const {
        const YAML::Node n = map[field];
        return field_number(file_, n.IsDefined() ? n : map, prefix_ + field, lo, hi);
    }
    /// The number at `node` itself (a list item, a value already looked up).
    template <class T>
    Result<T> number_at(const YAML::Node& node, const std::string& field, T lo, T hi) const {
        return field_number(file_, node, prefix_ + field, lo, hi);
    }
    /// The text `map[field]` (one scalar).
    Result<std::string> text(const YAML::Node& map, const std::string& field) const;
    /// The time of day `map[field]` ("HH:MM", "HH:MM:SS" or "HH:MM:SS.uuuuuu": core::parse_clock_time).
    Result<Micros> time_of_day(const YAML::Node& map, const std::string& field) const;
    /// The time of day at `node` itself.
    Result<Micros> time_at(const YAML::Node& node, const std::string& field) const;
    /// The whole numbers of the list `map[field]`, each within [lo, hi]; an absent field is an empty list.
    Result<std::vector<int>> ints(const YAML::Node& map, const std::string& field, int lo, int hi) const;
    /// Reads each item of the list `map[field]` with `read(reader within "field[i]", item)`, which
    /// returns a Result, and appends it to `out`; an absent or null field adds nothing.
    template <class Read, class T>
    Result<void> list(const YAML::Node& map, const std::string& field, Read read, std::vector<T>& out) const {
        const YAML::Node items = map[field];
        if (!items.IsDefined() || items.IsNull()) return {};
        if (!items.IsSequence()) return bad(items, field, "expected a list");
        for (std::size_t i = 0; i < items.size(); ++i) {
            auto item = read(within(fmt::format("{}[{}]", field, i)), items[i]);
            if (!item) return std::unexpected(item.error());
            out.push_back(std::move(*item));
        }
        return {};
    }
    /// Rejects keys of `map` not in `known` (a typo must not fall back to a default silently);
    /// `where` is the map's path below this reader ("" for the reader's own mapping).
    Result<void> only_keys(const YAML::Node& map, std::initializer_list<std::string_view> known, const std::string& where = "") const {
        return core::only_keys(file_, map, known, prefix_ + (where.empty() ? "" : where + "."));
    }

private:
    std::string file_;
    std::string prefix_;
};

}  // namespace core
