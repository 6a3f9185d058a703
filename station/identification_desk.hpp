#pragma once
/// The identification desk of a PEC: document -> list -> biometrics -> ballots -> receipt.
///
/// The procedure (CEC instruction, as summarised in docs/domain): the voter shows a passport or
/// ID card, the operator finds the voter in the PEC's list, the voter puts a finger on the
/// scanner; on success ballots are issued, the voter is marked as having voted and a receipt is
/// printed. One voter, one vote: a second attempt is refused with the reason; a voter of another
/// PEC is refused. When the fingerprint fails the fallbacks come in the real order: the other
/// enrolled fingers, then the face against the document photo, then the paper-list procedure.
/// A document no machine can read (or a dead reader) goes straight to the paper-list procedure.
/// Every step is recorded in the result, for the log and for the simulator's service times.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/fingerprint.hpp"
#include "core/identification_report.hpp"
#include "devices/document_reader.hpp"
#include "devices/fingerprint_scanner.hpp"
#include "devices/printer.hpp"
#include "devices/webcam.hpp"
#include "station/desk_login.hpp"
#include "station/face_matcher.hpp"
#include "station/fingerprint_matcher.hpp"
#include "station/voter_list.hpp"

namespace station {

/// How a visit to the desk ended.
enum class IdentificationOutcome : std::uint8_t {
    fingerprint,            ///< identified by the first enrolled finger
    other_finger,           ///< identified by another enrolled finger
    face,                   ///< identified by face against the document photo
    manual,                 ///< identified by the paper-list procedure
    refused_already_voted,  ///< this voter has already received ballots here
    refused_not_on_list,    ///< the document is not on this PEC's list
    refused_other,          ///< no document presented
};

/// Human name of an outcome ("other_finger", ...).
std::string_view to_string(IdentificationOutcome outcome);
/// True for the four outcomes in which ballots are issued.
constexpr bool identified(IdentificationOutcome o) { return o <= IdentificationOutcome::manual; }

/// One thing the desk did.
enum class StepKind : std::uint8_t {
    document_read,         ///< the reader read MRZ and/or chip
    document_unreadable,   ///< neither MRZ nor chip could be read
    document_reader_dead,  ///< the reader did not respond
    list_lookup,           ///< looked up in the list (passed = on this PEC's list)
    fingerprint_capture,   ///< one capture and comparison (finger, score, passed)
    scanner_dead,          ///< the scanner did not respond (fingerprints skipped)
    face_capture,          ///< one face capture and comparison (score, passed)
    webcam_dead,           ///< the webcam did not respond (face skipped)
    paper_list,            ///< the paper-list procedure
    receipt,               ///< receipt printing (passed = printed)
};

/// Human name of a step kind.
std::string_view to_string(StepKind kind);

/// A step and its result.
struct IdentificationStep {
    StepKind kind = StepKind::document_read;
    bool passed = false;
    core::Finger finger = core::Finger::right_index;  ///< fingerprint_capture only
    double score = 0.0;                               ///< fingerprint_capture and face_capture
};

/// The result of one visit.
struct IdentificationResult {
    IdentificationOutcome outcome = IdentificationOutcome::refused_other;
    std::vector<IdentificationStep> steps;  ///< in the order taken
    std::string reason;                     ///< why refused, or which fallback was used and why
    std::int64_t voter_id = -1;             ///< -1 when the voter was not found
    bool ballots_issued = false;
    bool receipt_printed = false;

    /// Back to a blank result, keeping the storage of `steps` and `reason` for the next visit.
    void clear() {
        outcome = IdentificationOutcome::refused_other;
        steps.clear();
        reason.clear();
        voter_id = -1;
        ballots_issued = false;
        receipt_printed = false;
    }
};

/// Adds one visit's outcome to `counts`: its outcome, and the ballots (and a receipt not printed)
/// when ballots were issued. The desks' reports and the simulator's tallies count through it.
void count_outcome(core::IdentificationCounts& counts, const IdentificationResult& result);

/// The PEC's register of voters who received ballots ("one voter, one vote"). A PEC with several
/// desks gives them one register, so a voter refused nowhere at one desk cannot vote again at another.
///
/// An open-addressing table (linear probing over hashed ids, at most half full) rather than a
/// std::unordered_map: every voter of the day is looked up and marked once, and a node per voter would be a
/// heap block to allocate, chase and free (1.3 million of them in a whole-country run).
class VotedRegister {
public:
    /// When this voter received ballots, if they did.
    std::optional<core::Micros> voted_at(std::int64_t voter_id) const;
    /// Records that this voter received ballots at `at`; false if already recorded.
    bool mark(std::int64_t voter_id, core::Micros at);
    /// Voters recorded.
    std::size_t size() const { return size_; }
    /// Makes room for `voters` voters in all, so that recording them does not grow the table again
    /// (a PEC that knows how many it expects sizes its register once).
    void reserve(std::size_t voters);

private:
    /// Marks a free slot. Not a voter id: ids are places in the national roll, 0 or more.
    static constexpr std::int64_t kFree = -1;
    struct Slot {
        std::int64_t voter_id = kFree;
        core::Micros at = 0;
    };
    std::size_t slot_of(std::int64_t voter_id) const;  // where the voter is, or the free slot where it goes
    void rehash(std::size_t slots);  // into `slots` slots (a power of two, more than twice size_)

