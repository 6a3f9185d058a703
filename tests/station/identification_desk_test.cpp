#include "station/identification_desk.hpp"

// Index of this file:
//   [SECTION] Test doubles and a PEC
//   [SECTION] A voter at the desk
//   [SECTION] The voted register
//   [SECTION] Receipts and refusals
//   [SECTION] Fallbacks: paper list, other finger, face
//   [SECTION] Printer faults
//   [SECTION] Reproducibility, fallback rates, reports
//   [SECTION] Operators' login

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "devices/synthetic_finger.hpp"
#include "devices/virtual_document_reader.hpp"
#include "devices/virtual_fingerprint_scanner.hpp"
#include "devices/virtual_printer.hpp"
#include "devices/virtual_webcam.hpp"
#include "station/face_matcher.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace identification_desk_test {

// [SECTION] Test doubles and a PEC

namespace {

using station::IdentificationOutcome;
using station::StepKind;
using core::Finger;

class ManualClock final : public core::Clock {
public:
    core::Micros now() const override { return now_; }
    core::Micros now_ = core::at(9, 30);
};

// A simple in-memory list: voter id = biometric seed; the document number is "ID" + id.
class MemoryVoterList final : public station::VoterList {
public:
    struct Entry {
        station::VoterRecord record;  // its fingers are filled in at lookup, pointing at `fingers`
        std::vector<Finger> fingers;
        std::map<Finger, core::FingerprintTemplate> templates;
        std::uint64_t photo_of = 0;  // whose face the registration photo shows
    };
    void add(std::int64_t id, int pec, std::vector<Finger> fingers = {Finger::right_index, Finger::left_index}) {
        Entry e;
        e.record = {id, pec, {}};
        e.fingers = std::move(fingers);
        e.photo_of = static_cast<std::uint64_t>(id);
        for (Finger f : e.fingers) e.templates[f] = devices::enrolment_template(static_cast<std::uint64_t>(id), f);
        entries_["ID" + std::to_string(id)] = std::move(e);
    }
    // Replaces an enrolled template (e.g. a finger scarred since registration, or a bad enrolment).
    void replace_template(std::int64_t id, Finger f, const core::FingerprintTemplate& t) {
        entries_.at("ID" + std::to_string(id)).templates[f] = t;
    }
    // Replaces the registration photo with a photo of this person.
    void replace_photo(std::int64_t id, std::uint64_t photo_of) { entries_.at("ID" + std::to_string(id)).photo_of = photo_of; }
    std::optional<station::VoterRecord> find_by_document(std::string_view number) const override {
        auto it = entries_.find(std::string(number));
        if (it == entries_.end()) return std::nullopt;
        station::VoterRecord record = it->second.record;
        record.fingers = it->second.fingers;
        return record;
    }
    core::FingerprintTemplate enrolled_template(const station::VoterRecord& v, Finger f) const override {
        return entries_.at("ID" + std::to_string(v.voter_id)).templates.at(f);
    }
    devices::FaceFeatures registration_photo(const station::VoterRecord& v) const override {
        return devices::document_photo(entries_.at("ID" + std::to_string(v.voter_id)).photo_of);
    }

private:
    std::map<std::string, Entry> entries_;
};

struct Pec {
    ManualClock clock;
    MemoryVoterList list;
    devices::VirtualFingerprintScanner scanner{"1001-fingerprint-1", core::RandomStream(2021, 1001, 1)};
    devices::VirtualDocumentReader reader{"1001-docreader-1"};
    devices::VirtualWebcam webcam{"1001-webcam-1", core::RandomStream(2021, 1001, 2)};
    devices::VirtualPrinter printer{"1001-printer-1"};
    station::IdentificationDesk desk{1001, scanner, reader, webcam, printer, list, clock};

    // The voter with this id steps up: document on the reader, hand on the scanner, face to the camera.
    void voter_arrives(std::int64_t id, double skin = 0.95, double face = 0.9) {
        const auto seed = static_cast<std::uint64_t>(id);
        reader.present({"ID" + std::to_string(id), "2120319900" + std::to_string(id), seed});
        scanner.present_hand(seed, skin);
        webcam.present_face(seed, face);
    }
};

std::vector<StepKind> kinds(const station::IdentificationResult& r) {
    std::vector<StepKind> k;
    for (auto& s : r.steps) k.push_back(s.kind);
    return k;
}

// [SECTION] A voter at the desk

TEST(IdentificationDesk, IssuesBallotsAndPrintsAReceiptForAVoterOnItsList) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.voter_arrives(7);
    const auto r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::fingerprint) << r.reason;
    EXPECT_TRUE(r.ballots_issued);
    EXPECT_TRUE(r.receipt_printed);
    EXPECT_TRUE(pec.desk.has_voted(7));
    ASSERT_EQ(pec.printer.printed().size(), 1u);
    EXPECT_NE(pec.printer.printed()[0].text.find("PEC 1001"), std::string::npos);
    EXPECT_EQ(kinds(r), (std::vector{StepKind::document_read, StepKind::list_lookup, StepKind::fingerprint_capture, StepKind::receipt}));
}

