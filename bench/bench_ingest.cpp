// bench_ingest: reports per second through central::Ingest into the SQLite store (WAL,
// synchronous=FULL), one transaction per report vs group commit.
// Usage: bench_ingest [DIR] [PECS]   (default: the current directory, 2494 PECs = 7,482 final reports)
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "central/ingest.hpp"
#include "core/wire.hpp"

namespace {

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
        r.preference_counts.assign(p.parties.size(), std::vector<std::int64_t>(54, 0));
        for (std::size_t q = 0; q < p.parties.size(); ++q) r.preference_counts[q][0] = r.option_counts[q + 1] / 2;
    }
    r.ballots_scanned = r.valid;
    r.ballots_in_box = r.valid;
    r.figures = {2000, r.valid, r.valid};
    return r;
}

double run(const std::filesystem::path& file, const core::ElectionPackage& package,
           const core::DeviceKeyRegistry& registry, const std::vector<std::vector<std::uint8_t>>& messages,
           central::GroupCommitPolicy policy, std::int64_t& commits) {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + s);
    central::Store store(file, policy);
    central::Ingest ingest(package, registry, store);
    const auto start = std::chrono::steady_clock::now();
    core::Micros now = 0;
    std::size_t acked = 0;
    for (const auto& m : messages) {
        auto d = ingest.submit(m, "bench", now);
        if (d.outcome != central::Outcome::accepted) throw std::runtime_error(d.text);
        now += 100;  // a report every 0.1 ms of server time
        acked += ingest.poll(now).size();
    }
    acked += ingest.flush(now).size();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (acked != messages.size()) throw std::runtime_error("not every report was acknowledged");
    commits = ingest.counters().commits;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
    const int pecs = argc > 2 ? std::stoi(argv[2]) : 2494;
    const auto package = make_package(pecs);
    const std::uint64_t secret = 77;
    const auto registry = core::make_device_key_registry(package, secret);
    std::vector<std::vector<std::uint8_t>> messages;
    for (const auto& pec : package.pecs)
        for (auto role : {core::DeviceRole::arbb_party_list, core::DeviceRole::arbb_district, core::DeviceRole::identification}) {
            const auto id = core::device_id(pec.number, role);
            core::WireReport w{core::ReportHeader{package.name, pec.number, id, 1, core::at(20, 5)},
                               final_report(package, pec.number, role)};
            messages.push_back(core::encode_signed_report(w, core::derive_device_keys(secret, id).secret_key));
        }
    fmt::print("{} reports ({} PECs x 3), store in {}\n", messages.size(), pecs, dir.string());
    const auto file = dir / "bench-ingest.sqlite";
    for (auto policy : {central::GroupCommitPolicy{.max_reports = 1, .max_delay = 0},
                        central::GroupCommitPolicy{.max_reports = 64, .max_delay = 20'000},
                        central::GroupCommitPolicy{.max_reports = 256, .max_delay = 20'000}}) {
        std::int64_t commits = 0;
        const double s = run(file, package, registry, messages, policy, commits);
        fmt::print("batch <= {:>3} reports, delay <= {:>5} us: {:>6} commits, {:.3f} s, {:>8.0f} reports/s\n",
                   policy.max_reports, policy.max_delay, commits, s, messages.size() / s);
    }
    return 0;
}
