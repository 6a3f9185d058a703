#include "devices/virtual_document_reader.hpp"

#include <fmt/core.h>

#include "devices/virtual_webcam.hpp"

namespace devices {

std::optional<DeviceError> VirtualDocumentReader::dead_error() const {
    if (!has_fault(Fault::dead)) return std::nullopt;
    return DeviceError{Fault::dead, fmt::format("document reader {} does not respond: check its cable or replace it", id())};
}

DeviceResult<std::optional<DocumentData>> VirtualDocumentReader::read() {
    if (auto dead = dead_error()) return std::unexpected(std::move(*dead));
    if (auto injected = injected_failure(Fault::dead, "document read")) return std::unexpected(std::move(*injected));
    if (!document_) return std::optional<DocumentData>{};
    // Filled in place and returned whole (named return value): a DocumentData moved out into the
    // result would copy its short strings once or twice more per voter.
    DeviceResult<std::optional<DocumentData>> out{std::in_place, std::in_place};
    DocumentData& d = **out;
    d.mrz_ok = !document_->mrz_damaged;
    d.chip_ok = !document_->chip_damaged;
    if (d.machine_readable()) {
        d.document_number = document_->document_number;
        d.pin = document_->pin;
    }
    return out;
}

DeviceResult<std::optional<FaceFeatures>> VirtualDocumentReader::read_chip_photo() {
    if (auto dead = dead_error()) return std::unexpected(std::move(*dead));
    if (auto injected = injected_failure(Fault::dead, "chip photo read")) return std::unexpected(std::move(*injected));
    if (!document_ || document_->chip_damaged || !document_->photo_of) return std::optional<FaceFeatures>{};
    return std::optional<FaceFeatures>{document_photo(*document_->photo_of)};
}

std::optional<std::string> VirtualDocumentReader::number_read_by_eye() const {
    if (!document_) return std::nullopt;
    return document_->document_number;
}

}  // namespace devices
