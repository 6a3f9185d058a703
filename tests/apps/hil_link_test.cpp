// A PEC's reports over a real, impaired network link (issue 13, docs/hil.md "A real network link"):
// `shailoo serve` runs in one network namespace (the CEC), `shailoo hil send` in another (the PEC),
// joined by a veth pair with loopback-range addresses (127.77.N.1 and .2; route_localnet lets them
// leave the loopback device). The link is then limited with `tc tbf`, loses packets to an nftables
// random rule, goes down and up, and is delayed (netem where the kernel has it, else `shailoo hil
// delay` on the PEC's side). Through each, every report must be acknowledged exactly once and
// stored exactly once. Needs root (namespaces, tc, nft); skipped, saying so, without it.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "central/store.hpp"
#include "serve_process.hpp"
#include "shailoo_process.hpp"

namespace hil_link_test {
namespace {

using shailoo_test::CliRun;
using shailoo_test::run_shell;

/// Two network namespaces joined by a veth pair, removed (with the pair) when it goes.
class LinkedNamespaces {
public:
    LinkedNamespaces() {
        const std::string id = std::to_string(getpid() % 100000);
        const int octet = 1 + getpid() % 250;
        cec = "shcec" + id, pec = "shpec" + id, veth_cec = "vc" + id, veth_pec = "vp" + id;
        cec_ip = fmt::format("127.77.{}.1", octet), pec_ip = fmt::format("127.77.{}.2", octet);
        for (const std::string& c : {"ip netns add " + cec, "ip netns add " + pec,
                                     fmt::format("ip link add {} type veth peer name {}", veth_cec, veth_pec),
                                     fmt::format("ip link set {} netns {}", veth_cec, cec), fmt::format("ip link set {} netns {}", veth_pec, pec),
                                     fmt::format("ip -n {} addr add {}/24 dev {}", cec, cec_ip, veth_cec),
                                     fmt::format("ip -n {} addr add {}/24 dev {}", pec, pec_ip, veth_pec)}) {
            if (!run(c)) return;
        }
        for (const auto& [ns, veth] : {std::pair{cec, veth_cec}, std::pair{pec, veth_pec}}) {
            if (!run(fmt::format("ip -n {} link set lo up", ns)) || !run(fmt::format("ip -n {} link set {} up", ns, veth)) ||
                !run(fmt::format("ip netns exec {} sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.{}.route_localnet=1", ns, veth)))
                return;
        }
        ready = true;
    }
    ~LinkedNamespaces() {
        run_shell("ip netns del " + cec);
        run_shell("ip netns del " + pec);
    }
    /// Runs a command line; false (keeping its output in `error`) when it fails.
    bool run(const std::string& command) {
        const CliRun r = run_shell(command);
        if (r.code != 0 && error.empty()) error = command + ": " + r.output;
        return r.code == 0;
    }
    std::string cec, pec, veth_cec, veth_pec, cec_ip, pec_ip, error;
    bool ready = false;
};

/// The CEC's server in its namespace, the PEC's namespace, and what a send over the link gave.
class ImpairedLink : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root: it creates network namespaces, a veth pair, tc and nftables rules";
        ASSERT_TRUE(link.ready) << "could not set up the namespaces: " << link.error;
        dir = shailoo_test::temp_dir("hil-link-" + std::to_string(getpid()));
        server.emplace(dir / "cec.sqlite", dir / "serve.log", std::vector<std::string>{}, SHAILOO_EXE,
                       std::vector<std::string>{"ip", "netns", "exec", link.cec}, link.cec_ip + ":0");
        ASSERT_NE(server->port(), 0) << server->first_line();
    }
    void TearDown() override {
        if (server) server->kill(SIGKILL);
        if (!dir.empty()) std::filesystem::remove_all(dir);
    }

    /// `shailoo hil send` in the PEC's namespace to `target` (default: the server) for `pecs`.
    CliRun send(const std::vector<int>& pecs, std::string target = {}) {
        if (target.empty()) target = fmt::format("{}:{}", link.cec_ip, server->port());
        std::string command = fmt::format("ip netns exec {} {} hil send --server {} --server-name localhost --timeout 4 --first-backoff 0.5 "
                                          "--max-backoff 2 --ack-timeout 8 --deadline 120",
                                          link.pec, SHAILOO_EXE, target);
        for (int p : pecs) command += fmt::format(" --pec {}", p);
        return run_shell(command);
    }

    /// Every report the send announced was acknowledged exactly once (one answer line each) and the
    /// store holds exactly the reports sent before (`stored_before`) plus these.
    void expect_each_acknowledged_and_stored_once(const CliRun& r, std::int64_t stored_before) {
        ASSERT_EQ(r.code, 0) << r.output;
        std::smatch m;
        ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(sending (\d+) reports)"))) << r.output;
        const int reports = std::stoi(m[1]);
        std::map<std::string, int> answers;
        const std::regex answer(R"((\d+-(?:arbb-\d|id-\d) #\d+): (stored|duplicate))");
        for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), answer); it != std::sregex_iterator(); ++it) ++answers[(*it)[1]];
        EXPECT_EQ(static_cast<int>(answers.size()), reports) << r.output;
        for (const auto& [report, n] : answers) EXPECT_EQ(n, 1) << report << " answered " << n << " times\n" << r.output;
        EXPECT_NE(r.output.find(fmt::format("acknowledged {}/{}", reports, reports)), std::string::npos) << r.output;
        // The figures for docs/hil.md: the sender's last line (answers, sends, sends without a link, time).
        std::cout << "  " << r.output.substr(r.output.rfind("acknowledged "));
        server->kill(SIGKILL);  // the store is read as it is on disk (acknowledged means durable)
        EXPECT_EQ(central::Store(dir / "cec.sqlite").count(), stored_before + reports);
        server.reset();
    }

    LinkedNamespaces link;
    std::filesystem::path dir;
    std::optional<shailoo_test::ServeProcess> server;
};

