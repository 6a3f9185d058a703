#pragma once
// The ingest the fuzz_ingest* targets drive: the small test election and its device keys (built
// once), a fresh Ingest on an in-memory SQLite store per input (nothing is written to disk, and one
// input cannot change what the next one meets), a fixed clock, and the properties every decision
// and commit must have.
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "central/ingest.hpp"
#include "../central/ingest_fixture.hpp"
#include "core/wire.hpp"
#include "fuzz_support.hpp"

namespace fuzz {

/// The election, the registry and every registered device's signing key.
struct IngestElection {
    core::ElectionPackage package = ingest_fixture::small_package();
    core::DeviceKeyRegistry registry = core::make_device_key_registry(package, ingest_fixture::kDeviceSecret);
    std::map<std::string, core::SecretKey, std::less<>> keys;
    IngestElection() {
        for (const auto& d : registry.devices())
            keys.emplace(d.id, core::derive_device_keys(ingest_fixture::kDeviceSecret, d.id).secret_key);
    }
    static const IngestElection& get() {
        static const IngestElection election;
        return election;
    }
};

/// One input's ingest.
class IngestRun {
public:
    IngestRun() : store_(":memory:"), ingest_(election_.package, election_.registry, store_) {}

    void submit(std::span<const std::uint8_t> message) {
        const auto d = ingest_.submit(message, "fuzz", kNow);
        require(d.outcome != core::AckOutcome::retry, "submit never answers retry");
        require((d.outcome == core::AckOutcome::rejected) == (d.reason != core::RejectReason::none),
                "a rejection and only a rejection has a reason");
        require(!d.text.empty() || d.outcome != core::AckOutcome::rejected, "a rejection says why");
        if (d.outcome != core::AckOutcome::rejected && !d.acknowledged_now) waiting_.insert(d.ticket);
    }

    /// Commits what is staged: every report stored (and every retransmission of one) is acknowledged, once.
    void commit() {
        std::set<std::uint64_t> acknowledged;
        for (const auto& release : ingest_.flush(kNow)) {
            require(release.acknowledged, "an in-memory commit does not fail");
            require(acknowledged.insert(release.ticket).second, "a message is acknowledged once");
        }
        require(acknowledged == waiting_, "the commit acknowledges every message waiting for it");
    }

    /// `body` signed by the device it names (a registered one; any key for others) as a SignedReport.
    std::vector<std::uint8_t> signed_by_its_device(std::span<const std::uint8_t> body) const {
        const auto report = core::decode_body(body);
        const auto key = report ? election_.keys.find(report->header.device_id) : election_.keys.end();
        const auto& secret = key != election_.keys.end() ? key->second : election_.keys.begin()->second;
        return core::encode_envelope({{body.begin(), body.end()}, core::sign_detached(secret, body)});
    }

private:
    static constexpr core::Micros kNow = core::at(20, 30);
    const IngestElection& election_ = IngestElection::get();
    central::Store store_;
    central::Ingest ingest_;
    std::set<std::uint64_t> waiting_;  // tickets of messages whose ack waits for the commit
};

}  // namespace fuzz
