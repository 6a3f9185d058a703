#pragma once
/// `shailoo load --check-published URL`: after the run, the results the server publishes
/// (`GET URL/api/results.json`, the document of docs/publication.md) are compared with what the
/// fleet's acknowledged good reports make them - PEC by PEC where the document has per-PEC figures
/// (status, party-list ballots), and region by region, district by district and nationally for the
/// votes (the document publishes no per-PEC votes). Only good reports answered stored or duplicate
/// count; bad reports, and good ones the server did not acknowledge, must not appear. What is and
/// is not compared: docs/load.md, "The published tally".
#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/election_package.hpp"
#include "core/result.hpp"
#include "loadgen/load_generator.hpp"

namespace loadgen {

/// The results page's base, `http://HOST:PORT[/PATH]` (no https: the page is public and plain HTTP).
struct PublishedUrl {
    std::string text;       ///< as given
    std::string host;
    std::uint16_t port = 80;
    std::string base_path;  ///< "/" or "/PATH/"; the document is base_path + "api/results.json"
};

/// Reads `--check-published`. Errors are sentences about `text`.
core::Result<PublishedUrl> parse_published_url(std::string_view text);

/// One figure the page shows otherwise than the fleet's acknowledged reports make it.
struct PublishedMismatch {
    std::string where;      ///< "PEC 1004", "region 7", "district 12", "national"
    std::string field;      ///< the document's field there, e.g. "ballots", "party_votes[3]", "candidates[2].votes"
    std::string sent;       ///< what the acknowledged reports make it
    std::string published;  ///< what the document says ("(absent)" when it lacks the field or the row)
};

/// What a check found.
struct PublishedCheck {
    std::string url;                   ///< the document's URL
    std::string error;                 ///< why nothing could be compared (fetch failed, not the document); empty otherwise
    std::int64_t reports_expected = 0; ///< good reports acknowledged (the page must count them: progress.reports_final)
    std::int64_t figures_compared = 0; ///< figures compared
    std::vector<PublishedMismatch> mismatches;
};

/// Compares a published results document with what the acknowledged good reports of `plan`
/// (`good_acked[i]`: report i was a good one answered stored or duplicate) make it, for every PEC,
/// region and district of `package`. Fails only when a sent report cannot be read back.
core::Result<PublishedCheck> compare_published(const core::ElectionPackage& package, const std::vector<PlannedReport>& plan,
                                               const std::vector<bool>& good_acked, const nlohmann::json& published);

/// GET `path` from the page's server over plain HTTP/1.1 (Boost.Beast), bounded by `timeout`: the body
/// of a 200 answer, else why not.
core::Result<std::string> http_get(const PublishedUrl& url, const std::string& path, std::chrono::milliseconds timeout);

/// Fetches URL/api/results.json until it counts at least the acknowledged good reports (the page
/// is rebuilt after commits, `shailoo serve`: at most once a second) or `wait` has passed, polling
/// every 200 ms, then compares it. A fetch that never succeeds gives a check with `error` set.
PublishedCheck check_published(const core::ElectionPackage& package, const std::vector<PlannedReport>& plan,
                               const std::vector<bool>& good_acked, const PublishedUrl& url, std::chrono::milliseconds wait);

/// The check as load.json's `published` object (docs/load.md).
nlohmann::json published_json(const PublishedCheck& check);

/// The mismatches for the terminal, at most `limit` lines and a line saying how many more.
std::string describe(const PublishedCheck& check, std::size_t limit = 20);

}  // namespace loadgen
