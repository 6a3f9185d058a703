// `shailoo load --from RESULTS`: a run's per-PEC figures become the fleet's reports (and pass the
// real ingest), PECs the run did not have are not sent, and every broken input names file and field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "central/ingest.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/wire.hpp"
#include "loadgen/load_generator.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace results_figures_test {

namespace {

const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;
using json = nlohmann::json;

const core::ElectionPackage& package() {
    static const auto p = core::load_election_package(kSource / "assets" / "kg2021");
    return *p;
}

/// One box of a results.json entry: `voters` ballots, `invalid` of them invalid, the valid ones
/// spread over the options (option k gets k + 1 shares), `manual` of them in a stationary box.
json box(const char* kind, const std::string& device, std::size_t options, std::int64_t voters, std::int64_t invalid,
         std::int64_t manual = 0) {
    const std::int64_t scanned = voters - manual, valid = scanned - invalid;
    std::vector<std::int64_t> counts(options, 0);
    const auto shares = static_cast<std::int64_t>(options * (options + 1) / 2);
    for (std::size_t k = 0; k < options; ++k) counts[k] = valid * static_cast<std::int64_t>(k + 1) / shares;
    if (!counts.empty()) counts.back() += valid - std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
    return {{"box", kind}, {"device", device}, {"at", "20:14:27"}, {"ballots_in_box", voters}, {"scanned", scanned},
            {"valid", valid}, {"invalid", invalid}, {"returned_to_voters", 0}, {"replaced_by_stationary_box", manual > 0},
            {"awaiting_manual_count", manual}, {"options", counts}, {"violations", json::array()}, {"printed", true}};
}

/// A results.json of two PECs: 1001 (Bishkek; its party-list ARBB replaced by a stationary box) and
/// 9001 (abroad: no district box, an empty entry as `shailoo run` writes it).
json two_pecs() {
    const auto& p = package();
    const auto* pec = p.find_pec(1001);
    const auto district_options = p.find_district(pec->district)->candidates.size() + 1;
    auto pec_json = [](int number, std::int64_t voters, json arbb) {
        return json{{"number", number}, {"voters", voters},
                    {"identification", {{"fingerprint", voters - 7}, {"other_finger", 3}, {"face", 2}, {"manual", 2}, {"refused", 4}, {"receipts_not_printed", 1}}},
                    {"arbb", arbb}};
    };
    const json empty_district = box("district", "", 0, 0, 0);
    return {{"format", "shailoo-results"}, {"version", 1}, {"package", p.name},
            {"pec_results",
             {pec_json(1001, 412, {box("party_list", "1001-arbb-1", p.parties.size() + 1, 412, 30, 100),
                                   box("district", "1001-arbb-2", district_options, 412, 25)}),
              pec_json(9001, 168, {box("party_list", "9001-arbb-1", p.parties.size() + 1, 168, 9), empty_district})}}};
}

std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto file = std::filesystem::temp_directory_path() / ("shailoo-from-" + name + ".json");
    std::ofstream(file) << text;
    return file;
}

core::WireReport decoded(const loadgen::PlannedReport& p) {
    auto env = core::open_envelope(p.message);
    EXPECT_TRUE(env);
    auto report = core::decode_body(env->body);
    EXPECT_TRUE(report);
    return *report;
}

}  // namespace

