// Connecting as a real deployment asks: MLLP and protobuf over TLS, mutual TLS (a TLS
// front end written by others, Debian's socat, requiring a client certificate), server
// verification failures that say why, and MQTT with a user name and password (Debian's
// mosquitto with a password file). Certificates are made with openssl at test time.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "iomtsim/loadgen/local_broker.hpp"
#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reference_target/target_server.hpp"
#include "pipeline_support.hpp"
#include "support/free_port.hpp"
#include "support/test_certs.hpp"

extern char** environ;

using namespace iomtsim;
using namespace iomtsim::testing;
using reports::Outcome;
namespace ts = iomtsim::reference_target;

namespace {

// A client certificate signed by the test CA (extendedKeyUsage clientAuth).
struct ClientCert {
  std::string cert, key;
  bool ok = false;
  explicit ClientCert(const TestCerts& ca) {
    cert = ca.dir + "/client.pem";
    key = ca.dir + "/client-key.pem";
    const std::string csr = ca.dir + "/client.csr", ext = ca.dir + "/client.ext";
    write_text(
        ext, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n");
    ok = run_command("openssl req -newkey rsa:2048 -nodes -subj /CN=iomtsim-device -keyout " + key +
                     " -out " + csr + " >/dev/null 2>&1")
                 .exit_code == 0 &&
         run_command("openssl x509 -req -in " + csr + " -CA " + ca.ca + " -CAkey " + ca.ca_key +
                     " -CAcreateserial -days 2 -extfile " + ext + " -out " + cert +
                     " >/dev/null 2>&1")
                 .exit_code == 0;
  }
};

// socat terminating TLS (with a client certificate required when `cafile` is given) in
// front of a plain TCP port. Stopped with its process at the end of the scope.
struct TlsFront {
  pid_t pid = -1;
  std::uint16_t port = 0;
  TlsFront(const TestCerts& certs, std::uint16_t backend, bool require_client_cert) {
    port = free_loopback_port();
    std::string listen = "OPENSSL-LISTEN:" + std::to_string(port) +
                         ",bind=127.0.0.1,reuseaddr,fork,cert=" + certs.cert + ",key=" + certs.key;
    listen += require_client_cert ? ",cafile=" + certs.ca + ",verify=1" : ",verify=0";
    std::vector<std::string> args = {"socat", listen, "TCP:127.0.0.1:" + std::to_string(backend)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid, "socat", nullptr, nullptr, argv.data(), environ) != 0) pid = -1;
    for (int i = 0; i < 100 && pid > 0; ++i) {  // until it listens (at most 5 s)
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~TlsFront() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

scenarios::Scenario stream_ward(scenarios::PayloadFormat format) {
  auto s = ward_scenario({.healthy = 3, .format = format, .seed = 424242, .name = "tls-ward"});
  s.metadata.duration = std::chrono::minutes(4);
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 600;
  s.target.embedded = false;
  s.target.request_timeout = std::chrono::seconds(2);
  return s;
}

TEST(Connect, MllpAndProtobufOverMutualTls) {
  TestCerts certs;
  ASSERT_TRUE(certs.ok) << "openssl could not make test certificates";
  ClientCert client(certs);
  ASSERT_TRUE(client.ok);
  auto cfg = ts::loopback_ephemeral_config();
  ts::TargetServer target(cfg);
  target.start();
  TlsFront mllp(certs, target.ports().mllp, true), proto(certs, target.ports().proto, true);
  ASSERT_GT(mllp.pid, 0) << "socat is not installed (scripts/install-deps.sh)";
  for (auto format : {scenarios::PayloadFormat::Hl7v2, scenarios::PayloadFormat::Protobuf}) {
    auto s = stream_ward(format);
    scenarios::Endpoint ep{
        "127.0.0.1", format == scenarios::PayloadFormat::Hl7v2 ? mllp.port : proto.port, true};
    ep.connection.ca_file = certs.ca;
    ep.connection.client_cert_file = client.cert;
    ep.connection.client_key_file = client.key;
    (format == scenarios::PayloadFormat::Hl7v2 ? s.target.mllp : s.target.protobuf) = ep;
    std::ostringstream log;
    const auto r = loadgen::run(s, kept_options(log));
    const auto& d = r.report.delivery;
    EXPECT_GT(d.generated, 0u);
    EXPECT_EQ(d[Outcome::Acknowledged], d.generated) << log.str();
    bool coded = false;
    for (const auto& c : r.report.outcome_codes.codes)
      coded |= c.code == (format == scenarios::PayloadFormat::Hl7v2 ? "AA" : "ok") &&
               c.readings == d.generated;
    EXPECT_TRUE(coded);
  }
  // Without the client certificate the front end refuses the handshake.
  auto s = stream_ward(scenarios::PayloadFormat::Hl7v2);
  s.metadata.duration = std::chrono::minutes(2);
  scenarios::Endpoint ep{"127.0.0.1", mllp.port, true};
  ep.connection.ca_file = certs.ca;
  s.target.mllp = ep;
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  EXPECT_EQ(r.report.delivery[Outcome::Acknowledged], 0u);
  EXPECT_TRUE(r.report.delivery.balanced());
  target.stop();
}

TEST(Connect, ServerVerificationFailureSaysWhy) {
  TestCerts server_certs, other;
  ASSERT_TRUE(server_certs.ok && other.ok);
  auto cfg = ts::loopback_ephemeral_config();
  cfg.http.tls.enabled = true;
  cfg.http.tls.cert_file = server_certs.cert;
  cfg.http.tls.key_file = server_certs.key;
  ts::TargetServer target(cfg);
  target.start();
  auto s = stream_ward(scenarios::PayloadFormat::FhirR4);
  s.metadata.duration = std::chrono::minutes(3);
  s.target.http = scenarios::Endpoint{"127.0.0.1", target.ports().http, true};
  s.target.http->connection.ca_file = other.ca;  // not the CA that signed the server
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  EXPECT_EQ(r.report.delivery[Outcome::Acknowledged], 0u);
  ASSERT_FALSE(r.report.outcome_codes.errors.empty()) << log.str();
  const auto& e = r.report.outcome_codes.errors.front();
  EXPECT_EQ(e.kind, "connect");
  EXPECT_NE(e.text.find("certificate verify failed"), std::string::npos) << e.text;
  target.stop();
}

TEST(Connect, MqttUserNameAndPasswordFromTheEnvironment) {
  if (!loadgen::LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  TempDir dir;
  // mosquitto drops to its own user before it reads the password file.
  ASSERT_EQ(
      run_command("mosquitto_passwd -c -b " + (dir / "passwd") + " ward7 correct-horse-99 2>&1")
          .exit_code,
      0);
  ASSERT_EQ(run_command("chmod 755 " + dir.path + " && chmod 644 " + (dir / "passwd")).exit_code,
            0);
  loadgen::LocalBrokerOptions bo;
  bo.password_file = dir / "passwd";
  loadgen::LocalBroker broker(bo);
  for (const std::string password : {"correct-horse-99", "wrong-horse-00"}) {
    ScopedEnv env("IOMTSIM_TEST_MQTT_PASSWORD", password);
    auto s = stream_ward(scenarios::PayloadFormat::MqttJson);
    s.metadata.duration = std::chrono::minutes(2);
    s.time.speed =
        20;  // 6 s: the refused connections retry and the waiting messages fail with the reason
    s.target.mqtt = scenarios::Endpoint{"127.0.0.1", broker.port(), false};
    s.target.mqtt->connection.username = "ward7";
    s.target.mqtt->connection.password.env = "IOMTSIM_TEST_MQTT_PASSWORD";
    TempDir out;
    std::ostringstream log;
    const auto r = loadgen::run(s, kept_options(log, out.path));
    const auto& d = r.report.delivery;
    EXPECT_GT(d.generated, 0u);
    if (password == "correct-horse-99") {
      EXPECT_EQ(d[Outcome::Acknowledged], d.generated) << log.str();
    } else {
      EXPECT_EQ(d[Outcome::Acknowledged], 0u);
      bool said = false;
      for (const auto& e : r.report.outcome_codes.errors)
        said |= e.text.find("not authorized") != std::string::npos ||
                e.text.find("bad user name or password") != std::string::npos;
      EXPECT_TRUE(said) << log.str();
    }
    EXPECT_EQ(where_found(password, out.path, log.str()), "");
  }
}

}  // namespace
