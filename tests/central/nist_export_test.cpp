#include "central/nist_export.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "central/publication.hpp"
#include "nist_xml.hpp"
#include "stored_election_fixture.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace nist_export_test {

using namespace stored_election;
using nist_xml::Xml;

namespace {

const std::filesystem::path kSchema =
    std::filesystem::path(SHAILOO_SOURCE_DIR) / "docs" / "schemas" / "NIST_V2_election_results_reporting.xsd";

NistExportOptions options(std::string generated = "2021-11-28T23:15:00+06:00") {
    NistExportOptions o;
    o.generated_date = std::move(generated);
    return o;
}

std::string export_xml(const StoredElection& e, const NistExportOptions& o = options()) {
    auto xml = nist_results_xml(e.results, e.package, o);
    EXPECT_TRUE(xml) << xml.error().message;
    return xml ? *xml : std::string();
}

/// The stored final report of one box of a PEC.
StoredReport stored_final(const StoredElection& e, int pec, core::DeviceRole box) {
    Store store(e.file);
    for (auto& r : store.reports())
        if (r.pec == pec && r.source == box && r.kind == "final") return r;
    ADD_FAILURE() << "no final report of PEC " << pec;
    return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

}  // namespace

TEST(NistExport, PartialAndCompleteNightsAreValidAgainstTheNistSchema) {
    StoredElection partial;
    auto valid = validate_xml(export_xml(partial), kSchema);
    EXPECT_TRUE(valid) << valid.error().message;
    StoredElection complete(true, "-complete");
    valid = validate_xml(export_xml(complete), kSchema);
    EXPECT_TRUE(valid) << valid.error().message;
}

TEST(NistExport, TheValidatorRejectsADocumentThatBreaksTheSchema) {
    StoredElection e;
    const std::string xml = export_xml(e);
    ASSERT_TRUE(validate_xml(xml, kSchema));
    // A status the schema does not know.
    auto bad = validate_xml(replaced(xml, "<Status>unofficial-partial</Status>", "<Status>preliminary</Status>"), kSchema);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("Status"), std::string::npos) << bad.error().message;
    // A required element missing.
    const auto issuer_start = xml.find("<Issuer>");
    const auto issuer_end = xml.find("</Issuer>");
    ASSERT_NE(issuer_start, std::string::npos);
    std::string no_issuer = xml;
    no_issuer.erase(issuer_start, issuer_end + 9 - issuer_start);
    bad = validate_xml(no_issuer, kSchema);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("IssuerAbbreviation"), std::string::npos) << bad.error().message;
    // A count that is not a number, and two objects with one id.
    EXPECT_FALSE(validate_xml(replaced(xml, "<Count>380</Count>", "<Count>380 votes</Count>"), kSchema));
    EXPECT_FALSE(validate_xml(replaced(xml, "ObjectId=\"gpu-pec-1002\"", "ObjectId=\"gpu-pec-1001\""), kSchema));
    // Not XML at all, and a schema that is not there.
    EXPECT_FALSE(validate_xml(xml.substr(0, xml.size() / 2), kSchema));
    EXPECT_FALSE(validate_xml(xml, kSchema.parent_path() / "absent.xsd"));
}

// libxml2's schema validation (and xmllint --schema) checks that ids are unique but not that an
// IDREF names an object of the document: this test does.
TEST(NistExport, EveryReferenceNamesAnObjectOfTheReport) {
    StoredElection e(true);
    const Xml x(export_xml(e));
    const auto ids = x.strings("//@ObjectId");
    const std::set<std::string> objects(ids.begin(), ids.end());
    EXPECT_EQ(objects.size(), ids.size());
    int references = 0;
    for (const char* name : {"GpUnitId", "ElectionScopeId", "ElectionDistrictId", "PartyId", "PartyIds", "CandidateIds",
                             "ComposingGpUnitIds"})
        for (const auto& value : x.strings(std::string("//n:") + name)) {
            std::istringstream tokens(value);
            for (std::string id; tokens >> id; ++references) EXPECT_TRUE(objects.contains(id)) << name << " " << id;
        }
    EXPECT_GT(references, 50);
    // Candidate 1 of district 1 was nominated by Party 1: the candidate points at the party.
    EXPECT_EQ(x.string("//n:Candidate[@ObjectId='candidate-1-1']/n:PartyId"), "party-1");
    EXPECT_EQ(x.count("//n:Candidate[@ObjectId='candidate-1-2']/n:PartyId"), 0);
}

