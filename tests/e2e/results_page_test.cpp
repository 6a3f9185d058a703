// End-to-end check of the public results page (docs/publication.md): a store filled through the
// real ingest with signed reports of 30 PECs (fixed seed), the HttpServer in process on
// 127.0.0.1, headless Chromium (Debian package `chromium`, installed by scripts/install-deps.sh)
// loading "/" and running the page's script, and every number the rendered page shows compared
// with the stored results. The expected values are computed here from central::Results, not from
// the published JSON, so an error anywhere between the store and the screen - the document, the
// server or the display script (the 2021 incident) - is a difference. A negative run serves a
// document with one party's votes changed and requires the comparison to catch it.
//
// Index of this file:
//   [SECTION] The election night in the store
//   [SECTION] What the page must show
//   [SECTION] What the page shows
//   [SECTION] Headless Chromium
//   [SECTION] Tests
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "central/http_server.hpp"
#include "central/ingest.hpp"
#include "central/publication.hpp"
#include "core/random.hpp"
#include "core/wire.hpp"
#include "../central/stored_election_fixture.hpp"
#include "chromium.hpp"

using namespace central;
using core::ArbbReport;
using core::BoxKind;
using nlohmann::json;
using e2e::attribute;
using e2e::find_chromium;
using e2e::run_chromium;
using e2e::unescape;

// [SECTION] The election night in the store

