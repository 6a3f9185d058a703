// `shailoo serve`: the CEC's central server alone - TLS ingest of the PEC devices' signed reports
// into the durable store (docs/serve.md). Wiring only: central::IngestServer does the work.
//
// Index of this file:
//   [SECTION] Options, server clock, counters
//   [SECTION] Connection caps
//   [SECTION] Serving
//   [SECTION] The command line
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "apps/commands.hpp"
#include "central/aggregation.hpp"
#include "central/http_server.hpp"
#include "central/metrics.hpp"
#include "central/nist_export.hpp"
#include "central/ingest_server.hpp"
#include "central/publication.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "net/tls_client.hpp"

namespace apps {
namespace {

// [SECTION] Options, server clock, counters

struct ServeOptions {
    std::string db;
    std::string listen = "127.0.0.1:5443";
    std::string http;  // empty: no results page
    std::string ops;   // empty: no operations endpoint
    std::string package = default_path("assets/kg2021");
    std::string keys;         // empty: PACKAGE/device-keys.yaml
    std::string certificate;  // empty: PACKAGE/tls/training-server.pem
    std::string private_key;  // empty: PACKAGE/tls/training-server.key
    int threads = 2;
    int max_connections = 4096;
    int http_max_connections = 512;
    std::size_t batch = 1024;
    double batch_delay_ms = 20;
    double stats_every_s = 5;
};

/// Server time: microseconds since local midnight (UTC+6) of the day the server started, from the
/// system clock at start and the steady clock after (so it never runs backwards).
class ServerClock final : public core::Clock {
public:
    ServerClock() : start_(std::chrono::steady_clock::now()) {
        using namespace std::chrono;
        const auto local = system_clock::now().time_since_epoch() + hours(6);
        base_ = duration_cast<microseconds>(local % days(1)).count();
    }
    core::Micros now() const override {
        return base_ + std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
    core::Micros base_ = 0;
};

/// The wall clock's time of day with milliseconds (the server may run past midnight).
std::string clock_text(core::Micros t) { return core::clock_time(t % (24 * core::kHour), core::ClockText::millis); }

void print_counters(const central::IngestCounters& c, const central::IngestServerCounters& n, core::Micros now) {
    std::int64_t rejected = 0;
    for (auto r : c.rejected) rejected += r;
    fmt::print("[{}] connections {} (open {}, handshake failures {}, paused at the cap {}, failed accepts {}), received {}, "
               "stored {} in {} commits, duplicates {}, rejected {}, flagged {}, failed commits {}\n",
               clock_text(now), n.connections.load(), n.open.load(), n.handshake_failures.load(), n.capacity_waits.load(),
               n.accept_errors.load(), c.received, c.committed, c.commits, c.duplicates, rejected, c.flagged, c.failed_commits);
    std::fflush(stdout);
}

// [SECTION] Connection caps

/// The connection budgets of the two listeners.
struct ConnectionCaps {
    std::size_t ingest = 0;  ///< TLS ingest
    std::size_t http = 0;    ///< results page (0 without --http)
};

// Raises the soft limit on open files to the hard one (each connection holds a descriptor) and
// returns the caps that fit under it together, keeping 64 descriptors for the store and the rest.
// The two budgets are apart, so idle page connections can never take the ingest's descriptors;
// when both do not fit, each is lowered in proportion and the change is said.
ConnectionCaps connection_caps(int ingest, int http) {
    ConnectionCaps wanted{static_cast<std::size_t>(ingest), static_cast<std::size_t>(http)};
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    const auto fits = limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > 1 << 30 ? rlim_t{1} << 30 : limit.rlim_cur;
    const auto room = static_cast<double>(fits > 128 ? fits - 64 : fits / 2);
    const auto total = static_cast<double>(wanted.ingest + wanted.http);
    if (total <= room) return wanted;
    ConnectionCaps caps{std::max<std::size_t>(1, static_cast<std::size_t>(wanted.ingest * room / total)),
                        wanted.http == 0 ? 0 : std::max<std::size_t>(1, static_cast<std::size_t>(wanted.http * room / total))};
    fmt::print(stderr,
               "shailoo serve: --max-connections {} and --http-max-connections {} lowered to {} and {}: the process may "
               "open {} files\n", wanted.ingest, wanted.http, caps.ingest, caps.http, static_cast<unsigned long long>(fits));
    return caps;
}

// [SECTION] Serving

int serve(const ServeOptions& o) {
    const std::filesystem::path package_dir = o.package;
    auto address = net::parse_server_address(o.listen);
    if (!address) {
        fmt::print(stderr, "shailoo serve: --listen {}\n", address.error().message);
        return 2;
    }
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address(address->host, ec);
    if (ec) {
        fmt::print(stderr, "shailoo serve: --listen '{}': '{}' is not an IP address to listen on\n", o.listen, address->host);
        return 2;
    }
    auto endpoint_of = [&ec](const std::string& option, const std::string& text) -> std::optional<boost::asio::ip::tcp::endpoint> {
        if (text.empty()) return std::nullopt;
        auto h = net::parse_server_address(text);
        const auto hip = h ? boost::asio::ip::make_address(h->host, ec) : boost::asio::ip::address{};
        if (!h || ec) {
            fmt::print(stderr, "shailoo serve: {} '{}': expected IP:PORT\n", option, text);
            return boost::asio::ip::tcp::endpoint{};  // port 0 on the unspecified address: the caller refuses it
        }
        return boost::asio::ip::tcp::endpoint(hip, h->port);
    };
    const auto http_endpoint = endpoint_of("--http", o.http);
    const auto ops_endpoint = endpoint_of("--ops", o.ops);
    for (const auto& e : {http_endpoint, ops_endpoint})
        if (e && e->address().is_unspecified() && e->port() == 0) return 2;
    auto package = core::load_election_package(package_dir);
    if (!package) {
        fmt::print(stderr, "shailoo serve: {}\n", package.error().message);
        return 2;
    }
    const auto keys_file = o.keys.empty() ? package_dir / "device-keys.yaml" : std::filesystem::path(o.keys);
    auto registry = core::load_device_key_registry(keys_file, *package);  // and check it is the package's
    if (!registry) {
        fmt::print(stderr, "shailoo serve: {}\n", registry.error().message);
        return 2;
    }
    std::unique_ptr<central::Store> store;
    try {
        store = std::make_unique<central::Store>(
            o.db, central::GroupCommitPolicy{.max_reports = o.batch,
                                             .max_delay = static_cast<core::Micros>(o.batch_delay_ms * 1000)});
    } catch (const central::StoreCorrupt& e) {
        fmt::print(stderr, "shailoo serve: {}\n", e.what());
        return 2;
    } catch (const std::runtime_error& e) {
        fmt::print(stderr, "shailoo serve: --db: {}\n", e.what());
        return 2;
    }
    central::Ingest ingest(*package, *registry, *store);
    ServerClock clock;
    boost::asio::io_context io;
    // Timers and signals of this command share one strand: the io_context runs on several threads.
    // SIGINT and SIGTERM are caught from here on, before the start line names the port: one that
    // comes before the handler below waits is queued for it, so it is a clean stop, never a kill.
    auto control = boost::asio::make_strand(io);
    boost::asio::signal_set signals(control, SIGINT, SIGTERM);
    const auto caps = connection_caps(o.max_connections, http_endpoint ? o.http_max_connections : 0);
    central::IngestServerOptions options{
        .certificate = o.certificate.empty() ? package_dir / "tls" / "training-server.pem" : std::filesystem::path(o.certificate),
        .private_key = o.private_key.empty() ? package_dir / "tls" / "training-server.key" : std::filesystem::path(o.private_key),
        .max_connections = caps.ingest};
    central::IngestServer server(
        io, {ip, address->port}, ingest, clock, options,
        [](const central::LogLine& line) { fmt::print(stderr, "[{}] {}\n", clock_text(line.at), line.text); });
    if (auto started = server.start(); !started) {
        fmt::print(stderr, "shailoo serve: {}\n", started.error().message);
        return 2;
    }
    fmt::print("shailoo serve: {} ({} PECs, {} devices), store {} ({} reports), TLS ingest on {}:{}\n", package->name,
               package->pecs.size(), registry->devices().size(), o.db, store->count(), address->host, server.port());

    // Results page (central::HttpServer): the published document is rebuilt at most once a
    // second, after commits, from a second read connection to the store (WAL: readers never
    // block the writer) and served from a cache.
    std::unique_ptr<central::Store> reader;
    std::unique_ptr<central::HttpServer> http;
    std::mutex published_mutex;
    std::string published;
    std::int64_t published_commits = -1;
    // /results.xml (NIST SP 1500-100, docs/nist-export.md): made on request from the results of the
    // last publication, and kept until the next one.
    std::shared_ptr<const central::Results> published_results;
    std::string published_xml;
    std::int64_t published_xml_commits = -1;
    boost::asio::steady_timer publish_timer(control);
    std::function<void()> publish = [&] {
        const auto commits = server.ingest_counters().commits;
        if (commits != published_commits) {
            auto results = central::aggregate(*package, *reader);
            std::lock_guard lock(published_mutex);
            if (results) {
                published = central::results_document(*results, *package).dump();
                published_results = std::make_shared<const central::Results>(std::move(*results));
                published_commits = commits;
            } else {
                fmt::print(stderr, "shailoo serve: results not published: {}\n", results.error().message);
            }
        }
        publish_timer.expires_after(std::chrono::seconds(1));
        publish_timer.async_wait([&](boost::system::error_code e) {
            if (!e) publish();
        });
    };
    if (http_endpoint) {
        reader = std::make_unique<central::Store>(o.db);
        http = std::make_unique<central::HttpServer>(
            io, *http_endpoint,
            [&] {
                std::lock_guard lock(published_mutex);
                return published;
            },
            central::HttpServerLimits{.max_connections = caps.http});
        http->add_page("/results.xml", "application/xml; charset=utf-8", [&] {
            std::lock_guard lock(published_mutex);
            if (!published_results) throw std::runtime_error("no results published yet");  // 503
            if (published_xml_commits != published_commits) {
                auto xml = central::nist_results_xml(*published_results, *package, {.generated_date = bishkek_time_now()});
                if (!xml) throw std::runtime_error(xml.error().message);
                published_xml = std::move(*xml);
                published_xml_commits = published_commits;
            }
            return published_xml;
        });
        if (auto started = http->start(); !started) {
            fmt::print(stderr, "shailoo serve: --http: {}\n", started.error().message);
            return 2;
        }
        publish();
        fmt::print("shailoo serve: results page on http://{}:{}/\n", http_endpoint->address().to_string(), http->port());
    }
    // Operations view (docs/serve.md): Prometheus metrics and the operator page, on an address of
    // its own so the public results port never shows peers, rejections or alerts.
    std::unique_ptr<central::HttpServer> ops;
    auto snapshot = [&] {
        return central::MetricsSnapshot{.ingest = server.ingest_counters(),
                                        .network = &server.counters(),
                                        .http = http ? &http->counters() : nullptr,
                                        .ack_latency = &server.ack_latency(),
                                        .commit_time = &server.commit_time()};
    };
    if (ops_endpoint) {
        ops = std::make_unique<central::HttpServer>(io, *ops_endpoint, []() -> std::string { throw std::runtime_error("the results are on --http, not --ops"); },
                                                    central::HttpServerLimits{.max_connections = 64});
        ops->add_page("/metrics", "text/plain; version=0.0.4; charset=utf-8", [&] { return central::prometheus_text(snapshot()); });
        ops->add_page("/operator", "text/html; charset=utf-8", [&] {
            return central::operator_page(snapshot(), server.latest_log(), server.latest_alerts(), clock.now());
        });
        if (auto started = ops->start(); !started) {
            fmt::print(stderr, "shailoo serve: --ops: {}\n", started.error().message);
            return 2;
        }
        fmt::print("shailoo serve: operations view on http://{}:{}/operator and /metrics\n", ops_endpoint->address().to_string(),
                   ops->port());
    }
    std::fflush(stdout);

    // Periodic counters, and a clean stop on SIGINT/SIGTERM: stop accepting, commit what is
    // staged (its acknowledgements are released), give connections a moment to send them.
    boost::asio::steady_timer stats(control);
    const auto every = std::chrono::milliseconds(static_cast<std::int64_t>(o.stats_every_s * 1000));
    std::function<void()> tick = [&] {
        stats.expires_after(every);
        stats.async_wait([&](boost::system::error_code e) {
            if (e) return;
            print_counters(server.ingest_counters(), server.counters(), clock.now());
            tick();
        });
    };
    if (o.stats_every_s > 0) tick();
    boost::asio::steady_timer grace(control);
    signals.async_wait([&](boost::system::error_code e, int signal) {
        if (e) return;
        fmt::print("shailoo serve: signal {}: committing and shutting down\n", signal);
        server.shutdown();
        stats.cancel();
        publish_timer.cancel();
        if (http) http->stop();
        if (ops) ops->stop();
        grace.expires_after(std::chrono::milliseconds(300));
        grace.async_wait([&](boost::system::error_code) { io.stop(); });
    });
    std::vector<std::jthread> pool;
    for (int i = 1; i < std::max(1, o.threads); ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    pool.clear();
    server.shutdown();
    print_counters(server.ingest_counters(), server.counters(), clock.now());
    fmt::print("shailoo serve: stopped; store {} holds {} reports\n", o.db, store->count());
    return 0;
}

}  // namespace

// [SECTION] The command line

void add_serve_command(CLI::App& app, Runner& runner) {
    static ServeOptions o;  // outlives parsing; the runner reads it after app.parse()
    auto* cmd = app.add_subcommand("serve", "Run the CEC's TLS ingest server on a durable store (docs/serve.md)");
    cmd->add_option("--db", o.db, "SQLite store file (created if absent)")->required();
    cmd->add_option("--listen", o.listen, "Address to listen on, IP:PORT")->capture_default_str();
    cmd->add_option("--http", o.http, "Also serve the results page, /api/results.json and /results.xml (NIST SP 1500-100) on IP:PORT "
                    "(docs/publication.md, docs/nist-export.md)");
    cmd->add_option("--ops", o.ops,
                    "Also serve the operations view on IP:PORT: Prometheus metrics at /metrics, the operator page at "
                    "/operator (keep it off the public network)");
    cmd->add_option("--package", o.package, "Election package folder")->capture_default_str();
    cmd->add_option("--keys", o.keys, "Device key registry (default: PACKAGE/device-keys.yaml)");
    cmd->add_option("--cert", o.certificate, "Server certificate chain, PEM (default: PACKAGE/tls/training-server.pem)");
    cmd->add_option("--key", o.private_key, "Server private key, PEM (default: PACKAGE/tls/training-server.key)");
    cmd->add_option("--threads", o.threads, "Network threads (the store has its own writer thread)")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cmd->add_option("--max-connections", o.max_connections,
                    "TLS ingest connections open at once at most; a new one beyond it closes the oldest idle one "
                    "(docs/serve.md)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--http-max-connections", o.http_max_connections,
                    "Results page connections open at once at most, a budget apart from the ingest's")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--batch", o.batch, "Group commit: at most this many reports per transaction")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--batch-delay-ms", o.batch_delay_ms, "Group commit: commit when the oldest staged report waited this long")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 10000.0));
    cmd->add_option("--stats-every", o.stats_every_s, "Print counters every this many seconds (0: only at exit)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 3600.0));
    cmd->callback([&runner] { runner = [] { return serve(o); }; });
}

}  // namespace apps
