#include "core/seat_allocation.hpp"

// Index of this file:
//   [SECTION] Party-list seats
//   [SECTION] Open lists and the women's reserve
//   [SECTION] Single-mandate districts
//   [SECTION] Vote tables from CSV

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>
#include <set>

#include "core/checked_count.hpp"

namespace core {

// [SECTION] Party-list seats

namespace {

using i128 = __int128;

/// Threshold in parts per million, so comparisons are exact integer arithmetic.
std::int64_t to_ppm(double share) { return std::llround(share * 1'000'000.0); }

/// votes >= share * base, with share resolved to 1 ppm.
bool meets(std::int64_t votes, std::int64_t base, std::int64_t ppm) {
    return static_cast<i128>(votes) * 1'000'000 >= static_cast<i128>(base) * ppm;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_abroad(std::string_view region) { return lower(region) == "abroad"; }

// Refuses rules and tables that cannot be allocated: no seats, a threshold that is no share, regional
// figures that do not match the regions, negative votes.
Result<void> check_inputs(const VoteTable& table, const ListSeatRules& rules) {
    if (rules.seats <= 0) return fail(fmt::format("seats must be positive, got {}", rules.seats));
    for (double t : {rules.threshold_national, rules.threshold_regional})
        if (!(t >= 0.0 && t <= 1.0)) return fail(fmt::format("threshold {} is not a share between 0 and 1", t));
    const std::size_t n_regions = table.regions.size();
    if (!table.regional_took_part.empty() && table.regional_took_part.size() != n_regions)
        return fail(fmt::format("{} regional took-part figures for {} regions", table.regional_took_part.size(),
                                n_regions));
    for (const auto& row : table.rows) {
        if (row.votes < 0) return fail(fmt::format("party '{}': negative votes {}", row.party, row.votes));
        if (row.regional.size() != n_regions)
            return fail(fmt::format("party '{}': {} regional figures for {} regions", row.party, row.regional.size(),
                                    n_regions));
        for (auto v : row.regional)
            if (v < 0) return fail(fmt::format("party '{}': negative regional votes {}", row.party, v));
    }
    return {};
}

// The national threshold base: voters who took part when given, else the sum of the votes (checked).
Result<std::int64_t> national_base(const VoteTable& table) {
    std::optional<std::int64_t> valid = 0;
    for (const auto& row : table.rows) valid = checked_add(valid, row.votes);
    if (!valid) return fail("the parties' votes add up to more than a 64-bit count holds");
    return table.took_part.value_or(*valid);
}

// Each region's threshold base: its voters who took part when given, else the sum of its votes (checked).
Result<std::vector<std::int64_t>> regional_bases(const VoteTable& table) {
    const std::size_t n_regions = table.regions.size();
    std::vector<std::int64_t> regional_base(n_regions, 0);
    for (std::size_t r = 0; r < n_regions; ++r) {
        if (!table.regional_took_part.empty()) {
            regional_base[r] = table.regional_took_part[r];
        } else {
            std::optional<std::int64_t> base = 0;
            for (const auto& row : table.rows) base = checked_add(base, row.regional[r]);
            if (!base) return fail(fmt::format("region '{}': votes add up to more than a 64-bit count holds", table.regions[r]));
            regional_base[r] = *base;
        }
    }
    return regional_base;
}

// One row per party with the thresholds it passed (national, and every region not abroad), and the
// passing parties' votes summed.
void apply_thresholds(const VoteTable& table, const ListSeatRules& rules, const std::vector<std::int64_t>& regional_base,
                      ListSeatAllocation& out) {
    const auto ppm_national = to_ppm(rules.threshold_national);
    const auto ppm_regional = to_ppm(rules.threshold_regional);
    for (const auto& row : table.rows) {
        PartySeats p;
        p.party = row.party;
        p.votes = row.votes;
        p.against_all = row.against_all;
        p.passed_national = !row.against_all && meets(row.votes, out.national_base, ppm_national);
        for (std::size_t r = 0; r < table.regions.size(); ++r)
            if (!is_abroad(table.regions[r]) && !meets(row.regional[r], regional_base[r], ppm_regional))
                p.failed_regions.push_back(table.regions[r]);
        // A party with no votes at all never passes, even against a zero base.
        p.passed = p.passed_national && p.failed_regions.empty() && row.votes > 0;
        if (p.passed) out.passing_votes += row.votes;  // at most the checked sum of all votes
        out.parties.push_back(std::move(p));
    }
}

// The seats by the Hare quota and largest remainder among the passing parties (passing_votes > 0).
void distribute_seats(int seats, ListSeatAllocation& out) {
    out.hare_quota = static_cast<double>(out.passing_votes) / seats;
    // votes / (T / S) = votes * S / T: whole part = quota seats, remainder compared as votes * S mod T.
    const i128 total = out.passing_votes;
    std::vector<std::size_t> passing;
    std::vector<i128> remainder(out.parties.size(), 0);
    int given = 0;
    for (std::size_t i = 0; i < out.parties.size(); ++i) {
        auto& p = out.parties[i];
        if (!p.passed) continue;
        const i128 scaled = static_cast<i128>(p.votes) * seats;
        p.quota_seats = static_cast<int>(scaled / total);
        remainder[i] = scaled % total;
        p.seats = p.quota_seats;
        given += p.seats;
        passing.push_back(i);
    }
    // Largest remainder; ties: more votes, then earlier in the table.
    std::stable_sort(passing.begin(), passing.end(), [&](std::size_t a, std::size_t b) {
        if (remainder[a] != remainder[b]) return remainder[a] > remainder[b];
        if (out.parties[a].votes != out.parties[b].votes) return out.parties[a].votes > out.parties[b].votes;
        return a < b;
    });
    // With the Hare quota fewer seats are left than there are passing parties.
    for (std::size_t k = 0; given < seats && k < passing.size(); ++k, ++given) {
        auto& p = out.parties[passing[k]];
        p.remainder_seat = true;
        ++p.seats;
    }
}

}  // namespace

Result<ListSeatAllocation> allocate_list_seats(const VoteTable& table, const ListSeatRules& rules) {
    if (auto ok = check_inputs(table, rules); !ok) return std::unexpected(ok.error());
    ListSeatAllocation out;
    out.seats = rules.seats;
    out.regional_applied = !table.regions.empty();
    const auto base = national_base(table);
    if (!base) return std::unexpected(base.error());
    out.base_is_took_part = table.took_part.has_value();
    out.national_base = *base;
    const auto regional_base = regional_bases(table);
    if (!regional_base) return std::unexpected(regional_base.error());
    apply_thresholds(table, rules, *regional_base, out);
    if (out.passing_votes == 0) {
        out.unallocated = rules.seats;
        return out;
    }
    distribute_seats(rules.seats, out);
    return out;
}

// [SECTION] Open lists and the women's reserve

Result<ListMandates> assign_list_mandates(std::span<const ListCandidate> list,
                                          std::span<const std::int64_t> preference_votes, int mandates,
                                          double women_share) {
    if (preference_votes.size() != list.size())
        return fail(fmt::format("{} preference-vote figures for a list of {} candidates", preference_votes.size(),
                                list.size()));
    if (mandates < 0) return fail(fmt::format("negative number of mandates {}", mandates));
    if (!(women_share >= 0.0 && women_share <= 1.0))
        return fail(fmt::format("women's share {} is not between 0 and 1", women_share));

    std::vector<std::size_t> order(list.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Preference order; ties by list position.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (preference_votes[a] != preference_votes[b]) return preference_votes[a] > preference_votes[b];
        return list[a].position < list[b].position;
    });

