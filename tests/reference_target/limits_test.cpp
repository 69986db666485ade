// What an unauthenticated peer can make the target hold (reference_target/README.md,
// "Limits"): each attack of issue 15, against the real `iomtsim target` process, with its
// peak resident memory (VmHWM) checked against the stated bound and its refusal counted
// in /metrics. Heavier versions are in limits_slow_test.cpp (label slow).
#include <gtest/gtest.h>
#include <mosquitto.h>

#include <thread>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "support/limits_support.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_process.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Vital;

std::string refusals(const std::string& protocol, const std::string& reason) {
  return "iomtsim_target_refusals_total{protocol=\"" + protocol + "\",reason=\"" + reason + "\"}";
}

// Before the limits: 16 MiB of '[' as an MQTT payload peaked at 1.3 GB in the target and
// 1.1 GB stayed resident. Now a payload over mqtt.max_message_bytes is dropped by the
// broker (MQTT 5 Maximum Packet Size) or refused unread, and a deep one is refused before
// any decoder builds it.
TEST(TargetLimits, MqttOversizedAndDeepPayloadsAreRefusedWithinTheBound) {
  if (!MosquittoBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  TargetProcess target("mqtt: {broker_port: " + std::to_string(broker.port()) +
                       ", topics: [\"iomtsim/#\"], max_message_bytes: 262144}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  MqttPublisher pub(broker.port());
  ASSERT_TRUE(pub.connected());
  const double probes = wait_mqtt_ingest(
      target, pub, payloads::encode_mqtt_reading(make_reading(2, Vital::HeartRate, 70, 1, 1)));
  ASSERT_GT(probes, 0) << "the target never took a reading from the broker";
  const auto start_mib = target.hwm_mib();

  // Dropped by the broker: never reaches the target's memory.
  ASSERT_TRUE(pub.publish("iomtsim/1/0", std::string(16u << 20, '['), 1));
  // Just over the limit: arrives (within the room left for the topic) and is refused.
  ASSERT_TRUE(pub.publish("iomtsim/1/0", std::string((256u << 10) + 1, '['), 1));
  // Under the size limit but 200,000 levels deep: refused before decoding.
  ASSERT_TRUE(pub.publish("iomtsim/1/0", std::string(200000, '['), 1));
  // A valid message after them is still taken: the client is alive and in order.
  ASSERT_TRUE(pub.publish("iomtsim/1/0",
                          payloads::encode_mqtt_reading(make_reading(1, Vital::HeartRate, 70, 1, 1)),
                          1));
  ASSERT_TRUE(eventually_metric(target, "iomtsim_target_readings_accepted_total{protocol=\"mqtt\"}",
                                probes + 1));
  EXPECT_EQ(target.metric(refusals("mqtt", "too_large")), 1);
  EXPECT_EQ(target.metric(refusals("mqtt", "too_deep")), 1);
  EXPECT_EQ(target.metric("iomtsim_target_messages_total{protocol=\"mqtt\",outcome=\"invalid\"}"),
            2);
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), start_mib + 24) << "MQTT payloads must not be built whole";
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), kStatedBoundMib);
}

// Before: a body whose head says DiagnosticReport skipped the streaming decoder for a
// whole-document parse: one 16 MiB request added about 780 MiB and 1.2 GB stayed.
TEST(TargetLimits, DeepDiagnosticReportIsRefusedAndMemoryReturns) {
  TargetProcess target("{}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  const auto start_rss = target.rss_mib();
  HttpClient client(target.http_port);
  const std::string head = R"({"resourceType":"DiagnosticReport","x":)";
  std::string body = head + std::string((16u << 20) - head.size() - 64, '[');
  auto res = client.post("/fhir/DiagnosticReport", body);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("nested deeper than 32"), std::string::npos) << res->body;
  // The same through the Observation endpoint's sniff, and as a flat array of values
  // (shallow, but a DOM of millions of values): refused by the decoder's bounds.
  body = R"({"resourceType":"DiagnosticReport","x":[)";
  while (body.size() < (16u << 20) - 16) body += "0,";
  body += "0]}";
  res = client.post("/fhir/Observation", body);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("more than 4096 values"), std::string::npos) << res->body;
  EXPECT_EQ(target.metric(refusals("http", "too_deep")), 2);
  // Each body is held once (Beast's) and scanned, never built: well under 3 bodies' worth.
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), start_rss + 48);
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), kStatedBoundMib);
  // And given back: an idle keep-alive connection holds no body.
  if (kMemoryMeasured) EXPECT_LT(target.rss_mib(), start_rss + 16);
}

