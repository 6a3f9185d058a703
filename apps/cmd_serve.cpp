// `shailoo serve`: the CEC's central server alone - TLS ingest of the PEC devices' signed reports
// into the durable store (docs/serve.md), with the results page and the operations view. Wiring only:
// central::IngestServer, central::PublicationCache, central::HttpServer and central/metrics do the work.
//
// Index of this file:
//   [SECTION] Options, server clock, counters
//   [SECTION] Connection caps
//   [SECTION] Endpoints and the election
//   [SECTION] The server
//   [SECTION] The command line
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "apps/commands.hpp"
#include "central/aggregation.hpp"
#include "central/http_server.hpp"
#include "central/metrics.hpp"
#include "central/ingest_server.hpp"
#include "central/page_watch.hpp"
#include "central/publication_cache.hpp"
#include "central/report_store.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "loadgen/published_check.hpp"
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
    int max_connections_per_peer = 512;
    int http_max_connections = 512;
    int http_max_connections_per_peer = 64;
    std::vector<std::string> allow_from;  // empty: any address
    std::size_t batch = 1024;
    double batch_delay_ms = 20;
    double stats_every_s = 5;
    std::string voting_closes;  // empty: not checked
    std::string watch_page;     // empty: no page watched
    double watch_every_s = 10;
};

/// The wall clock's time of day with milliseconds (the server may run past midnight).
std::string clock_text(core::Micros t) { return core::clock_time(t % (24 * core::kHour), core::ClockText::millis); }