TEST(IdentificationDesk, RefusesASecondAttemptWithTheReason) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.voter_arrives(7);
    ASSERT_TRUE(pec.desk.identify().ballots_issued);
    pec.clock.now_ += core::kHour;
    pec.voter_arrives(7);
    const auto again = pec.desk.identify();
    EXPECT_EQ(again.outcome, IdentificationOutcome::refused_already_voted);
    EXPECT_FALSE(again.ballots_issued);
    EXPECT_NE(again.reason.find("already received ballots"), std::string::npos) << again.reason;
    EXPECT_NE(again.reason.find("09:30:00"), std::string::npos) << again.reason;
    const auto report = pec.desk.report();
    EXPECT_EQ(report.ballots_issued, 1);
    EXPECT_EQ(report.refused_already_voted, 1);
}

// [SECTION] The voted register

TEST(VotedRegister, RemembersEveryVoterAndWhenTheyVotedAsItGrows) {
    station::VotedRegister voted;
    EXPECT_FALSE(voted.voted_at(0).has_value());
    // A PEC's voters have consecutive roll places; a second range stands for voters of elsewhere.
    for (std::int64_t id = 1'000'000; id < 1'005'000; ++id) ASSERT_TRUE(voted.mark(id, id * 10));
    for (std::int64_t id = 0; id < 3'000; id += 3) ASSERT_TRUE(voted.mark(id, -id));
    EXPECT_EQ(voted.size(), 6'000u);
    EXPECT_FALSE(voted.mark(1'000'123, 5));  // one voter, one vote: the first time stays
    EXPECT_EQ(voted.voted_at(1'000'123), 10'001'230);
    for (std::int64_t id = 1'000'000; id < 1'005'000; ++id) ASSERT_EQ(voted.voted_at(id), id * 10);
    for (std::int64_t id = 0; id < 3'000; ++id)
        ASSERT_EQ(voted.voted_at(id), id % 3 == 0 ? std::optional<core::Micros>(-id) : std::nullopt) << id;
    EXPECT_FALSE(voted.voted_at(1'005'000).has_value());
    EXPECT_EQ(voted.size(), 6'000u);
}

TEST(VotedRegister, KeepsEveryVoterWhenReservedBeforeOrAfterMarking) {
    station::VotedRegister voted;
    voted.reserve(1'000);
    for (std::int64_t id = 0; id < 1'500; ++id) ASSERT_TRUE(voted.mark(id, id + 1));  // past the reservation too
    voted.reserve(10);      // smaller than what it holds: nothing changes
    voted.reserve(40'000);  // larger: every voter moves to the bigger table
    for (std::int64_t id = 1'500; id < 2'000; ++id) ASSERT_TRUE(voted.mark(id, id + 1));
    EXPECT_EQ(voted.size(), 2'000u);
    for (std::int64_t id = 0; id < 2'000; ++id) {
        ASSERT_EQ(voted.voted_at(id), id + 1) << id;
        ASSERT_FALSE(voted.mark(id, 0)) << id;
    }
    EXPECT_FALSE(voted.voted_at(2'000).has_value());
}

// [SECTION] Receipts and refusals

TEST(IdentificationDesk, PrintsTheTimeOnTheReceiptWithTwoDigitsAndHoursUnwrapped) {
    Pec pec;
    for (int id : {7, 8}) pec.list.add(id, 1001);
    pec.clock.now_ = core::at(9, 5, 7);
    pec.voter_arrives(7);
    ASSERT_TRUE(pec.desk.identify().receipt_printed);
    pec.clock.now_ = core::at(123, 0, 59);  // a clock left running for days
    pec.voter_arrives(8);
    ASSERT_TRUE(pec.desk.identify().receipt_printed);
    ASSERT_EQ(pec.printer.printed().size(), 2u);
    EXPECT_EQ(pec.printer.printed()[0].text, "PEC 1001\nVoter 7 identified (fingerprint)\n09:05:07\nBallots issued\n");
    EXPECT_NE(pec.printer.printed()[1].text.find("\n123:00:59\n"), std::string::npos) << pec.printer.printed()[1].text;
}

TEST(IdentificationDesk, RefusesASecondAttemptAtAnotherDeskOfTheSamePec) {
    station::VotedRegister voted;
    Pec first, second;
    station::IdentificationDesk desk1{1001, first.scanner, first.reader, first.webcam, first.printer, first.list, first.clock, {}, &voted};
    station::IdentificationDesk desk2{1001, second.scanner, second.reader, second.webcam, second.printer, second.list, second.clock, {}, &voted};
    first.list.add(7, 1001);
    second.list.add(7, 1001);
    first.voter_arrives(7);
    ASSERT_TRUE(desk1.identify().ballots_issued);
    second.voter_arrives(7);
    const auto again = desk2.identify();
    EXPECT_EQ(again.outcome, IdentificationOutcome::refused_already_voted) << again.reason;
    EXPECT_TRUE(desk2.has_voted(7));
    EXPECT_EQ(voted.size(), 1u);
}

TEST(IdentificationDesk, RefusesAVoterOfAnotherPecAndAnUnknownDocument) {
    Pec pec;
    pec.list.add(8, 1002);
    pec.voter_arrives(8);
    const auto other = pec.desk.identify();
    EXPECT_EQ(other.outcome, IdentificationOutcome::refused_not_on_list);
    EXPECT_NE(other.reason.find("PEC 1002"), std::string::npos) << other.reason;
    pec.voter_arrives(9);
    const auto unknown = pec.desk.identify();
    EXPECT_EQ(unknown.outcome, IdentificationOutcome::refused_not_on_list);
    EXPECT_NE(unknown.reason.find("not on the list of PEC 1001"), std::string::npos) << unknown.reason;
    EXPECT_EQ(pec.desk.report().refused_not_on_list, 2);
    EXPECT_EQ(pec.desk.report().ballots_issued, 0);
    EXPECT_TRUE(pec.printer.printed().empty());
}

TEST(IdentificationDesk, StartsEachVisitFromABlankResult) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.voter_arrives(7);
    ASSERT_TRUE(pec.desk.identify().receipt_printed);
    pec.reader.take_back();  // the next person brings no document: nothing of voter 7's visit may remain
    const auto& r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::refused_other);
    EXPECT_TRUE(r.steps.empty());
    EXPECT_EQ(r.voter_id, -1);
    EXPECT_FALSE(r.ballots_issued);
    EXPECT_FALSE(r.receipt_printed);
    EXPECT_EQ(r.reason.find("fingerprint"), std::string::npos) << r.reason;
}

TEST(IdentificationDesk, RefusesWhenNoDocumentIsPresented) {
    Pec pec;
    const auto r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::refused_other);
    EXPECT_NE(r.reason.find("no document"), std::string::npos);
}

// [SECTION] Fallbacks: paper list, other finger, face

TEST(IdentificationDesk, SendsAnUnreadableDocumentToThePaperListProcedure) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.voter_arrives(7);
    pec.reader.present({"ID7", "", std::nullopt, true, true});
    const auto r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::manual);
    EXPECT_TRUE(r.ballots_issued);
    EXPECT_EQ(kinds(r), (std::vector{StepKind::document_unreadable, StepKind::list_lookup, StepKind::paper_list, StepKind::receipt}));
}

TEST(IdentificationDesk, UsesThePaperListWhenTheDocumentReaderIsDeadAndStillRefusesDoubleVotes) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.reader.enter_fault(devices::Fault::dead, 0);
    pec.voter_arrives(7);
    const auto r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::manual);
    EXPECT_EQ(r.steps.front().kind, StepKind::document_reader_dead);
    pec.voter_arrives(7);
    EXPECT_EQ(pec.desk.identify().outcome, IdentificationOutcome::refused_already_voted);
}

TEST(IdentificationDesk, OnThePaperListByTheCommissionSkipsTheBiometricsButStillChecksTheListAndTheRegister) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.list.add(8, 1001);
    pec.desk.use_paper_list(true);
    EXPECT_TRUE(pec.desk.on_paper_list());
    pec.voter_arrives(7);
    const auto r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::manual);
    EXPECT_TRUE(r.ballots_issued);
    EXPECT_EQ(kinds(r), (std::vector{StepKind::document_read, StepKind::list_lookup, StepKind::paper_list, StepKind::receipt}));
    EXPECT_NE(r.reason.find("set the desk's biometric devices aside"), std::string::npos) << r.reason;
    pec.voter_arrives(7);
    EXPECT_EQ(pec.desk.identify().outcome, IdentificationOutcome::refused_already_voted);
    pec.desk.use_paper_list(false);  // back to the devices: the next voter gives a fingerprint
    pec.voter_arrives(8);
    EXPECT_EQ(pec.desk.identify().outcome, IdentificationOutcome::fingerprint);
}

TEST(IdentificationDesk, TriesTheOtherFingerWhenTheFirstDoesNotMatch) {
    Pec pec;
    pec.list.add(7, 1001);
    // The right index enrolled at registration does not match the finger today (scarred since).
    pec.list.replace_template(7, Finger::right_index, devices::enrolment_template(9999, Finger::right_index));
    pec.voter_arrives(7);
    const auto r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::other_finger) << r.reason;
    ASSERT_GE(r.steps.size(), 5u);
    EXPECT_EQ(r.steps[2].finger, Finger::right_index);
    EXPECT_FALSE(r.steps[2].passed);
    EXPECT_EQ(r.steps[3].finger, Finger::right_index);
    EXPECT_EQ(r.steps.back().kind, StepKind::receipt);
    const auto& matched = r.steps[r.steps.size() - 2];
    EXPECT_EQ(matched.finger, Finger::left_index);
    EXPECT_TRUE(matched.passed);
    EXPECT_EQ(pec.desk.report().other_finger, 1);
}

