#include "devices/virtual_document_reader.hpp"

#include <gtest/gtest.h>

#include "devices/virtual_webcam.hpp"

namespace {

devices::PresentedDocument passport() {
    return {"ID0000123", "21203199000123", 123, false, false};
}

TEST(VirtualDocumentReader, ReadsMrzAndChipWithThePhoto) {
    devices::VirtualDocumentReader reader("1001-docreader-1");
    reader.present(passport());
    auto d = reader.read();
    ASSERT_TRUE(d.has_value() && d->has_value());
    EXPECT_EQ((*d)->document_number, "ID0000123");
    EXPECT_TRUE((*d)->mrz_ok && (*d)->chip_ok);
    auto photo = reader.read_chip_photo();
    ASSERT_TRUE(photo.has_value() && photo->has_value());
    EXPECT_EQ(**photo, devices::document_photo(123));
}

TEST(VirtualDocumentReader, GivesNoChipPhotoForADeadChipOrNoDocument) {
    devices::VirtualDocumentReader reader("1001-docreader-1");
    auto none = reader.read_chip_photo();
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->has_value());
    auto doc = passport();
    doc.chip_damaged = true;
    reader.present(doc);
    auto photo = reader.read_chip_photo();
    ASSERT_TRUE(photo.has_value());
    EXPECT_FALSE(photo->has_value());
}

TEST(VirtualDocumentReader, GivesNoNumberForADamagedDocumentButTheOperatorCanReadIt) {
    devices::VirtualDocumentReader reader("1001-docreader-1");
    auto doc = passport();
    doc.mrz_damaged = doc.chip_damaged = true;
    reader.present(doc);
    auto d = reader.read();
    ASSERT_TRUE(d.has_value() && d->has_value());
    EXPECT_FALSE((*d)->machine_readable());
    EXPECT_TRUE((*d)->document_number.empty());
    EXPECT_EQ(reader.number_read_by_eye(), "ID0000123");
}

TEST(VirtualDocumentReader, ReportsNoDocumentAndFailsWhenDead) {
    devices::VirtualDocumentReader reader("1001-docreader-1");
    auto none = reader.read();
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->has_value());
    reader.present(passport());
    reader.enter_fault(devices::Fault::dead, 0);
    auto dead = reader.read();
    ASSERT_FALSE(dead.has_value());
    EXPECT_EQ(dead.error().cause, devices::Fault::dead);
    auto dead_photo = reader.read_chip_photo();
    ASSERT_FALSE(dead_photo.has_value());
    EXPECT_EQ(dead_photo.error().cause, devices::Fault::dead);
    EXPECT_EQ(reader.number_read_by_eye(), "ID0000123");
}

}  // namespace
