// The connection layer's pure parts: secrets from the environment and files and their
// redaction, static headers and bearer tokens, SMART client assertions (verified here
// with OpenSSL against the public key, as a server does), the patient directory that maps
// alert subjects back, and MQTT CONNECT with a user name and password.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "connect/credentials.hpp"
#include "connect/jwt_assertion.hpp"
#include "connect/secrets.hpp"
#include "mqtt_codec.hpp"
#include "provision/patient_directory.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen::detail;

namespace {

std::string temp_file(const std::string& content) {
  char tmpl[] = "/tmp/iomtsim-secret-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  ::close(fd);
  std::ofstream(tmpl) << content;
  return tmpl;
}

std::string base64url_decode(std::string s) {
  for (auto& c : s) c = c == '-' ? '+' : (c == '_' ? '/' : c);
  while (s.size() % 4) s += '=';
  std::string out(s.size(), '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n) - (s.ends_with("==") ? 2 : s.ends_with("=") ? 1 : 0));
  return out;
}

TEST(Secrets, ReadFromTheEnvironmentOrAFileAndRedactedEverywhere) {
  ::setenv("IOMTSIM_UNIT_SECRET", "s3cr3t-from-env", 1);
  scenarios::SecretRef env{"IOMTSIM_UNIT_SECRET", ""};
  EXPECT_EQ(read_secret(env, "a test secret"), "s3cr3t-from-env");
  const auto file = temp_file("s3cr3t-from-file\n");
  EXPECT_EQ(read_secret({"", file}, "a test secret"),
            "s3cr3t-from-file");  // trailing newline dropped
  std::filesystem::remove(file);
  EXPECT_EQ(redact("server said: token s3cr3t-from-env is unknown; s3cr3t-from-file too"),
            "server said: token [redacted] is unknown; [redacted] too");
  EXPECT_EQ(redact("Authorization: Bearer abc.def.ghi.jkl, Basic dXNlcjpwYXNzd29yZA=="),
            "Authorization: Bearer [redacted], Basic [redacted]");
  EXPECT_EQ(redact("unknown bearer token"), "unknown bearer token");
  ::unsetenv("IOMTSIM_UNIT_SECRET");
  try {
    read_secret(env, "the FHIR bearer token");
    FAIL();
  } catch (const SecretError& e) {
    EXPECT_STREQ(e.what(),
                 "the FHIR bearer token: environment variable IOMTSIM_UNIT_SECRET is not set");
  }
  EXPECT_THROW(read_secret({"", "/nonexistent/secret"}, "x"), SecretError);
}

TEST(Credentials, StaticBearerAndHeadersWithSecretValues) {
  ::setenv("IOMTSIM_UNIT_TOKEN", "bearer-value-123", 1);
  ::setenv("IOMTSIM_UNIT_KEY", "api-key-456", 1);
  scenarios::Connection c;
  c.auth.kind = scenarios::AuthKind::Bearer;
  c.auth.token.env = "IOMTSIM_UNIT_TOKEN";
  c.headers = {{"X-Tenant", "ward-7", {}}, {"X-Api-Key", "", {"IOMTSIM_UNIT_KEY", ""}}};
  Credentials creds(c, {});
  EXPECT_EQ(creds.header_lines(), "X-Tenant: ward-7\r\nX-Api-Key: api-key-456\r\n");
  std::uint64_t version = 0;
  std::string line;
  EXPECT_TRUE(creds.authorization_line(version, line));
  EXPECT_EQ(line, "Authorization: Bearer bearer-value-123\r\n");
  EXPECT_FALSE(creds.authorization_line(version, line));  // unchanged: nothing to copy
  EXPECT_EQ(creds.tokens_fetched(), 0u);
  ::unsetenv("IOMTSIM_UNIT_TOKEN");
  ::unsetenv("IOMTSIM_UNIT_KEY");
}

// Verifies a JWS with the public key, as the token endpoint does.
bool verify_jws(const std::string& jwt, const std::string& public_pem_file, bool ec) {
  const auto dot2 = jwt.rfind('.');
  const std::string input = jwt.substr(0, dot2);
  std::string sig = base64url_decode(jwt.substr(dot2 + 1));
  FILE* f = std::fopen(public_pem_file.c_str(), "rb");
  EVP_PKEY* key = PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (ec) {  // r || s back to DER for OpenSSL
    if (sig.size() != 96) return false;
    ECDSA_SIG* es = ECDSA_SIG_new();
    ECDSA_SIG_set0(es, BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), 48, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()) + 48, 48, nullptr));
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(es, &der);
    sig.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
  }
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(md, nullptr, EVP_sha384(), nullptr, key) == 1 &&
      EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(key);
  return ok;
}

