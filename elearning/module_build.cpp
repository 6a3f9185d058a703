#include "elearning/module_build.hpp"

#include <fmt/core.h>

#include "core/clock.hpp"
#include "drill/drill_review.hpp"

namespace elearning {

namespace {

using Figures = std::map<std::string, std::string>;

// The night's figures, known without playing it.
Figures night_of(const Module& m) {
    const drill::DrillInject* inject = m.drill.inject(m.inject);
    return {{"pec", drill::inject_place(*inject)},
            {"inject_at", inject->at ? core::clock_time(*inject->at, core::ClockText::minutes) : std::string("when its condition held")},
            {"drill", m.drill.name}};
}

// What the choice's response did on the night, at the module's inject.
Figures played_on_night(const drill::PecOutcome& o) {
    return {{"published_minutes", std::to_string(o.published_minutes)},
            {"voters_left", std::to_string(o.voters_left)},
            {"queue_minutes", std::to_string(o.queue_minutes)},
            {"ballots_at_risk", std::to_string(o.ballots_at_risk)},
            {"forged_ballots", std::to_string(o.forged_ballots)},
            {"results_acknowledged", o.acknowledged ? core::clock_time(*o.acknowledged, core::ClockText::minutes) : std::string("never")}};
}

// `text` with each {name} replaced by its figure (module_file.cpp checked every name is one).
std::string filled(const std::string& text, const Figures& night, const Figures& played) {
    std::string out;
    std::size_t from = 0;
    for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', from)) {
        const std::size_t close = text.find('}', open);
        const std::string name = text.substr(open + 1, close - open - 1);
        const auto n = night.find(name);
        out += text.substr(from, open - from) + (n != night.end() ? n->second : played.at(name));
        from = close + 1;
    }
    return out + text.substr(from);
}

core::Result<BuiltChoice> build_choice(const Module& m, const Scene& s, const Choice& c, const Figures& night, int threads,
                                       const PlayProgress& progress) {
    BuiltChoice b{.text = filled(c.text, night, {}), .points = c.points};
    if (c.played) {
        if (progress) progress(s, c);
        auto run = drill::run_drill(m.drill, std::nullopt, drill::DrillConduct::Injects::fire, c.play, threads);
        if (!run) return core::fail(fmt::format("{}:{}: playing the choice on the night: {}", m.file.string(), c.line, run.error().message));
        if (!run->problems.empty())
            return core::fail(fmt::format("{}:{}: the night refused an inject: {}", m.file.string(), c.line, run->problems.front()));
        b.figures = played_on_night(drill::outcome_of(m.drill, *run, m.inject));
    }
    b.feedback = filled(c.feedback, night, b.figures);
    return b;
}

}  // namespace

core::Result<BuiltModule> build_module(const Module& m, int threads, const PlayProgress& progress) {
    const Figures night = night_of(m);
    BuiltModule out{.id = m.id,
                    .title = filled(m.title, night, {}),
                    .description = filled(m.description, night, {}),
                    .night = "",
                    .mastery = m.mastery,
                    .max_points = m.max_points()};
    for (const Scene& s : m.scenes) {
        BuiltScene scene{.id = s.id, .title = filled(s.title, night, {}), .text = filled(s.text, night, {}), .best_points = s.best_points()};
        for (const Choice& c : s.choices) {
            auto b = build_choice(m, s, c, night, threads, progress);
            if (!b) return std::unexpected(b.error());
            scene.choices.push_back(std::move(*b));
        }
        out.scenes.push_back(std::move(scene));
    }
    out.night = fmt::format("Drill \"{}\" ({}), played through the real station and CEC code{}", m.drill.name, m.drill.file.filename().string(),
                            m.drill.seed ? fmt::format(", seed {}", *m.drill.seed) : std::string(", the scenario's seed"));
    return out;
}

nlohmann::ordered_json module_json(const BuiltModule& m) {
    nlohmann::ordered_json scenes = nlohmann::ordered_json::array();
    for (const BuiltScene& s : m.scenes) {
        nlohmann::ordered_json choices = nlohmann::ordered_json::array();
        for (const BuiltChoice& c : s.choices)
            choices.push_back({{"text", c.text}, {"points", c.points}, {"feedback", c.feedback}, {"figures", c.figures}});
        scenes.push_back({{"id", s.id}, {"title", s.title}, {"text", s.text}, {"best_points", s.best_points}, {"choices", std::move(choices)}});
    }
    return {{"id", m.id},          {"title", m.title},           {"description", m.description}, {"night", m.night},
            {"mastery", m.mastery}, {"max_points", m.max_points}, {"scenes", std::move(scenes)}};
}

}  // namespace elearning
