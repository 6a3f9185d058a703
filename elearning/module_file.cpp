#include "elearning/module_file.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "core/yaml_fields.hpp"

namespace elearning {

namespace {

using Reader = core::YamlReader;
using Outcome = core::Result<void>;

constexpr std::array<std::string_view, 6> kPlayed{"published_minutes", "voters_left",          "queue_minutes",
                                                  "ballots_at_risk",   "results_acknowledged", "forged_ballots"};
constexpr std::array<std::string_view, 3> kNight{"pec", "inject_at", "drill"};

// An id a file name and a SCORM identifier can both carry: 1 to 64 letters, digits and '-'.
bool is_identifier(const std::string& id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char ch) { return std::isalnum(ch) || ch == '-'; });
}

bool known(std::span<const std::string_view> names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Every {name} of `text` must be a figure the text may quote: the night's, and the played ones when
// `played` (a choice that runs on the night).
Outcome check_figures(const Reader& r, const YAML::Node& node, const std::string& field, const std::string& text, bool played) {
    for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
        const std::size_t close = text.find('}', open);
        if (close == std::string::npos) return r.bad(node, field, "has a '{' without its '}'");
        const std::string name = text.substr(open + 1, close - open - 1);
        if (known(kNight, name)) continue;
        if (!known(kPlayed, name))
            return r.bad(node, field, fmt::format("quotes {{{}}}, which is no figure (the night's: pec, inject_at, drill; a played "
                                                  "choice's: published_minutes, voters_left, queue_minutes, ballots_at_risk, results_acknowledged, "
                                                  "forged_ballots)",
                                                  name));
        if (!played)
            return r.bad(node, field, fmt::format("quotes {{{}}}, a figure measured only when the choice is played on the night: give the "
                                                  "choice 'play' (docs/elearning.md)", name));
    }
    return {};
}

core::Result<std::string> text_with_figures(const Reader& r, const YAML::Node& map, const std::string& field, bool played) {
    auto text = r.text(map, field);
    if (!text) return text;
    if (auto ok = check_figures(r, map[field], field, *text, played); !ok) return std::unexpected(ok.error());
    return text;
}

core::Result<Choice> read_choice(const Reader& file_reader, const YAML::Node& n, const std::string& where, const drill::DrillFile& drill) {
    const Reader r = file_reader.within(where);
    if (!n.IsMap()) return file_reader.bad(n, where, "expected a mapping {text, points, feedback, play}");
    if (auto ok = r.only_keys(n, {"text", "points", "feedback", "play"}); !ok) return std::unexpected(ok.error());
    Choice c;
    c.line = n.Mark().line + 1;
    c.played = n["play"].IsDefined();
    auto text = text_with_figures(r, n, "text", false);
    if (!text) return std::unexpected(text.error());
    auto points = r.get<int>(n, "points", 0, 100);
    if (!points) return std::unexpected(points.error());
    auto feedback = text_with_figures(r, n, "feedback", c.played);
    if (!feedback) return std::unexpected(feedback.error());
    auto play = drill::read_response_list(r, n["play"], "play", drill);
    if (!play) return std::unexpected(play.error());
    c.text = std::move(*text);
    c.points = *points;
    c.feedback = std::move(*feedback);
    c.play = std::move(*play);
    return c;
}

core::Result<Scene> read_scene(const Reader& file_reader, const YAML::Node& n, std::size_t index, const drill::DrillFile& drill) {
    const std::string where = fmt::format("scenes[{}]", index);
    const Reader r = file_reader.within(where);
    if (!n.IsMap()) return file_reader.bad(n, where, "expected a mapping {id, title, text, choices}");
    if (auto ok = r.only_keys(n, {"id", "title", "text", "choices"}); !ok) return std::unexpected(ok.error());
    Scene s;
    s.line = n.Mark().line + 1;
    s.id = fmt::format("scene-{}", index + 1);
    if (n["id"]) {
        auto id = r.text(n, "id");
        if (!id) return std::unexpected(id.error());
        if (!is_identifier(*id)) return r.bad(n["id"], "id", "expected 1 to 64 letters, digits and '-' (it is the SCORM interaction's id)");
        s.id = *id;
    }
    for (auto [field, out] : {std::pair{"title", &s.title}, std::pair{"text", &s.text}}) {
        auto t = text_with_figures(r, n, field, false);
        if (!t) return std::unexpected(t.error());
        *out = std::move(*t);
    }
    const YAML::Node choices = n["choices"];
    if (!choices.IsSequence() || choices.size() < 2) return r.bad(choices.IsDefined() ? choices : n, "choices", "expected a list of two or more choices");
    for (std::size_t i = 0; i < choices.size(); ++i) {
        auto c = read_choice(r, choices[i], fmt::format("choices[{}]", i), drill);
        if (!c) return std::unexpected(c.error());
        s.choices.push_back(std::move(*c));
    }
    if (s.best_points() == 0) return r.bad(choices, "choices", "no choice earns points: a scene needs a right answer");
    return s;
}

