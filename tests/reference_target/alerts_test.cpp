// Alerts leave the target on a webhook the test listens on, carrying patient, rule,
// score, severity, and the time and id of the reading that triggered them.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
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

TEST(Alerts, RaisedAlertsAreServedAsFlagsOverFhirSearchPaged) {
  WebhookListener hook;
  auto server = start_target([&](TargetConfig& c) { c.alerts.webhook_url = hook.url(); });
  HttpClient client(server->ports().http);
  for (physiology::PatientIndex p : {4u, 6u, 9u})
    ASSERT_EQ(client.post("/fhir", payloads::encode_transaction_bundle(deteriorated_set(p, 120)))->status, 200);
  ASSERT_TRUE(eventually([&] {
    const auto s = server->snapshot();
    return s.alerts_raised >= 3 && s.alerts_delivered == s.alerts_raised;
  }));
  const auto raised = server->snapshot().alerts_raised;
  // Pages of two, following the next links: every alert once, as a Flag, in order.
  std::vector<payloads::FhirAlert> flags;
  std::string target = "/fhir/Flag?_lastUpdated=gt2000-01-01T00:00:00Z&_count=2";
  for (int page = 0; page < 100 && !target.empty(); ++page) {
    auto r = client.request("GET", target);
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    auto d = payloads::decode_alert_page(r->body);
    ASSERT_TRUE(d.ok()) << d.error;
    EXPECT_LE(d.value.alerts.size(), 2u);
    flags.insert(flags.end(), d.value.alerts.begin(), d.value.alerts.end());
    target = d.value.next;
  }
  ASSERT_EQ(flags.size(), raised);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    ids.insert(flags[i].alert_id);
    EXPECT_NE(flags[i].trigger_reading_id, 0u);
    EXPECT_TRUE(flags[i].patient_reference == "Patient/p4" || flags[i].patient_reference == "Patient/p6" ||
                flags[i].patient_reference == "Patient/p9");
    if (i > 0) EXPECT_LT(*flags[i - 1].time_unix_ns, *flags[i].time_unix_ns);  // strictly increasing
  }
  EXPECT_EQ(ids.size(), flags.size());
  // The same alerts as the webhook's, by id; one Flag read by its id.
  for (const auto& a : decode_all(hook.bodies())) EXPECT_TRUE(ids.count(a.alert_id)) << a.alert_id;
  auto one = client.request("GET", "/fhir/Flag/" + flags.front().id);
  ASSERT_TRUE(one && one->status == 200);
  EXPECT_EQ(payloads::decode_fhir_alert(one->body).value.alert_id, flags.front().alert_id);
  // Searching after the last one finds nothing; a subject narrows the search.
  auto after = client.request("GET", "/fhir/Flag?_lastUpdated=gt" + payloads::format_fhir_time_us(*flags.back().time_unix_ns));
  ASSERT_TRUE(after && after->status == 200);
  EXPECT_TRUE(payloads::decode_alert_page(after->body).value.alerts.empty());
  auto six = client.request("GET", "/fhir/Flag?subject=Patient/p6");
  ASSERT_TRUE(six && six->status == 200);
  for (const auto& f : payloads::decode_alert_page(six->body).value.alerts) EXPECT_EQ(f.patient_reference, "Patient/p6");
  EXPECT_EQ(client.request("GET", "/fhir/Flag?code=x")->status, 400);
}

}  // namespace
}  // namespace iomtsim::reference_target
