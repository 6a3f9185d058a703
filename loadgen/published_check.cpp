// `--check-published`: the results page's document against the fleet's acknowledged good reports.
//
// Index of this file:
//   [SECTION] The address
//   [SECTION] What the acknowledged reports make the page
//   [SECTION] Comparing
//   [SECTION] Fetching over HTTP
//   [SECTION] Checking, load.json and text
#include "loadgen/published_check.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <thread>
#include <variant>

#include "core/wire.hpp"

namespace loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using nlohmann::json;

// [SECTION] The address

core::Result<PublishedUrl> parse_published_url(std::string_view text) {
    PublishedUrl u;
    u.text = std::string(text);
    constexpr std::string_view scheme = "http://";
    if (!text.starts_with(scheme))
        return core::fail(fmt::format("'{}': expected the results page's base, http://HOST:PORT (e.g. http://127.0.0.1:8080)", text));
    std::string_view rest = text.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    u.base_path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (!u.base_path.ends_with('/')) u.base_path += '/';
    const auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
        const auto port = authority.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            return core::fail(fmt::format("'{}': '{}' is not a port (1 to 65535)", text, port));
        u.port = static_cast<std::uint16_t>(value);
    }
    if (u.host.empty() || u.host.find_first_of("@?# ") != std::string::npos)
        return core::fail(fmt::format("'{}': no host name or address before the port", text));
    return u;
}

namespace {

// [SECTION] What the acknowledged reports make the page

/// Sums of one box's final reports over a set of PECs.
struct BoxSum {
    std::int64_t pecs_reported = 0, ballots = 0, valid = 0, invalid = 0;
    std::vector<std::int64_t> options;  // [0] against all, [i] party or candidate i
    void add(const core::ArbbReport& r) {
        ++pecs_reported;
        ballots += r.ballots_in_box, valid += r.valid, invalid += r.invalid;
        if (options.size() < r.option_counts.size()) options.resize(r.option_counts.size(), 0);
        for (std::size_t i = 0; i < r.option_counts.size(); ++i) options[i] += r.option_counts[i];
    }
    std::int64_t option(std::size_t i) const { return i < options.size() ? options[i] : 0; }
};

/// What one PEC's acknowledged final reports are.
struct PecSent {
    bool party_list = false, district = false, identification = false;
    std::int64_t ballots = 0;  // party-list box
};

/// The page as the acknowledged good reports make it.
struct Expected {
    std::map<int, PecSent> pecs;        // by PEC number (only PECs with an acknowledged report)
    std::map<int, BoxSum> regions;      // by region code: party-list box
    std::map<int, BoxSum> districts;    // by district number: district box
    BoxSum national;                    // party-list box
    std::int64_t reports = 0;           // final and identification reports
};

/// Adds one acknowledged report to what the page must show.
core::Result<void> add_report(const std::map<int, const core::Pec*>& pecs, const PlannedReport& p, Expected& e) {
    auto envelope = core::open_envelope(p.message);
    if (!envelope) return core::fail(fmt::format("{}: the report sent cannot be read back: {}", p.device, envelope.error().message));
    auto report = core::decode_body(envelope->body);
    if (!report) return core::fail(fmt::format("{}: the report sent cannot be read back: {}", p.device, report.error().message));
    const auto found = pecs.find(report->header.pec);
    const core::Pec* pec = found == pecs.end() ? nullptr : found->second;
    if (!pec) return core::fail(fmt::format("{}: PEC {} is not in the package", p.device, report->header.pec));
    auto& sent = e.pecs[pec->number];
    ++e.reports;
    if (std::holds_alternative<core::IdentificationReport>(report->payload)) {
        sent.identification = true;
        return {};
    }
    const auto& arbb = std::get<core::ArbbReport>(report->payload);
    if (arbb.kind != core::ReportKind::final) return {};
    if (arbb.box == core::BoxKind::party_list) {
        sent.party_list = true;
        sent.ballots = arbb.ballots_in_box;
        e.regions[pec->region_code].add(arbb);
        e.national.add(arbb);
    } else {
        sent.district = true;
        e.districts[pec->district].add(arbb);
    }
    return {};
}

/// central/publication.cpp's PEC status, for the reports a PEC sent (the fleet sends no zero report).
std::string status_of(const PecSent& s, bool has_district) {
    const int owed = has_district ? 3 : 2;
    const int have = int(s.party_list) + int(has_district && s.district) + int(s.identification);
    return have == owed ? "reported" : have > 0 ? "partial" : "not_reported";
}

// [SECTION] Comparing

/// Walks the published document next to the expected figures, collecting differences.
class Comparison {
public:
    explicit Comparison(PublishedCheck& check) : check_(check) {}

