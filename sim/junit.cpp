#include "sim/junit.hpp"

#include <fmt/core.h>

#include "central/xml_writer.hpp"

namespace sim {
namespace {

void write_case(central::XmlOut& out, const std::string& scenario, const Verdict& v, const JunitLabels& labels) {
    out.start("testcase");
    out.attribute("name", v.name);
    out.attribute("classname", scenario);
    if (!v.passed) {
        out.start(v.optional ? "skipped" : "failure");
        out.attribute("message", fmt::format("{}actual {}, expected {}", v.optional ? fmt::format("optional {} failed: ", labels.kind) : "",
                                             v.actual, v.expected));
        if (!v.optional) out.attribute("type", labels.kind);
        out.content(fmt::format("{}: actual {}, expected {}", v.path, v.actual, v.expected));
        out.end();
    }
    out.element("system-out", fmt::format("{}: actual {}, expected {}{}{}", v.path, v.actual, v.expected,
                                          v.description.empty() ? "" : "\n", v.description));
    out.end();
}

}  // namespace

core::Result<std::string> junit_xml(const std::string& scenario, const std::vector<Verdict>& verdicts, const JunitLabels& labels) {
    int failures = 0, skipped = 0;
    for (const Verdict& v : verdicts)
        if (!v.passed) ++(v.optional ? skipped : failures);
    central::XmlOut out;
    out.start("testsuites");
    out.attribute("name", labels.tool);
    out.attribute("tests", std::to_string(verdicts.size()));
    out.attribute("failures", std::to_string(failures));
    out.attribute("errors", "0");
    out.start("testsuite");
    out.attribute("name", scenario);
    out.attribute("tests", std::to_string(verdicts.size()));
    out.attribute("failures", std::to_string(failures));
    out.attribute("errors", "0");
    out.attribute("skipped", std::to_string(skipped));
    for (const Verdict& v : verdicts) write_case(out, scenario, v, labels);
    out.end();
    out.end();
    auto xml = out.finish();
    if (!xml) return core::fail("JUnit XML: libxml2 could not write the document (text that is not UTF-8, or out of memory)");
    return std::move(*xml);
}

}  // namespace sim
