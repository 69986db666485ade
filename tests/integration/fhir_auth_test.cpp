// Authenticating to a FHIR server written by others (Medplum's router behind
// tests/support/medplum/server.js): a bearer token from the environment, OAuth2 client
// credentials (client_secret_basic and _post) with tokens renewed before they expire, and
// SMART Backend Services with RS384 and ES384 assertions that the server verifies with
// Node's crypto. A refused credential is reported as an authentication failure with the
// server's reason, and no secret ever reaches the log or the report files.
#include <gtest/gtest.h>

#include "iomtsim/loadgen/run.hpp"
#include "pipeline_support.hpp"
#include "support/medplum_server.hpp"

using namespace iomtsim;
using namespace iomtsim::testing;
using reports::Outcome;

namespace {

const std::string kEnv = "IOMTSIM_TEST_FHIR_TOKEN";

std::uint64_t code_count(const reports::Report& r, const std::string& code) {
  std::uint64_t n = 0;
  for (const auto& c : r.outcome_codes.codes)
    if (c.protocol == "fhir_r4" && c.code == code) n += c.readings;
  return n;
}

TEST(FhirAuth, BearerTokenFromTheEnvironmentNeverInLogOrReport) {
  const std::string token = "tok-4f9a2c77e1d0b38a";
  MedplumServer fhir({"--token", token});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  ScopedEnv env(kEnv, token);
  auto s = fhir_ward(fhir.port(), 3, 0);
  s.target.http->connection.auth.kind = scenarios::AuthKind::Bearer;
  s.target.http->connection.auth.token.env = kEnv;
  TempDir out;
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log, out.path));
  const auto& d = r.report.delivery;
  EXPECT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated) << log.str();
  EXPECT_EQ(code_count(r.report, "201"), d.generated);
  EXPECT_EQ(code_count(r.report, "401"), 0u);
  EXPECT_EQ(fhir.stats()["auth_failures"], 0);
  EXPECT_EQ(where_found(token, out.path, log.str()), "");
}

TEST(FhirAuth, RefusedTokenIsAnAuthFailureWithTheServersReason) {
  MedplumServer fhir({"--token", "the-right-one-1234"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  const std::string wrong = "wrong-token-9b7e5d3c";
  ScopedEnv env(kEnv, wrong);
  auto s = fhir_ward(fhir.port(), 2, 0);
  s.metadata.duration = std::chrono::minutes(3);
  s.target.http->connection.auth.kind = scenarios::AuthKind::Bearer;
  s.target.http->connection.auth.token.env = kEnv;
  s.expectations.push_back({"delivery.acknowledged_fraction >= 0.99",
                            "delivery.acknowledged_fraction",
                            scenarios::CompareOp::GreaterEqual,
                            0.99,
                            {}});
  TempDir out;
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log, out.path));
  const auto& d = r.report.delivery;
  EXPECT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Rejected], d.generated);
  EXPECT_EQ(code_count(r.report, "401"), d.generated);
  EXPECT_EQ(r.report.outcome_codes.auth_failures(), r.messages_sent);
  ASSERT_FALSE(r.report.outcome_codes.errors.empty());
  const auto& e = r.report.outcome_codes.errors.front();
  EXPECT_EQ(e.kind, "auth");
  EXPECT_EQ(e.code, "401");
  EXPECT_NE(e.text.find("unknown bearer token"), std::string::npos) << e.text;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(read_text(out / "junit.xml").find("unknown bearer token"), std::string::npos);
  EXPECT_NE(read_text(out / "report.html").find("authentication failures"), std::string::npos);
  EXPECT_NE(log.str().find("AUTHENTICATION FAILED"), std::string::npos);
  EXPECT_EQ(where_found(wrong, out.path, log.str()), "");
}

TEST(FhirAuth, MissingSecretStopsTheRunNamingTheVariableOnly) {
  auto s = fhir_ward(9, 1, 0);
  s.target.http->connection.auth.kind = scenarios::AuthKind::Bearer;
  s.target.http->connection.auth.token.env = "IOMTSIM_TEST_UNSET_VARIABLE";
  std::ostringstream log;
  try {
    loadgen::run(s, kept_options(log));
    FAIL() << "expected a RunError";
  } catch (const loadgen::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("IOMTSIM_TEST_UNSET_VARIABLE is not set"),
              std::string::npos)
        << e.what();
  }
}

