#pragma once
// Why a TLS handshake failed, in words a user can act on. OpenSSL reports a refused
// certificate as "certificate verify failed", which does not say what was wrong with it;
// the reason is the X509 verify result kept on the SSL object ("unable to get local
// issuer certificate": the CA is not trusted; "hostname mismatch"; "certificate has
// expired"). Private to loadgen: both the HTTPS and the MQTT transports count their
// failed handshakes by this text (TlsFailures), and the run prints them.
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdint>
#include <map>
#include <string>

namespace iomtsim::loadgen::detail {

// Handshake failures by reason, e.g. {"certificate verify failed: unable to get local
// issuer certificate (X509 error 20)": 12}.
using TlsFailures = std::map<std::string, std::uint64_t>;

// `otherwise`: the handshake's own error message, for failures that are not the
// certificate's (a peer that does not speak TLS, a protocol version refused).
inline std::string tls_failure_reason(const SSL* ssl, const std::string& otherwise) {
  if (ssl != nullptr) {
    const long result = SSL_get_verify_result(ssl);
    if (result != X509_V_OK)
      return std::string("certificate verify failed: ") + X509_verify_cert_error_string(result) +
             " (X509 error " + std::to_string(result) + ")";
  }
  return otherwise;
}

}  // namespace iomtsim::loadgen::detail
