#pragma once
// Client-side TLS for every transport (FHIR, MQTT, MLLP, protobuf) and for the token,
// provisioning and alert-polling requests: one way to set up an OpenSSL context from an
// endpoint's scenario settings, and one way to say why a handshake failed.
//
// Verification is on by default: the server's chain against `ca_file` (PEM bundle) or, when
// it is empty, the system's trust store, and its name (DNS or IP subjectAltName) against the
// host we connect to. `verify: false` turns both off (the scenario loader lets it through
// for tests; the run warns). A client certificate and key (PEM) make it mutual TLS.
#include <boost/asio/ssl/context.hpp>
#include <stdexcept>
#include <string>

#include "iomtsim/scenarios/connection.hpp"

typedef struct ssl_st SSL;

namespace iomtsim::loadgen::detail {

struct TlsClientSettings {
  std::string ca_file;
  bool verify = true;
  std::string client_cert_file;
  std::string client_key_file;
  static TlsClientSettings from(const scenarios::Connection& c) {
    return {c.ca_file, c.verify, c.client_cert_file, c.client_key_file};
  }
};

struct TlsSetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A client context: TLS 1.2 and up, verification per `s`, the client certificate loaded.
// Throws TlsSetupError naming the file that does not load and why. `what` names the
// endpoint in messages ("FHIR", "MQTT", …).
boost::asio::ssl::context make_client_tls(const TlsClientSettings& s, const std::string& what);

// Per connection, before the handshake: SNI (for names, not IP literals) and, when
// verifying, the host name check.
void prepare_client_ssl(SSL* ssl, const std::string& host, bool verify);

// Why a handshake on `ssl` failed, in words: the certificate verification error when there
// was one ("certificate verify failed: self-signed certificate in certificate chain (X509
// error 19)"),
// else the error's own message.
std::string handshake_failure(SSL* ssl, const std::string& error_message);

}  // namespace iomtsim::loadgen::detail