void print_counters(const central::IngestCounters& c, const central::IngestServerCounters& n, core::Micros now) {
    std::int64_t rejected = 0;
    for (auto r : c.rejected) rejected += r;
    fmt::print("[{}] connections {} (open {}, handshake failures {}, paused at the cap {}, evicted {}, refused per address {}, "
               "refused outside the allowed networks {}, failed accepts {}), received {}, stored {} in {} commits, duplicates {}, "
               "rejected {}, flagged {}, failed commits {}\n",
               clock_text(now), n.connections.load(), n.open.load(), n.handshake_failures.load(), n.capacity_waits.load(),
               n.evicted.load(), n.refused_per_peer.load(), n.refused_network.load(), n.accept_errors.load(), c.received, c.committed, c.commits, c.duplicates, rejected, c.flagged, c.failed_commits);
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

// [SECTION] Endpoints and the election

/// Where serve listens: the TLS ingest, and the results page and operations view when asked for.
struct Endpoints {
    std::string ingest_host;                                 ///< --listen's host, as given
    boost::asio::ip::tcp::endpoint ingest;                   ///< --listen
    std::optional<boost::asio::ip::tcp::endpoint> http;      ///< --http
    std::optional<boost::asio::ip::tcp::endpoint> ops;       ///< --ops
};

// An optional listener's address (--http, --ops) from IP:PORT, none when not given. A bad one is
// said on stderr and comes back as port 0 on the unspecified address, which parse_endpoints refuses.
std::optional<boost::asio::ip::tcp::endpoint> optional_endpoint(const std::string& option, const std::string& text) {
    if (text.empty()) return std::nullopt;
    boost::system::error_code ec;
    auto h = net::parse_server_address(text);
    const auto hip = h ? boost::asio::ip::make_address(h->host, ec) : boost::asio::ip::address{};
    if (!h || ec) {
        fmt::print(stderr, "shailoo serve: {} '{}': expected IP:PORT\n", option, text);
        return boost::asio::ip::tcp::endpoint{};
    }
    return boost::asio::ip::tcp::endpoint(hip, h->port);
}

// The listeners' addresses from the options, or nothing after saying on stderr what is wrong.
std::optional<Endpoints> parse_endpoints(const ServeOptions& o) {
    auto address = net::parse_server_address(o.listen);
    if (!address) {
        fmt::print(stderr, "shailoo serve: --listen {}\n", address.error().message);
        return std::nullopt;
    }
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address(address->host, ec);
    if (ec) {
        fmt::print(stderr, "shailoo serve: --listen '{}': '{}' is not an IP address to listen on\n", o.listen, address->host);
        return std::nullopt;
    }
    Endpoints e{address->host, {ip, address->port}, optional_endpoint("--http", o.http), optional_endpoint("--ops", o.ops)};
    for (const auto& listener : {e.http, e.ops})
        if (listener && listener->address().is_unspecified() && listener->port() == 0) return std::nullopt;
    return e;
}

/// The election the server counts and the store it writes: what the ingest needs.
struct Election {
    core::ElectionPackage package;
    core::DeviceKeyRegistry registry;
    std::unique_ptr<central::ReportStore> store;
};

// The package, its device key registry (checked to be the package's) and the store, or nothing
// after saying on stderr what is wrong.
std::unique_ptr<Election> open_election(const ServeOptions& o) {
    const std::filesystem::path package_dir = o.package;
    auto package = core::load_election_package(package_dir);
    if (!package) {
        fmt::print(stderr, "shailoo serve: {}\n", package.error().message);
        return nullptr;
    }
    const auto keys_file = o.keys.empty() ? package_dir / "device-keys.yaml" : std::filesystem::path(o.keys);
    auto registry = core::load_device_key_registry(keys_file, *package);
    if (!registry) {
        fmt::print(stderr, "shailoo serve: {}\n", registry.error().message);
        return nullptr;
    }
    auto election = std::make_unique<Election>(Election{std::move(*package), std::move(*registry), nullptr});
    try {
        election->store = central::open_store(
            o.db, central::GroupCommitPolicy{.max_reports = o.batch,
                                             .max_delay = static_cast<core::Micros>(o.batch_delay_ms * 1000)});
    } catch (const central::StoreCorrupt& e) {
        fmt::print(stderr, "shailoo serve: {}\n", e.what());
        return nullptr;
    } catch (const std::runtime_error& e) {
        fmt::print(stderr, "shailoo serve: --db: {}\n", e.what());
        return nullptr;
    }
    return election;
}

// [SECTION] The server

// The ingest's alert rules: --voting-closes (checked when the options are parsed).
central::IngestRules ingest_rules(const ServeOptions& o) {
    central::IngestRules rules;
    if (!o.voting_closes.empty()) rules.voting_closes = core::parse_clock_time(o.voting_closes).value();
    return rules;
}

// The TLS ingest's settings: certificate and key (by default the package's training ones) and its connection cap.
central::IngestServerOptions ingest_options(const ServeOptions& o, std::size_t max_connections) {
    const std::filesystem::path package_dir = o.package;
    return {.certificate = o.certificate.empty() ? package_dir / "tls" / "training-server.pem" : std::filesystem::path(o.certificate),
            .private_key = o.private_key.empty() ? package_dir / "tls" / "training-server.key" : std::filesystem::path(o.private_key),
            .max_connections = max_connections,
            .max_connections_per_peer = static_cast<std::size_t>(o.max_connections_per_peer),
            .allowed_peers = central::PeerFilter::parse(o.allow_from).value()};  // checked by the option's validator
}

// An ingest log line on stderr, with its time of day.
void print_log_line(const central::LogLine& line) { fmt::print(stderr, "[{}] {}\n", clock_text(line.at), line.text); }

/// The running server: the ingest on its TLS listener, the results page (central::PublicationCache
/// behind a central::HttpServer) and the operations view, the periodic counters and a clean stop on
/// SIGINT/SIGTERM. Members are declared in the order they are built and are destroyed in reverse.
class Server {
public:
    Server(const ServeOptions& o, const Endpoints& endpoints, Election& election)
        : o_(o), endpoints_(endpoints), election_(election),
          caps_(connection_caps(o.max_connections, endpoints.http ? o.http_max_connections : 0)),
          server_(io_, endpoints.ingest, ingest_, clock_, ingest_options(o, caps_.ingest), print_log_line) {}

    // Starts every listener asked for, runs until a signal, and says what the store holds: the exit code.
    int run() {
        if (!start_ingest() || !start_results_page() || !start_operations_view() || !start_page_watch()) return 2;
        std::fflush(stdout);
        print_counters_periodically();
        stop_on_signal();
        run_threads();
        server_.shutdown();
        print_counters(server_.ingest_counters(), server_.counters(), clock_.now());
        fmt::print("shailoo serve: stopped; store {} holds {} reports\n", election_.store->name(), election_.store->count());
        return 0;
    }

private:
    // Binds the TLS ingest and says what it serves, or says why it cannot.
    bool start_ingest() {
        // Read before the writer thread starts: from then on it alone uses the store's connection.
        const auto stored = election_.store->count();
        if (auto started = server_.start(); !started) {
            fmt::print(stderr, "shailoo serve: {}\n", started.error().message);
            return false;
        }
        fmt::print("shailoo serve: {} ({} PECs, {} devices), store {} ({} reports), TLS ingest on {}:{}\n",
                   election_.package.name, election_.package.pecs.size(), election_.registry.devices().size(), election_.store->name(),
                   stored, endpoints_.ingest_host, server_.port());
        if (!o_.allow_from.empty())
            fmt::print("shailoo serve: TLS ingest takes connections only from {}\n", central::PeerFilter::parse(o_.allow_from)->describe());
        return true;
    }

    // With --http: the results page, its document rebuilt at most once a second after commits (true
    // without --http).
    bool start_results_page() {
        if (!endpoints_.http) return true;
        try {
            reader_ = central::open_store(o_.db);
        } catch (const std::runtime_error& e) {
            fmt::print(stderr, "shailoo serve: --http: cannot open the store for reading: {}\n", e.what());
            return false;
        }
        publication_ = std::make_unique<central::PublicationCache>(election_.package, *reader_);
        http_ = std::make_unique<central::HttpServer>(
            io_, *endpoints_.http, [this] { return publication_->document(); },
            central::HttpServerLimits{.max_connections = caps_.http,
                                      .max_connections_per_peer = static_cast<std::size_t>(o_.http_max_connections_per_peer)});
        // /results.xml (NIST SP 1500-100, docs/nist-export.md): the published results, dated now.
        http_->add_page("/results.xml", "application/xml; charset=utf-8", [this] {
            auto xml = publication_->nist_xml(bishkek_time_now());
            if (!xml) throw std::runtime_error(xml.error().message);  // 503
            return std::move(*xml);
        });
        if (auto started = http_->start(); !started) {
            fmt::print(stderr, "shailoo serve: --http: {}\n", started.error().message);
            return false;
        }
        publication_->run_every(
            control_, std::chrono::seconds(1), [this] { return page_version(); },
            [](const core::Error& e) { fmt::print(stderr, "shailoo serve: results not published: {}\n", e.message); });
        fmt::print("shailoo serve: results page on http://{}:{}/\n", endpoints_.http->address().to_string(), http_->port());
        return true;
    }

    // With --watch-page (docs/serve.md, "Watching the public page"): a thread of its own fetches the
    // page's document every --watch-page-every seconds and checks it against this server's builds;
    // what PageWatch says is due goes to the ingest as an alert (true without --watch-page).
    bool start_page_watch() {
        if (o_.watch_page.empty()) return true;
        auto url = loadgen::parse_published_url(o_.watch_page);
        if (!url) {
            fmt::print(stderr, "shailoo serve: --watch-page: {}\n", url.error().message);
            return false;
        }
        if (!publication_) {
            fmt::print(stderr, "shailoo serve: --watch-page needs --http: the page is checked against the results this server builds\n");
            return false;
        }
        const auto period = std::chrono::milliseconds(static_cast<std::int64_t>(o_.watch_every_s * 1000));
        watch_ = std::jthread([this, url = *url, period](std::stop_token stop) {
            central::PageWatch watch;
            std::mutex m;
            std::condition_variable_any wake;
            while (!stop.stop_requested()) {
                const auto check = central::check_page(election_.package, *publication_,
                                                       loadgen::http_get(url, url.base_path + "api/results.json", std::chrono::seconds(5)));
                if (auto alert = watch.observe(check)) server_.raise_alert("page watch " + url.text, std::move(*alert));
                std::unique_lock lock(m);
                wake.wait_for(lock, stop, period, [] { return false; });
            }
        });
        fmt::print("shailoo serve: watching the page {} every {} s\n", o_.watch_page, o_.watch_every_s);
        return true;
    }

    // What the page's document is built from: this process's commits and the changes of the operator
    // actions in force (a hold by `shailoo cec`), or on a PostgreSQL database that other ingest
    // processes may write too, the number of reports and operator actions it holds (rows are never
    // changed or deleted, so a new count is new content; -1 when it cannot be read: the refresh says why).
    std::int64_t page_version() const {
        const auto counters = server_.ingest_counters();
        if (!central::is_postgres_uri(o_.db)) return counters.commits + counters.oversight_changes;
        try {
            return reader_->count() + static_cast<std::int64_t>(reader_->operator_actions().size());
        } catch (const std::runtime_error&) {
            return -1;
        }
    }

    // What the operations view shows, as of now.
    central::MetricsSnapshot snapshot() const {
        return central::MetricsSnapshot{.ingest = server_.ingest_counters(),
                                        .network = &server_.counters(),
                                        .http = http_ ? &http_->counters() : nullptr,
                                        .ack_latency = &server_.ack_latency(),
                                        .commit_time = &server_.commit_time(),
                                        .oversight = server_.oversight()};
    }

    // With --ops (docs/serve.md): Prometheus metrics and the operator page, on an address of its own
    // so the public results port never shows peers, rejections or alerts (true without --ops).
    bool start_operations_view() {
        if (!endpoints_.ops) return true;
        ops_ = std::make_unique<central::HttpServer>(io_, *endpoints_.ops, []() -> std::string { throw std::runtime_error("the results are on --http, not --ops"); },
                                                     central::HttpServerLimits{.max_connections = 64});
        ops_->add_page("/metrics", "text/plain; version=0.0.4; charset=utf-8", [this] { return central::prometheus_text(snapshot()); });
        ops_->add_page("/operator", "text/html; charset=utf-8", [this] {
            return central::operator_page(snapshot(), server_.latest_log(), server_.latest_alerts(), clock_.now());
        });
        if (auto started = ops_->start(); !started) {
            fmt::print(stderr, "shailoo serve: --ops: {}\n", started.error().message);
            return false;
        }
        fmt::print("shailoo serve: operations view on http://{}:{}/operator and /metrics\n", endpoints_.ops->address().to_string(),
                   ops_->port());
        return true;
    }

    // The counters on stdout every --stats-every seconds (never when it is 0).
    void print_counters_periodically() {
        if (o_.stats_every_s > 0) tick();
    }
    void tick() {
        stats_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(o_.stats_every_s * 1000)));
        stats_.async_wait([this](boost::system::error_code e) {
            if (e) return;
            print_counters(server_.ingest_counters(), server_.counters(), clock_.now());
            tick();
        });
    }

    // On SIGINT/SIGTERM: stop accepting, commit what is staged (its acknowledgements are released),
    // give connections a moment to send them, then stop the threads.
    void stop_on_signal() {
        signals_.async_wait([this](boost::system::error_code e, int signal) {
            if (e) return;
            fmt::print("shailoo serve: signal {}: committing and shutting down\n", signal);
            server_.shutdown();
            stats_.cancel();
            if (publication_) publication_->stop();
            if (http_) http_->stop();
            if (ops_) ops_->stop();
            grace_.expires_after(std::chrono::milliseconds(300));
            grace_.async_wait([this](boost::system::error_code) { io_.stop(); });
        });
    }

    // Runs the io_context on --threads threads (this one included) until it stops.
    void run_threads() {
        std::vector<std::jthread> pool;
        for (int i = 1; i < std::max(1, o_.threads); ++i) pool.emplace_back([this] { io_.run(); });
        io_.run();
    }

    const ServeOptions& o_;
    const Endpoints& endpoints_;
    Election& election_;
    central::Ingest ingest_{election_.package, election_.registry, *election_.store, ingest_rules(o_)};
    WallClock clock_;
    boost::asio::io_context io_;
    // Timers and signals of this command share one strand: the io_context runs on several threads.
    boost::asio::strand<boost::asio::io_context::executor_type> control_ = boost::asio::make_strand(io_);
    ConnectionCaps caps_;
    central::IngestServer server_;
    std::unique_ptr<central::ReportStore> reader_;  // the results page's read connection (never blocks the writer)
    std::unique_ptr<central::PublicationCache> publication_;
    std::unique_ptr<central::HttpServer> http_;
    std::unique_ptr<central::HttpServer> ops_;
    boost::asio::steady_timer stats_{control_};
    // SIGINT and SIGTERM are caught from the server's construction on, before the start line names
    // the port: one that comes before stop_on_signal() waits is queued for it, so it is a clean
    // stop, never a kill (ServeCli.SigtermRightAfterTheStartLineIsACleanStop).
    boost::asio::signal_set signals_{control_, SIGINT, SIGTERM};
    boost::asio::steady_timer grace_{control_};
    std::jthread watch_;  // --watch-page; declared last, so it is stopped and joined first
};