    /// The row of `array` whose `key` is `id`, or null.
    static const json* row(const json& doc, const char* array, const char* key, int id) {
        if (!doc.contains(array) || !doc.at(array).is_array()) return nullptr;
        for (const auto& r : doc.at(array))
            if (r.is_object() && r.contains(key) && r.at(key) == id) return &r;
        return nullptr;
    }
    /// `node` at a JSON pointer, or null.
    static const json* at(const json* node, const std::string& pointer) {
        if (!node) return nullptr;
        const json::json_pointer p(pointer);
        return node->contains(p) ? &node->at(p) : nullptr;
    }
    void count(const std::string& where, const std::string& field, std::int64_t sent, const json* published) {
        ++check_.figures_compared;
        if (published && published->is_number_integer() && published->get<std::int64_t>() == sent) return;
        check_.mismatches.push_back({where, field, std::to_string(sent), published ? published->dump() : "(absent)"});
    }
    void text(const std::string& where, const std::string& field, const std::string& sent, const json* published) {
        ++check_.figures_compared;
        if (published && published->is_string() && published->get<std::string>() == sent) return;
        check_.mismatches.push_back({where, field, sent, published ? published->dump() : "(absent)"});
    }

private:
    PublishedCheck& check_;
};

/// PEC by PEC: status and party-list ballots.
void compare_pecs(const core::ElectionPackage& package, const Expected& e, const json& doc, Comparison& c) {
    for (const auto& pec : package.pecs) {
        const auto it = e.pecs.find(pec.number);
        const PecSent sent = it == e.pecs.end() ? PecSent{} : it->second;
        const json* row = Comparison::row(doc, "pecs", "number", pec.number);
        const std::string where = fmt::format("PEC {}", pec.number);
        c.text(where, "status", status_of(sent, pec.district != 0), Comparison::at(row, "/status"));
        c.count(where, "ballots", sent.ballots, Comparison::at(row, "/ballots"));
    }
}

/// Region by region (party-list box) and district by district (district box).
void compare_regions_and_districts(const core::ElectionPackage& package, const Expected& e, const json& doc, Comparison& c) {
    for (const auto& region : package.regions) {
        const auto it = e.regions.find(region.code);
        const BoxSum sum = it == e.regions.end() ? BoxSum{} : it->second;
        const json* row = Comparison::row(doc, "regions", "code", region.code);
        const std::string where = fmt::format("region {}", region.code);
        c.count(where, "pecs_reported", sum.pecs_reported, Comparison::at(row, "/pecs_reported"));
        c.count(where, "ballots", sum.ballots, Comparison::at(row, "/ballots"));
        c.count(where, "against_all", sum.option(0), Comparison::at(row, "/against_all"));
        for (std::size_t p = 0; p < package.parties.size(); ++p)
            c.count(where, fmt::format("party_votes[{}]", p), sum.option(p + 1), Comparison::at(row, fmt::format("/party_votes/{}", p)));
    }
    for (const auto& district : package.districts) {
        const auto it = e.districts.find(district.number);
        const BoxSum sum = it == e.districts.end() ? BoxSum{} : it->second;
        const json* row = Comparison::row(doc, "districts", "number", district.number);
        const std::string where = fmt::format("district {}", district.number);
        c.count(where, "pecs_reported", sum.pecs_reported, Comparison::at(row, "/pecs_reported"));
        c.count(where, "ballots", sum.ballots, Comparison::at(row, "/ballots"));
        c.count(where, "against_all.votes", sum.option(0), Comparison::at(row, "/against_all/votes"));
        for (std::size_t k = 0; k < district.candidates.size(); ++k)
            c.count(where, fmt::format("candidates[{}].votes", k), sum.option(k + 1), Comparison::at(row, fmt::format("/candidates/{}/votes", k)));
    }
}

/// The whole country: progress, the party-list tally and each party's votes.
void compare_national(const core::ElectionPackage& package, const Expected& e, const json& doc, Comparison& c) {
    std::int64_t complete = 0;
    for (const auto& pec : package.pecs) {
        const auto it = e.pecs.find(pec.number);
        if (it != e.pecs.end() && status_of(it->second, pec.district != 0) == "reported") ++complete;
    }
    const std::string where = "national";
    c.count(where, "progress.pecs_reported", e.national.pecs_reported, Comparison::at(&doc, "/progress/pecs_reported"));
    c.count(where, "progress.pecs_complete", complete, Comparison::at(&doc, "/progress/pecs_complete"));
    c.count(where, "progress.reports_final", e.reports, Comparison::at(&doc, "/progress/reports_final"));
    c.count(where, "ballots", e.national.ballots, Comparison::at(&doc, "/national/ballots"));
    c.count(where, "valid", e.national.valid, Comparison::at(&doc, "/national/valid"));
    c.count(where, "invalid", e.national.invalid, Comparison::at(&doc, "/national/invalid"));
    c.count(where, "against_all.votes", e.national.option(0), Comparison::at(&doc, "/national/against_all/votes"));
    for (std::size_t p = 0; p < package.parties.size(); ++p)
        c.count(where, fmt::format("parties[{}].votes", p), e.national.option(p + 1), Comparison::at(&doc, fmt::format("/parties/{}/votes", p)));
}

std::int64_t count_acked(const std::vector<bool>& good_acked) { return std::count(good_acked.begin(), good_acked.end(), true); }

}  // namespace

