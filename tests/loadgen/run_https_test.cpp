// FHIR over HTTPS end to end: `run()` against the reference target's TLS listener (a
// throwaway CA and server certificate, tests/support/test_certs.hpp), the server verified
// by chain and name against the scenario's http_ca_file. The wrong CA fails the handshakes: readings are counted as
// failed, the buckets still balance, nothing reaches the target.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <sstream>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reference_target/target_server.hpp"
#include "quiet_options.hpp"
#include "support/test_certs.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;
using iomtsim::testing::TestCerts;
namespace ts = iomtsim::reference_target;

namespace {

std::unique_ptr<ts::TargetServer> https_target(const TestCerts& cert,
                                               double garbage_fraction = 0.0) {
  auto cfg = ts::loopback_ephemeral_config();
  cfg.faults.garbage_fraction = garbage_fraction;
  cfg.mllp.enabled = false;
  cfg.proto.enabled = false;
  cfg.http.tls.enabled = true;
  cfg.http.tls.cert_file = cert.cert;
  cfg.http.tls.key_file = cert.key;
  auto server = std::make_unique<ts::TargetServer>(cfg);
  server->start();
  return server;
}

scenarios::Scenario https_scenario(std::uint16_t port, const std::string& ca_file) {
  auto s = tiny_scenarios::tiny(3, 0);
  s.target.embedded = false;
  s.target.http = scenarios::Endpoint{"127.0.0.1", port, true};
  s.target.http_ca_file = ca_file;
  return s;
}

}  // namespace

TEST(RunHttps, EveryReadingAcknowledgedOverAVerifiedConnection) {
  TestCerts cert;
  ASSERT_TRUE(cert.ok) << "openssl could not make test certificates";
  auto server = https_target(cert);
  const auto r = run(https_scenario(server->ports().http, cert.ca), quiet());
  const auto& d = r.report.delivery;
  EXPECT_NEAR(static_cast<double>(d.generated), 3u * 3u * 40u, 6);
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_EQ(r.http_status.at(201), d.generated);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(server->snapshot().readings(ts::Protocol::Http), d.generated);
  server->stop();
}

TEST(RunHttps, GarbageAnswersFailAndTheConnectionsReconnect) {
  TestCerts cert;
  ASSERT_TRUE(cert.ok);
  auto server = https_target(cert, /*garbage_fraction=*/0.2);
  const auto r = run(https_scenario(server->ports().http, cert.ca), quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_NEAR(d.fraction(Outcome::Failed), 0.2, 0.08);
  EXPECT_EQ(d[Outcome::Acknowledged] + d[Outcome::Failed], d.generated);
  EXPECT_GT(r.reconnects, 0u);  // each garbage answer closed its connection: new handshakes
  server->stop();
}

TEST(RunHttps, WrongCaFailsTheReadingsAndTheRunGoesOn) {
  TestCerts server_cert, other;
  ASSERT_TRUE(server_cert.ok && other.ok) << "openssl could not make test certificates";
  auto server = https_target(server_cert);
  auto s = https_scenario(server->ports().http, other.ca);
  s.metadata.duration = std::chrono::minutes(5);
  s.target.request_timeout = std::chrono::milliseconds(200);
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_GT(d.generated, 0u);
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], 0u);
  EXPECT_GT(d[Outcome::Failed], 0u);
  EXPECT_GT(r.reconnects, 0u);  // every refused handshake backs off and tries again
  EXPECT_EQ(server->snapshot().readings(ts::Protocol::Http), 0u);
  server->stop();
}

TEST(RunHttps, PlainHttpClientAgainstTlsListenerFails) {
  TestCerts cert;
  ASSERT_TRUE(cert.ok);
  auto server = https_target(cert);
  auto s = https_scenario(server->ports().http, "");
  s.target.http->tls = false;  // http:// to an https listener: no answer parses
  s.metadata.duration = std::chrono::minutes(3);
  s.target.request_timeout = std::chrono::milliseconds(200);
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], 0u);
  EXPECT_GT(d[Outcome::Failed] + d[Outcome::TimedOut], 0u);
  server->stop();
}

TEST(RunHttps, UnreadableCaFileIsARunError) {
  auto s = https_scenario(1, "/nonexistent/ca.pem");
  EXPECT_THROW(run(s, quiet()), RunError);
}

namespace {
// Sets an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};
}  // namespace

TEST(RunHttps, ARefusedCertificateIsCountedWithTheX509Reason) {
  // "certificate verify failed" alone does not say what to fix: the X509 verify result
  // does (here the server's CA is not the one trusted).
  TestCerts server_cert, other;
  ASSERT_TRUE(server_cert.ok && other.ok) << "openssl could not make test certificates";
  auto server = https_target(server_cert);
  auto s = https_scenario(server->ports().http, other.ca);
  s.metadata.duration = std::chrono::minutes(3);
  s.target.request_timeout = std::chrono::milliseconds(200);
  const auto r = run(s, quiet());
  ASSERT_EQ(r.tls_failures.size(), 1u);
  EXPECT_EQ(r.tls_failures.begin()->first,
            "certificate verify failed: unable to get local issuer certificate (X509 error 20)");
  EXPECT_GT(r.tls_failures.begin()->second, 0u);
  server->stop();
}

TEST(RunHttps, NoCaFileMeansTheSystemTrustStore) {
  // SSL_CERT_FILE is how OpenSSL's default trust store is pointed elsewhere: a bundle
  // holding the test CA stands for a system store that trusts the server.
  TestCerts cert;
  ASSERT_TRUE(cert.ok);
  auto server = https_target(cert);
  ScopedEnv env("SSL_CERT_FILE", cert.ca);
  const auto r = run(https_scenario(server->ports().http, ""), quiet());
  const auto& d = r.report.delivery;
  EXPECT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_TRUE(r.tls_failures.empty());
  server->stop();
}
