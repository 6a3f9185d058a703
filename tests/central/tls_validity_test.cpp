// The TLS rules that held when a hostile client tried them (issue 17 audit), kept so: a station
// refuses a server certificate that has expired or is not yet valid, even one its pinned CA
// signed, and the server refuses TLS 1.2. The test makes its own CA and certificates (OpenSSL,
// ECDSA P-256) in the build tree: the shipped CA's private key was not kept.
#include <gtest/gtest.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "net/tls_client.hpp"
#include "net/tls_context.hpp"
#include "ingest_server_fixture.hpp"

// A namespace of its own: the file shares a unity-build batch with the other tests of its folder
// (tests/CMakeLists.txt), and its helpers keep their short names.
namespace tls_validity_test {

using namespace ingest_server_fixture;
using namespace net;
using core::Ack;
using core::AckOutcome;

namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Key new_key() { return Key(EVP_EC_gen("P-256"), &EVP_PKEY_free); }

/// A certificate for `cn`, valid from now + from_s to now + to_s, signed by `issuer_key` (self-signed
/// when issuer is null). The server certificate carries the loopback address as its name.
Cert make_cert(EVP_PKEY* key, const char* cn, long from_s, long to_s, X509* issuer, EVP_PKEY* issuer_key, bool ca) {
    Cert c(X509_new(), &X509_free);
    X509_set_version(c.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), ca ? 1 : 2);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), from_s);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), to_s);
    X509_set_pubkey(c.get(), key);
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : c.get(), c.get(), nullptr, nullptr, 0);
    auto add = [&](int nid, const char* value) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        X509_add_ext(c.get(), ext, -1);
        X509_EXTENSION_free(ext);
    };
    if (ca) {
        add(NID_basic_constraints, "critical,CA:TRUE");
        add(NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add(NID_subject_alt_name, "IP:127.0.0.1");
    }
    X509_sign(c.get(), issuer_key, EVP_sha256());
    return c;
}

void write_pem(const std::filesystem::path& file, X509* cert, EVP_PKEY* key) {
    FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr) << file;
    if (cert) PEM_write_X509(f, cert);
    if (key) PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}

/// A CA and a server certificate valid from now + from_s to now + to_s, in their own folder.
std::filesystem::path make_tls_dir(const std::string& name, long from_s, long to_s) {
    const auto dir = std::filesystem::path(SHAILOO_BINARY_DIR) / "test-tls" / name;
    std::filesystem::create_directories(dir);
    auto ca_key = new_key();
    auto ca = make_cert(ca_key.get(), "test CA", -3600, 86400, nullptr, ca_key.get(), true);
    auto key = new_key();
    auto server = make_cert(key.get(), "127.0.0.1", from_s, to_s, ca.get(), ca_key.get(), false);
    write_pem(dir / "ca.pem", ca.get(), nullptr);
    write_pem(dir / "server.pem", server.get(), nullptr);
    write_pem(dir / "server.key", nullptr, key.get());
    return dir;
}

core::Result<std::vector<Ack>> send_one(const std::filesystem::path& tls_dir, const Server& s) {
    auto tls = make_client_tls_context(tls_dir / "ca.pem");
    EXPECT_TRUE(tls);
    return exchange_blocking(**tls, s.endpoint(), "127.0.0.1", {identification(1, 500)}, kTimeout);
}

}  // namespace

TEST(TlsValidity, ACertificateInItsValidityPeriodIsAccepted) {
    const auto dir = make_tls_dir("valid", -60, 3600);
    Server s("tls-valid", dir, "server");
    auto acks = send_one(dir, s);
    ASSERT_TRUE(acks) << acks.error().message;
    EXPECT_EQ(acks->front().outcome, AckOutcome::stored);
}

TEST(TlsValidity, AnExpiredServerCertificateIsRefusedByTheStation) {
    const auto dir = make_tls_dir("expired", -7200, -3600);
    Server s("tls-expired", dir, "server");
    auto acks = send_one(dir, s);
    ASSERT_FALSE(acks);
    EXPECT_EQ(stored_on_disk(s.file), 0);
}

TEST(TlsValidity, AServerCertificateNotYetValidIsRefusedByTheStation) {
    const auto dir = make_tls_dir("not-yet-valid", 3600, 7200);
    Server s("tls-not-yet", dir, "server");
    auto acks = send_one(dir, s);
    ASSERT_FALSE(acks);
    EXPECT_EQ(stored_on_disk(s.file), 0);
}

TEST(TlsValidity, TheServerRefusesTls12) {
    Server s("tls12");
    namespace ssl = boost::asio::ssl;
    boost::asio::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(ssl::verify_none);
    ssl::stream<boost::asio::ip::tcp::socket> stream(io, ctx);
    stream.lowest_layer().connect(s.endpoint());
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::client, ec);
    EXPECT_TRUE(ec) << "a TLS 1.2 handshake succeeded";
    for (int i = 0; i < 200 && s.server->counters().handshake_failures.load() < 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(s.server->counters().handshake_failures.load(), 1);
}

}  // namespace tls_validity_test
