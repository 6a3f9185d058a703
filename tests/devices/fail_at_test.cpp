// Every device has the fail-at-N hook (house style: tests loop N = 0, 1, 2, ... over the failure
// points): the n-th operation fails with the device's words, the others work.
#include <gtest/gtest.h>

#include <functional>

#include "core/random.hpp"
#include "devices/virtual_ballot_scanner.hpp"
#include "devices/virtual_document_reader.hpp"
#include "devices/virtual_fingerprint_scanner.hpp"
#include "devices/virtual_modem.hpp"
#include "devices/virtual_printer.hpp"
#include "devices/virtual_webcam.hpp"

using namespace devices;

namespace {

/// Runs `operation` six times on a device armed with fail_at(n): it must fail exactly at n, with
/// an error naming the device, and work otherwise.
void expect_fails_at(Device& device, std::int64_t n, const std::function<std::optional<DeviceError>()>& operation) {
    device.fail_at(n);
    for (int i = 0; i < 6; ++i) {
        const auto error = operation();
        EXPECT_EQ(error.has_value(), i == n) << device.id() << " n=" << n << " i=" << i;
        if (error && i == n) {
            EXPECT_NE(error->message.find(device.id()), std::string::npos) << error->message;
        }
    }
}

template <class R>
std::optional<DeviceError> error_of(const DeviceResult<R>& r) {
    return r ? std::nullopt : std::optional<DeviceError>(r.error());
}

}  // namespace

TEST(FailAt, EveryDeviceFailsExactlyItsNthOperation) {
    for (std::int64_t n = 0; n < 3; ++n) {
        VirtualFingerprintScanner scanner("1001-fp-1", core::RandomStream(7, 1));
        scanner.present_hand(42, 0.9);
        expect_fails_at(scanner, n, [&] { return error_of(scanner.capture(core::Finger::right_index)); });

        VirtualDocumentReader reader("1001-doc-1");
        reader.present({.document_number = "ID1", .pin = "1", .photo_of = 42});
        expect_fails_at(reader, n, [&] { return error_of(reader.read()); });

        VirtualWebcam webcam("1001-cam-1", core::RandomStream(7, 2));
        webcam.present_face(42, 0.9);
        expect_fails_at(webcam, n, [&] { return error_of(webcam.capture()); });

        VirtualPrinter printer("1001-printer-1");
        expect_fails_at(printer, n, [&] { return error_of(printer.print("receipt", 0)); });

        VirtualModem modem("1001-modem", core::RandomStream(7, 3));
        expect_fails_at(modem, n, [&] { return error_of(modem.transmit(100, 0)); });

        VirtualBallotScanner arbb("1001-arbb-1", 3, core::RandomStream(7, 4));
        expect_fails_at(arbb, n, [&]() -> std::optional<DeviceError> {
            core::Ballot ballot;
            arbb.insert(ballot);
            auto marks = arbb.read(0);
            if (!marks) return marks.error();
            arbb.route(Compartment::main_bin, 0);
            return std::nullopt;
        });
    }
}

TEST(FailAt, FromThenOnADeviceKeepsFailing) {
    VirtualPrinter printer("1001-printer-1");
    printer.fail_at(1, core::FailCount::Mode::from_then_on);
    EXPECT_TRUE(printer.print("a", 0));
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(printer.print("b", 0));
}
