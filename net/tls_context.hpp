#pragma once
/// TLS 1.3 contexts of the ingest protocol (OpenSSL 3 through Boost.Asio). The server presents a
/// certificate chain; a client trusts exactly one CA, the CEC's, shipped in the election package
/// (assets/kg2021/tls/cec-ca.pem), and never the system's trust store: that is the pinning real
/// PEC devices do. Errors name the file.
#include <filesystem>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/result.hpp"

typedef struct ssl_st SSL;

namespace net {

/// A server context: TLS 1.3 only, the certificate chain and private key from PEM files.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const std::filesystem::path& certificate,
                                                                                const std::filesystem::path& private_key);

/// A client context: TLS 1.3 only, peer verification on, trusting only the CA certificate(s) in `ca_file`.
/// A server certificate it has verified once is remembered (with the host name or address it was
/// checked for); later connections presenting the byte-identical certificate for the same name,
/// within its validity period, skip the chain verification. Every handshake still checks the
/// server's CertificateVerify signature, i.e. that the server holds the certificate's private key.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const std::filesystem::path& ca_file);

/// Makes a client connection check that the server's certificate names `host` (a DNS name or an
/// IP address, matched against the subjectAltName) and sends it as SNI when it is a name.
core::Result<void> expect_server_name(SSL* ssl, const std::string& host);

}  // namespace net
