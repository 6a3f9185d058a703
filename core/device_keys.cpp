#include "core/device_keys.hpp"

#include <fmt/core.h>
#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace core {

namespace {

/// libsodium must be initialised once; sodium_init() is thread-safe and idempotent.
void ensure_sodium() {
    static const int ok = sodium_init();
    if (ok < 0) throw std::runtime_error("libsodium could not be initialised");
}

constexpr std::string_view kDerivationContext = "shailoo-device-key-v1:";
constexpr int kRegistryVersion = 1;

}  // namespace

std::string_view to_string(DeviceRole role) {
    switch (role) {
        case DeviceRole::arbb_party_list: return "arbb_party_list";
        case DeviceRole::arbb_district: return "arbb_district";
        case DeviceRole::identification: return "identification";
    }
    return "unknown";
}

std::string device_id(int pec, DeviceRole role, int desk) {
    switch (role) {
        case DeviceRole::arbb_party_list: return fmt::format("{}-arbb-1", pec);
        case DeviceRole::arbb_district: return fmt::format("{}-arbb-2", pec);
        case DeviceRole::identification: return fmt::format("{}-id-{}", pec, desk);
    }
    return fmt::format("{}-unknown", pec);
}

std::optional<DeviceIdParts> parse_device_id(std::string_view id) {
    DeviceIdParts parts;
    auto number = [&](std::string_view& rest, int& out) {
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), out);
        if (ec != std::errc{} || out < 1) return false;
        rest.remove_prefix(static_cast<std::size_t>(p - rest.data()));
        return rest.empty() || rest.front() == '-';
    };
    std::string_view rest = id;
    if (!number(rest, parts.pec)) return std::nullopt;
    int index = 0;
    if (rest.starts_with("-arbb-")) {
        rest.remove_prefix(6);
        if (!number(rest, index) || index > 2) return std::nullopt;
        parts.role = index == 1 ? DeviceRole::arbb_party_list : DeviceRole::arbb_district;
        return parts;
    }
    if (!rest.starts_with("-id-")) return std::nullopt;
    rest.remove_prefix(4);
    if (!number(rest, parts.desk)) return std::nullopt;
    return parts;
}

DeviceKeyPair derive_device_keys(std::uint64_t device_secret_seed, std::string_view id) {
    ensure_sodium();
    std::array<std::uint8_t, 8> key{};
    for (int i = 0; i < 8; ++i) key[i] = static_cast<std::uint8_t>(device_secret_seed >> (8 * i));
    std::string message(kDerivationContext);
    message += id;
    std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
    crypto_generichash(seed.data(), seed.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), key.data(), key.size());
    DeviceKeyPair pair;
    crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
    sodium_memzero(seed.data(), seed.size());
    return pair;
}

Signature sign_detached(const SecretKey& key, std::span<const std::uint8_t> message) {
    ensure_sodium();
    Signature sig{};
    crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), key.data());
    return sig;
}

