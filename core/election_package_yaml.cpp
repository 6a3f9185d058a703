// Loading an election package folder (format: docs/election-package.md, version 1).
//
// Index of this file:
//   [SECTION] Reading fields
//   [SECTION] The five files
//   [SECTION] The support organisation (support.yaml, optional)
//   [SECTION] Cross-checks between files
//   [SECTION] Party list rules
//
// The files are read with core/yaml_fields.hpp's parts (file loading, numbers, errors) through a
// one-pass index of each mapping's fields: yaml-cpp's own lookup is slow on thousands of PECs.
// Inside this file a malformed field throws LoadError, which load_election_package() turns into
// a core::Error: the whole load is one operation and stops at the first problem.
#include <yaml-cpp/yaml.h>
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <map>
#include <string_view>
#include <utility>

#include "core/election_package.hpp"
#include "core/yaml_fields.hpp"

namespace core {
namespace {

constexpr int kVersion = 1;

struct LoadError {
    std::string message;
};

// [SECTION] Reading fields
// File, line and field in every error.

class File;

/// The fields of one YAML mapping, looked up by name.
struct Fields {
    YAML::Node map;
    std::vector<std::pair<std::string_view, YAML::Node>> entries;
    /// The value of `key`, or an undefined node.
    YAML::Node operator[](std::string_view key) const {
        for (const auto& [k, v] : entries)
            if (k == key) return v;
        return YAML::Node(YAML::NodeType::Undefined);
    }
    /// Line and column of the mapping, for errors about it.
    YAML::Mark Mark() const { return map.Mark(); }
};

/// Where the package's files come from: the folder `dir`, or `texts` when set (named as in `dir`).
struct Source {
    std::filesystem::path dir;
    const ElectionPackageTexts* texts = nullptr;
};

/// The text of file `name` of a package given as texts.
const std::string& text_of(const ElectionPackageTexts& t, std::string_view name) {
    if (name == "election.yaml") return t.election;
    if (name == "regions.yaml") return t.regions;
    if (name == "districts.yaml") return t.districts;
    if (name == "parties.yaml") return t.parties;
    if (name == "support.yaml") return *t.support;
    return t.pecs;
}

/// One YAML file of the package and the helpers that read its fields.
class File {
public:
    File(const Source& source, const char* name) : path_((source.dir / name).string()) {
        auto loaded = source.texts ? load_yaml_text(text_of(*source.texts, name), path_) : load_yaml_file(path_, "election package file");
        if (!loaded) throw LoadError{loaded.error().message};
        root_ = *loaded;
        if (!root_.IsMap()) throw LoadError{fmt::format("{}:1: the file must be a mapping of fields", path_)};
        // Every file carries the format version first; a newer file is refused, not guessed at.
        const YAML::Node v = std::as_const(root_)["version"];
        if (!v.IsDefined() || v.IsNull()) fail(root_, "version", fmt::format("missing (this build reads version {})", kVersion));
        if (!v.IsScalar() || v.Scalar() != std::to_string(kVersion))
            fail(v, "version", fmt::format("unsupported version '{}' (this build reads version {})", describe_value(v), kVersion));
    }

    const YAML::Node& root() const { return root_; }
    const std::string& path() const { return path_; }

    [[noreturn]] void fail(const YAML::Node& at, std::string_view field, const std::string& what) const {
        throw LoadError{field_error(path_, at, std::string(field), what).message};
    }
    [[noreturn]] void fail(const Fields& at, std::string_view field, const std::string& what) const { fail(at.map, field, what); }

    /// The fields of mapping `map`, read once; keys not in `allowed` are rejected (a typo would
    /// otherwise silently leave a field missing). One pass: yaml-cpp's own lookup is slow.
    Fields fields(const YAML::Node& map, std::initializer_list<std::string_view> allowed) const;

    /// The value of `key`; missing -> error at the mapping's line.
    YAML::Node field(const Fields& map, const char* key) const;

    std::int64_t get_int(const Fields& map, const char* key, std::int64_t lo, std::int64_t hi) const {
        return number<std::int64_t>(map, key, lo, hi);
    }

    int get_small(const Fields& map, const char* key, int lo, int hi) const { return number<int>(map, key, lo, hi); }

    double get_double(const Fields& map, const char* key, double lo, double hi) const { return number<double>(map, key, lo, hi); }