TEST(NistExport, PecVoteCountsAreTheStoredArbbCounts) {
    StoredElection e;
    const Xml x(export_xml(e));
    ASSERT_TRUE(x.ok());
    const auto list = stored_final(e, 1001, core::DeviceRole::arbb_party_list);
    ASSERT_EQ(list.option_votes.size(), 3u);
    EXPECT_EQ(x.votes("selection-party-list-against-all", "gpu-pec-1001"), std::to_string(list.option_votes[0]));
    EXPECT_EQ(x.votes("selection-party-list-party-1", "gpu-pec-1001"), std::to_string(list.option_votes[1]));
    EXPECT_EQ(x.votes("selection-party-list-party-2", "gpu-pec-1001"), std::to_string(list.option_votes[2]));
    EXPECT_EQ(x.votes("selection-party-list-party-2", "gpu-pec-1001"), "200");  // known answer, not only a copy
    const auto district = stored_final(e, 1001, core::DeviceRole::arbb_district);
    EXPECT_EQ(x.votes("selection-district-1-against-all", "gpu-pec-1001"), std::to_string(district.option_votes[0]));
    EXPECT_EQ(x.votes("selection-district-1-candidate-1", "gpu-pec-1001"), std::to_string(district.option_votes[1]));
    EXPECT_EQ(x.votes("selection-district-1-candidate-2", "gpu-pec-1001"), std::to_string(district.option_votes[2]));
    // Ballots and invalid ballots of each box at the PEC.
    const std::string at_pec = "//n:BallotCounts[n:GpUnitId='gpu-pec-1001' and ";
    EXPECT_EQ(x.string(at_pec + "n:Type='total']/n:BallotsCast"), std::to_string(list.ballots_in_box));
    EXPECT_EQ(x.string(at_pec + "n:Type='total']/n:BallotsRejected"), std::to_string(list.invalid));
    EXPECT_EQ(x.string(at_pec + "n:OtherType='district-box']/n:BallotsCast"), std::to_string(district.ballots_in_box));
    EXPECT_EQ(x.string(at_pec + "n:OtherType='district-box']/n:BallotsRejected"), std::to_string(district.invalid));
    // The abroad PEC has no district box.
    EXPECT_EQ(x.votes("selection-party-list-party-2", "gpu-pec-9001"), "150");
    EXPECT_EQ(x.count("//n:BallotCounts[n:GpUnitId='gpu-pec-9001' and n:Type='other']"), 0);
}

TEST(NistExport, NationalTotalsAreThePublishedDocuments) {
    StoredElection e;
    const Xml x(export_xml(e));
    const auto doc = results_document(e.results, e.package);
    for (std::size_t p = 0; p < e.package.parties.size(); ++p) {
        const std::string sel = "selection-party-list-party-" + std::to_string(e.package.parties[p].id);
        EXPECT_EQ(x.votes(sel, "gpu-kg"), doc["parties"][p]["votes"].dump()) << sel;
        EXPECT_EQ(x.votes(sel, "gpu-kg", "seats"), doc["parties"][p]["seats"].dump()) << sel;
        EXPECT_EQ(x.votes(sel, "gpu-region-1"), doc["regions"][0]["party_votes"][p].dump()) << sel;
    }
    EXPECT_EQ(x.votes("selection-party-list-against-all", "gpu-kg"), doc["national"]["against_all"]["votes"].dump());
    EXPECT_EQ(x.string("//n:BallotCounts[n:GpUnitId='gpu-kg']/n:BallotsCast"), doc["national"]["ballots"].dump());
    EXPECT_EQ(x.string("//n:BallotCounts[n:GpUnitId='gpu-kg']/n:BallotsRejected"), doc["national"]["invalid"].dump());
    EXPECT_EQ(x.string("//n:GpUnit[@ObjectId='gpu-kg']/n:VotersRegistered"), doc["national"]["registered"].dump());
    EXPECT_EQ(x.votes("selection-district-1-candidate-1", "gpu-district-1"), "300");
    EXPECT_EQ(x.votes("selection-party-list-party-1", "gpu-kg"), "480");  // 380 + 100, the known answer
    EXPECT_EQ(x.votes("selection-party-list-party-1", "gpu-kg", "seats"), "6");
}

