// Planning `shailoo load`: the rate profile and the fleet's good reports (drawn from the package, or a
// run's figures with --from). Bad reports: bad_reports.cpp; results.json: results_figures.cpp;
// sending: load_run.cpp.
#include "loadgen/load_generator.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "core/device_keys.hpp"
#include "core/random.hpp"
#include "core/wire.hpp"
#include "core/yaml_fields.hpp"

namespace loadgen {

namespace {

/// A rate profile from the parsed YAML of `file` (or the error parsing it).
core::Result<RateProfile> rate_profile_from(const core::Result<YAML::Node>& loaded, const std::filesystem::path& file) {
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    const core::YamlReader r(file.string());
    if (!root.IsMap()) return core::fail(fmt::format("{}: a rate profile is a YAML mapping", file.string()));
    if (auto ok = r.only_keys(root, {"version", "name", "description", "cumulative"}); !ok) return std::unexpected(ok.error());
    if (auto v = r.get<int>(root, "version", 1, 1); !v) return std::unexpected(v.error());
    RateProfile p;
    p.name = file.stem().string();
    if (root["name"]) {
        auto name = r.text(root, "name");
        if (!name) return std::unexpected(name.error());
        p.name = *name;
    }
    const YAML::Node points = root["cumulative"];
    if (!points.IsDefined() || !points.IsSequence() || points.size() < 2)
        return r.bad(points.IsDefined() ? points : root, "cumulative", "expected a list of at least two {minute, share} points");
    for (std::size_t i = 0; i < points.size(); ++i) {
        const YAML::Node pt = points[i];
        const std::string at = fmt::format("cumulative[{}]", i);
        if (!pt.IsMap()) return r.bad(pt, at, "expected {minute: M, share: S}");
        const core::YamlReader f = r.within(at);
        if (auto ok = f.only_keys(pt, {"minute", "share"}); !ok) return std::unexpected(ok.error());
        const auto minute = f.get(pt, "minute", 0.0, 1e9);
        if (!minute) return std::unexpected(minute.error());
        const auto share = f.get(pt, "share", 0.0, 1.0);
        if (!share) return std::unexpected(share.error());
        if (!p.points.empty() && (*minute <= p.points.back().first || *share < p.points.back().second))
            return r.bad(pt, at, "minutes must increase and shares must not decrease");
        p.points.emplace_back(*minute, *share);
    }
    if (p.points.front().second != 0 || p.points.back().second != 1)
        return r.bad(points, "cumulative", "the first share must be 0 and the last 1");
    return p;
}

}  // namespace

core::Result<RateProfile> load_rate_profile(const std::filesystem::path& file) {
    return rate_profile_from(core::load_yaml_file(file.string(), "rate profile"), file);
}

core::Result<RateProfile> parse_rate_profile(std::string_view text, const std::filesystem::path& file) {
    return rate_profile_from(core::load_yaml_text(text, file.string()), file);
}

namespace {

/// Minutes after the start at which cumulative share u is reached (linear between points).
double inverse(const RateProfile& p, double u) {
    for (std::size_t i = 1; i < p.points.size(); ++i) {
        const auto [m0, s0] = p.points[i - 1];
        const auto [m1, s1] = p.points[i];
        if (u <= s1) return s1 == s0 ? m0 : m0 + (m1 - m0) * (u - s0) / (s1 - s0);
    }
    return p.points.back().first;
}

/// The identification report's identity and sums (both plans).
void finish_identification(const core::Pec& pec, core::IdentificationReport& id) {
    id.pec = pec.number;
    id.at = core::at(20, 2);
    id.registered = pec.registered;
    id.ballots_issued = id.fingerprint + id.other_finger + id.face + id.manual;
}

/// Splits `total` over `weights.size()` options (largest remainder, deterministic).
std::vector<std::int64_t> split(std::int64_t total, const std::vector<double>& weights) {
    std::vector<std::int64_t> out(weights.size(), 0);
    double sum = 0;
    for (auto w : weights) sum += w;
    if (sum <= 0 || total <= 0) return out;
    std::int64_t given = 0;
    std::vector<std::pair<double, std::size_t>> rest;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double exact = static_cast<double>(total) * weights[i] / sum;
        out[i] = static_cast<std::int64_t>(exact);
        given += out[i];
        rest.emplace_back(exact - static_cast<double>(out[i]), i);
    }
    std::sort(rest.begin(), rest.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    for (std::size_t k = 0; given < total; ++k, ++given) ++out[rest[k % rest.size()].second];
    return out;
}

/// About 60 % of each party's voters mark a preference, most of them for the top of the list.
void add_preferences(const core::ElectionPackage& p, core::ArbbReport& r) {
    for (std::size_t q = 0; q < p.parties.size(); ++q) {
        const auto marked = r.option_counts[q + 1] * 6 / 10;
        std::vector<double> w;
        for (std::size_t k = 0; k < p.parties[q].list.size(); ++k) w.push_back(1.0 / static_cast<double>((k + 1) * (k + 1)));
        r.preference_counts.push_back(split(marked, w));
    }
}

/// The parts of a final ARBB report every plan fills the same way: identity, the invalid ballots
/// spread evenly over the reasons, preferences, the commission's figures.
void finish_box_report(const core::ElectionPackage& p, const core::Pec& pec, std::int64_t issued, core::ArbbReport& r) {
    r.kind = core::ReportKind::final;
    r.pec = pec.number;
    r.at = core::at(20, 5);
    const auto by_reason = split(r.invalid, std::vector<double>(core::kInvalidReasonCount, 1.0));
    std::copy(by_reason.begin(), by_reason.end(), r.invalid_by_reason.begin());
    if (r.box == core::BoxKind::party_list) add_preferences(p, r);
    r.figures = {pec.registered, issued, issued};  // issued = identified
    r.printed = true;
}

core::ArbbReport box_report(const core::ElectionPackage& p, const core::Pec& pec, core::BoxKind box, std::int64_t issued,
                            core::RandomStream& rng) {
    core::ArbbReport r;
    r.box = box;
    r.ballots_in_box = issued;
    r.ballots_scanned = issued;
    r.invalid = static_cast<std::int64_t>(static_cast<double>(issued) * p.rules.invalid_share * (0.5 + rng.uniform()));
    r.invalid = std::min(r.invalid, issued);
    r.valid = issued - r.invalid;
    std::vector<double> weights;
    if (box == core::BoxKind::party_list) {
        weights.push_back(std::max(0.001, p.rules.against_all));
        for (const auto& party : p.parties) weights.push_back(std::max(0.001, party.support) * (0.7 + 0.6 * rng.uniform()));
    } else {
        const auto* d = p.find_district(pec.district);
        weights.push_back(d ? std::max(0.001, d->against_all) : 0.05);
        if (d)
            for (const auto& c : d->candidates) weights.push_back(std::max(0.001, c.support) * (0.7 + 0.6 * rng.uniform()));
    }
    r.option_counts = split(r.valid, weights);
    finish_box_report(p, pec, issued, r);
    return r;
}

/// A PEC's final reports with counts drawn from the package (fixed seed).
std::vector<core::ReportPayload> drawn_reports(const core::ElectionPackage& package, const core::Pec& pec, std::uint64_t seed) {
    core::RandomStream rng(seed, static_cast<std::uint64_t>(pec.number));
    const double turnout = std::clamp(package.rules.turnout > 0 ? package.rules.turnout : 0.35, 0.05, 0.95) *
                           (0.75 + 0.5 * rng.uniform());
    const auto issued = std::min<std::int64_t>(pec.registered, static_cast<std::int64_t>(static_cast<double>(pec.registered) * turnout));
    std::vector<core::ReportPayload> out;
    out.emplace_back(box_report(package, pec, core::BoxKind::party_list, issued, rng));
    if (pec.district != 0) out.emplace_back(box_report(package, pec, core::BoxKind::district, issued, rng));
    core::IdentificationReport id;
    id.fingerprint = issued * 9 / 10;
    id.face = issued / 20;
    id.manual = issued - id.fingerprint - id.face;
    out.emplace_back(id);
    return out;
}

/// A PEC's final reports with the counts of a run (`--from`).
std::vector<core::ReportPayload> reports_from(const core::ElectionPackage& package, const core::Pec& pec, const PecFigures& f) {
    const auto& id = f.identification;
    const std::int64_t identified = id.fingerprint + id.other_finger + id.face + id.manual;
    std::vector<core::ReportPayload> out;
    for (auto box : f.boxes) {
        finish_box_report(package, pec, identified, box);
        out.emplace_back(std::move(box));
    }
    out.emplace_back(id);
    return out;
}

}  // namespace

std::vector<PlannedReport> plan_fleet(const core::ElectionPackage& package, int pecs, std::uint64_t device_secret,
                                      std::uint64_t seed, const RateProfile* profile, double speed, const FleetFigures* figures) {
    std::vector<PlannedReport> plan;
    const std::size_t limit = pecs <= 0 ? package.pecs.size() : static_cast<std::size_t>(pecs);
    std::size_t planned_pecs = 0;
    for (const auto& pec : package.pecs) {
        if (planned_pecs == limit) break;
        const PecFigures* from = nullptr;
        if (figures) {
            const auto it = figures->pecs.find(pec.number);
            if (it == figures->pecs.end()) continue;  // not in the run's results: not sent
            from = &it->second;
        }
        ++planned_pecs;
        core::Micros at = 0;
        if (profile) {  // its own stream: the reports' contents do not depend on the schedule
            core::RandomStream when(seed, static_cast<std::uint64_t>(pec.number), 1);
            at = static_cast<core::Micros>(inverse(*profile, when.uniform()) * 60e6 / std::max(speed, 1e-9));
        }
        for (auto& payload : from ? reports_from(package, pec, *from) : drawn_reports(package, pec, seed)) {
            core::DeviceRole role = core::DeviceRole::identification;
            if (auto* box = std::get_if<core::ArbbReport>(&payload))
                role = box->box == core::BoxKind::party_list ? core::DeviceRole::arbb_party_list : core::DeviceRole::arbb_district;
            else
                finish_identification(pec, std::get<core::IdentificationReport>(payload));
            const auto id = core::device_id(pec.number, role);
            core::WireReport w{core::ReportHeader{package.name, pec.number, id, 1, core::at(20, 5)}, std::move(payload)};
            plan.push_back({at, pec.number, id, core::encode_signed_report(w, core::derive_device_keys(device_secret, id).secret_key)});
        }
    }
    std::stable_sort(plan.begin(), plan.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    return plan;
}

}  // namespace loadgen
