#pragma once
/// Exporting a drill's scores for an e-learning platform (docs/drills.md, "Exporting to Moodle and an LRS"): a gradebook CSV
/// Moodle's "Import grades > CSV file" takes as is, and xAPI 1.0.3 statements (one per trainee and
/// objective, one per trainee for the whole drill) for a Learning Record Store. Both are pure
/// functions of the scores and the context: no wall clock, no locale, the same input gives the same
/// bytes.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "drill/drill_score.hpp"

namespace drill {

/// Where and when the drill ran, as the e-learning platform should see it. home_page and
/// activity_base are placeholders: the trainer sets them to the CEC's Moodle and the IRI base the
/// CEC controls (docs/drills.md, "Exporting to Moodle and an LRS").
struct ExportContext {
    std::string drill_name;  ///< shown in Moodle and the LRS; empty: the score's drill name
    std::string drill_id;    ///< the drill's slug in activity IRIs; empty: made from the drill name
    std::string date;        ///< YYYY-MM-DD: the day the drill's virtual times fall on (timestamps, statement
                             ///< ids); the election day the drill plays, or the day it was played, as
                             ///< xAPI forbids timestamps in the future
    std::string home_page = "https://moodle.shailoo-sim.kg";       ///< the system the trainee ids are accounts of
    std::string activity_base = "https://shailoo-sim.kg/xapi/drills";  ///< activity IRIs start here
};

/// Moodle's gradebook import CSV (RFC 4180, CRLF): a `Username` column (the trainee ids), one
/// column per objective (its name; the points earned, empty for an objective of another role) and
/// "<drill name> (total)". One row per trainee, the roles nobody played left out. Numbers have a
/// '.' and at most two decimals.
std::string moodle_grades_csv(const DrillScore& score, const ExportContext& ctx);

/// xAPI 1.0.3 statements, as a JSON array for POST /statements: per trainee and objective, verb
/// passed or failed; per trainee, verb completed on the whole drill. Throws std::invalid_argument
/// when ctx.date is not a valid YYYY-MM-DD.
nlohmann::ordered_json xapi_statements(const DrillScore& score, const ExportContext& ctx);

/// A name-based UUID (RFC 4122 version 5, SHA-1) of `name` in the URL namespace
/// (6ba7b811-9dad-11d1-80b4-00c04fd430c8), lowercase 8-4-4-4-12. Statement ids are
/// name_uuid("<object activity id>#<date>#<trainee>").
std::string name_uuid(std::string_view name);

/// Seconds as an ISO 8601 duration, zero parts left out: 270 -> "PT4M30S", 3602.5 -> "PT1H2.5S",
/// 0 -> "PT0S" (rounded to 0.01 s, the precision xAPI asks for; negative counts as 0).
std::string iso_duration(double seconds);

}  // namespace drill
