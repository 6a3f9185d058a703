#pragma once
/// `shailoo load`: the simulated PEC fleet transmitting its final reports over real TLS sockets to
/// any server speaking the ingest protocol (docs/protocol.md, docs/load.md).
///
/// Open model, as wrk2 does it: every device has a planned send time fixed before the run
/// (all at 0 without a rate profile: the worst burst; else drawn from the profile's cumulative
/// curve with a fixed seed and compressed by `speed`); it sends at that time whatever the server
/// is doing, and its latency is measured from the planned time to the acknowledgement, so time
/// spent waiting behind a slow server counts (no coordinated omission). At most `connections`
/// reports are in flight at once (a fleet of thousands connecting in the same millisecond
/// overflows the server's listen backlog, and dropped SYNs come back after 1, 3, 7 s of TCP
/// back-off: a property of the kernel, not of the server). Each device (ARBB-1,
/// ARBB-2, identification station) sends its final report over its own fresh TLS connection.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"
#include "loadgen/load_histogram.hpp"

namespace loadgen {

/// How the fleet's reports are spread over the night: cumulative share reported by minutes after
/// the start (scenarios/rate-2021.yaml, format in docs/load.md).
struct RateProfile {
    std::string name;                               ///< e.g. "2021 election night"
    std::vector<std::pair<double, double>> points;  ///< (minutes after start, cumulative share 0..1), ascending
};

/// Reads a rate profile; errors name the file, line and field.
core::Result<RateProfile> load_rate_profile(const std::filesystem::path& file);

/// One message of the plan.
struct PlannedReport {
    core::Micros at = 0;                 ///< planned send time after the start of the run
    int pec = 0;                         ///< PEC number
    std::string device;                  ///< sending device id
    std::vector<std::uint8_t> message;   ///< signed SignedReport bytes
};

/// Signed final reports (party list, district unless abroad, identification) of the first `pecs`
/// PECs of `package` (all if 0), with counts drawn from the package's registered voters,
/// turnout and invalid share (fixed `seed`), consistent with every control ratio the server
/// checks; keys from `device_secret`. Planned times from `profile` (nullptr: all at 0) / `speed`.
std::vector<PlannedReport> plan_fleet(const core::ElectionPackage& package, int pecs, std::uint64_t device_secret,
                                      std::uint64_t seed, const RateProfile* profile, double speed);

/// Where and how to send.
struct LoadOptions {
    std::string host = "127.0.0.1";            ///< server name or address (its certificate must name it)
    std::uint16_t port = 5443;                 ///< server port
    std::filesystem::path ca_file;             ///< the CEC's CA certificate (pinned)
    int threads = 2;                           ///< client threads
    int connections = 256;                     ///< at most this many reports in flight (wrk2's -c); a report
                                               ///< waiting for a free sender still counts its latency from the planned time
    std::chrono::milliseconds timeout{30000};  ///< per report (connect + handshake + ack)
};

/// What a run measured.
struct LoadReport {
    std::int64_t planned = 0;     ///< reports in the plan
    std::int64_t sent = 0;        ///< reports written to a connection
    std::int64_t acked = 0;       ///< acknowledged as stored or duplicate
    std::int64_t stored = 0;      ///< of which stored
    std::int64_t duplicates = 0;  ///< of which duplicate
    std::int64_t rejected = 0;    ///< refused by the server (the text of the first is kept)
    std::int64_t retry = 0;       ///< answered "retry" (not stored)
    std::int64_t errors = 0;      ///< connection, handshake or protocol failures
    std::string first_problem;    ///< the first rejection or error, for the person reading
    LatencyHistogram latency;     ///< ack latency from the planned time (us), acked reports only
    double seconds = 0;           ///< wall time of the run
    double time_to_50 = 0;        ///< seconds from the start until 50 % of the planned reports were acked
    double time_to_84 = 0;        ///< ... 84 %
    double time_to_all = 0;       ///< ... 100 % (-1 if never)
};

/// Sends the plan. Reads the steady clock (loadgen/ may; central/ may not).
core::Result<LoadReport> run_load(const std::vector<PlannedReport>& plan, const LoadOptions& options);

/// The report as load.json (docs/load.md).
nlohmann::json load_json(const LoadReport& report);

/// The report as text for the terminal.
std::string describe(const LoadReport& report);

}  // namespace loadgen
