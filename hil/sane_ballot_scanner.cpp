// Index of this file:
//   [SECTION] SANE's library: init and exit, devices
//   [SECTION] Options
//   [SECTION] Opening the device
//   [SECTION] Scanning a sheet
//   [SECTION] The BallotScanner interface
#include "hil/sane_ballot_scanner.hpp"

#include <fmt/format.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <optional>

namespace hil {

// [SECTION] SANE's library: init and exit, devices

namespace {

/// sane_init once for all users in the process, sane_exit after the last (SANE is process-wide).
std::mutex sane_users_mutex;
int sane_users = 0;

SANE_Status sane_acquire() {
    std::lock_guard lock(sane_users_mutex);
    if (sane_users == 0) {
        SANE_Int version = 0;
        if (SANE_Status s = sane_init(&version, nullptr); s != SANE_STATUS_GOOD) return s;
    }
    ++sane_users;
    return SANE_STATUS_GOOD;
}

void sane_release() {
    std::lock_guard lock(sane_users_mutex);
    if (--sane_users == 0) sane_exit();
}

/// Holds SANE initialised for the scope.
struct SaneUse {
    SANE_Status status = sane_acquire();
    ~SaneUse() { if (status == SANE_STATUS_GOOD) sane_release(); }
};

}  // namespace

core::Result<std::vector<SaneDeviceInfo>> sane_devices() {
    SaneUse use;
    if (use.status != SANE_STATUS_GOOD) return core::fail(fmt::format("SANE does not start: {}", sane_strstatus(use.status)));
    const SANE_Device** list = nullptr;
    if (SANE_Status s = sane_get_devices(&list, SANE_FALSE); s != SANE_STATUS_GOOD)
        return core::fail(fmt::format("SANE cannot list devices: {}", sane_strstatus(s)));
    std::vector<SaneDeviceInfo> out;
    for (int i = 0; list != nullptr && list[i] != nullptr; ++i)
        out.push_back({list[i]->name, list[i]->vendor, list[i]->model, list[i]->type});
    return out;
}

struct SaneBallotScanner::Handle {
    SANE_Handle h = nullptr;
    ~Handle() {
        if (h != nullptr) sane_close(h);
        sane_release();
    }
    /// Index of the option named `name`, or -1.
    int find(const std::string& name) const {
        SANE_Int count = 0;
        if (sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &count, nullptr) != SANE_STATUS_GOOD) return -1;
        for (int i = 1; i < count; ++i) {
            const SANE_Option_Descriptor* d = sane_get_option_descriptor(h, i);
            if (d != nullptr && d->name != nullptr && name == d->name) return i;
        }
        return -1;
    }
};

// [SECTION] Options

namespace {

/// `value` as SANE_Word for an option of type INT, FIXED or BOOL; nothing when it does not parse.
std::optional<SANE_Word> sane_word_of(const SANE_Option_Descriptor& d, const std::string& value) {
    if (d.type == SANE_TYPE_BOOL) {
        if (value == "yes" || value == "true" || value == "1") return SANE_TRUE;
        if (value == "no" || value == "false" || value == "0") return SANE_FALSE;
        return std::nullopt;
    }
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
    return d.type == SANE_TYPE_FIXED ? SANE_FIX(v) : static_cast<SANE_Word>(std::lround(v));
}

/// The word of a word-list constraint nearest to `w`.
SANE_Word nearest_in(const SANE_Word* list, SANE_Word w) {
    SANE_Word best = list[1];
    for (SANE_Int i = 1; i <= list[0]; ++i)
        if (std::abs(static_cast<long long>(list[i]) - w) < std::abs(static_cast<long long>(best) - w)) best = list[i];
    return best;
}

/// The first entry of a string list equal to, or else containing, `want` (case as given).
std::optional<std::string> pick_string(const SANE_String_Const* list, const std::vector<std::string>& wants) {
    for (const std::string& want : wants)
        for (int i = 0; list != nullptr && list[i] != nullptr; ++i)
            if (want == list[i]) return std::string(list[i]);
    for (const std::string& want : wants)
        for (int i = 0; list != nullptr && list[i] != nullptr; ++i)
            if (std::string(list[i]).find(want) != std::string::npos) return std::string(list[i]);
    return std::nullopt;
}

}  // namespace

