#include "jwt_assertion.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

namespace iomtsim::loadgen::detail {
namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

}  // namespace

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (static_cast<std::uint8_t>(bytes[i + 1]) << 8) |
                            static_cast<std::uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (static_cast<std::uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

JwtSigner::JwtSigner(const std::string& file, scenarios::JwtAlgorithm algorithm, std::string key_id)
    : key_id_(std::move(key_id)) {
  FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) throw JwtError("SMART backend: cannot read private key " + file);
  key_ = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (key_ == nullptr)
    throw JwtError("SMART backend: " + file + " holds no PEM private key: " + openssl_error());
  const int type = EVP_PKEY_get_base_id(key_);
  if (type == EVP_PKEY_RSA) {
    ec_ = false;
    if (EVP_PKEY_get_bits(key_) < 2048)
      throw JwtError("SMART backend: RSA key " + file + " is under 2048 bits");
  } else if (type == EVP_PKEY_EC) {
    ec_ = true;
    char group[64] = {0};
    std::size_t len = 0;
    EVP_PKEY_get_utf8_string_param(key_, "group", group, sizeof group, &len);
    if (std::string_view(group) != "secp384r1")
      throw JwtError("SMART backend: EC key " + file + " is on " + group +
                     ", ES384 needs P-384 (secp384r1)");
  } else {
    throw JwtError("SMART backend: " + file + " is neither an RSA nor an EC key");
  }
  if (algorithm == scenarios::JwtAlgorithm::RS384 && ec_)
    throw JwtError("SMART backend: algorithm RS384 needs an RSA key, " + file + " holds an EC key");
  if (algorithm == scenarios::JwtAlgorithm::ES384 && !ec_)
    throw JwtError("SMART backend: algorithm ES384 needs an EC P-384 key, " + file +
                   " holds an RSA key");
}

JwtSigner::~JwtSigner() { EVP_PKEY_free(key_); }

std::string_view JwtSigner::algorithm() const { return ec_ ? "ES384" : "RS384"; }

std::string JwtSigner::assertion(const std::string& client_id, const std::string& audience,
                                 std::int64_t now, const std::string& jti) const {
  nlohmann::json header = {{"alg", std::string(algorithm())}, {"typ", "JWT"}};
  if (!key_id_.empty()) header["kid"] = key_id_;
  const nlohmann::json claims = {{"iss", client_id}, {"sub", client_id}, {"aud", audience},
                                 {"exp", now + 300}, {"iat", now},       {"jti", jti}};
  const std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());

  EVP_MD_CTX* md = EVP_MD_CTX_new();
  if (md == nullptr) throw JwtError("SMART backend: out of memory");
  std::vector<unsigned char> sig;
  std::size_t len = 0;
  const bool ok = EVP_DigestSignInit(md, nullptr, EVP_sha384(), nullptr, key_) == 1 &&
                  EVP_DigestSign(md, nullptr, &len,
                                 reinterpret_cast<const unsigned char*>(signing_input.data()),
                                 signing_input.size()) == 1 &&
                  (sig.resize(len), true) &&
                  EVP_DigestSign(md, sig.data(), &len,
                                 reinterpret_cast<const unsigned char*>(signing_input.data()),
                                 signing_input.size()) == 1;
  EVP_MD_CTX_free(md);
  if (!ok) throw JwtError("SMART backend: signing failed: " + openssl_error());
  sig.resize(len);
  std::string raw;
  if (ec_) {
    // OpenSSL gives DER (SEQUENCE of two INTEGERs); JWS wants r and s, 48 bytes each.
    const unsigned char* p = sig.data();
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    if (es == nullptr) throw JwtError("SMART backend: unreadable ECDSA signature");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(es, &r, &s);
    raw.resize(96);
    BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 48);
    BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 48, 48);
    ECDSA_SIG_free(es);
  } else {
    raw.assign(reinterpret_cast<const char*>(sig.data()), sig.size());
  }
  return signing_input + "." + base64url(raw);
}

}  // namespace iomtsim::loadgen::detail
