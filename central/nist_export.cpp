#include "central/nist_export.hpp"

#include <fmt/core.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <vector>

#include "central/xml_writer.hpp"

// Index of this file:
//   [SECTION] Writing with libxml2
//   [SECTION] Reporting units
//   [SECTION] Ballots
//   [SECTION] Parties and candidates
//   [SECTION] Contests
//   [SECTION] The report
//   [SECTION] Checks of the inputs
//   [SECTION] Status, export and validation

namespace central {

namespace {

// [SECTION] Writing with libxml2
// Writing: central::XmlOut (central/xml_writer.hpp), libxml2's xmlTextWriter into a memory buffer

/// Everything one export needs: the inputs, the PECs of each region and district, the writer.
struct Export {
    const Results& results;
    const core::ElectionPackage& package;
    const NistExportOptions& options;
    std::vector<std::vector<std::size_t>> region_pecs;    ///< per package region: its PECs (package indexes)
    std::vector<std::vector<std::size_t>> district_pecs;  ///< per package district: its PECs
    XmlOut out;
};

std::string pec_id(int number) { return fmt::format("gpu-pec-{}", number); }
std::string region_id(int code) { return fmt::format("gpu-region-{}", code); }
std::string district_id(int number) { return fmt::format("gpu-district-{}", number); }
std::string party_id(int id) { return fmt::format("party-{}", id); }
std::string candidate_id(int district, int id) { return fmt::format("candidate-{}-{}", district, id); }
constexpr const char* kCountryId = "gpu-kg";

std::string join_ids(const Export& e, const std::vector<std::size_t>& pecs) {
    std::string ids;
    for (auto i : pecs) {
        if (!ids.empty()) ids += ' ';
        ids += pec_id(e.package.pecs[i].number);
    }
    return ids;
}

/// <name><Text Language="en">value</Text></name>: the schema's InternationalizedText.
void text(XmlOut& out, const char* name, const std::string& value) {
    out.start(name);
    out.start("Text");
    out.attribute("Language", "en");
    out.content(value);
    out.end();
    out.end();
}

/// <ExternalIdentifier><Type>other</Type><OtherType>kind</OtherType><Value>value</Value></ExternalIdentifier>
void external_id(XmlOut& out, const std::string& kind, const std::string& value) {
    out.start("ExternalIdentifier");
    out.element("Type", "other");
    out.element("OtherType", kind);
    out.element("Value", value);
    out.end();
}

/// One VoteCounts: `count` votes (or seats) at a GpUnit.
void vote_counts(XmlOut& out, const std::string& gpunit, const char* type, std::int64_t count) {
    out.start("VoteCounts");
    out.element("GpUnitId", gpunit);
    out.element("Type", type);
    out.element("Count", count);
    out.end();
}

// [SECTION] Reporting units

struct UnitFigures {
    std::string composing;      ///< ComposingGpUnitIds ("" for none)
    int pecs = 0;               ///< TotalSubUnits (0: not written, a PEC)
    int pecs_reporting = 0;     ///< SubUnitsReported
    std::int64_t registered = 0;///< VotersRegistered
};

/// One GpUnit of xsi:type ReportingUnit; `type` a ReportingUnitType, or "other" with `other_type`.
void reporting_unit(XmlOut& out, const std::string& id, const std::string& id_kind, const std::string& number,
                    const std::string& name, const char* type, const char* other_type, const UnitFigures& f) {
    out.start("GpUnit");
    out.attribute("ObjectId", id);
    out.attribute("xsi:type", "ReportingUnit");
    if (!f.composing.empty()) out.element("ComposingGpUnitIds", f.composing);
    external_id(out, id_kind, number);
    text(out, "Name", name);
    if (f.pecs > 0) {
        out.element("SubUnitsReported", f.pecs_reporting);
        out.element("TotalSubUnits", f.pecs);
    }
    out.element("Type", type);
    if (other_type) out.element("OtherType", other_type);
    out.element("VotersRegistered", f.registered);
    out.end();
}

void write_gpunits(Export& e) {
    const auto& p = e.package;
    std::string regions;
    for (const auto& r : p.regions) {
        if (!regions.empty()) regions += ' ';
        regions += region_id(r.code);
    }
    const auto& nat = e.results.national;
    reporting_unit(e.out, kCountryId, "iso-3166-1", "KG", "Kyrgyz Republic", "country", nullptr,
                   {regions, nat.pecs, nat.pecs_reporting, nat.registered});
    for (std::size_t i = 0; i < p.regions.size(); ++i) {
        const auto& t = e.results.regions[i].party_list;
        reporting_unit(e.out, region_id(p.regions[i].code), "cec-region-code", std::to_string(p.regions[i].code),
                       p.regions[i].name, "other", "region", {join_ids(e, e.region_pecs[i]), t.pecs, t.pecs_reporting, t.registered});
    }
    for (std::size_t i = 0; i < p.districts.size(); ++i) {
        const auto& t = e.results.districts[i].district;
        reporting_unit(e.out, district_id(p.districts[i].number), "cec-district-number",
                       std::to_string(p.districts[i].number), p.districts[i].name, "other", "single-mandate-district",
                       {join_ids(e, e.district_pecs[i]), t.pecs, t.pecs_reporting, t.registered});
    }
    for (const auto& pec : p.pecs) {
        const std::string name = pec.place.empty() ? fmt::format("PEC {}", pec.number) : fmt::format("PEC {}, {}", pec.number, pec.place);
        reporting_unit(e.out, pec_id(pec.number), "cec-pec-number", std::to_string(pec.number), name, "precinct", nullptr,
                       {.registered = pec.registered});
    }
}

// [SECTION] Ballots
// Ballots (Election/BallotCounts)

/// Ballots in one box and those found invalid; the party-list box as Type total, the district box
/// as Type other, OtherType district-box.
void ballot_counts(XmlOut& out, const std::string& gpunit, bool district_box, std::int64_t ballots, std::int64_t invalid) {
    out.start("BallotCounts");
    out.element("GpUnitId", gpunit);
    out.element("Type", district_box ? "other" : "total");
    if (district_box) out.element("OtherType", "district-box");
    out.element("BallotsCast", ballots);
    out.element("BallotsRejected", invalid);
    out.end();
}

void write_ballot_counts(Export& e) {
    const auto& r = e.results;
    ballot_counts(e.out, kCountryId, false, r.national.ballots_in_box, r.national.invalid);
    for (std::size_t i = 0; i < r.regions.size(); ++i)
        ballot_counts(e.out, region_id(e.package.regions[i].code), false, r.regions[i].party_list.ballots_in_box,
                      r.regions[i].party_list.invalid);
    for (std::size_t i = 0; i < r.districts.size(); ++i)
        ballot_counts(e.out, district_id(e.package.districts[i].number), true, r.districts[i].district.ballots_in_box,
                      r.districts[i].district.invalid);
    for (const auto& pec : r.pecs) {
        if (pec.final_party_list)
            ballot_counts(e.out, pec_id(pec.number), false, pec.party_list_box.ballots_in_box, pec.party_list_box.invalid);
        if (pec.final_district)
            ballot_counts(e.out, pec_id(pec.number), true, pec.district_box.ballots_in_box, pec.district_box.invalid);
    }
}

// [SECTION] Parties and candidates

void write_parties(Export& e) {
    for (const auto& party : e.package.parties) {
        e.out.start("Party");
        e.out.attribute("ObjectId", party_id(party.id));
        external_id(e.out, "cec-ballot-number", std::to_string(party.id));
        text(e.out, "Name", party.name);
        e.out.end();
    }
}

void write_candidates(Export& e) {
    for (const auto& d : e.package.districts)
        for (const auto& c : d.candidates) {
            e.out.start("Candidate");
            e.out.attribute("ObjectId", candidate_id(d.number, c.id));
            text(e.out, "BallotName", c.name);
            external_id(e.out, "cec-ballot-number", std::to_string(c.id));
            for (const auto& party : e.package.parties)
                if (party.name == c.nominated_by) {
                    e.out.element("PartyId", party_id(party.id));
                    break;
                }
            e.out.end();
        }
}

// [SECTION] Contests

/// Where one option's votes are: the aggregate units' tallies and the PECs' counted reports.
struct OptionSource {
    std::vector<std::pair<std::string, const Tally*>> units;          ///< country/regions, or the district
    std::vector<std::pair<std::string, const BoxCounts*>> pecs;       ///< PECs whose report of this box is counted
};

void option_counts(XmlOut& out, const OptionSource& src, std::size_t option) {
    for (const auto& [id, tally] : src.units) vote_counts(out, id, "total", tally->option_votes.at(option));
    for (const auto& [id, box] : src.pecs) vote_counts(out, id, "total", box->option_votes.at(option));
}

/// "Against all": a BallotMeasureSelection (a selection that is only its label), marked by an
/// ExternalIdentifier of OtherType "against-all".
void against_all_selection(XmlOut& out, const std::string& id, std::int64_t sequence, const OptionSource& src) {
    out.start("ContestSelection");
    out.attribute("ObjectId", id);
    out.attribute("xsi:type", "BallotMeasureSelection");
    out.element("SequenceOrder", sequence);
    option_counts(out, src, 0);
    external_id(out, "against-all", "against-all");
    text(out, "Selection", "Against all");
    out.end();
}

/// Contest elements after the selections, up to VoteVariation.
void contest_tail(XmlOut& out, const std::string& district, const std::string& name, std::int64_t sequence,
                  const Tally& t, const char* variation) {
    out.element("ElectionDistrictId", district);
    out.element("Name", name);
    out.element("SequenceOrder", sequence);
    out.element("SubUnitsReported", t.pecs_reporting);
    out.element("TotalSubUnits", t.pecs);
    out.element("VoteVariation", variation);
}

void write_party_contest(Export& e) {
    OptionSource src;
    src.units.emplace_back(kCountryId, &e.results.national);
    for (std::size_t i = 0; i < e.results.regions.size(); ++i)
        src.units.emplace_back(region_id(e.package.regions[i].code), &e.results.regions[i].party_list);
    for (const auto& pec : e.results.pecs)
        if (pec.final_party_list) src.pecs.emplace_back(pec_id(pec.number), &pec.party_list_box);
    e.out.start("Contest");
    e.out.attribute("ObjectId", "contest-party-list");
    e.out.attribute("xsi:type", "PartyContest");
    const auto& parties = e.package.parties;
    for (std::size_t p = 0; p < parties.size(); ++p) {
        e.out.start("ContestSelection");
        e.out.attribute("ObjectId", fmt::format("selection-party-list-party-{}", parties[p].id));
        e.out.attribute("xsi:type", "PartySelection");
        e.out.element("SequenceOrder", static_cast<std::int64_t>(p + 1));
        option_counts(e.out, src, p + 1);
        vote_counts(e.out, kCountryId, "seats", e.results.seats.parties.at(p + 1).seats);
        e.out.element("PartyIds", party_id(parties[p].id));
        e.out.end();
    }
    against_all_selection(e.out, "selection-party-list-against-all", static_cast<std::int64_t>(parties.size() + 1), src);
    contest_tail(e.out, kCountryId, "Jogorku Kenesh: party lists, single nationwide constituency", 1, e.results.national,
                 "proportional");
    e.out.end();
}

void write_district_contest(Export& e, std::size_t i) {
    const auto& d = e.package.districts[i];
    const auto& row = e.results.districts[i];
    OptionSource src;
    src.units.emplace_back(district_id(d.number), &row.district);
    for (auto k : e.district_pecs[i])
        if (e.results.pecs[k].final_district) src.pecs.emplace_back(pec_id(e.package.pecs[k].number), &e.results.pecs[k].district_box);
    e.out.start("Contest");
    e.out.attribute("ObjectId", fmt::format("contest-district-{}", d.number));
    e.out.attribute("xsi:type", "CandidateContest");
    for (std::size_t c = 0; c < d.candidates.size(); ++c) {
        e.out.start("ContestSelection");
        e.out.attribute("ObjectId", fmt::format("selection-district-{}-candidate-{}", d.number, d.candidates[c].id));
        e.out.attribute("xsi:type", "CandidateSelection");
        e.out.element("SequenceOrder", static_cast<std::int64_t>(c + 1));
        option_counts(e.out, src, c + 1);
        e.out.element("CandidateIds", candidate_id(d.number, d.candidates[c].id));
        e.out.end();
    }
    against_all_selection(e.out, fmt::format("selection-district-{}-against-all", d.number),
                          static_cast<std::int64_t>(d.candidates.size() + 1), src);
    contest_tail(e.out, district_id(d.number), fmt::format("Jogorku Kenesh: single-mandate district {} ({})", d.number, d.name),
                 static_cast<std::int64_t>(i + 2), row.district, "plurality");
    e.out.element("NumberElected", 1);
    e.out.element("VotesAllowed", 1);
    e.out.end();
}

// [SECTION] The report

void write_election(Export& e) {
    e.out.start("Election");
    write_ballot_counts(e);
    write_candidates(e);
    write_party_contest(e);
    for (std::size_t i = 0; i < e.package.districts.size(); ++i) write_district_contest(e, i);
    e.out.element("ElectionScopeId", kCountryId);
    text(e.out, "Name", e.package.name);
    e.out.element("StartDate", e.package.date);
    e.out.element("EndDate", e.package.date);
    e.out.element("Type", "general");
    e.out.end();
}

void write_report(Export& e) {
    e.out.start("ElectionReport");
    e.out.attribute("xmlns", std::string(kNistNamespace));
    e.out.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    write_election(e);
    e.out.element("Format", "precinct-level");
    e.out.element("GeneratedDate", e.options.generated_date);
    write_gpunits(e);
    e.out.element("Issuer", e.options.issuer);
    e.out.element("IssuerAbbreviation", e.options.issuer_abbreviation);
    write_parties(e);
    e.out.element("SequenceStart", 1);
    e.out.element("SequenceEnd", 1);
    e.out.element("Status", std::string(nist_status(e.results, e.package)));
    e.out.element("VendorApplicationId", e.options.vendor_application_id);
    e.out.end();
}

// [SECTION] Checks of the inputs

/// True when `s` is well-formed UTF-8 whose every character XML 1.0 allows (Char production).
bool xml_text(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
        for (int k = 1; k < len; ++k) {
            const auto t = static_cast<unsigned char>(s[i + k]);
            if ((t >> 6) != 0x2) return false;
            c = (c << 6) | (t & 0x3F);
        }
        static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < kMin[len]) return false;  // overlong form
        const bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
                             (c >= 0x10000 && c <= 0x10FFFF);
        if (!allowed) return false;
        i += static_cast<std::size_t>(len);
    }
    return true;
}

