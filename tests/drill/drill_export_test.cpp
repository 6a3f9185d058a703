// The e-learning export (drill/drill_export.hpp, docs/drills.md, "Exporting to Moodle and an LRS"): Moodle's gradebook CSV read
// back as Moodle would, and every xAPI statement checked against the REQUIRED fields and formats of
// xAPI 1.0.3, Part Two: Experience API Data (github.com/adlnet/xAPI-Spec, branch 1.0.3, xAPI-Data.md).
//
// Index of this file:
//   [SECTION] A hand-filled score and a CSV reader
//   [SECTION] The xAPI 1.0.3 validator
//   [SECTION] The CSV
//   [SECTION] xAPI statements
#include "drill/drill_export.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <locale>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace drill_export_test {
namespace {

using Json = nlohmann::ordered_json;

// [SECTION] A hand-filled score and a CSV reader

constexpr sim::Time kMinute = 60'000'000;

// A hand-filled score: aida (help desk) passed "Restore the modem" at PEC 1203 with a
// time_to_resolve of 4m30s; bolot (duty officer) failed an objective whose name has a comma and
// quotes; nobody played the PEC chair.
drill::DrillScore export_sample_score() {
    drill::DrillScore s;
    s.drill = "Bishkek night";
    s.final = true;
    drill::ObjectiveScore modem;
    modem.objective = "Restore the modem";
    modem.trainee = "aida";
    modem.fired = 9 * 60 * kMinute + 15 * kMinute;
    modem.pec = 1203;
    drill::MeasureScore ack;
    ack.rule = {drill::Measure::time_to_acknowledge, 60, 300, 5, 0};
    ack.actual = 45, ack.earned = 5, ack.passed = true;
    drill::MeasureScore resolve;
    resolve.rule = {drill::Measure::time_to_resolve, 120, 600, 5, 0};
    resolve.actual = 270, resolve.earned = 2.5, resolve.passed = true;
    modem.measures = {ack, resolve};
    modem.earned = 7.5, modem.points = 10, modem.passed = true;
    drill::ObjectiveScore report;
    report.objective = "Report, \"on time\"";
    report.trainee = "bolot";
    report.fired = 20 * 60 * kMinute;
    report.pec = 0;
    drill::MeasureScore delay;
    delay.rule = {drill::Measure::report_delay, 600, 1200, 5, 0};
    report.measures = {delay};  // never happened: no actual, no points
    report.earned = 0, report.points = 5, report.passed = false;
    drill::ObjectiveScore chair;
    chair.objective = "Open the reserve box";
    chair.trainee = "";
    chair.points = 4;
    s.objectives = {modem, report, chair};
    s.trainees = {{"", sim::TraineeRole::pec_chair, 0, 4, 1, 0},
                  {"aida", sim::TraineeRole::help_desk, 7.5, 10, 1, 1},
                  {"bolot", sim::TraineeRole::duty_officer, 0, 5, 1, 0}};
    return s;
}

drill::ExportContext export_sample_context() {
    drill::ExportContext c;
    c.drill_id = "bishkek-night";
    c.date = "2026-12-06";
    c.home_page = "https://moodle.example.kg";
    c.activity_base = "https://lms.example.kg/xapi/drills/";
    return c;
}

// RFC 4180 read back: quoted fields, doubled quotes, CRLF records.
std::vector<std::vector<std::string>> parse_export_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                rows.back().back() += '"', ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                rows.back().back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().emplace_back();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.emplace_back(1), ++i;
        } else {
            rows.back().back() += c;
        }
    }
    if (rows.back() == std::vector<std::string>(1)) {
        rows.pop_back();  // the last record's CRLF
    }
    return rows;
}

// [SECTION] The xAPI 1.0.3 validator
// Each check names the section of xAPI-Data.md (branch 1.0.3) it comes from.