TEST(IdentificationDesk, FallsBackToFaceThenToThePaperListInThatOrder) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.list.add(8, 1001);
    for (Finger f : {Finger::right_index, Finger::left_index}) {
        pec.list.replace_template(7, f, devices::enrolment_template(9999, f));
        pec.list.replace_template(8, f, devices::enrolment_template(9998, f));
    }
    pec.voter_arrives(7);
    const auto face = pec.desk.identify();
    EXPECT_EQ(face.outcome, IdentificationOutcome::face) << face.reason;
    EXPECT_EQ(kinds(face), (std::vector{StepKind::document_read, StepKind::list_lookup, StepKind::fingerprint_capture,
                                        StepKind::fingerprint_capture, StepKind::fingerprint_capture,
                                        StepKind::fingerprint_capture, StepKind::face_capture, StepKind::receipt}));
    pec.voter_arrives(8);
    pec.webcam.present_face(12345, 0.9);  // the face before the camera is not the document photo's
    const auto manual = pec.desk.identify();
    EXPECT_EQ(manual.outcome, IdentificationOutcome::manual) << manual.reason;
    EXPECT_EQ(manual.steps[manual.steps.size() - 3].kind, StepKind::face_capture);
    EXPECT_FALSE(manual.steps[manual.steps.size() - 3].passed);
    EXPECT_EQ(manual.steps[manual.steps.size() - 2].kind, StepKind::paper_list);
}