    ListMandates out;
    const std::size_t filled = std::min<std::size_t>(static_cast<std::size_t>(mandates), list.size());
    out.vacant = mandates - static_cast<int>(filled);
    // women_required = ceil(share * mandates), exact in ppm.
    const std::int64_t ppm = to_ppm(women_share);
    out.women_required = static_cast<int>((static_cast<std::int64_t>(mandates) * ppm + 999'999) / 1'000'000);

    std::vector<std::size_t> elected(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(filled));
    std::vector<std::size_t> waiting(order.begin() + static_cast<std::ptrdiff_t>(filled), order.end());
    std::vector<bool> by_reserve(list.size(), false);
    auto women_in = [&] {
        return static_cast<int>(std::count_if(elected.begin(), elected.end(),
                                              [&](std::size_t i) { return list[i].sex == Sex::female; }));
    };
    int women = women_in();
    while (women < out.women_required) {
        // Highest-ranked woman still waiting.
        auto w = std::find_if(waiting.begin(), waiting.end(), [&](std::size_t i) { return list[i].sex == Sex::female; });
        // Lowest-ranked man elected by preference (elected is in ranking order).
        auto m = std::find_if(elected.rbegin(), elected.rend(), [&](std::size_t i) { return list[i].sex == Sex::male; });
        if (w == waiting.end() || m == elected.rend()) break;
        by_reserve[*w] = true;
        *m = *w;
        waiting.erase(w);
        ++women;
    }
    // Final ranking: back to preference order.
    std::stable_sort(elected.begin(), elected.end(), [&](std::size_t a, std::size_t b) {
        if (preference_votes[a] != preference_votes[b]) return preference_votes[a] > preference_votes[b];
        return list[a].position < list[b].position;
    });
    for (auto i : elected)
        out.elected.push_back({list[i].position, list[i].name, list[i].sex, preference_votes[i], by_reserve[i]});
    out.women_elected = women;
    return out;
}

// [SECTION] Single-mandate districts

DistrictResult decide_district(const DistrictVotes& votes) {
    DistrictResult r;
    int leaders = 0;
    for (std::size_t i = 0; i < votes.candidate_votes.size(); ++i) {
        const auto v = votes.candidate_votes[i];
        if (v > r.winner_votes) {
            r.winner_votes = v;
            r.winner = static_cast<int>(i) + 1;
            leaders = 1;
        } else if (v == r.winner_votes && v > 0) {
            ++leaders;
        }
    }
    if (r.winner_votes == 0 && votes.against_all == 0) {
        r.winner = 0;
        r.outcome = DistrictOutcome::repeat_no_votes;
    } else if (votes.against_all >= r.winner_votes) {
        r.winner = 0;
        r.outcome = DistrictOutcome::repeat_against_all;
    } else if (leaders > 1) {
        r.winner = 0;
        r.outcome = DistrictOutcome::repeat_tie;
    } else {
        r.outcome = DistrictOutcome::elected;
    }
    return r;
}

std::string_view describe(DistrictOutcome outcome) {
    switch (outcome) {
        case DistrictOutcome::elected: return "elected";
        case DistrictOutcome::repeat_against_all: return "repeat election: against all has the most votes";
        case DistrictOutcome::repeat_tie: return "repeat election: tie for first place";
        case DistrictOutcome::repeat_no_votes: return "repeat election: no votes";
    }
    return "unknown";
}

// [SECTION] Vote tables from CSV

namespace {

/// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
Result<std::vector<std::string>> split_csv_line(std::string_view line) {
    std::vector<std::string> fields;
    std::string cur;
    std::size_t i = 0;
    for (;;) {
        cur.clear();
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= line.size()) return fail("unterminated quoted field");
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cur += '"';
                        i += 2;
                    } else {
                        ++i;
                        break;
                    }
                } else {
                    cur += line[i++];
                }
            }
            if (i < line.size() && line[i] != ',')
                return fail(fmt::format("unexpected '{}' after a quoted field", line[i]));
        } else {
            while (i < line.size() && line[i] != ',') {
                if (line[i] == '"') return fail("quote inside an unquoted field");
                cur += line[i++];
            }
        }
        // Surrounding blanks are not part of a field.
        auto b = cur.find_first_not_of(" \t");
        auto e = cur.find_last_not_of(" \t");
        fields.push_back(b == std::string::npos ? std::string{} : cur.substr(b, e - b + 1));
        if (i >= line.size()) break;
        ++i;  // the comma
    }
    return fields;
}

