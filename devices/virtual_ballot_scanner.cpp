#include "devices/virtual_ballot_scanner.hpp"

#include <fmt/format.h>

namespace devices {

VirtualBallotScanner::VirtualBallotScanner(std::string id, int layout_options, core::RandomStream random,
                                           std::int64_t bin_capacity)
    : BallotScanner(std::move(id)), options_(layout_options), random_(random), capacity_(bin_capacity) {}

bool VirtualBallotScanner::insert(const core::Ballot& ballot) {
    if (held_) return false;
    sheet_ = ballot;
    waiting_ = true;
    return true;
}

bool VirtualBallotScanner::take_back() {
    if (!waiting_) return false;
    waiting_ = false;
    return true;
}

void VirtualBallotScanner::empty_bin(core::Micros now) {
    in_bin_ = 0;
    clear_fault(Fault::box_full, now);
}

DeviceResult<core::BallotMarks> VirtualBallotScanner::refuse(Fault fault, core::Micros /*now*/) {
    waiting_ = false;  // the sheet goes back to the voter
    std::string message;
    switch (fault) {
        case Fault::dead:
            message = fmt::format("ballot scanner {} does not respond: call technical support to replace it", id());
            break;
        case Fault::cover_open:
            message = fmt::format("ballot scanner {} cover is open: close and seal the cover", id());
            break;
        case Fault::jam:
            message = fmt::format("ballot scanner {} is jammed: open the transport, remove the sheet, clear the jam", id());
            break;
        case Fault::box_full:
            message = fmt::format("ballot box under scanner {} is full ({} sheets): the commission must empty it", id(),
                                  in_bin_);
            break;
        case Fault::misfeed:
            message = fmt::format("ballot scanner {} could not feed the sheet: the voter should insert it again", id());
            break;
        default:
            message = fmt::format("ballot scanner {} refused the sheet ({})", id(), to_string(fault));
    }
    return std::unexpected(DeviceError{fault, std::move(message)});
}

DeviceResult<core::BallotMarks> VirtualBallotScanner::read(core::Micros now) {
    if (!waiting_)
        return std::unexpected(DeviceError{Fault::misfeed, fmt::format("ballot scanner {}: no sheet in the feed", id())});
    if (!healthy()) {
        // Order: a device that is off says so first; then what stops the transport.
        for (Fault f : {Fault::dead, Fault::cover_open, Fault::jam, Fault::box_full})
            if (has_fault(f)) return refuse(f, now);
        if (has_fault(Fault::misfeed) && random_.bernoulli(severity(Fault::misfeed))) return refuse(Fault::misfeed, now);
    }
    if (auto injected = injected_failure(Fault::misfeed, "sheet feed")) {
        waiting_ = false;  // the sheet goes back to the voter
        return std::unexpected(std::move(*injected));
    }
    waiting_ = false;
    held_ = true;
    core::BallotMarks marks{sheet_.sheet, sheet_.condition == core::PaperCondition::intact};
    if (has_fault(Fault::misread) && random_.bernoulli(severity(Fault::misread))) {
        ++misread_;
        if (marks.sheet.option_marks > 0 && random_.bernoulli(0.5)) {
            // A faint mark not seen: the first mark is lost.
            auto& s = marks.sheet;
            const int stored = s.option_marks < core::MarkSheet::kMaxMarks ? s.option_marks : core::MarkSheet::kMaxMarks;
            for (int i = 1; i < stored; ++i) s.options[i - 1] = s.options[i];
            s.drop_last_option();
        } else {
            marks.sheet.mark_option(static_cast<int>(random_.below(static_cast<std::uint64_t>(options_) + 1)));
        }
    }
    return marks;
}

DeviceResult<void> VirtualBallotScanner::route(Compartment where, core::Micros now) {
    if (!held_)
        return std::unexpected(DeviceError{Fault::misfeed, fmt::format("ballot scanner {}: no sheet to route", id())});
    held_ = false;
    if (where == Compartment::return_to_voter) return {};
    ++dropped_;
    ++in_bin_;
    if (in_bin_ >= capacity_ && !has_fault(Fault::box_full)) enter_fault(Fault::box_full, now);
    return {};
}

}  // namespace devices
