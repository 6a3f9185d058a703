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
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"
#include "core/wire.hpp"
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
/// load_rate_profile of a file whose content is `text` (nothing is read; `file` names it in errors
/// and, without a `name`, the profile).
core::Result<RateProfile> parse_rate_profile(std::string_view text, const std::filesystem::path& file);

/// What a planned report is for, and so what the server must answer (docs/load.md, "Bad reports").
enum class Flaw : std::uint8_t {
    none,           ///< a good report: a device's final report; expect stored (or duplicate, if the store holds it)
    bad_signature,  ///< a good report with one signature byte flipped; expect rejected bad_signature
    replay,         ///< the device re-sends other counts under the sequence of a report of its own already
                    ///< answered (one vote moved, sent a minute later, signed); expect rejected sequence_reused
    wrong_pec,      ///< the device's report claims the next PEC of the package (signed by the device);
                    ///< expect rejected wrong_pec
};
/// Number of Flaw values.
inline constexpr int kFlawCount = 4;
/// Stable name ("good", "bad_signature", "replay", "wrong_pec").
std::string_view to_string(Flaw flaw);
/// The reason the server must give when it rejects a report with this flaw (none for a good one).
core::RejectReason expected_reason(Flaw flaw);

/// No report (PlannedReport::after).
inline constexpr std::size_t kNoReport = static_cast<std::size_t>(-1);

/// One message of the plan.
struct PlannedReport {
    core::Micros at = 0;                 ///< planned send time after the start of the run
    int pec = 0;                         ///< PEC number
    std::string device;                  ///< sending device id
    std::vector<std::uint8_t> message;   ///< signed SignedReport bytes
    Flaw flaw = Flaw::none;              ///< good, or which bad report
    std::size_t after = kNoReport;       ///< a replay: index in the plan of the report it replays, sent only
                                         ///< once that one has been answered
};

/// One PEC's figures taken from a run's results.json (`--from`, docs/load.md): what its final reports carry.
struct PecFigures {
    core::IdentificationReport identification;  ///< fingerprint, other_finger, face, manual, receipts_not_printed
    std::vector<core::ArbbReport> boxes;        ///< the final reports the boxes made (party list, then district; none abroad):
                                                ///< box and counts only (plan_fleet fills the rest)
};

/// Every PEC's figures of a run (`--from`): only these PECs are sent.
struct FleetFigures {
    std::filesystem::path file;        ///< the results.json read
    std::map<int, PecFigures> pecs;    ///< by PEC number
};

/// Reads the `pec_results[]` of a results.json written by `shailoo run` (docs/results.md) for `package`:
/// each PEC's identification counts and both final ARBB reports. Errors name the file and the field
/// (`FILE: pec_results[3].arbb[0].options: ...`): a file that cannot be read, not JSON, another
/// package's results, a PEC not in the package or twice, a missing field, a count that is no whole
/// number from 0 to the PEC's registered voters, options not sized as the PEC's ballot, a box twice.
/// An `arbb[]` entry without a device (a box that made no final report; abroad, the district box)
/// is not sent.
core::Result<FleetFigures> load_results_figures(const std::filesystem::path& file, const core::ElectionPackage& package);

/// Signed final reports (party list, district unless abroad, identification) of the first `pecs`
/// PECs of `package` (all if 0), with counts drawn from the package's registered voters,
/// turnout and invalid share (fixed `seed`), consistent with every control ratio the server
/// checks; keys from `device_secret`. Planned times from `profile` (nullptr: all at 0) / `speed`.
/// With `figures` (`--from`): only the PECs it holds (the first `pecs` of them in package order),
/// with its counts; ballots issued = identified voters = the identification's four methods, invalid
/// ballots spread evenly over the reasons and preference votes down each list as without it
/// (results.json keeps neither).
std::vector<PlannedReport> plan_fleet(const core::ElectionPackage& package, int pecs, std::uint64_t device_secret,
                                      std::uint64_t seed, const RateProfile* profile, double speed,
                                      const FleetFigures* figures = nullptr);

/// Shares of bad reports mixed among the good ones (`--bad`): share[flaw] of the good reports'
/// count, each made from a different good report (share[none] unused).
struct BadMix {
    std::array<double, kFlawCount> share{};
    /// True when some share is above 0.
    bool any() const;
};

/// Reads `--bad` text: `KIND=SHARE[,KIND=SHARE...]`, KIND bad_signature, replay or wrong_pec, SHARE
/// from 0 to 1, each kind at most once. Errors name the part that is wrong.
core::Result<BadMix> parse_bad_mix(std::string_view text);