bool calendar_date(int y, int m, int d) {
    return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                       std::chrono::day{static_cast<unsigned>(d)}}.ok();
}

/// YYYY-MM-DD, a real calendar day (xsd:date).
bool iso_date(const std::string& s) {
    static const std::regex form(R"(([0-9]{4})-([0-9]{2})-([0-9]{2}))");
    std::smatch m;
    return std::regex_match(s, m, form) && calendar_date(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
}

/// The schema's DateTimeWithZone: whole seconds and a zone, on a real calendar day.
bool date_time_with_zone(const std::string& s) {
    static const std::regex form(
        R"(([0-9]{4}-[0-9]{2}-[0-9]{2})T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))");
    std::smatch m;
    return std::regex_match(s, m, form) && iso_date(m[1]);
}

/// Every name and label that reaches the document is XML text; object ids are unique.
std::optional<std::string> bad_input(const core::ElectionPackage& p, const NistExportOptions& o) {
    std::vector<std::pair<std::string, const std::string*>> texts = {
        {"election name", &p.name}, {"issuer", &o.issuer}, {"issuer abbreviation", &o.issuer_abbreviation},
        {"vendor application id", &o.vendor_application_id}};
    for (const auto& r : p.regions) texts.emplace_back(fmt::format("region {} name", r.code), &r.name);
    for (const auto& party : p.parties) texts.emplace_back(fmt::format("party {} name", party.id), &party.name);
    for (const auto& pec : p.pecs) texts.emplace_back(fmt::format("PEC {} place", pec.number), &pec.place);
    for (const auto& d : p.districts) {
        texts.emplace_back(fmt::format("district {} name", d.number), &d.name);
        for (const auto& c : d.candidates) texts.emplace_back(fmt::format("district {} candidate {} name", d.number, c.id), &c.name);
    }
    for (const auto& [what, s] : texts)
        if (!xml_text(*s)) return fmt::format("the {} is not valid UTF-8 text that XML allows", what);
    if (!iso_date(p.date)) return fmt::format("the election date '{}' is not a calendar date YYYY-MM-DD", p.date);
    if (!date_time_with_zone(o.generated_date))
        return fmt::format("the generation time '{}' is not YYYY-MM-DDThh:mm:ss with a zone (Z or +hh:mm)", o.generated_date);
    return std::nullopt;
}

/// Two objects of the package would get the same ObjectId.
std::optional<std::string> duplicate_id(const core::ElectionPackage& p) {
    std::set<std::string> seen;
    std::vector<std::string> ids;
    for (const auto& r : p.regions) ids.push_back(region_id(r.code));
    for (const auto& d : p.districts) {
        ids.push_back(district_id(d.number));
        for (const auto& c : d.candidates) ids.push_back(candidate_id(d.number, c.id));
    }
    for (const auto& pec : p.pecs) ids.push_back(pec_id(pec.number));
    for (const auto& party : p.parties) ids.push_back(party_id(party.id));
    for (const auto& id : ids)
        if (!seen.insert(id).second) return fmt::format("two objects of the package would both be '{}'", id);
    return std::nullopt;
}

/// The results are the package's: same regions, districts and PECs, ballots of the package's shape.
std::optional<std::string> shape_mismatch(const Results& r, const core::ElectionPackage& p) {
    if (r.regions.size() != p.regions.size() || r.districts.size() != p.districts.size() || r.pecs.size() != p.pecs.size())
        return "the results are not the package's (region, district or PEC count differs)";
    const std::size_t party_options = p.parties.size() + 1;
    if (r.national.option_votes.size() != party_options || r.seats.parties.size() != party_options)
        return "the results are not the package's (party count differs)";
    for (const auto& region : r.regions)
        if (region.party_list.option_votes.size() != party_options) return "region tallies are not the package's";
    for (std::size_t i = 0; i < p.districts.size(); ++i)
        if (r.districts[i].district.option_votes.size() != p.districts[i].candidates.size() + 1)
            return fmt::format("district {} tally is not the package's", p.districts[i].number);
    for (std::size_t i = 0; i < p.pecs.size(); ++i) {
        const auto& pec = r.pecs[i];
        if (pec.number != p.pecs[i].number) return fmt::format("PEC {} is not the package's PEC {}", pec.number, p.pecs[i].number);
        if (pec.final_party_list && pec.party_list_box.option_votes.size() != party_options)
            return fmt::format("PEC {}: party-list counts are not the package's", pec.number);
        const auto* d = p.find_district(p.pecs[i].district);
        if (pec.final_district && (!d || pec.district_box.option_votes.size() != d->candidates.size() + 1))
            return fmt::format("PEC {}: district counts are not the package's", pec.number);
    }
    return std::nullopt;
}

/// Collects libxml2's messages (at most 20) while it lives; restores the default handler after.
class XmlErrors {
public:
    XmlErrors() { xmlSetStructuredErrorFunc(this, &XmlErrors::collect); }
    ~XmlErrors() { xmlSetStructuredErrorFunc(nullptr, nullptr); }
    XmlErrors(const XmlErrors&) = delete;
    XmlErrors& operator=(const XmlErrors&) = delete;
    static void collect(void* self, xmlErrorPtr error) {
        auto& lines = static_cast<XmlErrors*>(self)->lines_;
        if (!error || lines.size() >= 20) return;
        std::string message = error->message ? error->message : "unknown error";
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        lines.push_back(fmt::format("line {}: {}", error->line, message));
    }
    std::string text() const {
        std::string out;
        for (const auto& l : lines_) out += "\n  " + l;
        return out.empty() ? " (libxml2 gave no reason)" : out;
    }

private:
    std::vector<std::string> lines_;
};

}  // namespace

