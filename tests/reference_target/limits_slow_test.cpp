// The limits of limits_test.cpp at the sizes issue 15 found them at, with the default
// configuration: a million patient ids, a 100 MiB MQTT payload, and many connections
// sending 16 MiB bodies at once. Label slow: each takes tens of seconds.
#include <gtest/gtest.h>

#include <thread>

#include "iomtsim/payloads/mqtt_json.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "support/limits_support.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_process.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Vital;

// Before: 38 -> 777 MB and growing. Now limits.max_patients (100,000) bounds it.
TEST(TargetLimitsSlow, AMillionPatientIdsStayUnderTheBound) {
  TargetProcess target("{}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  constexpr std::uint32_t kPatients = 1'000'000;
  ASSERT_TRUE(send_patients(target, kPatients, 10'000));
  EXPECT_EQ(target.metric("iomtsim_target_patients"), 100000);
  EXPECT_EQ(target.metric("iomtsim_target_patients_evicted_total"), kPatients - 100000);
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), kStatedBoundMib);
}

// Before: 100 MiB of '[' over MQTT killed the target. Now the broker never sends it.
TEST(TargetLimitsSlow, AHundredMibMqttPayloadLeavesTheTargetAlone) {
  if (!MosquittoBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  TargetProcess target("mqtt: {broker_port: " + std::to_string(broker.port()) + "}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  MqttPublisher pub(broker.port());
  ASSERT_TRUE(pub.connected());
  const std::string probe =
      payloads::encode_mqtt_reading(make_reading(2, Vital::HeartRate, 70, 1, 1));
  const double probes = wait_mqtt_ingest(target, pub, probe);
  ASSERT_GT(probes, 0);
  const auto start_mib = target.hwm_mib();
  ASSERT_TRUE(pub.publish("iomtsim/1/0", std::string(100u << 20, '['), 1));
  ASSERT_TRUE(pub.publish("iomtsim/1/0", probe, 1));
  ASSERT_TRUE(eventually_metric(target, "iomtsim_target_readings_accepted_total{protocol=\"mqtt\"}",
                                probes + 1, std::chrono::seconds(60)));
  EXPECT_TRUE(target.alive());
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), start_mib + 24);
}

// 48 connections each sending a 16 MiB body at once: 768 MiB offered against the
// default 128 MiB budget. What does not fit is told 503; memory stays under the bound.
TEST(TargetLimitsSlow, ManyLargeBodiesAtOnceStayWithinTheBudget) {
  TargetProcess target("{}\n");
  ASSERT_TRUE(target.ready()) << target.stderr_text();
  constexpr int kClients = 48;
  const std::string head = R"({"resourceType":"DiagnosticReport","x":)";
  const std::string deep = head + std::string((16u << 20) - head.size() - 64, '[');
  const std::string media = imaging_report(11u << 20);
  std::vector<std::thread> clients;
  std::atomic<int> answered{0}, busy{0};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      try {
        HttpClient c(target.http_port);
        const auto res = c.request("POST", "/fhir/DiagnosticReport", i % 2 ? deep : media,
                                   "Content-Type: application/fhir+json\r\n",
                                   std::chrono::seconds(120));
        if (res) ++answered;
        if (res && res->status == 503) ++busy;
      } catch (const std::exception&) {
      }
    });
  }
  for (auto& t : clients) t.join();
  // A client that is refused while it still sends its body may see the close before it
  // reads the 503 (it writes all before it reads); some are answered either way.
  EXPECT_GT(answered.load(), 0);
  EXPECT_GT(target.metric("iomtsim_target_refusals_total{protocol=\"http\",reason=\"memory_budget\"}"),
            0);
  EXPECT_EQ(target.metric("iomtsim_target_body_bytes_in_flight"), 0);
  if (kMemoryMeasured) EXPECT_LT(target.hwm_mib(), kStatedBoundMib);
}

}  // namespace
}  // namespace iomtsim::reference_target
