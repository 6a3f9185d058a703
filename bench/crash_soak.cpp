#include "bench/crash_soak.hpp"

// Index of this file:
//   [SECTION] The reference: what the ingest stores of each report sent
//   [SECTION] The checker
//   [SECTION] One cycle
//   [SECTION] The soak and its figures

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <utility>

#include "central/aggregation.hpp"
#include "central/ingest.hpp"
#include "central/publication.hpp"
#include "central/store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "core/random.hpp"
#include "loadgen/load_generator.hpp"
#include "loadgen/resending_fleet.hpp"
#include "central/report_store.hpp"
#include "tests/apps/serve_process.hpp"
#include "tests/central/pg_cluster.hpp"

namespace crash_soak {
namespace {

using Key = std::pair<std::string, std::uint64_t>;  // (device, sequence)
constexpr std::size_t kProblemsKept = 20;

void problem(Figures& f, std::string text) {
    if (f.problems.size() < kProblemsKept) f.problems.push_back(std::move(text));
}

// [SECTION] The reference: what the ingest stores of each report sent

/// The rows the ingest makes of a cycle's plan (on a store in memory), with received_at set to 0.
struct Reference {
    std::vector<Key> keys;                        // per plan index
    std::map<Key, std::size_t> index;             // key -> plan index
    std::vector<central::StoredReport> rows;      // per plan index
};

Reference make_reference(const std::vector<loadgen::PlannedReport>& plan, const core::ElectionPackage& package,
                         const core::DeviceKeyRegistry& registry) {
    central::Store store(":memory:");
    central::Ingest ingest(package, registry, store);
    Reference ref;
    for (const auto& p : plan) {
        const auto d = ingest.submit(p.message, "reference", 0);
        if (d.outcome != core::AckOutcome::stored)
            throw std::runtime_error(fmt::format("crash soak: the plan's report from {} is not accepted: {}", p.device, d.text));
        ref.index[{d.device, d.sequence}] = ref.keys.size();
        ref.keys.emplace_back(d.device, d.sequence);
    }
    for (const auto& r : ingest.flush(0))
        if (!r.acknowledged) throw std::runtime_error("crash soak: the reference store did not commit: " + r.error);
    ref.rows.resize(plan.size());
    for (auto& row : store.reports()) {
        row.received_at = 0;
        ref.rows[ref.index.at({row.device, row.sequence})] = std::move(row);
    }
    return ref;
}

// [SECTION] The checker

/// What one cycle has found so far, per report (each counted once however often it is seen).
struct Marks {
    explicit Marks(std::size_t n) : lost(n), half(n), doubt(n) {}
    std::vector<std::uint8_t> lost, half, doubt;
    std::set<Key> phantoms, duplicates;
};

/// The rows of the file a server left, read as the next server would read them but without writing.
/// Counts a failed integrity check; returns false if the store cannot be read at all.
bool read_store(const std::filesystem::path& db, std::vector<central::StoredReport>& rows, Figures& f) {
    ++f.integrity_checks;
    try {
        // A PostgreSQL database is read through its store (reading writes nothing a server would not:
        // at most the schema of a database the killed server never reached); its check is amcheck's.
        const bool postgres = db.string().starts_with("postgresql:");
        std::unique_ptr<central::ReportStore> opened =
            postgres ? central::open_store(db.string()) : std::make_unique<central::Store>(db, central::GroupCommitPolicy{}, central::StoreOpen{.read_only = true});
        central::ReportStore& store = *opened;
        const auto problems = store.integrity_problems();
        if (!problems.empty()) {
            ++f.integrity_failures;
            problem(f, fmt::format("{}: integrity_check: {}", db.string(), problems.front()));
        }
        // The audit log survives the kill too: its chain sound, one "stored" entry per report row.
        if (const auto audit = store.audit_problems(); !audit.empty()) {
            ++f.integrity_failures;
            problem(f, fmt::format("{}: audit log: {} ({} problems)", db.string(), audit.front(), audit.size()));
        }
        rows = store.reports();
        return true;
    } catch (const std::exception& e) {
        ++f.integrity_failures;
        problem(f, fmt::format("{}: cannot be read as a store: {}", db.string(), e.what()));
        return false;
    }
}

/// Jepsen-style check of `db` against the reports acknowledged (by plan index).
void check(const std::filesystem::path& db, const Reference& ref, const std::vector<bool>& acknowledged, Marks& marks,
           Figures& f) {
    std::vector<central::StoredReport> rows;
    if (!read_store(db, rows, f)) return;
    std::vector<int> present(ref.keys.size(), 0);
    for (auto& row : rows) {
        const Key key{row.device, row.sequence};
        const auto at = ref.index.find(key);
        if (at == ref.index.end()) {
            if (marks.phantoms.insert(key).second) {
                ++f.phantom;
                problem(f, fmt::format("{}: {} sequence {} stored but never sent", db.string(), key.first, key.second));
            }
            continue;
        }
        const auto i = at->second;
        if (++present[i] == 2 && marks.duplicates.insert(key).second) {
            ++f.duplicated;
            problem(f, fmt::format("{}: {} sequence {} stored twice", db.string(), key.first, key.second));
        }
        row.received_at = 0;
        if (row != ref.rows[i] && !marks.half[i]) {
            marks.half[i] = 1;
            ++f.half_stored;
            problem(f, fmt::format("{}: {} sequence {}: the row is not the one the ingest makes of the bytes sent",
                                   db.string(), key.first, key.second));
        }
    }
    for (std::size_t i = 0; i < ref.keys.size(); ++i) {
        const bool acked = acknowledged[i];
        if (acked && present[i] == 0 && !marks.lost[i]) {
            marks.lost[i] = 1;
            ++f.lost;
            problem(f, fmt::format("{}: {} sequence {} acknowledged but not stored", db.string(), ref.keys[i].first,
                                   ref.keys[i].second));
        }
        if (!acked && present[i] > 0 && !marks.doubt[i]) {
            marks.doubt[i] = 1;
            ++f.in_doubt;
        }
    }
}

/// End of a cycle: the results published from the store are the results of the reports sent.
void check_publication(const std::filesystem::path& db, const Reference& ref, const core::ElectionPackage& package,
                       Figures& f) {
    std::vector<central::StoredReport> rows;
    if (!read_store(db, rows, f)) return;
    ++f.publication_checks;
    auto stored = central::aggregate(package, rows);
    auto sent = central::aggregate(package, ref.rows);
    if (!stored || !sent) {
        ++f.publication_mismatches;
        problem(f, fmt::format("{}: cannot aggregate: {}", db.string(), (!stored ? stored : sent).error().message));
        return;
    }
    const auto differences = central::check_publication(*sent, package, central::results_document(*stored, package));
    if (!differences.empty()) {
        ++f.publication_mismatches;
        problem(f, fmt::format("{}: published results differ from the reports sent: {}", db.string(),
                               central::describe({differences.front()})));
    }
}

/// Which reports of the plan the fleet has had acknowledged.
std::vector<bool> acknowledged(const loadgen::ResendingFleet& fleet, std::size_t n) {
    std::vector<bool> out(n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = fleet.state(i) == loadgen::ReportState::stored || fleet.state(i) == loadgen::ReportState::duplicate;
    return out;
}

// [SECTION] One cycle

/// Everything a cycle needs that outlives it.
struct Soak {
    const Options& options;
    core::ElectionPackage package;
    core::DeviceKeyRegistry registry;
    core::RandomStream rng;
    std::unique_ptr<pg_cluster::Cluster> cluster;  // with options.postgres
    Figures figures;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    void report() {
        figures.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (options.progress) options.progress(figures);
    }
};

/// Starts serve on `db` and kills it during the ingest, again and again, until the fleet is done
/// or the soak has its kills; then lets the last server finish the fleet and stops it cleanly.
/// Returns false when the soak cannot go on (a server that does not start).
bool serve_until_done(Soak& s, const std::filesystem::path& db, loadgen::ResendingFleet& fleet, const Reference& ref,
                      Marks& marks) {
    auto& f = s.figures;
    for (;;) {
        shailoo_test::ServeProcess server(db, s.options.work_dir / "serve.log", {},
                                          s.options.serve.empty() ? std::filesystem::path(SHAILOO_EXE) : s.options.serve);
        if (server.port() == 0) {
            ++f.start_failures;
            problem(f, fmt::format("{}: serve did not start on the file the last kill left: '{}' (see {})", db.string(),
                                   server.first_line(), (s.options.work_dir / "serve.log").string()));
            return false;
        }
        fleet.set_port(server.port());
        const int span = std::max(0, s.options.max_delay_ms - s.options.min_delay_ms);
        const auto delay = std::chrono::milliseconds(s.options.min_delay_ms + static_cast<int>(s.rng.below(span + 1)));
        if (f.kills < s.options.kills && !fleet.wait_done(delay)) {
            const int status = server.kill(SIGKILL);
            fleet.set_port(0);
            ++f.kills;
            if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
                ++f.unclean_exits;
                problem(f, fmt::format("{}: the server had died before it was killed (status {})", db.string(), status));
            }
            check(db, ref, acknowledged(fleet, ref.keys.size()), marks, f);
            s.report();
            continue;
        }
        if (!fleet.wait_done(std::chrono::seconds(120)))
            problem(f, fmt::format("{}: the fleet is not done after 120 s with the server up", db.string()));
        fleet.set_port(0);
        const int status = server.kill(SIGTERM);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            ++f.unclean_exits;
            problem(f, fmt::format("{}: SIGTERM ended the server with status {}, not exit 0", db.string(), status));
        }
        return true;
    }
}

/// One fleet on a fresh store. Returns false when the soak cannot go on.
bool run_cycle(Soak& s) {
    auto& f = s.figures;
    ++f.cycles;
    const auto plan = loadgen::plan_fleet(s.package, s.options.pecs, core::kSimulatedDeviceSecret,
                                          s.options.seed * 1'000'003 + static_cast<std::uint64_t>(f.cycles), nullptr, 1.0);
    const auto ref = make_reference(plan, s.package, s.registry);
    const std::filesystem::path db = s.cluster ? std::filesystem::path(s.cluster->fresh_database(fmt::format("cycle_{}", f.cycles)))
                                               : s.options.work_dir / fmt::format("cycle-{}.sqlite", f.cycles);
    auto fleet = loadgen::ResendingFleet::start(
        plan, {.ca_file = s.options.package / "tls" / "cec-ca.pem", .threads = s.options.clients});
    if (!fleet) throw std::runtime_error("crash soak: " + fleet.error().message);
    Marks marks(plan.size());
    const bool went_on = serve_until_done(s, db, **fleet, ref, marks);
    check(db, ref, acknowledged(**fleet, plan.size()), marks, f);
    check_publication(db, ref, s.package, f);
    f.reports += static_cast<std::int64_t>(plan.size());
    f.acked += (*fleet)->acknowledged();
    f.resends += (*fleet)->failed_attempts();
    f.rejected += (*fleet)->rejected();
    if ((*fleet)->rejected() > 0) problem(f, "rejected: " + (*fleet)->first_rejection());
    for (std::size_t i = 0; i < plan.size(); ++i)
        if ((*fleet)->state(i) == loadgen::ReportState::duplicate) ++f.acked_as_duplicate;
    if (went_on && f.ok()) {  // keep the files (the database) of a failed cycle for inspection
        if (s.cluster) s.cluster->sql("postgres", fmt::format("DROP DATABASE \"cycle_{}\" WITH (FORCE)", f.cycles));
        else
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
    }
    s.report();
    return went_on && (*fleet)->done();
}

}  // namespace