core::Result<void> SaneBallotScanner::set_option(const std::string& name, const std::string& value) {
    const int index = handle_->find(name);
    if (index < 0) return core::fail(fmt::format("{}: the device has no option '{}'", device_, name));
    const SANE_Option_Descriptor* d = sane_get_option_descriptor(handle_->h, index);
    if (!SANE_OPTION_IS_ACTIVE(d->cap) || !SANE_OPTION_IS_SETTABLE(d->cap))
        return core::fail(fmt::format("{}: option '{}' cannot be set now", device_, name));
    SANE_Status status = SANE_STATUS_INVAL;
    if (d->type == SANE_TYPE_STRING) {
        if (static_cast<SANE_Int>(value.size()) >= d->size)
            return core::fail(fmt::format("{}: option '{}' takes at most {} bytes", device_, name, d->size - 1));
        std::vector<char> text(static_cast<std::size_t>(d->size), '\0');
        std::copy(value.begin(), value.end(), text.begin());
        status = sane_control_option(handle_->h, index, SANE_ACTION_SET_VALUE, text.data(), nullptr);
    } else if (d->type == SANE_TYPE_BUTTON) {
        status = sane_control_option(handle_->h, index, SANE_ACTION_SET_VALUE, nullptr, nullptr);
    } else {
        auto word = sane_word_of(*d, value);
        if (!word) return core::fail(fmt::format("{}: option '{}' wants {}, not '{}'", device_, name,
                                                 d->type == SANE_TYPE_BOOL ? "yes or no" : "a number", value));
        if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) *word = nearest_in(d->constraint.word_list, *word);
        if (d->constraint_type == SANE_CONSTRAINT_RANGE) *word = std::clamp(*word, d->constraint.range->min, d->constraint.range->max);
        status = sane_control_option(handle_->h, index, SANE_ACTION_SET_VALUE, &*word, nullptr);
    }
    if (status != SANE_STATUS_GOOD)
        return core::fail(fmt::format("{}: option '{}' = '{}' refused: {}", device_, name, value, sane_strstatus(status)));
    return {};
}

core::Result<void> SaneBallotScanner::ask_grey_and_dpi(double dpi) {
    if (int mode = handle_->find(SANE_NAME_SCAN_MODE); mode >= 0) {
        const SANE_Option_Descriptor* d = sane_get_option_descriptor(handle_->h, mode);
        if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST)
            if (auto grey = pick_string(d->constraint.string_list, {SANE_VALUE_SCAN_MODE_GRAY, "Gray", "Grey", "gray"}))
                if (auto ok = set_option(SANE_NAME_SCAN_MODE, *grey); !ok) return ok;
    }
    const int res = handle_->find(SANE_NAME_SCAN_RESOLUTION);
    if (res < 0) {
        dpi_ = dpi;  // a device without the option scans at its one resolution: the one we were told
        return {};
    }
    if (auto ok = set_option(SANE_NAME_SCAN_RESOLUTION, fmt::format("{}", dpi)); !ok) return ok;
    const SANE_Option_Descriptor* d = sane_get_option_descriptor(handle_->h, res);
    SANE_Word w = 0;
    if (SANE_Status s = sane_control_option(handle_->h, res, SANE_ACTION_GET_VALUE, &w, nullptr); s != SANE_STATUS_GOOD)
        return core::fail(fmt::format("{}: cannot read the resolution back: {}", device_, sane_strstatus(s)));
    dpi_ = d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : static_cast<double>(w);
    return {};
}

// [SECTION] Opening the device

SaneBallotScanner::SaneBallotScanner(std::string id, std::string device, MarkReader reader, std::unique_ptr<Handle> handle)
    : BallotScanner(std::move(id)), device_(std::move(device)), reader_(std::move(reader)), handle_(std::move(handle)) {}

SaneBallotScanner::~SaneBallotScanner() = default;

