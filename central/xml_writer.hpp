#pragma once
/// Writing XML with libxml2's xmlTextWriter into memory: the NIST export (central/nist_export.cpp)
/// and the JUnit verdicts of `shailoo run --junit` (sim/junit.cpp). libxml2 escapes every text and
/// attribute; nothing is concatenated by hand.
#include <cstdint>
#include <optional>
#include <string>

struct _xmlBuffer;
struct _xmlTextWriter;

namespace central {

/// An XML document being written, indented by two spaces, UTF-8. The first failure of the writer is
/// kept; every call after it does nothing and finish() gives nothing.
class XmlOut {
public:
    XmlOut();
    ~XmlOut();
    XmlOut(const XmlOut&) = delete;
    XmlOut& operator=(const XmlOut&) = delete;

    void start(const char* name);
    void end();
    void attribute(const char* name, const std::string& value);
    /// <name>text</name>, the text escaped by libxml2.
    void element(const char* name, const std::string& text);
    void element(const char* name, std::int64_t n) { element(name, std::to_string(n)); }
    /// Text content of the open element, escaped by libxml2.
    void content(const std::string& text);
    /// The document, or nothing if any call failed (out of memory, text that is not UTF-8).
    std::optional<std::string> finish();

private:
    void check(int rc) { ok_ = ok_ && rc >= 0; }
    _xmlBuffer* buffer_ = nullptr;
    _xmlTextWriter* writer_ = nullptr;
    bool ok_ = false;
};

}  // namespace central
