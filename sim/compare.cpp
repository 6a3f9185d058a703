#include "sim/compare.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/criteria.hpp"

namespace sim {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kAbsent = "(absent)";

std::string value_text(const json& v) {
    if (v.is_number()) return figure_text(v.get<double>());
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

/// What one comparison collects into, and how.
struct Walk {
    double tolerance;
    bool per_pec;
    std::vector<Difference>& out;

    void differ(const std::string& where, const std::string& a, const std::string& b) const { out.push_back({where, a, b, per_pec}); }

    void leaf(const std::string& where, const json& a, const json& b) const {
        if (a.is_number() && b.is_number()) {
            const double x = a.get<double>(), y = b.get<double>();
            if (std::abs(x - y) > tolerance * std::max(std::abs(x), std::abs(y))) differ(where, value_text(a), value_text(b));
        } else if (a != b) {
            differ(where, value_text(a), value_text(b));
        }
    }

    // The path of a field of the object at `where` ("PEC 1234: voters" at a PEC's top).
    static std::string child(const std::string& where, const std::string& key) {
        return where.empty() ? key : where + (where.ends_with(":") ? " " : ".") + key;
    }

    void node(const std::string& where, const json& a, const json& b) const {
        if (a.is_object() && b.is_object()) {
            for (const auto& [key, value] : a.items()) {
                if (b.contains(key)) node(child(where, key), value, b[key]);
                else differ(child(where, key), value_text(value), kAbsent);
            }
            for (const auto& [key, value] : b.items())
                if (!a.contains(key)) differ(child(where, key), kAbsent, value_text(value));
        } else if (a.is_array() && b.is_array()) {
            for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
                const std::string at = fmt::format("{}[{}]", where, i);
                if (i >= a.size()) differ(at, kAbsent, value_text(b[i]));
                else if (i >= b.size()) differ(at, value_text(a[i]), kAbsent);
                else node(at, a[i], b[i]);
            }
        } else {
            leaf(where, a, b);
        }
    }
};

std::map<std::int64_t, const json*> pecs_by_number(const json& doc) {
    std::map<std::int64_t, const json*> out;
    if (doc.contains("pec_results") && doc["pec_results"].is_array())
        for (const auto& p : doc["pec_results"])
            if (p.contains("number") && p["number"].is_number_integer()) out[p["number"].get<std::int64_t>()] = &p;
    return out;
}

// The PECs matched by number: a PEC in one run only is one difference.
void compare_pecs(const json& a, const json& b, double tolerance, std::vector<Difference>& out) {
    const auto pa = pecs_by_number(a), pb = pecs_by_number(b);
    const Walk walk{tolerance, true, out};
    for (const auto& [number, pec] : pa) {
        const std::string where = fmt::format("PEC {}:", number);
        const auto other = pb.find(number);
        if (other == pb.end()) walk.differ(where, "simulated", kAbsent);
        else walk.node(where, *pec, *other->second);
    }
    for (const auto& [number, pec] : pb)
        if (!pa.contains(number)) walk.differ(fmt::format("PEC {}:", number), kAbsent, "simulated");
}

json national(const json& doc) {
    json copy = doc;
    if (copy.is_object()) {
        copy.erase("perf");
        copy.erase("pec_results");
    }
    return copy;
}

}  // namespace

std::vector<Difference> compare_results(const json& a, const json& b, double tolerance) {
    std::vector<Difference> out;
    Walk{tolerance, false, out}.node("", national(a), national(b));
    compare_pecs(a, b, tolerance, out);
    return out;
}

}  // namespace sim