TEST(IdentificationDesk, ComparesTheFaceWithTheChipPhotoElseWithTheRegistrationPhoto) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.list.add(8, 1001);
    pec.scanner.enter_fault(devices::Fault::dead, 0);  // straight to the face
    // Voter 7's registration photo shows somebody else, but the chip's photo is theirs: the chip wins.
    pec.list.replace_photo(7, 4242);
    pec.voter_arrives(7);
    EXPECT_EQ(pec.desk.identify().outcome, IdentificationOutcome::face);
    // Voter 8's document has a dead chip (MRZ fine): the registration photo is the one compared.
    pec.voter_arrives(8);
    pec.reader.present({"ID8", "", 8, false, true});
    EXPECT_EQ(pec.desk.identify().outcome, IdentificationOutcome::face);
    // The same with a registration photo of somebody else: no face match, paper list.
    pec.list.add(9, 1001);
    pec.list.replace_photo(9, 4243);
    pec.voter_arrives(9);
    pec.reader.present({"ID9", "", 9, false, true});
    const auto r = pec.desk.identify();
    EXPECT_EQ(r.outcome, IdentificationOutcome::manual) << r.reason;
    EXPECT_NE(r.reason.find("face did not match"), std::string::npos);
}

TEST(IdentificationDesk, FallsToFaceWhenTheScannerIsDeadAndToThePaperListWhenTheWebcamIsDeadToo) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.list.add(8, 1001);
    pec.scanner.enter_fault(devices::Fault::dead, 0);
    pec.voter_arrives(7);
    const auto face = pec.desk.identify();
    EXPECT_EQ(face.outcome, IdentificationOutcome::face) << face.reason;
    EXPECT_EQ(kinds(face), (std::vector{StepKind::document_read, StepKind::list_lookup, StepKind::scanner_dead,
                                        StepKind::face_capture, StepKind::receipt}));
    pec.webcam.enter_fault(devices::Fault::dead, 0);
    pec.voter_arrives(8);
    const auto manual = pec.desk.identify();
    EXPECT_EQ(manual.outcome, IdentificationOutcome::manual);
    EXPECT_EQ(kinds(manual), (std::vector{StepKind::document_read, StepKind::list_lookup, StepKind::scanner_dead,
                                          StepKind::webcam_dead, StepKind::paper_list, StepKind::receipt}));
    EXPECT_NE(manual.reason.find("does not respond"), std::string::npos) << manual.reason;
}

