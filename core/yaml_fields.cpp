#include "core/yaml_fields.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace core {

Error field_error(const std::string& file, const YAML::Node& node, const std::string& field, const std::string& what) {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    return Error{fmt::format("{}:{}: field '{}': {}", file, line, field, what)};
}

std::string describe_value(const YAML::Node& node) {
    if (!node.IsDefined()) return "nothing";  // a missing key of a const mapping: IsScalar would throw
    if (node.IsScalar()) return node.Scalar();
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a mapping";
    return "nothing";
}

Result<void> only_keys(const std::string& file, const YAML::Node& map, std::initializer_list<std::string_view> known,
                             const std::string& prefix) {
    // Iterating anything but a mapping as one, or asking a list or a mapping key for its text, makes
    // yaml-cpp throw: both are the file's mistake and get a field error.
    if (!map.IsMap()) {
        const std::string field = prefix.empty() ? "(file)" : prefix.substr(0, prefix.size() - 1);
        return std::unexpected(field_error(file, map, field, "expected a mapping of fields"));
    }
    for (const auto& kv : map) {
        if (!kv.first.IsScalar())
            return std::unexpected(field_error(file, kv.first, prefix + "(key)", "a field name must be a word, not a list or a mapping"));
        const std::string& key = kv.first.Scalar();
        if (std::find(known.begin(), known.end(), key) == known.end())
            return std::unexpected(field_error(file, kv.first, prefix + key, "unknown field"));
    }
    return {};
}

namespace {

Error syntax_error(const std::string& file, const YAML::ParserException& e) {
    return Error{fmt::format("{}:{}: YAML syntax error: {}", file, e.mark.line + 1, e.msg)};
}

}  // namespace

Result<YAML::Node> load_yaml_file(const std::string& file, std::string_view what) {
    try {
        return YAML::LoadFile(file);
    } catch (const YAML::BadFile&) {
        return fail(fmt::format("{}: cannot read the {} (missing or unreadable)", file, what));
    } catch (const YAML::ParserException& e) {
        return std::unexpected(syntax_error(file, e));
    }
}

Result<YAML::Node> load_yaml_text(std::string_view text, const std::string& file) {
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
        return std::unexpected(syntax_error(file, e));
    }
}

Result<std::string> YamlReader::text(const YAML::Node& map, const std::string& field) const {
    const YAML::Node n = map[field];
    if (!n.IsDefined()) return bad(map, field, "is missing");  // (asking a missing node its type throws)
    if (!n.IsScalar()) return bad(n, field, "expected a single value");
    return n.Scalar();
}

Result<Micros> YamlReader::time_at(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) return bad(node, field, "expected a time HH:MM");
    auto t = parse_clock_time(node.Scalar());
    if (!t) return bad(node, field, t.error().message);
    return t;
}

Result<Micros> YamlReader::time_of_day(const YAML::Node& map, const std::string& field) const {
    const YAML::Node n = map[field];
    if (!n.IsDefined()) return bad(map, field, "is missing");
    return time_at(n, field);
}

Result<std::vector<int>> YamlReader::ints(const YAML::Node& map, const std::string& field, int lo, int hi) const {
    std::vector<int> out;
    const YAML::Node n = map[field];
    if (!n.IsDefined()) return out;
    if (!n.IsSequence()) return bad(n, field, "expected a list of numbers");
    for (const auto& item : n) {
        auto v = number_at<int>(item, field, lo, hi);
        if (!v) return std::unexpected(v.error());
        out.push_back(*v);
    }
    return out;
}

}  // namespace core
