// `shailoo load --from RESULTS`: each PEC's figures from a results.json of `shailoo run`
// (docs/results.md, `pec_results[]`), checked field by field against the election package.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <limits>
#include <optional>

#include "loadgen/load_generator.hpp"

namespace loadgen {

namespace {

using json = nlohmann::json;

/// Reads fields of one JSON object; the first problem is kept, named `FILE: path.field: ...`.
class Fields {
public:
    Fields(const std::filesystem::path& file, std::string* error) : file_(file.string()), error_(error) {}

    /// The object at `path` (`pec_results[3]`), or nullptr after noting why not.
    const json* object(const json& parent, std::string_view key, const std::string& path) {
        const json* j = member(parent, key, path);
        if (j && !j->is_object()) return fail(path, "expected an object"), nullptr;
        return j;
    }
    /// A whole number from 0 to `max` at parent[key].
    std::int64_t count(const json& parent, std::string_view key, const std::string& path,
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
        const json* j = member(parent, key, path);
        return j ? whole(*j, path, max) : 0;
    }
    /// `v` as a whole number from 0 to `max`.
    std::int64_t whole(const json& v, const std::string& path, std::int64_t max) {
        if (!ok()) return 0;
        const bool fits = v.is_number_unsigned() ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max)
                                                 : v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= max;
        if (!fits) return fail(path, fmt::format("expected a whole number from 0 to {}, got {}", max, v.dump())), 0;
        return v.get<std::int64_t>();
    }
    /// A boolean at parent[key].
    bool flag(const json& parent, std::string_view key, const std::string& path) {
        const json* j = member(parent, key, path);
        if (j && !j->is_boolean()) return fail(path, fmt::format("expected true or false, got {}", j->dump())), false;
        return j && j->get<bool>();
    }
    /// A string at parent[key].
    std::string text(const json& parent, std::string_view key, const std::string& path) {
        const json* j = member(parent, key, path);
        if (j && !j->is_string()) return fail(path, fmt::format("expected a string, got {}", j->dump())), std::string();
        return j ? j->get<std::string>() : std::string();
    }
    /// Notes a problem (the first one wins).
    void fail(const std::string& path, const std::string& what) {
        if (error_->empty()) *error_ = fmt::format("{}: {}: {}", file_, path, what);
    }
    bool ok() const { return error_->empty(); }

private:
    const json* member(const json& parent, std::string_view key, const std::string& path) {
        if (!ok()) return nullptr;
        const auto it = parent.find(key);
        if (it == parent.end()) return fail(path, "missing"), nullptr;
        return &*it;
    }
    std::string file_;
    std::string* error_;
};

/// One of `arbb[]`: the box's counts, options sized as the PEC's ballot of that box.
core::ArbbReport box_figures(Fields& f, const json& j, const std::string& at, const core::ElectionPackage& package,
                             const core::Pec& pec, core::BoxKind box) {
    core::ArbbReport r;
    r.box = box;
    const auto max = pec.registered;
    r.ballots_in_box = f.count(j, "ballots_in_box", at + ".ballots_in_box", max);
    r.ballots_scanned = f.count(j, "scanned", at + ".scanned", max);
    r.valid = f.count(j, "valid", at + ".valid", max);
    r.invalid = f.count(j, "invalid", at + ".invalid", max);
    r.returned_to_voters = f.count(j, "returned_to_voters", at + ".returned_to_voters");
    r.replaced_by_stationary_box = f.flag(j, "replaced_by_stationary_box", at + ".replaced_by_stationary_box");
    r.ballots_awaiting_manual_count = f.count(j, "awaiting_manual_count", at + ".awaiting_manual_count", max);
    std::size_t options = package.parties.size() + 1;
    if (box == core::BoxKind::district) {
        const auto* d = package.find_district(pec.district);
        options = d ? d->candidates.size() + 1 : 1;
    }
    const auto it = f.ok() ? j.find("options") : j.end();
    if (f.ok() && it == j.end()) f.fail(at + ".options", "missing");
    if (!f.ok()) return r;
    if (!it->is_array() || it->size() != options)
        return f.fail(at + ".options", fmt::format("expected {} counts (the {} ballot of PEC {}, against all first)", options,
                                                   core::to_string(box), pec.number)), r;
    for (std::size_t k = 0; k < options; ++k) r.option_counts.push_back(f.whole((*it)[k], fmt::format("{}.options[{}]", at, k), max));
    return r;
}

/// One of `pec_results[]`, or nothing after noting why.
std::optional<std::pair<int, PecFigures>> pec_figures(Fields& f, const json& j, const std::string& at,
                                                      const core::ElectionPackage& package) {
    const auto number = f.count(j, "number", at + ".number", 9999);
    if (!f.ok()) return std::nullopt;
    const core::Pec* pec = package.find_pec(static_cast<int>(number));
    if (!pec) return f.fail(at + ".number", fmt::format("PEC {} is not in the election package '{}'", number, package.name)), std::nullopt;
    PecFigures out;
    const std::string idp = at + ".identification";
    if (const json* id = f.object(j, "identification", idp)) {
        auto& r = out.identification;
        r.fingerprint = f.count(*id, "fingerprint", idp + ".fingerprint", pec->registered);
        r.other_finger = f.count(*id, "other_finger", idp + ".other_finger", pec->registered);
        r.face = f.count(*id, "face", idp + ".face", pec->registered);
        r.manual = f.count(*id, "manual", idp + ".manual", pec->registered);
        r.receipts_not_printed = f.count(*id, "receipts_not_printed", idp + ".receipts_not_printed", pec->registered);
    }
    const auto arbb = f.ok() ? j.find("arbb") : j.end();
    if (f.ok() && (arbb == j.end() || !arbb->is_array()))
        f.fail(at + ".arbb", "expected the list of both final ARBB reports");
    for (std::size_t b = 0; f.ok() && b < arbb->size(); ++b) {
        const std::string bp = fmt::format("{}.arbb[{}]", at, b);
        const auto& entry = (*arbb)[b];
        if (!entry.is_object()) f.fail(bp, "expected an object");
        const auto device = f.text(entry, "device", bp + ".device");
        const auto name = f.text(entry, "box", bp + ".box");
        if (!f.ok() || device.empty()) continue;  // no final report from this box (abroad: no district box)
        if (name != "party_list" && (name != "district" || pec->district == 0))
            f.fail(bp + ".box", fmt::format("expected party_list{}, got '{}'", pec->district == 0 ? " (PEC abroad)" : " or district", name));
        const auto kind = name == "party_list" ? core::BoxKind::party_list : core::BoxKind::district;
        if (f.ok() && std::any_of(out.boxes.begin(), out.boxes.end(), [kind](auto& r) { return r.box == kind; }))
            f.fail(bp + ".box", fmt::format("a second {} report", name));
        if (f.ok()) out.boxes.push_back(box_figures(f, entry, bp, package, *pec, kind));
    }
    if (!f.ok()) return std::nullopt;
    std::sort(out.boxes.begin(), out.boxes.end(), [](auto& a, auto& b) { return a.box < b.box; });
    return std::pair{pec->number, std::move(out)};
}

}  // namespace

