// `shailoo cec`: what an operator at the CEC does to the results server's store - revoke a device's
// key, hold a PEC's figures back from publication or release them, accept a revoked device's report
// that the PEC's printed protocol confirms - and the audit log that records
// every ingest decision and every such action (central/oversight.hpp, docs/serve.md "Operator
// actions and the audit log"). The actions go straight into the store, in one transaction with their
// audit entry; running `serve` processes take them up within half a second.
//
// Index of this file:
//   [SECTION] Options and the store
//   [SECTION] Actions
//   [SECTION] Status and the audit log
//   [SECTION] The command line
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <string>

#include "apps/commands.hpp"
#include "central/ingest.hpp"
#include "central/oversight.hpp"
#include "central/report_store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"

namespace apps {
namespace {

// [SECTION] Options and the store

struct CecOptions {
    std::string db;
    std::string package = default_path("assets/kg2021");
    std::string keys;  // empty: PACKAGE/device-keys.yaml
    std::string by;
    std::string reason;
    std::string device;  // revoke, accept
    std::uint64_t sequence = 0;  // accept
    int pec = 0;         // hold, release
    int tail = 20;       // audit: entries shown
};

// The store `o.db` names, or nothing after saying why (a SQLite file must exist: an operator's typo
// must not create an empty store).
std::unique_ptr<central::ReportStore> open_existing_store(const CecOptions& o) {
    if (!central::is_postgres_uri(o.db) && !std::filesystem::exists(o.db)) {
        fmt::print(stderr, "shailoo cec: --db {}: no such store\n", o.db);
        return nullptr;
    }
    try {
        return central::open_store(o.db);
    } catch (const std::runtime_error& e) {
        fmt::print(stderr, "shailoo cec: --db: {}\n", e.what());
        return nullptr;
    }
}

// [SECTION] Actions

// Checks the action against the package and its key registry, writes it with its audit entry and
// says what it did: 0, or 2 after saying why nothing was written.
int act(const CecOptions& o, central::OperatorDo what) {
    const std::filesystem::path package_dir = o.package;
    auto package = core::load_election_package(package_dir);
    if (!package) {
        fmt::print(stderr, "shailoo cec: {}\n", package.error().message);
        return 2;
    }
    auto registry = core::load_device_key_registry(o.keys.empty() ? package_dir / "device-keys.yaml" : std::filesystem::path(o.keys), *package);
    if (!registry) {
        fmt::print(stderr, "shailoo cec: {}\n", registry.error().message);
        return 2;
    }
    auto action = central::resolve(*package, *registry,
                                   {.what = what, .device = o.device, .pec = o.pec, .sequence = o.sequence, .by = o.by,
                                    .reason = o.reason, .at = bishkek_time_of_day()});
    if (!action) {
        fmt::print(stderr, "shailoo cec {}: {}\n", central::to_string(what), action.error().message);
        return 2;
    }
    auto store = open_existing_store(o);
    if (!store) return 2;
    auto number = store->apply(*action);
    if (!number) {
        fmt::print(stderr, "shailoo cec {}: nothing written: {}\n", central::to_string(what), number.error().message);
        return 2;
    }
    if (what == central::OperatorDo::revoke)
        fmt::print("revoked the key of {} (PEC {}): its reports are refused from now on, and PEC {}'s figures are under "
                   "review until released (audit entry {})\n", action->device, action->pec, action->pec, *number);
    else if (what == central::OperatorDo::accept)
        fmt::print("accepted report {} of {} as its box's result (PEC {}): its later reports are left out{} (audit entry {})\n",
                   action->sequence, action->device, action->pec,
                   store->oversight().is_withheld(action->pec) ? "" : fmt::format(", and PEC {}'s figures are published again", action->pec),
                   *number);
    else
        fmt::print("PEC {}'s figures {} publication (audit entry {})\n", action->pec,
                   what == central::OperatorDo::hold ? "held back from" : "released for", *number);
    return 0;
}

// [SECTION] Status and the audit log

// The operator actions in force.
int status(const CecOptions& o) {
    auto store = open_existing_store(o);
    if (!store) return 2;
    const auto oversight = store->oversight();
    fmt::print("revoked keys: {}\n", oversight.revoked.size());
    for (const auto& r : oversight.revoked)
        fmt::print("  {} (PEC {}) at {} by {}: {}\n", r.device, r.pec, core::clock_time(r.at), r.by, r.reason);
    fmt::print("reports of revoked keys accepted: {}\n", oversight.accepted.size());
    for (const auto& a : oversight.accepted)
        fmt::print("  {} report {} (PEC {}) at {} by {}: {}\n", a.device, a.sequence, a.pec, core::clock_time(a.at), a.by, a.reason);
    auto list = [](const std::vector<int>& pecs) {
        std::string out;
        for (int p : pecs) out += fmt::format(" {}", p);
        return out.empty() ? std::string(" none") : out;
    };
    fmt::print("held PECs:{}\nPECs under review after a revocation:{}\n", list(oversight.held), list(oversight.under_review));
    return 0;
}

// Verifies the audit log's hash chain and shows its last entries: 0 when sound, 1 when broken.
int audit(const CecOptions& o) {
    auto store = open_existing_store(o);
    if (!store) return 2;
    const auto log = store->audit_log();
    const std::size_t from = log.size() > static_cast<std::size_t>(o.tail) ? log.size() - static_cast<std::size_t>(o.tail) : 0;
    for (std::size_t i = from; i < log.size(); ++i) {
        const auto& e = log[i];
        fmt::print("{:>8} {} {:<20} {:<28} PEC {:<5} {} {} {}\n", e.number, core::clock_time(e.record.at), e.record.actor,
                   e.record.action, e.record.pec, e.record.device, e.record.sequence ? fmt::format("#{}", e.record.sequence) : "",
                   e.record.detail);
    }
    if (const auto problems = store->audit_problems(); !problems.empty()) {
        for (const auto& p : problems) fmt::print(stderr, "shailoo cec audit: {}\n", p);
        fmt::print(stderr, "shailoo cec audit: BROKEN: {} problems in {} entries\n", problems.size(), log.size());
        return 1;
    }
    fmt::print("audit log: {} entries, hash chain sound and matching the store's rows{}\n", log.size(),
               log.empty() ? "" : fmt::format(" (last hash {})", central::hex(log.back().hash)));
    return 0;
}

// [SECTION] The command line

void add_store_options(CLI::App* cmd, CecOptions& o) {
    cmd->add_option("--db", o.db, "The store: a SQLite file that exists, or a PostgreSQL URI postgresql://... (as for serve)")
        ->required();
}

void add_action(CLI::App* cec, Runner& runner, CecOptions& o, central::OperatorDo what, const std::string& help) {
    auto* cmd = cec->add_subcommand(std::string(central::to_string(what)), help);
    if (what == central::OperatorDo::revoke) {
        cmd->add_option("DEVICE", o.device, "The device whose key is revoked, e.g. 6006-arbb-1")->required();
    } else if (what == central::OperatorDo::accept) {
        cmd->add_option("DEVICE", o.device, "The revoked device, e.g. 6006-arbb-1")->required();
        cmd->add_option("SEQUENCE", o.sequence, "The sequence number of its stored final report that the printed protocol confirms")
            ->required()
            ->check(CLI::PositiveNumber);
    } else
        cmd->add_option("PEC", o.pec, "The PEC's number")->required()->check(CLI::PositiveNumber);
    add_store_options(cmd, o);
    cmd->add_option("--package", o.package, "Election package folder")->capture_default_str();
    cmd->add_option("--keys", o.keys, "Device key registry (default: PACKAGE/device-keys.yaml)");
    cmd->add_option("--by", o.by, "The operator's name, recorded in the audit log")->required();
    cmd->add_option("--reason", o.reason, "Why, in the operator's words, recorded in the audit log")->required();
    cmd->callback([&runner, &o, what] { runner = [&o, what] { return act(o, what); }; });
}

}  // namespace

void add_cec_command(CLI::App& app, Runner& runner) {
    static CecOptions o;  // outlives parsing; the runner reads it after app.parse()
    auto* cec = app.add_subcommand("cec", "The CEC operator's actions on a results store and its audit log (docs/serve.md)");
    cec->require_subcommand(1);
    add_action(cec, runner, o, central::OperatorDo::revoke,
               "Revoke a device's key: its later reports are refused (revoked_device) and its PEC's figures go under "
               "review, withheld from publication until released");
    add_action(cec, runner, o, central::OperatorDo::hold, "Hold a PEC's figures back from publication");
    add_action(cec, runner, o, central::OperatorDo::release,
               "Publish a held PEC's figures again (also ends the review after a revocation)");
    add_action(cec, runner, o, central::OperatorDo::accept,
               "Accept a stored final report of a revoked device as its box's result, once the PEC's printed protocol, read "
               "over the phone, confirms it: its later reports are left out, and the PEC leaves review when each of its revoked "
               "devices has an accepted report");
    auto* st = cec->add_subcommand("status", "List the revoked keys, the reports of revoked keys accepted, held PECs and PECs under review");
    add_store_options(st, o);
    st->callback([&runner] { runner = [] { return status(o); }; });
    auto* au = cec->add_subcommand("audit", "Verify the audit log's hash chain (exit 1 when broken) and show its last entries");
    add_store_options(au, o);
    au->add_option("--tail", o.tail, "Entries shown, the latest")->capture_default_str()->check(CLI::Range(0, 1000000));
    au->callback([&runner] { runner = [] { return audit(o); }; });
}

}  // namespace apps
