#pragma once
/// A simulated fingerprint scanner: each capture is a new synthetic impression of the presented finger.
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "core/random.hpp"
#include "devices/fingerprint_scanner.hpp"
#include "devices/synthetic_finger.hpp"

namespace devices {

/// A virtual scanner. World side: present_hand() / remove_hand(). Station side: capture().
/// Capture severity comes from the person's skin quality and the `degraded` fault's severity
/// (the sensor's dirt); variation comes from the stream the simulator gave it.
class VirtualFingerprintScanner final : public FingerprintScanner {
public:
    /// A scanner drawing impression variation from `stream` (the simulator seeds it per PEC).
    VirtualFingerprintScanner(std::string id, core::RandomStream stream)
        : FingerprintScanner(std::move(id)), stream_(stream) {}

    /// World side: the person with this biometric seed and skin quality (0..1) puts a hand on the scanner.
    void present_hand(std::uint64_t biometric_seed, double skin_quality);
    /// World side: hands over a finger of the presented hand already generated (e.g. by the voter
    /// list for the enrolment template), so the scanner need not generate it again. Call after present_hand().
    void share_finger(core::Finger which, const SyntheticFinger& master);
    /// World side: the hand leaves the scanner.
    void remove_hand() { hand_.present = false; }
    /// Whether a hand is on the scanner.
    bool hand_present() const { return hand_.present; }

    /// A new impression of finger `which`; dead -> error; degraded -> worse impressions.
    DeviceResult<FingerprintCapture> capture(core::Finger which) override;

    /// Captures taken so far (including failed ones).
    std::int64_t captures() const { return captures_; }

private:
    // The hand's storage is kept from one person to the next: making it anew zeroed 10 KB of fingers
    // per voter. A finger is read only once its `generated` bit is set, so its storage is raw bytes,
    // not SyntheticFinger objects (whose construction zeroed 10 KB per scanner, 70 MB for the
    // country's desks, of which the voters' enrolled fingers, the first four, are all that is used).
    static_assert(std::is_trivially_copyable_v<SyntheticFinger> && std::is_trivially_destructible_v<SyntheticFinger>,
                  "fingers are made in place and never destroyed");
    struct Hand {
        bool present = false;
        std::uint64_t seed = 0;
        double skin_quality = 1.0;
        std::uint16_t generated = 0;  // bit per finger: master already generated
        alignas(SyntheticFinger) std::byte fingers[10][sizeof(SyntheticFinger)];  // made on first capture of each finger
        /// Finger f (its `generated` bit must be set).
        const SyntheticFinger& finger(unsigned f) const { return *std::launder(reinterpret_cast<const SyntheticFinger*>(fingers[f])); }
    };
    core::RandomStream stream_;
    Hand hand_;
    std::int64_t captures_ = 0;
};

}  // namespace devices