// The module's drill and the inject its figures are about (the drill's only inject when not named).
Outcome read_night(const Reader& r, const YAML::Node& root, const std::filesystem::path& file, Module& m) {
    auto drill_path = r.text(root, "drill");
    if (!drill_path) return std::unexpected(drill_path.error());
    auto drill = drill::load_drill_file(file.parent_path() / *drill_path);
    if (!drill) return r.bad(root["drill"], "drill", fmt::format("cannot be loaded: {}", drill.error().message));
    m.drill = std::move(*drill);
    if (root["inject"]) {
        auto inject = r.text(root, "inject");
        if (!inject) return std::unexpected(inject.error());
        if (!m.drill.inject(*inject)) return r.bad(root["inject"], "inject", fmt::format("the drill has no inject '{}'", *inject));
        m.inject = *inject;
    } else if (m.drill.injects.size() == 1) {
        m.inject = m.drill.injects.front().name;
    } else {
        return r.bad(root, "inject", "is missing: the drill has several injects, name the one the figures are about");
    }
    return {};
}

Outcome read_header(const Reader& r, const YAML::Node& root, Module& m) {
    if (auto v = r.get<int>(root, "version", 1, 1); !v) return std::unexpected(v.error());
    for (auto [field, out] : {std::pair{"id", &m.id}, std::pair{"module", &m.title}, std::pair{"description", &m.description}}) {
        auto t = text_with_figures(r, root, field, false);
        if (!t) return std::unexpected(t.error());
        *out = std::move(*t);
    }
    if (!is_identifier(m.id)) return r.bad(root["id"], "id", "expected 1 to 64 letters, digits and '-' (it names the package file)");
    if (root["mastery"]) {
        auto mastery = r.get<int>(root, "mastery", 1, 100);
        if (!mastery) return std::unexpected(mastery.error());
        m.mastery = *mastery;
    }
    return {};
}

core::Result<Module> module_from(const core::Result<YAML::Node>& loaded, const std::filesystem::path& file) {
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node root = *loaded;
    const Reader r(file.string());
    if (!root.IsMap()) return core::fail(fmt::format("{}: an e-learning module is a YAML mapping (docs/elearning.md)", file.string()));
    if (auto ok = r.only_keys(root, {"version", "id", "module", "description", "drill", "inject", "mastery", "scenes"}); !ok)
        return std::unexpected(ok.error());
    Module m;
    m.file = file;
    for (auto ok : {read_header(r, root, m), read_night(r, root, file, m)})
        if (!ok) return std::unexpected(ok.error());
    const YAML::Node scenes = root["scenes"];
    if (!scenes.IsSequence() || scenes.size() == 0) return r.bad(scenes.IsDefined() ? scenes : root, "scenes", "expected a list of scenes (at least one)");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < scenes.size(); ++i) {
        auto s = read_scene(r, scenes[i], i, m.drill);
        if (!s) return std::unexpected(s.error());
        if (!ids.insert(s->id).second) return r.bad(scenes[i]["id"], fmt::format("scenes[{}].id", i), fmt::format("'{}' is used twice", s->id));
        m.scenes.push_back(std::move(*s));
    }
    return m;
}

}  // namespace

int Scene::best_points() const {
    int best = 0;
    for (const auto& c : choices) best = std::max(best, c.points);
    return best;
}

int Module::max_points() const {
    int sum = 0;
    for (const auto& s : scenes) sum += s.best_points();
    return sum;
}

std::span<const std::string_view> played_figures() { return kPlayed; }
std::span<const std::string_view> night_figures() { return kNight; }

core::Result<Module> load_module(const std::filesystem::path& file) { return module_from(core::load_yaml_file(file.string(), "e-learning module"), file); }

core::Result<Module> parse_module(std::string_view text, const std::filesystem::path& file) {
    return module_from(core::load_yaml_text(text, file.string()), file);
}

}  // namespace elearning
