#pragma once
/// The passport / ID-card reader at the identification desk: the machine-readable zone (MRZ,
/// ICAO Doc 9303) and the contactless chip with the holder's photo.
#include <optional>
#include <string>

#include "devices/device.hpp"
#include "devices/webcam.hpp"

namespace devices {

/// What a reader got from a document.
struct DocumentData {
    std::string document_number;  ///< e.g. "ID1234567" (from MRZ or chip; empty when neither could be read)
    std::string pin;              ///< personal identification number (14 digits in Kyrgyzstan)
    bool mrz_ok = false;          ///< the MRZ was read and its check digits are right
    bool chip_ok = false;         ///< the chip was read and its data authenticated

    /// True when the machine could read the document at all (MRZ or chip).
    bool machine_readable() const { return mrz_ok || chip_ok; }
};

/// A document reader. Faults: dead.
class DocumentReader : public Device {
public:
    /// A reader with this device id, e.g. "1001-docreader-1".
    explicit DocumentReader(std::string id) : Device(std::move(id), DeviceKind::document_reader) {}

    /// Reads the document on the reader: nullopt when there is none; the flags tell what could be
    /// read. Fails only when the reader is dead.
    virtual DeviceResult<std::optional<DocumentData>> read() = 0;

    /// The holder's photo from the chip (ICAO Doc 9303 data group 2), read only when the desk
    /// needs it: the photo is the slow part of a chip read. nullopt when there is no document,
    /// its chip cannot be read or holds no photo. Fails only when the reader is dead.
    virtual DeviceResult<std::optional<FaceFeatures>> read_chip_photo() = 0;

    /// The document number as the operator reads it by eye from the data page of the document on
    /// the reader's glass (works even when the reader is dead; nullopt when there is no document).
    /// A hardware adapter takes it from the operator's keyboard.
    virtual std::optional<std::string> number_read_by_eye() const = 0;
};

}  // namespace devices
