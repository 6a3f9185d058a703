#pragma once
/// A PEC's identification desks as the simulator runs them: for each desk its virtual fingerprint
/// scanner, document reader, webcam and receipt printer, and the real station::IdentificationDesk.
/// The simulator puts each voter's document, hand and face in front of the devices (the world side),
/// lets the desk do its work, and turns the steps the desk took into a service time.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/election_package.hpp"
#include "core/random.hpp"
#include "devices/virtual_document_reader.hpp"
#include "devices/virtual_fingerprint_scanner.hpp"
#include "devices/virtual_printer.hpp"
#include "devices/virtual_webcam.hpp"
#include "kernel/engine.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"
#include "sim/views.hpp"
#include "station/identification_desk.hpp"

namespace sim {

struct SharedDay;

/// Visitors the desk must turn away (scenario `turned_away`) travel as trips with a negative voter
/// number, which no voter of the roll has: -1 - (2 x person + kind), `person` being whose document
/// they show (not_on_list: a voter of another PEC; no_document: unused).
enum class TurnedAwayKind : std::uint8_t { not_on_list = 0, no_document = 1 };
constexpr std::int64_t turned_away_visitor(TurnedAwayKind kind, std::int64_t person) {
    return -1 - (2 * person + static_cast<std::int64_t>(kind));
}

/// All identification desks of one PEC.
class IdentificationStation {
public:
    /// Share of voters whose passport MRZ is too worn to read (our estimate, docs/scenarios.md).
    static constexpr double kMrzDamaged = 0.01;
    /// Share of voters whose document has no working chip (older passports; our estimate).
    static constexpr double kNoChip = 0.25;

    /// Desks for `pec` (sim::desks_at: the scenario's or the package's, at least one), on `clock`, their devices drawing from `random`.
    IdentificationStation(const SharedDay& day, const core::Pec& pec, const core::Clock& clock, core::RandomStream random);
    ~IdentificationStation();

    /// Sizes the PEC's register of voters who received ballots for `voters` visits (the day's plan).
    void expect_voters(std::size_t voters) { voted_.reserve(voters); }
    /// Number of desks.
    int desks() const { return static_cast<int>(desks_.size()); }
    /// Takes a free desk (one must be free: the queue's servers match the desks).
    int take_free_desk();
    /// Frees a desk (a desk whose operator is away stays out of service until she is back).
    void release_desk(int desk);
    /// The desk's operator leaves (`away` true: it takes no voter, once its current one is served)
    /// or is back.
    void set_away(int desk, bool away);
    /// Desks whose operator is away.
    int away() const { return static_cast<int>(std::count(away_.begin(), away_.end(), true)); }

    /// What one visit to a desk gave.
    struct Visit {
        bool ballots_issued = false;
        Time service = 0;
    };
    /// Serves voter `voter_index` at `desk` now; adds the outcome to `counts`.
    Visit serve(int desk, std::int64_t voter_index, core::RandomStream& service_random, core::IdentificationCounts& counts);

    /// The device of kind `target` at `desk` (nullptr for a target that is not a desk device).
    devices::Device* device(FaultTarget target, int desk);
    /// Union of the active faults of every desk device.
    std::uint32_t active_faults() const;
    /// The real desk `desk` (the PEC's station::PollingStation adds their reports up).
    const station::IdentificationDesk& desk(int desk) const { return *desks_[static_cast<std::size_t>(desk)].desk; }
    /// The real desk `desk`, for the commission's decisions (station::IdentificationDesk::use_paper_list).
    station::IdentificationDesk& desk(int desk) { return *desks_[static_cast<std::size_t>(desk)].desk; }
    /// Every desk device, for the inspector.
    std::vector<DeviceView> devices() const;
    /// Sets one fault listener on every desk device.
    void on_fault(const devices::Device::FaultListener& listener);

private:
    struct Desk {
        std::unique_ptr<devices::VirtualFingerprintScanner> scanner;
        std::unique_ptr<devices::VirtualDocumentReader> reader;
        std::unique_ptr<devices::VirtualWebcam> webcam;
        std::unique_ptr<devices::VirtualPrinter> printer;
        std::unique_ptr<station::IdentificationDesk> desk;
    };
    void present_voter(Desk& d, std::int64_t voter_index, core::RandomStream& service_random);
    void present_turned_away(Desk& d, std::int64_t visitor);

    const SharedDay& day_;
    station::VotedRegister voted_;  // one register for all desks: one voter, one vote at this PEC
    std::vector<Desk> desks_;
    std::vector<int> free_;
    std::vector<bool> away_;      // per desk: its operator is away (set_away)
    std::vector<bool> held_;      // per desk: free, but kept out of free_ while its operator is away
};

}  // namespace sim
