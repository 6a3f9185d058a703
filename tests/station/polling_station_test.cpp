// The PEC's closing: figures from the desks, final reports, the summed identification report, signed and queued.
#include "station/polling_station.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/wire.hpp"
#include "devices/virtual_ballot_scanner.hpp"
#include "devices/virtual_document_reader.hpp"
#include "devices/virtual_fingerprint_scanner.hpp"
#include "devices/virtual_modem.hpp"
#include "devices/virtual_power_supply.hpp"
#include "devices/virtual_printer.hpp"
#include "devices/virtual_webcam.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace polling_station_test {

namespace {

struct ManualClock final : core::Clock {
    core::Micros t = core::at(20, 10);
    core::Micros now() const override { return t; }
};

// An empty list: every document is unknown at this PEC.
struct EmptyList final : station::VoterList {
    std::optional<station::VoterRecord> find_by_document(std::string_view) const override { return std::nullopt; }
    core::FingerprintTemplate enrolled_template(const station::VoterRecord&, core::Finger) const override { return {}; }
    devices::FaceFeatures registration_photo(const station::VoterRecord&) const override { return {}; }
};

struct Desk {
    devices::VirtualFingerprintScanner scanner;
    devices::VirtualDocumentReader reader;
    devices::VirtualWebcam webcam;
    devices::VirtualPrinter printer;
    station::IdentificationDesk desk;
    Desk(int n, const station::VoterList& list, const core::Clock& clock)
        : scanner("1001-id-" + std::to_string(n) + "-fingerprint", core::RandomStream(1, n)),
          reader("1001-id-" + std::to_string(n) + "-document"),
          webcam("1001-id-" + std::to_string(n) + "-webcam", core::RandomStream(2, n)),
          printer("1001-id-" + std::to_string(n) + "-printer"),
          desk(1001, scanner, reader, webcam, printer, list, clock) {
        desk.set_registered(900);
    }
};

std::array<core::DeviceKeyPair, 3> keys() {
    std::array<core::DeviceKeyPair, 3> k;
    for (std::size_t r = 0; r < 3; ++r) k[r] = core::derive_device_keys(7, core::device_id(1001, core::kDeviceRoles[r]));
    return k;
}

TEST(PollingStation, SumsTheDesksClosesTheBoxAndQueuesSignedReports) {
    ManualClock clock;
    EmptyList list;
    std::vector<std::unique_ptr<Desk>> desks;
    for (int n = 1; n <= 2; ++n) desks.push_back(std::make_unique<Desk>(n, list, clock));
    devices::VirtualPowerSupply power("1001-ups");
    devices::VirtualBallotScanner scanner("1001-arbb-1", 3, core::RandomStream(3));
    devices::VirtualPrinter box_printer("1001-arbb-1-printer");
    station::BallotBox box(1001, core::BoxKind::party_list, 3, {2, 2, 2}, scanner, box_printer, power, clock);
    ASSERT_TRUE(box.open());
    devices::VirtualModem modem("1001-modem", core::RandomStream(4));
    station::Transmitter transmitter(modem, clock);
    station::PollingStation pec("kg2021", 1001, 900, keys(), transmitter, clock);
    for (const auto& d : desks) pec.add_desk(d->desk);
    pec.set_box(0, box);

    // Desk 1: one voter without a document; desk 2: two voters of another PEC.
    (void)desks[0]->desk.identify();
    for (int i = 0; i < 2; ++i) {
        desks[1]->reader.present({.document_number = "AN000000" + std::to_string(i)});
        (void)desks[1]->desk.identify();
    }

    const auto figures = pec.closing_figures();
    EXPECT_EQ(figures.ballots_received, 900);
    EXPECT_EQ(figures.ballots_issued, 0);
    EXPECT_EQ(figures.identified_voters, 0);
    auto final_report = pec.close_box(0);
    ASSERT_TRUE(final_report) << final_report.error().message;
    EXPECT_EQ((*final_report)->figures, figures);
    EXPECT_EQ((*final_report)->device_id, "1001-arbb-1");
    EXPECT_FALSE(pec.close_box(0)) << "a box closes once";

    const auto& id = pec.close_identification();
    EXPECT_EQ(id.device_id, "1001-id-1");
    EXPECT_EQ(id.pec, 1001);
    EXPECT_EQ(id.at, clock.t);
    EXPECT_EQ(id.registered, 900);
    EXPECT_EQ(id.refused_other, 1);
    EXPECT_EQ(id.refused_not_on_list, 2);

    pec.send_final_reports();
    const auto states = transmitter.states();
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(states[0].device_id, "1001-arbb-1");
    EXPECT_EQ(states[1].device_id, "1001-id-1");
    const auto sent = transmitter.poll();
    ASSERT_EQ(sent.size(), 2u);
    const auto public_keys = pec.public_keys();
    for (std::size_t i = 0; i < sent.size(); ++i) {
        auto envelope = core::open_envelope(sent[i].bytes);
        ASSERT_TRUE(envelope);
        const std::size_t role = i == 0 ? 0 : 2;
        EXPECT_TRUE(core::verify_detached(public_keys[role], envelope->body, envelope->signature));
        auto report = core::decode_body(envelope->body);
        ASSERT_TRUE(report);
        EXPECT_EQ(report->header.election, "kg2021");
        EXPECT_EQ(report->header.sequence, 1u);
        EXPECT_EQ(report->header.sent_at, clock.t);
    }
}

}  // namespace

}  // namespace polling_station_test
