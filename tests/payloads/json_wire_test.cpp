// MQTT JSON readings and alert JSON.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "payloads/payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

using physiology::Vital;
using testing::make;

TEST(MqttJson, Shape) {
  const auto r = make(12, 3, 7, Vital::SpO2, 95.04, 1250, physiology::kFlagOnOxygen | physiology::kFlagMotionArtifact);
  EXPECT_EQ(encode_mqtt_reading(r),
            R"({"id":)" + std::to_string(r.id) + R"(,"p":12,"d":3,"v":"spo2","val":95.0,"u":"%","t":1250,"f":8})");
}

TEST(MqttJson, RoundTripsOneAndBatch) {
  const auto readings = testing::one_of_each();
  for (const auto& r : readings) {
    const auto res = decode_mqtt_json(encode_mqtt_reading(r));
    ASSERT_TRUE(res.ok()) << res.error;
    EXPECT_EQ(res.readings.at(0), testing::wire_view(r));
  }
  const auto res = decode_mqtt_json(encode_mqtt_batch(readings));
  ASSERT_TRUE(res.ok()) << res.error;
  ASSERT_EQ(res.readings.size(), readings.size());
  for (std::size_t i = 0; i < readings.size(); ++i) EXPECT_EQ(res.readings[i], testing::wire_view(readings[i]));
  EXPECT_TRUE(decode_mqtt_json("[]").readings.empty());
}

TEST(MqttJson, NegativeTimesFloorToMilliseconds) {
  auto r = make(1, 0, 1, Vital::HeartRate, 60, 0);
  r.device_time = physiology::SimTime{physiology::Duration{-1'500'001}};
  const auto res = decode_mqtt_json(encode_mqtt_reading(r));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.readings[0].device_time, physiology::SimTime{std::chrono::milliseconds(-2)});
}

TEST(MqttJson, RejectsMalformedInputWithReason) {
  const std::vector<std::pair<std::string, const char*>> cases = {
      {"{", "invalid JSON"},
      {"42", "neither an object nor an array"},
      {R"({"d":0,"v":"spo2","val":95,"t":1})", "'p'"},
      {R"({"p":-1,"v":"spo2","val":95,"t":1})", "'p'"},
      {R"({"p":1,"val":95,"t":1})", "missing 'v'"},
      {R"({"p":1,"v":"blood_type","val":95,"t":1})", "unknown vital 'blood_type'"},
      {R"({"p":1,"v":"spo2","val":"95","t":1})", "'val'"},
      {R"({"p":1,"v":"spo2","val":95})", "'t'"},
      {R"({"p":1,"v":"spo2","val":95,"t":1.5})", "'t'"},
      {R"({"p":1,"v":"spo2","val":95,"t":1,"u":"mmol/L"})", "unit 'mmol/L'"},
      {R"({"p":1,"d":70000,"v":"spo2","val":95,"t":1})", "'d'"},
      {R"([{"p":1,"v":"spo2","val":95,"t":1},{"p":1,"v":"spo2","t":1}])", "entry 1:"},
  };
  for (const auto& [json, reason] : cases) {
    const auto res = decode_mqtt_json(json);
    EXPECT_FALSE(res.ok()) << json;
    EXPECT_TRUE(res.readings.empty()) << json;
    EXPECT_NE(res.error.find(reason), std::string::npos) << json << ": got '" << res.error << "'";
  }
}

TEST(MqttJson, Topic) {
  EXPECT_EQ(mqtt_topic("iomtsim/{patient}/{device}", 12, 3), "iomtsim/12/3");
  EXPECT_EQ(mqtt_topic("ward/{patient}/{other}", 1, 0), "ward/1/{other}");
}

physiology::Alert sample_alert() {
  physiology::Alert a;
  a.alert_id = "news2-p12-\"7\"";
  a.patient = 12;
  a.rule = "news2";
  a.score = 7;
  a.severity = physiology::AlertSeverity::High;
  a.trigger_time = physiology::SimTime{std::chrono::seconds(3600)};
  a.trigger_reading_id = 0xFFFFFF01FFFFFFFFull;  // above 2^53: must survive exactly
  return a;
}

TEST(AlertJson, RoundTrips) {
  const auto a = sample_alert();
  const std::string text = encode_alert_json(a);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["severity"], "high");
  EXPECT_EQ(j["trigger_time_ns"], 3'600'000'000'000);
  const auto back = decode_alert_json(text);
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.value, a);
  auto frac = a;
  frac.score = 2.5;
  EXPECT_EQ(decode_alert_json(encode_alert_json(frac)).value.score, 2.5);
  const auto many = decode_alerts_json("[" + text + "," + text + "]");
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(many.value.size(), 2u);
}

TEST(AlertJson, RejectsMalformedInputWithReason) {
  const std::vector<std::pair<std::string, const char*>> cases = {
      {"nope", "invalid JSON"},
      {R"({"rule":"news2"})", "'patient'"},
      {R"({"patient":1})", "missing 'rule'"},
      {R"({"patient":1,"rule":"news2","severity":"urgent"})", "'severity'"},
      {R"({"patient":1,"rule":"news2","score":"high"})", "'score'"},
      {R"({"patient":1,"rule":"news2","trigger_time_ns":1.5})", "'trigger_time_ns'"},
      {R"({"patient":1,"rule":"news2","trigger_reading_id":-4})", "'trigger_reading_id'"},
  };
  for (const auto& [json, reason] : cases) {
    const auto res = decode_alert_json(json);
    EXPECT_FALSE(res.ok()) << json;
    EXPECT_NE(res.error.find(reason), std::string::npos) << json << ": got '" << res.error << "'";
  }
  EXPECT_NE(decode_alerts_json(R"([{"patient":1,"rule":"a"},{"patient":1}])").error.find("alert 1:"),
            std::string::npos);
}

}  // namespace
}  // namespace iomtsim::payloads