// [SECTION] The soak and its figures

bool Figures::ok() const {
    return lost == 0 && duplicated == 0 && half_stored == 0 && phantom == 0 && rejected == 0 && integrity_failures == 0 &&
           publication_mismatches == 0 && start_failures == 0 && unclean_exits == 0 && problems.empty();
}

Figures run(const Options& options) {
    auto package = core::load_election_package(options.package);
    if (!package) throw std::runtime_error("crash soak: " + package.error().message);
    auto registry = core::load_device_key_registry(options.package / "device-keys.yaml", *package);
    if (!registry) throw std::runtime_error("crash soak: " + registry.error().message);
    std::filesystem::create_directories(options.work_dir);
    Soak s{options, std::move(*package), std::move(*registry), core::RandomStream(options.seed, 0x50a4), nullptr, {}};
    // Durable as a CEC would run it: fsync and full page writes on (the test clusters run without).
    if (options.postgres) s.cluster = std::make_unique<pg_cluster::Cluster>(std::vector<std::string>{"fsync=on", "full_page_writes=on"});
    while (s.figures.kills < options.kills)
        if (!run_cycle(s)) break;
    s.report();
    return s.figures;
}

Figures check_file(const std::filesystem::path& db, const std::vector<loadgen::PlannedReport>& plan,
                   const std::vector<bool>& acknowledged, const core::ElectionPackage& package,
                   const core::DeviceKeyRegistry& registry) {
    Figures f;
    const auto ref = make_reference(plan, package, registry);
    Marks marks(plan.size());
    check(db, ref, acknowledged, marks, f);
    return f;
}

