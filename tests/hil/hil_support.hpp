#pragma once
// Helpers of the HIL tests and bench/bench_hil_threshold.cpp: the shared test data (../shared/hil/,
// never copied into the repository), PNG prints as grey images, and clients of libfprint's
// virtual_image and virtual_device sockets.
#include <stb_image.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

#include "hil/libfprint_scanner.hpp"

namespace hil_test {

/// ../shared/hil beside the repository, where CI puts the libfprint test data.
inline std::filesystem::path shared_hil_dir() { return std::filesystem::path(SHAILOO_SOURCE_DIR) / ".." / "shared" / "hil"; }

/// A path under ../shared/hil that must exist; throws a message naming it when missing.
inline std::filesystem::path shared_hil(const std::string& relative) {
    const auto path = shared_hil_dir() / relative;
    if (!std::filesystem::exists(path))
        throw std::runtime_error("missing test data " + std::filesystem::weakly_canonical(path).string() +
                                 ": the HIL tests read libfprint's prints and recordings from ../shared/hil/ beside the repository "
                                 "(docs/hil.md, \"Tests\")");
    return path;
}

/// One of the NIST example prints as a grey image (its grey data is the PNG's alpha channel).
inline hil::GreyImage load_print(const std::string& name) {
    const auto path = shared_hil("prints/" + name + ".png");
    int w = 0, h = 0, channels = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> data(stbi_load(path.c_str(), &w, &h, &channels, 2), stbi_image_free);
    if (!data) throw std::runtime_error("cannot decode " + path.string());
    hil::GreyImage image{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h)};
    for (std::size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = data.get()[2 * i + 1];
    return image;
}

/// How an impression differs from the print it is rendered from: a rotation about the centre and a
/// shift, in pixels, then a crop (the margins, in pixels, blanked to the background).
struct Perturbation {
    double degrees = 0;
    double dx = 0, dy = 0;
    int crop_left = 0, crop_top = 0, crop_right = 0, crop_bottom = 0;
};

/// `image` rotated, shifted (bilinear resampling) and cropped as `p` says, the same size; what falls
/// outside the print is the background's grey (the mean of the image's border).
inline hil::GreyImage perturb(const hil::GreyImage& image, const Perturbation& p) {
    const int w = image.width, h = image.height;
    const auto at = [&](int x, int y) { return static_cast<double>(image.pixels[static_cast<std::size_t>(y * w + x)]); };
    double border = 0;
    for (int x = 0; x < w; ++x) border += at(x, 0) + at(x, h - 1);
    const double background = border / (2.0 * w);
    const double c = std::cos(p.degrees * M_PI / 180.0), s = std::sin(p.degrees * M_PI / 180.0);
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    hil::GreyImage out{w, h, std::vector<std::uint8_t>(image.pixels.size())};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double v = background;
            const bool kept = x >= p.crop_left && x < w - p.crop_right && y >= p.crop_top && y < h - p.crop_bottom;
            // The source of output pixel (x, y): undo the shift, then the rotation about the centre.
            const double ux = x - p.dx - cx, uy = y - p.dy - cy;
            const double sx = c * ux + s * uy + cx, sy = -s * ux + c * uy + cy;
            if (kept && sx >= 0 && sy >= 0 && sx < w - 1 && sy < h - 1) {
                const int x0 = static_cast<int>(sx), y0 = static_cast<int>(sy);
                const double fx = sx - x0, fy = sy - y0;
                v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
            }
            out.pixels[static_cast<std::size_t>(y * w + x)] = static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
        }
    return out;
}