core::Result<std::unique_ptr<SaneBallotScanner>> SaneBallotScanner::open(std::string id, const std::string& device, MarkReader reader,
                                                                         const SaneScannerOptions& options) {
    if (!(options.dpi >= 50.0 && options.dpi <= 1200.0))
        return core::fail(fmt::format("ballot scanner {}: resolution {} dpi is outside 50..1200", id, options.dpi));
    if (SANE_Status s = sane_acquire(); s != SANE_STATUS_GOOD)
        return core::fail(fmt::format("ballot scanner {}: SANE does not start: {}", id, sane_strstatus(s)));
    auto handle = std::make_unique<Handle>();
    if (SANE_Status s = sane_open(device.c_str(), &handle->h); s != SANE_STATUS_GOOD) {
        handle->h = nullptr;
        return core::fail(fmt::format("ballot scanner {}: cannot open SANE device '{}': {}", id, device, sane_strstatus(s)));
    }
    std::unique_ptr<SaneBallotScanner> scanner(new SaneBallotScanner(std::move(id), device, std::move(reader), std::move(handle)));
    scanner->on_read_ = options.on_read;
    for (const auto& [name, value] : options.extra)
        if (auto ok = scanner->set_option(name, value); !ok) return std::unexpected(ok.error());
    if (auto ok = scanner->ask_grey_and_dpi(options.dpi); !ok) return std::unexpected(ok.error());
    return scanner;
}

// [SECTION] Scanning a sheet

devices::DeviceError SaneBallotScanner::fault_from(int status, const char* operation, core::Micros now) {
    using devices::Fault;
    const auto s = static_cast<SANE_Status>(status);
    const Fault fault = s == SANE_STATUS_JAMMED ? Fault::jam : s == SANE_STATUS_NO_DOCS ? Fault::misfeed
                        : s == SANE_STATUS_COVER_OPEN ? Fault::cover_open : Fault::dead;
    const char* what = fault == Fault::jam        ? ": open the transport, remove the sheet, clear the jam"
                       : fault == Fault::misfeed  ? ": the voter should insert the sheet again"
                       : fault == Fault::cover_open ? ": close and seal the cover"
                                                  : ": call technical support";
    if (fault != Fault::misfeed && !has_fault(fault)) enter_fault(fault, now);
    return devices::DeviceError{fault, fmt::format("ballot scanner {} ({}): {}: {}{}", id(), device_, operation, sane_strstatus(s), what)};
}

namespace {

/// One frame's bytes as grey pixels: 8-bit grey as they are, 16-bit grey by its high byte (host
/// order, as SANE gives it), RGB by luma (ITU-R BT.601 weights).
std::optional<SheetImage> grey_of(const std::vector<std::uint8_t>& bytes, const SANE_Parameters& p, double dpi) {
    if (p.bytes_per_line <= 0 || p.pixels_per_line <= 0) return std::nullopt;
    SheetImage img;
    img.width = p.pixels_per_line;
    img.height = static_cast<int>(bytes.size() / static_cast<std::size_t>(p.bytes_per_line));
    img.dpi = dpi;
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
    const int channels = p.format == SANE_FRAME_RGB ? 3 : 1, bytes_per = p.depth == 16 ? 2 : 1;
    if ((p.depth != 8 && p.depth != 16) || (p.format != SANE_FRAME_GRAY && p.format != SANE_FRAME_RGB)) return std::nullopt;
    for (int y = 0; y < img.height; ++y) {
        const std::uint8_t* row = bytes.data() + static_cast<std::size_t>(y) * p.bytes_per_line;
        for (int x = 0; x < img.width; ++x) {
            auto sample = [&](int c) -> double {
                const std::uint8_t* at = row + (static_cast<std::size_t>(x) * channels + c) * bytes_per;
                if (bytes_per == 1) return *at;
                std::uint16_t v;
                std::copy(at, at + 2, reinterpret_cast<std::uint8_t*>(&v));
                return v >> 8;
            };
            const double g = channels == 1 ? sample(0) : 0.299 * sample(0) + 0.587 * sample(1) + 0.114 * sample(2);
            img.pixels[static_cast<std::size_t>(y) * img.width + x] = static_cast<std::uint8_t>(std::lround(g));
        }
    }
    return img;
}

}  // namespace

