// MQTT end to end through a real mosquitto broker that the test starts as a child process:
// readings published as MQTT JSON and as FHIR (QoS 0 and 1) are ingested; alerts come
// back on an MQTT topic.
#include <gtest/gtest.h>
#include <mosquitto.h>

#include <mutex>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Vital;

// A test-side MQTT client: publishes, and collects what arrives on its subscriptions.
class TestMqttClient {
 public:
  explicit TestMqttClient(std::uint16_t port) {
    mosquitto_lib_init();
    m_ = mosquitto_new(nullptr, true, this);
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto* c = static_cast<TestMqttClient*>(self);
      std::lock_guard lock(c->mutex_);
      c->received_.emplace_back(
          msg->topic, std::string(static_cast<const char*>(msg->payload), msg->payloadlen));
    });
    connected_ = mosquitto_connect(m_, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS &&
                 mosquitto_loop_start(m_) == MOSQ_ERR_SUCCESS;
  }
  ~TestMqttClient() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  bool connected() const { return connected_; }
  bool publish(const std::string& topic, const std::string& payload, int qos) {
    return mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                             payload.data(), qos, false) == MOSQ_ERR_SUCCESS;
  }
  bool subscribe(const std::string& topic) {
    return mosquitto_subscribe(m_, nullptr, topic.c_str(), 1) == MOSQ_ERR_SUCCESS;
  }
  std::vector<std::pair<std::string, std::string>> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  mosquitto* m_ = nullptr;
  bool connected_ = false;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> received_;
};

TEST(MqttIngest, JsonAndFhirPayloadsAtQos0And1AndAlertsBack) {
  if (!MosquittoBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = broker.port();
    c.mqtt.topics = {"iomtsim/#"};
    c.alerts.mqtt_topic = "alerts/{patient}";
  });
  ASSERT_TRUE(server->mqtt_ready());

  TestMqttClient client(broker.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.subscribe("alerts/#"));
  // Subscriptions are asynchronous: wait until a probe alert topic message would arrive
  // by publishing to ourselves first.
  ASSERT_TRUE(client.publish("alerts/probe", "{}", 1));
  ASSERT_TRUE(eventually([&] { return !client.received().empty(); }));

  std::uint64_t expected = 0;
  for (std::uint32_t i = 1; i <= 20; ++i) {
    ASSERT_TRUE(client.publish(
        "iomtsim/1/0", payloads::encode_mqtt_reading(make_reading(1, Vital::HeartRate, 70, i, i)),
        i % 2));
    ++expected;
  }
  ASSERT_TRUE(client.publish(
      "iomtsim/2/0", payloads::encode_observation(make_reading(2, Vital::SpO2, 97, 5, 1)), 1));
  ++expected;
  ASSERT_TRUE(client.publish("iomtsim/2/0", "{\"id\": oops", 1));  // invalid: counted, dropped
  const auto deteriorated = deteriorated_set(9, 60);
  ASSERT_TRUE(client.publish("iomtsim/9/0", payloads::encode_mqtt_batch(deteriorated), 1));
  expected += deteriorated.size();

  ASSERT_TRUE(eventually([&] { return server->snapshot().readings(Protocol::Mqtt) == expected; }));
  ASSERT_TRUE(
      eventually([&] { return server->snapshot().count(Protocol::Mqtt, Outcome::Invalid) == 1; }));
  ASSERT_TRUE(eventually([&] {
    for (const auto& [topic, body] : client.received())
      if (topic == "alerts/9") return true;
    return false;
  }));
  for (const auto& [topic, body] : client.received()) {
    if (topic != "alerts/9") continue;
    auto a = payloads::decode_alert_json(body);
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_EQ(a.value.patient, 9u);
    bool traced = false;
    for (const auto& r : deteriorated)
      traced |= r.id == a.value.trigger_reading_id && r.device_time == a.value.trigger_time;
    EXPECT_TRUE(traced);
  }
  EXPECT_EQ(server->snapshot().count(Protocol::Mqtt, Outcome::Accepted), 22u);  // 20 + FHIR + batch
}

TEST(MqttIngest, BrokerDownIsSurvivedAndOtherProtocolsServe) {
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = free_port();  // nothing listens there
    c.mqtt.connect_wait = std::chrono::milliseconds(200);
  });
  EXPECT_FALSE(server->mqtt_ready());
  HttpClient client(server->ports().http);
  auto res = client.post("/fhir/Observation",
                         payloads::encode_observation(make_reading(1, Vital::SpO2, 97, 1, 1)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  server->stop();  // must not hang on the reconnecting client
}

TEST(MqttIngest, BrokerThatAppearsLaterIsUsed) {
  if (!MosquittoBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = broker.port();
    c.mqtt.qos = 0;
    c.mqtt.payload = MqttPayload::MqttJson;
  });
  ASSERT_TRUE(eventually([&] { return server->mqtt_ready(); }));
  TestMqttClient client(broker.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.publish(
      "iomtsim/4/1", payloads::encode_mqtt_reading(make_reading(4, Vital::RespRate, 14, 1, 1, 1)),
      0));
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings_processed == 1; }));
}

}  // namespace
}  // namespace iomtsim::reference_target
