// The default election package generator. See docs/election-package.md for every modelling choice.
//
// Index of this file:
//   [SECTION] Public figures
//   [SECTION] Modelling tables
//   [SECTION] Names and largest remainder
//   [SECTION] Regions, districts, PECs
//   [SECTION] Parties and lists
//   [SECTION] District candidates
//   [SECTION] Technical support
//   [SECTION] Writing YAML
#include "packagegen/package_generator.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <numeric>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/random.hpp"

namespace packagegen {
namespace {

using core::RandomStream;
using core::Sex;

// Purposes of the generator's random streams: one stream per part, so a change in one part of
// the generator does not shift the draws of another.
enum Purpose : std::uint64_t {
    kDistrictSplit = 1, kPecSizes, kPecPositions, kListLengths, kListWomenDraw, kList, kSupport,
    kDistrictCandidateCounts, kDistrictCandidates, kAgainstAllLeaders,
};

// [SECTION] Public figures
// calibration-kg2021.yaml: the CEC's 2021 report and the Common Cause report.

struct RegionFigure {
    int code;
    const char* name;
    std::int64_t voters;  // as published; domestic ones are rescaled to the domestic total below
    int districts;
    int pecs;
};
// Region codes as decided for the platform: the first digit of PEC numbers (domain brief).
constexpr std::array<RegionFigure, 9> kRegions{{
    {1, "Bishkek", 428599, 4, 228},
    {2, "Jalal-Abad", 686364, 7, 452},
    {3, "Issyk-Kul", 316572, 3, 250},
    {4, "Naryn", 209101, 2, 169},
    {5, "Osh", 898569, 9, 593},
    {6, "Talas", 163109, 2, 117},
    {7, "Chui", 609774, 6, 408},
    {8, "Batken", 305053, 3, 218},
    {9, "Abroad", 84128, 0, 59},
}};
constexpr std::int64_t kDomesticVoters = 3'619'292;     // single-mandate districts
constexpr std::int64_t kDistrictMeanVoters = 100'476;  // +/- 20 % per district
constexpr int kIdentificationOperators = 6'938;
constexpr int kSupportExperts = 600;                      // technical support experts trained in 2021
constexpr int kBallotScannersDelivered = 5'700;          // 2 per PEC + the territorial commissions' reserve
constexpr int kListCandidates = 1'006, kListWomen = 363;
constexpr int kDistrictCandidatesActive = 286;

// Turnout shift per region, before centring (our estimate: lower in Bishkek, Chui and abroad,
// higher in the south, Talas and Naryn, as in the CEC's 2021 regional turnout tables).
constexpr std::array<double, 9> kTurnoutBias{-0.10, 0.04, 0.01, 0.06, 0.05, 0.08, -0.04, 0.06, -0.25};

constexpr std::array<const char*, 21> kPartyNames{
    "Butun Kyrgyzstan", "Ata-Meken", "Ishenim", "Yntymak", "Uluttar Birimdigi",
    "Ata-Jurt Kyrgyzstan", "Yiman Nuru", "Alliance", "El Umutu", "Azattyk", "Uluu-Jurt",
    "Mekenchil El", "Patriotic Party of Unity of Kyrgyzstan", "Social Democrats",
    "Aruuzat-El Kutu", "Ordo", "Bagyt", "Green Party of Kyrgyzstan", "Legalize",
    "Kuchtuu Region", "Jashasyn Kyrgyzstan"};

struct PassingParty {
    const char* name;
    double votes;
};
constexpr std::array<PassingParty, 6> kPassing{{
    {"Ata-Jurt Kyrgyzstan", 222005}, {"Ishenim", 174470}, {"Yntymak", 141009},
    {"Alliance", 106955}, {"Butun Kyrgyzstan", 90223}, {"Yiman Nuru", 79025},
}};

// The other fifteen parties' preliminary shares of all ballots (percent), as the CEC published them
// from the ARBBs on election night (2,247 of 2,494 boxes reported): Kabar via Trend, 28 November 2021,
// https://en.trend.az/casia/kyrgyzstan/3518781.html (add_parties and docs/election-package.md: how they are used).
struct PreliminaryShare {
    const char* name;
    double percent;
};
constexpr std::array<PreliminaryShare, 15> kOthersPreliminary{{
    {"El Umutu", 4.46}, {"Azattyk", 4.01}, {"Ata-Meken", 3.48}, {"Social Democrats", 3.21},
    {"Uluttar Birimdigi", 2.48}, {"Mekenchil El", 1.54}, {"Patriotic Party of Unity of Kyrgyzstan", 0.96},
    {"Bagyt", 0.95}, {"Uluu-Jurt", 0.71}, {"Legalize", 0.62}, {"Kuchtuu Region", 0.62},
    {"Aruuzat-El Kutu", 0.46}, {"Ordo", 0.46}, {"Jashasyn Kyrgyzstan", 0.44}, {"Green Party of Kyrgyzstan", 0.41},
}};

// [SECTION] Modelling tables
// Our estimates: settlements, abroad posts, name pools.

enum class Kind { rural, town, city };
struct Settlement {
    const char* name;
    double lat, lon;
    double weight;  // share of the region's PECs, relative
    Kind kind;
};
// Settlements per domestic region, roughly west to east, with approximate coordinates.
// Districts take consecutive stretches of this order (by PEC weight), so a district is one area.
const std::vector<Settlement>& settlements_of(int region) {
    static const std::array<std::vector<Settlement>, 9> table{{
        {{"Bishkek, Leninsky", 42.855, 74.560, 1.0, Kind::city},
         {"Bishkek, Oktyabrsky", 42.835, 74.625, 1.0, Kind::city},
         {"Bishkek, Pervomaisky", 42.880, 74.595, 1.0, Kind::city},
         {"Bishkek, Sverdlovsky", 42.880, 74.650, 1.0, Kind::city}},
        {{"Ala-Buka", 41.40, 71.43, 0.6, Kind::rural}, {"Kerben", 41.50, 71.75, 0.8, Kind::town},
         {"Tash-Kumyr", 41.35, 72.22, 0.6, Kind::town}, {"Mailuu-Suu", 41.27, 72.45, 0.6, Kind::town},
         {"Kochkor-Ata", 41.03, 72.48, 0.4, Kind::rural}, {"Massy", 41.06, 72.63, 0.6, Kind::rural},
         {"Kara-Kul", 41.62, 72.68, 0.4, Kind::town}, {"Bazar-Korgon", 41.04, 72.75, 1.0, Kind::rural},
         {"Suzak", 40.90, 72.90, 1.2, Kind::rural}, {"Toktogul", 41.87, 72.94, 0.7, Kind::rural},
         {"Jalal-Abad", 40.93, 73.00, 1.2, Kind::city}, {"Kok-Jangak", 41.03, 73.20, 0.3, Kind::town},
         {"Kazarman", 41.40, 74.03, 0.5, Kind::rural}},
        {{"Balykchy", 42.46, 76.19, 0.6, Kind::city}, {"Bokonbaev", 42.12, 76.99, 0.7, Kind::rural},
         {"Cholpon-Ata", 42.65, 77.08, 0.8, Kind::town}, {"Barskoon", 42.15, 77.60, 0.5, Kind::rural},
         {"Ananyevo", 42.73, 77.66, 0.6, Kind::rural}, {"Kyzyl-Suu", 42.34, 78.00, 0.7, Kind::rural},
         {"Tyup", 42.73, 78.36, 0.7, Kind::rural}, {"Karakol", 42.49, 78.39, 1.2, Kind::city}},
        {{"Min-Kush", 41.68, 74.47, 0.2, Kind::rural}, {"Chaek", 41.93, 74.51, 0.8, Kind::rural},
         {"Baetov", 41.26, 74.95, 0.5, Kind::rural}, {"Kochkor", 42.21, 75.75, 1.0, Kind::rural},
         {"At-Bashy", 41.17, 75.80, 0.9, Kind::rural}, {"Naryn", 41.43, 75.99, 1.0, Kind::city}},
        {{"Daroot-Korgon", 39.56, 72.21, 0.5, Kind::rural}, {"Aravan", 40.51, 72.50, 1.2, Kind::rural},
         {"Nookat", 40.26, 72.62, 1.5, Kind::rural}, {"Osh", 40.53, 72.80, 2.5, Kind::city},
         {"Kara-Suu", 40.70, 72.87, 1.8, Kind::town}, {"Sary-Tash", 39.73, 73.25, 0.2, Kind::rural},
         {"Uzgen", 40.77, 73.30, 1.5, Kind::town}, {"Gulcha", 40.32, 73.44, 0.7, Kind::rural},
         {"Kara-Kulja", 40.64, 73.63, 0.8, Kind::rural}},
        {{"Kyzyl-Adyr", 42.62, 71.59, 0.7, Kind::rural}, {"Bakay-Ata", 42.55, 71.95, 0.6, Kind::rural},
         {"Talas", 42.52, 72.24, 1.2, Kind::city}, {"Pokrovka", 42.47, 72.52, 0.6, Kind::rural}},
        {{"Kayyngdy", 42.83, 73.68, 0.5, Kind::rural}, {"Kara-Balta", 42.81, 73.85, 1.0, Kind::city},
         {"Belovodskoye", 42.83, 74.10, 0.9, Kind::rural}, {"Sokuluk", 42.86, 74.30, 1.2, Kind::rural},
         {"Lebedinovka", 42.88, 74.68, 1.0, Kind::rural}, {"Kant", 42.89, 74.85, 0.9, Kind::town},
         {"Ivanovka", 42.89, 75.08, 0.7, Kind::rural}, {"Tokmok", 42.84, 75.30, 1.0, Kind::city},
         {"Kemin", 42.79, 75.69, 0.5, Kind::town}},
        {{"Isfana", 39.84, 69.53, 0.6, Kind::rural}, {"Sulukta", 39.93, 69.57, 0.4, Kind::town},
         {"Batken", 40.06, 70.82, 0.8, Kind::town}, {"Aydarken", 39.94, 71.34, 0.3, Kind::town},
         {"Kadamjay", 40.13, 71.73, 0.8, Kind::rural}, {"Kyzyl-Kyya", 40.26, 72.13, 1.0, Kind::city}},
        {},
    }};
    return table[static_cast<std::size_t>(region - 1)];
}

struct AbroadPost {
    const char* country;
    const char* city;
    double lat, lon;
    int pecs;
    double weight;  // relative size of its PECs (labour migration: Russia, Kazakhstan, Turkey largest)
};
// 59 PECs in 29 states (domain brief); which cities and how many PECs each is our estimate.
constexpr std::array<AbroadPost, 47> kAbroad{{
    {"Russia", "Moscow", 55.76, 37.62, 6, 2.0}, {"Russia", "Saint Petersburg", 59.94, 30.31, 2, 2.0},
    {"Russia", "Yekaterinburg", 56.84, 60.61, 1, 2.0}, {"Russia", "Novosibirsk", 55.03, 82.92, 1, 2.0},
    {"Russia", "Krasnoyarsk", 56.01, 92.87, 1, 2.0}, {"Russia", "Kazan", 55.79, 49.12, 1, 2.0},
    {"Russia", "Samara", 53.20, 50.15, 1, 2.0}, {"Russia", "Irkutsk", 52.29, 104.30, 1, 2.0},
    {"Russia", "Tyumen", 57.15, 65.53, 1, 2.0}, {"Russia", "Surgut", 61.25, 73.40, 1, 2.0},
    {"Kazakhstan", "Nur-Sultan", 51.17, 71.45, 1, 1.3}, {"Kazakhstan", "Almaty", 43.24, 76.89, 3, 1.3},
    {"Kazakhstan", "Shymkent", 42.32, 69.59, 1, 1.3},
    {"Turkey", "Ankara", 39.93, 32.86, 1, 1.2}, {"Turkey", "Istanbul", 41.01, 28.98, 3, 1.2},
    {"United States", "Washington", 38.90, -77.04, 1, 0.6}, {"United States", "New York", 40.71, -74.01, 1, 0.6},
    {"United States", "Chicago", 41.88, -87.63, 1, 0.6},
    {"United Arab Emirates", "Abu Dhabi", 24.45, 54.38, 1, 0.6}, {"United Arab Emirates", "Dubai", 25.20, 55.27, 1, 0.6},
    {"South Korea", "Seoul", 37.57, 126.98, 1, 0.6}, {"South Korea", "Ansan", 37.32, 126.83, 1, 0.6},
    {"Germany", "Berlin", 52.52, 13.40, 1, 0.6}, {"Germany", "Frankfurt", 50.11, 8.68, 1, 0.6},
    {"Uzbekistan", "Tashkent", 41.30, 69.24, 1, 0.6}, {"Uzbekistan", "Andijan", 40.78, 72.34, 1, 0.6},
    {"China", "Beijing", 39.90, 116.41, 1, 0.6}, {"China", "Urumqi", 43.83, 87.62, 1, 0.6},
    {"United Kingdom", "London", 51.51, -0.13, 2, 0.6},
    {"Japan", "Tokyo", 35.68, 139.69, 1, 0.6}, {"Tajikistan", "Dushanbe", 38.56, 68.79, 1, 0.6},
    {"Belarus", "Minsk", 53.90, 27.57, 1, 0.6}, {"Azerbaijan", "Baku", 40.41, 49.87, 1, 0.6},
    {"Ukraine", "Kyiv", 50.45, 30.52, 1, 0.6}, {"Austria", "Vienna", 48.21, 16.37, 1, 0.6},
    {"Belgium", "Brussels", 50.85, 4.35, 1, 0.6}, {"France", "Paris", 48.86, 2.35, 1, 0.6},
    {"Italy", "Rome", 41.90, 12.50, 1, 0.6}, {"Switzerland", "Geneva", 46.20, 6.14, 1, 0.6},
    {"India", "New Delhi", 28.61, 77.21, 1, 0.6}, {"Iran", "Tehran", 35.69, 51.39, 1, 0.6},
    {"Pakistan", "Islamabad", 33.68, 73.05, 1, 0.6}, {"Malaysia", "Kuala Lumpur", 3.14, 101.69, 1, 0.6},
    {"Saudi Arabia", "Riyadh", 24.71, 46.68, 1, 0.6}, {"Kuwait", "Kuwait City", 29.38, 47.99, 1, 0.6},
    {"Qatar", "Doha", 25.29, 51.53, 1, 0.6}, {"Turkmenistan", "Ashgabat", 37.96, 58.33, 1, 0.6},
}};
// Mongolia completes the 29 states.
constexpr AbroadPost kAbroadLast{"Mongolia", "Ulaanbaatar", 47.89, 106.91, 1, 0.6};

// Name pools (our choice of common names). Surnames are given in the male form; women's add "a".
constexpr std::array<std::string_view, 40> kKyrgyzSurnames{
    "Asanov", "Usenov", "Toktogulov", "Abdyldaev", "Mamytov", "Sydykov", "Bekboev", "Jumabaev",
    "Kadyrov", "Osmonov", "Nurmatov", "Sultanov", "Temirov", "Kasymov", "Eshenkulov", "Turdubaev",
    "Akmatov", "Beishenov", "Orozbaev", "Imanaliev", "Chynybaev", "Jumaliev", "Jakypov", "Kurmanov",
    "Musaev", "Omurov", "Raimbekov", "Saparov", "Alymkulov", "Baktybekov", "Duishenov", "Ergeshov",
    "Kalybekov", "Mambetov", "Nazarbekov", "Ryskulov", "Sagynbaev", "Tilekov", "Zhusupov", "Abdraimov"};
constexpr std::array<std::string_view, 14> kRussianSurnames{
    "Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Popov", "Volkov", "Sokolov", "Lebedev",
    "Kozlov", "Novikov", "Morozov", "Pavlov", "Fedorov", "Belov"};
constexpr std::array<std::string_view, 14> kUzbekSurnames{
    "Yusupov", "Rakhimov", "Khodjaev", "Mirzaev", "Tursunov", "Ergashev", "Abdullaev", "Nazarov",
    "Karimov", "Aliev", "Khasanov", "Umarov", "Sobirov", "Mamadaliev"};
constexpr std::array<std::string_view, 30> kKyrgyzMen{
    "Almazbek", "Azamat", "Bakyt", "Nurlan", "Kubanychbek", "Talant", "Erlan", "Ulan", "Marat", "Chyngyz",
    "Daniyar", "Emil", "Aibek", "Kanybek", "Temirlan", "Askar", "Bolot", "Medet", "Nurbek", "Tilek",
    "Urmat", "Zhanybek", "Kairat", "Maksat", "Adilet", "Beksultan", "Eldiyar", "Ruslan", "Samat", "Ilgiz"};
constexpr std::array<std::string_view, 30> kKyrgyzWomen{
    "Aigul", "Aizada", "Cholpon", "Gulnara", "Nazgul", "Jyldyz", "Asel", "Elmira", "Kanykei", "Aida",
    "Begimai", "Dinara", "Meerim", "Venera", "Janyl", "Aigerim", "Burul", "Gulmira", "Kalys", "Mira",
    "Nurzhan", "Saltanat", "Tolgonai", "Umut", "Zamira", "Aikerim", "Baktygul", "Chynara", "Elnura", "Roza"};
constexpr std::array<std::string_view, 10> kRussianMen{
    "Alexander", "Sergei", "Dmitry", "Vladimir", "Andrei", "Igor", "Nikolai", "Viktor", "Pavel", "Oleg"};
constexpr std::array<std::string_view, 10> kRussianWomen{
    "Elena", "Natalia", "Olga", "Irina", "Tatiana", "Svetlana", "Yulia", "Anna", "Marina", "Lyudmila"};
constexpr std::array<std::string_view, 10> kUzbekMen{
    "Rustam", "Akmal", "Bakhodir", "Dilshod", "Farkhod", "Shukhrat", "Anvar", "Sherzod", "Jamshid", "Ulugbek"};
constexpr std::array<std::string_view, 10> kUzbekWomen{
    "Dilnoza", "Mukhabbat", "Nodira", "Feruza", "Gulchehra", "Zulfiya", "Malika", "Shakhnoza", "Dildora", "Barno"};

// [SECTION] Names and largest remainder

template <class Pool>
std::string_view pick(const Pool& pool, RandomStream& rng) {
    return pool[rng.below(pool.size())];
}

// A name from the pools; minorities are Uzbek (60 %) or Russian (40 %) - the two largest
// minorities (National Statistical Committee, 2021 population by ethnicity; split our estimate).
std::string person_name(Sex sex, bool minority, RandomStream& rng) {
    const bool male = sex == Sex::male;
    std::string_view surname, first;
    if (!minority) {
        surname = pick(kKyrgyzSurnames, rng);
        first = male ? pick(kKyrgyzMen, rng) : pick(kKyrgyzWomen, rng);
    } else if (rng.bernoulli(0.6)) {
        surname = pick(kUzbekSurnames, rng);
        first = male ? pick(kUzbekMen, rng) : pick(kUzbekWomen, rng);
    } else {
        surname = pick(kRussianSurnames, rng);
        first = male ? pick(kRussianMen, rng) : pick(kRussianWomen, rng);
    }
    return fmt::format("{}{} {}", surname, male ? "" : "a", first);
}

// Splits `total` in proportion to `weights` (Hamilton's largest remainder method; ties go to the
// lower index), so the parts sum exactly to `total`.
std::vector<std::int64_t> largest_remainder(std::int64_t total, std::span<const double> weights) {
    const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<std::int64_t> parts(weights.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    std::int64_t given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double exact = static_cast<double>(total) * weights[i] / sum;
        parts[i] = static_cast<std::int64_t>(std::floor(exact));
        given += parts[i];
        remainders.emplace_back(exact - static_cast<double>(parts[i]), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < total; ++k, ++given) parts[remainders[k % remainders.size()].second] += 1;
    return parts;
}

// Rounds shares to `decimals` and puts the rounding residual on the largest one so they sum to `total`.
void round_shares(std::vector<double*> shares, double total, int decimals) {
    const double scale = std::pow(10.0, decimals);
    double sum = 0.0;
    for (double* s : shares) sum += (*s = std::round(*s * scale) / scale);
    double* largest = *std::max_element(shares.begin(), shares.end(), [](double* a, double* b) { return *a < *b; });
    *largest = std::round((*largest + total - sum) * scale) / scale;
}

// [SECTION] Regions, districts, PECs

std::vector<core::Region> make_regions() {
    // The published regional figures sum to 3,617,141, not the 3,619,292 registered in the
    // single-mandate districts: scale them to the exact total by largest remainder.
    std::vector<double> published;
    for (const auto& r : kRegions)
        if (r.districts > 0) published.push_back(static_cast<double>(r.voters));
    const auto scaled = largest_remainder(kDomesticVoters, published);
    std::vector<core::Region> regions;
    std::size_t domestic = 0;
    for (const auto& r : kRegions) {
        core::Region region;
        region.code = r.code;
        region.name = r.name;
        region.abroad = r.districts == 0;
        region.voters = region.abroad ? r.voters : scaled[domestic++];
        region.districts = r.districts;
        region.pecs = r.pecs;
        regions.push_back(region);
    }
    // Centre the turnout biases so that their registered-weighted mean is 0 (national turnout unchanged).
    double total = 0.0, weighted = 0.0;
    for (std::size_t i = 0; i < regions.size(); ++i) {
        total += static_cast<double>(regions[i].voters);
        weighted += static_cast<double>(regions[i].voters) * kTurnoutBias[i];
    }
    const double mean = weighted / total;
    double residual = 0.0;
    for (std::size_t i = 0; i < regions.size(); ++i) {
        regions[i].turnout_bias = std::round((kTurnoutBias[i] - mean) * 1e6) / 1e6;
        residual += static_cast<double>(regions[i].voters) * regions[i].turnout_bias;
    }
    auto& osh = regions[4];  // the largest region absorbs the rounding residual
    osh.turnout_bias = std::round((osh.turnout_bias - residual / static_cast<double>(osh.voters)) * 1e6) / 1e6;
    return regions;
}

// Position of a PEC inside its region's settlement chain: t in [0, 1) -> settlement.
const Settlement& settlement_at(const std::vector<Settlement>& chain, double t) {
    double total = 0.0;
    for (const auto& s : chain) total += s.weight;
    double acc = 0.0;
    for (const auto& s : chain) {
        acc += s.weight / total;
        if (t < acc) return s;
    }
    return chain.back();
}

double kind_factor(Kind kind) {
    switch (kind) {
        case Kind::city: return 1.8;
        case Kind::town: return 1.3;
        case Kind::rural: return 1.0;
    }
    return 1.0;
}

// Relative PEC size: log-normal spread (sigma 0.4) around the settlement's kind, clamped to
// [0.3, 2.5] x so no PEC is implausibly small or large.
double pec_weight(double factor, RandomStream& rng) {
    return std::clamp(factor * std::exp(rng.normal(0.0, 0.4)), 0.3 * factor, 2.5 * factor);
}

// The PECs abroad: each post's PECs around it, the region's voters shared by seeded PEC sizes.
std::vector<core::Pec> abroad_pecs(std::uint64_t seed, const core::Region& region) {
    std::vector<core::Pec> pecs;
    std::vector<AbroadPost> posts(kAbroad.begin(), kAbroad.end());
    posts.push_back(kAbroadLast);
    RandomStream sizes(seed, region.code, kPecSizes);
    RandomStream where(seed, region.code, kPecPositions);
    std::vector<double> weights;
    for (const auto& post : posts)
        for (int k = 0; k < post.pecs; ++k) {
            weights.push_back(pec_weight(post.weight, sizes));
            core::Pec pec;
            pec.region_code = region.code;
            pec.district = 0;
            pec.lat = post.lat + where.normal(0.0, 0.03);
            pec.lon = post.lon + where.normal(0.0, 0.03);
            pec.place = fmt::format("{} ({})", post.country, post.city);
            pecs.push_back(pec);
        }
    const auto registered = largest_remainder(region.voters, weights);
    for (std::size_t i = 0; i < pecs.size(); ++i) pecs[i].registered = registered[i];
    return pecs;
}

// A domestic region's districts (appended to `districts`, numbered on from `district_number`) and
// its PECs along the region's settlements, each district's voters shared by seeded PEC sizes.
std::vector<core::Pec> domestic_pecs(std::uint64_t seed, const core::Region& region, int& district_number,
                                     std::vector<core::District>& districts) {
    const double lower = 0.8 * kDistrictMeanVoters, upper = 1.2 * kDistrictMeanVoters;
    std::vector<core::Pec> pecs;
    // District sizes: near-equal shares of the region with a seeded spread, kept well inside
    // the legal +/- 20 % of the national mean (half the room to the bound, at most 8 %).
    const double mean = static_cast<double>(region.voters) / region.districts;
    const double spread = std::min({0.08, 0.5 * (1.0 - lower / mean), 0.5 * (upper / mean - 1.0)});
    RandomStream split(seed, region.code, kDistrictSplit);
    std::vector<double> dweights;
    for (int d = 0; d < region.districts; ++d) dweights.push_back(1.0 + spread * (2.0 * split.uniform() - 1.0));
    const auto dvoters = largest_remainder(region.voters, dweights);
    std::vector<double> dshare(dvoters.begin(), dvoters.end());
    const auto dpecs = largest_remainder(region.pecs, dshare);
    const auto& chain = settlements_of(region.code);
    RandomStream sizes(seed, region.code, kPecSizes);
    RandomStream where(seed, region.code, kPecPositions);
    int done = 0;
    for (int d = 0; d < region.districts; ++d) {
        core::District district;
        district.number = ++district_number;
        district.region_code = region.code;
        district.name = fmt::format("{} No. {}", region.name, d + 1);
        district.voters = dvoters[static_cast<std::size_t>(d)];
        districts.push_back(district);
        std::vector<double> weights;
        const int n = static_cast<int>(dpecs[static_cast<std::size_t>(d)]);
        for (int j = 0; j < n; ++j) {
            const double t = (static_cast<double>(done + j) + 0.5) / region.pecs;
            const Settlement& s = settlement_at(chain, t);
            weights.push_back(pec_weight(kind_factor(s.kind), sizes));
            const double jitter = s.kind == Kind::rural ? 0.06 : s.kind == Kind::town ? 0.03 : 0.015;
            core::Pec pec;
            pec.region_code = region.code;
            pec.district = district.number;
            pec.lat = s.lat + jitter * (2.0 * where.uniform() - 1.0);
            pec.lon = s.lon + jitter * (2.0 * where.uniform() - 1.0);
            pec.place = s.name;
            pecs.push_back(pec);
        }
        const auto registered = largest_remainder(district.voters, weights);
        for (int j = 0; j < n; ++j)
            pecs[static_cast<std::size_t>(done + j)].registered = registered[static_cast<std::size_t>(j)];
        done += n;
    }
    return pecs;
}

void make_districts_and_pecs(std::uint64_t seed, core::ElectionPackage& pkg) {
    int district_number = 0;
    for (const auto& region : pkg.regions) {
        std::vector<core::Pec> pecs =
            region.abroad ? abroad_pecs(seed, region) : domestic_pecs(seed, region, district_number, pkg.districts);
        // Numbered within the region (region code * 1000 + 1, + 2, ...), positions to 1e-5 degree.
        for (std::size_t i = 0; i < pecs.size(); ++i) {
            pecs[i].number = region.code * 1000 + static_cast<int>(i) + 1;
            pecs[i].lat = std::round(pecs[i].lat * 1e5) / 1e5;
            pecs[i].lon = std::round(pecs[i].lon * 1e5) / 1e5;
        }
        pkg.pecs.insert(pkg.pecs.end(), pecs.begin(), pecs.end());
    }
    // Voter ids run on from PEC to PEC.
    std::int64_t first = 0;
    for (auto& pec : pkg.pecs) {
        pec.first_voter = first;
        first += pec.registered;
    }
}

// Identification desks: the 6,938 operators shared in proportion to PEC size, each PEC 1..4.
// Water-filling: find the scale s with sum clamp(s * registered, 1, 4) = 6,938, then round by
// largest remainder among PECs not at a bound, so the total is exactly 6,938.
void assign_id_desks(std::vector<core::Pec>& pecs) {
    auto desks_at = [&](double s) {
        double sum = 0.0;
        for (const auto& p : pecs) sum += std::clamp(s * static_cast<double>(p.registered), 1.0, 4.0);
        return sum;
    };
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (desks_at(mid) < kIdentificationOperators ? lo : hi) = mid;
    }
    std::vector<double> exact;
    int given = 0;
    for (auto& p : pecs) {
        exact.push_back(std::clamp(hi * static_cast<double>(p.registered), 1.0, 4.0));
        p.id_desks = static_cast<int>(std::floor(exact.back()));
        given += p.id_desks;
    }
    std::vector<std::size_t> order(pecs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return exact[a] - std::floor(exact[a]) > exact[b] - std::floor(exact[b]);
    });
    for (std::size_t k = 0; given < kIdentificationOperators && k < order.size(); ++k)
        if (pecs[order[k]].id_desks < 4) {
            ++pecs[order[k]].id_desks;
            ++given;
        }
}

// [SECTION] Parties and lists

// The parties in ballot order with their support (share of valid, non-"against all" ballots): the
// passing ones' published votes over the expected such ballots at the calibrated turnout; the other
// 15 share the rest in proportion to their preliminary shares of election night (kOthersPreliminary).
// Returns the indexes of the non-passing parties in a seeded order (the list lengths draw from it).
std::vector<int> add_parties(std::uint64_t seed, core::ElectionPackage& pkg) {
    const auto& rules = pkg.rules;
    const double base = rules.turnout * static_cast<double>(pkg.registered()) * (1.0 - rules.invalid_share - rules.against_all);
    double passing_share = 0.0, others_percent = 0.0;
    for (const auto& p : kPassing) passing_share += p.votes / base;
    for (const auto& p : kOthersPreliminary) others_percent += p.percent;
    std::vector<int> others;
    for (int i = 0; i < static_cast<int>(kPartyNames.size()); ++i) {
        core::Party party;
        party.id = i + 1;
        party.name = kPartyNames[static_cast<std::size_t>(i)];
        bool passing = false;
        for (const auto& p : kPassing)
            if (party.name == p.name) party.support = p.votes / base, passing = true;
        for (const auto& p : kOthersPreliminary)
            if (party.name == p.name) party.support = (1.0 - passing_share) * p.percent / others_percent;
        if (!passing) others.push_back(i);
        pkg.parties.push_back(party);
    }
    RandomStream support(seed, 0, kSupport);
    for (std::size_t i = others.size(); i > 1; --i) std::swap(others[i - 1], others[support.below(i)]);
    std::vector<double*> shares;
    for (auto& p : pkg.parties) shares.push_back(&p.support);
    round_shares(shares, 1.0, 8);
    return others;
}

// List lengths: 54 (the maximum) each, then 128 places removed one at a time from random non-passing lists
// (`others`; never below 30) to reach the 1,006 published candidates.
std::vector<int> list_lengths(std::uint64_t seed, const core::ElectionRules& rules, std::size_t parties,
                              const std::vector<int>& others) {
    const int max_len = rules.max_list_length;
    std::vector<int> length(parties, max_len);
    RandomStream lengths(seed, 0, kListLengths);
    int total = max_len * static_cast<int>(length.size());
    while (total > kListCandidates) {
        const int i = others[lengths.below(others.size())];
        if (length[static_cast<std::size_t>(i)] > 30) {
            --length[static_cast<std::size_t>(i)];
            --total;
        }
    }
    return length;
}

// Women per list: the legal minimum (30 % of the list, rounded up), then the remaining women of the
// published 363 one at a time to random lists that keep at least 30 % men.
std::vector<int> list_women(std::uint64_t seed, const core::ElectionRules& rules, const std::vector<int>& length) {
    const double min_sex_share = 1.0 - rules.list_max_one_sex_share;
    std::vector<int> women(length.size());
    int women_total = 0;
    for (std::size_t i = 0; i < length.size(); ++i) {
        women[i] = static_cast<int>(std::ceil(min_sex_share * length[i] - 1e-9));
        women_total += women[i];
    }
    RandomStream wdraw(seed, 0, kListWomenDraw);
    while (women_total < kListWomen) {
        const std::size_t i = wdraw.below(length.size());
        if (length[i] - women[i] - 1 >= static_cast<int>(std::ceil(min_sex_share * length[i] - 1e-9))) {
            ++women[i];
            ++women_total;
        }
    }
    return women;
}

// The sex of each of a list's n places: each drawn in proportion to the sexes still to place, forced
// when a run would exceed run_max or when the rest could no longer be arranged with runs of at most run_max.
std::vector<Sex> sex_order(RandomStream& rng, int n, int women, int run_max) {
    int left[2] = {women, n - women};
    std::vector<Sex> sexes;
    int run = 0;
    Sex last = Sex::female;
    auto feasible = [&](int s) {  // after placing sex s
        const int a = left[s] - 1, b = left[1 - s];
        const int r = (!sexes.empty() && static_cast<int>(last) == s) ? run + 1 : 1;
        return a >= 0 && r <= run_max && a <= (run_max - r) + run_max * b && b <= run_max * (a + 1);
    };
    for (int k = 0; k < n; ++k) {
        int s = rng.below(static_cast<std::uint64_t>(left[0] + left[1])) < static_cast<std::uint64_t>(left[0]) ? 0 : 1;
        if (!feasible(s)) s = 1 - s;
        run = (!sexes.empty() && static_cast<int>(last) == s) ? run + 1 : 1;
        last = static_cast<Sex>(s);
        sexes.push_back(last);
        --left[s];
    }
    return sexes;
}

// A quota's places on a list of n: the legal minimum share rounded up plus up to `extra` more, on seeded places.
std::vector<bool> quota_places(RandomStream& rng, int n, double share, int extra) {
    const int count = std::min(n, static_cast<int>(std::ceil(share * n - 1e-9)) + static_cast<int>(rng.below(static_cast<std::uint64_t>(extra) + 1)));
    std::vector<int> places(static_cast<std::size_t>(n));
    std::iota(places.begin(), places.end(), 0);
    std::vector<bool> mark(static_cast<std::size_t>(n), false);
    for (int k = 0; k < count; ++k) {
        const std::size_t j = static_cast<std::size_t>(k) + rng.below(static_cast<std::uint64_t>(n - k));
        std::swap(places[static_cast<std::size_t>(k)], places[j]);
        mark[static_cast<std::size_t>(places[static_cast<std::size_t>(k)])] = true;
    }
    return mark;
}

// One party's list of n candidates with `women` women, from the party's own stream: the sex order,
// then the youth, minority and disability quotas, then each candidate's birth year and name.
std::vector<core::ListCandidate> party_list(std::uint64_t seed, const core::ElectionPackage& pkg, int party_id, int n, int women) {
    const auto& rules = pkg.rules;
    RandomStream rng(seed, party_id, kList);
    const std::vector<Sex> sexes = sex_order(rng, n, women, rules.list_max_same_sex_run);
    const auto youth = quota_places(rng, n, rules.list_youth_min_share, 4);
    const auto minority = quota_places(rng, n, rules.list_minority_min_share, 4);
    const auto disability = quota_places(rng, n, rules.list_disability_min_share, 1);
    const int year = std::stoi(pkg.date.substr(0, 4));
    const int youth_age = rules.list_youth_max_age;
    std::vector<core::ListCandidate> list;
    for (int k = 0; k < n; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        core::ListCandidate c;
        c.position = k + 1;
        c.sex = sexes[kk];
        c.minority = minority[kk];
        c.disability = disability[kk];
        // Youth: born in or after (year - 35), hence 35 or younger on election day whatever the
        // birthday; candidates are at least 25 (our reading of the 2021 Constitution, art. 78).
        c.birth_year = youth[kk] ? year - youth_age + static_cast<int>(rng.below(11))
                                 : year - 73 + static_cast<int>(rng.below(73 - youth_age));
        c.name = person_name(c.sex, c.minority, rng);
        list.push_back(c);
    }
    return list;
}

void make_parties(std::uint64_t seed, core::ElectionPackage& pkg) {
    const std::vector<int> others = add_parties(seed, pkg);
    const std::vector<int> length = list_lengths(seed, pkg.rules, pkg.parties.size(), others);
    const std::vector<int> women = list_women(seed, pkg.rules, length);
    for (std::size_t i = 0; i < pkg.parties.size(); ++i)
        pkg.parties[i].list = party_list(seed, pkg, pkg.parties[i].id, length[i], women[i]);
}

// [SECTION] District candidates

// Candidates per district: 4 each, then the rest of the 286 one at a time to random districts,
// Bishkek districts twice as likely (more candidates ran in the capital - our estimate).
std::vector<int> district_candidate_counts(std::uint64_t seed, const core::ElectionPackage& pkg) {
    const std::size_t nd = pkg.districts.size();
    std::vector<int> count(nd, 4);
    int total = 4 * static_cast<int>(nd);
    RandomStream counts(seed, 0, kDistrictCandidateCounts);
    std::vector<double> weight;
    double weight_sum = 0.0;
    for (const auto& d : pkg.districts) weight_sum += weight.emplace_back(d.region_code == 1 ? 2.0 : 1.0);
    while (total < kDistrictCandidatesActive) {
        double u = counts.uniform() * weight_sum;
        std::size_t i = 0;
        while (i + 1 < nd && u >= weight[i]) u -= weight[i++];
        if (count[i] < 16) {
            ++count[i];
            ++total;
        }
    }
    return count;
}

// The Bishkek districts in a seeded order: the first two are where "against all" led in 2021 (33 % and 38 %).
std::vector<std::size_t> against_all_leaders(std::uint64_t seed, const core::ElectionPackage& pkg) {
    std::vector<std::size_t> bishkek;
    for (std::size_t i = 0; i < pkg.districts.size(); ++i)
        if (pkg.districts[i].region_code == 1) bishkek.push_back(i);
    RandomStream leaders(seed, 0, kAgainstAllLeaders);
    for (std::size_t i = bishkek.size(); i > 1; --i) std::swap(bishkek[i - 1], bishkek[leaders.below(i)]);
    return bishkek;
}

// The n candidates' support shares of what "against all" leaves: lognormal draws, capped below
// "against all" where it led (`led`), else with the strongest candidate at least 2 points above it.
std::vector<double> candidate_support(RandomStream& rng, int n, double against_all, bool led) {
    std::vector<double> w;
    for (int k = 0; k < n; ++k) w.push_back(std::exp(rng.normal(0.0, 0.9)));
    const double rest = 1.0 - against_all;
    auto normalise = [&] {
        const double s = std::accumulate(w.begin(), w.end(), 0.0);
        for (double& x : w) x = x / s * rest;
    };
    normalise();
    if (led) {
        // Water-filling cap: no candidate reaches "against all" (keep 3 points below it).
        const double cap = against_all - 0.03;
        for (int iter = 0; iter < 50; ++iter) {
            double excess = 0.0, free = 0.0;
            for (double& x : w)
                if (x > cap) { excess += x - cap; x = cap; } else if (x < cap) free += x;
            if (excess <= 0.0) break;
            for (double& x : w)
                if (x < cap) x += excess * x / free;
        }
    } else {
        // A candidate leads: the strongest is at least 2 points above "against all".
        auto top = std::max_element(w.begin(), w.end());
        while (*top < against_all + 0.02) {
            *top *= 1.5;
            normalise();
        }
    }
    return w;
}

// One district candidate: sex, name, and a party (by support) for 45 % of them, self-nominated otherwise.
core::DistrictCandidate district_candidate(const core::ElectionPackage& pkg, int id, double support, RandomStream& rng) {
    core::DistrictCandidate c;
    c.id = id;
    c.sex = rng.bernoulli(0.12) ? Sex::female : Sex::male;
    c.name = person_name(c.sex, rng.bernoulli(0.10), rng);
    if (rng.bernoulli(0.45)) {
        double u = rng.uniform();
        std::size_t p = 0;
        while (p + 1 < pkg.parties.size() && u >= pkg.parties[p].support) u -= pkg.parties[p++].support;
        c.nominated_by = pkg.parties[p].name;
    } else {
        c.nominated_by = "self-nominated";
    }
    c.support = support;
    return c;
}

void make_district_candidates(std::uint64_t seed, core::ElectionPackage& pkg) {
    const std::vector<int> count = district_candidate_counts(seed, pkg);
    const std::vector<std::size_t> bishkek = against_all_leaders(seed, pkg);
    for (std::size_t i = 0; i < pkg.districts.size(); ++i) {
        auto& district = pkg.districts[i];
        RandomStream rng(seed, district.number, kDistrictCandidates);
        const bool led = bishkek.size() >= 2 && (i == bishkek[0] || i == bishkek[1]);
        district.against_all = led ? (i == bishkek[0] ? 0.33 : 0.38) : 0.03 + 0.06 * rng.uniform();
        const std::vector<double> w = candidate_support(rng, count[i], district.against_all, led);
        for (int k = 0; k < count[i]; ++k)
            district.candidates.push_back(district_candidate(pkg, k + 1, w[static_cast<std::size_t>(k)], rng));
        std::vector<double*> shares;
        for (auto& c : district.candidates) shares.push_back(&c.support);
        round_shares(shares, 1.0 - district.against_all, 6);
    }
}

// [SECTION] Technical support
// The support organisation (support.yaml; docs/support.md): the 600 experts of 2021 as one-person
// crews, shared among the bases in proportion to the PECs each serves; a base per single-mandate
// district at its largest settlement (the real territorial commissions, about one per rayon, are
// more and nearer: ours travel further), one per post abroad. Spares: the 2021 reserve of ballot
// scanners (5,700 delivered less 2 per PEC), the rest our estimates as shares of the devices in use.

struct SupportDraft {
    core::SupportBase base;
    double pecs = 0;                  // PECs it serves
    double desks = 0;                 // their identification desks
    double arbbs = 0;                 // their ARBBs (2 per PEC at home, 1 abroad: party list only)
    double lat_sum = 0, lon_sum = 0;  // of the PECs at the base's place
    int at_place = 0;
};

// Mean road speed by region (our estimates: Bishkek's traffic, Chui's and Issyk-Kul's valley roads,
// the mountain passes of Naryn, Batken and the south; a post abroad moves by city taxi).
double road_kmh(int region) {
    constexpr std::array<double, 9> kmh{25, 40, 50, 40, 40, 45, 50, 35, 25};
    return kmh[static_cast<std::size_t>(region - 1)];
}

std::vector<SupportDraft> support_drafts(const core::ElectionPackage& pkg) {
    std::vector<SupportDraft> drafts;
    // A base per district (named after its largest place) or per post abroad.
    for (const auto& pec : pkg.pecs) {
        const std::string key = pec.district ? fmt::format("district {}", pec.district) : pec.place;
        auto it = std::find_if(drafts.begin(), drafts.end(), [&](const SupportDraft& d) { return d.base.name == key; });
        if (it == drafts.end()) {
            it = drafts.emplace(drafts.end());
            it->base.name = key, it->base.region_code = pec.region_code, it->base.district = pec.district;
            it->base.road_kmh = road_kmh(pec.region_code);
        }
        it->pecs += 1;
        it->desks += pec.id_desks;
        it->arbbs += pec.district ? 2 : 1;
    }
    for (auto& d : drafts) {
        std::vector<std::pair<std::string, int>> places;  // in order of first PEC
        for (const auto& pec : pkg.pecs) {
            if (pec.region_code != d.base.region_code || (d.base.district ? pec.district != d.base.district : pec.place != d.base.name)) continue;
            auto it = std::find_if(places.begin(), places.end(), [&](const auto& p) { return p.first == pec.place; });
            if (it == places.end()) it = places.insert(places.end(), {pec.place, 0});
            ++it->second;
        }
        const auto largest = std::max_element(places.begin(), places.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        const std::string place = largest->first;
        for (const auto& pec : pkg.pecs)
            if (pec.place == place && pec.region_code == d.base.region_code && pec.district == d.base.district)
                d.lat_sum += pec.lat, d.lon_sum += pec.lon, ++d.at_place;
        // Two districts whose largest place is the same city: the base takes the district's number too.
        const bool taken = std::any_of(drafts.begin(), drafts.end(), [&](const SupportDraft& o) { return o.base.name == place; });
        d.base.name = taken ? fmt::format("{} (district {})", place, d.base.district) : place;
        d.base.lat = std::round(d.lat_sum / d.at_place * 1e5) / 1e5;
        d.base.lon = std::round(d.lon_sum / d.at_place * 1e5) / 1e5;
    }
    return drafts;
}

// `total` shared in proportion to `weight(draft)`, at least one each.
template <class Weight>
std::vector<std::int64_t> share_out(const std::vector<SupportDraft>& drafts, std::int64_t total, Weight weight) {
    std::vector<double> w;
    for (const auto& d : drafts) w.push_back(weight(d));
    auto parts = largest_remainder(total - static_cast<std::int64_t>(drafts.size()), w);
    for (auto& p : parts) ++p;
    return parts;
}

core::SupportOrganisation make_support(const core::ElectionPackage& pkg) {
    core::SupportOrganisation org;
    org.help_desk_lines = 30;        // our estimate: the CEC's hotline and the territorial commissions' phones
    org.road_circuity = 1.4;         // our estimate for mountain roads (docs/support.md)
    org.set_off_minutes = 10;
    org.max_travel_minutes = 240;
    auto drafts = support_drafts(pkg);
    const auto npecs = static_cast<std::int64_t>(pkg.pecs.size());
    std::int64_t desks = 0, arbbs = 0;
    for (const auto& pec : pkg.pecs) desks += pec.id_desks, arbbs += pec.district ? 2 : 1;
    const auto crews = share_out(drafts, kSupportExperts, [](const SupportDraft& d) { return d.pecs; });
    // Spares per kind: ballot scanners the 2021 reserve; fingerprint scanners, printers 10 % of the
    // desks; document readers and webcams 5 %; modems 10 % of the PECs; UPSes 10 % of the ARBBs
    // they power (our estimates). Each kind is shared by what it serves: desks, PECs or ARBBs.
    enum class By { desks, pecs, arbbs };
    const std::array<std::int64_t, core::kSpareKindCount> totals{desks / 10, desks / 20, desks / 20, desks / 10,
                                                                 kBallotScannersDelivered - 2 * npecs, npecs / 10, arbbs / 10};
    const std::array<By, core::kSpareKindCount> by{By::desks, By::desks, By::desks, By::desks, By::pecs, By::pecs, By::arbbs};
    for (std::size_t k = 0; k < core::kSpareKindCount; ++k) {
        const auto parts = share_out(drafts, std::max<std::int64_t>(totals[k], static_cast<std::int64_t>(drafts.size())),
                                     [&](const SupportDraft& d) { return by[k] == By::desks ? d.desks : by[k] == By::pecs ? d.pecs : d.arbbs; });
        for (std::size_t i = 0; i < drafts.size(); ++i) drafts[i].base.spares[k] = static_cast<int>(parts[i]);
    }
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        drafts[i].base.crews = static_cast<int>(crews[i]);
        org.bases.push_back(drafts[i].base);
    }
    return org;
}

// [SECTION] Writing YAML

std::string yaml_quoted(std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

const char* sex_word(Sex s) { return s == Sex::female ? "female" : "male"; }
const char* yes_no(bool b) { return b ? "true" : "false"; }

// The header names the generator's first home: the committed package (assets/kg2021/) carries this
// line, and the generator must keep reproducing those files byte for byte.
constexpr std::string_view kHeader =
    "version: 1\n"
    "# Shailoo Sim election package, generated by `shailoo package generate` (packagegen/package_generator.cpp).\n"
    "# Format and modelling choices: docs/election-package.md. Do not edit by hand: regenerate.\n";

std::string election_yaml(const core::ElectionPackage& p) {
    const auto& r = p.rules;
    std::string s{kHeader};
        s += fmt::format("name: {}\ndate: {}\nseed: {}\n", yaml_quoted(p.name), p.date, p.seed);
    s += "rules:\n";
    s += fmt::format("  seats_total: {}\n  seats_party_list: {}\n  seats_single_mandate: {}\n", r.seats_total,
                     r.seats_party_list, r.seats_single_mandate);
    s += fmt::format("  threshold_national: {}\n  threshold_regional: {}\n  women_reserved_share: {}\n",
                     r.threshold_national, r.threshold_regional, r.women_reserved_share);
    s += fmt::format("  max_list_length: {}\n  party_list_method: {}\n  single_mandate_method: {}\n", r.max_list_length,
                     r.party_list_method, r.single_mandate_method);
    s += fmt::format("  list_max_one_sex_share: {}\n  list_max_same_sex_run: {}\n", r.list_max_one_sex_share,
                     r.list_max_same_sex_run);
    s += fmt::format("  list_youth_min_share: {}\n  list_youth_max_age: {}\n", r.list_youth_min_share, r.list_youth_max_age);
    s += fmt::format("  list_minority_min_share: {}\n  list_disability_min_share: {}\n", r.list_minority_min_share,
                     r.list_disability_min_share);
    s += fmt::format("  turnout: {}\n  invalid_share: {}\n  against_all: {}\n", r.turnout, r.invalid_share, r.against_all);
    s += fmt::format("voter_profile:\n  men_share: {}\n  age_bands:\n", p.voter_profile.men_share);
    for (const auto& b : p.voter_profile.age_bands)
        s += fmt::format("    - {{from: {}, to: {}, share: {}}}\n", b.from, b.to, b.share);
    return s;
}

std::string regions_yaml(const core::ElectionPackage& p) {
    std::string s{kHeader};
    s += "regions:\n";
    for (const auto& r : p.regions)
        s += fmt::format("  - {{code: {}, name: {}, voters: {}, districts: {}, pecs: {}, abroad: {}, turnout_bias: {:.6f}}}\n",
                         r.code, yaml_quoted(r.name), r.voters, r.districts, r.pecs, yes_no(r.abroad), r.turnout_bias);
    return s;
}

std::string districts_yaml(const core::ElectionPackage& p) {
    std::string s{kHeader};
    s += "districts:\n";
    for (const auto& d : p.districts) {
        s += fmt::format("  - number: {}\n    region: {}\n    name: {}\n    voters: {}\n    against_all: {:.6f}\n    candidates:\n",
                         d.number, d.region_code, yaml_quoted(d.name), d.voters, d.against_all);
        for (const auto& c : d.candidates)
            s += fmt::format("      - {{id: {}, name: {}, sex: {}, nominated_by: {}, support: {:.6f}}}\n", c.id,
                             yaml_quoted(c.name), sex_word(c.sex), yaml_quoted(c.nominated_by), c.support);
    }
    return s;
}

std::string parties_yaml(const core::ElectionPackage& p) {
    std::string s{kHeader};
    s += "parties:\n";
    for (const auto& party : p.parties) {
        s += fmt::format("  - id: {}\n    name: {}\n    support: {:.8f}\n    list:\n", party.id, yaml_quoted(party.name), party.support);
        for (const auto& c : party.list)
            s += fmt::format("      - {{position: {}, name: {}, sex: {}, birth_year: {}, minority: {}, disability: {}}}\n",
                             c.position, yaml_quoted(c.name), sex_word(c.sex), c.birth_year, yes_no(c.minority),
                             yes_no(c.disability));
    }
    return s;
}

std::string pecs_yaml(const core::ElectionPackage& p) {
    std::string s{kHeader};
    s += "pecs:\n";
    for (const auto& pec : p.pecs)
        s += fmt::format("  - {{number: {}, region: {}, district: {}, registered: {}, first_voter: {}, id_desks: {}, "
                         "lat: {:.5f}, lon: {:.5f}, place: {}}}\n",
                         pec.number, pec.region_code, pec.district, pec.registered, pec.first_voter, pec.id_desks,
                         pec.lat, pec.lon, yaml_quoted(pec.place));
    return s;
}

std::string support_yaml(const core::SupportOrganisation& org) {
    std::string s{kHeader};
    s += fmt::format("help_desk_lines: {}\nroad_circuity: {}\nset_off_minutes: {}\nmax_travel_minutes: {}\nbases:\n",
                     org.help_desk_lines, org.road_circuity, org.set_off_minutes, org.max_travel_minutes);
    for (const auto& b : org.bases) {
        std::string spares;
        for (std::size_t k = 0; k < core::kSpareKindCount; ++k)
            spares += fmt::format("{}{}: {}", k ? ", " : "", core::kSpareKinds[k], b.spares[k]);
        s += fmt::format("  - {{name: {}, region: {}, district: {}, lat: {:.5f}, lon: {:.5f}, crews: {}, road_kmh: {}, spares: {{{}}}}}\n",
                         yaml_quoted(b.name), b.region_code, b.district, b.lat, b.lon, b.crews, b.road_kmh, spares);
    }
    return s;
}

core::Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return core::fail(fmt::format("{}: cannot open for writing", path.string()));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) return core::fail(fmt::format("{}: write failed", path.string()));
    return {};
}

}  // namespace