bool is_iri(const Json& v) {  // 4.3 IRIs; 2.2 "containing IRL or IRI values without a scheme" is rejected
    static const std::regex iri(R"(^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$)");
    return v.is_string() && std::regex_match(v.get<std::string>(), iri);
}
bool is_irl(const Json& v) {  // an IRI that resolves: here http(s)
    static const std::regex irl(R"(^https?://[^\s/]+[^\s]*$)");
    return v.is_string() && std::regex_match(v.get<std::string>(), irl);
}
bool is_language_map(const Json& v) {  // 4.2 Language Maps: RFC 5646 tags -> strings
    static const std::regex tag(R"(^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$)");
    if (!v.is_object() || v.empty()) return false;
    return std::all_of(v.items().begin(), v.items().end(), [](const auto& kv) {
        return std::regex_match(kv.key(), tag) && kv.value().is_string();
    });
}
bool only_keys(const Json& v, const std::set<std::string>& allowed) {
    return v.is_object() && std::all_of(v.items().begin(), v.items().end(), [&](const auto& kv) { return allowed.contains(kv.key()); });
}
bool has_null(const Json& v) {  // 2.2 LRS Requirements: reject "any null values (except inside extensions)"
    if (v.is_null()) return true;
    if (v.is_array()) return std::any_of(v.begin(), v.end(), has_null);
    if (v.is_object()) {
        return std::any_of(v.items().begin(), v.items().end(), [](const auto& kv) { return kv.key() != "extensions" && has_null(kv.value()); });
    }
    return false;
}

void check_agent(const Json& a, std::vector<std::string>& bad) {  // 2.4.2.1, 2.4.2.3, 2.4.2.4
    if (!a.is_object()) return bad.push_back("actor: not an object");
    if (a.contains("objectType") && a["objectType"] != "Agent") bad.push_back("actor.objectType: not Agent");
    if (a.contains("name") && !a["name"].is_string()) bad.push_back("actor.name: not a string");
    const int ifis = int(a.contains("mbox")) + int(a.contains("mbox_sha1sum")) + int(a.contains("openid")) + int(a.contains("account"));
    if (ifis != 1) bad.push_back("actor: needs exactly one inverse functional identifier");
    if (!only_keys(a, {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})) bad.push_back("actor: unknown property");
    if (a.contains("account")) {
        const Json& acc = a["account"];
        if (!acc.contains("homePage") || !is_irl(acc["homePage"])) bad.push_back("actor.account.homePage: required IRL");
        if (!acc.contains("name") || !acc["name"].is_string() || acc["name"].get<std::string>().empty()) {
            bad.push_back("actor.account.name: required string");
        }
        if (!only_keys(acc, {"homePage", "name"})) bad.push_back("actor.account: unknown property");
    }
}

void check_activity(const Json& o, const std::string& where, std::vector<std::string>& bad) {  // 2.4.4.1
    if (!o.is_object()) return bad.push_back(where + ": not an object");
    if (o.contains("objectType") && o["objectType"] != "Activity") bad.push_back(where + ".objectType: not Activity");
    if (!o.contains("id") || !is_iri(o["id"])) bad.push_back(where + ".id: required IRI");
    if (!only_keys(o, {"objectType", "id", "definition"})) bad.push_back(where + ": unknown property");
    if (!o.contains("definition")) return;
    const Json& d = o["definition"];  // Activity Definition
    if (!only_keys(d, {"name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern",
                       "choices", "scale", "source", "target", "steps"})) {
        bad.push_back(where + ".definition: unknown property");
    }
    if (d.contains("name") && !is_language_map(d["name"])) bad.push_back(where + ".definition.name: not a language map");
    if (d.contains("description") && !is_language_map(d["description"])) bad.push_back(where + ".definition.description: not a language map");
    if (d.contains("type") && !is_iri(d["type"])) bad.push_back(where + ".definition.type: not an IRI");
}

