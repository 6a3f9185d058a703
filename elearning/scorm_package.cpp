#include "elearning/scorm_package.hpp"

#include <fmt/core.h>
#include <zip.h>

#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "central/xml_writer.hpp"
#include "elearning_player.hpp"  // generated from elearning/player.html (elearning/CMakeLists.txt)

namespace elearning {

namespace {

// Every file of the package carries this modification time, written as the zip's DOS date and time
// (no time zone): 2021-11-28 00:00, the 2021 election day. The same module gives a byte-identical zip.
constexpr zip_uint16_t kPackageDosDate = ((2021 - 1980) << 9) | (11 << 5) | 28;
constexpr zip_uint16_t kPackageDosTime = 0;

// The SCORM 1.2 manifest's root: IMS Content Packaging 1.1.2 with ADL's extensions. The schema
// locations name the files a SCORM 1.2 package conventionally ships beside the manifest; an LMS
// does not fetch them, and this package leaves them out (docs/elearning.md, "Validation").
void manifest_root(central::XmlOut& x, const BuiltModule& m) {
    x.start("manifest");
    x.attribute("identifier", "shailoo-" + m.id);
    x.attribute("version", "1.0");
    x.attribute("xmlns", "http://www.imsproject.org/xsd/imscp_rootv1p1p2");
    x.attribute("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2");
    x.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    x.attribute("xsi:schemaLocation",
                "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
                "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
                "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd");
}

}  // namespace

std::string scorm_manifest(const BuiltModule& m) {
    central::XmlOut x;
    manifest_root(x, m);
    x.start("metadata");
    x.element("schema", "ADL SCORM");
    x.element("schemaversion", "1.2");
    x.end();
    x.start("organizations");
    x.attribute("default", "organization");
    x.start("organization");
    x.attribute("identifier", "organization");
    x.element("title", m.title);
    x.start("item");
    x.attribute("identifier", "item");
    x.attribute("identifierref", "sco");
    x.attribute("isvisible", "true");
    x.element("title", m.title);
    x.element("adlcp:masteryscore", std::to_string(m.mastery));
    x.end();  // item
    x.end();  // organization
    x.end();  // organizations
    x.start("resources");
    x.start("resource");
    x.attribute("identifier", "sco");
    x.attribute("type", "webcontent");
    x.attribute("adlcp:scormtype", "sco");
    x.attribute("href", "index.html");
    x.start("file");
    x.attribute("href", "index.html");
    x.end();
    x.end();  // resource
    x.end();  // resources
    x.end();  // manifest
    return x.finish().value_or("");
}

std::string player_html(const BuiltModule& m) {
    // The module goes into a <script type="application/json">: "</" is written "<\/" (the same JSON
    // string) so no text of it can close the script element.
    std::string json = module_json(m).dump();
    for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) json.replace(at, 2, "<\\/");
    std::string page(kPlayerHtml);
    const std::string_view marker = "@MODULE_JSON@";
    const std::size_t at = page.find(marker);
    return page.replace(at, marker.size(), json);
}

core::Result<void> write_scorm_package(const BuiltModule& m, const std::filesystem::path& zip) {
    const std::vector<std::pair<std::string, std::string>> files{{"imsmanifest.xml", scorm_manifest(m)}, {"index.html", player_html(m)}};
    if (files.front().second.empty()) return core::fail(fmt::format("{}: the manifest could not be written (text that is not UTF-8?)", zip.string()));
    const std::filesystem::path part = zip.string() + ".part";
    int code = 0;
    std::unique_ptr<zip_t, decltype(&zip_discard)> z(zip_open(part.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code), &zip_discard);
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, code);
        std::string what = zip_error_strerror(&e);
        zip_error_fini(&e);
        return core::fail(fmt::format("{}: cannot create the package: {}", part.string(), what));
    }
    for (const auto& [name, data] : files) {
        zip_source_t* source = zip_source_buffer(z.get(), data.data(), data.size(), 0);
        const zip_int64_t index = source ? zip_file_add(z.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) : -1;
        if (index < 0) {
            if (source) zip_source_free(source);
            return core::fail(fmt::format("{}: cannot add {}: {}", part.string(), name, zip_strerror(z.get())));
        }
        zip_file_set_dostime(z.get(), static_cast<zip_uint64_t>(index), kPackageDosTime, kPackageDosDate, 0);
    }
    if (zip_close(z.get()) < 0) return core::fail(fmt::format("{}: cannot write the package: {}", part.string(), zip_strerror(z.get())));
    (void)z.release();  // zip_close freed it
    std::error_code ec;
    std::filesystem::rename(part, zip, ec);
    if (ec) return core::fail(fmt::format("{}: cannot rename {} to it: {}", zip.string(), part.string(), ec.message()));
    return {};
}

}  // namespace elearning