    /// The number `map[key]` as every YAML file of the project reads one (core::field_number).
    template <class T>
    T number(const Fields& map, const char* key, T lo, T hi) const {
        auto value = field_number<T>(path_, field(map, key), key, lo, hi);
        if (!value) throw LoadError{value.error().message};
        return *value;
    }

    bool get_bool(const Fields& map, const char* key) const {
        const YAML::Node v = field(map, key);
        if (v.IsScalar() && v.Scalar() == "true") return true;
        if (v.IsScalar() && v.Scalar() == "false") return false;
        fail(v, key, fmt::format("expected true or false, got '{}'", describe_value(v)));
    }

    std::string get_string(const Fields& map, const char* key) const {
        const YAML::Node v = field(map, key);
        if (!v.IsScalar() || v.Scalar().empty()) fail(v, key, "expected a non-empty text");
        return v.Scalar();
    }

    Sex get_sex(const Fields& map, const char* key) const {
        const YAML::Node v = field(map, key);
        if (v.IsScalar() && v.Scalar() == "female") return Sex::female;
        if (v.IsScalar() && v.Scalar() == "male") return Sex::male;
        fail(v, key, fmt::format("expected female or male, got '{}'", describe_value(v)));
    }

    /// A sequence field; each element must be a mapping.
    YAML::Node get_list(const Fields& map, const char* key) const {
        const YAML::Node v = field(map, key);
        if (!v.IsSequence()) fail(v, key, "expected a list");
        for (const auto& item : v)
            if (!item.IsMap()) fail(item, key, "each entry must be a mapping of fields");
        return v;
    }

