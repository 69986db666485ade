// MQTT ingest over TLS: the reference target subscribes to a mosquitto that listens with
// TLS only for it (certificates from tests/support/test_certs.hpp), verifying the broker
// against the test CA; a test publisher, also over TLS, sends readings that are ingested
// and a deterioration that is alerted. A target trusting another CA never subscribes.
#include <gtest/gtest.h>
#include <mosquitto.h>

#include <cstdlib>

#include "iomtsim/loadgen/local_broker.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"
#include "support/test_certs.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Vital;

// A TLS publisher (libmosquitto with its own thread), verifying the broker with `ca`.
class TlsPublisher {
 public:
  TlsPublisher(std::uint16_t port, const std::string& ca) {
    mosquitto_lib_init();
    m_ = mosquitto_new(nullptr, true, nullptr);
    ok_ =
        mosquitto_tls_set(m_, ca.c_str(), nullptr, nullptr, nullptr, nullptr) == MOSQ_ERR_SUCCESS &&
        mosquitto_connect(m_, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS &&
        mosquitto_loop_start(m_) == MOSQ_ERR_SUCCESS;
  }
  ~TlsPublisher() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  bool ok() const { return ok_; }
  bool publish(const std::string& topic, const std::string& payload) {
    return mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                             payload.data(), 1, false) == MOSQ_ERR_SUCCESS;
  }

 private:
  mosquitto* m_ = nullptr;
  bool ok_ = false;
};

TEST(MqttTls, TargetSubscribesAndIngestsOverTls) {
  if (!loadgen::LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  TestCerts certs;
  if (!certs.ok) GTEST_SKIP() << "openssl could not make test certificates";
  loadgen::LocalBroker broker(loadgen::LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  ASSERT_NE(broker.tls_port(), 0);
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = broker.tls_port();
    c.mqtt.topics = {"iomtsim/#"};
    c.mqtt.tls.enabled = true;
    c.mqtt.tls.ca_file = certs.ca;
  });
  ASSERT_TRUE(server->mqtt_ready());

  TlsPublisher pub(broker.tls_port(), certs.ca);
  ASSERT_TRUE(pub.ok());
  std::uint64_t expected = 0;
  for (std::uint32_t i = 1; i <= 10; ++i, ++expected)
    ASSERT_TRUE(pub.publish(
        "iomtsim/1/0", payloads::encode_mqtt_reading(make_reading(1, Vital::HeartRate, 72, i, i))));
  const auto deteriorated = deteriorated_set(7, 60);
  ASSERT_TRUE(pub.publish("iomtsim/7/0", payloads::encode_mqtt_batch(deteriorated)));
  expected += deteriorated.size();
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings(Protocol::Mqtt) == expected; }));
  EXPECT_TRUE(eventually([&] { return server->snapshot().alerts_raised > 0; }));
}

TEST(MqttTls, TargetTrustingAnotherCaDoesNotSubscribe) {
  if (!loadgen::LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  TestCerts certs, other;
  if (!certs.ok || !other.ok) GTEST_SKIP() << "openssl could not make test certificates";
  loadgen::LocalBroker broker(loadgen::LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = broker.tls_port();
    c.mqtt.tls.enabled = true;
    c.mqtt.tls.ca_file = other.ca;
    c.mqtt.connect_wait = std::chrono::milliseconds(500);
  });
  EXPECT_FALSE(server->mqtt_ready());
}

TEST(MqttTls, NoCaFileMeansTheSystemTrustStore) {
  // Before: mosquitto_tls_set(NULL, NULL, …) refused with "Invalid function arguments".
  // SSL_CERT_FILE points OpenSSL's default trust store at a bundle holding the test CA.
  if (!loadgen::LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  TestCerts certs;
  if (!certs.ok) GTEST_SKIP() << "openssl could not make test certificates";
  loadgen::LocalBroker broker(loadgen::LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  const char* old = std::getenv("SSL_CERT_FILE");
  const std::string saved = old ? old : "";
  ::setenv("SSL_CERT_FILE", certs.ca.c_str(), 1);
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = broker.tls_port();
    c.mqtt.topics = {"iomtsim/#"};
    c.mqtt.tls.enabled = true;
  });
  EXPECT_TRUE(server->mqtt_ready());
  EXPECT_EQ(server->mqtt_tls_error(), "");
  server->stop();
  if (old)
    ::setenv("SSL_CERT_FILE", saved.c_str(), 1);
  else
    ::unsetenv("SSL_CERT_FILE");
}

TEST(MqttTls, ARefusedBrokerCertificateSaysWhy) {
  if (!loadgen::LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  TestCerts certs, other;
  if (!certs.ok || !other.ok) GTEST_SKIP() << "openssl could not make test certificates";
  loadgen::LocalBroker broker(loadgen::LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = broker.tls_port();
    c.mqtt.tls.enabled = true;
    c.mqtt.tls.ca_file = other.ca;
    c.mqtt.connect_wait = std::chrono::milliseconds(500);
  });
  EXPECT_FALSE(server->mqtt_ready());
  EXPECT_TRUE(eventually([&] { return !server->mqtt_tls_error().empty(); }));
  // The broker sends its CA along with its certificate: a chain ending in a
  // self-signed CA this client does not trust (X509 error 19).
  EXPECT_EQ(server->mqtt_tls_error(),
            "certificate verify failed: self-signed certificate in certificate chain (X509 error 19)");
}

}  // namespace
}  // namespace iomtsim::reference_target