namespace {

constexpr std::uint64_t kSeed = 20211128;
constexpr std::uint64_t kDeviceSecret = 0xE2E;
const char* const kElection = "e2e-results-page";

/// Two regions with three districts and an abroad region; 30 PECs; five parties of twenty candidates.
core::ElectionPackage e2e_package() {
    core::ElectionPackage p;
    p.name = kElection;
    p.date = "2021-11-28";
    p.rules.seats_party_list = 54;
    p.rules.threshold_national = 0.05;
    p.rules.threshold_regional = 0.005;
    p.rules.women_reserved_share = 0.3;
    p.regions = {{.code = 1, .name = "Bishkek", .districts = 2, .pecs = 12},
                 {.code = 2, .name = "Jalal-Abad", .districts = 1, .pecs = 14},
                 {.code = 9, .name = "Abroad", .pecs = 4, .abroad = true}};
    const char* parties[] = {"Ata-Jurt Kyrgyzstan", "Ishenim", "Yntymak", "Alliance", "Butun Kyrgyzstan"};
    for (int id = 1; id <= 5; ++id) {
        core::Party party{.id = id, .name = parties[id - 1]};
        for (int k = 1; k <= 20; ++k)
            party.list.push_back({.position = k, .name = fmt::format("Candidate {}-{}", id, k),
                                  .sex = (k % 3 == 0) ? core::Sex::female : core::Sex::male});
        p.parties.push_back(party);
    }
    for (int n = 1; n <= 3; ++n) {
        core::District d{.number = n, .region_code = n <= 2 ? 1 : 2, .name = fmt::format("District {}", n)};
        for (int c = 1; c <= 3; ++c)
            d.candidates.push_back({.id = c, .name = fmt::format("D{} Candidate {}", n, c), .nominated_by = parties[c - 1]});
        p.districts.push_back(d);
    }
    core::RandomStream rng(kSeed, 1);
    auto add = [&](int number, int region, int district, double lat, double lon, const char* place) {
        p.pecs.push_back({.number = number, .region_code = region, .district = district,
                          .registered = 800 + static_cast<std::int64_t>(rng.below(700)),
                          .lat = lat + (rng.uniform() - 0.5) * 0.6, .lon = lon + (rng.uniform() - 0.5) * 1.2,
                          .place = place});
    };
    for (int i = 1; i <= 12; ++i) add(1000 + i, 1, i <= 6 ? 1 : 2, 42.87, 74.59, "Bishkek");
    for (int i = 1; i <= 14; ++i) add(2000 + i, 2, 3, 41.2, 72.9, "Jalal-Abad");
    for (int i = 1; i <= 4; ++i) add(9000 + i, 9, 0, 55.75, 37.62, "Moscow");
    return p;
}

/// Splits `total` ballots among options with the given weights (one draw per ballot).
std::vector<std::int64_t> split(core::RandomStream& rng, std::int64_t total, const std::vector<double>& weights) {
    std::vector<std::int64_t> out(weights.size(), 0);
    double sum = 0;
    for (double w : weights) sum += w;
    for (std::int64_t b = 0; b < total; ++b) {
        double u = rng.uniform() * sum;
        std::size_t i = 0;
        while (i + 1 < weights.size() && u >= weights[i]) u -= weights[i++];
        ++out[i];
    }
    return out;
}

// A box's final report with these counts (tests/central/stored_election_fixture.hpp), no preferences.
ArbbReport final_report(int pec, BoxKind box, std::vector<std::int64_t> options, std::int64_t invalid, std::int64_t registered) {
    return stored_election::final_report(pec, box, std::move(options), {}, invalid, registered);
}

/// The store filled through the ingest with the fixed-seed reports, aggregated.
struct ElectionNight {
    ElectionNight() { fill(); }
    void fill() {  // a function of its own: gtest's ASSERT_* cannot be used in a constructor
        std::filesystem::create_directories(file.parent_path());
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
        auto registry = core::make_device_key_registry(package, kDeviceSecret);
        Store store(file);
        Ingest ingest(package, registry, store);
        std::map<std::string, std::uint64_t> sequence;
        auto submit = [&](int pec, const std::string& device, core::ReportPayload payload) {
            core::WireReport w{{kElection, pec, device, ++sequence[device], core::at(20, 6)}, std::move(payload)};
            auto bytes = core::encode_signed_report(w, core::derive_device_keys(kDeviceSecret, device).secret_key);
            auto d = ingest.submit(bytes, "e2e", 0);
            ASSERT_EQ(d.outcome, core::AckOutcome::stored) << d.text;
        };
        core::RandomStream rng(kSeed, 2);
        const std::vector<double> party_weights{0.05, 0.30, 0.25, 0.20, 0.16, 0.04};  // [0] against all
        for (const auto& p : package.pecs) {
            const auto pl = core::device_id(p.number, core::DeviceRole::arbb_party_list);
            const auto di = core::device_id(p.number, core::DeviceRole::arbb_district);
            const auto id = core::device_id(p.number, core::DeviceRole::identification);
            // Every PEC opens; 1012, 2013 and 9004 send nothing after that; 2014 only its party list.
            ArbbReport zero;
            zero.pec = p.number;
            ASSERT_NO_FATAL_FAILURE(submit(p.number, pl, zero));
            if (p.number == 1012 || p.number == 2013 || p.number == 9004) continue;
            const std::int64_t ballots = p.registered * (45 + static_cast<std::int64_t>(rng.below(30))) / 100;
            const std::int64_t invalid = static_cast<std::int64_t>(rng.below(20));
            auto options = split(rng, ballots - invalid, party_weights);
            auto report = final_report(p.number, BoxKind::party_list, options, invalid, p.registered);
            for (std::size_t q = 0; q < package.parties.size(); ++q) {
                std::vector<double> w(package.parties[q].list.size() + 1, 1.0);
                w[0] = 6.0;  // most voters mark no preferred candidate
                auto pref = split(rng, options[q + 1], w);
                report.preference_counts.emplace_back(pref.begin() + 1, pref.end());
            }
            ASSERT_NO_FATAL_FAILURE(submit(p.number, pl, report));
            if (p.number == 2014) continue;
            if (p.district != 0) {
                // District 2 prefers "against all": a repeat election.
                const std::vector<double> w = p.district == 2 ? std::vector<double>{0.45, 0.2, 0.2, 0.15}
                                                              : std::vector<double>{0.08, 0.5, 0.3, 0.12};
                ASSERT_NO_FATAL_FAILURE(
                    submit(p.number, di, final_report(p.number, BoxKind::district, split(rng, ballots - invalid, w), invalid, p.registered)));
            }
            core::IdentificationReport ident;
            ident.fingerprint = ballots;
            ident.ballots_issued = ballots;
            ASSERT_NO_FATAL_FAILURE(submit(p.number, id, ident));
        }
        ingest.flush(1);
        auto r = aggregate(package, store);
        ASSERT_TRUE(r) << r.error().message;
        results = std::move(*r);
    }
    ~ElectionNight() {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    }
    core::ElectionPackage package = e2e_package();
    // One store per test process: ctest runs the page's tests in parallel.
    std::filesystem::path file = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" /
                                 ("e2e-results-page-" + std::to_string(getpid()) + ".sqlite");
    Results results;
};

// [SECTION] What the page must show
// Computed from the stored results (independently of publication.cpp).

std::string integer(std::int64_t v) { return std::to_string(v); }

std::string percent(std::int64_t num, std::int64_t den) {
    if (den == 0) return "0.00";
    const std::int64_t h = (num * 20000 + den) / (2 * den);  // hundredths, half up
    return fmt::format("{}.{:02}", h / 100, h % 100);
}

std::map<std::string, std::string> expected_fields(const Results& r, const core::ElectionPackage& package) {
    std::map<std::string, std::string> e;
    const auto& n = r.national;
    int complete = 0;
    for (std::size_t i = 0; i < r.pecs.size(); ++i) {
        const auto& pec = r.pecs[i];
        const bool district = package.pecs[i].district != 0;
        const int have = pec.final_party_list + (district && pec.final_district) + pec.identification;
        const char* status = have == (district ? 3 : 2) ? "reported"
                             : have > 0                  ? "partial"
                             : (pec.zero_party_list || pec.zero_district) ? "opened"
                                                                          : "not_reported";
        complete += have == (district ? 3 : 2);
        e[fmt::format("pec:{}:status", pec.number)] = fmt::format("{}|{}", pec.number, status);
    }
    e["progress:pecs_reported"] = integer(n.pecs_reporting);
    e["progress:pecs_expected"] = integer(n.pecs);
    e["progress:percent"] = percent(n.pecs_reporting, n.pecs);
    e["progress:pecs_complete"] = integer(complete);
    e["progress:reports_final"] = integer(r.reports_final);
    e["progress:reports_expected"] = integer(r.reports_expected);
    e["progress:reports_stored"] = integer(r.reports_stored);
    e["national:turnout"] = percent(n.ballots_in_box, n.registered_reporting);
    e["national:registered_reporting"] = integer(n.registered_reporting);
    e["national:registered"] = integer(n.registered);
    e["national:ballots"] = integer(n.ballots_in_box);
    e["national:valid"] = integer(n.valid);
    e["national:invalid"] = integer(n.invalid);
    e["national:against_all:votes"] = integer(n.option_votes[0]);
    e["national:against_all:share"] = percent(n.option_votes[0], n.ballots_in_box);
    for (std::size_t q = 0; q < package.parties.size(); ++q) {
        const auto key = fmt::format("party:{}:", package.parties[q].id);
        const auto& seats = r.seats.parties[q + 1];
        e[key + "votes"] = integer(n.option_votes[q + 1]);
        e[key + "share"] = percent(n.option_votes[q + 1], n.ballots_in_box);
        e[key + "passed"] = seats.passed ? "yes" : "no";
        e[key + "seats"] = integer(seats.seats);
        for (const auto& m : r.mandates) {
            if (m.party != package.parties[q].name) continue;
            e[key + "elected_count"] = integer(static_cast<std::int64_t>(m.mandates.elected.size()));
            e[key + "women_elected"] = integer(m.mandates.women_elected);
            e[key + "women_required"] = integer(m.mandates.women_required);
            if (m.mandates.vacant > 0) e[key + "vacant"] = integer(m.mandates.vacant);
            for (std::size_t k = 0; k < m.mandates.elected.size(); ++k) {
                const auto& c = m.mandates.elected[k];
                e[fmt::format("{}elected:{}:name", key, k + 1)] = c.name;
                e[fmt::format("{}elected:{}:position", key, k + 1)] = integer(c.position);
                e[fmt::format("{}elected:{}:preference_votes", key, k + 1)] = integer(c.preference_votes);
            }
        }
    }
    for (std::size_t q = 0; q < package.parties.size(); ++q)
        if (r.seats.parties[q + 1].seats > 0)
            e[fmt::format("seatbar:{}", package.parties[q].id)] = integer(r.seats.parties[q + 1].seats);
    if (r.seats.unallocated > 0) e["seatbar:unallocated"] = integer(r.seats.unallocated);
    e["seats:distributed"] = integer(r.seats.seats - r.seats.unallocated);
    e["seats:party_list"] = integer(package.rules.seats_party_list);
    e["seats:hare_quota"] = fmt::format("{:.2f}", r.seats.hare_quota);
    e["seats:threshold_national"] = percent(std::llround(package.rules.threshold_national * 1e6), 1'000'000);
    e["seats:threshold_regional"] = percent(std::llround(package.rules.threshold_regional * 1e6), 1'000'000);
    for (const auto& reg : r.regions) {
        const auto key = fmt::format("region:{}:", reg.code);
        const auto& t = reg.party_list;
        e[key + "pecs_reported"] = integer(t.pecs_reporting);
        e[key + "pecs_expected"] = integer(t.pecs);
        e[fmt::format("pec_list:{}:reported", reg.code)] = integer(t.pecs_reporting);
        e[fmt::format("pec_list:{}:expected", reg.code)] = integer(t.pecs);
        e[key + "ballots"] = integer(t.ballots_in_box);
        e[key + "turnout"] = percent(t.ballots_in_box, t.registered_reporting);
        std::size_t lead = 0;  // option index of the leading party; first in ballot order wins ties
        for (std::size_t o = 1; o < t.option_votes.size(); ++o)
            if (t.option_votes[o] > 0 && (lead == 0 || t.option_votes[o] > t.option_votes[lead])) lead = o;
        if (lead) {
            e[key + "leader"] = package.parties[lead - 1].name;
            e[key + "leader_votes"] = integer(t.option_votes[lead]);
        }
    }
    for (const auto& d : r.districts) {
        const auto key = fmt::format("district:{}:", d.number);
        const auto& t = d.district;
        const auto* pd = package.find_district(d.number);
        e[key + "pecs_reported"] = integer(t.pecs_reporting);
        e[key + "pecs_expected"] = integer(t.pecs);
        e[key + "turnout"] = percent(t.ballots_in_box, t.registered_reporting);
        e[key + "winner"] = d.decision.outcome == core::DistrictOutcome::elected ? pd->candidates[d.decision.winner - 1].name
                            : t.pecs_reporting == 0                              ? "awaiting results"
                                                                                 : "repeat election";
        for (std::size_t c = 0; c < pd->candidates.size(); ++c) {
            e[fmt::format("{}candidate:{}:votes", key, c + 1)] = integer(t.option_votes[c + 1]);
            e[fmt::format("{}candidate:{}:share", key, c + 1)] = percent(t.option_votes[c + 1], t.ballots_in_box);
        }
        e[key + "against_all:votes"] = integer(t.option_votes[0]);
        e[key + "against_all:share"] = percent(t.option_votes[0], t.ballots_in_box);
    }
    return e;
}

// [SECTION] What the page shows
// Every element with data-field in Chromium's rendered DOM.

/// field -> text shown (digit-group spaces removed); PEC tiles: "number|data-status".
std::map<std::string, std::string> shown_fields(std::string dom, std::vector<std::string>& problems) {
    // The page's own script (which writes data-field templates) and comments are not what is shown.
    for (auto at = dom.find("<script"); at != std::string::npos; at = dom.find("<script", at)) {
        const auto end = dom.find("</script>", at);
        dom.erase(at, end == std::string::npos ? std::string::npos : end + 9 - at);
    }
    for (auto at = dom.find("<!--"); at != std::string::npos; at = dom.find("<!--", at)) {
        const auto end = dom.find("-->", at);
        dom.erase(at, end == std::string::npos ? std::string::npos : end + 3 - at);
    }
    std::map<std::string, std::string> out;
    for (std::size_t at = dom.find("data-field=\""); at != std::string::npos; at = dom.find("data-field=\"", at + 1)) {
        const auto open = dom.rfind('<', at), close = dom.find('>', at);
        const std::string_view tag(dom.data() + open, close - open);
        const auto field = attribute(tag, "data-field");
        const auto text_end = dom.find('<', close);
        std::string text = unescape(dom.substr(close + 1, text_end - close - 1));
        for (std::size_t p = text.find("\u202f"); p != std::string::npos; p = text.find("\u202f")) text.erase(p, 3);
        if (field.starts_with("pec:")) text += "|" + attribute(tag, "data-status");
        if (out.contains(field)) problems.push_back("field shown twice: " + field);
        out[field] = text;
    }
    return out;
}

/// Every difference between what the page shows and what the store holds.
std::vector<std::string> compare(const std::map<std::string, std::string>& expected,
                                 const std::map<std::string, std::string>& shown) {
    std::vector<std::string> diffs;
    for (const auto& [field, value] : expected) {
        auto it = shown.find(field);
        if (it == shown.end()) diffs.push_back(fmt::format("{}: stored {}, not shown", field, value));
        else if (it->second != value) diffs.push_back(fmt::format("{}: stored {}, page shows {}", field, value, it->second));
    }
    for (const auto& [field, value] : shown)
        if (!expected.contains(field)) diffs.push_back(fmt::format("{}: page shows {}, not in the store", field, value));
    return diffs;
}

// [SECTION] Headless Chromium

/// Serves `document` with the HttpServer on 127.0.0.1 (any port) while `body` runs.
template <class F>
void with_server(const std::string& document, F body) {
    boost::asio::io_context io;
    HttpServer server(io, {boost::asio::ip::address_v4::loopback(), 0}, [&document] { return document; });
    auto started = server.start();
    ASSERT_TRUE(started) << started.error().message;
    std::thread thread([&io] { io.run(); });
    body(fmt::format("http://127.0.0.1:{}/", server.port()));
    io.stop();
    thread.join();
}

/// The page as Chromium renders it when `document` is published: its data fields.
std::map<std::string, std::string> render_and_read(const std::string& chromium, const std::string& document,
                                                   std::vector<std::string>& problems) {
    std::map<std::string, std::string> shown;
    with_server(document, [&](const std::string& url) {
        auto run = run_chromium(chromium, url, "--dump-dom");
        if (!run.ok) {
            problems.push_back(run.error);
            return;
        }
        if (run.output.find("data-loaded=\"true\"") == std::string::npos)
            problems.push_back("the page did not load /api/results.json: " + run.output.substr(0, 2000));
        shown = shown_fields(run.output, problems);
        if (const char* shot = std::getenv("SHAILOO_E2E_SCREENSHOT"); shot && *shot)
            run_chromium(chromium, url, fmt::format("--screenshot='{}'", shot));
    });
    return shown;
}

}  // namespace