nlohmann::json to_json(const Figures& f) {
    return {{"cycles", f.cycles},
            {"kills", f.kills},
            {"reports", f.reports},
            {"acked", f.acked},
            {"acked_as_duplicate", f.acked_as_duplicate},
            {"in_doubt", f.in_doubt},
            {"resends", f.resends},
            {"rejected", f.rejected},
            {"lost", f.lost},
            {"duplicated", f.duplicated},
            {"half_stored", f.half_stored},
            {"phantom", f.phantom},
            {"integrity_checks", f.integrity_checks},
            {"integrity_failures", f.integrity_failures},
            {"publication_checks", f.publication_checks},
            {"publication_mismatches", f.publication_mismatches},
            {"start_failures", f.start_failures},
            {"unclean_exits", f.unclean_exits},
            {"seconds", f.seconds},
            {"ok", f.ok()},
            {"problems", f.problems}};
}

std::string describe(const Figures& f, int kills_wanted) {
    return fmt::format("[{:7.1f} s] cycles {}  kills {}/{}  reports {}  acked {} (as duplicate {})  in doubt {}  resends {}  "
                       "lost {}  duplicated {}  half-stored {}  phantom {}  integrity {}/{} ok  publication {}/{} ok",
                       f.seconds, f.cycles, f.kills, kills_wanted, f.reports, f.acked, f.acked_as_duplicate, f.in_doubt,
                       f.resends, f.lost, f.duplicated, f.half_stored, f.phantom, f.integrity_checks - f.integrity_failures,
                       f.integrity_checks, f.publication_checks - f.publication_mismatches, f.publication_checks);
}

}  // namespace crash_soak
