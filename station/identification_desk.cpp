#include "station/identification_desk.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <utility>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/random.hpp"

namespace station {

std::string_view to_string(IdentificationOutcome outcome) {
    switch (outcome) {
        case IdentificationOutcome::fingerprint: return "fingerprint";
        case IdentificationOutcome::other_finger: return "other_finger";
        case IdentificationOutcome::face: return "face";
        case IdentificationOutcome::manual: return "manual";
        case IdentificationOutcome::refused_already_voted: return "refused_already_voted";
        case IdentificationOutcome::refused_not_on_list: return "refused_not_on_list";
        case IdentificationOutcome::refused_other: return "refused_other";
    }
    return "unknown";
}

void count_outcome(core::IdentificationCounts& counts, const IdentificationResult& r) {
    switch (r.outcome) {
        case IdentificationOutcome::fingerprint: ++counts.fingerprint; break;
        case IdentificationOutcome::other_finger: ++counts.other_finger; break;
        case IdentificationOutcome::face: ++counts.face; break;
        case IdentificationOutcome::manual: ++counts.manual; break;
        case IdentificationOutcome::refused_already_voted: ++counts.refused_already_voted; break;
        case IdentificationOutcome::refused_not_on_list: ++counts.refused_not_on_list; break;
        case IdentificationOutcome::refused_other: ++counts.refused_other; break;
    }
    if (r.ballots_issued) {
        ++counts.ballots_issued;
        if (!r.receipt_printed) ++counts.receipts_not_printed;
    }
}

std::string_view to_string(StepKind kind) {
    switch (kind) {
        case StepKind::document_read: return "document_read";
        case StepKind::document_unreadable: return "document_unreadable";
        case StepKind::document_reader_dead: return "document_reader_dead";
        case StepKind::list_lookup: return "list_lookup";
        case StepKind::fingerprint_capture: return "fingerprint_capture";
        case StepKind::scanner_dead: return "scanner_dead";
        case StepKind::face_capture: return "face_capture";
        case StepKind::webcam_dead: return "webcam_dead";
        case StepKind::paper_list: return "paper_list";
        case StepKind::receipt: return "receipt";
    }
    return "unknown";
}

std::size_t VotedRegister::slot_of(std::int64_t voter_id) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(core::mix64(static_cast<std::uint64_t>(voter_id))) & mask;
    while (slots_[i].voter_id != voter_id && slots_[i].voter_id != kFree) i = (i + 1) & mask;
    return i;
}

std::optional<core::Micros> VotedRegister::voted_at(std::int64_t voter_id) const {
    if (slots_.empty()) return std::nullopt;
    const Slot& slot = slots_[slot_of(voter_id)];
    if (slot.voter_id == kFree) return std::nullopt;
    return slot.at;
}

bool VotedRegister::mark(std::int64_t voter_id, core::Micros at) {
    assert(voter_id != kFree);
    if (2 * (size_ + 1) > slots_.size()) rehash(std::max<std::size_t>(64, 2 * slots_.size()));
    Slot& slot = slots_[slot_of(voter_id)];
    if (slot.voter_id == voter_id) return false;
    slot = {voter_id, at};
    ++size_;
    return true;
}

void VotedRegister::reserve(std::size_t voters) {
    const std::size_t slots = std::bit_ceil(std::max<std::size_t>(64, 2 * voters));  // at most half full
    if (slots > slots_.size()) rehash(slots);
}

void VotedRegister::rehash(std::size_t slots) {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots));
    for (const Slot& s : old)
        if (s.voter_id != kFree) slots_[slot_of(s.voter_id)] = s;
}

IdentificationDesk::IdentificationDesk(int pec, devices::FingerprintScanner& scanner, devices::DocumentReader& reader,
                                       devices::Webcam& webcam, devices::Printer& printer, const VoterList& list,
                                       const core::Clock& clock, DeskSettings settings, VotedRegister* voted)
    : pec_(pec), scanner_(scanner), reader_(reader), webcam_(webcam), printer_(printer), list_(list), clock_(clock),
      settings_(settings), fingerprint_matcher_(settings.fingerprint), face_matcher_(settings.face_threshold),
      voted_(voted ? voted : &own_register_) {
    counts_.pec = pec;
    counts_.device_id = scanner.id();
}

