#pragma once
/// A PEC's identification desks as the simulator runs them: for each desk its virtual fingerprint
/// scanner, document reader, webcam and receipt printer, and the real station::IdentificationDesk.
/// The simulator puts each voter's document, hand and face in front of the devices (the world side),
/// lets the desk do its work, and turns the steps the desk took into a service time.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/election_package.hpp"
#include "core/result.hpp"
#include "core/random.hpp"
#include "devices/virtual_document_reader.hpp"
#include "devices/virtual_fingerprint_scanner.hpp"
#include "devices/virtual_printer.hpp"
#include "devices/virtual_webcam.hpp"
#include "kernel/engine.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"
#include "sim/views.hpp"
#include "station/fingerprint_matcher.hpp"
#include "station/identification_desk.hpp"
#include "station/voter_list.hpp"

namespace sim {

/// A clock that reads the clock of a physical device's PEC once the world has built the PEC (before:
/// time 0): given to the device for the times of its fault events.
class PecClock final : public core::Clock {
public:
    void follow(const core::Clock* pec) { pec_ = pec; }
    core::Micros now() const override { return pec_ ? pec_->now() : 0; }

private:
    const core::Clock* pec_ = nullptr;
};

/// A voter a person at a physical reader plays (a trainee, `shailoo hil enroll`): the voter's index
/// in the national roll and the template enrolled for them on that reader (one finger, the first
/// the desk asks for).
struct BoundVoter {
    std::int64_t voter = 0;
    core::FingerprintTemplate print;
};

/// A fingerprint reader from outside the simulation in one identification desk's slot (hardware in
/// the loop, docs/hil.md): the desk's real code captures on it instead of its virtual scanner, and
/// matches against templates enrolled through the same path, at that path's threshold. The caller
/// owns it and everything it points at, for the whole run; the PEC's thread uses it (one PEC runs on
/// one thread at a time).
///
/// Two ways to use one. Without `bound` every voter served at the desk is identified on the reader
/// (rendered fingers fed to it, tests and benchmarks). With `bound` (a drill: a trainee plays a voter)
/// only those voters are identified on it, at its desk's other devices whichever desk the queue gave
/// them, by a second station::IdentificationDesk that shares the PEC's register; every other voter
/// is served exactly as without the reader, on the desk's virtual scanner.
struct ExternalFingerprintReader {
    int pec = 0;   ///< PEC number
    int desk = 1;  ///< desk number, 1-based (as in the device id "PEC-id-DESK")
    devices::FingerprintScanner* scanner = nullptr;  ///< e.g. a hil::LibfprintScanner
    /// The world puts the voter's hand at the reader (the voter's biometric seed and skin quality):
    /// for a rendered-image reader, which finger to render next; empty for a person at a real reader.
    std::function<void(std::uint64_t biometric_seed, double skin_quality)> present;
    /// The list the desk matches against: templates enrolled through this reader's path (the roll's
    /// are the virtual scanners'); nullptr: the roll. Unused with `bound`.
    const station::VoterList* list = nullptr;
    /// The voters identified on the reader, each with the template enrolled on it (empty: every voter
    /// served at the desk).
    std::vector<BoundVoter> bound;
    station::MatcherSettings matcher;  ///< e.g. hil::kLibfprintThreshold
    /// What the reader is (driver and name), for the drill record.
    std::string device;
    /// The PEC's clock, followed from when the world builds the PEC: give it to the scanner for the
    /// times of its fault events.
    PecClock clock;
    /// Written by the PEC's thread: the outcomes of the visits this desk served, and its captures.
    core::IdentificationCounts counts;
    std::int64_t captures = 0;
    /// What the reader delivered, capture by capture, for the drill record (sim/hil_record.hpp):
    /// appended on the PEC's thread by whatever feeds the desk (hil::ScannerSettings::on_capture, a
    /// sim::ReplayedFingerprintReader).
    std::vector<devices::FingerprintDelivery> delivered;
};

struct SharedDay;

/// Whether each reader has a scanner and stands at a desk the run has (a PEC of the package the
/// scenario simulates, a desk from 1 to its number of desks), one reader per desk, and its bound
/// voters are on that PEC's roll, each bound once; the error names the PEC, desk and voter.
core::Result<void> check_external_readers(const core::ElectionPackage& package, const Scenario& scenario,
                                          const std::vector<ExternalFingerprintReader*>& readers);

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
    /// Every desk device, for the inspector (a bound reader after its desk's devices).
    std::vector<DeviceView> devices() const;
    /// The desks that identify only bound voters on a physical reader (ExternalFingerprintReader::bound),
    /// whose counts belong in the PEC's identification report too.
    std::vector<const station::IdentificationDesk*> bound_desks() const;
    /// Sets one fault listener on every desk device.
    void on_fault(const devices::Device::FaultListener& listener);

private:
    struct Desk {
        // The virtual scanner is made even where an external reader stands in (the PEC's random
        // draws, and so every other device, stay as without it).
        std::unique_ptr<devices::VirtualFingerprintScanner> scanner;
        ExternalFingerprintReader* external = nullptr;  // every voter of this desk on the reader
        devices::FingerprintScanner& fingerprint() const { return external ? *external->scanner : *scanner; }
        // A reader with bound voters: their list (the roll, their templates) and the desk that serves them.
        ExternalFingerprintReader* bound = nullptr;
        std::unique_ptr<station::VoterList> bound_list;
        std::unique_ptr<station::IdentificationDesk> bound_desk;
        std::unique_ptr<devices::VirtualDocumentReader> reader;
        std::unique_ptr<devices::VirtualWebcam> webcam;
        std::unique_ptr<devices::VirtualPrinter> printer;
        std::unique_ptr<station::IdentificationDesk> desk;
    };
    void present_voter(Desk& d, std::int64_t voter_index, bool on_reader, core::RandomStream& service_random);
    Desk* bound_desk_of(std::int64_t voter_index);
    void present_turned_away(Desk& d, std::int64_t visitor);

    const SharedDay& day_;
    station::VotedRegister voted_;  // one register for all desks: one voter, one vote at this PEC
    std::vector<Desk> desks_;
    std::vector<int> free_;
    std::vector<bool> away_;      // per desk: its operator is away (set_away)
    std::vector<bool> held_;      // per desk: free, but kept out of free_ while its operator is away
};

}  // namespace sim
