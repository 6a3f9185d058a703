#pragma once
/// The stores' compact form of a list of counts (both stores write the same bytes, central/store.cpp
/// says why): varint n, varint m, then the first m counts as zigzag varints; counts m..n-1 are zero.
/// A party's preference votes are such lists after a varint number of parties.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "central/report_store.hpp"

namespace central::count_blob {

/// Appends an unsigned LEB128 varint.
inline void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

/// Appends one count, zigzag encoded (a negative value a caller passes survives the round trip).
inline void put_count(std::vector<std::uint8_t>& out, std::int64_t v) {
    put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

/// Appends a list of counts, its trailing zeros left out.
inline void put_counts(std::vector<std::uint8_t>& out, const std::vector<std::int64_t>& counts) {
    std::size_t m = counts.size();
    while (m > 0 && counts[m - 1] == 0) --m;
    put_varint(out, counts.size());
    put_varint(out, m);
    for (std::size_t i = 0; i < m; ++i) put_count(out, counts[i]);
}

/// The option_votes blob of a report.
inline void put_options(std::vector<std::uint8_t>& out, const StoredReport& r) {
    out.clear();
    put_counts(out, r.option_votes);
}

/// The preference_votes blob of a report.
inline void put_preferences(std::vector<std::uint8_t>& out, const StoredReport& r) {
    out.clear();
    put_varint(out, r.preference_votes.size());
    for (const auto& party : r.preference_votes) put_counts(out, party);
}

/// Reads compact count blobs; any inconsistency is a damaged store.
class CountReader {
public:
    CountReader(std::span<const std::uint8_t> bytes, const std::string& store, std::int64_t id, const char* column)
        : bytes_(bytes), store_(store), id_(id), column_(column) {}
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= bytes_.size()) break;
            const auto b = bytes_[pos_++];
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        throw StoreCorrupt(fmt::format("{}: report {}: {} is truncated", store_, id_, column_));
    }
    std::int64_t count() {
        const auto z = varint();
        return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
    }
    std::vector<std::int64_t> counts() {
        const auto n = varint();
        const auto m = varint();
        if (m > n || m > bytes_.size() - pos_ || n > (std::uint64_t{1} << 20))
            throw StoreCorrupt(fmt::format("{}: report {}: {} has bad lengths", store_, id_, column_));
        std::vector<std::int64_t> out(static_cast<std::size_t>(n), 0);
        for (std::size_t i = 0; i < m; ++i) out[i] = count();
        return out;
    }
    std::size_t length() {
        const auto n = varint();
        if (n > bytes_.size() - pos_) throw StoreCorrupt(fmt::format("{}: report {}: {} has a bad length", store_, id_, column_));
        return static_cast<std::size_t>(n);
    }
    void expect_end() const {
        if (pos_ != bytes_.size()) throw StoreCorrupt(fmt::format("{}: report {}: {} has trailing bytes", store_, id_, column_));
    }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
    const std::string& store_;
    std::int64_t id_;
    const char* column_;
};

/// Decodes a report's two count blobs into it.
inline void read_counts(StoredReport& r, std::span<const std::uint8_t> options, std::span<const std::uint8_t> preferences,
                        const std::string& store, std::int64_t id) {
    CountReader o(options, store, id, "option_votes");
    r.option_votes = o.counts();
    o.expect_end();
    CountReader p(preferences, store, id, "preference_votes");
    r.preference_votes.resize(p.length());
    for (auto& party : r.preference_votes) party = p.counts();
    p.expect_end();
}

}  // namespace central::count_blob