devices::DeviceResult<SheetImage> SaneBallotScanner::scan_sheet(core::Micros now) {
    SANE_Handle h = handle_->h;
    struct Cancel {
        SANE_Handle h;
        ~Cancel() { sane_cancel(h); }
    } cancel{h};
    if (SANE_Status s = sane_start(h); s != SANE_STATUS_GOOD) return std::unexpected(fault_from(s, "start", now));
    SANE_Parameters p{};
    if (SANE_Status s = sane_get_parameters(h, &p); s != SANE_STATUS_GOOD) return std::unexpected(fault_from(s, "parameters", now));
    std::vector<std::uint8_t> bytes;
    if (p.lines > 0) bytes.reserve(static_cast<std::size_t>(p.lines) * p.bytes_per_line);
    std::vector<SANE_Byte> chunk(1 << 16);
    for (;;) {
        SANE_Int got = 0;
        const SANE_Status s = sane_read(h, chunk.data(), static_cast<SANE_Int>(chunk.size()), &got);
        if (s == SANE_STATUS_EOF) break;
        if (s != SANE_STATUS_GOOD) return std::unexpected(fault_from(s, "read", now));
        bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
    }
    auto image = p.last_frame ? grey_of(bytes, p, dpi_) : std::nullopt;
    if (!image) {
        if (!has_fault(devices::Fault::dead)) enter_fault(devices::Fault::dead, now);
        return std::unexpected(devices::DeviceError{devices::Fault::dead, fmt::format(
            "ballot scanner {} ({}): gives frames of format {}, depth {}, which the reader does not take (8- or 16-bit grey or RGB, one pass)",
            id(), device_, static_cast<int>(p.format), p.depth)});
    }
    for (devices::Fault f : {devices::Fault::dead, devices::Fault::jam, devices::Fault::cover_open})
        if (has_fault(f)) clear_fault(f, now);
    return std::move(*image);
}

// [SECTION] The BallotScanner interface

std::optional<bool> SaneBallotScanner::paper_loaded() const {
    const int sensor = handle_->find("page-loaded");
    if (sensor < 0) return std::nullopt;
    SANE_Word loaded = SANE_TRUE;
    if (sane_control_option(handle_->h, sensor, SANE_ACTION_GET_VALUE, &loaded, nullptr) != SANE_STATUS_GOOD) return std::nullopt;
    return loaded == SANE_TRUE;
}

bool SaneBallotScanner::sheet_waiting() const {
    const std::optional<bool> loaded = paper_loaded();
    if (loaded == false && on_read_) on_read_(devices::BallotDelivery{.no_sheet = true}, nullptr);
    return loaded.value_or(true);
}

devices::DeviceResult<core::BallotMarks> SaneBallotScanner::read(core::Micros now) {
    const auto started = std::chrono::steady_clock::now();
    std::optional<SheetImage> image;
    auto result = read_sheet(now, image);
    if (on_read_) {
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        on_read_(devices::BallotDelivery{result, took.count()}, image ? &*image : nullptr);
    }
    return result;
}

devices::DeviceResult<core::BallotMarks> SaneBallotScanner::read_sheet(core::Micros now, std::optional<SheetImage>& scanned) {
    if (held_)
        return std::unexpected(devices::DeviceError{devices::Fault::misfeed,
                                                    fmt::format("ballot scanner {}: a sheet is still in the transport: route it first", id())});
    if (auto injected = injected_failure(devices::Fault::misfeed, "sheet feed")) return std::unexpected(std::move(*injected));
    auto image = scan_sheet(now);
    if (!image) return std::unexpected(std::move(image.error()));
    held_ = true;
    scanned = std::move(*image);  // read where the hook (if any) will see it: no copy of the page
    auto reading = reader_.read(view_of(*scanned));
    if (!reading) {
        last_problem_ = reading.error().message;
        last_reading_.reset();
        return core::BallotMarks{core::MarkSheet{}, false};
    }
    last_problem_.clear();
    last_reading_ = std::move(*reading);
    return last_reading_->marks;
}

devices::DeviceResult<void> SaneBallotScanner::route(devices::Compartment where, core::Micros /*now*/) {
    if (!held_)
        return std::unexpected(devices::DeviceError{devices::Fault::misfeed, fmt::format("ballot scanner {}: no sheet to route", id())});
    held_ = false;
    if (where != devices::Compartment::return_to_voter) ++dropped_;
    return {};
}

}  // namespace hil