// [SECTION] Printer faults

TEST(IdentificationDesk, KeepsIssuingBallotsWhenThePrinterIsOutOfPaper) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.printer.enter_fault(devices::Fault::out_of_paper, 0);
    pec.voter_arrives(7);
    const auto r = pec.desk.identify();
    EXPECT_TRUE(r.ballots_issued);
    EXPECT_FALSE(r.receipt_printed);
    EXPECT_EQ(pec.desk.report().receipts_not_printed, 1);
    EXPECT_EQ(pec.desk.report().ballots_issued, 1);
}

TEST(IdentificationDesk, KeepsIssuingBallotsWhenThePrinterIsDead) {
    Pec pec;
    pec.list.add(7, 1001);
    pec.printer.enter_fault(devices::Fault::dead, 0);
    pec.voter_arrives(7);
    const auto r = pec.desk.identify();
    EXPECT_TRUE(r.ballots_issued);
    EXPECT_FALSE(r.receipt_printed);
    EXPECT_NE(r.reason.find("receipt not printed"), std::string::npos) << r.reason;
}

// [SECTION] Reproducibility, fallback rates, reports

TEST(IdentificationDesk, GivesTheSameStepsAndScoresForTheSameSeeds) {
    auto run = [] {
        Pec pec;
        std::vector<double> scores;
        for (int id = 1; id <= 30; ++id) {
            pec.list.add(id, 1001);
            pec.voter_arrives(id, 0.6);
            for (auto& step : pec.desk.identify().steps) scores.push_back(step.score);
        }
        return scores;
    };
    EXPECT_EQ(run(), run());
}

TEST(IdentificationDesk, FallsBackMoreOftenWithADirtySensorAndOlderVoters) {
    auto fingerprint_share = [](double degradation, double skin) {
        Pec pec;
        if (degradation > 0) pec.scanner.enter_fault(devices::Fault::degraded, 0, degradation);
        int first_finger = 0;
        for (int id = 1; id <= 150; ++id) {
            pec.list.add(id, 1001);
            pec.voter_arrives(id, skin);
            first_finger += pec.desk.identify().outcome == IdentificationOutcome::fingerprint;
        }
        return first_finger;
    };
    const int clean = fingerprint_share(0.0, 0.95);
    const int dirty = fingerprint_share(1.0, 0.95);
    const int old_dirty = fingerprint_share(1.0, 0.5);
    EXPECT_GE(clean, 140);
    EXPECT_LT(dirty, clean);
    EXPECT_LT(old_dirty, dirty);
}

TEST(IdentificationDesk, ReportsCountsThatAddUpToTheBallotsIssued) {
    Pec pec;
    pec.desk.set_registered(3);
    for (int id : {1, 2, 3}) pec.list.add(id, 1001);
    pec.scanner.enter_fault(devices::Fault::dead, 0);
    for (int id : {1, 2, 3, 3}) {
        pec.voter_arrives(id);
        pec.clock.now_ += core::kMinute;
        pec.desk.identify();
    }
    const auto r = pec.desk.report();
    EXPECT_EQ(r.pec, 1001);
    EXPECT_EQ(r.device_id, "1001-fingerprint-1");
    EXPECT_EQ(r.at, core::at(9, 34));
    EXPECT_EQ(r.registered, 3);
    EXPECT_EQ(r.fingerprint + r.other_finger + r.face + r.manual, r.ballots_issued);
    EXPECT_EQ(r.ballots_issued, 3);
    EXPECT_EQ(r.refused_already_voted, 1);
}

