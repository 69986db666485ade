// Operations payloads against the reference target: each encoding through its listener
// and parser; pump alarms become alerts on the webhook (once per event); asset locations
// are queryable at GET /assets/{id}; imaging results are taken at [base]/DiagnosticReport.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "support/net.hpp"
#include "support/target_fixture.hpp"
#include "support/webhook_listener.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using namespace std::chrono_literals;
namespace ops = physiology::ops;
using physiology::SimTime;

ops::PumpEvent pump_event(ops::PumpEventKind kind, std::uint32_t seq, double t_s) {
  ops::PumpEvent e;
  e.pump = 4 * 6 + 1;
  e.patient = 6;
  e.id = ops::make_ops_id(ops::OpsKind::Pump, e.pump, seq);
  e.kind = kind;
  e.drug = "heparin";
  e.rate_ml_h = 12;
  e.vtbi_ml = 250;
  e.volume_ml = 40;
  e.device_time = physiology::at_seconds(t_s);
  return e;
}

ops::LocationFix fix(std::uint32_t asset, std::string zone, double t_s) {
  ops::LocationFix f;
  f.asset = asset;
  f.id = ops::make_ops_id(ops::OpsKind::Location, asset, static_cast<std::uint32_t>(t_s));
  f.zone = std::move(zone);
  f.x_m = 10.5;
  f.y_m = 20.0;
  f.device_time = physiology::at_seconds(t_s);
  return f;
}

std::string read_ack(TcpClient& c) {
  payloads::MllpDeframer d;
  std::vector<std::string> frames;
  std::string buffer;
  c.recv_until(
      buffer,
      [&](std::string& b) {
        d.feed(b, frames);
        b.clear();
        return !frames.empty();
      },
      5s);
  return frames.empty() ? std::string{} : frames.front();
}

TEST(OpsIngest, PumpAlarmsOverMllpAndFhirBecomeAlertsOnce) {
  WebhookListener hook;
  auto server = start_target([&](TargetConfig& c) { c.alerts.webhook_url = hook.url(); });
  TcpClient mllp(server->ports().mllp);
  const auto status = pump_event(ops::PumpEventKind::Status, 1, 60);
  const auto occlusion = pump_event(ops::PumpEventKind::Occlusion, 2, 90);
  for (const auto& e : {status, occlusion, occlusion}) {  // the last is a retry
    ASSERT_TRUE(mllp.send_all(payloads::mllp_frame(payloads::encode_pump_oru(e, 0))));
    auto ack = payloads::decode_ack(read_ack(mllp));
    ASSERT_TRUE(ack.ok()) << ack.error;
    EXPECT_EQ(ack.value.code, payloads::AckCode::Accept) << ack.value.reason;
    EXPECT_EQ(ack.value.control_id, "PUMP" + std::to_string(e.id));
  }
  HttpClient http(server->ports().http);
  const auto air = pump_event(ops::PumpEventKind::AirInLine, 3, 120);
  auto res = http.post("/fhir/Observation", payloads::encode_pump_observation(air, 0));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  const auto bodies = hook.wait_for(2, 5s);
  ASSERT_EQ(bodies.size(), 2u);
  std::set<std::uint64_t> triggers;
  for (const auto& b : bodies) {
    auto a = payloads::decode_alert_json(b);
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_EQ(a.value.rule, "pump_alarm");
    EXPECT_EQ(a.value.patient, 6u);
    EXPECT_EQ(a.value.severity, physiology::AlertSeverity::High);
    triggers.insert(a.value.trigger_reading_id);
  }
  EXPECT_EQ(triggers, (std::set<std::uint64_t>{occlusion.id, air.id}));
  const auto s = server->snapshot();
  EXPECT_EQ(s.ops_pump_events, 4u);
  EXPECT_EQ(s.ops_pump_alarms, 2u);
  EXPECT_EQ(s.readings_processed, 0u);  // pump events never reach the vital-sign rules
}

