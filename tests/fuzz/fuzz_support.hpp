#pragma once
// Shared by the fuzz targets (tests/fuzz/fuzz_*.cpp): reading the input as text, as frames of the
// ingest protocol or as several files, the small election package the targets run against, and the
// check that stops a run when a property does not hold (a crash libFuzzer reports, with the input).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/tls_frame.hpp"

namespace fuzz {

/// The input as text (YAML, CSV, HTTP: any bytes, as a file or a socket could hold them).
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Stops the run when `ok` is false: a broken property is a finding, like a crash.
inline void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz: property broken: %s\n", what);
    std::abort();
}

/// The payloads of the frames a connection carries, read as the ingest server reads them
/// (central/ingest_server.cpp): a 4-byte big-endian length, then that many bytes; a length of 0 or
/// over `max_frame` closes the connection, and so does a frame cut short.
inline std::vector<std::span<const std::uint8_t>> frames(const std::uint8_t* data, std::size_t size, std::size_t max_frame) {
    std::vector<std::span<const std::uint8_t>> out;
    std::span<const std::uint8_t> rest(data, size);
    while (rest.size() >= net::kFrameHeaderBytes) {
        const std::size_t length = net::frame_length(rest.first<net::kFrameHeaderBytes>());
        rest = rest.subspan(net::kFrameHeaderBytes);
        if (length == 0 || length > max_frame || length > rest.size()) break;
        out.push_back(rest.first(length));
        rest = rest.subspan(length);
    }
    return out;
}

/// The input cut at NUL bytes into `parts` texts (several files in one input; missing ones empty).
inline std::vector<std::string> split_files(std::string_view all, std::size_t parts) {
    std::vector<std::string> out(parts);
    for (std::size_t i = 0; i < parts; ++i) {
        const auto nul = i + 1 < parts ? all.find('\0') : std::string_view::npos;
        out[i] = std::string(all.substr(0, nul));
        if (nul == std::string_view::npos) break;
        all.remove_prefix(nul + 1);
    }
    return out;
}

}  // namespace fuzz