const IdentificationResult& IdentificationDesk::refuse(IdentificationOutcome outcome, std::string reason) {
    result_.outcome = outcome;
    result_.reason = std::move(reason);
    count_outcome(counts_, result_);
    return result_;
}

/// The document the voter presents, as the desk read it. `number` points into `read` or `by_eye`,
/// both kept to the end of the visit: no copy of the number.
struct IdentificationDesk::Document {
    devices::DeviceResult<std::optional<devices::DocumentData>> read;  ///< what the reader gave
    std::optional<std::string> by_eye;  ///< the number the commission read, in the paper-list procedure
    std::string_view number;            ///< the document number
    bool chip_read = false;             ///< the chip was read (its photo may be asked for)
    bool manual_procedure = false;      ///< no machine could read it: the paper-list procedure
    std::string manual_reason;          ///< why, in that case
};

const IdentificationResult& IdentificationDesk::identify() {
    result_.clear();
    if (login_ && !login_->session()) return refuse(IdentificationOutcome::refused_other, "the desk is locked: an operator must log in");
    // 1. The document.
    Document document{.read = reader_.read()};
    if (!read_document(document))
        return refuse(IdentificationOutcome::refused_other, "no document presented: a passport or ID card is required to vote");
    // 2. The PEC's list.
    const auto voter = list_.find_by_document(document.number);
    if (!admit(voter, document.number)) return result_;
    if (document.manual_procedure) return paper_list(std::move(document.manual_reason));
    if (paper_list_only_) return paper_list("the commission set the desk's biometric devices aside; paper-list procedure");
    // 3. Fingerprints, 4. the face, 5. the paper-list procedure: the first that identifies the voter.
    std::string fallback_reason;
    if (match_fingerprints(*voter, fallback_reason) || match_face(*voter, document.chip_read, fallback_reason))
        return issue_ballots();
    return paper_list(fallback_reason + "; paper-list procedure");
}

bool IdentificationDesk::read_document(Document& d) {
    IdentificationResult& r = result_;
    if (!d.read) {
        r.steps.push_back({StepKind::document_reader_dead});
        d.manual_procedure = true;
        d.manual_reason = fmt::format("document reader failed ({}); paper-list procedure", d.read.error().message);
    } else if (!d.read->has_value()) {
        return false;
    } else if (!(*d.read)->machine_readable()) {
        r.steps.push_back({StepKind::document_unreadable});
        d.manual_procedure = true;
        d.manual_reason = "neither the MRZ nor the chip of the document could be read; paper-list procedure";
    } else {
        r.steps.push_back({StepKind::document_read, true});
        d.number = (*d.read)->document_number;
        d.chip_read = (*d.read)->chip_ok;
    }
    if (d.manual_procedure) {
        d.by_eye = reader_.number_read_by_eye();
        if (!d.by_eye) return false;
        d.number = *d.by_eye;
    }
    return true;
}

bool IdentificationDesk::admit(const std::optional<VoterRecord>& voter, std::string_view number) {
    IdentificationResult& r = result_;
    if (!voter || voter->pec != pec_) {
        r.steps.push_back({StepKind::list_lookup, false});
        if (!voter) {
            refuse(IdentificationOutcome::refused_not_on_list,
                   fmt::format("document {} is not on the list of PEC {}: the voter should check their "
                               "polling station with the CEC's voter lookup", number, pec_));
            return false;
        }
        r.voter_id = voter->voter_id;
        refuse(IdentificationOutcome::refused_not_on_list,
               fmt::format("document {} is on the list of PEC {}, not PEC {}: the voter must vote there",
                           number, voter->pec, pec_));
        return false;
    }
    r.steps.push_back({StepKind::list_lookup, true});
    r.voter_id = voter->voter_id;
    if (const auto when = voted_->voted_at(voter->voter_id)) {
        refuse(IdentificationOutcome::refused_already_voted,
               fmt::format("voter with document {} already received ballots at PEC {} at {}: one voter, one vote",
                           number, pec_, core::clock_time(*when)));
        return false;
    }
    return true;
}

