// MQTT end to end: the load generator publishes through a real mosquitto broker (a child
// process on a free loopback port), the embedded target subscribes to the same broker.
#include <gtest/gtest.h>
#include <mosquitto.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <thread>

#include "iomtsim/loadgen/run.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/test_certs.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim::loadgen;
using iomtsim::reports::Outcome;
namespace scenarios = iomtsim::scenarios;

namespace {

RunOptions quiet() {
  RunOptions o;
  o.threads = 2;
  o.write_files = false;
  o.progress = ProgressMode::None;
  static std::ostringstream sink;
  o.log = &sink;
  return o;
}

scenarios::Scenario mqtt_scenario(std::uint16_t broker_port, int qos) {
  auto s = tiny_scenarios::tiny(2, 1, scenarios::PayloadFormat::MqttJson);
  s.target.mqtt = scenarios::Endpoint{"127.0.0.1", broker_port, false};
  s.target.mqtt_qos = qos;
  return s;
}

// Three MQTT devices on each patient; `gateway` non-empty: all three behind it.
scenarios::Scenario three_devices_each(std::uint16_t broker_port, std::uint32_t patients, const std::string& gateway) {
  auto s = mqtt_scenario(broker_port, 1);
  s.cohorts = {tiny_scenarios::cohort("ward", patients, scenarios::PayloadFormat::MqttJson, 1, std::chrono::seconds(30))};
  auto& c = s.cohorts.front();
  c.devices.front().gateway = gateway;
  for (int k = 1; k < 3; ++k) {
    auto d = c.devices.front();
    d.model.name = "monitor" + std::to_string(k);
    c.devices.push_back(d);
    c.physiology.devices.push_back(d.model);
  }
  s.metadata.duration = std::chrono::minutes(3);
  s.time.speed = 60;  // 3 s of wall time: the broker samples its client count once a second
  return s;
}

// The most clients the broker has seen connected at once ($SYS/broker/clients/maximum:
// sampled at each $SYS tick, every second with LocalBroker, retained), once it reaches
// `expected` or after 5 s; -1 if it never answered.
long broker_max_clients(std::uint16_t port, long expected) {
  mosquitto_lib_init();
  std::atomic<long> seen{-1};
  mosquitto* m = mosquitto_new(nullptr, true, &seen);
  mosquitto_message_callback_set(m, [](mosquitto*, void* self, const mosquitto_message* msg) {
    static_cast<std::atomic<long>*>(self)->store(std::stol(std::string(static_cast<const char*>(msg->payload), msg->payloadlen)));
  });
  if (mosquitto_connect(m, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS && mosquitto_loop_start(m) == MOSQ_ERR_SUCCESS) {
    mosquitto_subscribe(m, nullptr, "$SYS/broker/clients/maximum", 0);
    for (int i = 0; i < 100 && seen.load() < expected; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    mosquitto_disconnect(m);
    mosquitto_loop_stop(m, false);
  }
  mosquitto_destroy(m);
  return seen.load();
}

}  // namespace

TEST(RunMqtt, EveryDeviceHoldsItsOwnConnection) {
  if (!iomtsim::testing::MosquittoBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  const auto r = run(three_devices_each(broker.port(), 100, ""), quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_EQ(r.reconnects, 0u);  // no two connections shared a client id
  EXPECT_EQ(broker_max_clients(broker.port(), 301), 301);  // 300 devices + the target
}

TEST(RunMqtt, DevicesBehindAGatewayShareItsConnection) {
  if (!iomtsim::testing::MosquittoBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  const auto r = run(three_devices_each(broker.port(), 100, "bedside_hub"), quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_EQ(broker_max_clients(broker.port(), 101), 101);  // one hub per patient + the target
}

TEST(RunMqtt, TlsToTheBrokerForDevicesAndTarget) {
  if (!LocalBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::TestCerts certs;
  if (!certs.ok) GTEST_SKIP() << "openssl could not make test certificates";
  LocalBroker broker(LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  auto s = mqtt_scenario(broker.tls_port(), 1);
  s.target.mqtt->tls = true;
  s.target.mqtt_ca_file = certs.ca;
  s.target.mqtt_version = 5;
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GT(r.alerts_received, 0u);  // the embedded target subscribed over TLS too
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

TEST(RunMqtt, TlsWithoutACaFileTrustsTheSystemStore) {
  // No target.mqtt_ca_file: the devices and the embedded target's mosquitto client both
  // use the system trust store (OpenSSL's default paths; SSL_CERT_FILE points them at a
  // bundle holding the test CA). The target's client failed with "Invalid function
  // arguments" before.
  if (!LocalBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::TestCerts certs;
  if (!certs.ok) GTEST_SKIP() << "openssl could not make test certificates";
  LocalBroker broker(LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  ScopedEnv env("SSL_CERT_FILE", certs.ca);
  auto s = mqtt_scenario(broker.tls_port(), 1);
  s.target.mqtt->tls = true;
  s.target.mqtt_ca_file.clear();
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_TRUE(r.tls_failures.empty());
  EXPECT_GT(r.alerts_received, 0u);  // the embedded target subscribed over TLS too
}

TEST(RunMqtt, ARefusedBrokerCertificateIsCountedWithTheX509Reason) {
  if (!LocalBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::TestCerts certs, other;
  if (!certs.ok || !other.ok) GTEST_SKIP() << "openssl could not make test certificates";
  LocalBroker broker(LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  auto s = mqtt_scenario(broker.tls_port(), 1);
  s.target.embedded = false;  // only the devices' handshakes
  s.target.mqtt->tls = true;
  s.target.mqtt_ca_file = other.ca;
  s.metadata.duration = std::chrono::minutes(2);
  s.target.request_timeout = std::chrono::milliseconds(200);
  const auto r = run(s, quiet());
  EXPECT_TRUE(r.report.delivery.balanced());
  EXPECT_EQ(r.report.delivery[Outcome::Acknowledged], 0u);
  ASSERT_EQ(r.tls_failures.size(), 1u);
  // The broker sends its CA along with its certificate: a chain ending in a
  // self-signed CA this client does not trust (X509 error 19).
  EXPECT_EQ(r.tls_failures.begin()->first,
            "certificate verify failed: self-signed certificate in certificate chain (X509 error 19)");
}

TEST(RunMqtt, QoS1PublishesAcknowledgedByTheBrokerAndAlerted) {
  if (!iomtsim::testing::MosquittoBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  const auto r = run(mqtt_scenario(broker.port(), 1), quiet());
  const auto& d = r.report.delivery;
  EXPECT_NEAR(static_cast<double>(d.generated), 3u * 3u * 40u, 6);
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GT(r.alerts_received, 0u);  // the target got the readings through the broker
}

TEST(RunMqtt, QoS0CountsWrittenPublishes) {
  if (!iomtsim::testing::MosquittoBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  const auto r = run(mqtt_scenario(broker.port(), 0), quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
}

TEST(RunMqtt, NoBrokerFailsEveryReadingButBalances) {
  auto s = mqtt_scenario(1, 1);  // nothing listens on port 1
  s.target.embedded = false;
  s.target.request_timeout = std::chrono::milliseconds(200);
  s.metadata.duration = std::chrono::minutes(3);
  const auto r = run(s, quiet());
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], 0u);
  EXPECT_GT(d[Outcome::Failed], 0u);
}

TEST(RunMqtt, WaveformBlocksArePublishedOnTheDevicesOwnConnections) {
  if (!iomtsim::testing::MosquittoBroker::available()) GTEST_SKIP() << "no mosquitto binary";
  iomtsim::testing::MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  auto s = mqtt_scenario(broker.port(), 1);
  const iomtsim::physiology::WaveformSpec ecg{iomtsim::physiology::WaveformKind::EcgLeadII,
                                              250.0, std::chrono::seconds(1)};
  for (auto& c : s.cohorts) {
    for (auto& d : c.physiology.devices) d.waveform = ecg;
    for (auto& d : c.devices) d.model.waveform = ecg;
  }
  s.metadata.duration = std::chrono::minutes(1);
  const auto r = run(s, quiet());
  const auto& w = r.report.waveforms;
  EXPECT_NEAR(static_cast<double>(w.delivery.generated), 3.0 * 60.0, 3.0);  // 3 patients
  EXPECT_EQ(w.not_sent, 0u);
  EXPECT_EQ(r.waveform_blocks_skipped, 0u);
  EXPECT_TRUE(w.balanced());
  EXPECT_EQ(w.delivery[Outcome::Acknowledged] + w.delivery[Outcome::InFlight],
            w.delivery.generated);
  EXPECT_GT(w.delivery[Outcome::Acknowledged], w.delivery.generated * 9 / 10);
  EXPECT_EQ(w.samples_acknowledged, 250u * w.delivery[Outcome::Acknowledged]);
  EXPECT_TRUE(r.report.delivery.balanced());
}