Result<std::int64_t> parse_count(const std::string& s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v < 0)
        return fail(fmt::format("'{}' is not a whole non-negative number of votes", s));
    return v;
}

}  // namespace

Result<VoteTable> parse_vote_table_csv(std::string_view text, std::string_view file_name) {
    VoteTable table;
    std::size_t pos = 0;
    int line_no = 0;
    bool header_seen = false;
    std::size_t n_fields = 0;
    std::set<std::string> names;
    auto err = [&](const std::string& what) { return fail(fmt::format("{}:{}: {}", file_name, line_no, what)); };
    if (text.starts_with("\xEF\xBB\xBF")) pos = 3;  // UTF-8 byte order mark from spreadsheets
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        auto fields = split_csv_line(line);
        if (!fields) return err(fields.error().message);
        if (!header_seen) {
            if (fields->size() < 2 || lower((*fields)[0]) != "party" || lower((*fields)[1]) != "votes")
                return err("header must start with 'party,votes' (then optional region columns)");
            std::set<std::string> seen;
            for (std::size_t k = 2; k < fields->size(); ++k) {
                if ((*fields)[k].empty()) return err(fmt::format("column {} has no region name", k + 1));
                if (!seen.insert(lower((*fields)[k])).second)
                    return err(fmt::format("region '{}' appears twice in the header", (*fields)[k]));
                table.regions.push_back((*fields)[k]);
            }
            n_fields = fields->size();
            header_seen = true;
            continue;
        }
        if (fields->size() != n_fields)
            return err(fmt::format("{} fields, the header has {}", fields->size(), n_fields));
        const std::string& name = (*fields)[0];
        if (name.empty()) return err("party name is empty");
        if (!names.insert(lower(name)).second) return err(fmt::format("'{}' appears twice", name));
        auto votes = parse_count((*fields)[1]);
        if (!votes) return err(fmt::format("votes: {}", votes.error().message));
        std::vector<std::int64_t> regional;
        std::optional<std::int64_t> regional_sum = 0;
        for (std::size_t k = 2; k < n_fields; ++k) {
            auto v = parse_count((*fields)[k]);
            if (!v) return err(fmt::format("column '{}': {}", table.regions[k - 2], v.error().message));
            regional.push_back(*v);
            regional_sum = checked_add(regional_sum, *v);
        }
        if (!regional.empty() && !regional_sum)
            return err("regional columns add up to more than a 64-bit count holds");
        if (!regional.empty() && *regional_sum != *votes)
            return err(fmt::format("regional columns add up to {} but votes is {}", *regional_sum, *votes));
        if (lower(name) == "took part") {
            table.took_part = *votes;
            table.regional_took_part = std::move(regional);
            continue;
        }
        table.rows.push_back({name, *votes, std::move(regional), lower(name) == "against all"});
    }
    if (!header_seen) return fail(fmt::format("{}:1: empty file, expected a header 'party,votes'", file_name));
    if (table.rows.empty()) return fail(fmt::format("{}:{}: no party rows", file_name, line_no));
    std::optional<std::int64_t> valid = 0;
    for (const auto& r : table.rows) valid = checked_add(valid, r.votes);
    if (!valid) return fail(fmt::format("{}: the parties' votes add up to more than a 64-bit count holds", file_name));
    if (table.took_part && *table.took_part < *valid)
        return fail(fmt::format("{}: 'took part' is {} but the rows hold {} valid votes", file_name,
                                *table.took_part, *valid));
    return table;
}

}  // namespace core