TEST_F(ImpairedLink, ARateLimitedLinkDeliversEveryReportOnce) {
    for (const auto& [ns, veth] : {std::pair{link.cec, link.veth_cec}, std::pair{link.pec, link.veth_pec}})
        ASSERT_TRUE(link.run(fmt::format("ip netns exec {} tc qdisc add dev {} root tbf rate 32kbit burst 4kb latency 2s", ns, veth)))
            << link.error;
    const CliRun r = send({6001, 6002});
    expect_each_acknowledged_and_stored_once(r, 0);
    const CliRun stats = run_shell(fmt::format("ip netns exec {} tc -s qdisc show dev {}", link.cec, link.veth_cec));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(stats.output, m, std::regex(R"(overlimits (\d+))"))) << stats.output;
    EXPECT_GT(std::stoll(m[1]), 0) << "the limiter held packets back:\n" << stats.output;
}

TEST_F(ImpairedLink, ALinkThatLosesAFifthOfItsPacketsDeliversEveryReportOnce) {
    for (const std::string& ns : {link.cec, link.pec}) {
        const std::string nft = "ip netns exec " + ns + " nft ";
        ASSERT_TRUE(link.run(nft + "add table inet impair") && link.run(nft + "add chain inet impair out '{ type filter hook output priority 0; }'") &&
                    link.run(nft + "add rule inet impair out oifname " + (ns == link.cec ? link.veth_cec : link.veth_pec) +
                             " numgen random mod 100 '<' 20 counter drop"))
            << link.error;
    }
    const CliRun r = send({6003, 6004, 6005});
    expect_each_acknowledged_and_stored_once(r, 0);
    const CliRun counted = run_shell("ip netns exec " + link.pec + " nft list table inet impair");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(counted.output, m, std::regex(R"(packets (\d+))"))) << counted.output;
    EXPECT_GT(std::stoll(m[1]), 0) << "the rule dropped packets:\n" << counted.output;
}

TEST_F(ImpairedLink, ALinkDownAtTheSendIsWaitedForAndEveryReportGoesOnceItIsUp) {
    ASSERT_TRUE(link.run(fmt::format("ip -n {} link set {} down", link.pec, link.veth_pec))) << link.error;
    auto sending = std::async(std::launch::async, [this] { return send({6006, 6007}); });
    std::this_thread::sleep_for(std::chrono::seconds(3));
    ASSERT_TRUE(link.run(fmt::format("ip -n {} link set {} up", link.pec, link.veth_pec))) << link.error;
    const CliRun r = sending.get();
    EXPECT_NE(r.output.find("no link"), std::string::npos) << "the first sends found no link:\n" << r.output;
    expect_each_acknowledged_and_stored_once(r, 0);
}

TEST_F(ImpairedLink, ADelayedLinkWithJitterDeliversEveryReportOnce) {
    // netem where the kernel has it; this machine kind's has not, so the delay stage stands in.
    const bool netem = link.run(fmt::format("ip netns exec {} tc qdisc add dev {} root netem delay 100ms 30ms", link.pec, link.veth_pec));
    std::string target;
    std::future<CliRun> relay;
    if (!netem) {
        target = link.pec_ip + ":7000";  // the PEC's namespace is ours: the port is free
        relay = std::async(std::launch::async, [&] {
            return run_shell(fmt::format("ip netns exec {} {} hil delay --listen {} --to {}:{} --delay 100 --jitter 30 --for 60", link.pec,
                                         SHAILOO_EXE, target, link.cec_ip, server->port()));
        });
        for (int i = 0; i < 50 && run_shell(fmt::format("ip netns exec {} ss -ltn | grep -q '{}'", link.pec, target)).code != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const CliRun r = send({6008, 6009}, target);
    if (!netem) {
        run_shell("pkill -TERM -f '[h]il delay --listen " + target + "'");  // [h]: not this shell's own command line
        const CliRun stage = relay.get();
        std::smatch m;
        ASSERT_TRUE(std::regex_search(stage.output, m, std::regex(R"(connections (\d+) \(0 could not reach the target\), chunks delayed (\d+))")))
            << stage.output;
        EXPECT_GE(std::stoi(m[1]), 6) << "every report went through the delay stage";
        EXPECT_GE(std::stoi(m[2]), 6 * 4) << stage.output;
    }
    expect_each_acknowledged_and_stored_once(r, 0);
}

}  // namespace
}  // namespace hil_link_test
