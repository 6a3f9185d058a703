#pragma once
/// A simulated 3G/4G modem with the link faults scenarios drive.
#include <cstdint>

#include "core/random.hpp"
#include "devices/modem.hpp"

namespace devices {

/// A virtual modem.
///
/// Delivery time = now + kBaseLatency + bytes * kMicrosPerByte. kBaseLatency = 400 ms (a
/// cellular round trip plus the secure channel's handshake on a rural 3G link);
/// kMicrosPerByte = 8 (1 Mbit/s uplink, a modest 3G rate; a final report of a few kB is sent in
/// well under a second).
/// Faults: dead and no_signal refuse; slow multiplies the whole latency by its severity (>= 1);
/// flapping (severity = share of time down) takes the link down for severity x kFlapPeriod at the
/// start of every kFlapPeriod = 60 s cycle, shifted by a phase drawn once from the RandomStream;
/// a transfer that starts or would still be running in a down window fails.
/// Device::fail_at(n) makes the n-th transmit from now fail with no_signal (core::FailCount, so
/// transmitter tests can hit every failure point).
class VirtualModem final : public Modem {
public:
    /// Fixed part of every transfer's latency.
    static constexpr core::Micros kBaseLatency = 400'000;
    /// Transfer time per byte (1 Mbit/s).
    static constexpr core::Micros kMicrosPerByte = 8;
    /// Length of one up/down cycle of a flapping link.
    static constexpr core::Micros kFlapPeriod = 60 * core::kSecond;

    /// How long a healthy link takes to deliver `bytes`: kBaseLatency + bytes x kMicrosPerByte.
    static constexpr core::Micros transfer_time(std::size_t bytes) {
        return kBaseLatency + static_cast<core::Micros>(bytes) * kMicrosPerByte;
    }

    /// A modem whose flapping phase is drawn from `random`.
    VirtualModem(std::string id, core::RandomStream random);

    DeviceResult<core::Micros> transmit(std::size_t bytes, core::Micros now) override;

    /// Whether a flapping link is down at `t` (false when not flapping).
    bool link_down_at(core::Micros t) const;
    /// Transfers attempted so far.
    std::int64_t transfers() const { return transfers_; }
    /// Bytes delivered so far.
    std::int64_t bytes_delivered() const { return bytes_delivered_; }

private:
    core::Micros phase_;
    std::int64_t transfers_ = 0;
    std::int64_t bytes_delivered_ = 0;
};

}  // namespace devices