TEST(JwtAssertion, Rs384AndEs384VerifyWithThePublicKeyAndCarrySmartClaims) {
  char dir[] = "/tmp/iomtsim-jwt-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string d = dir;
  ASSERT_EQ(std::system(
                ("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + d +
                 "/rsa.pem 2>/dev/null && openssl pkey -in " + d + "/rsa.pem -pubout -out " + d +
                 "/rsa.pub 2>/dev/null && openssl genpkey -algorithm EC -pkeyopt "
                 "ec_paramgen_curve:P-384 -out " +
                 d + "/ec.pem 2>/dev/null && openssl pkey -in " + d + "/ec.pem -pubout -out " + d +
                 "/ec.pub 2>/dev/null && openssl genpkey -algorithm EC -pkeyopt "
                 "ec_paramgen_curve:P-256 -out " +
                 d + "/p256.pem 2>/dev/null")
                    .c_str()),
            0);
  for (bool ec : {false, true}) {
    JwtSigner signer(d + (ec ? "/ec.pem" : "/rsa.pem"), scenarios::JwtAlgorithm::FromKey, "kid-1");
    EXPECT_EQ(signer.algorithm(), ec ? "ES384" : "RS384");
    const auto jwt =
        signer.assertion("my-client", "https://ehr.example/token", 1'700'000'000, "jti-1");
    EXPECT_TRUE(verify_jws(jwt, d + (ec ? "/ec.pub" : "/rsa.pub"), ec)) << jwt;
    const auto header = nlohmann::json::parse(base64url_decode(jwt.substr(0, jwt.find('.'))));
    const auto claims = nlohmann::json::parse(
        base64url_decode(jwt.substr(jwt.find('.') + 1, jwt.rfind('.') - jwt.find('.') - 1)));
    EXPECT_EQ(header["alg"], ec ? "ES384" : "RS384");
    EXPECT_EQ(header["kid"], "kid-1");
    EXPECT_EQ(claims["iss"], "my-client");
    EXPECT_EQ(claims["sub"], "my-client");
    EXPECT_EQ(claims["aud"], "https://ehr.example/token");
    EXPECT_EQ(claims["exp"], 1'700'000'300);  // five minutes, the most SMART allows
    EXPECT_EQ(claims["jti"], "jti-1");
  }
  EXPECT_THROW(JwtSigner(d + "/rsa.pem", scenarios::JwtAlgorithm::ES384, ""), JwtError);
  EXPECT_THROW(JwtSigner(d + "/p256.pem", scenarios::JwtAlgorithm::FromKey, ""),
               JwtError);  // not P-384
  EXPECT_THROW(JwtSigner(d + "/missing.pem", scenarios::JwtAlgorithm::FromKey, ""), JwtError);
  std::filesystem::remove_all(d);
}

TEST(PatientDirectory, ProvisionedIdsAndIdentifiersOrIomtsimsOwnNaming) {
  PatientDirectory own;
  EXPECT_EQ(own.from_reference("Patient/p12"), std::optional<physiology::PatientIndex>(12));
  EXPECT_EQ(own.from_reference("http://ehr/fhir/Patient/p3/_history/2"),
            std::optional<physiology::PatientIndex>(3));
  EXPECT_EQ(own.from_identifier("p7"), std::optional<physiology::PatientIndex>(7));
  EXPECT_EQ(own.from_identifier("urn:iomtsim:patient|ward-p9"),
            std::optional<physiology::PatientIndex>(9));
  EXPECT_FALSE(own.from_reference("Patient/xyz"));
  EXPECT_FALSE(own.from_reference("Patient/p"));
  PatientDirectory provisioned;
  provisioned.add_id("8f3c-aa", 4);
  provisioned.add_identifier("urn:hospital:mrn", "MRN-1", 5);
  EXPECT_EQ(provisioned.from_reference("Patient/8f3c-aa"),
            std::optional<physiology::PatientIndex>(4));
  EXPECT_EQ(provisioned.from_identifier("urn:hospital:mrn|MRN-1"),
            std::optional<physiology::PatientIndex>(5));
  EXPECT_EQ(provisioned.from_identifier("MRN-1"),
            std::optional<physiology::PatientIndex>(5));  // HL7 PID-3
  EXPECT_FALSE(
      provisioned.from_reference("Patient/p4"));  // the server's ids only, once provisioned
}

TEST(MqttCodec, ConnectCarriesUserNameAndPassword) {
  std::string out;
  append_connect(out,
                 MqttConnectOptions{"dev-1", 60, true, MqttVersion::V311, 3600, "ward7", "pw"});
  // Fixed header, then variable header: "MQTT", level 4, flags 0xC2 (user, password, clean).
  ASSERT_GE(out.size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>(out[9]), 0xC2);
  EXPECT_EQ(out.substr(out.size() - 2), "pw");
  EXPECT_NE(out.find("ward7"), std::string::npos);
  std::string anonymous;
  append_connect(anonymous, MqttConnectOptions{"dev-1", 60, true, MqttVersion::V311});
  EXPECT_EQ(static_cast<unsigned char>(anonymous[9]), 0x02);
  EXPECT_EQ(out.size(), anonymous.size() + 2 + 5 + 2 + 2);
}

}  // namespace
