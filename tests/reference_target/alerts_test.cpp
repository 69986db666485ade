// Alerts leave the target on a webhook the test listens on, carrying patient, rule,
// score, severity, and the time and id of the reading that triggered them.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"
#include "support/webhook_listener.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Alert;

std::vector<Alert> decode_all(const std::vector<std::string>& bodies) {
  std::vector<Alert> alerts;
  for (const auto& b : bodies) {
    auto a = payloads::decode_alert_json(b);
    EXPECT_TRUE(a.ok()) << a.error << " in " << b;
    if (a.ok()) alerts.push_back(a.value);
  }
  return alerts;
}

// Every alert must point at a reading we sent, at that reading's time.
void expect_traceable(const std::vector<Alert>& alerts,
                      const std::vector<physiology::Reading>& sent) {
  for (const auto& a : alerts) {
    auto it = std::find_if(sent.begin(), sent.end(),
                           [&](const auto& r) { return r.id == a.trigger_reading_id; });
    ASSERT_NE(it, sent.end()) << "alert " << a.rule << " names reading " << a.trigger_reading_id;
    EXPECT_EQ(a.patient, it->patient);
    EXPECT_EQ(a.trigger_time, it->device_time);
    EXPECT_FALSE(a.rule.empty());
  }
}

TEST(Alerts, FhirReadingsRaiseNews2AlertOnWebhook) {
  WebhookListener hook;
  auto server = start_target([&](TargetConfig& c) { c.alerts.webhook_url = hook.url(); });
  HttpClient client(server->ports().http);
  // A stable patient first: no alert.
  std::vector<physiology::Reading> sent;
  using physiology::Vital;
  for (auto r :
       {make_reading(3, Vital::RespRate, 16, 60, 1), make_reading(3, Vital::SpO2, 97, 60, 2),
        make_reading(3, Vital::HeartRate, 72, 60, 3)}) {
    sent.push_back(r);
    ASSERT_EQ(client.post("/fhir/Observation", payloads::encode_observation(r))->status, 201);
  }
  const auto deteriorated = deteriorated_set(8, 120);
  sent.insert(sent.end(), deteriorated.begin(), deteriorated.end());
  ASSERT_EQ(client.post("/fhir", payloads::encode_transaction_bundle(deteriorated))->status, 200);

  const auto bodies = hook.wait_for(1, std::chrono::seconds(5));
  ASSERT_TRUE(eventually([&] { return server->snapshot().readings_processed == sent.size(); }));
  ASSERT_TRUE(eventually([&] {
    const auto s = server->snapshot();
    return s.alerts_delivered == s.alerts_raised;
  }));
  const auto alerts = decode_all(hook.bodies());
  ASSERT_FALSE(alerts.empty());
  expect_traceable(alerts, sent);
  for (const auto& a : alerts) EXPECT_EQ(a.patient, 8u);  // never the stable patient
  auto news2 =
      std::find_if(alerts.begin(), alerts.end(), [](const Alert& a) { return a.rule == "news2"; });
  ASSERT_NE(news2, alerts.end());
  EXPECT_EQ(news2->severity, physiology::AlertSeverity::High);
  EXPECT_GE(news2->score, 7.0);
  EXPECT_EQ(server->snapshot().alerts_failed, 0u);
  for (const auto& p : hook.paths()) EXPECT_EQ(p, "/alerts");
}

TEST(Alerts, RepeatsAreSuppressed) {
  WebhookListener hook;
  auto server = start_target([&](TargetConfig& c) { c.alerts.webhook_url = hook.url(); });
  TcpClient c(server->ports().proto);
  // The same deterioration three times, a minute apart: one alert per rule.
  std::string wire;
  for (std::uint32_t k = 0; k < 3; ++k)
    payloads::append_delimited(
        wire, payloads::encode_batch(k + 1, deteriorated_set(5, 60.0 + 60 * k, 10 * k + 1)));
  ASSERT_TRUE(c.send_all(wire));
  ASSERT_TRUE(eventually([&] { return server->snapshot().readings_processed == 15; }));
  ASSERT_TRUE(eventually([&] {
    const auto s = server->snapshot();
    return s.alerts_raised > 0 && s.alerts_delivered == s.alerts_raised;
  }));
  const auto alerts = decode_all(hook.bodies());
  std::multiset<std::string> rules;
  for (const auto& a : alerts) rules.insert(a.rule);
  for (const auto& r : rules) EXPECT_EQ(rules.count(r), 1u) << r;
}

TEST(Alerts, MllpReadingsAlertToo) {
  WebhookListener hook;
  auto server = start_target([&](TargetConfig& c) { c.alerts.webhook_url = hook.url(); });
  TcpClient c(server->ports().mllp);
  const auto set = deteriorated_set(11, 300);
  ASSERT_TRUE(c.send_all(payloads::mllp_frame(payloads::encode_oru_r01(set))));
  const auto bodies = hook.wait_for(1, std::chrono::seconds(5));
  ASSERT_FALSE(bodies.empty());
  expect_traceable(decode_all(bodies), set);
}

TEST(Alerts, UnreachableWebhookIsCountedNotFatal) {
  const auto port = free_port();  // nobody listens here
  auto server = start_target([&](TargetConfig& c) {
    c.alerts.webhook_url = "http://127.0.0.1:" + std::to_string(port) + "/alerts";
    c.alerts.webhook_timeout = std::chrono::milliseconds(500);
  });
  HttpClient client(server->ports().http);
  ASSERT_EQ(
      client.post("/fhir", payloads::encode_transaction_bundle(deteriorated_set(2, 60)))->status,
      200);
  ASSERT_TRUE(eventually([&] {
    const auto s = server->snapshot();
    return s.alerts_raised > 0 && s.alerts_failed == s.alerts_raised;
  }));
  EXPECT_EQ(server->snapshot().alerts_delivered, 0u);
  EXPECT_EQ(client
                .post("/fhir/Observation", payloads::encode_observation(make_reading(
                                               2, physiology::Vital::SpO2, 97, 90, 99)))
                ->status,
            201);
}

}  // namespace
}  // namespace iomtsim::reference_target
