// Fuzz target: the votes CSV of `shailoo seats` (core::parse_vote_table_csv, docs/seats-csv.md),
// then the party-list allocation with the 2021 rules, as the command runs them (apps/cmd_seats.cpp).
// Properties: only parties that passed get seats, and the seats given and the seats unallocated (all
// of them when nobody passed) add up to the rules' seats.
#include <cstddef>
#include <cstdint>

#include "core/seat_allocation.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto table = core::parse_vote_table_csv(fuzz::text(data, size), "votes.csv");
    if (!table) return 0;
    const core::ListSeatRules rules;  // 54 seats, 5 % nationally, 0.5 % per region
    const auto a = core::allocate_list_seats(*table, rules);
    if (!a) return 0;
    int given = 0;
    for (const auto& p : a->parties) {
        fuzz::require(p.seats >= 0 && (p.passed || p.seats == 0), "only a party that passed gets seats");
        given += p.seats;
    }
    fuzz::require(a->seats == rules.seats && given + a->unallocated == a->seats, "every seat is given or unallocated");
    return 0;
}
