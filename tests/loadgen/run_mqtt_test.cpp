// MQTT end to end: the load generator publishes through a real mosquitto broker (a child
// process on a free loopback port), the embedded target subscribes to the same broker.
#include <gtest/gtest.h>

#include <sstream>

#include "iomtsim/loadgen/run.hpp"
#include "support/mosquitto_broker.hpp"
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
  o.handle_signals = false;
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

}  // namespace

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
