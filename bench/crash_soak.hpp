#pragma once
/// The crash soak (issue 17.4): `shailoo serve` on a fresh SQLite store on 127.0.0.1, a fleet of
/// stations streaming reports and resending each one until acknowledged (loadgen::ResendingFleet),
/// and SIGKILL at seeded-random moments during the ingest, restart on the same file, again and
/// again. When every report of a cycle is acknowledged the server is stopped (SIGTERM) and the next
/// cycle starts on a new file with a new fleet, so every kill finds ingest in flight.
///
/// The checker, in Jepsen's form, runs after every kill (on the file the dead server left, opened
/// read only so the evidence is not checkpointed away) and at the end of each cycle:
///   - lost: a report acknowledged before the kill that is not in the store;
///   - duplicated: a (device, sequence) on more than one row;
///   - half-stored: a row that is not, field for field, the row the ingest makes of the bytes sent
///     (raw bytes, body hash, PEC, box, kind, every count and vote blob; only received_at may
///     differ). A report is one row of `reports` and a group commit one transaction, so "half" can
///     only mean a row whose columns disagree with its bytes (a torn or mixed write);
///   - phantom: a row for a (device, sequence) that was never sent;
///   - integrity: `PRAGMA integrity_check` says ok and the file opens as a store (schema version);
///   - at the end of a cycle every report is acknowledged, and the results published from the store
///     equal, field for field, the results of the reports sent (central::check_publication).
/// A report stored but not yet acknowledged at a kill is allowed (its commit reached the disk, the
/// ack died with the server; the station resends it and gets `duplicate`): counted as in doubt.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "loadgen/load_generator.hpp"

namespace crash_soak {

/// What to run.
struct Options {
    std::filesystem::path serve;             ///< the shailoo executable to run serve from (empty: this build's)
    std::filesystem::path package;           ///< election package of the fleet: the one serve loads (assets/kg2021)
    std::filesystem::path work_dir;          ///< store files and serve.log go here
    int kills = 1000;                        ///< SIGKILLs during ingest to deliver
    std::uint64_t seed = 1;                  ///< kill moments and fleet counts
    int pecs = 200;                          ///< PECs per cycle (x 3 reports)
    int clients = 8;                         ///< reports in flight at most
    int min_delay_ms = 20;                   ///< a kill comes uniform in [min, max] ms after the server listens
    int max_delay_ms = 300;
    /// Each cycle on a fresh database of a PostgreSQL cluster the soak starts (fsync on), serve
    /// with `--db postgresql://...`; the checker reads it through central::PostgresStore and checks
    /// it with amcheck. Otherwise a fresh SQLite file per cycle.
    bool postgres = false;
    /// Called after every kill and every cycle, from the soak's thread.
    std::function<void(const struct Figures&)> progress;
};

/// What the soak measured.
struct Figures {
    int cycles = 0;                          ///< fleets sent, each on a fresh store
    int kills = 0;                           ///< SIGKILLs with reports in flight
    std::int64_t reports = 0;                ///< reports planned over all cycles
    std::int64_t acked = 0;                  ///< reports acknowledged (stored or duplicate)
    std::int64_t acked_as_duplicate = 0;     ///< of which the first ack said duplicate (an earlier attempt's ack died)
    std::int64_t in_doubt = 0;               ///< reports found stored but not yet acknowledged at a kill
    std::int64_t resends = 0;                ///< attempts without an ack (server dead, connection cut)
    std::int64_t rejected = 0;               ///< reports the server refused (none expected)
    std::int64_t lost = 0;                   ///< acknowledged, then missing at a check
    std::int64_t duplicated = 0;             ///< stored more than once
    std::int64_t half_stored = 0;            ///< rows unlike the ingest's row of the bytes sent
    std::int64_t phantom = 0;                ///< rows for reports never sent
    int integrity_checks = 0;                ///< stores checked (after each kill and each cycle)
    int integrity_failures = 0;              ///< checks where integrity_check or opening the store failed
    int publication_checks = 0;              ///< cycles whose published results were compared
    int publication_mismatches = 0;          ///< ... and differed from the reports sent
    int start_failures = 0;                  ///< times serve did not start on the file a kill left
    int unclean_exits = 0;                   ///< SIGTERM that did not end in exit 0, or a server that died unkilled
    double seconds = 0;                      ///< wall time
    std::vector<std::string> problems;       ///< the first problems found, for the person reading
    /// No loss, duplicate, half-stored row, phantom, rejection, integrity or publication failure.
    bool ok() const;
};

/// Runs the soak. Reads the steady clock, sleeps and draws random numbers (bench/ may).
Figures run(const Options& options);

/// The checker alone (what run() does after every kill): the store `db` against the reports of
/// `plan` sent, of which those marked `acknowledged` (by plan index) were acknowledged. Fills lost,
/// duplicated, half_stored, phantom, in_doubt, integrity_* and problems.
Figures check_file(const std::filesystem::path& db, const std::vector<loadgen::PlannedReport>& plan,
                   const std::vector<bool>& acknowledged, const core::ElectionPackage& package,
                   const core::DeviceKeyRegistry& registry);

/// The figures as JSON (docs/reliability.md names the fields).
nlohmann::json to_json(const Figures& figures);
/// One line: `cycles 12  kills 40/1000  acked 7200/7200 ...`.
std::string describe(const Figures& figures, int kills_wanted);

}  // namespace crash_soak