    std::vector<Slot> slots_;  // size a power of two (or empty)
    std::size_t size_ = 0;
};

/// Desk settings.
struct DeskSettings {
    MatcherSettings fingerprint;            ///< fingerprint matcher settings
    double face_threshold = kFaceThreshold; ///< face matcher threshold
    int attempts_per_finger = 2;            ///< captures of one finger before moving to the next
    int max_fingers = 4;                    ///< enrolled fingers tried at most
};

/// One identification desk. Thread-compatible; owns the "has voted" register of its PEC.
class IdentificationDesk {
public:
    /// A desk of PEC `pec` with its devices, the PEC's list and the clock. Desks of one PEC must share
    /// `voted` (the PEC's register); without one the desk keeps its own (a PEC with a single desk).
    IdentificationDesk(int pec, devices::FingerprintScanner& scanner, devices::DocumentReader& reader,
                       devices::Webcam& webcam, devices::Printer& printer, const VoterList& list,
                       const core::Clock& clock, DeskSettings settings = {}, VotedRegister* voted = nullptr);

    /// Not copyable: it may point at its own register.
    IdentificationDesk(const IdentificationDesk&) = delete;
    /// Not assignable.
    IdentificationDesk& operator=(const IdentificationDesk&) = delete;

    /// Serves the voter now at the desk (document on the reader, hand and face at the devices). The result
    /// is the desk's own and valid until the next call: a desk serves a voter a minute for a whole day,
    /// and reusing one result spares the heap blocks of its steps and reason for every voter.
    const IdentificationResult& identify();
    /// The report so far, dated now.
    core::IdentificationReport report() const;
    /// Sets the number of voters on the PEC's list (shown in the report).
    void set_registered(std::int64_t voters) { registered_ = voters; }
    /// The commission sets the desk's biometric devices aside (a degraded scanner that fails voter
    /// after voter): from now on every admitted voter is identified by the paper-list procedure,
    /// the document still read and checked against the list. `false` goes back to the devices.
    void use_paper_list(bool on) { paper_list_only_ = on; }
    /// Whether the desk is on the paper list by the commission's decision.
    bool on_paper_list() const { return paper_list_only_; }
    /// From now on the desk serves voters only while `login` has a session open; while it is locked
    /// every visit is refused (refused_other, "the desk is locked"). nullptr: no login (the
    /// simulator's desks at PECs no desk incident concerns). `login` must outlive the desk.
    void require_login(const DeskLogin* login) { login_ = login; }
    /// Whether this voter has received ballots at this PEC (by the register the desk uses).
    bool has_voted(std::int64_t voter_id) const { return voted_->voted_at(voter_id).has_value(); }

private:
    struct Document;  // the presented document as read (identification_desk.cpp)
    /// Step 1: reads the document (by machine, else the number by eye); false when none is presented.
    bool read_document(Document& document);
    /// Step 2: whether the voter is on this PEC's list and has not voted; otherwise refuses and says so.
    bool admit(const std::optional<VoterRecord>& voter, std::string_view number);
    /// Step 3: the enrolled fingers in order, a few captures each; true on a match, else why not in `fallback_reason`.
    bool match_fingerprints(const VoterRecord& voter, std::string& fallback_reason);
    /// Step 4: the face against the document's chip photo (else the registration photo); true on a match.
    bool match_face(const VoterRecord& voter, bool chip_read, std::string& fallback_reason);
    /// Step 5: the commission checks the document by eye and the voter signs the paper list.
    const IdentificationResult& paper_list(std::string reason);
    const IdentificationResult& refuse(IdentificationOutcome outcome, std::string reason);
    const IdentificationResult& issue_ballots();

    int pec_;
    devices::FingerprintScanner& scanner_;
    devices::DocumentReader& reader_;
    devices::Webcam& webcam_;
    devices::Printer& printer_;
    const VoterList& list_;
    const core::Clock& clock_;
    DeskSettings settings_;
    FingerprintMatcher fingerprint_matcher_;
    FaceMatcher face_matcher_;
    VotedRegister own_register_;  // used when no shared register is given
    VotedRegister* voted_;        // the register in use
    core::IdentificationReport counts_;
    std::optional<std::int64_t> registered_;
    IdentificationResult result_;  // of the last visit (see identify())
    bool paper_list_only_ = false;  // use_paper_list
    const DeskLogin* login_ = nullptr;  // require_login
};

}  // namespace station
