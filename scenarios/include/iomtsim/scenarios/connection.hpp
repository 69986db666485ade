#pragma once
// How iomtsim connects to one endpoint of a target (FHIR server, MQTT broker, MLLP listener,
// protobuf ingest): TLS details, HTTP headers, and who it says it is. Plain values; the load
// generator turns them into connections (loadgen/src/connect/).
//
// Secrets are never values here: a scenario names where a secret is (an environment variable
// or a file, SecretRef) and the run reads it when it starts, so a scenario file can be shared,
// committed and printed, and reports and logs never hold a secret.
//
//   http:
//     host: fhir.example.org
//     port: 443
//     tls: true                        # server verification is on; ca_file empty: system store
//     client_cert: certs/client.pem    # mTLS
//     client_key: certs/client-key.pem
//     headers: {X-Tenant: ward-7, X-Api-Key: {env: FHIR_API_KEY}}
//     auth: {kind: bearer, token_env: IOMTSIM_FHIR_TOKEN}
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "iomtsim/physiology/time.hpp"

namespace iomtsim::scenarios {

// Where a secret is read from: an environment variable or a file (its content, one trailing
// newline removed). Exactly one of the two is set when the secret is wanted.
struct SecretRef {
  std::string env;
  std::string file;
  bool empty() const { return env.empty() && file.empty(); }
  bool operator==(const SecretRef&) const = default;
};

// One HTTP header sent with every request to the endpoint: a plain value, or a secret one.
struct Header {
  std::string name;
  std::string value;  // when `secret` is empty
  SecretRef secret;
  bool operator==(const Header&) const = default;
};

enum class AuthKind : std::uint8_t {
  None,
  Bearer,             // a token read from token_env / token_file
  ClientCredentials,  // OAuth2 client credentials grant at token_url
  SmartBackend,       // SMART Backend Services: a signed JWT assertion at token_url
};

enum class ClientAuthMethod : std::uint8_t { Basic, Post };  // client_secret_basic / _post

enum class JwtAlgorithm : std::uint8_t { FromKey, RS384, ES384 };

// HTTP authentication (FHIR endpoints; the token endpoint is reached with the endpoint's
// own TLS settings).
struct AuthSpec {
  AuthKind kind = AuthKind::None;
  SecretRef token;          // Bearer
  std::string token_url;    // ClientCredentials, SmartBackend
  std::string client_id;    // ClientCredentials, SmartBackend
  SecretRef client_secret;  // ClientCredentials
  ClientAuthMethod client_auth = ClientAuthMethod::Basic;
  std::string private_key_file;  // SmartBackend: PEM, RSA (RS384) or EC P-384 (ES384)
  JwtAlgorithm algorithm = JwtAlgorithm::FromKey;
  std::string key_id;  // SmartBackend: the JWT header's kid (as in the client's JWKS)
  std::string scope;   // requested scope; empty: none sent
  // A token is renewed this long before it expires (but not before 80 % of its lifetime),
  // so no request goes out with a token about to lapse.
  physiology::Duration refresh_before = std::chrono::seconds(60);
  bool operator==(const AuthSpec&) const = default;
};

// The connection settings of one endpoint.
struct Connection {
  std::string ca_file;  // PEM CA bundle to verify the server (tls); empty: the system store
  bool verify = true;   // false: do not verify the server (warned about; tests only)
  std::string client_cert_file;  // mutual TLS: our certificate chain (PEM) …
  std::string client_key_file;   // … and its private key (PEM)
  std::vector<Header> headers;   // HTTP: added to every request
  AuthSpec auth;                 // HTTP
  std::string username;          // MQTT CONNECT user name
  SecretRef password;            // MQTT CONNECT password
  bool operator==(const Connection&) const = default;
};

}  // namespace iomtsim::scenarios