TEST(LoadFrom, TheRunsFiguresAreSentAndPassTheIngest) {
    const auto doc = two_pecs();
    const auto file = write("two-pecs", doc.dump());
    const auto figures = loadgen::load_results_figures(file, package());
    ASSERT_TRUE(figures) << figures.error().message;
    ASSERT_EQ(figures->pecs.size(), 2u);
    const auto plan = loadgen::plan_fleet(package(), 0, core::kSimulatedDeviceSecret, 2021, nullptr, 1.0, &*figures);
    ASSERT_EQ(plan.size(), 5u);  // only the two PECs of the run: 1001 (3 reports), 9001 (2: abroad)
    for (const auto& p : plan) {
        const auto w = decoded(p);
        const auto& entry = doc["pec_results"][p.pec == 1001 ? 0 : 1];
        if (const auto* r = std::get_if<core::ArbbReport>(&w.payload)) {
            const auto& b = entry["arbb"][r->box == core::BoxKind::party_list ? 0 : 1];
            EXPECT_EQ(r->option_counts, b["options"].get<std::vector<std::int64_t>>()) << p.device;
            EXPECT_EQ(r->ballots_in_box, b["ballots_in_box"].get<std::int64_t>()) << p.device;
            EXPECT_EQ(r->ballots_scanned, b["scanned"].get<std::int64_t>()) << p.device;
            EXPECT_EQ(r->invalid, b["invalid"].get<std::int64_t>()) << p.device;
            EXPECT_EQ(r->ballots_awaiting_manual_count, b["awaiting_manual_count"].get<std::int64_t>()) << p.device;
            EXPECT_EQ(r->replaced_by_stationary_box, b["replaced_by_stationary_box"].get<bool>()) << p.device;
            EXPECT_EQ(r->figures.ballots_issued, entry["voters"].get<std::int64_t>()) << p.device;
        } else {
            const auto& id = std::get<core::IdentificationReport>(w.payload);
            EXPECT_EQ(id.fingerprint, entry["identification"]["fingerprint"].get<std::int64_t>());
            EXPECT_EQ(id.other_finger, 3);
            EXPECT_EQ(id.receipts_not_printed, 1);
            EXPECT_EQ(id.ballots_issued, entry["voters"].get<std::int64_t>());
        }
    }
    auto registry = core::load_device_key_registry(kSource / "assets" / "kg2021" / "device-keys.yaml");
    ASSERT_TRUE(registry);
    const auto db = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" / "load-from.sqlite";
    std::filesystem::create_directories(db.parent_path());
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + s);
    central::Store store(db, {.max_reports = 100, .max_delay = 1'000'000'000});
    central::Ingest ingest(package(), *registry, store);
    for (const auto& p : plan) {
        const auto d = ingest.submit(p.message, "test", 0);
        EXPECT_EQ(d.outcome, core::AckOutcome::stored) << p.device << ": " << d.text;
    }
    EXPECT_EQ(ingest.counters().flagged, 0);  // every control ratio holds with the run's figures
    // --pecs counts the run's PECs: the first one of them in package order.
    EXPECT_EQ(loadgen::plan_fleet(package(), 1, core::kSimulatedDeviceSecret, 2021, nullptr, 1.0, &*figures).size(), 3u);
}

TEST(LoadFrom, BrokenResultsNameTheFileAndTheField) {
    auto with = [](auto change) {
        auto doc = two_pecs();
        change(doc);
        return doc.dump();
    };
    const std::vector<std::pair<std::string, std::string>> cases{
        {"{\"format\": \"shailoo-results\", ", ": not JSON"},
        {"[1, 2]", ": expected a JSON object"},
        {with([](json& d) { d["format"] = "other"; }), ": format: expected \"shailoo-results\""},
        {with([](json& d) { d["package"] = "kg2026"; }), ": package: the results are of 'kg2026'"},
        {with([](json& d) { d.erase("pec_results"); }), ": pec_results: missing"},
        {with([](json& d) { d["pec_results"] = json::array(); }), ": pec_results: no PEC"},
        {with([](json& d) { d["pec_results"][1]["number"] = 9999; }), ": pec_results[1].number: PEC 9999 is not in the election package"},
        {with([](json& d) { d["pec_results"][1]["number"] = 1001; }), ": pec_results[1].number: PEC 1001 appears twice"},
        {with([](json& d) { d["pec_results"][0]["identification"].erase("face"); }), ": pec_results[0].identification.face: missing"},
        {with([](json& d) { d["pec_results"][0]["identification"]["manual"] = -2; }),
         ": pec_results[0].identification.manual: expected a whole number from 0 to"},
        {with([](json& d) { d["pec_results"][0].erase("arbb"); }), ": pec_results[0].arbb: expected the list"},
        {with([](json& d) { d["pec_results"][0]["arbb"][0].erase("valid"); }), ": pec_results[0].arbb[0].valid: missing"},
        {with([](json& d) { d["pec_results"][0]["arbb"][0]["scanned"] = "312"; }), ": pec_results[0].arbb[0].scanned: expected a whole number"},
        {with([](json& d) { d["pec_results"][0]["arbb"][0]["valid"] = 1e9; }), ": pec_results[0].arbb[0].valid: expected a whole number from 0 to"},
        {with([](json& d) { d["pec_results"][0]["arbb"][1]["options"].erase(0); }),
         ": pec_results[0].arbb[1].options: expected 11 counts (the district ballot of PEC 1001"},
        {with([](json& d) { d["pec_results"][0]["arbb"][1]["options"][2] = 0.5; }), ": pec_results[0].arbb[1].options[2]: expected a whole number"},
        {with([](json& d) { d["pec_results"][0]["arbb"][1]["box"] = "party_list"; }), ": pec_results[0].arbb[1].box: a second party_list report"},
        {with([](json& d) { d["pec_results"][1]["arbb"][1]["device"] = "9001-arbb-2"; }),
         ": pec_results[1].arbb[1].box: expected party_list (PEC abroad), got 'district'"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto file = write("broken-" + std::to_string(i), cases[i].first);
        const auto figures = loadgen::load_results_figures(file, package());
        ASSERT_FALSE(figures) << cases[i].second;
        EXPECT_NE(figures.error().message.find(file.string() + cases[i].second), std::string::npos)
            << "expected: " << cases[i].second << "\ngot: " << figures.error().message;
    }
    const auto missing = loadgen::load_results_figures("/nonexistent/results.json", package());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "/nonexistent/results.json: cannot be read");
}

}  // namespace results_figures_test
