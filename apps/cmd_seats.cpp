// `shailoo seats`: party-list seat allocation from a CSV of votes (rules: core/seat_allocation.hpp,
// CSV format: docs/seats-csv.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "apps/commands.hpp"
#include "core/seat_allocation.hpp"

namespace apps {

namespace {

struct SeatsOptions {
    std::string votes_file;
    int seats = 54;
    double threshold = 0.05;
    double regional_threshold = 0.005;
    bool json = false;
};

// The allocation as JSON on stdout: the parties but "against all" (whose votes are summed apart), seats and bases.
void print_json(const core::ListSeatAllocation& a) {
    nlohmann::json parties = nlohmann::json::array();
    std::int64_t against_all = 0;
    for (const auto& p : a.parties) {
        if (p.against_all) {
            against_all += p.votes;
            continue;
        }
        parties.push_back({{"party", p.party}, {"votes", p.votes}, {"passed", p.passed}, {"seats", p.seats}});
    }
    nlohmann::json out{{"parties", parties},
                       {"seats", a.seats},
                       {"unallocated", a.unallocated},
                       {"against_all", against_all},
                       {"threshold_base", a.national_base},
                       {"threshold_base_is", a.base_is_took_part ? "voters who took part" : "valid votes"},
                       {"regional_threshold_applied", a.regional_applied}};
    fmt::print("{}\n", out.dump(2));
}

// The allocation as a table on stdout: rules and bases first, then one line per party.
void print_table(const SeatsOptions& o, const core::VoteTable& table, const core::ListSeatAllocation& a) {
    fmt::print("Party-list seats: {} seats, largest remainder with the Hare quota\n", a.seats);
    fmt::print("National threshold {:.2f} % of {} = {} ({})\n", o.threshold * 100,
               a.base_is_took_part ? "voters who took part" : "valid votes in the file (no 'took part' row)",
               a.national_base, o.votes_file);
    if (a.regional_applied)
        fmt::print("Regional threshold {:.2f} % applied in each of {} region columns (a column named 'abroad' is "
                   "exempt)\n",
                   o.regional_threshold * 100, table.regions.size());
    else
        fmt::print("Regional threshold not applied: the file has no region columns\n");
    if (a.unallocated == 0)
        fmt::print("Hare quota {:.2f} votes (passing parties' {} votes / {} seats)\n", a.hare_quota,
                   a.passing_votes, a.seats);
    fmt::print("\n{:<36} {:>10} {:>7}  {:<8} {:>5}\n", "party", "votes", "share", "passed", "seats");
    for (const auto& p : a.parties) {
        const double share = a.national_base > 0 ? 100.0 * p.votes / a.national_base : 0.0;
        std::string status = p.against_all ? "-" : p.passed ? "yes" : !p.passed_national ? "no" : "no (regional)";
        fmt::print("{:<36} {:>10} {:>6.2f}%  {:<8} {:>5}{}\n", p.party, p.votes, share, status, p.seats,
                   p.remainder_seat ? "  (incl. 1 by remainder)" : "");
        if (!p.failed_regions.empty()) {
            std::string regions;
            for (const auto& r : p.failed_regions) regions += (regions.empty() ? "" : ", ") + r;
            fmt::print("{:<36} below the regional threshold in: {}\n", "", regions);
        }
    }
    if (a.unallocated > 0) fmt::print("\nNo party passed the thresholds: {} seats unallocated\n", a.unallocated);
}

int run_seats(const SeatsOptions& o) {
    std::ifstream in(o.votes_file, std::ios::binary);
    if (!in) {
        fmt::print(stderr, "{}: cannot open the votes file\n", o.votes_file);
        return 2;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    auto table = core::parse_vote_table_csv(buf.str(), o.votes_file);
    if (!table) {
        fmt::print(stderr, "{}\n", table.error().message);
        return 2;
    }
    auto a = core::allocate_list_seats(
        *table, {.seats = o.seats, .threshold_national = o.threshold, .threshold_regional = o.regional_threshold});
    if (!a) {
        fmt::print(stderr, "{}: {}\n", o.votes_file, a.error().message);
        return 2;
    }
    if (o.json)
        print_json(*a);
    else
        print_table(o, *table, *a);
    return 0;
}

}  // namespace

void add_seats_command(CLI::App& app, Runner& runner) {
    auto opts = std::make_shared<SeatsOptions>();
    auto* cmd = app.add_subcommand("seats", "Share party-list seats from a CSV of votes (2021 rules)");
    cmd->add_option("--votes", opts->votes_file, "CSV: party,votes[,region...]; see docs/seats-csv.md")
        ->required();
    cmd->add_option("--seats", opts->seats, "seats to share")->capture_default_str()->check(CLI::Range(1, 100000));
    cmd->add_option("--threshold", opts->threshold, "national threshold, share (0.05 = 5 %)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--regional-threshold", opts->regional_threshold,
                    "threshold in every region column, share (only when the CSV has region columns)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_flag("--json", opts->json, "print {\"parties\": [...]} as JSON");
    cmd->callback([opts, &runner] { runner = [opts] { return run_seats(*opts); }; });
}

}  // namespace apps