TEST(FaceMatcher, AcceptsNearlyAllGenuineFacesAndAlmostNoImpostorsAtItsThreshold) {
    const station::FaceMatcher matcher;
    core::RandomStream rs(2021, 5);
    int false_rejects = 0, false_accepts = 0;
    constexpr int n = 2000;
    for (std::uint64_t p = 0; p < n; ++p) {
        const auto photo = devices::document_photo(p);
        false_rejects += !matcher.verify(devices::face_image(p, 0.5, rs), photo);
        for (std::uint64_t q = 1; q <= 5; ++q) false_accepts += matcher.verify(devices::face_image(p + q * 100000, 0.9, rs), photo);
    }
    EXPECT_LT(false_rejects, n * 5 / 100);    // FNMR < 5 % for a mediocre frame
    EXPECT_LT(false_accepts, 5 * n / 1000);   // FMR < 1e-3
}

}  // namespace

// [SECTION] Operators' login

TEST(DeskLogin, KeepsPinsAsArgon2HashesAndLocksAnOperatorOutAfterThreeWrongOnes) {
    station::DeskLogin login;
    EXPECT_FALSE(login.set_pin("aida", "12a4"));
    EXPECT_FALSE(login.set_pin("aida", "123"));
    EXPECT_FALSE(login.set_pin("", "1234"));
    ASSERT_TRUE(login.set_pin("aida", "4821"));
    EXPECT_FALSE(login.session());
    const auto unknown = login.log_in("bakyt", "4821");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("not an operator"), std::string::npos) << unknown.error().message;
    const auto wrong = login.log_in("aida", "1111");
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("2 tries left"), std::string::npos) << wrong.error().message;
    ASSERT_TRUE(login.log_in("aida", "4821"));  // a right PIN clears the count
    EXPECT_EQ(login.session(), "aida");
    login.lock();
    EXPECT_FALSE(login.session());
    for (int k = 0; k < 3; ++k) EXPECT_FALSE(login.log_in("aida", "0000"));
    EXPECT_TRUE(login.locked_out("aida"));
    const auto out = login.log_in("aida", "4821");  // the right PIN no longer opens it
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().message.find("locked out"), std::string::npos) << out.error().message;
    ASSERT_TRUE(login.set_pin("aida", "90817"));  // the chair sets a new PIN
    EXPECT_FALSE(login.locked_out("aida"));
    EXPECT_FALSE(login.log_in("aida", "4821"));
    EXPECT_TRUE(login.log_in("aida", "90817"));
}

TEST(DeskLogin, ANewPinEndsTheOperatorsSessionAndAnotherLoginReplacesIt) {
    station::DeskLogin login;
    ASSERT_TRUE(login.set_pin("aida", "4821"));
    ASSERT_TRUE(login.set_pin("bakyt", "7310"));
    ASSERT_TRUE(login.log_in("aida", "4821"));
    ASSERT_TRUE(login.log_in("bakyt", "7310"));  // whoever logs in last holds the desk
    EXPECT_EQ(login.session(), "bakyt");
    ASSERT_TRUE(login.set_pin("bakyt", "5555"));
    EXPECT_FALSE(login.session());
}

TEST(IdentificationDesk, ALockedDeskRefusesEveryVisitAndAnOpenSessionServes) {
    Pec pec;
    pec.list.add(7, 1001);
    station::DeskLogin login;
    ASSERT_TRUE(login.set_pin("aida", "4821"));
    pec.desk.require_login(&login);
    pec.voter_arrives(7);
    const auto locked = pec.desk.identify();
    EXPECT_EQ(locked.outcome, IdentificationOutcome::refused_other);
    EXPECT_NE(locked.reason.find("locked"), std::string::npos) << locked.reason;
    EXPECT_FALSE(pec.desk.has_voted(7));
    ASSERT_TRUE(login.log_in("aida", "4821"));
    pec.voter_arrives(7);
    EXPECT_TRUE(pec.desk.identify().ballots_issued);
    login.lock();
    pec.desk.use_paper_list(true);  // the paper list does not open a locked desk either
    pec.list.add(8, 1001);
    pec.voter_arrives(8);
    EXPECT_FALSE(pec.desk.identify().ballots_issued);
}

}  // namespace identification_desk_test