// [SECTION] Status, export and validation

std::string_view nist_status(const Results& results, const core::ElectionPackage& package) {
    for (std::size_t i = 0; i < results.pecs.size() && i < package.pecs.size(); ++i) {
        const auto& pec = results.pecs[i];
        const bool owes_district = package.pecs[i].district != 0 && package.find_district(package.pecs[i].district);
        if (!pec.final_party_list || (owes_district && !pec.final_district)) return "unofficial-partial";
    }
    return "unofficial-complete";
}

core::Result<std::string> nist_results_xml(const Results& results, const core::ElectionPackage& package,
                                           const NistExportOptions& options) {
    xmlInitParser();  // once per process; libxml2 wants it before use from threads (serve's /results.xml)
    if (auto problem = bad_input(package, options)) return core::fail("NIST export: " + *problem);
    if (auto problem = duplicate_id(package)) return core::fail("NIST export: " + *problem);
    if (auto problem = shape_mismatch(results, package)) return core::fail("NIST export: " + *problem);
    Export e{.results = results, .package = package, .options = options};
    e.region_pecs.resize(package.regions.size());
    e.district_pecs.resize(package.districts.size());
    for (std::size_t k = 0; k < package.pecs.size(); ++k) {
        for (std::size_t i = 0; i < package.regions.size(); ++i)
            if (package.regions[i].code == package.pecs[k].region_code) e.region_pecs[i].push_back(k);
        for (std::size_t i = 0; i < package.districts.size(); ++i)
            if (package.districts[i].number == package.pecs[k].district) e.district_pecs[i].push_back(k);
    }
    write_report(e);
    auto xml = e.out.finish();
    if (!xml) return core::fail("NIST export: libxml2 could not write the document (out of memory)");
    return std::move(*xml);
}