// [SECTION] Tests

TEST(ResultsPage, ChromiumShowsExactlyTheStoredResults) {
    const auto chromium = find_chromium();
    ASSERT_FALSE(chromium.empty()) << "headless Chromium not found: run scripts/install-deps.sh (installs the Debian "
                                      "package 'chromium') or set SHAILOO_CHROMIUM to its path";
    ElectionNight night;
    ASSERT_FALSE(HasFatalFailure());
    const auto expected = expected_fields(night.results, night.package);
    // The data set exercises what the page must get right: a repeat election, a party below the
    // threshold, PECs in every status.
    ASSERT_EQ(night.results.districts[1].decision.outcome, core::DistrictOutcome::repeat_against_all);
    ASSERT_FALSE(night.results.seats.parties[5].passed);
    ASSERT_EQ(expected.at("pec:2014:status"), "2014|partial");
    ASSERT_EQ(expected.at("pec:1012:status"), "1012|opened");

    const json document = results_document(night.results, night.package);
    ASSERT_TRUE(check_publication(night.results, night.package, document).empty());
    std::vector<std::string> problems;
    const auto shown = render_and_read(chromium, document.dump(), problems);
    ASSERT_TRUE(problems.empty()) << fmt::format("{}", fmt::join(problems, "\n"));
    const auto diffs = compare(expected, shown);
    EXPECT_TRUE(diffs.empty()) << diffs.size() << " differences between the store and the page:\n"
                               << fmt::format("{}", fmt::join(diffs, "\n"));
    EXPECT_GT(shown.size(), 150u);  // every number of the page was found and compared
    std::printf("compared %zu fields shown by the page with the store\n", shown.size());
}

