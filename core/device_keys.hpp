#pragma once
/// Device signing keys (Ed25519, libsodium) and the registry of their public halves.
///
/// Every reporting device at a PEC (the two ARBBs and the identification station) signs what it
/// sends with its own key. The public keys are part of the election package
/// (assets/<election>/device-keys.yaml, format: docs/device-keys.md); the private keys never leave
/// the devices. In the simulator the private keys are derived from a device-secret seed that is
/// NOT the public package seed: anyone holding the package (and therefore its seed) must not be
/// able to forge a device's signature. Derivation (versioned, "v1"):
///   ed25519_seed = BLAKE2b-256(key = secret_seed as 8 little-endian bytes,
///                              message = "shailoo-device-key-v1:" + device_id)
///   (public, secret) = crypto_sign_seed_keypair(ed25519_seed)
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ballot.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"

namespace core {

/// Ed25519 public key (32 bytes).
using PublicKey = std::array<std::uint8_t, 32>;
/// Ed25519 secret key as libsodium keeps it (seed + public key, 64 bytes).
using SecretKey = std::array<std::uint8_t, 64>;
/// Ed25519 detached signature (64 bytes).
using Signature = std::array<std::uint8_t, 64>;

/// What a reporting device at a PEC is.
enum class DeviceRole : std::uint8_t {
    arbb_party_list,  ///< ARBB of the single nationwide constituency box, id "PPPP-arbb-1"
    arbb_district,    ///< ARBB of the single-mandate district box, id "PPPP-arbb-2"
    identification,   ///< biometric identification station, id "PPPP-id-1"
};

/// The role of the ARBB that counts a box.
constexpr DeviceRole arbb_role(BoxKind box) {
    return box == BoxKind::party_list ? DeviceRole::arbb_party_list : DeviceRole::arbb_district;
}

/// Stable name of a role ("arbb_party_list", "arbb_district", "identification").
std::string_view to_string(DeviceRole role);

/// The id of a PEC's device in a role, e.g. device_id(1001, DeviceRole::arbb_district) == "1001-arbb-2".
/// `desk` numbers the identification desks from 1 ("1001-id-2"; desk 1's id is the station's, the one
/// that signs the summed identification report); the ARBB roles ignore it. The desks' parts add their
/// kind: "1001-id-2-fingerprint", "1001-arbb-1-printer".
std::string device_id(int pec, DeviceRole role, int desk = 1);

/// What device_id wrote, read back from an id or the id of one of its parts: PEC, role and desk.
struct DeviceIdParts {
    int pec = 0;
    DeviceRole role = DeviceRole::identification;
    int desk = 1;  ///< 1 for the ARBBs
};
std::optional<DeviceIdParts> parse_device_id(std::string_view id);

/// A device's key pair. Lives only inside the (simulated) device.
struct DeviceKeyPair {
    PublicKey public_key{};  ///< goes to the registry
    SecretKey secret_key{};  ///< stays in the device
};

/// The device-secret seed of the simulated training fleet (the virtual devices of `shailoo run`,
/// `shailoo load` and the tests). Real devices hold keys made in their secure element instead;
/// this value is not in the election package, only in the simulator's source.
inline constexpr std::uint64_t kSimulatedDeviceSecret = 0x5348'41494c'4f4f'01ULL;

/// Derives a device's key pair from the device-secret seed (rule in the file comment).
DeviceKeyPair derive_device_keys(std::uint64_t device_secret_seed, std::string_view device_id);

/// Signs `message` (Ed25519, detached).
Signature sign_detached(const SecretKey& key, std::span<const std::uint8_t> message);

/// True when `signature` is `key`'s signature of `message`.
bool verify_detached(const PublicKey& key, std::span<const std::uint8_t> message, const Signature& signature);

/// Lower-case hex of bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

/// One device known to the central server.
struct RegisteredDevice {
    std::string id;          ///< e.g. "1001-arbb-1"
    int pec = 0;             ///< the PEC it belongs to
    DeviceRole role = DeviceRole::arbb_party_list;  ///< what it is
    PublicKey public_key{};  ///< its signing key
};

/// The public keys of every device of an election.
class DeviceKeyRegistry {
public:
    /// Adds a device; error if its id is already registered.
    Result<void> add(RegisteredDevice device);
    /// The device with this id, or nullptr.
    const RegisteredDevice* find(std::string_view id) const;
    /// All devices in the order they were added.
    const std::vector<RegisteredDevice>& devices() const { return devices_; }
    /// The election the registry is for: its file's `election`, or the package's name when made from one.
    const std::string& election() const { return election_; }
    void set_election(std::string name) { election_ = std::move(name); }

private:
    std::string election_;
    std::vector<RegisteredDevice> devices_;
    std::unordered_map<std::string, std::size_t> by_id_;
};

/// The three roles every PEC has a device for, in registry order.
inline constexpr DeviceRole kDeviceRoles[3] = {DeviceRole::arbb_party_list, DeviceRole::arbb_district, DeviceRole::identification};

/// Builds the registry for every PEC of `package` (three devices each) from the device-secret seed.
DeviceKeyRegistry make_device_key_registry(const ElectionPackage& package, std::uint64_t device_secret_seed);
/// The same registry from public keys the devices already hold: keys[i][r] is the key of
/// package.pecs[i]'s device in role kDeviceRoles[r] (keys.size() == package.pecs.size()).
DeviceKeyRegistry make_device_key_registry(const ElectionPackage& package, std::span<const std::array<PublicKey, 3>> keys);

/// The registry as YAML text (docs/device-keys.md, version 1).
std::string device_key_registry_yaml(const DeviceKeyRegistry& registry, std::string_view election_name);

/// Writes assets/<election>/device-keys.yaml for `package`. Errors name the path.
Result<void> write_device_key_registry(const ElectionPackage& package, std::uint64_t device_secret_seed,
                                       const std::filesystem::path& path);

/// Reads a registry from YAML text. Errors read "FILE:LINE: field: what is wrong".
Result<DeviceKeyRegistry> parse_device_key_registry(std::string_view yaml, std::string_view file_name);

/// Reads a registry file.
Result<DeviceKeyRegistry> load_device_key_registry(const std::filesystem::path& path);

/// Checks that `registry` is `package`'s: written for the package's election, a key for each of
/// the three devices of every PEC, and no device of a PEC the package does not have. A registry of
/// another election or package version would otherwise pass unnoticed until the CEC rejected every
/// report it signed. Errors name `file_name` and the first device or PEC that is wrong.
Result<void> check_device_key_registry(const DeviceKeyRegistry& registry, const ElectionPackage& package,
                                       std::string_view file_name);

/// Reads a registry file and checks that it is `package`'s (check_device_key_registry).
Result<DeviceKeyRegistry> load_device_key_registry(const std::filesystem::path& path, const ElectionPackage& package);

}  // namespace core
