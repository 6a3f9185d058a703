// bench_ingest: reports per second through central::Ingest into the SQLite store (WAL,
// synchronous=FULL), group commit vs one transaction per report, in one run; with a fourth argument,
// the same workload into the PostgreSQL store too (synchronous_commit=on, fsync=on), side by side.
//
// What the figure includes: protobuf decoding, device lookup, Ed25519 signature verification,
// BLAKE2b body hash (Ingest::precheck, on V verifier threads, as the TLS server does on its
// connection threads), sequence checks, validation and control ratios, staging and the fsync'd
// commits (Ingest::submit/poll/flush on one writer thread). Wall clock from the first message to
// the last acknowledgement released. Not included: TLS and sockets (bench/bench-serve.sh measures
// those end to end), building and signing the messages (done before the clock starts).
//
// Group commit as the server does it: the writer commits when the batch is full (max_reports) or
// when no prechecked message is waiting (the pipeline ran dry), so a batch grows while a commit
// is in progress and no report waits for a timer.
//
// Usage: bench_ingest [DIR] [PECS] [SINGLE] [POSTGRES]
//   DIR     where the store files go (default "."); use a real disk, not tmpfs
//   PECS    PECs in the synthetic package (default 8000: 24,000 final reports, 3.2 x a national
//           night; PEC numbers are 4 digits on the wire, so at most 9000)
//   SINGLE  reports sent through the one-transaction-per-report run (default 3000; it is ~100x
//           slower, so it runs on the first SINGLE reports of the same workload)
//   POSTGRES `cluster`: also run every case on the PostgreSQL store, on a throwaway cluster this tool
//           starts (tests/central/pg_cluster.hpp; fsync=on, data folder under /tmp, Unix socket),
//           a fresh database per case, and print PostgreSQL's reports/s over SQLite's; or a libpq
//           URI of a database to use instead (its `reports` table is dropped before each case)
#include <fmt/core.h>

#include <time.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "central/ingest.hpp"
#include "central/postgres_store.hpp"
#include "core/wire.hpp"
#include "tests/central/pg_cluster.hpp"

namespace {

using Clock = std::chrono::steady_clock;

core::ElectionPackage make_package(int pecs) {
    core::ElectionPackage p;
    p.name = "bench";
    for (int id = 1; id <= 21; ++id) {
        core::Party party{.id = id, .name = fmt::format("Party {}", id)};
        for (int k = 1; k <= 54; ++k) party.list.push_back({.position = k, .name = fmt::format("C{}", k)});
        p.parties.push_back(std::move(party));
    }
    core::District d{.number = 1, .region_code = 1, .name = "D"};
    for (int c = 1; c <= 8; ++c) d.candidates.push_back({.id = c, .name = fmt::format("K{}", c)});
    p.districts.push_back(d);
    for (int i = 0; i < pecs; ++i) p.pecs.push_back({.number = 1000 + i, .region_code = 1, .district = 1, .registered = 2000});
    return p;
}

core::ReportPayload final_report(const core::ElectionPackage& p, int pec, core::DeviceRole role) {
    if (role == core::DeviceRole::identification) {
        core::IdentificationReport r;
        r.fingerprint = 600;
        r.ballots_issued = 600;
        return r;
    }
    core::ArbbReport r;
    r.kind = core::ReportKind::final;
    r.pec = pec;
    r.box = role == core::DeviceRole::arbb_party_list ? core::BoxKind::party_list : core::BoxKind::district;
    const std::size_t options = r.box == core::BoxKind::party_list ? p.parties.size() + 1 : 9;
    r.option_counts.assign(options, 0);
    for (std::size_t i = 0; i < options; ++i) r.option_counts[i] = static_cast<std::int64_t>((pec * 7 + i * 13) % 50);
    r.valid = 0;
    for (auto v : r.option_counts) r.valid += v;
    if (r.box == core::BoxKind::party_list) {
        // Preference votes spread over the first 12 places of each list, as a real count would be.
        r.preference_counts.assign(p.parties.size(), std::vector<std::int64_t>(54, 0));
        for (std::size_t q = 0; q < p.parties.size(); ++q) {
            std::int64_t left = r.option_counts[q + 1] * 3 / 4;
            for (std::size_t k = 0; k < 12 && left > 0; ++k) {
                const std::int64_t v = std::max<std::int64_t>(1, left / 3);
                r.preference_counts[q][k] = v;
                left -= v;
            }
        }
    }
    r.ballots_scanned = r.valid;
    r.ballots_in_box = r.valid;
    r.figures = {2000, r.valid, r.valid};
    return r;
}

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + t.tv_nsec / 1e9;
}