/// The plan (of good reports) with bad reports mixed in: for each flaw, round(share x good reports) good reports
/// drawn without replacement (fixed `seed`) give one bad report each, planned at the original's
/// time right after it (a replay's `after` is the original's index). `device_secret` signs what
/// the devices would sign (replay, wrong_pec). Fails only when wrong_pec is asked of a package of one PEC.
core::Result<std::vector<PlannedReport>> mix_bad_reports(std::vector<PlannedReport> plan, const BadMix& mix,
                                                         const core::ElectionPackage& package,
                                                         std::uint64_t device_secret, std::uint64_t seed);

/// Where a run stands (read from relaxed counters while the senders go on).
struct LoadProgress {
    double elapsed_s = 0;         ///< since the start of the run
    std::int64_t planned = 0;     ///< reports in the plan
    std::int64_t sent = 0;        ///< reports whose exchange began
    std::int64_t stored = 0;      ///< answered stored
    std::int64_t duplicates = 0;  ///< answered duplicate
    std::int64_t rejected = 0;    ///< answered rejected (expected or not)
    std::int64_t failed = 0;      ///< answered retry, or no answer (connection, handshake, timeout)
    std::int64_t unexpected = 0;  ///< answers other than the report's expected one
    std::uint64_t p99_us = 0;     ///< ack latency p99 of the good reports acked so far
    bool final = false;           ///< the last call, after every sender has finished
};

/// One line: `[ 2.3 s] sent 812/7423  acked 790 (stored 790, duplicate 0)  rejected 4  failed 0  unexpected 0  p99 41.2 ms`.
std::string describe(const LoadProgress& progress);

/// Where and how to send.
struct LoadOptions {
    std::string host = "127.0.0.1";            ///< server name or address (its certificate must name it)
    std::uint16_t port = 5443;                 ///< server port
    std::filesystem::path ca_file;             ///< the CEC's CA certificate (pinned)
    int threads = 2;                           ///< client threads
    int connections = 256;                     ///< at most this many reports in flight (wrk2's -c); a report
                                               ///< waiting for a free sender still counts its latency from the planned time
    std::chrono::milliseconds timeout{30000};  ///< per report (connect + handshake + ack)
    /// Called every `progress_every` from a thread of its own while the run goes on, and once more
    /// at the end (LoadProgress::final); empty: no progress. The senders never wait for it.
    std::function<void(const LoadProgress&)> progress;
    std::chrono::milliseconds progress_every{250};  ///< period of `progress`
};

/// How the reports of one kind (good, or one flaw) fared.
struct FlawTally {
    std::int64_t planned = 0;      ///< in the plan
    std::int64_t as_expected = 0;  ///< answered as expected (good: stored or duplicate; bad: rejected for its reason)
    std::int64_t unexpected = 0;   ///< anything else (no answer included)
};

/// One second of a run: the good reports acked in it and their ack latency (load.json `timeline`).
struct SecondOfRun {
    int second = 0;                  ///< [second, second + 1) after the start of the run
    std::int64_t acks = 0;           ///< good reports acked in it
    std::int64_t acked_total = 0;    ///< good reports acked up to its end
    std::uint64_t p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;  ///< latency of those acks (exact; 0 without any)
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
    std::string first_problem;    ///< the first unexpected outcome, for the person reading
    std::array<std::int64_t, core::kRejectReasonCount> rejected_by_reason{};  ///< [0]: a reason code no RejectReason has
    std::array<FlawTally, kFlawCount> by_flaw{};  ///< [Flaw::none]: the good reports
    std::int64_t unexpected = 0;  ///< reports whose outcome was not the expected one: the run failed
    bool all_duplicate = false;   ///< reports were acknowledged and every one as duplicate: nothing new was stored
    LatencyHistogram latency;     ///< ack latency from the planned time (us), good reports acked only
    double seconds = 0;           ///< wall time of the run
    double time_to_50 = 0;        ///< seconds from the start until 50 % of the good planned reports were acked
    double time_to_84 = 0;        ///< ... 84 %
    double time_to_all = 0;       ///< ... 100 % (-1 if never)
    std::vector<SecondOfRun> timeline;  ///< every second from the start to the last good ack (none without acks)
    double acks_per_s = 0;        ///< good reports acked / seconds
    std::int64_t peak_acks_per_s = 0;   ///< the most acks of any second of the timeline
    std::vector<bool> good_acked; ///< per report of the plan: a good report answered stored or duplicate
};

/// Sends the plan. Reads the steady clock (loadgen/ may; central/ may not).
core::Result<LoadReport> run_load(const std::vector<PlannedReport>& plan, const LoadOptions& options);

/// The report as load.json (docs/load.md).
nlohmann::json load_json(const LoadReport& report);

/// The report as text for the terminal.
std::string describe(const LoadReport& report);

}  // namespace loadgen
