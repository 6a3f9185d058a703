#include "hil/enrolment.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

#include "core/minutiae_text.hpp"
#include "core/yaml_fields.hpp"

namespace hil {

core::Result<Enrolment> load_enrolment(const std::filesystem::path& file) {
    auto loaded = core::load_yaml_file(file.string(), "enrolment");
    if (!loaded) return std::unexpected(loaded.error());
    const YAML::Node& n = *loaded;
    const core::YamlReader r(file.string());
    if (!n.IsMap()) return core::fail(fmt::format("{}: an enrolment is a YAML mapping (docs/hil.md)", file.string()));
    if (auto ok = r.only_keys(n, {"version", "pec", "voter", "document", "reader", "quality", "minutiae"}); !ok) return std::unexpected(ok.error());
    auto version = r.get<int>(n, "version", kEnrolmentVersion, kEnrolmentVersion);
    if (!version) return std::unexpected(version.error());
    Enrolment e;
    auto pec = r.get<int>(n, "pec", 1, 999'999);
    auto voter = r.get<std::int64_t>(n, "voter", 0, std::int64_t{1} << 40);
    auto quality = r.get<int>(n, "quality", 0, 100);
    auto document = r.text(n, "document");
    auto reader = r.text(n, "reader");
    auto text = r.text(n, "minutiae");
    for (const core::Error* error : {!pec ? &pec.error() : nullptr, !voter ? &voter.error() : nullptr, !quality ? &quality.error() : nullptr,
                                     !document ? &document.error() : nullptr, !reader ? &reader.error() : nullptr,
                                     !text ? &text.error() : nullptr})
        if (error) return std::unexpected(*error);
    auto minutiae = core::parse_minutiae(*text);
    if (!minutiae) return r.bad(n["minutiae"], "minutiae", minutiae.error().message);
    if (minutiae->empty()) return r.bad(n["minutiae"], "minutiae", "no minutiae: enrol again");
    e.pec = *pec, e.voter = *voter, e.quality = *quality, e.document = *document, e.reader = *reader;
    e.print = core::FingerprintTemplate::from_minutiae(*minutiae);
    return e;
}

core::Result<void> save_enrolment(const Enrolment& e, const std::filesystem::path& file) {
    YAML::Emitter out;
    out << YAML::Comment("Shailoo Sim enrolment (docs/hil.md): the person at the reader plays this voter in a drill (shailoo train --hil-voter FILE)");
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << kEnrolmentVersion;
    out << YAML::Key << "pec" << YAML::Value << e.pec;
    out << YAML::Key << "voter" << YAML::Value << e.voter;
    out << YAML::Key << "document" << YAML::Value << e.document;
    out << YAML::Key << "reader" << YAML::Value << YAML::DoubleQuoted << e.reader;
    out << YAML::Key << "quality" << YAML::Value << e.quality;
    out << YAML::Key << "minutiae" << YAML::Value << core::format_minutiae(e.print.valid_minutiae());
    out << YAML::EndMap;
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    std::ofstream f(file);
    f << out.c_str() << '\n';
    f.close();
    if (!f) return core::fail(fmt::format("{}: cannot write the enrolment", file.string()));
    return {};
}

}  // namespace hil