/// A connected client of a Unix socket, retried for up to 2 s (the driver listens once the device is open).
class SocketClient {
public:
    explicit SocketClient(const std::string& path) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        path.copy(address.sun_path, sizeof(address.sun_path) - 1);
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (true) {
            fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
            if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) return;
            ::close(fd_);
            fd_ = -1;
            if (std::chrono::steady_clock::now() > until) throw std::runtime_error("cannot connect to " + path);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    ~SocketClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    SocketClient(const SocketClient&) = delete;
    SocketClient& operator=(const SocketClient&) = delete;
    /// Writes all of `size` bytes.
    void write(const void* data, std::size_t size) {
        const auto* p = static_cast<const char*>(data);
        while (size > 0) {
            const ssize_t n = ::send(fd_, p, size, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("socket write failed");
            p += n, size -= static_cast<std::size_t>(n);
        }
    }

private:
    int fd_ = -1;
};

/// Sends one virtual_device text command on its own connection.
inline void virtual_device_command(const std::string& socket, const std::string& command) {
    SocketClient client(socket);
    client.write(command.data(), command.size());
}

/// Signalled by the scanner's on_finger_needed (worker thread), awaited by a feeder.
struct FingerPrompt {
    std::mutex mutex;
    std::condition_variable changed;
    int count = 0;
    void signal() {
        {
            std::lock_guard lock(mutex);
            ++count;
        }
        changed.notify_all();
    }
    /// Prompts so far.
    int seen() {
        std::lock_guard lock(mutex);
        return count;
    }
    /// Waits until the prompt has come `n` times in all; false after `timeout`.
    bool wait(int n, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return count >= n; });
    }
};

/// A virtual_image reader in a temporary folder: a session with only that driver and a scanner on it.
class VirtualImageReader {
public:
    /// Starts libfprint with FP_VIRTUAL_IMAGE on a socket under `folder` and opens the reader.
    explicit VirtualImageReader(const std::filesystem::path& folder, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        std::filesystem::create_directories(folder);
        socket_ = (folder / "virtual_image.socket").string();
        std::filesystem::remove(socket_);
        ::setenv("FP_VIRTUAL_IMAGE", socket_.c_str(), 1);
        ::setenv("FP_DRIVERS_WHITELIST", "virtual_image", 1);
        auto session = hil::LibfprintSession::start();
        if (!session) throw std::runtime_error(session.error());
        session_ = std::move(*session);
        hil::ScannerSettings settings;
        settings.timeout = timeout;
        auto prompt = prompt_;
        settings.on_finger_needed = [prompt] { prompt->signal(); };
        auto scanner = session_->open("virtual_image", "hil-test-fingerprint-1", settings);
        if (!scanner) throw std::runtime_error(scanner.error());
        scanner_ = std::move(*scanner);
    }
    ~VirtualImageReader() {
        scanner_.reset();
        session_.reset();
        ::unsetenv("FP_VIRTUAL_IMAGE");
        ::unsetenv("FP_DRIVERS_WHITELIST");
    }

    /// One capture of `image` with the gate's figures: fed to the socket once the reader waits for a finger.
    devices::DeviceResult<hil::CaptureReport> capture(const hil::GreyImage& image) {
        return fed(image, [&] { return scanner_->capture_report(); });
    }
    /// The same through FingerprintScanner::capture, the identification desk's call.
    devices::DeviceResult<devices::FingerprintCapture> capture_for_desk(const hil::GreyImage& image) {
        return fed(image, [&] { return scanner_->capture(core::Finger::right_index); });
    }

    hil::LibfprintScanner& scanner() { return *scanner_; }
    const std::string& socket() const { return socket_; }

private:
    /// Runs `capture` while a feeder thread sends `image` once the reader prompts for a finger.
    template <class Capture>
    std::invoke_result_t<Capture> fed(const hil::GreyImage& image, Capture capture) {
        // The prompt of this capture is the first after the ones already seen (a capture's prompts
        // all come before it returns).
        const int n = prompt_->seen() + 1;
        std::thread feeder([this, n, &image] {
            if (!prompt_->wait(n, std::chrono::seconds(5))) return;
            SocketClient client(socket_);
            const int header[2] = {image.width, image.height};
            client.write(header, sizeof(header));
            client.write(image.pixels.data(), image.pixels.size());
        });
        auto result = capture();
        feeder.join();
        return result;
    }

    std::string socket_;
    std::shared_ptr<FingerPrompt> prompt_ = std::make_shared<FingerPrompt>();
    std::unique_ptr<hil::LibfprintSession> session_;
    std::unique_ptr<hil::LibfprintScanner> scanner_;
};

}  // namespace hil_test
