#pragma once
// Reading an exported NIST SP 1500-100 document in tests: libxml2's XPath, the NIST namespace
// bound to the prefix `n` (tests/central/nist_export_test.cpp, tests/apps/export_command_test.cpp).
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <memory>
#include <string>
#include <vector>

#include "central/nist_export.hpp"

namespace nist_xml {

/// XPath over an exported document, the NIST namespace bound to the prefix `n`.
class Xml {
public:
    explicit Xml(const std::string& text)
        : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "export.xml", nullptr, XML_PARSE_NONET), &xmlFreeDoc),
          ctx_(doc_ ? xmlXPathNewContext(doc_.get()) : nullptr, &xmlXPathFreeContext) {
        if (ctx_) xmlXPathRegisterNs(ctx_.get(), BAD_CAST "n", BAD_CAST std::string(central::kNistNamespace).c_str());
    }
    bool ok() const { return ctx_ != nullptr; }
    /// The string value of an XPath expression ("" if it selects nothing).
    std::string string(const std::string& expr) const {
        std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> r(
            xmlXPathEvalExpression(BAD_CAST("string(" + expr + ")").c_str(), ctx_.get()), &xmlXPathFreeObject);
        return r && r->stringval ? reinterpret_cast<const char*>(r->stringval) : "";
    }
    /// The string values of the nodes an XPath expression selects, in document order.
    std::vector<std::string> strings(const std::string& expr) const {
        std::vector<std::string> out;
        std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> r(xmlXPathEvalExpression(BAD_CAST expr.c_str(), ctx_.get()),
                                                                         &xmlXPathFreeObject);
        if (!r || !r->nodesetval) return out;
        for (int i = 0; i < r->nodesetval->nodeNr; ++i) {
            std::unique_ptr<xmlChar, decltype(xmlFree)> v(xmlNodeGetContent(r->nodesetval->nodeTab[i]), xmlFree);
            out.emplace_back(v ? reinterpret_cast<const char*>(v.get()) : "");
        }
        return out;
    }
    /// How many nodes an XPath expression selects.
    long count(const std::string& expr) const { return std::stol(string("count(" + expr + ")")); }
    /// The Count of a selection's VoteCounts of `type` at a GpUnit.
    std::string votes(const std::string& selection, const std::string& gpunit, const std::string& type = "total") const {
        return string("//n:ContestSelection[@ObjectId='" + selection + "']/n:VoteCounts[n:GpUnitId='" + gpunit +
                      "' and n:Type='" + type + "']/n:Count");
    }

private:
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc_;
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx_;
};

}  // namespace nist_xml
