#include "core/device_keys.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

using namespace core;

namespace {

ElectionPackage package_with_pecs(int n) {
    ElectionPackage p;
    p.name = "test";
    for (int i = 0; i < n; ++i) p.pecs.push_back({.number = 1001 + i, .region_code = 1, .registered = 1000});
    return p;
}

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

TEST(DeviceKeys, DeviceIdsNameThePecAndTheRole) {
    EXPECT_EQ(device_id(1001, DeviceRole::arbb_party_list), "1001-arbb-1");
    EXPECT_EQ(device_id(1001, DeviceRole::arbb_district), "1001-arbb-2");
    EXPECT_EQ(device_id(9003, DeviceRole::identification), "9003-id-1");
    EXPECT_EQ(device_id(9003, DeviceRole::identification, 3), "9003-id-3");
}

TEST(DeviceKeys, DeviceIdsAndTheirPartsReadBack) {
    for (int desk : {1, 2, 12}) {
        const auto p = core::parse_device_id(device_id(6006, DeviceRole::identification, desk) + "-fingerprint");
        ASSERT_TRUE(p);
        EXPECT_EQ(p->pec, 6006);
        EXPECT_EQ(p->role, DeviceRole::identification);
        EXPECT_EQ(p->desk, desk);
    }
    for (auto role : {DeviceRole::arbb_party_list, DeviceRole::arbb_district}) {
        const auto p = core::parse_device_id(device_id(1001, role) + "-printer");
        ASSERT_TRUE(p);
        EXPECT_EQ(p->pec, 1001);
        EXPECT_EQ(p->role, role);
    }
    for (const char* bad : {"", "modem", "1001", "1001-arbb-3", "1001-id-0", "1001-id-", "x-id-1", "1001-idx-1", "1001-arbb-1x", "-5-id-1"})
        EXPECT_FALSE(core::parse_device_id(bad)) << bad;
}

TEST(DeviceKeys, DerivationIsDeterministicAndDependsOnSeedAndDevice) {
    auto a = derive_device_keys(42, "1001-arbb-1");
    EXPECT_EQ(a.public_key, derive_device_keys(42, "1001-arbb-1").public_key);
    EXPECT_NE(a.public_key, derive_device_keys(43, "1001-arbb-1").public_key);
    EXPECT_NE(a.public_key, derive_device_keys(42, "1001-arbb-2").public_key);
}

TEST(DeviceKeys, SignatureVerifiesOnlyForTheSameKeyAndMessage) {
    auto k = derive_device_keys(7, "1001-id-1");
    auto other = derive_device_keys(7, "1002-id-1");
    auto sig = sign_detached(k.secret_key, bytes("final report"));
    EXPECT_TRUE(verify_detached(k.public_key, bytes("final report"), sig));
    EXPECT_FALSE(verify_detached(k.public_key, bytes("final report!"), sig));
    EXPECT_FALSE(verify_detached(other.public_key, bytes("final report"), sig));
    sig[10] ^= 1;
    EXPECT_FALSE(verify_detached(k.public_key, bytes("final report"), sig));
}

TEST(DeviceKeys, RegistryRoundTripsThroughYaml) {
    auto reg = make_device_key_registry(package_with_pecs(3), 99);
    ASSERT_EQ(reg.devices().size(), 9u);
    auto text = device_key_registry_yaml(reg, "test");
    auto back = parse_device_key_registry(text, "device-keys.yaml");
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->devices().size(), 9u);
    for (const auto& d : reg.devices()) {
        const auto* e = back->find(d.id);
        ASSERT_NE(e, nullptr) << d.id;
        EXPECT_EQ(e->public_key, d.public_key);
        EXPECT_EQ(e->pec, d.pec);
        EXPECT_EQ(e->role, d.role);
    }
    EXPECT_EQ(back->find("1001-arbb-1")->public_key, derive_device_keys(99, "1001-arbb-1").public_key);
    EXPECT_EQ(back->find("9999-arbb-1"), nullptr);
}

TEST(DeviceKeys, RegistryFromTheDevicesOwnPublicKeysIsTheDerivedOne) {
    const auto package = package_with_pecs(3);
    std::vector<std::array<PublicKey, 3>> keys(3);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t r = 0; r < 3; ++r)
            keys[i][r] = derive_device_keys(99, device_id(package.pecs[i].number, kDeviceRoles[r])).public_key;
    const auto derived = make_device_key_registry(package, 99);
    const auto given = make_device_key_registry(package, keys);
    ASSERT_EQ(given.devices().size(), 9u);
    EXPECT_EQ(device_key_registry_yaml(given, "t"), device_key_registry_yaml(derived, "t"));
    keys[1][2] = derive_device_keys(98, "1002-id-1").public_key;  // another device secret
    EXPECT_NE(device_key_registry_yaml(make_device_key_registry(package, keys), "t"), device_key_registry_yaml(derived, "t"));
    keys.pop_back();  // a PEC without keys is a programming error, not a shorter registry
    EXPECT_THROW(make_device_key_registry(package, keys), std::logic_error);
}

