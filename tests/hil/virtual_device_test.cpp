// hil::LibfprintScanner's fault mapping on libfprint's virtual_device_storage driver (the
// virtual_device family with identification, the call a capture makes; scripted over its socket):
// a driver error, an unplug and a capture with no finger are errors carrying the driver's words,
// put the scanner into the `dead` fault, and never hang; a scan that succeeds is refused as a
// match-on-chip reader's, naming the driver.
#include <gtest/gtest.h>

#include <chrono>

#include "hil/glib_worker.hpp"
#include "hil/libfprint_scanner.hpp"
#include "tests/hil/hil_support.hpp"

namespace virtual_device_test {
namespace {

using Clock = std::chrono::steady_clock;

/// A virtual_device_storage reader in a temporary folder, its fault events recorded.
class VirtualDeviceReader {
public:
    explicit VirtualDeviceReader(const std::string& name, std::chrono::milliseconds timeout) {
        const auto folder = std::filesystem::temp_directory_path() / ("hil-virtual-device-storage-" + name + "-" + std::to_string(::getpid()));
        std::filesystem::create_directories(folder);
        socket_ = (folder / "virtual_device.socket").string();
        std::filesystem::remove(socket_);
        ::setenv("FP_VIRTUAL_DEVICE_STORAGE", socket_.c_str(), 1);
        ::setenv("FP_DRIVERS_WHITELIST", "virtual_device_storage", 1);
        auto session = hil::LibfprintSession::start();
        if (!session) throw std::runtime_error(session.error());
        session_ = std::move(*session);
        hil::ScannerSettings settings;
        settings.timeout = timeout;
        auto scanner = session_->open("virtual_device_storage", "hil-test-fingerprint-2", settings);
        if (!scanner) throw std::runtime_error(scanner.error());
        scanner_ = std::move(*scanner);
        scanner_->on_fault([this](const devices::FaultEvent& e) { events.push_back(e); });
    }
    ~VirtualDeviceReader() {
        scanner_.reset();
        session_.reset();
        ::unsetenv("FP_VIRTUAL_DEVICE_STORAGE");
        ::unsetenv("FP_DRIVERS_WHITELIST");
    }
    hil::LibfprintScanner& scanner() { return *scanner_; }
    /// Sends one text command to the driver.
    void command(const std::string& text) { hil_test::virtual_device_command(socket_, text); }

    std::vector<devices::FaultEvent> events;

private:
    std::string socket_;
    std::unique_ptr<hil::LibfprintSession> session_;
    std::unique_ptr<hil::LibfprintScanner> scanner_;
};

/// Checks the scanner is dead with exactly one fault event, and a second capture fails at once.
void expect_dead_once(VirtualDeviceReader& reader) {
    EXPECT_TRUE(reader.scanner().has_fault(devices::Fault::dead));
    ASSERT_EQ(reader.events.size(), 1u);
    EXPECT_EQ(reader.events[0].fault, devices::Fault::dead);
    EXPECT_TRUE(reader.events[0].entered);
    const auto start = Clock::now();
    auto again = reader.scanner().capture(core::Finger::right_index);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("is dead"), std::string::npos) << again.error().message;
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(100));
}

TEST(LibfprintVirtualDevice, ADriverErrorIsAnErrorWithTheDriversWordsAndTheScannerIsDead) {
    VirtualDeviceReader reader("error", std::chrono::seconds(5));
    reader.command("ERROR 5");  // FP_DEVICE_ERROR_PROTO
    auto capture = reader.scanner().capture(core::Finger::right_index);
    ASSERT_FALSE(capture);
    EXPECT_EQ(capture.error().cause, devices::Fault::dead);
    EXPECT_NE(capture.error().message.find("libfprint: The driver encountered a protocol error with the device."), std::string::npos)
        << capture.error().message;
    expect_dead_once(reader);
}

TEST(LibfprintVirtualDevice, AnUnplugIsAnErrorWithTheDriversWordsAndTheScannerIsDead) {
    VirtualDeviceReader reader("unplug", std::chrono::seconds(5));
    reader.command("UNPLUG");
    const auto start = Clock::now();
    auto capture = reader.scanner().capture(core::Finger::right_index);
    ASSERT_FALSE(capture);
    EXPECT_NE(capture.error().message.find("libfprint: This device has been removed from the system."), std::string::npos)
        << capture.error().message;
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
    expect_dead_once(reader);
}

TEST(LibfprintVirtualDevice, ACaptureWithNoFingerTimesOutAndTheScannerIsDead) {
    VirtualDeviceReader reader("timeout", std::chrono::milliseconds(500));
    const auto start = Clock::now();
    auto capture = reader.scanner().capture(core::Finger::right_index);
    const auto took = Clock::now() - start;
    ASSERT_FALSE(capture);
    EXPECT_NE(capture.error().message.find("no capture within 0.5 s"), std::string::npos) << capture.error().message;
    EXPECT_GE(took, std::chrono::milliseconds(450));
    EXPECT_LT(took, std::chrono::milliseconds(500) + hil::GlibWorker::kGrace);
    expect_dead_once(reader);
}

TEST(LibfprintVirtualDevice, AScanOnAMatchOnChipReaderIsRefusedNamingTheDriver) {
    VirtualDeviceReader reader("scan", std::chrono::seconds(5));
    reader.command("SCAN voter-1");
    auto capture = reader.scanner().capture(core::Finger::right_index);
    ASSERT_FALSE(capture);
    EXPECT_NE(capture.error().message.find("(virtual_device_storage, Virtual device with storage and identification for debugging): "
                                           "a match-on-chip reader"),
              std::string::npos)
        << capture.error().message;
    EXPECT_FALSE(reader.scanner().reader().image);
    expect_dead_once(reader);
}

}  // namespace
}  // namespace virtual_device_test