int serve(const ServeOptions& o) {
    const auto endpoints = parse_endpoints(o);
    if (!endpoints) return 2;
    const auto election = open_election(o);
    if (!election) return 2;
    Server server(o, *endpoints, *election);
    return server.run();
}

}  // namespace

// [SECTION] The command line

void add_serve_command(CLI::App& app, Runner& runner) {
    static ServeOptions o;  // outlives parsing; the runner reads it after app.parse()
    auto* cmd = app.add_subcommand("serve", "Run the CEC's TLS ingest server on a durable store (docs/serve.md)");
    cmd->add_option("--db", o.db,
                    "The store: a SQLite file (created if absent), or a PostgreSQL database as a libpq URI "
                    "postgresql://USER@HOST:PORT/DBNAME (schema created if absent; several serve processes may "
                    "share it; docs/serve.md)")
        ->required();
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
    cmd->add_option("--max-connections-per-peer", o.max_connections_per_peer,
                    "Of those, from one IP address at most: at its limit the address's own oldest idle connection "
                    "makes room, or a new one is refused while all of its connections are busy. PECs behind one "
                    "carrier NAT share an address (docs/serve.md)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--allow-from", o.allow_from,
                    "Take TLS ingest connections only from this network (CIDR, e.g. the mobile operators' private "
                    "APN ranges the modems use; repeat for several). Others are closed at once, before any "
                    "handshake: a flood from elsewhere costs nothing (docs/serve.md). Default: any address")
        ->check([](const std::string& v) {
            auto f = central::PeerFilter::parse({v});
            return f ? std::string() : f.error().message;
        });
    cmd->add_option("--http-max-connections-per-peer", o.http_max_connections_per_peer,
                    "Results page connections from one IP address at most, the same rule")
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
    cmd->add_option("--voting-closes", o.voting_closes,
                    "When voting closes on the server's clock, HH:MM (e.g. 20:00): a final or identification report sent "
                    "or received before it is stored with a finding and raises an alert (default: not checked, for load "
                    "tests at any hour)")
        ->check([](const std::string& text) {
            auto t = core::parse_clock_time(text);
            return t ? std::string{} : fmt::format("'{}': {}", text, t.error().message);
        });
    cmd->add_option("--watch-page", o.watch_page,
                    "Check the published results at http://HOST:PORT[/PATH] (a mirror, the display site, or this "
                    "server's own --http) against the store every --watch-page-every seconds, figure by figure; "
                    "a page that differs twice in a row raises an alert (needs --http; docs/serve.md)");
    cmd->add_option("--watch-page-every", o.watch_every_s, "Seconds between two checks of --watch-page")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.2, 3600.0));
    cmd->add_option("--stats-every", o.stats_every_s, "Print counters every this many seconds (0: only at exit)")
        ->capture_default_str()
        ->check(finite_check())
        ->check(CLI::Range(0.0, 3600.0));
    cmd->callback([&runner] { runner = [] { return serve(o); }; });
}

}  // namespace apps
