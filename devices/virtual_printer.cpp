#include "devices/virtual_printer.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace devices {

std::size_t printed_lines(std::string_view text) {
    std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    if (!text.empty() && text.back() != '\n') ++lines;
    return lines;
}

VirtualPrinter::VirtualPrinter(std::string id, std::size_t roll_lines)
    : Printer(std::move(id)), paper_left_(roll_lines) {}

DeviceResult<void> VirtualPrinter::print(std::string_view text, core::Micros now) {
    if (has_fault(Fault::dead))
        return std::unexpected(DeviceError{Fault::dead,
            fmt::format("printer {} does not respond: check its power cable, or replace it", id())});
    if (has_fault(Fault::out_of_paper))
        return std::unexpected(DeviceError{Fault::out_of_paper,
            fmt::format("printer {} is out of paper: load a new roll and print again", id())});
    if (auto injected = injected_failure(Fault::dead, "print")) return std::unexpected(std::move(*injected));
    const std::size_t lines = printed_lines(text);
    if (lines > paper_left_) {
        paper_left_ = 0;
        enter_fault(Fault::out_of_paper, now);
        return std::unexpected(DeviceError{Fault::out_of_paper,
            fmt::format("printer {} ran out of paper during a {}-line document: load a new roll and print again",
                        id(), lines)});
    }
    paper_left_ -= lines;
    ++documents_printed_;
    if (keep_log_) printed_.push_back(PrintedDocument{std::string(text), now});
    return {};
}

void VirtualPrinter::load_paper(core::Micros now, std::size_t roll_lines) {
    paper_left_ = roll_lines;
    clear_fault(Fault::out_of_paper, now);
}

}  // namespace devices