void check_result(const Json& r, std::vector<std::string>& bad) {  // 2.4.5 Result, 2.4.5.1 Score, 4.6
    static const std::regex duration(R"(^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$)");
    if (!only_keys(r, {"score", "success", "completion", "response", "duration", "extensions"})) bad.push_back("result: unknown property");
    if (r.contains("success") && !r["success"].is_boolean()) bad.push_back("result.success: not a boolean");
    if (r.contains("completion") && !r["completion"].is_boolean()) bad.push_back("result.completion: not a boolean");
    if (r.contains("duration") && !(r["duration"].is_string() && std::regex_match(r["duration"].get<std::string>(), duration))) {
        bad.push_back("result.duration: not an ISO 8601 duration");
    }
    if (!r.contains("score")) return;
    const Json& s = r["score"];
    if (!only_keys(s, {"scaled", "raw", "min", "max"})) bad.push_back("result.score: unknown property");
    for (const char* k : {"scaled", "raw", "min", "max"}) {
        if (s.contains(k) && !s[k].is_number()) bad.push_back(std::string("result.score.") + k + ": not a number");
    }
    if (!bad.empty()) return;
    if (s.contains("scaled") && (s["scaled"] < -1 || s["scaled"] > 1)) bad.push_back("result.score.scaled: outside [-1, 1]");
    if (s.contains("min") && s.contains("max") && !(s["min"] < s["max"])) bad.push_back("result.score: min not less than max");
    if (s.contains("raw") && s.contains("min") && s["raw"] < s["min"]) bad.push_back("result.score.raw: under min");
    if (s.contains("raw") && s.contains("max") && s["raw"] > s["max"]) bad.push_back("result.score.raw: over max");
}