core::Result<PublishedCheck> compare_published(const core::ElectionPackage& package, const std::vector<PlannedReport>& plan,
                                               const std::vector<bool>& good_acked, const nlohmann::json& published) {
    Expected e;
    std::map<int, const core::Pec*> pecs;
    for (const auto& pec : package.pecs) pecs[pec.number] = &pec;
    std::set<std::string> devices;  // a device's report counts once
    for (std::size_t i = 0; i < plan.size() && i < good_acked.size(); ++i) {
        if (!good_acked[i] || !devices.insert(plan[i].device).second) continue;
        if (auto ok = add_report(pecs, plan[i], e); !ok) return std::unexpected(ok.error());
    }
    PublishedCheck check;
    check.reports_expected = e.reports;
    if (!published.is_object() || !published.contains("pecs")) {
        check.error = "the document is not the results page's results.json (no pecs[])";
        return check;
    }
    Comparison c(check);
    compare_pecs(package, e, published, c);
    compare_regions_and_districts(package, e, published, c);
    compare_national(package, e, published, c);
    return check;
}

// [SECTION] Fetching over HTTP

core::Result<std::string> http_get(const PublishedUrl& url, const std::string& path, std::chrono::milliseconds timeout) {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    beast::flat_buffer buffer;
    http::request<http::empty_body> request{http::verb::get, path, 11};
    request.set(http::field::host, url.host);
    request.set(http::field::user_agent, "shailoo-load");
    request.set(http::field::connection, "close");
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);  // the national document is a few MB
    beast::error_code result = asio::error::timed_out;
    stream.expires_after(timeout);
    resolver.async_resolve(url.host, std::to_string(url.port), [&](beast::error_code ec, const asio::ip::tcp::resolver::results_type& found) {
        if (ec) return void(result = ec);
        stream.async_connect(found, [&](beast::error_code ec, const asio::ip::tcp::endpoint&) {
            if (ec) return void(result = ec);
            http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
                if (ec) return void(result = ec);
                http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { result = ec; });
            });
        });
    });
    io.run_for(timeout + std::chrono::seconds(1));  // the stream's own timeout ends the exchange first
    const std::string target = fmt::format("GET http://{}:{}{}", url.host, url.port, path);
    if (result) return core::fail(fmt::format("{}: {}", target, result.message()));
    const auto& response = parser.get();
    if (response.result() != http::status::ok)
        return core::fail(fmt::format("{}: answered {} {}", target, response.result_int(), std::string(response.reason())));
    return response.body();
}