core::Result<void> validate_xml(std::string_view xml, const std::filesystem::path& xsd) {
    if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return core::fail("the XML is too large to check");
    xmlInitParser();
    XmlErrors errors;
    std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> parser(xmlSchemaNewParserCtxt(xsd.c_str()),
                                                                                      &xmlSchemaFreeParserCtxt);
    if (!parser) return core::fail(fmt::format("{}: cannot read the schema", xsd.string()));
    xmlSchemaSetParserStructuredErrors(parser.get(), &XmlErrors::collect, &errors);
    std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)> schema(xmlSchemaParse(parser.get()), &xmlSchemaFree);
    if (!schema) return core::fail(fmt::format("{}: not a usable XML schema:{}", xsd.string(), errors.text()));
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "document.xml", nullptr, XML_PARSE_NONET), &xmlFreeDoc);
    if (!doc) return core::fail("not well-formed XML:" + errors.text());
    std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> valid(xmlSchemaNewValidCtxt(schema.get()),
                                                                                  &xmlSchemaFreeValidCtxt);
    if (!valid) return core::fail("libxml2 could not start the validation (out of memory)");
    xmlSchemaSetValidStructuredErrors(valid.get(), &XmlErrors::collect, &errors);
    const int rc = xmlSchemaValidateDoc(valid.get(), doc.get());
    if (rc != 0) return core::fail(fmt::format("not valid against {}:{}", xsd.filename().string(), errors.text()));
    return {};
}

}  // namespace central