TEST(DeviceKeys, WritesTheRegistryFileForAPackage) {
    auto path = std::filesystem::path(SHAILOO_BINARY_DIR) / "device-keys-test.yaml";
    ASSERT_TRUE(write_device_key_registry(package_with_pecs(2), 5, path));
    auto back = load_device_key_registry(path);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->devices().size(), 6u);
    std::filesystem::remove(path);
    EXPECT_FALSE(load_device_key_registry(path));
}

TEST(DeviceKeys, BadRegistryFilesAreReportedWithLineAndField) {
    auto expect_error = [](std::string_view text, std::string_view part) {
        auto r = parse_device_key_registry(text, "k.yaml");
        ASSERT_FALSE(r) << text;
        EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
    };
    const std::string head = "version: 1\nelection: test\nalgorithm: ed25519\npecs:\n  - pec: 1001\n    devices:\n";
    const std::string key(64, 'a');
    expect_error("version: 2\nelection: test\nalgorithm: ed25519\npecs: []\n", "version");
    expect_error("version: 1\nalgorithm: ed25519\npecs: []\n", "k.yaml: election: expected the election's name");
    expect_error("version: 1\nelection: [a]\nalgorithm: ed25519\npecs: []\n", "k.yaml: election: expected the election's name");
    expect_error(head + "      - {id: \"1001-arbb-1\", role: arbb_party_list, public_key: \"abc\"}\n",
                 "k.yaml:7: public_key: expected 64 hex digits");
    expect_error(head + "      - {id: \"1001-arbb-1\", role: printer, public_key: \"" + key + "\"}\n",
                 "role: unknown role 'printer'");
    expect_error(head + "      - {id: \"1002-arbb-1\", role: arbb_party_list, public_key: \"" + key + "\"}\n",
                 "does not match pec 1001");
    expect_error(head + "      - {id: \"1001-arbb-1\", role: arbb_party_list, public_key: \"" + std::string(64, 'z') +
                     "\"}\n",
                 "not hex");
    expect_error(head + "      - {id: \"1001-arbb-1\", role: arbb_party_list, public_key: \"" + key + "\"}\n" +
                     "      - {id: \"1001-arbb-1\", role: arbb_party_list, public_key: \"" + key + "\"}\n",
                 "registered twice");
    expect_error("pecs: [", "k.yaml:");
}

TEST(DeviceKeys, RegistryMustBeThePackagesOwn) {
    const auto package = package_with_pecs(3);
    const auto own = make_device_key_registry(package, 5);
    EXPECT_TRUE(check_device_key_registry(own, package, "k.yaml"));
    // Read back from its file, it is still the package's.
    auto back = parse_device_key_registry(device_key_registry_yaml(own, package.name), "k.yaml");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->election(), "test");
    EXPECT_TRUE(check_device_key_registry(*back, package, "k.yaml"));

    auto expect_error = [&package](const DeviceKeyRegistry& registry, std::string_view part) {
        auto r = check_device_key_registry(registry, package, "k.yaml");
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
    };
    // Another election's registry.
    auto other = parse_device_key_registry(device_key_registry_yaml(own, "kg2026"), "k.yaml");
    ASSERT_TRUE(other);
    expect_error(*other, "k.yaml: election: the registry is for \"kg2026\", the package is \"test\"");
    // A PEC's device without a key (a registry of a smaller package).
    auto smaller = make_device_key_registry(package_with_pecs(2), 5);
    smaller.set_election("test");
    expect_error(smaller, "k.yaml: PEC 1003 has no key for its device '1003-arbb-1'");
    // A device of a PEC the package does not have (a registry of a larger package).
    auto larger = make_device_key_registry(package_with_pecs(4), 5);
    expect_error(larger, "k.yaml: device '1004-arbb-1' is of PEC 1004, which is not in the package");

    // Loading with the package checks the same: the file of a smaller package is refused.
    const auto path = std::filesystem::path(SHAILOO_BINARY_DIR) / "device-keys-check-test.yaml";
    ASSERT_TRUE(write_device_key_registry(package_with_pecs(2), 5, path));
    EXPECT_TRUE(load_device_key_registry(path, package_with_pecs(2)));
    const auto refused = load_device_key_registry(path, package);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find(path.string() + ": PEC 1003 has no key"), std::string::npos) << refused.error().message;
    std::filesystem::remove(path);
}

TEST(DeviceKeys, WholeCountryRegistryRoundTripsThroughYaml) {
    // 2,494 PECs x 3 devices, the 2021 size: every device comes back with its id, PEC, role and key.
    const auto reg = make_device_key_registry(package_with_pecs(2494), 2021);
    ASSERT_EQ(reg.devices().size(), 7482u);
    auto back = parse_device_key_registry(device_key_registry_yaml(reg, "kg2021"), "device-keys.yaml");
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->devices().size(), reg.devices().size());
    for (std::size_t i = 0; i < reg.devices().size(); ++i) {
        const RegisteredDevice& a = reg.devices()[i];
        const RegisteredDevice* b = back->find(a.id);
        ASSERT_NE(b, nullptr) << a.id;
        EXPECT_EQ(b->pec, a.pec) << a.id;
        EXPECT_EQ(b->role, a.role) << a.id;
        EXPECT_EQ(b->public_key, a.public_key) << a.id;
    }
}
