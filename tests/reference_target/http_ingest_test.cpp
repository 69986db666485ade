// FHIR over HTTP end to end: Observations and Bundles in, 201 / transaction-response
// out, keep-alive and concurrent connections, /metrics, queue full.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "iomtsim/payloads/fhir.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Vital;

TEST(HttpIngest, ObservationIsCreatedWithLocation) {
  auto server = start_target();
  HttpClient client(server->ports().http);
  const auto r = make_reading(7, Vital::HeartRate, 72, 60, 1);
  auto res = client.post("/fhir/Observation", payloads::encode_observation(r));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->header("location"), "/fhir/Observation/" + std::to_string(r.id) + "/_history/1");
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings_processed == 1; }));
  const auto s = server->snapshot();
  EXPECT_EQ(s.count(Protocol::Http, Outcome::Accepted), 1u);
  EXPECT_EQ(s.readings(Protocol::Http), 1u);
}

TEST(HttpIngest, TransactionBundleGetsTransactionResponse) {
  auto server = start_target();
  HttpClient client(server->ports().http);
  std::vector<physiology::Reading> batch;
  for (std::uint32_t i = 0; i < 6; ++i)
    batch.push_back(make_reading(i % 3, Vital::SpO2, 97, 60 + i, i + 1));
  auto res = client.post("/fhir", payloads::encode_transaction_bundle(batch));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["resourceType"], "Bundle");
  EXPECT_EQ(body["type"], "transaction-response");
  ASSERT_EQ(body["entry"].size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(body["entry"][i]["response"]["status"], "201 Created");
    EXPECT_EQ(body["entry"][i]["response"]["location"],
              "Observation/" + std::to_string(batch[i].id) + "/_history/1");
  }
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings_processed == batch.size(); }));
}

TEST(HttpIngest, KeepAliveCarriesManyRequestsOnOneConnection) {
  auto server = start_target();
  HttpClient client(server->ports().http);
  for (std::uint32_t i = 0; i < 200; ++i) {
    auto res =
        client.post("/fhir/Observation",
                    payloads::encode_observation(make_reading(1, Vital::RespRate, 16, i, i + 1)));
    ASSERT_TRUE(res) << i;
    ASSERT_EQ(res->status, 201) << i;
  }
  const auto s = server->snapshot();
  EXPECT_EQ(s.connections_accepted[static_cast<std::size_t>(Protocol::Http)], 1u);
  EXPECT_EQ(s.count(Protocol::Http, Outcome::Accepted), 200u);
}

TEST(HttpIngest, ManyConcurrentConnections) {
  auto server = start_target([](TargetConfig& c) {
    c.processing.io_threads = 2;
    c.processing.workers = 2;
  });
  constexpr int kClients = 16, kEach = 40;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(server->ports().http);
      for (int i = 0; i < kEach; ++i) {
        auto r = make_reading(static_cast<physiology::PatientIndex>(t), Vital::HeartRate, 80, i,
                              static_cast<std::uint32_t>(i + 1));
        auto res = client.post("/fhir/Observation", payloads::encode_observation(r));
        if (res && res->status == 201) ++created;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), kClients * kEach);
  EXPECT_TRUE(
      eventually([&] { return server->snapshot().readings_processed == kClients * kEach; }));
  EXPECT_EQ(server->snapshot().connections_accepted[static_cast<std::size_t>(Protocol::Http)],
            std::uint64_t{kClients});
}

TEST(HttpIngest, MetricsEndpointCountsOutcomes) {
  auto server = start_target();
  HttpClient client(server->ports().http);
  for (std::uint32_t i = 0; i < 3; ++i)
    ASSERT_EQ(client
                  .post("/fhir/Observation",
                        payloads::encode_observation(make_reading(1, Vital::SpO2, 95, i, i + 1)))
                  ->status,
              201);
  ASSERT_EQ(client.post("/fhir/Observation", "{not json")->status, 400);
  ASSERT_TRUE(eventually([&] { return server->snapshot().readings_processed == 3; }));
  auto res = client.request("GET", "/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(prometheus_value(
                res->body, R"(iomtsim_target_messages_total{protocol="http",outcome="accepted"})"),
            3);
  EXPECT_EQ(prometheus_value(res->body,
                             R"(iomtsim_target_messages_total{protocol="http",outcome="invalid"})"),
            1);
  EXPECT_EQ(
      prometheus_value(res->body, R"(iomtsim_target_readings_accepted_total{protocol="http"})"), 3);
  EXPECT_EQ(prometheus_value(res->body, "iomtsim_target_readings_processed_total"), 3);
  EXPECT_EQ(prometheus_value(res->body, "iomtsim_target_queue_depth"), 0);
  EXPECT_EQ(prometheus_value(res->body, "iomtsim_target_queue_bound"),
            static_cast<double>(server->config().processing.queue_bound));
}

TEST(HttpIngest, FullQueueAnswers429ThenRecovers) {
  auto server = start_target([](TargetConfig& c) {
    c.processing.queue_bound = 3;
    c.processing.service_time_per_message = std::chrono::milliseconds(300);
  });
  HttpClient client(server->ports().http);
  int created = 0, full = 0;
  for (std::uint32_t i = 0; i < 8; ++i) {
    auto res =
        client.post("/fhir/Observation",
                    payloads::encode_observation(make_reading(2, Vital::HeartRate, 70, i, i + 1)));
    ASSERT_TRUE(res);
    if (res->status == 201) ++created;
    if (res->status == 429) {
      ++full;
      EXPECT_EQ(res->header("retry-after"), "1");
      EXPECT_NE(res->body.find("OperationOutcome"), std::string::npos);
    }
  }
  // One is being served, three wait: at most four fit while the worker sleeps.
  EXPECT_GE(created, 3);
  EXPECT_LE(created, 4);
  EXPECT_EQ(created + full, 8);
  EXPECT_EQ(server->snapshot().count(Protocol::Http, Outcome::QueueFull),
            static_cast<std::uint64_t>(full));
  ASSERT_TRUE(eventually([&] { return server->snapshot().queue_depth == 0; }));
  auto res =
      client.post("/fhir/Observation",
                  payloads::encode_observation(make_reading(2, Vital::HeartRate, 70, 99, 99)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
}

TEST(HttpIngest, AckAfterProcessingWaitsForTheRules) {
  auto server = start_target([](TargetConfig& c) {
    c.processing.ack_after_processing = true;
    c.processing.service_time_per_message = std::chrono::milliseconds(20);
  });
  HttpClient client(server->ports().http);
  for (std::uint32_t i = 0; i < 5; ++i) {
    auto res =
        client.post("/fhir/Observation",
                    payloads::encode_observation(make_reading(3, Vital::SpO2, 96, i, i + 1)));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201);
    // Answered only after processing: the processed count already includes it.
    EXPECT_EQ(server->snapshot().readings_processed, i + 1);
  }
}

}  // namespace
}  // namespace iomtsim::reference_target
