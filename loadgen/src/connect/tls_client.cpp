#include "tls_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

namespace iomtsim::loadgen::detail {

namespace ssl = boost::asio::ssl;

ssl::context make_client_tls(const TlsClientSettings& s, const std::string& what) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  if (s.verify) {
    ctx.set_verify_mode(ssl::verify_peer, ec);
    if (s.ca_file.empty())
      ctx.set_default_verify_paths(ec);
    else
      ctx.load_verify_file(s.ca_file, ec);
    if (ec)
      throw TlsSetupError(what + " TLS: cannot load CA " +
                          (s.ca_file.empty() ? std::string("(system trust store)") : s.ca_file) +
                          ": " + ec.message());
  } else {
    ctx.set_verify_mode(ssl::verify_none, ec);
  }
  if (!s.client_cert_file.empty()) {
    ctx.use_certificate_chain_file(s.client_cert_file, ec);
    if (ec)
      throw TlsSetupError(what + " TLS: cannot load client certificate " + s.client_cert_file +
                          ": " + ec.message());
    ctx.use_private_key_file(s.client_key_file, ssl::context::pem, ec);
    if (ec)
      throw TlsSetupError(what + " TLS: cannot load client key " + s.client_key_file + ": " +
                          ec.message());
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
      throw TlsSetupError(what + " TLS: client key " + s.client_key_file + " does not match " +
                          s.client_cert_file);
  }
  return ctx;
}

void prepare_client_ssl(SSL* ssl, const std::string& host, bool verify) {
  boost::system::error_code not_ip;
  const auto ip = boost::asio::ip::make_address(host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (!verify) return;
  // OpenSSL checks the name during the handshake (and reports X509_V_ERR_HOSTNAME_MISMATCH /
  // IP_ADDRESS_MISMATCH, which handshake_failure() puts in words).
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (not_ip) {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(param, ip.to_string().c_str());
  }
}

std::string handshake_failure(SSL* ssl, const std::string& error_message) {
  if (ssl != nullptr) {
    const long v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK)
      return std::string("certificate verify failed: ") + X509_verify_cert_error_string(v) +
             " (X509 error " + std::to_string(v) + ")";
  }
  return error_message;
}

}  // namespace iomtsim::loadgen::detail