core::Result<FleetFigures> load_results_figures(const std::filesystem::path& file, const core::ElectionPackage& package) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::fail(fmt::format("{}: cannot be read", file.string()));
    const json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded()) return core::fail(fmt::format("{}: not JSON (a results.json of `shailoo run` is expected)", file.string()));
    if (!doc.is_object()) return core::fail(fmt::format("{}: expected a JSON object (a results.json of `shailoo run`)", file.string()));
    std::string error;
    Fields f(file, &error);
    if (f.text(doc, "format", "format") != "shailoo-results" && f.ok()) f.fail("format", "expected \"shailoo-results\"");
    if (f.count(doc, "version", "version") != 1 && f.ok()) f.fail("version", "expected 1");
    if (const auto name = f.text(doc, "package", "package"); f.ok() && name != package.name)
        f.fail("package", fmt::format("the results are of '{}', the election package of '{}'", name, package.name));
    const auto pecs = f.ok() ? doc.find("pec_results") : doc.end();
    if (f.ok() && pecs == doc.end()) f.fail("pec_results", "missing");
    if (f.ok() && !pecs->is_array()) f.fail("pec_results", "expected a list of PECs");
    FleetFigures out{file, {}};
    for (std::size_t i = 0; f.ok() && i < pecs->size(); ++i) {
        const std::string at = fmt::format("pec_results[{}]", i);
        if (!(*pecs)[i].is_object()) f.fail(at, "expected an object");
        auto one = f.ok() ? pec_figures(f, (*pecs)[i], at, package) : std::nullopt;
        if (one && !out.pecs.emplace(one->first, std::move(one->second)).second)
            f.fail(at + ".number", fmt::format("PEC {} appears twice", one->first));
    }
    if (f.ok() && out.pecs.empty()) f.fail("pec_results", "no PEC: nothing to send");
    if (!f.ok()) return core::fail(error);
    return out;
}

}  // namespace loadgen
