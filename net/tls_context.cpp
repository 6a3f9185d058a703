#include "net/tls_context.hpp"

#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace net {

namespace {

std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    if (e == 0) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

// Server certificates this client has already verified against the pinned CA, with the name they
// were checked for. A certificate byte-identical to one of them, checked for the same name and
// still within its validity period, is accepted without building and verifying the chain again
// (about 0.1 ms of CPU per connection). The handshake still verifies the server's CertificateVerify
// signature, so the server proves on every connection that it holds the certificate's key.
class VerifiedCertificates {
public:
    ~VerifiedCertificates() {
        for (auto& e : entries_) X509_free(e.certificate);
    }

    static int verify(X509_STORE_CTX* store, void* arg) {
        auto& self = *static_cast<VerifiedCertificates*>(arg);
        X509* leaf = X509_STORE_CTX_get0_cert(store);
        if (leaf == nullptr) return X509_verify_cert(store);
        const std::string name = expected_name(X509_STORE_CTX_get0_param(store));
        {
            std::lock_guard lock(self.mutex_);
            for (const auto& e : self.entries_)
                if (e.name == name && X509_cmp(e.certificate, leaf) == 0 && X509_cmp_current_time(X509_get0_notBefore(leaf)) < 0 &&
                    X509_cmp_current_time(X509_get0_notAfter(leaf)) > 0)
                    return 1;
        }
        const int ok = X509_verify_cert(store);
        if (ok == 1) {
            std::lock_guard lock(self.mutex_);
            if (self.entries_.size() < kMaxEntries && X509_up_ref(leaf) == 1) self.entries_.push_back({leaf, name});
        }
        return ok;
    }

private:
    static constexpr std::size_t kMaxEntries = 16;
    struct Entry {
        X509* certificate;
        std::string name;
    };

    static std::string expected_name(X509_VERIFY_PARAM* param) {
        std::string name = "host:";
        if (const char* host = X509_VERIFY_PARAM_get0_host(param, 0)) name += host;
        name += " ip:";
        if (char* ip = X509_VERIFY_PARAM_get1_ip_asc(param)) {
            name += ip;
            OPENSSL_free(ip);
        }
        return name;
    }

    std::mutex mutex_;
    std::vector<Entry> entries_;
};

/// A client context together with the verification cache its callback uses.
struct ClientTls {
    VerifiedCertificates verified;  // declared first: destroyed after the context that points to it
    boost::asio::ssl::context context{boost::asio::ssl::context::tls_client};
};

}  // namespace

core::Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const std::filesystem::path& certificate,
                                                                                const std::filesystem::path& private_key) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_3_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx->native_handle(), certificate.c_str()) != 1)
        return core::fail(fmt::format("{}: cannot use as the server certificate chain (PEM): {}", certificate.string(), openssl_error()));
    if (SSL_CTX_use_PrivateKey_file(ctx->native_handle(), private_key.c_str(), SSL_FILETYPE_PEM) != 1)
        return core::fail(fmt::format("{}: cannot use as the server private key (PEM): {}", private_key.string(), openssl_error()));
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        return core::fail(fmt::format("{}: the private key does not match the certificate {}", private_key.string(),
                                      certificate.string()));
    // Devices open one connection per report; no session tickets to keep or rotate.
    SSL_CTX_set_num_tickets(ctx->native_handle(), 0);
    return ctx;
}

core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const std::filesystem::path& ca_file) {
    namespace ssl = boost::asio::ssl;
    auto client = std::make_shared<ClientTls>();
    std::shared_ptr<ssl::context> ctx(client, &client->context);  // shares ownership of the cache
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_3_VERSION);
    if (SSL_CTX_load_verify_locations(ctx->native_handle(), ca_file.c_str(), nullptr) != 1)
        return core::fail(fmt::format("{}: cannot load the CEC's CA certificate (PEM): {}", ca_file.string(), openssl_error()));
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    SSL_CTX_set_cert_verify_callback(ctx->native_handle(), &VerifiedCertificates::verify, &client->verified);
    return ctx;
}

core::Result<void> expect_server_name(SSL* ssl, const std::string& host) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (!ec) {
        if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1)
            return core::fail(fmt::format("{}: cannot expect this IP address in the certificate", host));
        return {};
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1 ||
        SSL_set_tlsext_host_name(ssl, host.c_str()) != 1)
        return core::fail(fmt::format("{}: cannot expect this host name in the certificate", host));
    return {};
}

}  // namespace net
