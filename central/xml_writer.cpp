#include "central/xml_writer.hpp"

#include <libxml/xmlwriter.h>

namespace central {

XmlOut::XmlOut() : buffer_(xmlBufferCreate()) {
    if (buffer_) writer_ = xmlNewTextWriterMemory(buffer_, 0);
    ok_ = writer_ != nullptr;
    if (!ok_) return;
    check(xmlTextWriterSetIndent(writer_, 1));
    check(xmlTextWriterSetIndentString(writer_, BAD_CAST "  "));
    check(xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr));
}

XmlOut::~XmlOut() {
    if (writer_) xmlFreeTextWriter(writer_);
    if (buffer_) xmlBufferFree(buffer_);
}

void XmlOut::start(const char* name) {
    if (ok_) check(xmlTextWriterStartElement(writer_, BAD_CAST name));
}

void XmlOut::end() {
    if (ok_) check(xmlTextWriterEndElement(writer_));
}

void XmlOut::attribute(const char* name, const std::string& value) {
    if (ok_) check(xmlTextWriterWriteAttribute(writer_, BAD_CAST name, BAD_CAST value.c_str()));
}

void XmlOut::element(const char* name, const std::string& text) {
    if (ok_) check(xmlTextWriterWriteElement(writer_, BAD_CAST name, BAD_CAST text.c_str()));
}

void XmlOut::content(const std::string& text) {
    if (ok_) check(xmlTextWriterWriteString(writer_, BAD_CAST text.c_str()));
}

std::optional<std::string> XmlOut::finish() {
    if (ok_) check(xmlTextWriterEndDocument(writer_));
    if (ok_) check(xmlTextWriterFlush(writer_));
    if (!ok_) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)), static_cast<std::size_t>(xmlBufferLength(buffer_)));
}

}  // namespace central
