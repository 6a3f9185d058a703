// Index of this file:
//   [SECTION] Runtime: the worker, libfprint's context and the one-session rule
//   [SECTION] Jobs: enumerate, open, close and capture as worker jobs
//   [SECTION] Session
//   [SECTION] Scanner

#include "hil/libfprint_scanner.hpp"

#include <atomic>
#include <charconv>

#include <fmt/core.h>
#include <fp-image-device.h>
#include <fprint.h>

#include "hil/glib_worker.hpp"

namespace hil {

// [SECTION] Runtime: the worker, libfprint's context and the one-session rule

namespace {

/// Whether a runtime exists in this process (GLib's default context has one owner).
std::atomic<bool> runtime_open{false};

/// Seconds of a duration, for messages.
double seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

/// The worker and libfprint's context; shared by the session and its scanners, released with the last.
class LibfprintRuntime {
public:
    LibfprintRuntime(std::unique_ptr<GlibWorker> worker, FpContext* context) : worker(std::move(worker)), context(context) {}
    ~LibfprintRuntime() {
        FpContext* c = context;
        if (c) worker->run([c](GCancellable*) { g_object_unref(c); }, std::chrono::seconds(2));
        worker.reset();
        runtime_open = false;
    }
    std::unique_ptr<GlibWorker> worker;
    FpContext* context = nullptr;  // used on the worker thread only
};

// [SECTION] Jobs: enumerate, open, close and capture as worker jobs

namespace {

/// Devices found by the enumeration job (the FpDevice pointers stay owned by the context).
struct Enumeration {
    FpContext* context = nullptr;
    std::vector<ReaderInfo> readers;
};

/// Creates libfprint's context and lists its devices (on the worker).
void enumerate(Enumeration& out) {
    out.context = fp_context_new();
    GPtrArray* devices = fp_context_get_devices(out.context);
    for (guint i = 0; devices && i < devices->len; ++i) {
        auto* device = FP_DEVICE(g_ptr_array_index(devices, i));
        ReaderInfo r;
        r.index = static_cast<int>(i);
        r.driver = fp_device_get_driver(device);
        r.name = fp_device_get_name(device);
        r.device_id = fp_device_get_device_id(device);
        r.image = FP_IS_IMAGE_DEVICE(device);
        out.readers.push_back(std::move(r));
    }
}

/// The device at `index` of the context's list (on the worker).
FpDevice* device_at(FpContext* context, int index) {
    GPtrArray* devices = fp_context_get_devices(context);
    return devices && index >= 0 && static_cast<guint>(index) < devices->len ? FP_DEVICE(g_ptr_array_index(devices, index)) : nullptr;
}

/// The outcome of one libfprint call: the driver's message when it failed.
struct CallOutcome {
    bool ok = false;
    bool retry = false;      // FP_DEVICE_RETRY: the finger should be presented again
    bool cancelled = false;  // our deadline cancelled it
    std::string message;
};

/// Moves a GError into the outcome (and frees it).
void take_error(CallOutcome& out, GError* error) {
    out.ok = false;
    if (!error) {
        out.message = "failed without a message";
        return;
    }
    out.message = error->message;
    out.retry = error->domain == FP_DEVICE_RETRY;
    out.cancelled = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_error_free(error);
}

/// What a capture job hands back.
struct RawCapture {
    CallOutcome call;
    std::vector<std::uint8_t> fp3;  // the probe print, serialised
    GreyImage image;                // its image (empty for match-on-chip)
};

/// The probe print's serialisation and image into `out` (on the worker).
void keep_print(FpPrint* print, RawCapture& out) {
    guchar* data = nullptr;
    gsize size = 0;
    GError* error = nullptr;
    if (!fp_print_serialize(print, &data, &size, &error)) return take_error(out.call, error);
    out.fp3.assign(data, data + size);
    g_free(data);
    if (FpImage* image = fp_print_get_image(print)) {
        gsize bytes = 0;
        const guchar* pixels = fp_image_get_data(image, &bytes);
        out.image.width = static_cast<int>(fp_image_get_width(image));
        out.image.height = static_cast<int>(fp_image_get_height(image));
        out.image.pixels.assign(pixels, pixels + bytes);
    }
    out.call.ok = true;
}

/// One capture: identify against an empty gallery, which returns the probe print (on the worker). A
/// match-on-chip reader runs it too, so its errors and unplugging are reported as a reader's; its
/// print, with no image, is then refused.
void capture_job(FpDevice* device, GCancellable* cancellable, RawCapture& out) {
    if (!fp_device_has_feature(device, FP_DEVICE_FEATURE_IDENTIFY)) {
        out.call.message = "the driver can neither capture images nor identify, so it gives no print";
        return;
    }
    GPtrArray* gallery = g_ptr_array_new_with_free_func(g_object_unref);
    FpPrint* match = nullptr;
    FpPrint* print = nullptr;
    GError* error = nullptr;
    if (fp_device_identify_sync(device, gallery, cancellable, nullptr, nullptr, &match, &print, &error)) {
        if (print)
            keep_print(print, out);
        else
            out.call.ok = true;  // a match-on-chip reader may give none: the image is then missing
    } else {
        take_error(out.call, error);
    }
    if (match) g_object_unref(match);
    if (print) g_object_unref(print);
    g_ptr_array_unref(gallery);
}

/// The scanner's prompt and the finger status last seen (touched on the worker thread only).
struct Prompt {
    std::function<void()> call;
    FpFingerStatusFlags last = FP_FINGER_STATUS_NONE;
};

/// Calls the prompt once each time the device starts waiting for a finger with none on it (a
/// GObject notify handler; the status also passes through NEEDED | PRESENT, which is no new prompt).
void finger_status_changed(FpDevice* device, GParamSpec*, gpointer data) {
    auto* prompt = static_cast<Prompt*>(data);
    const FpFingerStatusFlags status = fp_device_get_finger_status(device);
    if (status == FP_FINGER_STATUS_NEEDED && prompt->last != FP_FINGER_STATUS_NEEDED) prompt->call();
    prompt->last = status;
}

/// Frees the prompt when its handler is disconnected.
void free_prompt(gpointer prompt, GClosure*) { delete static_cast<Prompt*>(prompt); }

/// "after 2.5 s" or the driver's message, for a failed call.
std::string failure_words(const CallOutcome& call, bool answered, std::chrono::milliseconds timeout) {
    if (!answered) return fmt::format("no answer within {:.1f} s, even after cancelling", seconds(timeout));
    if (call.cancelled) return fmt::format("no capture within {:.1f} s (libfprint: {})", seconds(timeout), call.message);
    return fmt::format("libfprint: {}", call.message);
}

}  // namespace

// [SECTION] Session

std::expected<std::unique_ptr<LibfprintSession>, std::string> LibfprintSession::start(std::chrono::milliseconds timeout) {
    if (runtime_open.exchange(true)) return std::unexpected(std::string("a libfprint session is already open in this process"));
    auto worker = GlibWorker::start();
    if (!worker) {
        runtime_open = false;
        return std::unexpected(worker.error());
    }
    auto found = std::make_shared<Enumeration>();
    const bool answered = (*worker)->run([found](GCancellable*) { enumerate(*found); }, timeout);
    // The runtime takes the worker whatever happened, so the context is released on it.
    auto runtime = std::make_shared<LibfprintRuntime>(std::move(*worker), answered ? found->context : nullptr);
    if (!answered) return std::unexpected(fmt::format("libfprint did not list its devices within {:.1f} s", seconds(timeout)));
    return std::unique_ptr<LibfprintSession>(new LibfprintSession(std::move(runtime), found->readers));
}

LibfprintSession::~LibfprintSession() = default;

std::expected<ReaderInfo, std::string> LibfprintSession::find(std::string_view selector) const {
    int index = -1;
    const auto [end, error] = std::from_chars(selector.data(), selector.data() + selector.size(), index);
    const bool numeric = error == std::errc{} && end == selector.data() + selector.size();
    for (const ReaderInfo& r : readers_)
        if ((numeric && r.index == index) || r.driver == selector || r.device_id == selector) return r;
    std::string known;
    for (const ReaderInfo& r : readers_) known += fmt::format("{}{} ({})", known.empty() ? "" : ", ", r.index, r.driver);
    return std::unexpected(fmt::format("no libfprint device '{}'; attached: {}", selector, known.empty() ? "none" : known));
}

std::expected<std::unique_ptr<LibfprintScanner>, std::string> LibfprintSession::open(std::string_view selector, std::string scanner_id,
                                                                                      ScannerSettings settings) {
    auto reader = find(selector);
    if (!reader) return std::unexpected(reader.error());
    struct Opened {
        FpDevice* device = nullptr;
        CallOutcome call;
        unsigned long handler = 0;
    };
    auto opened = std::make_shared<Opened>();
    FpContext* context = runtime_->context;
    const int index = reader->index;
    auto prompt = settings.on_finger_needed;
    const bool answered = runtime_->worker->run(
        [opened, context, index, prompt](GCancellable* cancellable) {
            opened->device = device_at(context, index);
            GError* error = nullptr;
            if (!opened->device) {
                opened->call.message = "the device is no longer in libfprint's list";
                return;
            }
            if (!fp_device_open_sync(opened->device, cancellable, &error)) return take_error(opened->call, error);
            opened->call.ok = true;
            if (prompt)
                opened->handler = g_signal_connect_data(opened->device, "notify::finger-status", G_CALLBACK(finger_status_changed),
                                                        new Prompt{prompt}, free_prompt, GConnectFlags{});
        },
        settings.timeout);
    if (!answered || !opened->call.ok)
        return std::unexpected(fmt::format("opening {} ({}) failed: {}", reader->driver, reader->device_id,
                                           failure_words(opened->call, answered, settings.timeout)));
    auto scanner = std::unique_ptr<LibfprintScanner>(new LibfprintScanner(std::move(scanner_id), *reader, opened->device, std::move(settings), runtime_));
    scanner->needed_handler_ = opened->handler;
    return scanner;
}

// [SECTION] Scanner

LibfprintScanner::LibfprintScanner(std::string id, ReaderInfo reader, void* device, ScannerSettings settings,
                                   std::shared_ptr<LibfprintRuntime> runtime)
    : FingerprintScanner(std::move(id)), reader_(std::move(reader)), device_(device), settings_(std::move(settings)), runtime_(std::move(runtime)) {}

LibfprintScanner::~LibfprintScanner() {
    auto* device = static_cast<FpDevice*>(device_);
    const unsigned long handler = needed_handler_;
    runtime_->worker->run(
        [device, handler](GCancellable* cancellable) {
            if (handler) g_signal_handler_disconnect(device, handler);
            if (fp_device_is_open(device)) fp_device_close_sync(device, cancellable, nullptr);
        },
        settings_.timeout);
}

devices::DeviceError LibfprintScanner::dead(std::string message) {
    std::string text = fmt::format("fingerprint reader {} ({}, {}): {}", id(), reader_.driver, reader_.name, message);
    if (!has_fault(devices::Fault::dead)) enter_fault(devices::Fault::dead, settings_.clock ? settings_.clock->now() : 0);
    return devices::DeviceError{devices::Fault::dead, std::move(text)};
}

devices::DeviceResult<CaptureReport> LibfprintScanner::capture_report() {
    if (has_fault(devices::Fault::dead))
        return std::unexpected(devices::DeviceError{
            devices::Fault::dead, fmt::format("fingerprint reader {} ({}) is dead: check its USB cable or replace it", id(), reader_.driver)});
    if (auto injected = injected_failure(devices::Fault::dead, "capture")) return std::unexpected(std::move(*injected));
    auto raw = std::make_shared<RawCapture>();
    auto* device = static_cast<FpDevice*>(device_);
    const bool answered = runtime_->worker->run([raw, device](GCancellable* cancellable) { capture_job(device, cancellable, *raw); },
                                                settings_.timeout);
    if (answered && !raw->call.ok && raw->call.retry)
        return std::unexpected(devices::DeviceError{devices::Fault::degraded,
                                                    fmt::format("fingerprint reader {} ({}): present the finger again (libfprint: {})", id(),
                                                                reader_.driver, raw->call.message)});
    if (!answered || !raw->call.ok) return std::unexpected(dead(failure_words(raw->call, answered, settings_.timeout)));
    if (!reader_.image)
        return std::unexpected(dead("a match-on-chip reader: its prints stay on the device and give no template "
                                    "(only image readers work; docs/hil.md)"));
    if (raw->image.pixels.empty()) return std::unexpected(dead("the driver returned no print image"));
    auto minutiae = parse_fp3_minutiae(raw->fp3);
    if (!minutiae) return std::unexpected(dead(minutiae.error()));
    CaptureReport report;
    report.figures = measure_image(raw->image);
    report.figures.minutiae = static_cast<int>(minutiae->size());
    report.verdict = judge(report.figures);
    report.capture.print = template_from_nist(*minutiae, raw->image.height);
    report.capture.quality = quality_score(report.figures);
    report.image = std::move(raw->image);
    report.minutiae = std::move(*minutiae);
    return report;
}

devices::DeviceResult<devices::FingerprintCapture> LibfprintScanner::capture(core::Finger) {
    const auto started = std::chrono::steady_clock::now();
    auto report = capture_report();
    devices::DeviceResult<devices::FingerprintCapture> result;
    if (!report) {
        result = std::unexpected(report.error());
    } else if (report->verdict != QualityVerdict::accepted) {
        result = std::unexpected(devices::DeviceError{
            devices::Fault::degraded,
            fmt::format("fingerprint reader {}: capture refused by the quality gate: {} ({} minutiae, finger area {:.2f}, coherence {:.2f}); "
                        "present the finger again",
                        id(), to_string(report->verdict), report->figures.minutiae, report->figures.finger_area, report->figures.coherence)});
    } else {
        result = report->capture;
    }
    if (settings_.on_capture) {
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        settings_.on_capture(devices::FingerprintDelivery{result, took.count()}, report ? &report->image : nullptr);
    }
    return result;
}

}  // namespace hil