    template <class At>
    int line_of(const At& n) const { return n.Mark().line + 1; }

private:
    std::string path_;
    YAML::Node root_;
};

Fields File::fields(const YAML::Node& map, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(map, "(entry)", "expected a mapping of fields");
    Fields out{map, {}};
    out.entries.reserve(allowed.size());
    for (const auto& kv : map) {
        const std::string& key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            fail(kv.first, key, "unknown field (see docs/election-package.md)");
        for (const auto& [k, v] : out.entries)
            if (k == key) fail(kv.first, key, "appears twice");
        out.entries.emplace_back(std::string_view(key), kv.second);
    }
    return out;
}

YAML::Node File::field(const Fields& map, const char* key) const {
    YAML::Node v = map[key];
    if (!v.IsDefined() || v.IsNull()) fail(map, key, "missing");
    return v;
}

/// Source lines kept for cross-check errors.
struct Lines {
    std::vector<int> regions, districts, parties, pecs;
};

[[noreturn]] void cross_fail(const std::string& path, int line, std::string_view field, const std::string& what) {
    throw LoadError{fmt::format("{}:{}: field '{}': {}", path, line, field, what)};
}

bool iso_date(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (s[i] < '0' || s[i] > '9') return false;
    const int month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// [SECTION] The five files

// The package's seed: a whole number that fits 64 bits.
std::uint64_t read_seed(const File& f, const Fields& root) {
    return f.number<std::uint64_t>(root, "seed", 0, UINT64_MAX);
}

// The electoral rules: seats, thresholds, methods, list requirements and the calibration shares.
void read_rules(const File& f, const Fields& root, ElectionRules& r) {
    const YAML::Node rules_node = f.field(root, "rules");
    if (!rules_node.IsMap()) f.fail(rules_node, "rules", "expected a mapping of fields");
    const Fields rules = f.fields(rules_node, {"seats_total", "seats_party_list", "seats_single_mandate", "threshold_national",
                   "threshold_regional", "women_reserved_share", "max_list_length", "party_list_method",
                   "single_mandate_method", "list_max_one_sex_share", "list_max_same_sex_run",
                   "list_youth_min_share", "list_youth_max_age", "list_minority_min_share",
                   "list_disability_min_share", "turnout", "invalid_share", "against_all"});
    r.seats_total = f.get_small(rules, "seats_total", 1, 10000);
    r.seats_party_list = f.get_small(rules, "seats_party_list", 0, r.seats_total);
    r.seats_single_mandate = f.get_small(rules, "seats_single_mandate", 0, r.seats_total);
    if (r.seats_party_list + r.seats_single_mandate != r.seats_total)
        f.fail(rules["seats_single_mandate"], "seats_single_mandate",
               fmt::format("party-list seats {} + single-mandate seats {} must equal seats_total {}", r.seats_party_list,
                           r.seats_single_mandate, r.seats_total));
    r.threshold_national = f.get_double(rules, "threshold_national", 0.0, 1.0);
    r.threshold_regional = f.get_double(rules, "threshold_regional", 0.0, 1.0);
    r.women_reserved_share = f.get_double(rules, "women_reserved_share", 0.0, 1.0);
    r.max_list_length = f.get_small(rules, "max_list_length", 1, 10000);
    r.party_list_method = f.get_string(rules, "party_list_method");
    if (r.party_list_method != "largest_remainder_hare")
        f.fail(rules["party_list_method"], "party_list_method",
               fmt::format("'{}' is not supported (supported: largest_remainder_hare)", r.party_list_method));
    r.single_mandate_method = f.get_string(rules, "single_mandate_method");
    if (r.single_mandate_method != "plurality")
        f.fail(rules["single_mandate_method"], "single_mandate_method",
               fmt::format("'{}' is not supported (supported: plurality)", r.single_mandate_method));
    r.list_max_one_sex_share = f.get_double(rules, "list_max_one_sex_share", 0.5, 1.0);
    r.list_max_same_sex_run = f.get_small(rules, "list_max_same_sex_run", 1, 10000);
    r.list_youth_min_share = f.get_double(rules, "list_youth_min_share", 0.0, 1.0);
    r.list_youth_max_age = f.get_small(rules, "list_youth_max_age", 18, 150);
    r.list_minority_min_share = f.get_double(rules, "list_minority_min_share", 0.0, 1.0);
    r.list_disability_min_share = f.get_double(rules, "list_disability_min_share", 0.0, 1.0);
    r.turnout = f.get_double(rules, "turnout", 0.0, 1.0);
    r.invalid_share = f.get_double(rules, "invalid_share", 0.0, 1.0);
    r.against_all = f.get_double(rules, "against_all", 0.0, 1.0);
    if (r.invalid_share + r.against_all > 1.0)
        f.fail(rules["against_all"], "against_all", "invalid_share + against_all exceed 1");
}

// The voters' profile: the men's share and contiguous age bands from 18 whose shares sum to 1.
void read_voter_profile(const File& f, const Fields& root, VoterProfile& out) {
    const YAML::Node profile_node = f.field(root, "voter_profile");
    if (!profile_node.IsMap()) f.fail(profile_node, "voter_profile", "expected a mapping of fields");
    const Fields profile = f.fields(profile_node, {"men_share", "age_bands"});
    out.men_share = f.get_double(profile, "men_share", 0.0, 1.0);
    const YAML::Node bands = f.get_list(profile, "age_bands");
    double share = 0.0;
    int next_from = 18;
    for (const auto& b_node : bands) {
        const Fields b = f.fields(b_node, {"from", "to", "share"});
        AgeBand band;
        band.from = f.get_small(b, "from", 18, 150);
        band.to = f.get_small(b, "to", band.from, 150);
        band.share = f.get_double(b, "share", 0.0, 1.0);
        if (band.from != next_from)
            f.fail(b["from"], "from", fmt::format("age bands must be contiguous from 18: expected {}, got {}", next_from, band.from));
        next_from = band.to + 1;
        share += band.share;
        out.age_bands.push_back(band);
    }
    if (out.age_bands.empty()) f.fail(bands, "age_bands", "at least one band is needed");
    if (std::abs(share - 1.0) > 1e-6)
        f.fail(bands, "age_bands", fmt::format("shares sum to {:.6f}, expected 1", share));
}

void read_election(const File& f, ElectionPackage& pkg) {
    const Fields root = f.fields(f.root(), {"version", "name", "date", "seed", "rules", "voter_profile"});
    pkg.name = f.get_string(root, "name");
    pkg.date = f.get_string(root, "date");
    if (!iso_date(pkg.date)) f.fail(root["date"], "date", fmt::format("expected an ISO date YYYY-MM-DD, got '{}'", pkg.date));
    pkg.seed = read_seed(f, root);
    read_rules(f, root, pkg.rules);
    read_voter_profile(f, root, pkg.voter_profile);
}

void read_regions(const File& f, ElectionPackage& pkg, Lines& lines) {
    const Fields top = f.fields(f.root(), {"version", "regions"});
    const YAML::Node list = f.get_list(top, "regions");
    for (const auto& n_node : list) {
        const Fields n = f.fields(n_node, {"code", "name", "voters", "districts", "pecs", "abroad", "turnout_bias"});
        Region r;
        r.code = f.get_small(n, "code", 1, 9);
        r.name = f.get_string(n, "name");
        r.voters = f.get_int(n, "voters", 0, 1'000'000'000);
        r.districts = f.get_small(n, "districts", 0, 1000);
        r.pecs = f.get_small(n, "pecs", 0, 999);
        r.abroad = f.get_bool(n, "abroad");
        r.turnout_bias = f.get_double(n, "turnout_bias", -1.0, 1.0);
        if (r.abroad && r.districts != 0)
            f.fail(n["districts"], "districts", "a region abroad has no single-mandate districts (must be 0)");
        for (const auto& other : pkg.regions)
            if (other.code == r.code)
                f.fail(n["code"], "code", fmt::format("region code {} appears twice", r.code));
        pkg.regions.push_back(r);
        lines.regions.push_back(f.line_of(n));
    }
    if (pkg.regions.empty()) f.fail(list, "regions", "at least one region is needed");
}

void read_districts(const File& f, ElectionPackage& pkg, Lines& lines) {
    const Fields top = f.fields(f.root(), {"version", "districts"});
    const YAML::Node list = f.get_list(top, "districts");
    int expected = 1;
    for (const auto& n_node : list) {
        const Fields n = f.fields(n_node, {"number", "region", "name", "voters", "against_all", "candidates"});
        District d;
        d.number = f.get_small(n, "number", 1, 999);
        if (d.number != expected)
            f.fail(n["number"], "number", fmt::format("districts must be numbered 1, 2, ... in order: expected {}, got {}", expected, d.number));
        ++expected;
        d.region_code = f.get_small(n, "region", 1, 9);
        const Region* region = pkg.find_region(d.region_code);
        if (!region) f.fail(n["region"], "region", fmt::format("no region {} in regions.yaml", d.region_code));
        if (region->abroad) f.fail(n["region"], "region", fmt::format("region {} is abroad and has no districts", d.region_code));
        d.name = f.get_string(n, "name");
        d.voters = f.get_int(n, "voters", 1, 1'000'000'000);
        d.against_all = f.get_double(n, "against_all", 0.0, 1.0);
        const YAML::Node cands = f.get_list(n, "candidates");
        double share = d.against_all;
        for (const auto& c_node : cands) {
            const Fields c = f.fields(c_node, {"id", "name", "sex", "nominated_by", "support"});
            DistrictCandidate dc;
            dc.id = f.get_small(c, "id", 1, 999);
            if (dc.id != static_cast<int>(d.candidates.size()) + 1)
                f.fail(c["id"], "id", fmt::format("candidates must be numbered 1, 2, ... in ballot order: expected {}, got {}",
                                                  d.candidates.size() + 1, dc.id));
            dc.name = f.get_string(c, "name");
            dc.sex = f.get_sex(c, "sex");
            dc.nominated_by = f.get_string(c, "nominated_by");
            dc.support = f.get_double(c, "support", 0.0, 1.0);
            share += dc.support;
            d.candidates.push_back(dc);
        }
        if (d.candidates.empty()) f.fail(cands, "candidates", fmt::format("district {} has no candidates", d.number));
        if (std::abs(share - 1.0) > 1e-5)
            f.fail(cands, "support", fmt::format("district {}: candidates' support + against_all = {:.6f}, expected 1", d.number, share));
        pkg.districts.push_back(std::move(d));
        lines.districts.push_back(f.line_of(n));
    }
}

void read_parties(const File& f, ElectionPackage& pkg, Lines& lines) {
    const Fields top = f.fields(f.root(), {"version", "parties"});
    const YAML::Node list = f.get_list(top, "parties");
    double share = 0.0;
    const int year = std::stoi(pkg.date.substr(0, 4));
    for (const auto& n_node : list) {
        const Fields n = f.fields(n_node, {"id", "name", "support", "list"});
        Party p;
        p.id = f.get_small(n, "id", 1, 999);
        if (p.id != static_cast<int>(pkg.parties.size()) + 1)
            f.fail(n["id"], "id", fmt::format("parties must be numbered 1, 2, ... in ballot order: expected {}, got {}",
                                              pkg.parties.size() + 1, p.id));
        p.name = f.get_string(n, "name");
        p.support = f.get_double(n, "support", 0.0, 1.0);
        share += p.support;
        const YAML::Node cands = f.get_list(n, "list");
        for (const auto& c_node : cands) {
            const Fields c = f.fields(c_node, {"position", "name", "sex", "birth_year", "minority", "disability"});
            ListCandidate lc;
            lc.position = f.get_small(c, "position", 1, 10000);
            if (lc.position != static_cast<int>(p.list.size()) + 1)
                f.fail(c["position"], "position", fmt::format("list places must be 1, 2, ... in order: expected {}, got {}",
                                                              p.list.size() + 1, lc.position));
            lc.name = f.get_string(c, "name");
            lc.sex = f.get_sex(c, "sex");
            lc.birth_year = f.get_small(c, "birth_year", year - 120, year - 18);
            lc.minority = f.get_bool(c, "minority");
            lc.disability = f.get_bool(c, "disability");
            p.list.push_back(std::move(lc));
        }
        if (static_cast<int>(p.list.size()) > pkg.rules.max_list_length)
            f.fail(cands, "list", fmt::format("party '{}' lists {} candidates; the rules allow at most {}", p.name,
                                              p.list.size(), pkg.rules.max_list_length));
        if (auto ok = check_party_list(p, pkg.rules, year); !ok) f.fail(cands, "list", ok.error().message);
        pkg.parties.push_back(std::move(p));
        lines.parties.push_back(f.line_of(n));
    }
    if (pkg.parties.empty()) f.fail(list, "parties", "at least one party is needed");
    if (std::abs(share - 1.0) > 1e-6) f.fail(list, "support", fmt::format("parties' support sums to {:.8f}, expected 1", share));
}

void read_pecs(const File& f, ElectionPackage& pkg, Lines& lines) {
    const Fields top = f.fields(f.root(), {"version", "pecs"});
    const YAML::Node list = f.get_list(top, "pecs");
    std::int64_t next_voter = 0;
    pkg.pecs.reserve(list.size());
    for (const auto& n_node : list) {
        const Fields n = f.fields(n_node, {"number", "region", "district", "registered", "first_voter", "id_desks", "lat", "lon", "place"});
        Pec p;
        p.number = f.get_small(n, "number", 1000, 9999);
        if (!pkg.pecs.empty() && p.number <= pkg.pecs.back().number)
            f.fail(n["number"], "number",
                   p.number == pkg.pecs.back().number
                       ? fmt::format("PEC {} appears twice", p.number)
                       : fmt::format("PECs must be in ascending order of number: {} follows {}", p.number, pkg.pecs.back().number));
        p.region_code = f.get_small(n, "region", 1, 9);
        const Region* region = pkg.find_region(p.region_code);
        if (!region) f.fail(n["region"], "region", fmt::format("no region {} in regions.yaml", p.region_code));
        if (p.number / 1000 != p.region_code)
            f.fail(n["number"], "number", fmt::format("PEC {} must start with its region's digit {}", p.number, p.region_code));
        p.district = f.get_small(n, "district", 0, 999);
        if (region->abroad && p.district != 0)
            f.fail(n["district"], "district", fmt::format("PEC {} is abroad: district must be 0", p.number));
        if (!region->abroad) {
            const District* d = pkg.find_district(p.district);
            if (!d) f.fail(n["district"], "district", fmt::format("no district {} in districts.yaml", p.district));
            if (d->region_code != p.region_code)
                f.fail(n["district"], "district", fmt::format("district {} lies in region {}, not in region {}", p.district,
                                                              d->region_code, p.region_code));
        }
        p.registered = f.get_int(n, "registered", 1, 1'000'000);
        p.first_voter = f.get_int(n, "first_voter", 0, 1'000'000'000'000);
        if (p.first_voter != next_voter)
            f.fail(n["first_voter"], "first_voter",
                   fmt::format("PEC {}: expected {} (previous PEC's first_voter + registered), got {}", p.number, next_voter, p.first_voter));
        next_voter += p.registered;
        p.id_desks = f.get_small(n, "id_desks", 1, 100);
        p.lat = f.get_double(n, "lat", -90.0, 90.0);
        p.lon = f.get_double(n, "lon", -180.0, 180.0);
        p.place = f.get_string(n, "place");
        pkg.pecs.push_back(std::move(p));
        lines.pecs.push_back(f.line_of(n));
    }
}

// [SECTION] The support organisation (support.yaml, optional)

bool has_support_file(const Source& source) {
    if (source.texts) return source.texts->support.has_value();
    std::error_code ec;
    return std::filesystem::exists(source.dir / "support.yaml", ec);
}

// A base's spares: a mapping of kSpareKinds names to counts (a kind left out: none).
void read_spares(const File& f, const YAML::Node& node, SupportBase& base) {
    if (!node.IsMap()) f.fail(node, "spares", "expected a mapping of device kinds to counts");
    const Fields spares = f.fields(node, {"fingerprint_scanner", "document_reader", "webcam", "printer", "ballot_scanner", "modem", "power_supply"});
    for (std::size_t k = 0; k < kSpareKindCount; ++k)
        if (spares[kSpareKinds[k]].IsDefined()) base.spares[k] = f.get_small(spares, kSpareKinds[k], 0, 100'000);
}

SupportBase read_support_base(const File& f, const YAML::Node& node, const ElectionPackage& pkg) {
    const Fields n = f.fields(node, {"name", "region", "district", "lat", "lon", "crews", "road_kmh", "spares"});
    SupportBase b;
    b.name = f.get_string(n, "name");
    b.region_code = f.get_small(n, "region", 1, 9);
    const Region* region = pkg.find_region(b.region_code);
    if (!region) f.fail(n["region"], "region", fmt::format("no region {} in regions.yaml", b.region_code));
    b.district = f.get_small(n, "district", 0, 999);
    if (region->abroad != (b.district == 0))
        f.fail(n["district"], "district", region->abroad ? "a base abroad has district 0" : "a base at home names its district");
    if (const District* d = pkg.find_district(b.district); b.district != 0 && (!d || d->region_code != b.region_code))
        f.fail(n["district"], "district", fmt::format("no district {} in region {} (districts.yaml)", b.district, b.region_code));
    b.lat = f.get_double(n, "lat", -90.0, 90.0);
    b.lon = f.get_double(n, "lon", -180.0, 180.0);
    b.crews = f.get_small(n, "crews", 0, 10'000);
    b.road_kmh = f.get_double(n, "road_kmh", 5.0, 130.0);
    if (n["spares"].IsDefined()) read_spares(f, n["spares"], b);
    return b;
}

void read_support(const File& f, ElectionPackage& pkg) {
    const Fields top = f.fields(f.root(), {"version", "help_desk_lines", "road_circuity", "set_off_minutes", "max_travel_minutes", "bases"});
    SupportOrganisation org;
    org.help_desk_lines = f.get_small(top, "help_desk_lines", 0, 100'000);
    org.road_circuity = f.get_double(top, "road_circuity", 1.0, 5.0);
    org.set_off_minutes = f.get_double(top, "set_off_minutes", 0.0, 600.0);
    org.max_travel_minutes = f.get_double(top, "max_travel_minutes", 1.0, 24.0 * 60);
    const YAML::Node list = f.get_list(top, "bases");
    for (const auto& node : list) {
        SupportBase b = read_support_base(f, node, pkg);
        for (const auto& other : org.bases)
            if (other.name == b.name) f.fail(node, "name", fmt::format("base '{}' appears twice", b.name));
        org.bases.push_back(std::move(b));
    }
    // A region whose PECs no base serves would see every crew job silently never done.
    for (const auto& r : pkg.regions)
        if (r.pecs > 0 && std::none_of(org.bases.begin(), org.bases.end(), [&](const SupportBase& b) { return b.region_code == r.code; }))
            f.fail(list, "bases", fmt::format("region {} ({}) has PECs but no support base", r.code, r.name));
    pkg.support = std::move(org);
}

// [SECTION] Cross-checks between files

void cross_check(const std::filesystem::path& dir, const ElectionPackage& pkg, const Lines& lines) {
    const std::string regions = (dir / "regions.yaml").string(), districts = (dir / "districts.yaml").string();
    std::map<int, std::int64_t> region_voters, district_voters;
    std::map<int, int> region_pecs, district_pecs;
    for (const auto& p : pkg.pecs) {
        region_voters[p.region_code] += p.registered;
        ++region_pecs[p.region_code];
        if (p.district) {
            district_voters[p.district] += p.registered;
            ++district_pecs[p.district];
        }
    }
    for (std::size_t i = 0; i < pkg.regions.size(); ++i) {
        const auto& r = pkg.regions[i];
        if (region_voters[r.code] != r.voters)
            cross_fail(regions, lines.regions[i], "voters",
                       fmt::format("region {} ({}) states {} voters but its PECs in pecs.yaml register {}", r.code, r.name,
                                   r.voters, region_voters[r.code]));
        if (region_pecs[r.code] != r.pecs)
            cross_fail(regions, lines.regions[i], "pecs",
                       fmt::format("region {} ({}) states {} PECs but pecs.yaml has {}", r.code, r.name, r.pecs, region_pecs[r.code]));
        const auto n = std::count_if(pkg.districts.begin(), pkg.districts.end(), [&](const District& d) { return d.region_code == r.code; });
        if (n != r.districts)
            cross_fail(regions, lines.regions[i], "districts",
                       fmt::format("region {} ({}) states {} districts but districts.yaml has {}", r.code, r.name, r.districts, n));
    }
    for (std::size_t i = 0; i < pkg.districts.size(); ++i) {
        const auto& d = pkg.districts[i];
        if (district_pecs[d.number] == 0)
            cross_fail(districts, lines.districts[i], "number", fmt::format("district {} has no PECs in pecs.yaml", d.number));
        if (district_voters[d.number] != d.voters)
            cross_fail(districts, lines.districts[i], "voters",
                       fmt::format("district {} states {} voters but its PECs in pecs.yaml register {}", d.number, d.voters,
                                   district_voters[d.number]));
    }
}

}  // namespace

// [SECTION] Party list rules

Result<void> check_party_list(const Party& party, const ElectionRules& rules, int election_year) {
    const auto n = static_cast<double>(party.list.size());
    if (party.list.empty()) return fail(fmt::format("party '{}' has an empty list", party.name));
    int women = 0, youth = 0, minority = 0, disability = 0, run = 0;
    for (std::size_t i = 0; i < party.list.size(); ++i) {
        const auto& c = party.list[i];
        women += c.sex == Sex::female;
        // Youth only if surely at most list_youth_max_age on election day, whatever the birthday.
        youth += c.birth_year >= election_year - rules.list_youth_max_age;
        minority += c.minority;
        disability += c.disability;
        run = (i > 0 && party.list[i - 1].sex == c.sex) ? run + 1 : 1;
        if (run > rules.list_max_same_sex_run)
            return fail(fmt::format("party '{}': places {}..{} are all {} (at most {} in a row of one sex)", party.name,
                                    c.position - run + 1, c.position, c.sex == Sex::female ? "women" : "men",
                                    rules.list_max_same_sex_run));
    }
    const double men = n - women;
    const double eps = 1e-9;
    if (women > rules.list_max_one_sex_share * n + eps || men > rules.list_max_one_sex_share * n + eps)
        return fail(fmt::format("party '{}': {} women and {} men; at most {:.0f} % may be of one sex", party.name, women,
                                static_cast<int>(men), rules.list_max_one_sex_share * 100));
    auto quota = [&](int have, double share, const char* what) -> Result<void> {
        if (have + eps < share * n)
            return fail(fmt::format("party '{}': {} of {} candidates are {}; at least {:.0f} % are required", party.name, have,
                                    party.list.size(), what, share * 100));
        return {};
    };
    if (auto ok = quota(youth, rules.list_youth_min_share, "young (35 or younger)"); !ok) return ok;
    if (auto ok = quota(minority, rules.list_minority_min_share, "of an ethnic minority"); !ok) return ok;
    if (auto ok = quota(disability, rules.list_disability_min_share, "persons with disabilities"); !ok) return ok;
    return {};
}

namespace {

Result<ElectionPackage> load_package(const Source& source) {
    try {
        ElectionPackage pkg;
        Lines lines;
        read_election(File(source, "election.yaml"), pkg);
        read_regions(File(source, "regions.yaml"), pkg, lines);
        read_districts(File(source, "districts.yaml"), pkg, lines);
        read_parties(File(source, "parties.yaml"), pkg, lines);
        read_pecs(File(source, "pecs.yaml"), pkg, lines);
        cross_check(source.dir, pkg, lines);
        if (has_support_file(source)) read_support(File(source, "support.yaml"), pkg);
        return pkg;
    } catch (const LoadError& e) {
        return fail(e.message);
    } catch (const YAML::Exception& e) {
        return fail(fmt::format("{}: {}", source.dir.string(), e.what()));
    }
}

}  // namespace

Result<ElectionPackage> load_election_package(const std::filesystem::path& dir) { return load_package(Source{dir}); }

Result<ElectionPackage> parse_election_package(const ElectionPackageTexts& texts, const std::filesystem::path& dir) {
    return load_package(Source{dir, &texts});
}

}  // namespace core