TEST(ResultsPage, AWrongFigureInThePublishedDocumentIsCaught) {
    const auto chromium = find_chromium();
    ASSERT_FALSE(chromium.empty()) << "headless Chromium not found: run scripts/install-deps.sh (installs the Debian "
                                      "package 'chromium') or set SHAILOO_CHROMIUM to its path";
    ElectionNight night;
    ASSERT_FALSE(HasFatalFailure());
    // The 2021 kind of error: one party's figure on the public page differs from the store.
    json wrong = results_document(night.results, night.package);
    wrong["parties"][2]["votes"] = wrong["parties"][2]["votes"].get<std::int64_t>() + 7;
    const auto stored_vs_published = check_publication(night.results, night.package, wrong);
    ASSERT_EQ(stored_vs_published.size(), 1u) << describe(stored_vs_published);
    EXPECT_EQ(stored_vs_published[0].path, "/parties/2/votes");

    std::vector<std::string> problems;
    const auto shown = render_and_read(chromium, wrong.dump(), problems);
    ASSERT_TRUE(problems.empty()) << fmt::format("{}", fmt::join(problems, "\n"));
    const auto diffs = compare(expected_fields(night.results, night.package), shown);
    ASSERT_EQ(diffs.size(), 1u) << fmt::format("{}", fmt::join(diffs, "\n"));
    EXPECT_EQ(diffs[0], fmt::format("party:3:votes: stored {}, page shows {}", night.results.national.option_votes[3],
                                    night.results.national.option_votes[3] + 7));
}