// A real imaging result of 11 MiB of media (15 MiB of base64) still goes in, and its memory comes back.
TEST(TargetLimits, LargeImagingResultIsTakenAndItsMemoryReturns) {
  TargetProcess target("{}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  const auto start_rss = target.rss_mib();
  HttpClient client(target.http_port);
  auto res = client.post("/fhir/DiagnosticReport", imaging_report(11u << 20));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(target.metric("iomtsim_target_ops_imaging_results_total"), 1);
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), start_rss + 96);
  if (kMemoryMeasured) EXPECT_LT(target.rss_mib(), start_rss + 16);
}

// Before: every new patient id added state that was never freed (a million fake ids took
// the target from 38 to 777 MB). Now at most limits.max_patients are held.
TEST(TargetLimits, PatientStateIsCappedAndTheLeastRecentIsEvicted) {
  // The record keeps few Observations here: this measures the rules' patient state (the
  // record's own bound, store.max_observations, is in reference_target/README.md).
  TargetProcess target(
      "limits: {max_patients: 1000}\nprocessing: {workers: 2}\nstore: {max_observations: 1000}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  const auto start_mib = target.hwm_mib();
  // 100,000 patients' state would be about 80 MiB.
  constexpr std::uint32_t kPatients = 100000;
  ASSERT_TRUE(send_patients(target, kPatients, 10000));
  EXPECT_EQ(target.metric("iomtsim_target_patients"), 1000);
  EXPECT_EQ(target.metric("iomtsim_target_patients_evicted_total"), kPatients - 1000);
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), start_mib + 24);
}

// Before: no connection limit and the default open-file limit (1024): 1,100 idle sockets
// made every other client time out. Now the target raises its limit, holds at most
// max_connections, and closes the longest-idle connection to make room for a new one.
TEST(TargetLimits, IdleSocketsDoNotLockOtherClientsOut) {
  constexpr std::size_t kIdle = 1100;
  if (raise_own_nofile(kIdle + 200) < kIdle + 200)
    GTEST_SKIP() << "this process cannot open " << kIdle << " sockets";
  // Started as the issue found it: soft limit 1024.
  TargetProcess target("{}\n", 1024);
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  std::vector<TcpClient> idle;
  for (std::size_t i = 0; i < kIdle; ++i) idle.emplace_back(target.http_port);
  // The last 76 each pushed out the then longest-idle connection (http.max_connections
  // is 1024); the target has seen all of them (and the /metrics requests of this wait).
  ASSERT_TRUE(eventually_metric_is(
      target, "iomtsim_target_connections_accepted_total{protocol=\"http\"}",
      [](double v) { return v >= kIdle; }));
  HttpClient client(target.http_port);
  auto res = client.post("/fhir/Observation", payloads::encode_observation(make_reading(
                                                  1, Vital::HeartRate, 70, 1, 1)));
  ASSERT_TRUE(res) << "a client behind 1,100 idle sockets was not answered";
  EXPECT_EQ(res->status, 201);
  EXPECT_GE(target.metric(refusals("http", "idle_evicted")), kIdle - 1024 + 1);
  EXPECT_LE(target.metric("iomtsim_target_connections_open"), 1024);
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), kStatedBoundMib);
}

