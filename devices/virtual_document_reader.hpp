#pragma once
/// A simulated passport / ID-card reader.
#include <optional>

#include "devices/document_reader.hpp"

namespace devices {

/// A document a voter brings.
struct PresentedDocument {
    std::string document_number;      ///< as printed
    std::string pin;                  ///< personal number
    std::optional<FaceFeatures> photo;  ///< chip photo (see devices::document_photo)
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
    /// The printed number (the operator's eyes).
    std::optional<std::string> number_read_by_eye() const override;

private:
    std::optional<PresentedDocument> document_;
};

}  // namespace devices
