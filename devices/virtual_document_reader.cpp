#include "devices/virtual_document_reader.hpp"

#include <fmt/core.h>

namespace devices {

DeviceResult<std::optional<DocumentData>> VirtualDocumentReader::read() {
    if (has_fault(Fault::dead))
        return std::unexpected(DeviceError{Fault::dead, fmt::format("document reader {} does not respond: "
                                                                    "check its cable or replace it", id())});
    if (!document_) return std::optional<DocumentData>{};
    DocumentData d;
    d.mrz_ok = !document_->mrz_damaged;
    d.chip_ok = !document_->chip_damaged;
    if (d.machine_readable()) {
        d.document_number = document_->document_number;
        d.pin = document_->pin;
    }
    if (d.chip_ok) d.photo = document_->photo;
    return std::optional<DocumentData>{std::move(d)};
}

std::optional<std::string> VirtualDocumentReader::number_read_by_eye() const {
    if (!document_) return std::nullopt;
    return document_->document_number;
}

}  // namespace devices
