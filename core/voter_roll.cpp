// The derived voter roll (see voter_roll.hpp and docs/election-package.md, "Voter roll").
#include "core/voter_roll.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/random.hpp"

namespace core {
namespace {

// Purposes of the per-voter hashes; distinct keys keep the derived attributes independent.
enum : std::uint64_t { kProfileKey = 0x766f746572ULL, kBirthKey, kBiometricKey, kDocumentKey };

constexpr std::uint32_t kDocumentSpace = 10'000'000;  // "ID" + 7 digits
constexpr int kHalfBits = 12;                         // Feistel over 24 bits = 16,777,216 >= 10^7
constexpr std::uint32_t kHalfMask = (1u << kHalfBits) - 1;
constexpr int kRounds = 4;

struct DocumentKeys {
    std::uint64_t round[kRounds];
};

// The keys of the last package seed asked for on this thread: every voter at a desk is one
// permute and one unpermute, and rebuilding the keys each time would be a third of their cost.
const DocumentKeys& document_keys(std::uint64_t seed) {
    struct Cached {
        std::uint64_t seed = 0;
        bool valid = false;
        DocumentKeys keys{};
    };
    thread_local Cached cache;
    if (!cache.valid || cache.seed != seed) {
        for (int r = 0; r < kRounds; ++r) cache.keys.round[r] = hash_keys(seed, kDocumentKey, static_cast<std::uint64_t>(r));
        cache.seed = seed;
        cache.valid = true;
    }
    return cache.keys;
}

std::uint32_t round_function(std::uint64_t key, std::uint32_t half) {
    return static_cast<std::uint32_t>(mix64(key ^ half)) & kHalfMask;
}

// A balanced Feistel network (Luby-Rackoff) is a bijection on 24-bit values for any round function.
std::uint32_t feistel_encrypt(const DocumentKeys& k, std::uint32_t x) {
    std::uint32_t l = x >> kHalfBits, r = x & kHalfMask;
    for (int i = 0; i < kRounds; ++i) {
        const std::uint32_t next_r = l ^ round_function(k.round[i], r);
        l = r;
        r = next_r;
    }
    return (l << kHalfBits) | r;
}

std::uint32_t feistel_decrypt(const DocumentKeys& k, std::uint32_t y) {
    std::uint32_t l = y >> kHalfBits, r = y & kHalfMask;
    for (int i = kRounds - 1; i >= 0; --i) {
        const std::uint32_t prev_l = r ^ round_function(k.round[i], l);
        r = l;
        l = prev_l;
    }
    return (l << kHalfBits) | r;
}

// Cycle-walking (Black and Rogaway 2002): re-apply the 24-bit permutation until the value falls
// into [0, 10^7); the result is a permutation of [0, 10^7).
std::uint32_t permute(const DocumentKeys& k, std::uint32_t x) {
    do x = feistel_encrypt(k, x);
    while (x >= kDocumentSpace);
    return x;
}

std::uint32_t unpermute(const DocumentKeys& k, std::uint32_t y) {
    do y = feistel_decrypt(k, y);
    while (y >= kDocumentSpace);
    return y;
}

// Days since 1970-01-01 of a civil date and back (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
std::int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = static_cast<int>(z - era * 146097);
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + static_cast<int>(era) * 400 + (m <= 2);
}

int digits(const std::string& s, std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
}

void put_digits(char* out, std::uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
}

std::uint64_t profile_hash(const ElectionPackage& package, std::int64_t index) {
    return hash_keys(package.seed, static_cast<std::uint64_t>(index), kProfileKey);
}

// The age band is drawn with the low 32 bits of the profile hash (the high ones give the sex).
int age_of_profile_hash(const VoterProfile& profile, std::uint64_t h) {
    const double age_u = static_cast<double>(h & 0xffffffffULL) * 0x1.0p-32;
    double below = 0.0;
    for (const auto& band : profile.age_bands) {
        if (age_u < below + band.share) {
            const int span = band.to - band.from + 1;
            const int k = static_cast<int>((age_u - below) / band.share * span);
            return band.from + std::min(k, span - 1);
        }
        below += band.share;
    }
    return profile.age_bands.empty() ? 18 : profile.age_bands.back().to;
}

}  // namespace

