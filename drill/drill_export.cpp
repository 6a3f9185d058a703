#include "drill/drill_export.hpp"

// Index of this file:
//   [SECTION] Numbers, names and CSV fields
//   [SECTION] The Moodle gradebook CSV
//   [SECTION] Name-based UUIDs (SHA-1)
//   [SECTION] Timestamps and durations
//   [SECTION] xAPI statements

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace drill {
// [SECTION] Numbers, names and CSV fields

namespace {

// Two decimals, and never "-0".
double round2(double x) {
    const double r = std::round(x * 100.0) / 100.0;
    return r == 0 ? 0.0 : r;
}

// "12.5", "10", "0.33": a '.' and at most two decimals whatever the locale (fmt uses the C locale
// unless asked for 'L').
std::string number_text(double x) {
    std::string s = fmt::format("{:.2f}", round2(x));
    while (s.back() == '0') {
        s.pop_back();
    }
    if (s.back() == '.') {
        s.pop_back();
    }
    return s;
}

// The drill's name as the platform shows it.
std::string drill_title(const DrillScore& score, const ExportContext& ctx) {
    return ctx.drill_name.empty() ? score.drill : ctx.drill_name;
}

// Lowercase ASCII letters and digits, anything else one '-': safe in an IRI path segment.
std::string slug(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 && u < 0x80) {
            out += static_cast<char>(std::tolower(u));
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    return out.empty() ? std::string("drill") : out;
}

// The objectives' names in the drill's order (score.objectives repeats each once per trainee).
std::vector<std::string> objective_names(const DrillScore& score) {
    std::vector<std::string> names;
    for (const ObjectiveScore& o : score.objectives) {
        if (std::find(names.begin(), names.end(), o.objective) == names.end()) {
            names.push_back(o.objective);
        }
    }
    return names;
}

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(s);
    }
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + '"';
}

std::string csv_row(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i != 0) {
            out += ',';
        }
        out += csv_field(cells[i]);
    }
    return out + "\r\n";
}

}  // namespace

// [SECTION] The Moodle gradebook CSV

std::string moodle_grades_csv(const DrillScore& score, const ExportContext& ctx) {
    const std::vector<std::string> names = objective_names(score);
    std::vector<std::string> header{"Username"};
    header.insert(header.end(), names.begin(), names.end());
    header.push_back(drill_title(score, ctx) + " (total)");
    std::string out = csv_row(header);
    for (const TraineeScore& t : score.trainees) {
        if (t.trainee.empty()) {
            continue;  // a role nobody played
        }
        std::vector<std::string> row{t.trainee};
        for (const std::string& name : names) {
            const auto it = std::find_if(score.objectives.begin(), score.objectives.end(), [&](const ObjectiveScore& o) {
                return o.objective == name && o.trainee == t.trainee;
            });
            row.push_back(it == score.objectives.end() ? std::string() : number_text(it->earned));
        }
        row.push_back(number_text(t.earned));
        out += csv_row(row);
    }
    return out;
}

// [SECTION] Name-based UUIDs (SHA-1)

