#pragma once
// SMART Backend Services client assertions (RFC 7523 private_key_jwt): a JWT signed with our
// private key, RS384 (RSA, PKCS #1 v1.5 with SHA-384) or ES384 (ECDSA P-384 with SHA-384, the
// signature as JWS wants it: r || s, 96 bytes), through OpenSSL.
//
//   JwtSigner signer("keys/backend.pem", scenarios::JwtAlgorithm::FromKey, "kid-1");
//   std::string jwt = signer.assertion("my-client", "https://ehr/token", now_s, jti);
//
// Header {"alg","typ":"JWT","kid"}; claims iss = sub = client id, aud = the token URL,
// exp = now + 5 minutes (the most SMART allows), iat, jti (unique per assertion).
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "iomtsim/scenarios/connection.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace iomtsim::loadgen::detail {

struct JwtError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string base64url(std::string_view bytes);

class JwtSigner {
 public:
  // Loads the PEM private key. FromKey picks RS384 for an RSA key, ES384 for an EC P-384 key.
  // Throws JwtError when the file does not load, or the key does not suit the algorithm.
  JwtSigner(const std::string& private_key_file, scenarios::JwtAlgorithm algorithm,
            std::string key_id);
  ~JwtSigner();
  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;

  std::string assertion(const std::string& client_id, const std::string& audience,
                        std::int64_t now_unix_s, const std::string& jti) const;
  std::string_view algorithm() const;  // "RS384" or "ES384"

 private:
  EVP_PKEY* key_ = nullptr;
  bool ec_ = false;
  std::string key_id_;
};

}  // namespace iomtsim::loadgen::detail
