// `shailoo hil send` and `shailoo hil delay`: a PEC's reports over a real network link, through the
// station's store-and-forward transmitter and a socket modem, and a delay stage for such a link
// (docs/hil.md, "A real network link").
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "apps/commands.hpp"
#include "core/device_keys.hpp"
#include "core/election_package.hpp"
#include "hil/delay_relay.hpp"
#include "hil/socket_modem.hpp"
#include "loadgen/load_generator.hpp"
#include "station/transmitter.hpp"

namespace apps {

namespace {

struct SendOptions {
    std::string server;
    std::string server_name;
    std::string ca;  // empty: PACKAGE/tls/cec-ca.pem
    std::string package = default_path("assets/kg2021");
    std::vector<int> pecs;
    std::uint64_t seed = 1;
    std::uint64_t secret_seed = core::kSimulatedDeviceSecret;
    double timeout_s = 10, first_backoff_s = 5, max_backoff_s = 300, ack_timeout_s = 60, deadline_s = 600;
};

core::Micros micros(double seconds) { return static_cast<core::Micros>(std::llround(seconds * 1e6)); }

/// The chosen PECs' final reports (party list, district unless abroad, identification), signed as
/// `shailoo load` signs them; the error names a PEC the package does not have.
core::Result<std::vector<loadgen::PlannedReport>> pec_reports(const SendOptions& o, const core::ElectionPackage& package) {
    const std::set<int> wanted(o.pecs.begin(), o.pecs.end());
    for (int pec : wanted)
        if (std::none_of(package.pecs.begin(), package.pecs.end(), [pec](const core::Pec& p) { return p.number == pec; }))
            return core::fail(fmt::format("--pec {}: no such PEC in the package {}", pec, o.package));
    auto plan = loadgen::plan_fleet(package, 0, o.secret_seed, o.seed, nullptr, 1.0);
    std::erase_if(plan, [&](const loadgen::PlannedReport& r) { return !wanted.contains(r.pec); });
    return plan;
}

/// Prints what changed for each report since the last call: a send the modem could not make, an answer.
struct SendLog {
    core::Micros start = 0;
    std::vector<int> failures_seen;
    void print_failures(const station::Transmitter& tx, core::Micros now) {
        const auto states = tx.states();
        failures_seen.resize(states.size(), 0);
        for (std::size_t i = 0; i < states.size(); ++i) {
            if (states[i].modem_failures == failures_seen[i]) continue;
            failures_seen[i] = states[i].modem_failures;
            fmt::print("[+{:7.2f} s] {} #{}: no link ({}), tried {} times\n", (now - start) / 1e6, states[i].device_id, states[i].sequence,
                       states[i].reason, states[i].attempts);
        }
    }
};

int run_hil_send(const SendOptions& o) {
    auto package = core::load_election_package(o.package);
    if (!package) return fmt::print(stderr, "shailoo hil send: {}\n", package.error().message), 2;
    auto address = net::parse_server_address(o.server);
    if (!address) return fmt::print(stderr, "shailoo hil send: --server: {}\n", address.error().message), 2;
    auto reports = pec_reports(o, *package);
    if (!reports) return fmt::print(stderr, "shailoo hil send: {}\n", reports.error().message), 2;
    WallClock clock;
    auto modem = hil::SocketModem::open(fmt::format("{}-modem-1", o.pecs.front()),
                                        {.server = *address, .server_name = o.server_name,
                                         .ca = o.ca.empty() ? std::filesystem::path(o.package) / "tls" / "cec-ca.pem" : std::filesystem::path(o.ca),
                                         .timeout = std::chrono::milliseconds(micros(o.timeout_s) / 1000), .clock = &clock});
    if (!modem) return fmt::print(stderr, "shailoo hil send: {}\n", modem.error().message), 2;
    station::Transmitter tx(**modem, clock, {micros(o.first_backoff_s), micros(o.max_backoff_s), micros(o.ack_timeout_s)});
    for (auto& r : *reports) {
        std::uint64_t sequence = 0;  // the transmitter pairs answers with reports by device and sequence
        if (auto envelope = core::open_envelope(r.message))
            if (auto body = core::decode_body(envelope->body)) sequence = body->header.sequence;
        tx.enqueue(r.device, sequence, std::move(r.message));
    }
    fmt::print("sending {} reports of PEC{} {} to {} through the store-and-forward transmitter and a socket modem\n", reports->size(),
               o.pecs.size() > 1 ? "s" : "", fmt::join(o.pecs, ", "), o.server);
    SendLog log{.start = clock.now()};
    const core::Micros deadline = clock.now() + micros(o.deadline_s);
    while (!tx.done() && clock.now() < deadline) {
        tx.poll();
        for (const hil::ModemAck& a : (*modem)->take_acks()) {
            tx.on_ack(a.device_id, a.sequence, a.ack.outcome, a.ack.text);
            fmt::print("[+{:7.2f} s] {} #{}: {}{}\n", (a.at - log.start) / 1e6, a.device_id, a.sequence, core::to_string(a.ack.outcome),
                       a.ack.outcome == core::AckOutcome::rejected ? " (" + a.ack.text + ")" : "");
        }
        log.print_failures(tx, clock.now());
        if (tx.done()) break;
        const core::Micros wake = std::min(tx.next_wakeup().value_or(deadline), deadline);
        if (wake > clock.now()) std::this_thread::sleep_for(std::chrono::microseconds(wake - clock.now()));
    }
    int acknowledged = 0, rejected = 0, attempts = 0, failures = 0;
    for (const auto& s : tx.states()) {
        acknowledged += s.acknowledged;
        rejected += s.rejected;
        attempts += s.attempts;
        failures += s.modem_failures;
    }
    fmt::print("acknowledged {}/{}, rejected {}, sends {} ({} without a link), {:.2f} s\n", acknowledged, tx.states().size(), rejected, attempts,
               failures, (clock.now() - log.start) / 1e6);
    if (!tx.done()) fmt::print(stderr, "shailoo hil send: {} reports not acknowledged within --deadline {} s\n", tx.pending(), o.deadline_s);
    return acknowledged == static_cast<int>(tx.states().size()) ? 0 : 1;
}

struct DelayOptions {
    std::string listen = "127.0.0.1:0";
    std::string to;
    double delay_ms = 0, jitter_ms = 0, for_s = 0;
    std::uint64_t seed = 1;
};

/// An address to listen on or connect to ("IP:PORT"); the error names the option.
core::Result<boost::asio::ip::tcp::endpoint> endpoint_of(const std::string& option, const std::string& text) {
    auto address = net::parse_server_address(text);
    if (!address) return core::fail(fmt::format("{}: {}", option, address.error().message));
    auto endpoint = net::resolve(*address);
    if (!endpoint) return core::fail(fmt::format("{}: {}", option, endpoint.error().message));
    return *endpoint;
}

int run_hil_delay(const DelayOptions& o) {
    auto listen = endpoint_of("--listen", o.listen);
    if (!listen) return fmt::print(stderr, "shailoo hil delay: {}\n", listen.error().message), 2;
    auto target = endpoint_of("--to", o.to);
    if (!target) return fmt::print(stderr, "shailoo hil delay: {}\n", target.error().message), 2;
    // SIGINT and SIGTERM wait for sigtimedwait below: blocked before the relay's thread starts, which inherits the mask.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    auto relay = hil::DelayRelay::start(*listen, *target, {std::chrono::microseconds(micros(o.delay_ms / 1000)),
                                                           std::chrono::microseconds(micros(o.jitter_ms / 1000)), o.seed});
    if (!relay) return fmt::print(stderr, "shailoo hil delay: {}\n", relay.error().message), 2;
    fmt::print("delay stage on {}:{} -> {}: {} ms, jitter +/- {} ms\n", listen->address().to_string(), (*relay)->port(), o.to, o.delay_ms,
               o.jitter_ms);
    std::fflush(stdout);
    if (o.for_s > 0) {
        const timespec wait{static_cast<time_t>(o.for_s), static_cast<long>((o.for_s - std::floor(o.for_s)) * 1e9)};
        sigtimedwait(&stop, nullptr, &wait);
    } else {
        int signal = 0;
        sigwait(&stop, &signal);
    }
    const auto& c = (*relay)->counters();
    fmt::print("connections {} ({} could not reach the target), chunks delayed {}, bytes {}\n", c.connections.load(), c.failed_connects.load(),
               c.chunks.load(), c.bytes.load());
    return 0;
}