namespace {

// One 64-byte block of SHA-1 (FIPS 180-4, 6.1.2).
void sha1_block(std::array<std::uint32_t, 5>& h, const unsigned char* p) {
    std::array<std::uint32_t, 80> w{};
    for (int i = 0; i < 16; ++i) {
        w[i] = (std::uint32_t{p[4 * i]} << 24) | (std::uint32_t{p[4 * i + 1]} << 16) | (std::uint32_t{p[4 * i + 2]} << 8) |
               std::uint32_t{p[4 * i + 3]};
    }
    for (int i = 16; i < 80; ++i) {
        w[i] = std::rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
        std::uint32_t f = 0, k = 0;
        if (i < 20) {
            f = (b & c) | (~b & d), k = 0x5A827999;
        } else if (i < 40) {
            f = b ^ c ^ d, k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
        } else {
            f = b ^ c ^ d, k = 0xCA62C1D6;
        }
        const std::uint32_t t = std::rotl(a, 5) + f + e + k + w[i];
        e = d, d = c, c = std::rotl(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

std::array<unsigned char, 20> sha1(std::string_view data) {
    std::array<std::uint32_t, 5> h{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::string msg(data);
    msg += static_cast<char>(0x80);
    while (msg.size() % 64 != 56) {
        msg += '\0';
    }
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    for (int i = 7; i >= 0; --i) {
        msg += static_cast<char>((bits >> (8 * i)) & 0xff);
    }
    for (std::size_t at = 0; at < msg.size(); at += 64) {
        sha1_block(h, reinterpret_cast<const unsigned char*>(msg.data() + at));
    }
    std::array<unsigned char, 20> out{};
    for (int i = 0; i < 20; ++i) {
        out[i] = static_cast<unsigned char>(h[i / 4] >> (24 - 8 * (i % 4)));
    }
    return out;
}

// RFC 4122, Appendix C: the name space for URLs.
constexpr std::array<unsigned char, 16> kUrlNamespace{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

}  // namespace

std::string name_uuid(std::string_view name) {
    std::string input(kUrlNamespace.begin(), kUrlNamespace.end());
    input += name;
    std::array<unsigned char, 20> d = sha1(input);
    d[6] = static_cast<unsigned char>((d[6] & 0x0f) | 0x50);  // version 5
    d[8] = static_cast<unsigned char>((d[8] & 0x3f) | 0x80);  // variant RFC 4122 (10xx)
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out += '-';
        }
        out += fmt::format("{:02x}", d[i]);
    }
    return out;
}

// [SECTION] Timestamps and durations

namespace {

int date_number(std::string_view digits) {
    int v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return -1;
    }
    return v;
}

std::chrono::sys_days parse_day(std::string_view date) {
    using namespace std::chrono;
    if (date.size() == 10 && date[4] == '-' && date[7] == '-') {
        const int y = date_number(date.substr(0, 4)), m = date_number(date.substr(5, 2)), d = date_number(date.substr(8, 2));
        const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
        if (y >= 0 && m >= 0 && d >= 0 && ymd.ok()) {
            return sys_days{ymd};
        }
    }
    throw std::invalid_argument(fmt::format("export date '{}' is not YYYY-MM-DD", date));
}

// Virtual time (microseconds since local midnight of `day`, UTC+6) as ISO 8601 with its offset:
// "2026-12-06T09:15:00.000+06:00". A time past midnight falls on the next day.
std::string timestamp(std::chrono::sys_days day, sim::Time at) {
    constexpr std::int64_t kDayMs = 86'400'000;
    const std::int64_t ms = at >= 0 ? at / 1000 : -((-at + 999) / 1000);
    const std::int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
    const std::int64_t of_day = ms - days * kDayMs;
    const std::chrono::year_month_day ymd{day + std::chrono::days{days}};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+06:00", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), of_day / 3'600'000,
                       of_day / 60'000 % 60, of_day / 1000 % 60, of_day % 1000);
}

// The time_to_resolve measure's actual, in seconds, when the objective has one and it happened.
std::optional<double> resolve_seconds(const ObjectiveScore& o) {
    for (const MeasureScore& m : o.measures) {
        if (m.rule.measure == Measure::time_to_resolve && m.actual) {
            return *m.actual;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string iso_duration(double seconds) {
    const std::int64_t cs = std::isfinite(seconds) && seconds > 0 ? std::llround(seconds * 100) : 0;  // centiseconds
    const std::int64_t h = cs / 360'000, m = cs / 6'000 % 60, rest = cs % 6'000;
    std::string out = "PT";
    if (h != 0) {
        out += fmt::format("{}H", h);
    }
    if (m != 0) {
        out += fmt::format("{}M", m);
    }
    if (rest != 0 || out == "PT") {
        out += number_text(static_cast<double>(rest) / 100.0) + "S";
    }
    return out;
}

// [SECTION] xAPI statements

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kVerbs = "http://adlnet.gov/expapi/verbs/";
constexpr std::string_view kObjectiveType = "http://adlnet.gov/expapi/activities/objective";
constexpr std::string_view kSimulationType = "http://adlnet.gov/expapi/activities/simulation";

// What every statement of one export shares.
struct Export {
    const DrillScore& score;
    const ExportContext& ctx;
    std::chrono::sys_days day;
    std::string title, drill_iri;
};

Json verb(const std::string& word) {
    Json v;
    v["id"] = std::string(kVerbs) + word;
    v["display"]["en-US"] = word;
    return v;
}

// An Agent identified by one IFI, the account on the trainer's platform (xAPI 2.4.2.4).
Json agent(const Export& x, const std::string& trainee) {
    Json a;
    a["objectType"] = "Agent";
    a["name"] = trainee;
    a["account"]["homePage"] = x.ctx.home_page;
    a["account"]["name"] = trainee;
    return a;
}

Json activity(const std::string& iri, const std::string& name, const std::string& description, std::string_view type) {
    Json a;
    a["objectType"] = "Activity";
    a["id"] = iri;
    a["definition"]["name"]["en-US"] = name;
    a["definition"]["description"]["en-US"] = description;
    a["definition"]["type"] = type;
    return a;
}

Json drill_activity(const Export& x) {
    return activity(x.drill_iri, x.title, "Shailoo Sim election-night drill: " + x.title, kSimulationType);
}

// score (when the objective is worth points: xAPI needs min < max), success, completion, duration.
Json result(double earned, double points, bool success, std::optional<double> seconds) {
    Json r;
    const double max = round2(points);
    if (max > 0) {
        const double raw = std::clamp(round2(earned), 0.0, max);
        r["score"]["scaled"] = std::round(raw / max * 10'000) / 10'000;
        r["score"]["raw"] = raw;
        r["score"]["min"] = 0;
        r["score"]["max"] = max;
    }
    r["success"] = success;
    r["completion"] = true;
    if (seconds) {
        r["duration"] = iso_duration(*seconds);
    }
    return r;
}

Json objective_statement(const Export& x, const ObjectiveScore& o, int number) {
    const std::string iri = fmt::format("{}/objectives/{}", x.drill_iri, number);
    std::string description = fmt::format("Objective {} of the drill {}", number, x.title);
    description += (o.pec == 0 ? ", about the inject on " : ", about the inject at ") + o.place;
    Json s;
    s["id"] = name_uuid(iri + "#" + x.ctx.date + "#" + o.trainee);
    s["actor"] = agent(x, o.trainee);
    s["verb"] = verb(o.passed ? "passed" : "failed");
    s["object"] = activity(iri, o.objective, description, kObjectiveType);
    s["result"] = result(o.earned, o.points, o.passed, resolve_seconds(o));
    s["context"]["contextActivities"]["parent"] = Json::array({drill_activity(x)});
    s["context"]["platform"] = "Shailoo Sim";
    if (o.fired) {
        s["timestamp"] = timestamp(x.day, *o.fired);
    }
    return s;
}

// The trainee's last known moment in the drill: the latest resolution, else the latest inject.
std::optional<sim::Time> last_moment(const Export& x, const std::string& trainee) {
    std::optional<sim::Time> last;
    for (const ObjectiveScore& o : x.score.objectives) {
        if (o.trainee != trainee || !o.fired) {
            continue;
        }
        const std::optional<double> s = resolve_seconds(o);
        const sim::Time at = *o.fired + (s ? static_cast<sim::Time>(std::llround(*s * 1e6)) : 0);
        last = std::max(last.value_or(at), at);
    }
    return last;
}

Json drill_statement(const Export& x, const TraineeScore& t) {
    Json s;
    s["id"] = name_uuid(x.drill_iri + "#" + x.ctx.date + "#" + t.trainee);
    s["actor"] = agent(x, t.trainee);
    s["verb"] = verb("completed");
    s["object"] = drill_activity(x);
    s["result"] = result(t.earned, t.points, t.objectives > 0 && t.passed == t.objectives, std::nullopt);
    s["context"]["platform"] = "Shailoo Sim";
    if (const std::optional<sim::Time> at = last_moment(x, t.trainee)) {
        s["timestamp"] = timestamp(x.day, *at);
    }
    return s;
}

}  // namespace

Json xapi_statements(const DrillScore& score, const ExportContext& ctx) {
    std::string base = ctx.activity_base;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    const std::string title = drill_title(score, ctx);
    const Export x{score, ctx, parse_day(ctx.date), title, base + "/" + slug(ctx.drill_id.empty() ? title : ctx.drill_id)};
    const std::vector<std::string> names = objective_names(score);
    Json out = Json::array();
    for (const ObjectiveScore& o : score.objectives) {
        if (o.trainee.empty()) {
            continue;  // nobody of the role acted
        }
        const auto number = std::find(names.begin(), names.end(), o.objective) - names.begin() + 1;
        out.push_back(objective_statement(x, o, static_cast<int>(number)));
    }
    for (const TraineeScore& t : score.trainees) {
        if (!t.trainee.empty()) {
            out.push_back(drill_statement(x, t));
        }
    }
    return out;
}

}  // namespace drill