void check_context(const Json& c, std::vector<std::string>& bad) {  // 2.4.6 Context, 2.4.6.2 ContextActivities
    if (!only_keys(c, {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement", "extensions"})) {
        bad.push_back("context: unknown property");
    }
    if (c.contains("platform") && !c["platform"].is_string()) bad.push_back("context.platform: not a string");
    if (!c.contains("contextActivities")) return;
    const Json& ca = c["contextActivities"];
    if (!only_keys(ca, {"parent", "grouping", "category", "other"})) bad.push_back("context.contextActivities: unknown key");
    for (const auto& kv : ca.items()) {
        if (!kv.value().is_array()) bad.push_back("context.contextActivities." + kv.key() + ": not an array");
        for (const Json& a : kv.value()) check_activity(a, "context.contextActivities." + kv.key(), bad);
    }
}

// Every problem of one statement against xAPI 1.0.3's requirements; empty: valid.
std::vector<std::string> xapi_problems(const Json& s) {
    static const std::regex uuid(R"(^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$)");  // 2.4.1, 4.4
    static const std::regex timestamp(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}(Z|[+-]\d{2}:\d{2})$)");     // 2.4.7, 4.5
    std::vector<std::string> bad;
    if (!s.is_object()) return {"statement: not an object"};
    // 2.2 Formatting Requirements: "A Statement MUST use actor, verb, and object"; 2.4 Statement Properties.
    for (const char* k : {"actor", "verb", "object"}) {
        if (!s.contains(k)) bad.push_back(std::string(k) + ": required");
    }
    if (!only_keys(s, {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"})) {
        bad.push_back("statement: unknown top-level property");
    }
    if (has_null(s)) bad.push_back("statement: a null value");
    if (s.contains("id") && !(s["id"].is_string() && std::regex_match(s["id"].get<std::string>(), uuid))) bad.push_back("id: not an RFC 4122 UUID");
    if (s.contains("actor")) check_agent(s["actor"], bad);
    if (s.contains("verb")) {  // 2.4.3 Verb
        if (!s["verb"].contains("id") || !is_iri(s["verb"]["id"])) bad.push_back("verb.id: required IRI");
        if (s["verb"].contains("display") && !is_language_map(s["verb"]["display"])) bad.push_back("verb.display: not a language map");
        if (!only_keys(s["verb"], {"id", "display"})) bad.push_back("verb: unknown property");
    }
    if (s.contains("object")) check_activity(s["object"], "object", bad);
    if (s.contains("result")) check_result(s["result"], bad);
    if (s.contains("context")) check_context(s["context"], bad);
    if (s.contains("timestamp") && !(s["timestamp"].is_string() && std::regex_match(s["timestamp"].get<std::string>(), timestamp))) {
        bad.push_back("timestamp: not ISO 8601 with milliseconds and an offset");
    }
    return bad;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += s + "; ";
    return out;
}

const Json& statement_of(const Json& all, const std::string& trainee, const std::string& verb_word) {
    for (const Json& s : all) {
        if (s["actor"]["account"]["name"] == trainee && s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/" + verb_word) return s;
    }
    throw std::runtime_error("no statement " + trainee + " " + verb_word);
}

// [SECTION] The CSV

TEST(DrillExport, CsvHasAUsernameColumnOneColumnPerObjectiveAndOneRowPerTrainee) {
    const std::string csv = drill::moodle_grades_csv(export_sample_score(), export_sample_context());
    // RFC 4180: CRLF records; a field with a comma and quotes is quoted, its quotes doubled.
    EXPECT_NE(csv.find(R"("Report, ""on time""")"), std::string::npos) << csv;
    EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
    const auto rows = parse_export_csv(csv);
    ASSERT_EQ(rows.size(), 3U) << csv;  // header, aida, bolot: the role nobody played has no row
    EXPECT_EQ(rows[0], (std::vector<std::string>{"Username", "Restore the modem", "Report, \"on time\"", "Open the reserve box",
                                                  "Bishkek night (total)"}));
    EXPECT_EQ(rows[1], (std::vector<std::string>{"aida", "7.5", "", "", "7.5"}));   // "": another role's objective, no grade
    EXPECT_EQ(rows[2], (std::vector<std::string>{"bolot", "", "0", "", "0"}));
    for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
}

// A C++ locale writing "1.234,5" (as de_DE or ru_RU would), installed for one test.
struct CommaDecimals : std::numpunct<char> {
    char do_decimal_point() const override { return ','; }
    char do_thousands_sep() const override { return '.'; }
    std::string do_grouping() const override { return "\3"; }
};
struct GlobalCommaLocale {
    std::locale before = std::locale::global(std::locale(std::locale::classic(), new CommaDecimals));
    ~GlobalCommaLocale() { std::locale::global(before); }
};

TEST(DrillExport, CsvNumbersHaveADotAndAtMostTwoDecimals) {
    const GlobalCommaLocale comma;  // the export must not follow it
    drill::DrillScore s = export_sample_score();
    s.objectives[0].earned = 10.0 / 3;
    s.trainees[1].earned = 1234.5678;
    drill::ExportContext c = export_sample_context();
    c.drill_name = "Night, \"B\"\nrun";  // the total column's name is quoted too
    const auto rows = parse_export_csv(drill::moodle_grades_csv(s, c));
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0].back(), "Night, \"B\"\nrun (total)");
    EXPECT_EQ(rows[1][1], "3.33");
    EXPECT_EQ(rows[1].back(), "1234.57");
    EXPECT_EQ(drill::xapi_statements(s, c)[0]["result"]["score"]["raw"].dump(), "3.33");
}

// [SECTION] xAPI statements

TEST(DrillExport, EveryStatementHasTheFieldsXapiRequires) {
    const Json all = drill::xapi_statements(export_sample_score(), export_sample_context());
    ASSERT_TRUE(all.is_array());
    ASSERT_EQ(all.size(), 4U);  // aida's and bolot's objective, and each one's whole drill; nobody's chair objective: none
    std::set<std::string> ids;
    for (const Json& s : all) {
        EXPECT_EQ(joined(xapi_problems(s)), "") << s.dump(2);
        ids.insert(s["id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), all.size()) << "statement ids are unique";
}

TEST(DrillExport, VerbsAndResultsFollowTheScores) {
    const Json all = drill::xapi_statements(export_sample_score(), export_sample_context());
    const Json& aida = statement_of(all, "aida", "passed");
    EXPECT_EQ(aida["verb"]["display"]["en-US"], "passed");
    EXPECT_EQ(aida["actor"]["name"], "aida");
    EXPECT_EQ(aida["actor"]["account"]["homePage"], "https://moodle.example.kg");
    EXPECT_EQ(aida["object"]["id"], "https://lms.example.kg/xapi/drills/bishkek-night/objectives/1");
    EXPECT_EQ(aida["object"]["definition"]["name"]["en-US"], "Restore the modem");
    EXPECT_EQ(aida["object"]["definition"]["type"], "http://adlnet.gov/expapi/activities/objective");
    EXPECT_DOUBLE_EQ(aida["result"]["score"]["scaled"].get<double>(), 0.75);
    EXPECT_DOUBLE_EQ(aida["result"]["score"]["raw"].get<double>(), 7.5);
    EXPECT_DOUBLE_EQ(aida["result"]["score"]["max"].get<double>(), 10);
    EXPECT_EQ(aida["result"]["success"], true);
    EXPECT_EQ(aida["result"]["completion"], true);
    EXPECT_EQ(aida["result"]["duration"], "PT4M30S");  // time_to_resolve's actual
    EXPECT_EQ(aida["timestamp"], "2026-12-06T09:15:00.000+06:00");
    EXPECT_EQ(aida["context"]["contextActivities"]["parent"][0]["id"], "https://lms.example.kg/xapi/drills/bishkek-night");
    EXPECT_EQ(aida["id"], drill::name_uuid("https://lms.example.kg/xapi/drills/bishkek-night/objectives/1#2026-12-06#aida"));

    const Json& bolot = statement_of(all, "bolot", "failed");
    EXPECT_EQ(bolot["object"]["id"], "https://lms.example.kg/xapi/drills/bishkek-night/objectives/2");
    EXPECT_EQ(bolot["result"]["success"], false);
    EXPECT_DOUBLE_EQ(bolot["result"]["score"]["scaled"].get<double>(), 0);
    EXPECT_FALSE(bolot["result"].contains("duration"));  // no time_to_resolve measure
    EXPECT_EQ(bolot["timestamp"], "2026-12-06T20:00:00.000+06:00");

    const Json& whole = statement_of(all, "aida", "completed");
    EXPECT_EQ(whole["object"]["id"], "https://lms.example.kg/xapi/drills/bishkek-night");
    EXPECT_EQ(whole["object"]["definition"]["name"]["en-US"], "Bishkek night");
    EXPECT_EQ(whole["result"]["success"], true);
    EXPECT_EQ(whole["timestamp"], "2026-12-06T09:19:30.000+06:00");  // the inject plus its resolution
    EXPECT_EQ(statement_of(all, "bolot", "completed")["result"]["success"], false);
}

TEST(DrillExport, SameInputGivesTheSameBytes) {
    const auto s = export_sample_score();
    const auto c = export_sample_context();
    EXPECT_EQ(drill::xapi_statements(s, c).dump(), drill::xapi_statements(s, c).dump());
    EXPECT_EQ(drill::moodle_grades_csv(s, c), drill::moodle_grades_csv(s, c));
    drill::ExportContext other_day = c;
    other_day.date = "2026-12-07";
    EXPECT_NE(drill::xapi_statements(s, c)[0]["id"], drill::xapi_statements(s, other_day)[0]["id"]);
}

TEST(DrillExport, TheValidatorRejectsAStatementMissingARequiredField) {
    const Json good = drill::xapi_statements(export_sample_score(), export_sample_context())[0];
    ASSERT_TRUE(xapi_problems(good).empty());
    const auto broken = [&](auto change) {
        Json s = good;
        change(s);
        return !xapi_problems(s).empty();
    };
    EXPECT_TRUE(broken([](Json& s) { s["actor"]["account"].erase("homePage"); }));
    EXPECT_TRUE(broken([](Json& s) { s["actor"]["account"].erase("name"); }));
    EXPECT_TRUE(broken([](Json& s) { s["actor"].erase("account"); }));
    EXPECT_TRUE(broken([](Json& s) { s["actor"]["mbox"] = "mailto:aida@example.kg"; }));  // two identifiers
    EXPECT_TRUE(broken([](Json& s) { s.erase("verb"); }));
    EXPECT_TRUE(broken([](Json& s) { s["verb"]["id"] = "passed"; }));  // no scheme
    EXPECT_TRUE(broken([](Json& s) { s["object"].erase("id"); }));
    EXPECT_TRUE(broken([](Json& s) { s["result"]["score"]["scaled"] = 1.5; }));
    EXPECT_TRUE(broken([](Json& s) { s["result"]["score"]["raw"] = 11; }));
    EXPECT_TRUE(broken([](Json& s) { s["result"]["score"]["min"] = 10; }));
    EXPECT_TRUE(broken([](Json& s) { s["result"]["success"] = "true"; }));
    EXPECT_TRUE(broken([](Json& s) { s["result"]["duration"] = "4m30s"; }));
    EXPECT_TRUE(broken([](Json& s) { s["timestamp"] = "2026-12-06T09:15:00"; }));
    EXPECT_TRUE(broken([](Json& s) { s["id"] = "148f5873-8d5b-525e-c55b-4185884d22c9"; }));  // not the RFC 4122 variant
    EXPECT_TRUE(broken([](Json& s) { s["score"] = 7.5; }));                                   // unknown top-level property
    EXPECT_TRUE(broken([](Json& s) { s["context"]["platform"] = nullptr; }));
}

TEST(DrillExport, IdsAreNameBasedVersion5Uuids) {
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, "https://shailoo-sim.kg/xapi/drills/x/objectives/1#2026-12-06#ainura")
    EXPECT_EQ(drill::name_uuid("https://shailoo-sim.kg/xapi/drills/x/objectives/1#2026-12-06#ainura"),
              "148f5873-8d5b-525e-955b-4185884d22c9");
    const std::string empty = drill::name_uuid("");
    EXPECT_EQ(empty[14], '5');  // version
    EXPECT_NE(std::string("89ab").find(empty[19]), std::string::npos);  // variant
}

TEST(DrillExport, TimesRollOverMidnightAndDurationsAreIso8601) {
    drill::DrillScore s = export_sample_score();
    s.objectives[1].fired = 24 * 60 * kMinute + 5 * kMinute + 1'234;  // 00:05 the next day, a few microseconds
    drill::ExportContext c = export_sample_context();
    c.date = "2026-12-31";
    const Json all = drill::xapi_statements(s, c);
    EXPECT_EQ(statement_of(all, "bolot", "failed")["timestamp"], "2027-01-01T00:05:00.001+06:00");
    EXPECT_EQ(drill::iso_duration(3602.5), "PT1H2.5S");
    EXPECT_EQ(drill::iso_duration(0), "PT0S");
    EXPECT_EQ(drill::iso_duration(59.999), "PT1M");
    c.date = "2026-02-30";
    EXPECT_THROW(drill::xapi_statements(s, c), std::invalid_argument);
    c.date = "6 Dec 2026";
    EXPECT_THROW(drill::xapi_statements(s, c), std::invalid_argument);
}

TEST(DrillExport, AnObjectiveWorthNoPointsHasNoScoreAndStaysValid) {
    drill::DrillScore s = export_sample_score();
    s.objectives[0].points = 0, s.objectives[0].earned = 0;
    s.objectives[0].fired.reset();
    const Json all = drill::xapi_statements(s, export_sample_context());
    const Json& aida = statement_of(all, "aida", "passed");
    EXPECT_FALSE(aida["result"].contains("score"));  // xAPI: min < max, so no score at all
    EXPECT_FALSE(aida.contains("timestamp"));        // the inject never fired: the LRS sets it
    for (const Json& st : all) EXPECT_EQ(joined(xapi_problems(st)), "") << st.dump(2);
}

}  // namespace
}  // namespace drill_export_test
