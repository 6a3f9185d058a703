#include "core/yaml_fields.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace core {

Error field_error(const std::string& file, const YAML::Node& node, const std::string& field, const std::string& what) {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    return Error{fmt::format("{}:{}: field '{}': {}", file, line, field, what)};
}

Result<void> only_keys(const std::string& file, const YAML::Node& map, std::initializer_list<std::string_view> known,
                             const std::string& prefix) {
    for (const auto& kv : map) {
        const std::string key = kv.first.as<std::string>();
        if (std::find(known.begin(), known.end(), key) == known.end())
            return std::unexpected(field_error(file, kv.first, prefix + key, "unknown field"));
    }
    return {};
}

Result<YAML::Node> load_yaml_file(const std::string& file, std::string_view what) {
    try {
        return YAML::LoadFile(file);
    } catch (const YAML::BadFile&) {
        return fail(fmt::format("{}: cannot open the {}", file, what));
    } catch (const YAML::ParserException& e) {
        return fail(fmt::format("{}:{}: YAML syntax error: {}", file, e.mark.line + 1, e.msg));
    }
}

}  // namespace core