/// A real-valued option with its default shown, finite and within [low, high].
CLI::Option* bounded_option(CLI::App* cmd, const char* name, double& value, const char* what, double low, double high) {
    return cmd->add_option(name, value, what)->capture_default_str()->check(finite_check())->check(CLI::Range(low, high));
}

}  // namespace

void add_hil_link_commands(CLI::App& hil, Runner& runner) {
    auto s = std::make_shared<SendOptions>();
    auto* send = hil.add_subcommand("send", "Send a PEC's final reports over a real TLS link, through the station's store-and-forward transmitter");
    send->add_option("--server", s->server, "The ingest server, HOST:PORT")->required();
    send->add_option("--server-name", s->server_name, "The name the server's certificate must carry (default: the --server host)");
    send->add_option("--pec", s->pecs, "PEC whose reports to send (repeatable)")->required()->check(CLI::Range(1, 1'000'000));
    send->add_option("--package", s->package, "Election package folder")->capture_default_str();
    send->add_option("--ca", s->ca, "CA certificate to pin, PEM (default: PACKAGE/tls/cec-ca.pem)");
    send->add_option("--seed", s->seed, "Seed of the reports' counts (as shailoo load)")->capture_default_str()->check(seed_check());
    send->add_option("--secret-seed", s->secret_seed, "Device-secret seed of the signing keys")->capture_default_str()->check(seed_check());
    bounded_option(send, "--timeout", s->timeout_s, "Seconds per report: connect, handshake, ack (then: no link)", 0.1, 600);
    bounded_option(send, "--first-backoff", s->first_backoff_s, "Seconds before the first retry after a failed send (doubling)", 0.01, 3600);
    bounded_option(send, "--max-backoff", s->max_backoff_s, "Longest wait between retries, seconds", 0.01, 3600);
    bounded_option(send, "--ack-timeout", s->ack_timeout_s, "Seconds before a sent report without an answer is sent again", 0.01, 3600);
    bounded_option(send, "--deadline", s->deadline_s, "Give up after this many seconds", 0.1, 86400);
    send->footer("One line per answer and per failed send. Exit code: 0 every report acknowledged (stored or duplicate),\n"
                 "1 a report rejected or not acknowledged by the deadline, 2 bad arguments. See docs/hil.md.");
    send->callback([s, &runner] { runner = [s] { return run_hil_send(*s); }; });

    auto d = std::make_shared<DelayOptions>();
    auto* delay = hil.add_subcommand("delay", "A TCP relay that delays each chunk (delay and jitter where the kernel has no netem)");
    delay->add_option("--listen", d->listen, "Address to listen on, IP:PORT (port 0: the OS picks)")->capture_default_str();
    delay->add_option("--to", d->to, "Where to relay, HOST:PORT")->required();
    bounded_option(delay, "--delay", d->delay_ms, "Mean one-way delay, milliseconds", 0, 60'000);
    bounded_option(delay, "--jitter", d->jitter_ms, "Uniform jitter around the delay, +/- milliseconds", 0, 60'000);
    delay->add_option("--seed", d->seed, "Seed of the jitter")->capture_default_str()->check(seed_check());
    bounded_option(delay, "--for", d->for_s, "Stop after this many seconds (0: at SIGINT or SIGTERM)", 0, 86400);
    delay->footer("Prints its address first, its counters when it stops. See docs/hil.md.");
    delay->callback([d, &runner] { runner = [d] { return run_hil_delay(*d); }; });
}

}  // namespace apps
