#pragma once
// Shared by the ingest server tests and the regression tests: a one-PEC package, its signed
// identification reports, and an IngestServer on 127.0.0.1 (port picked by the OS) with the
// package's training certificate, on its own io_context thread and a store in the build tree.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "central/ingest_server.hpp"
#include "core/wire.hpp"

namespace ingest_server_fixture {

using namespace central;

constexpr std::uint64_t kSecret = 0x7E57;
inline const std::filesystem::path kSource = SHAILOO_SOURCE_DIR;
inline const std::filesystem::path kTls = kSource / "assets" / "kg2021" / "tls";
constexpr std::chrono::milliseconds kTimeout{5000};

inline core::ElectionPackage package() {
    core::ElectionPackage p;
    p.name = "test-election";
    core::Party party{.id = 1, .name = "Party 1"};
    party.list.push_back({.position = 1, .name = "C1"});
    p.parties.push_back(party);
    p.districts.push_back({.number = 1, .region_code = 1, .name = "D1", .candidates = {{.id = 1, .name = "Asel"}}});
    p.pecs = {{.number = 1001, .region_code = 1, .district = 1, .registered = 1000}};
    return p;
}

inline std::vector<std::uint8_t> identification(std::uint64_t sequence, std::int64_t issued) {
    core::IdentificationReport r;
    r.fingerprint = issued;
    r.ballots_issued = issued;
    core::WireReport w;
    w.header = {"test-election", 1001, "1001-id-1", sequence, core::at(20, 1)};
    w.payload = r;
    return core::encode_signed_report(w, core::derive_device_keys(kSecret, "1001-id-1").secret_key);
}

class FixedClock final : public core::Clock {
public:
    core::Micros now() const override { return core::at(20, 30); }
};

/// A server on its own io_context thread, with a store in the build tree; `log` and `on_commit`
/// are handed to the IngestServer (run on its writer thread).
struct Server {
    /// `tls_name`: the certificate and key files in `tls_dir` (default: the package's training server).
    explicit Server(const std::string& name, const std::filesystem::path& tls_dir = kTls, const std::string& tls_name = "training-server",
                    std::size_t max_connections = 4096, std::size_t max_connections_per_peer = 512, PeerFilter allowed_peers = {},
                    IngestServer::LogSink log = {}, IngestServer::CommitHook on_commit = {})
        : file(std::filesystem::path(SHAILOO_BINARY_DIR) / "test-stores" / ("server-" + name + ".sqlite")) {
        std::filesystem::create_directories(file.parent_path());
        for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + s);
        store = std::make_unique<Store>(file);
        ingest = std::make_unique<Ingest>(pkg, registry, *store);
        server = std::make_unique<IngestServer>(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
                                                *ingest, clock,
                                                IngestServerOptions{.certificate = tls_dir / (tls_name + ".pem"),
                                                                    .private_key = tls_dir / (tls_name + ".key"),
                                                                    .max_connections = max_connections,
                                                                    .max_connections_per_peer = max_connections_per_peer,
                                                                    .allowed_peers = std::move(allowed_peers)},
                                                std::move(log), std::move(on_commit));
        auto started = server->start();
        EXPECT_TRUE(started) << started.error().message;
        guard.emplace(io.get_executor());
        thread = std::jthread([this] { io.run(); });
    }
    ~Server() {
        server->shutdown();
        guard.reset();
        io.stop();
        thread = {};
    }
    boost::asio::ip::tcp::endpoint endpoint() const {
        return {boost::asio::ip::make_address("127.0.0.1"), server->port()};
    }

    core::ElectionPackage pkg = package();
    core::DeviceKeyRegistry registry = core::make_device_key_registry(pkg, kSecret);
    FixedClock clock;
    std::filesystem::path file;
    std::unique_ptr<Store> store;
    std::unique_ptr<Ingest> ingest;
    boost::asio::io_context io;
    std::unique_ptr<IngestServer> server;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
    std::jthread thread;
};

inline std::int64_t stored_on_disk(const std::filesystem::path& file) { return Store(file).count(); }


}  // namespace ingest_server_fixture