TEST(FhirAuth, ClientCredentialsBasicAndPostWithTokensRenewedBeforeTheyExpire) {
  const std::string secret = "client-secret-5e6f7a8b";
  // Tokens live 2 s; a run of 4 s of wall time needs them renewed.
  MedplumServer fhir(
      {"--client-id", "iomtsim-test", "--client-secret", secret, "--token-lifetime", "2"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  ScopedEnv env("IOMTSIM_TEST_CLIENT_SECRET", secret);
  for (auto method : {scenarios::ClientAuthMethod::Basic, scenarios::ClientAuthMethod::Post}) {
    auto s = fhir_ward(fhir.port(), 2, 0);
    s.time.speed = 150;  // 10 min of scenario time in 4 s
    auto& a = s.target.http->connection.auth;
    a.kind = scenarios::AuthKind::ClientCredentials;
    a.token_url = fhir.url("/oauth2/token");
    a.client_id = "iomtsim-test";
    a.client_secret.env = "IOMTSIM_TEST_CLIENT_SECRET";
    a.client_auth = method;
    a.scope = "system/Observation.write";
    TempDir out;
    std::ostringstream log;
    const auto r = loadgen::run(s, kept_options(log, out.path));
    const auto& d = r.report.delivery;
    EXPECT_GT(d.generated, 0u);
    EXPECT_EQ(d[Outcome::Acknowledged], d.generated) << log.str();
    EXPECT_EQ(code_count(r.report, "401"), 0u);
    EXPECT_GE(r.tokens_fetched, 2u) << "a 2 s token over a 4 s run must have been renewed";
    EXPECT_EQ(where_found(secret, out.path, log.str()), "");
  }
  EXPECT_EQ(fhir.stats()["auth_failures"], 0);
}

TEST(FhirAuth, WrongClientSecretStopsTheRunWithTheTokenEndpointsReason) {
  MedplumServer fhir({"--client-id", "iomtsim-test", "--client-secret", "right-secret-abcd"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  ScopedEnv env("IOMTSIM_TEST_CLIENT_SECRET", "wrong-secret-wxyz");
  auto s = fhir_ward(fhir.port(), 1, 0);
  auto& a = s.target.http->connection.auth;
  a.kind = scenarios::AuthKind::ClientCredentials;
  a.token_url = fhir.url("/oauth2/token");
  a.client_id = "iomtsim-test";
  a.client_secret.env = "IOMTSIM_TEST_CLIENT_SECRET";
  std::ostringstream log;
  try {
    loadgen::run(s, kept_options(log));
    FAIL() << "expected a RunError";
  } catch (const loadgen::RunError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("invalid_client"), std::string::npos) << what;
    EXPECT_NE(what.find("client_secret_basic"), std::string::npos)
        << what;  // the server's description
    EXPECT_EQ(what.find("wrong-secret-wxyz"), std::string::npos) << what;
  }
}

// A key pair made with the openssl command: PEM private key, PEM public key, and the public
// key as a JWKS (through Node's crypto, as a SMART client registers it).
struct SmartKey {
  std::string private_pem, public_pem, jwks;
  bool ok = false;
  SmartKey(const TempDir& dir, bool ec) {
    private_pem = dir / (ec ? "ec.pem" : "rsa.pem");
    public_pem = dir / (ec ? "ec.pub.pem" : "rsa.pub.pem");
    jwks = dir / (ec ? "ec.jwks.json" : "rsa.jwks.json");
    const std::string gen =
        ec ? "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "
           : "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ";
    ok = run_command(gen + private_pem + " 2>&1").exit_code == 0 &&
         run_command("openssl pkey -in " + private_pem + " -pubout -out " + public_pem + " 2>&1")
                 .exit_code == 0 &&
         run_command(
             "node -e \"const c=require('crypto'),fs=require('fs');const "
             "j=c.createPublicKey(fs.readFileSync('" +
             public_pem + "')).export({format:'jwk'});j.kid='k1';fs.writeFileSync('" + jwks +
             "',JSON.stringify({keys:[j]}))\" 2>&1")
                 .exit_code == 0;
  }
};

TEST(FhirAuth, SmartBackendServicesWithRs384AndEs384Assertions) {
  TempDir dir;
  for (bool ec : {false, true}) {
    SmartKey key(dir, ec);
    ASSERT_TRUE(key.ok) << "openssl/node could not make a key";
    // RS384 against the PEM public key, ES384 against a JWKS chosen by kid.
    MedplumServer fhir(
        ec ? std::vector<std::string>{"--smart-client-id", "backend-app", "--jwks", key.jwks}
           : std::vector<std::string>{"--smart-client-id", "backend-app", "--public-key",
                                      key.public_pem});
    ASSERT_TRUE(fhir.ok()) << fhir.error();
    auto s = fhir_ward(fhir.port(), 2, 0);
    s.metadata.duration = std::chrono::minutes(4);
    auto& a = s.target.http->connection.auth;
    a.kind = scenarios::AuthKind::SmartBackend;
    a.token_url = fhir.url("/oauth2/token");
    a.client_id = "backend-app";
    a.private_key_file = key.private_pem;
    a.algorithm = ec ? scenarios::JwtAlgorithm::ES384 : scenarios::JwtAlgorithm::FromKey;
    a.key_id = "k1";
    a.scope = "system/*.write";
    std::ostringstream log;
    const auto r = loadgen::run(s, kept_options(log));
    const auto& d = r.report.delivery;
    EXPECT_GT(d.generated, 0u);
    EXPECT_EQ(d[Outcome::Acknowledged], d.generated) << (ec ? "ES384: " : "RS384: ") << log.str();
    EXPECT_EQ(r.tokens_fetched, 1u);
    const auto stats = fhir.stats();
    EXPECT_EQ(stats["tokens_issued"], 1);
    EXPECT_EQ(stats["auth_failures"], 0);
  }
}

TEST(FhirAuth, SmartAssertionSignedWithAnotherKeyIsRefusedWithTheReason) {
  TempDir dir;
  SmartKey registered(dir, false);
  TempDir other_dir;
  SmartKey other(other_dir, false);
  ASSERT_TRUE(registered.ok && other.ok);
  MedplumServer fhir({"--smart-client-id", "backend-app", "--public-key", registered.public_pem});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  auto s = fhir_ward(fhir.port(), 1, 0);
  auto& a = s.target.http->connection.auth;
  a.kind = scenarios::AuthKind::SmartBackend;
  a.token_url = fhir.url("/oauth2/token");
  a.client_id = "backend-app";
  a.private_key_file = other.private_pem;
  std::ostringstream log;
  try {
    loadgen::run(s, kept_options(log));
    FAIL() << "expected a RunError";
  } catch (const loadgen::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("signature does not verify"), std::string::npos)
        << e.what();
  }
}

}  // namespace