bool verify_detached(const PublicKey& key, std::span<const std::uint8_t> message, const Signature& signature) {
    ensure_sodium();
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

Result<void> DeviceKeyRegistry::add(RegisteredDevice device) {
    auto [it, inserted] = by_id_.emplace(device.id, devices_.size());
    if (!inserted) return fail(fmt::format("device '{}' is registered twice", device.id));
    devices_.push_back(std::move(device));
    return {};
}

const RegisteredDevice* DeviceKeyRegistry::find(std::string_view id) const {
    auto it = by_id_.find(std::string(id));
    return it == by_id_.end() ? nullptr : &devices_[it->second];
}

DeviceKeyRegistry make_device_key_registry(const ElectionPackage& package, std::uint64_t device_secret_seed) {
    std::vector<std::array<PublicKey, 3>> keys(package.pecs.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        for (std::size_t r = 0; r < 3; ++r) {
            auto pair = derive_device_keys(device_secret_seed, device_id(package.pecs[i].number, kDeviceRoles[r]));
            sodium_memzero(pair.secret_key.data(), pair.secret_key.size());
            keys[i][r] = pair.public_key;
        }
    return make_device_key_registry(package, keys);
}

DeviceKeyRegistry make_device_key_registry(const ElectionPackage& package, std::span<const std::array<PublicKey, 3>> keys) {
    if (keys.size() != package.pecs.size())
        throw std::logic_error(fmt::format("device keys for {} PECs, but the package has {}", keys.size(), package.pecs.size()));
    DeviceKeyRegistry registry;
    registry.set_election(package.name);
    for (std::size_t i = 0; i < package.pecs.size(); ++i)
        for (std::size_t r = 0; r < 3; ++r)
            // PEC numbers are unique in a validated package, so ids are too.
            (void)registry.add({device_id(package.pecs[i].number, kDeviceRoles[r]), package.pecs[i].number, kDeviceRoles[r], keys[i][r]});
    return registry;
}

std::string device_key_registry_yaml(const DeviceKeyRegistry& registry, std::string_view election_name) {
    std::string out = fmt::format(
        "# Public signing keys of every reporting device (format: docs/device-keys.md).\n"
        "# Private keys stay in the devices; they are derived from a device-secret seed, not the package seed.\n"
        "version: {}\nelection: \"{}\"\nalgorithm: ed25519\npecs:\n",
        kRegistryVersion, election_name);
    int current = -1;
    for (const auto& d : registry.devices()) {
        if (d.pec != current) {
            out += fmt::format("  - pec: {}\n    devices:\n", d.pec);
            current = d.pec;
        }
        out += fmt::format("      - {{id: \"{}\", role: {}, public_key: \"{}\"}}\n", d.id, to_string(d.role),
                           to_hex(d.public_key));
    }
    return out;
}

Result<void> write_device_key_registry(const ElectionPackage& package, std::uint64_t device_secret_seed,
                                       const std::filesystem::path& path) {
    const auto text = device_key_registry_yaml(make_device_key_registry(package, device_secret_seed), package.name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return fail(fmt::format("{}: cannot open for writing", path.string()));
    out << text;
    out.flush();
    if (!out) return fail(fmt::format("{}: write failed", path.string()));
    return {};
}

namespace {

struct ParseError {
    std::string message;
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Result<DeviceKeyRegistry> parse_device_key_registry(std::string_view yaml, std::string_view file_name) {
    auto where = [&](const YAML::Node& n) { return fmt::format("{}:{}", file_name, n.Mark().line + 1); };
    try {
        YAML::Node root = YAML::Load(std::string(yaml));
        if (!root.IsMap()) return fail(fmt::format("{}:1: expected a mapping with version, election, pecs", file_name));
        auto version = root["version"];
        if (!version || version.as<int>(-1) != kRegistryVersion)
            return fail(fmt::format("{}: version: expected {}", file_name, kRegistryVersion));
        auto algorithm = root["algorithm"];
        if (!algorithm || algorithm.as<std::string>("") != "ed25519")
            return fail(fmt::format("{}: algorithm: expected ed25519", file_name));
        auto election = root["election"];
        if (!election || !election.IsScalar() || election.Scalar().empty())
            return fail(fmt::format("{}: election: expected the election's name", file_name));
        auto pecs = root["pecs"];
        if (!pecs || !pecs.IsSequence()) return fail(fmt::format("{}: pecs: expected a list", file_name));
        DeviceKeyRegistry registry;
        registry.set_election(election.Scalar());
        for (const auto& p : pecs) {
            const int pec = p["pec"] ? p["pec"].as<int>(0) : 0;
            if (pec <= 0) return fail(fmt::format("{}: pec: expected a PEC number", where(p)));
            auto devices = p["devices"];
            if (!devices || !devices.IsSequence())
                return fail(fmt::format("{}: pec {}: devices: expected a list", where(p), pec));
            for (const auto& d : devices) {
                RegisteredDevice dev;
                dev.pec = pec;
                dev.id = d["id"] ? d["id"].as<std::string>("") : "";
                if (dev.id.empty()) return fail(fmt::format("{}: id: missing", where(d)));
                const auto role = d["role"] ? d["role"].as<std::string>("") : "";
                bool known = false;
                for (auto r : {DeviceRole::arbb_party_list, DeviceRole::arbb_district, DeviceRole::identification})
                    if (role == to_string(r)) dev.role = r, known = true;
                if (!known) return fail(fmt::format("{}: role: unknown role '{}'", where(d), role));
                if (dev.id != device_id(pec, dev.role))
                    return fail(fmt::format("{}: id: '{}' does not match pec {} and role {} (expected '{}')", where(d),
                                            dev.id, pec, role, device_id(pec, dev.role)));
                const auto hex = d["public_key"] ? d["public_key"].as<std::string>("") : "";
                if (hex.size() != 64)
                    return fail(fmt::format("{}: public_key: expected 64 hex digits, got {}", where(d), hex.size()));
                for (std::size_t i = 0; i < 32; ++i) {
                    const int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
                    if (hi < 0 || lo < 0) return fail(fmt::format("{}: public_key: not hex", where(d)));
                    dev.public_key[i] = static_cast<std::uint8_t>(hi * 16 + lo);
                }
                if (auto added = registry.add(std::move(dev)); !added)
                    return fail(fmt::format("{}: {}", where(d), added.error().message));
            }
        }
        return registry;
    } catch (const YAML::Exception& e) {
        return fail(fmt::format("{}:{}: {}", file_name, e.mark.line + 1, e.msg));
    }
}

Result<void> check_device_key_registry(const DeviceKeyRegistry& registry, const ElectionPackage& package,
                                       std::string_view file_name) {
    if (registry.election() != package.name)
        return fail(fmt::format("{}: election: the registry is for \"{}\", the package is \"{}\"", file_name,
                                registry.election(), package.name));
    std::unordered_set<int> pecs;
    for (const auto& pec : package.pecs) {
        pecs.insert(pec.number);
        for (const DeviceRole role : kDeviceRoles)
            if (registry.find(device_id(pec.number, role)) == nullptr)
                return fail(fmt::format("{}: PEC {} has no key for its device '{}'", file_name, pec.number, device_id(pec.number, role)));
    }
    for (const auto& d : registry.devices())
        if (!pecs.contains(d.pec))
            return fail(fmt::format("{}: device '{}' is of PEC {}, which is not in the package", file_name, d.id, d.pec));
    return {};
}

Result<DeviceKeyRegistry> load_device_key_registry(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(fmt::format("{}: cannot read the device key registry (missing or unreadable)", path.string()));
    std::stringstream buf;
    buf << in.rdbuf();
    return parse_device_key_registry(buf.str(), path.string());
}

Result<DeviceKeyRegistry> load_device_key_registry(const std::filesystem::path& path, const ElectionPackage& package) {
    auto registry = load_device_key_registry(path);
    if (!registry) return registry;
    if (auto ok = check_device_key_registry(*registry, package, path.string()); !ok) return std::unexpected(ok.error());
    return registry;
}

}  // namespace core
