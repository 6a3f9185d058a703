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

const IdentificationResult& IdentificationDesk::identify() {
    IdentificationResult& r = result_;
    r.clear();

    // 1. The document.
    auto read = reader_.read();
    std::optional<std::string> by_eye;
    std::string_view number;  // in `read` or `by_eye`, both kept to the end: no copy of the number
    bool chip_read = false;
    bool manual_procedure = false;
    std::string manual_reason;
    if (!read) {
        r.steps.push_back({StepKind::document_reader_dead});
        manual_procedure = true;
        manual_reason = fmt::format("document reader failed ({}); paper-list procedure", read.error().message);
    } else if (!read->has_value()) {
        return refuse(IdentificationOutcome::refused_other, "no document presented: a passport or ID card is required to vote");
    } else if (!(*read)->machine_readable()) {
        r.steps.push_back({StepKind::document_unreadable});
        manual_procedure = true;
        manual_reason = "neither the MRZ nor the chip of the document could be read; paper-list procedure";
    } else {
        r.steps.push_back({StepKind::document_read, true});
        number = (*read)->document_number;
        chip_read = (*read)->chip_ok;
    }
    if (manual_procedure) {
        by_eye = reader_.number_read_by_eye();
        if (!by_eye)
            return refuse(IdentificationOutcome::refused_other, "no document presented: a passport or ID card is required to vote");
        number = *by_eye;
    }

    // 2. The PEC's list.
    const auto voter = list_.find_by_document(number);
    if (!voter || voter->pec != pec_) {
        r.steps.push_back({StepKind::list_lookup, false});
        if (!voter)
            return refuse(IdentificationOutcome::refused_not_on_list,
                          fmt::format("document {} is not on the list of PEC {}: the voter should check their "
                                      "polling station with the CEC's voter lookup", number, pec_));
        r.voter_id = voter->voter_id;
        return refuse(IdentificationOutcome::refused_not_on_list,
                      fmt::format("document {} is on the list of PEC {}, not PEC {}: the voter must vote there",
                                  number, voter->pec, pec_));
    }
    r.steps.push_back({StepKind::list_lookup, true});
    r.voter_id = voter->voter_id;
    if (const auto when = voted_->voted_at(voter->voter_id))
        return refuse(IdentificationOutcome::refused_already_voted,
                      fmt::format("voter with document {} already received ballots at PEC {} at {}: one voter, one vote",
                                  number, pec_, core::clock_time(*when)));

    if (manual_procedure) {
        r.steps.push_back({StepKind::paper_list, true});
        r.outcome = IdentificationOutcome::manual;
        r.reason = std::move(manual_reason);
        return issue_ballots();
    }

    // 3. Fingerprints: the enrolled fingers in order, a few captures each.
    std::string fallback_reason;
    bool scanner_ok = true;
    int tried = 0;
    for (std::size_t k = 0; k < voter->fingers.size() && tried < settings_.max_fingers && scanner_ok; ++k) {
        const core::Finger finger = voter->fingers[k];
        const core::FingerprintTemplate enrolled = list_.enrolled_template(*voter, finger);
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
                return issue_ballots();
            }
        }
    }
    if (scanner_ok)
        fallback_reason = tried == 0 ? std::string("no fingers enrolled")
                                     : fmt::format("no match on {} enrolled finger(s)", tried);

    // 4. Face against the document photo (the registration photo when the chip gave none).
    auto frame = webcam_.capture();
    if (!frame) {
        r.steps.push_back({StepKind::webcam_dead});
        fallback_reason += fmt::format("; webcam failed ({})", frame.error().message);
    } else {
        // The document's chip photo if it has one, else the registration photo on the list.
        std::optional<devices::FaceFeatures> chip_photo;
        if (chip_read)
            if (auto photo = reader_.read_chip_photo()) chip_photo = std::move(*photo);
        const devices::FaceFeatures photo = chip_photo ? *chip_photo : list_.registration_photo(*voter);
        const double score = face_matcher_.score(frame->features, photo);
        const bool match = score >= face_matcher_.threshold();
        r.steps.push_back({StepKind::face_capture, match, core::Finger::right_index, score});
        if (match) {
            r.outcome = IdentificationOutcome::face;
            r.reason = fallback_reason + "; face matched the document photo";
            return issue_ballots();
        }
        fallback_reason += "; face did not match the document photo";
    }

    // 5. The paper-list procedure: the commission checks the document by eye and the voter signs the paper list.
    r.steps.push_back({StepKind::paper_list, true});
    r.outcome = IdentificationOutcome::manual;
    r.reason = fallback_reason + "; paper-list procedure";
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