bool IdentificationDesk::match_fingerprints(const VoterRecord& voter, std::string& fallback_reason) {
    IdentificationResult& r = result_;
    bool scanner_ok = true;
    int tried = 0;
    for (std::size_t k = 0; k < voter.fingers.size() && tried < settings_.max_fingers && scanner_ok; ++k) {
        const core::Finger finger = voter.fingers[k];
        const core::FingerprintTemplate enrolled = list_.enrolled_template(voter, finger);
        ++tried;
        for (int attempt = 0; attempt < settings_.attempts_per_finger; ++attempt) {
            auto capture = scanner_.capture(finger);
            if (!capture) {
                r.steps.push_back({StepKind::scanner_dead, false, finger});
                fallback_reason = fmt::format("fingerprint scanner failed ({})", capture.error().message);
                scanner_ok = false;
                break;
            }
            const double score = fingerprint_matcher_.score(enrolled, capture->print);
            const bool match = score >= fingerprint_matcher_.threshold();
            r.steps.push_back({StepKind::fingerprint_capture, match, finger, score});
            if (match) {
                r.outcome = tried == 1 ? IdentificationOutcome::fingerprint : IdentificationOutcome::other_finger;
                if (tried == 1)
                    r.reason = "fingerprint matched";  // into the reason's storage kept from the last voter
                else
                    r.reason = fmt::format("fingerprint matched on {} after the first finger failed", core::to_string(finger));
                return true;
            }
        }
    }
    if (scanner_ok)
        fallback_reason = tried == 0 ? std::string("no fingers enrolled")
                                     : fmt::format("no match on {} enrolled finger(s)", tried);
    return false;
}

bool IdentificationDesk::match_face(const VoterRecord& voter, bool chip_read, std::string& fallback_reason) {
    IdentificationResult& r = result_;
    auto frame = webcam_.capture();
    if (!frame) {
        r.steps.push_back({StepKind::webcam_dead});
        fallback_reason += fmt::format("; webcam failed ({})", frame.error().message);
        return false;
    }
    // The document's chip photo if it has one, else the registration photo on the list.
    std::optional<devices::FaceFeatures> chip_photo;
    if (chip_read)
        if (auto photo = reader_.read_chip_photo()) chip_photo = std::move(*photo);
    const devices::FaceFeatures photo = chip_photo ? *chip_photo : list_.registration_photo(voter);
    const double score = face_matcher_.score(frame->features, photo);
    const bool match = score >= face_matcher_.threshold();
    r.steps.push_back({StepKind::face_capture, match, core::Finger::right_index, score});
    if (match) {
        r.outcome = IdentificationOutcome::face;
        r.reason = fallback_reason + "; face matched the document photo";
        return true;
    }
    fallback_reason += "; face did not match the document photo";
    return false;
}

const IdentificationResult& IdentificationDesk::paper_list(std::string reason) {
    IdentificationResult& r = result_;
    r.steps.push_back({StepKind::paper_list, true});
    r.outcome = IdentificationOutcome::manual;
    r.reason = std::move(reason);
    return issue_ballots();
}

const IdentificationResult& IdentificationDesk::issue_ballots() {
    IdentificationResult& r = result_;
    const core::Micros now = clock_.now();
    voted_->mark(r.voter_id, now);
    r.ballots_issued = true;
    // On the stack, one per voter. Every field is bounded: 11 + 20 characters of numbers, an outcome
    // name of at most 21, a clock time of at most 19 and 45 of text make at most 116.
    char receipt[160];
    char* end = fmt::format_to(receipt, FMT_COMPILE("PEC {}\nVoter {} identified ({})\n"), pec_, r.voter_id,
                               to_string(r.outcome));
    end = core::write_clock_time(end, now);
    end = fmt::format_to(end, FMT_COMPILE("\nBallots issued\n"));
    // A printer out of paper or dead must not stop voting: the receipt is recorded as not printed.
    auto printed = printer_.print({receipt, end}, now);
    r.receipt_printed = printed.has_value();
    r.steps.push_back({StepKind::receipt, r.receipt_printed});
    if (!printed) r.reason += fmt::format("; receipt not printed ({})", printed.error().message);
    count_outcome(counts_, r);
    return r;
}

core::IdentificationReport IdentificationDesk::report() const {
    core::IdentificationReport out = counts_;
    out.at = clock_.now();
    out.registered = registered_;
    return out;
}

}  // namespace station