const Pec* pec_of_voter(const ElectionPackage& package, std::int64_t index) {
    if (index < 0 || package.pecs.empty()) return nullptr;
    auto it = std::upper_bound(package.pecs.begin(), package.pecs.end(), index,
                               [](std::int64_t i, const Pec& p) { return i < p.first_voter; });
    if (it == package.pecs.begin()) return nullptr;
    --it;
    return index < it->first_voter + it->registered ? &*it : nullptr;
}

std::string document_of_voter(const ElectionPackage& package, std::int64_t index) {
    const auto number = permute(document_keys(package.seed), static_cast<std::uint32_t>(index));
    std::string doc(9, '0');
    doc[0] = 'I';
    doc[1] = 'D';
    put_digits(doc.data() + 2, number, 7);
    return doc;
}

Voter voter_at(const ElectionPackage& package, std::int64_t index) {
    Voter v;
    v.index = index;
    const Pec* pec = pec_of_voter(package, index);
    v.pec = pec ? pec->number : 0;
    const auto& profile = package.voter_profile;
    const std::uint64_t seed = package.seed;
    const auto u = static_cast<std::uint64_t>(index);

    // Sex from the high 32 bits, age from the low 32 bits of one hash.
    const std::uint64_t h = profile_hash(package, index);
    const double sex_u = static_cast<double>(h >> 32) * 0x1.0p-32;
    v.sex = sex_u < profile.men_share ? Sex::male : Sex::female;
    v.age = age_of_profile_hash(profile, h);

    // Birth date: uniform over the year of days that make the voter v.age on election day.
    const std::string& date = package.date;
    const int ey = digits(date, 0, 4), em = digits(date, 5, 2), ed = digits(date, 8, 2);
    const std::int64_t last = days_from_civil(ey - v.age, em, ed);       // turned v.age on election day
    const std::int64_t first = days_from_civil(ey - v.age - 1, em, ed) + 1;  // turns v.age + 1 the day after
    const std::uint64_t b = hash_keys(seed, u, kBirthKey);
    int by = 0, bm = 0, bd = 0;
    civil_from_days(first + static_cast<std::int64_t>((b & 0xffffffffULL) % static_cast<std::uint64_t>(last - first + 1)), by, bm, bd);
    v.birth_year = by;

    v.pin.assign(14, '0');
    v.pin[0] = v.sex == Sex::female ? '1' : '2';
    put_digits(v.pin.data() + 1, static_cast<std::uint64_t>(bd), 2);
    put_digits(v.pin.data() + 3, static_cast<std::uint64_t>(bm), 2);
    put_digits(v.pin.data() + 5, static_cast<std::uint64_t>(by), 4);
    put_digits(v.pin.data() + 9, (b >> 32) % 100000, 5);

    v.document = document_of_voter(package, index);
    v.biometric_seed = biometric_seed_of(package, index);
    return v;
}

int age_of(const ElectionPackage& package, std::int64_t index) {
    return age_of_profile_hash(package.voter_profile, profile_hash(package, index));
}

std::uint64_t biometric_seed_of(const ElectionPackage& package, std::int64_t index) {
    return hash_keys(package.seed, static_cast<std::uint64_t>(index), kBiometricKey);
}

Result<std::int64_t> voter_index_of_document(const ElectionPackage& package, std::string_view document) {
    if (document.size() != 9 || document[0] != 'I' || document[1] != 'D' ||
        !std::all_of(document.begin() + 2, document.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fail(fmt::format("document number '{}' is malformed: expected \"ID\" and 7 digits", document));
    std::uint32_t number = 0;
    for (char c : document.substr(2)) number = number * 10 + static_cast<std::uint32_t>(c - '0');
    const std::int64_t index = unpermute(document_keys(package.seed), number);
    const std::int64_t roll_size = package.pecs.empty() ? 0 : package.pecs.back().first_voter + package.pecs.back().registered;
    if (index >= roll_size)
        return fail(fmt::format("document number '{}' belongs to no registered voter of this election", document));
    return index;
}

}  // namespace core