struct RunResult {
    double seconds = 0;
    double commit_seconds = 0;  // writer time inside commits (fsync included)
    std::int64_t commits = 0;
    std::size_t acked = 0;
    double precheck_cpu = 0;     // verifier threads' CPU time (decode, verify, hash)
    double writer_cpu = 0;       // writer thread's CPU time (submit + commit, excluding fsync waits)
};

RunResult run(const std::string& db, const core::ElectionPackage& package, const core::DeviceKeyRegistry& registry,
              const std::vector<std::vector<std::uint8_t>>& messages, std::size_t count, central::GroupCommitPolicy policy,
              int verifiers) {
    RunResult out;
    {
        auto opened = central::open_store(db, policy);
        central::ReportStore& store = *opened;
        central::Ingest ingest(package, registry, store);
        std::vector<central::Prechecked> checked(count);
        std::vector<std::atomic<bool>> ready(count);
        const auto start = Clock::now();
        std::vector<std::jthread> pool;
        std::vector<double> cpu(static_cast<std::size_t>(verifiers), 0.0);
        for (int v = 0; v < verifiers; ++v)
            pool.emplace_back([&, v] {
                const double c0 = thread_cpu_seconds();
                for (std::size_t i = static_cast<std::size_t>(v); i < count; i += static_cast<std::size_t>(verifiers)) {
                    checked[i] = ingest.precheck(messages[i]);
                    ready[i].store(true, std::memory_order_release);
                    ready[i].notify_one();
                }
                cpu[static_cast<std::size_t>(v)] = thread_cpu_seconds() - c0;
            });
        const double writer0 = thread_cpu_seconds();
        auto since = [&] { return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count(); };
        auto commit = [&](core::Micros now) {
            const auto t0 = Clock::now();
            out.acked += ingest.flush(now).size();
            out.commit_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
        };
        for (std::size_t i = 0; i < count; ++i) {
            if (!ready[i].load(std::memory_order_acquire)) {
                commit(since());  // pipeline ran dry: commit what is staged instead of waiting
                ready[i].wait(false, std::memory_order_acquire);
            }
            auto d = ingest.submit(std::move(checked[i]), "bench", since());
            if (d.outcome != core::AckOutcome::stored) throw std::runtime_error(d.text);
            if (store.commit_due(since())) commit(since());
        }
        commit(since());
        out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        out.writer_cpu = thread_cpu_seconds() - writer0;
        pool.clear();
        for (auto c : cpu) out.precheck_cpu += c;
        out.commits = ingest.counters().commits;
        if (out.acked != count) throw std::runtime_error(fmt::format("{} of {} reports acknowledged", out.acked, count));
        if (store.count() != static_cast<std::int64_t>(count)) throw std::runtime_error("store count differs");
    }
    return out;
}