TEST(OpsIngest, PumpBundleWithDeviceMetricIsATransaction) {
  WebhookListener hook;
  auto server = start_target([&](TargetConfig& c) { c.alerts.webhook_url = hook.url(); });
  HttpClient http(server->ports().http);
  const auto occlusion = pump_event(ops::PumpEventKind::Occlusion, 7, 30);
  auto res = http.post("/fhir", payloads::encode_pump_bundle(occlusion, 0));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const auto j = nlohmann::json::parse(res->body);
  EXPECT_EQ(j.at("type"), "transaction-response");
  ASSERT_EQ(j.at("entry").size(), 2u);
  EXPECT_EQ(j.at("entry")[0].at("response").at("location"), "DeviceMetric/pump-25-rate");
  EXPECT_EQ(j.at("entry")[0].at("response").at("status"), "200 OK");
  EXPECT_EQ(j.at("entry")[1].at("response").at("status"), "201 Created");
  const auto bodies = hook.wait_for(1, 5s);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(payloads::decode_alert_json(bodies[0]).value.trigger_reading_id, occlusion.id);
  // A DeviceMetric that names another pump is refused, with FHIR's OperationOutcome.
  std::string bad = payloads::encode_pump_bundle(pump_event(ops::PumpEventKind::Status, 8, 40), 0);
  const auto at = bad.find("\"source\":{\"reference\":\"Device/pump-25\"");
  ASSERT_NE(at, std::string::npos);
  bad.replace(bad.find("pump-25", at), 7, "pump-26");
  res = http.post("/fhir", bad);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("source is not the Observation's pump"), std::string::npos);
  EXPECT_EQ(server->snapshot().ops_pump_events, 1u);
}

TEST(OpsIngest, AssetLocationsAreQueryableAndOlderFixesDoNotWin) {
  auto server = start_target();
  HttpClient http(server->ports().http);
  EXPECT_EQ(http.request("GET", "/assets/7", "")->status, 404);
  EXPECT_EQ(http.request("GET", "/assets/seven", "")->status, 400);
  ASSERT_EQ(http.post("/fhir/Observation",
                      payloads::encode_location_observation(fix(7, "ward_5a", 100), 0))
                ->status,
            201);
  ASSERT_EQ(http.post("/fhir/Observation",
                      payloads::encode_location_observation(fix(7, "storage", 400), 0))
                ->status,
            201);
  // A late fix from before the move arrives after it.
  ASSERT_EQ(http.post("/fhir/Observation",
                      payloads::encode_location_observation(fix(7, "ward_5a", 300), 0))
                ->status,
            201);
  auto res = http.request("GET", "/assets/7", "");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  auto where = payloads::decode_asset_location(res->body, 0);
  ASSERT_TRUE(where.ok()) << where.error;
  EXPECT_EQ(where.value.asset, 7u);
  EXPECT_EQ(where.value.zone, "storage");
  EXPECT_EQ(where.value.fix_device_time, physiology::at_seconds(400));
  EXPECT_DOUBLE_EQ(where.value.x_m, 10.5);
  EXPECT_EQ(server->snapshot().ops_location_fixes, 3u);
}

TEST(OpsIngest, DiagnosticReportsOfSeveralMiBAreTakenAndChecked) {
  auto server = start_target();
  HttpClient http(server->ports().http);
  ops::ImagingResult r;
  r.id = ops::make_ops_id(ops::OpsKind::Imaging, 2, 0);
  r.patient = 2;
  r.bytes = 5u << 20;
  auto res = http.post("/fhir/DiagnosticReport", payloads::encode_diagnostic_report(r, 0));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_NE(res->header("location").find("/fhir/DiagnosticReport/"), std::string::npos);
  // A report posted as an Observation, and a truncated one, are refused.
  r.bytes = 2000;
  EXPECT_EQ(http.post("/fhir/Observation", payloads::encode_diagnostic_report(r, 0))->status, 400);
  std::string bad = payloads::encode_diagnostic_report(r, 0);
  bad.erase(bad.size() - 10, 4);
  EXPECT_EQ(http.post("/fhir/DiagnosticReport", bad)->status, 400);
  const auto s = server->snapshot();
  EXPECT_EQ(s.ops_imaging_results, 1u);
  EXPECT_EQ(s.ops_imaging_bytes, 5u << 20);
}

}  // namespace
}  // namespace iomtsim::reference_target
