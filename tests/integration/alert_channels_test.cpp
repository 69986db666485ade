// The standard ways alerts come back, heard by iomtsim: the reference target's Flags over
// FHIR search (the default), its PCD-04 (HL7 ORU^R40 over MLLP), PCD-04 from an independent
// sender (Debian's python3-hl7), the MQTT alert topic, and the webhook, which refuses alerts
// without its shared secret and reads the scenario's own JSON fields.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include "iomtsim/loadgen/local_broker.hpp"
#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reference_target/target_server.hpp"
#include "pipeline_support.hpp"
#include "support/http_get.hpp"
#include "support/ward_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::testing;
namespace ts = iomtsim::reference_target;

namespace {

scenarios::Scenario embedded_ward(std::uint32_t healthy, std::uint32_t sick) {
  auto s =
      ward_scenario({.healthy = healthy, .sick = sick, .seed = 424242, .name = "alert-channels"});
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 600;
  s.target.embedded = true;
  s.target.request_timeout = std::chrono::seconds(5);
  return s;
}

std::set<physiology::PatientIndex> alerted_patients(const reports::Report& r) {
  std::set<physiology::PatientIndex> p;
  for (const auto& a : r.alerts) p.insert(a.alert.patient);
  return p;
}

TEST(AlertChannels, DefaultRunHearsTheReferenceTargetsFlagsOverFhirSearch) {
  const auto s = embedded_ward(3, 1);
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  ASSERT_GT(r.alert_capture.scored, 0u) << log.str();
  EXPECT_GT(r.alert_capture.polls, 0u);
  EXPECT_EQ(r.alert_capture.unmapped, 0u);
  EXPECT_EQ(r.alert_capture.duplicates, 0u);
  EXPECT_TRUE(alerted_patients(r.report).count(3));
  for (const auto& a : r.report.alerts) EXPECT_TRUE(a.trigger_known) << a.alert.alert_id;
  EXPECT_EQ(r.report.alert_latency.count(), static_cast<std::int64_t>(r.report.alerts.size()));
}

TEST(AlertChannels, Pcd04AndFlagsOfOneAlertCountOnce) {
  auto s = embedded_ward(3, 1);
  s.target.alerts.mllp = scenarios::ListenAddress{"127.0.0.1", 0};
  s.target.alerts.fhir_poll = scenarios::FhirPollSpec{};
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  ASSERT_GT(r.alert_capture.scored, 0u) << log.str();
  // Every alert came twice (Flag and ORU^R40, same alert id) and was scored once.
  EXPECT_EQ(r.alert_capture.heard, 2 * r.alert_capture.scored);
  EXPECT_EQ(r.alert_capture.duplicates, r.alert_capture.scored);
  EXPECT_EQ(r.report.alerts.size(), r.alert_capture.scored);
  EXPECT_TRUE(alerted_patients(r.report).count(3));
}

TEST(AlertChannels, Pcd04FromPython3Hl7IsScoredWithItsPatientAndOwnTime) {
  // An external target (a reference target of the test's own, keeping no Flags) and
  // iomtsim's PCD-04 listener; python3-hl7 plays the alert manager.
  auto cfg = ts::loopback_ephemeral_config();
  cfg.alerts.flags = false;
  ts::TargetServer target(cfg);
  target.start();
  auto s = embedded_ward(4, 0);
  s.metadata.duration = std::chrono::minutes(20);  // 2 s of wall time at 600x
  s.target.embedded = false;
  s.target.http = scenarios::Endpoint{"127.0.0.1", target.ports().http, false};
  s.target.alerts.mllp = scenarios::ListenAddress{"127.0.0.1", 0};
  std::string sent;
  std::thread sender;
  std::ostringstream log;
  auto o = kept_options(log);
  o.on_alert_listeners = [&](std::uint16_t, std::uint16_t pcd04_port) {
    sender = std::thread([pcd04_port, &sent] {
      // Into the run (readings flow from about 0.2 s after this call, for 2 s), then OBR-7 is
      // now in HL7 DTM (UTC, whole seconds), so the alerts fall inside the run.
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      const std::time_t now = std::time(nullptr);
      std::tm utc{};
      gmtime_r(&now, &utc);
      char when[32];
      std::strftime(when, sizeof when, "%Y%m%d%H%M%S+0000", &utc);
      const std::string w(when);
      sent = run_command("/usr/bin/python3 " + std::string(IOMTSIM_SOURCE_DIR) +
                         "/tests/support/pcd04_send.py " + std::to_string(pcd04_port) + " p1:" + w +
                         ":SPO2_LOW:PH p3:" + w + ":RR_LOW:PM:0 zz9:" + w + ":HR_HIGH:PL 2>&1")
                 .out;
    });
  };
  const auto r = loadgen::run(s, o);
  if (sender.joinable()) sender.join();
  target.stop();
  EXPECT_NE(sent.find(R"({"acks": ["AA", "AA", "AA"]})"), std::string::npos) << sent;
  ASSERT_EQ(r.report.alerts.size(), 2u) << sent;
  EXPECT_EQ(r.alert_capture.unmapped, 1u);  // zz9 is no patient of the fleet
  std::set<std::pair<physiology::PatientIndex, std::string>> got;
  for (const auto& a : r.report.alerts) {
    got.insert({a.alert.patient, a.alert.rule});
    EXPECT_GE(a.alert.received_time.time_since_epoch().count(), 0);
  }
  EXPECT_EQ(got, (std::set<std::pair<physiology::PatientIndex, std::string>>{{1, "SPO2_LOW"},
                                                                             {3, "RR_LOW"}}));
  for (const auto& a : r.report.alerts)
    EXPECT_EQ(a.alert.severity, a.alert.patient == 1 ? physiology::AlertSeverity::High
                                                     : physiology::AlertSeverity::Medium);
}

TEST(AlertChannels, WebhookRefusesForgedAlertsAndReadsMappedFields) {
  ScopedEnv env("IOMTSIM_TEST_WEBHOOK_SECRET", "webhook-secret-42ab");
  auto s = embedded_ward(3, 1);
  s.target.alerts.webhook = true;
  s.target.alerts.webhook_secret.env = "IOMTSIM_TEST_WEBHOOK_SECRET";
  s.target.alerts.webhook_fields = {
      {"patient", "subject.id"}, {"rule", "type"}, {"time", "raised_at"}};
  std::vector<int> statuses;
  std::ostringstream log;
  auto o = kept_options(log);
  o.on_alert_listeners = [&](std::uint16_t webhook_port, std::uint16_t) {
    const std::string forged =
        R"({"subject":{"id":"p0"},"type":"forged","raised_at":"2030-01-01T00:00:00Z"})";
    const std::string mapped = R"({"subject":{"id":"p2"},"type":"ward-sepsis-screen"})";
    for (const auto& [body, headers] : std::vector<std::pair<std::string, std::string>>{
             {forged, ""},
             {forged, "Authorization: Bearer not-the-secret\r\n"},
             {mapped, "Authorization: Bearer webhook-secret-42ab\r\n"}}) {
      auto r = http_request(webhook_port, "POST", "/alerts", body, headers);
      statuses.push_back(r ? r->status : 0);
    }
  };
  const auto r = loadgen::run(s, o);
  EXPECT_EQ(statuses, (std::vector<int>{401, 401, 200}));
  EXPECT_EQ(r.alert_capture.refused, 2u);
  bool forged = false, mapped = false;
  for (const auto& a : r.report.alerts) {
    forged |= a.alert.rule == "forged";
    mapped |= a.alert.rule == "ward-sepsis-screen" && a.alert.patient == 2;
  }
  EXPECT_FALSE(forged) << "a forged alert reached the report";
  EXPECT_TRUE(mapped);
  // The embedded target's own alerts came through the webhook too, with the secret.
  EXPECT_GT(r.alert_capture.scored, 1u) << log.str();
}

TEST(AlertChannels, MqttAlertTopicIsHeard) {
  if (!loadgen::LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  auto s = embedded_ward(3, 1);
  s.target.alert_mqtt_topic =
      "ward/alerts/#";  // the run starts a broker; the target publishes there
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  ASSERT_GT(r.alert_capture.scored, 0u) << log.str();
  EXPECT_EQ(r.alert_capture.polls, 0u);  // heard on MQTT only
  EXPECT_TRUE(alerted_patients(r.report).count(3));
}

}  // namespace
