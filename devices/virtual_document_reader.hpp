#pragma once
/// A simulated passport / ID-card reader.
#include <cstdint>
#include <optional>

#include "devices/document_reader.hpp"

namespace devices {

/// A document a voter brings.
struct PresentedDocument {
    std::string document_number;      ///< as printed
    std::string pin;                  ///< personal number
    std::optional<std::uint64_t> photo_of;  ///< the chip holds devices::document_photo(photo_of); nullopt: no photo
    bool mrz_damaged = false;         ///< worn or soiled MRZ: unreadable
    bool chip_damaged = false;        ///< dead chip (or an old passport without one)
};

/// A virtual document reader. World side: present() / take_back(). Station side: read().
class VirtualDocumentReader final : public DocumentReader {
public:
    /// A reader with this id.
    explicit VirtualDocumentReader(std::string id) : DocumentReader(std::move(id)) {}

    /// World side: a voter puts a document on the reader.
    void present(PresentedDocument document) { document_ = std::move(document); }
    /// World side: the voter takes the document back.
    void take_back() { document_.reset(); }

    /// Reads MRZ and chip of the presented document; dead -> error.
    DeviceResult<std::optional<DocumentData>> read() override;
    /// The chip's photo, made from the presented document's photo_of when asked; dead -> error.
    DeviceResult<std::optional<FaceFeatures>> read_chip_photo() override;
    /// The printed number (the operator's eyes).
    std::optional<std::string> number_read_by_eye() const override;

private:
    std::optional<DeviceError> dead_error() const;  ///< the error every read gives while the reader is dead

    std::optional<PresentedDocument> document_;
};

}  // namespace devices
