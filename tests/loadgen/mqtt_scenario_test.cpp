// The scenario's MQTT connection settings (target.mqtt_*): parsed with units, defaults
// kept, bad values reported where they are written; and the client id template.
#include <gtest/gtest.h>

#include "iomtsim/scenarios/loader.hpp"
#include "mqtt_transport.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using namespace std::chrono_literals;

const std::string kScenario = R"(metadata:
  name: mqtt
  duration: 1h
cohorts:
  - name: ward
    count: 2
    archetype: icu
    devices:
      - type: pulse_oximeter
        measures: [spo2]
        every: 1 min
        format: mqtt_json
target:
  mqtt: {host: broker.example, port: 8883, tls: true}
)";

TEST(MqttScenario, DefaultsAreOneCleanSession311ConnectionPerDevice) {
  auto r = scenarios::load_string(kScenario, "mqtt.yaml");
  ASSERT_TRUE(r.ok());
  const auto& t = r.scenario->target;
  EXPECT_EQ(t.mqtt_client_id, "iomtsim-{patient}-{device}");
  EXPECT_EQ(t.mqtt_keepalive, 60s);
  EXPECT_TRUE(t.mqtt_clean_session);
  EXPECT_EQ(t.mqtt_version, 4);
  EXPECT_TRUE(t.mqtt_ca_file.empty());
  EXPECT_TRUE(t.mqtt->tls);
}

TEST(MqttScenario, SettingsAreRead) {
  auto r = scenarios::load_string(kScenario + R"(  mqtt_client_id: "site-a/{patient}/{device}"
  mqtt_keepalive: 2 min
  mqtt_clean_session: false
  mqtt_version: "5"
  mqtt_ca_file: /etc/iomtsim/ca.pem
)",
                                  "mqtt.yaml");
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? ""
                                                : scenarios::format_diagnostic(r.diagnostics[0]));
  const auto& t = r.scenario->target;
  EXPECT_EQ(t.mqtt_client_id, "site-a/{patient}/{device}");
  EXPECT_EQ(t.mqtt_keepalive, 120s);
  EXPECT_FALSE(t.mqtt_clean_session);
  EXPECT_EQ(t.mqtt_version, 5);
  EXPECT_EQ(t.mqtt_ca_file, "/etc/iomtsim/ca.pem");
}

TEST(MqttScenario, BadVersionAndKeepAliveAreReportedWhereWritten) {
  auto r = scenarios::load_string(kScenario + "  mqtt_version: \"3.0\"\n  mqtt_keepalive: 30\n",
                                  "mqtt.yaml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 2u);
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.where.file, "mqtt.yaml");
    EXPECT_GE(d.where.line, 15);
  }
}

TEST(MqttScenario, ClientIdTemplate) {
  EXPECT_EQ(mqtt_client_id("iomtsim-{patient}-{device}", 17, "2"), "iomtsim-17-2");
  EXPECT_EQ(mqtt_client_id("{device}@{patient}", 3, "home_hub"), "home_hub@3");
  EXPECT_EQ(mqtt_client_id("fixed", 3, "1"), "fixed");
  EXPECT_EQ(mqtt_client_id("{patient", 3, "1"), "{patient");
}

}  // namespace
}  // namespace iomtsim::loadgen::detail
