#pragma once
/// Counter-based random streams and the hash they are built on.
/// Real code (core/, station/, central/) never creates a stream of its own: the simulator
/// derives one per entity from (seed, entity, purpose) and hands it to devices and models,
/// so results do not depend on the order in which entities run or on the thread count.
#include <cmath>
#include <cstdint>

namespace core {

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// Hash of several keys, order-sensitive: hash_keys(seed, pec, purpose).
constexpr std::uint64_t hash_keys(std::uint64_t a) { return mix64(a); }
template <class... Rest>
constexpr std::uint64_t hash_keys(std::uint64_t a, std::uint64_t b, Rest... rest) {
    return hash_keys(mix64(a) ^ (b + 0x632be59bd9b4e019ULL + (a << 6) + (a >> 2)), static_cast<std::uint64_t>(rest)...);
}

/// A stream of random numbers: the i-th draw is mix64(key + i * golden), so a stream is
/// fully described by its key, position and (for normal()) the spare value of the last pair,
/// and any entity's stream can be rebuilt alone.
class RandomStream {
public:
    /// A stream for one entity and purpose, e.g. RandomStream(seed, pec_number, kArrivals).
    template <class... Keys>
    explicit RandomStream(std::uint64_t seed, Keys... keys)
        : key_(hash_keys(seed, static_cast<std::uint64_t>(keys)...)) {}

    /// Step between the mixer inputs of consecutive draws (the golden ratio, as in SplitMix64).
    static constexpr std::uint64_t kStep = 0x9e3779b97f4a7c15ULL;

    /// Next 64 random bits.
    std::uint64_t next_u64() { return mix64(key_ + (counter_++) * kStep); }
    /// Uniform in [0, 1) with 53 bits.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    /// Uniform in (0, 1]: safe for log().
    double uniform_pos() { return 1.0 - uniform(); }
    /// Uniform integer in [0, n); n > 0. Lemire's multiply-shift (bias below 2^-64 * n).
    std::uint64_t below(std::uint64_t n) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next_u64()) * n) >> 64);
    }
    /// True with probability p.
    bool bernoulli(double p) { return uniform() < p; }
    /// Exponential with the given mean.
    double exponential(double mean) { return -mean * std::log(uniform_pos()); }
    /// Standard normal (Box-Muller; the second value of each pair is kept for the next call).
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const double u1 = uniform_pos(), u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 6.283185307179586 * u2;
        spare_ = r * std::sin(a);
        has_spare_ = true;
        return r * std::cos(a);
    }
    /// Normal with mean and standard deviation.
    double normal(double mean, double sd) { return mean + sd * normal(); }
    /// Number of draws made so far.
    std::uint64_t position() const { return counter_; }
    /// The stream's key: draw i is mix64(key() + i * kStep). For code that computes several draws
    /// at once (e.g. in vector registers) and then moves the stream past them with seek().
    std::uint64_t key() const { return key_; }
    /// Continues the stream at draw number `position` (the spare normal value is kept).
    void seek(std::uint64_t position) { counter_ = position; }

private:
    std::uint64_t key_;
    std::uint64_t counter_ = 0;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace core