/// Where each case's store goes: a fresh SQLite file, and with POSTGRES a fresh PostgreSQL database.
class Stores {
public:
    Stores(std::filesystem::path dir, const std::string& postgres) : dir_(std::move(dir)), postgres_(postgres) {
        if (postgres_ == "cluster") cluster_ = std::make_unique<pg_cluster::Cluster>(std::vector<std::string>{"fsync=on", "full_page_writes=on", "shared_buffers=128MB"});
    }
    bool postgres() const { return !postgres_.empty(); }
    std::string sqlite() const {
        const auto file = dir_ / "bench-ingest.sqlite";
        for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + s);
        return file.string();
    }
    std::string fresh_postgres(int n) {
        if (cluster_) return cluster_->fresh_database(fmt::format("bench_{}", n));
        pg_cluster::Cluster::run_sql(postgres_, "DROP TABLE IF EXISTS reports");
        return postgres_;
    }
    ~Stores() { sqlite(); }

private:
    std::filesystem::path dir_;
    std::string postgres_;
    std::unique_ptr<pg_cluster::Cluster> cluster_;
};

void print_case(const char* store, const char* name, std::size_t count, const RunResult& r) {
    fmt::print("{:<10} {:<30} {:>6} reports {:>6} commits {:>7.3f} s ({:>6.3f} s in commits) {:>8.0f} reports/s"
               "  CPU/report: precheck {:.1f} us, writer {:.1f} us\n",
               store, name, count, r.commits, r.seconds, r.commit_seconds, count / r.seconds, 1e6 * r.precheck_cpu / count,
               1e6 * r.writer_cpu / count);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
    const int pecs = argc > 2 ? std::stoi(argv[2]) : 8000;
    if (pecs < 1 || pecs > 9000) {
        fmt::print(stderr, "bench_ingest: PECS must be 1..9000 (4-digit PEC numbers)\n");
        return 2;
    }
    const auto package = make_package(pecs);
    const std::uint64_t secret = 77;
    std::vector<std::vector<std::uint8_t>> messages;
    core::DeviceKeyRegistry registry;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < package.pecs.size(); ++i) {
        const int number = package.pecs[i].number;
        for (auto role : {core::DeviceRole::arbb_party_list, core::DeviceRole::arbb_district, core::DeviceRole::identification}) {
            const auto id = core::device_id(number, role);
            const auto keys = core::derive_device_keys(secret, id);
            (void)registry.add({id, number, role, keys.public_key});
            core::WireReport w{core::ReportHeader{package.name, number, id, 1, core::at(20, 5)}, final_report(package, number, role)};
            messages.push_back(core::encode_signed_report(w, keys.secret_key));
            bytes += messages.back().size();
        }
    }
    const std::size_t single = std::min<std::size_t>(argc > 3 ? std::stoul(argv[3]) : 3000, messages.size());
    const int verifiers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    fmt::print("{} final reports ({} PECs x 3, {:.0f} bytes average), SQLite store in {} (synchronous=FULL), {} verifier threads\n",
               messages.size(), pecs, static_cast<double>(bytes) / messages.size(), dir.string(), verifiers);
    Stores stores(dir, argc > 4 ? argv[4] : "");
    struct Case {
        const char* name;
        central::GroupCommitPolicy policy;
        std::size_t count;
    };
    int n = 0;
    std::vector<std::string> ratios;
    for (const auto& c : {Case{"group commit <= 256 reports", {.max_reports = 256, .max_delay = 20'000}, messages.size()},
                          Case{"group commit <= 1024 reports", {.max_reports = 1024, .max_delay = 20'000}, messages.size()},
                          Case{"one transaction per report", {.max_reports = 1, .max_delay = 0}, single}}) {
        const auto lite = run(stores.sqlite(), package, registry, messages, c.count, c.policy, verifiers);
        print_case("SQLite", c.name, c.count, lite);
        if (!stores.postgres()) continue;
        const auto pg = run(stores.fresh_postgres(++n), package, registry, messages, c.count, c.policy, verifiers);
        print_case("PostgreSQL", c.name, c.count, pg);
        ratios.push_back(fmt::format("{}: PostgreSQL/SQLite = {:.2f}", c.name, lite.seconds / pg.seconds));
    }
    for (const auto& r : ratios) fmt::print("{}\n", r);
    return 0;
}
