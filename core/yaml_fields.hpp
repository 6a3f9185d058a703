#pragma once
/// Reading YAML files (scenarios, drill records and scripts, rate profiles) with errors that name
/// the file, the line and the field: "FILE:LINE: field 'x': what is wrong".
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/result.hpp"

namespace core {

/// The error for `field` at `node` of `file` (line 0 when the node does not exist).
Error field_error(const std::string& file, const YAML::Node& node, const std::string& field, const std::string& what);

/// The number at `node`, field `field` of `file`: a T (finite, for a real type) within [lo, hi], or an
/// error naming the file, line and field. (.nan passes a plain range check: every comparison with it is false.)
template <class T>
Result<T> field_number(const std::string& file, const YAML::Node& node, const std::string& field, T lo, T hi) {
    T value{};
    try {
        value = node.as<T>();
    } catch (const YAML::Exception&) {
        return std::unexpected(field_error(file, node, field, "expected a number"));
    }
    if constexpr (std::is_floating_point_v<T>)
        if (!std::isfinite(value)) return std::unexpected(field_error(file, node, field, fmt::format("expected a finite number, got {}", node.Scalar())));
    if (value < lo || value > hi)
        return std::unexpected(field_error(file, node, field, fmt::format("{} is out of range [{}, {}]", value, lo, hi)));
    return value;
}

/// Rejects keys of `map` that are not in `known` (a typo must not fall back to a default silently);
/// `prefix` is put before a key in the message, e.g. "faults[2].".
Result<void> only_keys(const std::string& file, const YAML::Node& map, std::initializer_list<std::string_view> known,
                             const std::string& prefix);

/// Parses a YAML file; `what` names it in messages ("scenario file", "drill record").
Result<YAML::Node> load_yaml_file(const std::string& file, std::string_view what);

}  // namespace core