// Busy connections cannot be evicted: past the limit a new one is told 503 and closed.
TEST(TargetLimits, OverTheConnectionLimitANewClientGets503WithRetryAfter) {
  TargetProcess target("http: {max_connections: 4}\nlimits: {retry_after: 3s}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  {
    // Each sends a whole request and, in the same segment, the start of one it never
    // ends: once the first is answered, the target holds the second (busy, not idle).
    std::vector<TcpClient> busy;
    for (int i = 0; i < 4; ++i) {
      busy.emplace_back(target.http_port);
      ASSERT_TRUE(busy.back().send_all(
          "GET /health HTTP/1.1\r\nHost: x\r\n\r\nPOST /fhir/Observation HTTP/1.1\r\nHost: x\r\n"));
      std::string buffer;
      ASSERT_TRUE(busy.back().recv_until(
          buffer, [](std::string& b) { return take_http_response(b).has_value(); },
          std::chrono::seconds(5)));
    }
    HttpClient client(target.http_port);
    const auto res = client.post("/fhir/Observation", "{}");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(res->header("retry-after"), "3");
    EXPECT_TRUE(client.tcp().wait_closed(std::chrono::seconds(5)));
  }
  // The busy clients are gone; until the target has noticed, a /metrics query is
  // refused too (and counted): count those.
  int refused_queries = 0;
  ASSERT_TRUE(eventually_metric_is(target, "iomtsim_target_connections_open", [&](double v) {
    refused_queries += v < 0 ? 1 : 0;
    return v == 1;  // this query's own connection
  }));
  EXPECT_EQ(target.metric(refusals("http", "connection_limit")), 1 + refused_queries);
  EXPECT_EQ(target.metric(refusals("http", "idle_evicted")), 0);

  // MLLP over its own limit: closed at once.
  TargetProcess mllp_target("mllp: {max_connections: 1}\n");
  ASSERT_TRUE(mllp_target.ready());
  TcpClient first(mllp_target.mllp_port);
  // A frame and the start of another in one segment: answered, then busy mid-frame.
  ASSERT_TRUE(first.send_all(payloads::mllp_frame("MSH|^~\\&|X") + payloads::kMllpStart + "MSH|"));
  std::string ack;
  ASSERT_TRUE(first.recv_until(
      ack, [](std::string& b) { return b.find(payloads::kMllpEnd) != std::string::npos; },
      std::chrono::seconds(5)));
  TcpClient second(mllp_target.mllp_port);
  EXPECT_TRUE(second.wait_closed(std::chrono::seconds(5)));
  EXPECT_EQ(mllp_target.metric(refusals("mllp", "connection_limit")), 1);
}

// Bodies in flight share one budget: a body that does not fit is refused with 503 and
// Retry-After before it is read, and goes in once the budget has room again.
TEST(TargetLimits, BodiesBeyondTheMemoryBudgetGet503UntilThereIsRoom) {
  TargetProcess target(
      "http: {body_limit_bytes: 524288}\nmllp: {max_frame_bytes: 524288}\n"
      "proto: {max_frame_bytes: 524288}\nlimits: {body_memory_budget_bytes: 1048576}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  const auto obs =
      payloads::encode_observation(make_reading(1, Vital::HeartRate, 70, 1, 1)) + std::string(400000, ' ');
  // Two clients announce 400 kB bodies and send half: 800 kB of the 1 MiB budget is held.
  std::vector<TcpClient> slow;
  for (int i = 0; i < 2; ++i) {
    slow.emplace_back(target.http_port);
    ASSERT_TRUE(slow.back().send_all("POST /fhir/Observation HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                     std::to_string(obs.size()) + "\r\n\r\n" +
                                     obs.substr(0, obs.size() / 2)));
  }
  ASSERT_TRUE(eventually_metric(target, "iomtsim_target_body_bytes_in_flight", 2 * obs.size()));
  HttpClient third(target.http_port);
  auto res = third.post("/fhir/Observation", obs);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->header("retry-after"), "1");
  EXPECT_EQ(target.metric(refusals("http", "memory_budget")), 1);
  // One slow client finishes: its body is handled and its share returns.
  ASSERT_TRUE(slow[0].send_all(obs.substr(obs.size() / 2)));
  std::string buffer;
  ASSERT_TRUE(slow[0].recv_until(
      buffer, [](std::string& b) { return take_http_response(b).has_value(); },
      std::chrono::seconds(5)));
  ASSERT_TRUE(eventually_metric(target, "iomtsim_target_body_bytes_in_flight", obs.size()));
  HttpClient retry(target.http_port);
  res = retry.post("/fhir/Observation", obs);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
}

}  // namespace
}  // namespace iomtsim::reference_target
