#pragma once
/// A simulated ballot scanner with the fault model the simulator and scenarios drive.
#include <cstdint>

#include "core/random.hpp"
#include "devices/ballot_scanner.hpp"

namespace devices {

/// A virtual ballot scanner.
///
/// World side: insert() is what the voter does; empty_bin() is the commission opening a full
/// box. Station side: read() and route() through the BallotScanner interface.
/// Faults (all states, entered and cleared by the simulator, except box_full which the
/// scanner also enters by itself):
/// - dead, cover_open, jam, box_full: read() refuses and the sheet stays with the voter;
/// - misfeed (severity = share of sheets): that share is handed back unread; the voter re-inserts;
/// - misread (severity = share of sheets): that share is read wrongly - half lose their first
///   mark (a faint mark not seen), half gain a phantom mark on a random option.
/// Which sheets misfeed or misread is drawn from the RandomStream given at construction, so a
/// run is reproduced exactly by its seed.
///
/// Capacity: kBinCapacity = 2,500 sheets (both compartments). The largest 2021 PECs had
/// about 3,000-3,500 registered voters; at their turnout (~35-60 %) one box receives
/// 1,000-2,100 sheets, so 2,500 holds a large PEC's day with a margin, while a very large or
/// very high-turnout PEC can reach it - as the one ARBB that overflowed in 2021 did.
class VirtualBallotScanner final : public BallotScanner {
public:
    /// Sheets the bin holds before the scanner enters box_full (see class comment).
    static constexpr std::int64_t kBinCapacity = 2'500;

    /// A scanner for ballots of `layout_options` options (for phantom marks), drawing from `random`.
    VirtualBallotScanner(std::string id, int layout_options, core::RandomStream random,
                         std::int64_t bin_capacity = kBinCapacity);

    /// World side: the voter puts a sheet into the feed. A sheet still waiting there was not taken
    /// (e.g. no power) and is back with its voter. Returns false only while a sheet is in the transport.
    bool insert(const core::Ballot& ballot);
    /// World side: the voter takes back the sheet waiting in the feed (e.g. to use a stationary box).
    bool take_back();
    /// World side: the commission empties the bin (sheets go to sealed bags); clears box_full.
    void empty_bin(core::Micros now);

    bool sheet_waiting() const override { return waiting_; }
    DeviceResult<core::BallotMarks> read(core::Micros now) override;
    DeviceResult<void> route(Compartment where, core::Micros now) override;
    std::int64_t sheets_dropped() const override { return dropped_; }

    /// Sheets in the bin now (since the last empty_bin()).
    std::int64_t sheets_in_bin() const { return in_bin_; }
    /// Capacity of the bin in sheets.
    std::int64_t bin_capacity() const { return capacity_; }
    /// Sheets the scanner has read wrongly (misread fault) so far: the simulator compares with ground truth.
    std::int64_t sheets_misread() const { return misread_; }

private:
    DeviceResult<core::BallotMarks> refuse(Fault fault, core::Micros now);

    int options_;
    core::RandomStream random_;
    std::int64_t capacity_;
    core::Ballot sheet_{};
    bool waiting_ = false;
    bool held_ = false;
    std::int64_t dropped_ = 0;
    std::int64_t in_bin_ = 0;
    std::int64_t misread_ = 0;
};

}  // namespace devices