// [SECTION] Checking, load.json and text

PublishedCheck check_published(const core::ElectionPackage& package, const std::vector<PlannedReport>& plan,
                               const std::vector<bool>& good_acked, const PublishedUrl& url, std::chrono::milliseconds wait) {
    const std::string path = url.base_path + "api/results.json";
    const auto expected = count_acked(good_acked);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::string last_error;
    json doc;
    for (;;) {
        auto body = http_get(url, path, std::chrono::milliseconds(5000));
        if (body) {
            auto parsed = json::parse(*body, nullptr, false);
            if (parsed.is_discarded()) {
                last_error = fmt::format("http://{}:{}{}: not JSON", url.host, url.port, path);
            } else {
                doc = std::move(parsed);
                last_error.clear();
            }
        } else {
            last_error = body.error().message;
        }
        const json* reports = doc.is_object() ? Comparison::at(&doc, "/progress/reports_final") : nullptr;
        const bool counted = reports && reports->is_number_integer() && reports->get<std::int64_t>() >= expected;
        if (counted || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    PublishedCheck check;
    if (doc.is_object()) {
        auto compared = compare_published(package, plan, good_acked, doc);
        if (compared) check = std::move(*compared);
        else check.error = compared.error().message;
    } else {
        check.error = last_error.empty() ? "no document" : last_error;
    }
    check.url = fmt::format("http://{}:{}{}", url.host, url.port, path);
    check.reports_expected = expected;
    return check;
}

nlohmann::json published_json(const PublishedCheck& check) {
    constexpr std::size_t kListed = 1000;
    json list = json::array();
    for (std::size_t i = 0; i < check.mismatches.size() && i < kListed; ++i) {
        const auto& m = check.mismatches[i];
        list.push_back({{"where", m.where}, {"field", m.field}, {"sent", m.sent}, {"published", m.published}});
    }
    return {{"url", check.url},
            {"error", check.error},
            {"reports_expected", check.reports_expected},
            {"figures_compared", check.figures_compared},
            {"mismatches", check.mismatches.size()},
            {"list", std::move(list)},
            {"listed", std::min(check.mismatches.size(), kListed)}};
}

std::string describe(const PublishedCheck& check, std::size_t limit) {
    if (!check.error.empty()) return fmt::format("published tally at {}: not checked: {}\n", check.url, check.error);
    std::string out = fmt::format("published tally at {}: {} figures compared with the {} acknowledged good reports, {} mismatch{}\n",
                                  check.url, check.figures_compared, check.reports_expected, check.mismatches.size(),
                                  check.mismatches.size() == 1 ? "" : "es");
    if (check.mismatches.empty()) return out;
    std::size_t where_w = 5, field_w = 5, sent_w = 4;
    for (std::size_t i = 0; i < check.mismatches.size() && i < limit; ++i) {
        where_w = std::max(where_w, check.mismatches[i].where.size());
        field_w = std::max(field_w, check.mismatches[i].field.size());
        sent_w = std::max(sent_w, check.mismatches[i].sent.size());
    }
    out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}\n", "where", where_w, "field", field_w, "sent", sent_w, "published");
    for (std::size_t i = 0; i < check.mismatches.size() && i < limit; ++i) {
        const auto& m = check.mismatches[i];
        out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}\n", m.where, where_w, m.field, field_w, m.sent, sent_w, m.published);
    }
    if (check.mismatches.size() > limit) out += fmt::format("  ... and {} more (load.json: published.list)\n", check.mismatches.size() - limit);
    return out;
}

}  // namespace loadgen