core::Result<core::ElectionPackage> build_election_package(std::uint64_t seed) {
    core::ElectionPackage pkg;
    pkg.name = "Elections of deputies of the Jogorku Kenesh of the Kyrgyz Republic, 2021";
    pkg.date = "2021-11-28";
    pkg.seed = seed;
    auto& r = pkg.rules;
    r.seats_total = 90;
    r.seats_party_list = 54;
    r.seats_single_mandate = 36;
    r.threshold_national = 0.05;
    r.threshold_regional = 0.005;
    r.women_reserved_share = 0.30;
    r.max_list_length = 54;
    r.party_list_method = "largest_remainder_hare";
    r.single_mandate_method = "plurality";
    r.list_max_one_sex_share = 0.70;
    r.list_max_same_sex_run = 3;
    r.list_youth_min_share = 0.15;
    r.list_youth_max_age = 35;
    r.list_minority_min_share = 0.15;
    r.list_disability_min_share = 0.05;
    r.turnout = 0.355;
    r.invalid_share = 0.0927;
    r.against_all = 0.022;
    // Voter roll make-up (calibration: men 48 %; age shares, "18" being the 18-year-olds inside
    // "18-29"; the 70+ band is taken to end at 89 - our estimate).
    pkg.voter_profile.men_share = 0.48;
    pkg.voter_profile.age_bands = {{18, 18, 0.02}, {19, 29, 0.27}, {30, 39, 0.24}, {40, 49, 0.17},
                                   {50, 59, 0.15}, {60, 69, 0.10}, {70, 89, 0.05}};
    pkg.regions = make_regions();
    make_districts_and_pecs(seed, pkg);
    assign_id_desks(pkg.pecs);
    make_parties(seed, pkg);
    make_district_candidates(seed, pkg);
    pkg.support = make_support(pkg);
    return pkg;
}

core::Result<void> write_election_package(const core::ElectionPackage& package, const std::filesystem::path& out_dir) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) return core::fail(fmt::format("{}: cannot create folder: {}", out_dir.string(), ec.message()));
    const std::pair<const char*, std::string> files[] = {
        {"election.yaml", election_yaml(package)}, {"regions.yaml", regions_yaml(package)},
        {"districts.yaml", districts_yaml(package)}, {"parties.yaml", parties_yaml(package)},
        {"pecs.yaml", pecs_yaml(package)},
    };
    if (package.support)
        if (auto ok = write_file(out_dir / "support.yaml", support_yaml(*package.support)); !ok) return ok;
    for (const auto& [name, text] : files)
        if (auto ok = write_file(out_dir / name, text); !ok) return ok;
    return {};
}

core::Result<void> generate_election_package(std::uint64_t seed, const std::filesystem::path& out_dir) {
    auto pkg = build_election_package(seed);
    if (!pkg) return std::unexpected(pkg.error());
    return write_election_package(*pkg, out_dir);
}

}  // namespace packagegen