TEST(NistExport, AnUnreportedPecHasItsUnitButNoCountsAndTheStatusIsPartial) {
    StoredElection e;
    const Xml x(export_xml(e));
    EXPECT_EQ(x.string("/n:ElectionReport/n:Status"), "unofficial-partial");
    EXPECT_EQ(x.count("//n:GpUnit[@ObjectId='gpu-pec-1002']"), 1);
    EXPECT_EQ(x.string("//n:GpUnit[@ObjectId='gpu-pec-1002']/n:VotersRegistered"), "800");
    EXPECT_EQ(x.count("//n:VoteCounts[n:GpUnitId='gpu-pec-1002']"), 0);
    EXPECT_EQ(x.count("//n:BallotCounts[n:GpUnitId='gpu-pec-1002']"), 0);
    EXPECT_EQ(x.string("//n:Contest[@ObjectId='contest-party-list']/n:SubUnitsReported"), "2");
    EXPECT_EQ(x.string("//n:Contest[@ObjectId='contest-party-list']/n:TotalSubUnits"), "3");
    EXPECT_EQ(x.string("//n:Contest[@ObjectId='contest-district-1']/n:SubUnitsReported"), "1");
    EXPECT_EQ(x.string("//n:GpUnit[@ObjectId='gpu-district-1']/n:ComposingGpUnitIds"), "gpu-pec-1001 gpu-pec-1002");
}

TEST(NistExport, StatusIsCompleteOnceEveryPecHasReportedEveryBox) {
    StoredElection e(true);
    EXPECT_EQ(nist_status(e.results, e.package), "unofficial-complete");
    const Xml x(export_xml(e));
    EXPECT_EQ(x.string("/n:ElectionReport/n:Status"), "unofficial-complete");
    EXPECT_EQ(x.votes("selection-party-list-party-2", "gpu-pec-1002"), "275");
    EXPECT_EQ(x.votes("selection-district-1-candidate-2", "gpu-pec-1002"), "260");
    EXPECT_EQ(x.votes("selection-district-1-candidate-2", "gpu-district-1"), "510");  // 250 + 260
    // Without 1002's district report the night is not complete.
    auto results = e.results;
    results.pecs[1].final_district = false;
    EXPECT_EQ(nist_status(results, e.package), "unofficial-partial");
}

TEST(NistExport, TheSameStoreGivesTheSameBytes) {
    StoredElection a(false, "-a");
    StoredElection b(false, "-b");
    const std::string xml = export_xml(a);
    EXPECT_EQ(xml, export_xml(b));
    EXPECT_EQ(xml, export_xml(a));
    // The generation time is the caller's: it is the only thing another one changes.
    EXPECT_EQ(replaced(export_xml(a, options("2021-11-29T01:00:00Z")), "2021-11-29T01:00:00Z", "2021-11-28T23:15:00+06:00"), xml);
}

TEST(NistExport, BadInputIsRefusedWithTheReason) {
    StoredElection e;
    auto refused = [&](const core::ElectionPackage& package, const NistExportOptions& o, const std::string& why) {
        auto xml = nist_results_xml(e.results, package, o);
        ASSERT_FALSE(xml) << why;
        EXPECT_NE(xml.error().message.find(why), std::string::npos) << xml.error().message;
    };
    for (const char* t : {"2021-11-28 23:15:00+06:00", "2021-11-28T23:15:00", "2021-02-30T10:00:00Z", "2021-11-28T24:30:00Z",
                          "2021-11-28T23:15:00.5Z", ""})
        refused(e.package, options(t), "generation time");
    auto p = e.package;
    p.date = "28.11.2021";
    refused(p, options(), "election date");
    p = e.package;
    p.parties[1].name = "Party \xff";
    refused(p, options(), "party 2 name");
    p = e.package;
    p.districts[0].candidates[0].name = "Asel\x01";
    refused(p, options(), "district 1 candidate 1 name");
    p = e.package;
    p.pecs.pop_back();
    refused(p, options(), "not the package's");
    p = e.package;
    p.districts[0].candidates.push_back({.id = 3, .name = "Chynara"});
    refused(p, options(), "district 1 tally");
    p = e.package;
    p.parties[1].id = 1;
    refused(p, options(), "party-1");
}

}  // namespace nist_export_test
