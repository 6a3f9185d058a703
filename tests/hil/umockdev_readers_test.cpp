// Three real USB readers (AuthenTec AES3500, Elan, Validity VFS301), recorded with umockdev, replayed
// under umockdev-run through `shailoo hil check`: libfprint's real drivers run, with no hardware, and
// the adapter turns their captures into templates. The recordings are read from ../shared/hil/umockdev/.
#include <gtest/gtest.h>

#include <regex>

#include "tests/apps/shailoo_process.hpp"
#include "tests/hil/hil_support.hpp"

namespace umockdev_readers_test {
namespace {

/// One recorded reader: its driver, the USB bus path it was recorded on, and what its capture gives.
struct Recording {
    std::string driver;
    std::string bus_path;
    int minutiae;  // NBIS on the replayed image, which is bit-identical to the recorded capture.png
};

/// Replays the reader's capture under umockdev-run (at most 20 s) and runs `shailoo hil check` on it;
/// stderr (libusb's replay noise included) goes to a file beside.
shailoo_test::CliRun replay_check(const Recording& r) {
    const auto device = hil_test::shared_hil("umockdev/" + r.driver + "/device");
    const auto ioctl = hil_test::shared_hil("umockdev/" + r.driver + "/capture.ioctl");
    const auto errors = std::filesystem::temp_directory_path() / ("hil-umockdev-" + r.driver + ".stderr");
    // umockdev-run preloads its library before the program's own; a shailoo built with ASan (the asan
    // preset) would refuse to start because the ASan runtime is not first in the list, so that one
    // check is turned off (the sanitizer itself stays on; without ASan the variable is ignored).
    return shailoo_test::run_shell(
        "(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 FP_DEVICE_EMULATION=1 FP_DRIVERS_WHITELIST=" + r.driver + " timeout -k 2 20 umockdev-run -d " + device.string() + " -i " +
        r.bus_path + "=" + ioctl.string() + " -- " + SHAILOO_EXE + " hil check " + r.driver + " --timeout 10 2>" + errors.string() + ")");
}

/// The recording's name in test output (instead of its bytes).
void PrintTo(const Recording& r, std::ostream* os) { *os << r.driver; }

class UmockdevReader : public testing::TestWithParam<Recording> {};

TEST_P(UmockdevReader, ReplayedCaptureGivesATemplateThatPassesTheQualityGate) {
    const Recording& r = GetParam();
    const auto run = replay_check(r);
    EXPECT_EQ(run.code, 0) << run.output;
    EXPECT_NE(run.output.find("reader: " + r.driver + " ("), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("image reader"), std::string::npos) << run.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(run.output, m, std::regex(R"(minutiae: (\d+) found by libfprint \(NBIS\), (\d+) in the template)")))
        << run.output;
    EXPECT_EQ(std::stoi(m[1]), r.minutiae) << run.output;
    EXPECT_EQ(std::stoi(m[2]), std::min(r.minutiae, static_cast<int>(core::kMaxMinutiae)));
    EXPECT_NE(run.output.find("verdict: accepted"), std::string::npos) << run.output;
}

INSTANTIATE_TEST_SUITE_P(Hil, UmockdevReader,
                         testing::Values(Recording{"aes3500", "/dev/bus/usb/003/004", 14}, Recording{"elan", "/dev/bus/usb/001/094", 34},
                                         Recording{"vfs301", "/dev/bus/usb/002/005", 54}),
                         [](const testing::TestParamInfo<Recording>& info) { return info.param.driver; });

}  // namespace
}  // namespace umockdev_readers_test
