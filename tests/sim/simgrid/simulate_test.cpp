// The SimGrid engine end to end: latencies through the modelled path, queue bounds,
// failures, store-and-forward, conservation. Each TEST runs as its own process
// (gtest_discover_tests), so each may call simulate() once.
#include <gtest/gtest.h>

#include <map>

#include "iomtsim/sim/simgrid/simulate.hpp"
#include "sg_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace iomtsim::sim::simgrid::testing;
using reports::Outcome;

namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) * 1e-6; }

const reports::TimeBucket* bucket(const reports::Report& r, std::int64_t index) {
  for (const auto& b : r.time_buckets)
    if (b.index == index) return &b;
  return nullptr;
}

}  // namespace

// CM02 with no cross traffic: the path's latency is the sum of the configured latencies
// (the default LV08 model would multiply it by about 13 for small messages).
TEST(SimgridPath, ConfiguredPathLatencyComesOutAsConfigured) {
  auto cap = idle_capacity();
  cap.ap_latency = 1ms;
  cap.core_latency = 100us;
  cap.wan_latency = 5ms;
  cap.server_link_latency = 100us;
  const auto s = ward(2, 15s, 0.002);
  const auto r = simulate(s, quiet(cap));
  // device hop 2 ms + forward 6.2 ms + service 0.1 ms + answer back 6.2 ms.
  const double expected_ms = 2.0 + 6.2 + 0.1 + 6.2;
  const auto& h = r.report.ingest_latency;
  ASSERT_GT(h.count(), 100);
  EXPECT_NEAR(ms(h.value_at_percentile(50)), expected_ms, expected_ms * 2e-3);
  EXPECT_NEAR(ms(h.max()), expected_ms, expected_ms * 2e-3);
  EXPECT_NEAR(ms(h.min()), expected_ms, expected_ms * 2e-3);
  EXPECT_EQ(r.report.delivery[Outcome::Acknowledged], r.report.delivery.generated);
  EXPECT_EQ(r.stats.communications, r.stats.messages);
  EXPECT_EQ(r.report.run.mode, "simulated");
}

// Bandwidth counts too: a 740-byte FHIR message (payloads/wire_size.hpp: one Observation
// with its HTTP head) over a 1 Mbit/s access link takes 5.92 ms.
TEST(SimgridPath, TransferTimeFollowsBandwidth) {
  auto cap = idle_capacity();
  cap.ap_bandwidth_bps = 1e6;
  cap.ap_latency = 1ms;
  cap.core_latency = cap.wan_latency = cap.server_link_latency = 0ns;
  auto s = ward(1, 60s, 0.0);
  s.cohorts[0].physiology.devices[0].measures.resize(1);  // one reading per instant: no sharing
  s.cohorts[0].devices[0].model = s.cohorts[0].physiology.devices[0];
  const auto r = simulate(s, quiet(cap));
  const double expected_ms = 1.0 + 5.92 + 0.1 + 1.0;
  ASSERT_GT(r.report.ingest_latency.count(), 5);
  EXPECT_NEAR(ms(r.report.ingest_latency.max()), expected_ms, expected_ms * 2e-3);
}

TEST(SimgridQueue, RejectsWhenFull) {
  CapacityModel cap = idle_capacity();
  cap.workers_per_server = 1;
  cap.service_time = 1s;  // 1 reading/s against about 4 offered per second
  cap.queue_capacity = 3;
  const auto r = simulate(ward(20, 15s), quiet(cap));
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d[Outcome::Rejected], d.generated / 2);
  EXPECT_GT(d[Outcome::Acknowledged], 0u);
  EXPECT_EQ(d[Outcome::Rejected], r.stats.queue_rejections);
  // At most one reading per service time gets through (plus the queue at the end).
  EXPECT_LE(d[Outcome::Acknowledged], 600u + 30u + 3u);
  // Nothing waits behind more than 3 others: latency <= 4 service times + path.
  EXPECT_LE(r.report.ingest_latency.max(), 4'100'000'000);
}

TEST(SimgridFailure, ServerFailureMidRunShowsInDelivery) {
  CapacityModel cap = idle_capacity();
  cap.servers = 2;
  cap.lb_detection = 5s;
  cap.failures = {parse_failure("server:1@4min+2min")};
  const auto r = simulate(ward(20, 5s), quiet(cap));
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d[Outcome::Failed], 0u);
  EXPECT_EQ(d[Outcome::Failed], r.stats.server_failures);
  // Half the traffic for the 5 s until the balancer notices: about 12 readings/s * 5 s / 2.
  EXPECT_LT(d[Outcome::Failed], 60u);
  const auto* during = bucket(r.report, 4);
  ASSERT_NE(during, nullptr);
  EXPECT_GT(during->delivery[Outcome::Failed], 0u);
  for (std::int64_t minute : {0, 1, 2, 3, 5, 6, 7, 8}) {
    const auto* b = bucket(r.report, minute);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->delivery[Outcome::Failed], 0u) << "minute " << minute;
  }
}

// The same retry policy as in real time: a message the modelled target lost (a server down)
// goes back to the device, which tries again after its back-off; by then the balancer knows.
TEST(SimgridRetries, FailedMessagesAreRetriedAndEndOnceEach) {
  CapacityModel cap = idle_capacity();
  cap.servers = 2;
  cap.lb_detection = 5s;
  cap.failures = {parse_failure("server:1@4min+2min")};
  auto s = ward(20, 5s);
  s.target.retry.attempts = 6;
  s.target.retry.backoff = 2s;
  const auto r = simulate(s, quiet(cap));
  const auto& d = r.report.delivery;
  const auto& a = r.report.delivery_attempts;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GT(a.retries, 0u);
  EXPECT_EQ(a.retries_exhausted, 0u);
  EXPECT_EQ(a.attempts, d.generated + a.retries);  // one reading per message
  EXPECT_EQ(a.retries, r.stats.server_failures);   // each lost attempt was tried again
  // A retried reading waited for the back-off.
  EXPECT_GE(r.report.ingest_latency.max(), 2'000'000'000);
}

TEST(SimgridRetries, FullQueueRefusalsAreRetriedAndCounted) {
  CapacityModel cap = idle_capacity();
  cap.workers_per_server = 1;
  cap.service_time = 1s;
  cap.queue_capacity = 3;
  auto s = ward(20, 15s);
  s.target.retry.attempts = 3;
  s.target.retry.backoff = 1s;
  const auto r = simulate(s, quiet(cap));
  const auto& d = r.report.delivery;
  const auto& a = r.report.delivery_attempts;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(a.retries, 0u);
  EXPECT_GT(a.retries_exhausted, 0u);  // overloaded all along: some run out of attempts
  EXPECT_EQ(d[Outcome::Rejected], a.retries_exhausted);
  EXPECT_EQ(a.attempts, d.generated + a.retries);
}

TEST(SimgridFailure, LinkFailureFailsEveryReadingCrossingIt) {
  CapacityModel cap = idle_capacity();
  cap.failures = {parse_failure("link:wan@2min+1min")};
  const auto r = simulate(ward(10, 5s), quiet(cap));
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  const auto* b = bucket(r.report, 2);
  ASSERT_NE(b, nullptr);
  // Every message of minute 2 crosses the WAN: all of them fail, and nothing else does.
  EXPECT_EQ(b->delivery[Outcome::Failed], b->delivery.generated);
  EXPECT_EQ(d[Outcome::Failed], b->delivery.generated);
  EXPECT_EQ(d[Outcome::Failed], r.stats.link_failures);
}

// A one-minute Wi-Fi outage: devices buffer and send everything in one burst when they
// reconnect; nothing is lost, the burst shows in the tail, not in the median.
TEST(SimgridOutage, StoreAndForwardBurstAfterOutage) {
  auto s = ward(20, 5s);
  auto& lan = s.network_profiles.at("lan");
  lan.outages = {{SimTime{3min}, 1min}};
  lan.reconnect_initial = 1s;
  lan.reconnect_max = 1s;
  lan.reconnect_jitter = 0.0;
  lan.buffer_readings = 1000;
  const auto r = simulate(s, quiet(idle_capacity()));
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GE(ms(r.report.ingest_latency.max()), 59'000.0);
  EXPECT_LT(ms(r.report.ingest_latency.value_at_percentile(50)), 50.0);
  const auto* during = bucket(r.report, 3);
  ASSERT_NE(during, nullptr);
  EXPECT_EQ(during->delivery[Outcome::Acknowledged], during->delivery.generated);
  EXPECT_GE(ms(during->ingest_latency.value_at_percentile(50)), 20'000.0);
  ASSERT_EQ(r.report.outages.size(), 1u);
}

// Loss, a small store-and-forward buffer (drops), a server failure and a link failure:
// every reading still ends in exactly one bucket, in both fidelities.
scenarios::Scenario lossy_world() {
  auto s = ward(30, 5s, 0.003, 0.05);
  auto& lan = s.network_profiles.at("lan");
  lan.outages = {{SimTime{2min}, 2min}};
  lan.buffer_readings = 5;
  return s;
}
CapacityModel lossy_capacity(Fidelity f) {
  auto cap = idle_capacity();
  cap.servers = 3;
  cap.workers_per_server = 1;
  cap.service_time = 20ms;
  cap.queue_capacity = 10;
  cap.fidelity = f;
  cap.failures = {parse_failure("server:2@5min+1min"), parse_failure("link:ap0@7min+30s")};
  return cap;
}
void expect_conserved(const SimulateResult& r) {
  const auto& d = r.report.delivery;
  EXPECT_GT(d.generated, 1000u);
  EXPECT_TRUE(d.balanced()) << d.outcome_sum() << " != " << d.generated;
  EXPECT_GT(d[Outcome::LostNetwork], 0u);
  EXPECT_GT(d[Outcome::DroppedBuffer], 0u);
  EXPECT_GT(d[Outcome::Failed], 0u);
  EXPECT_EQ(r.stats.readings, d.generated);
  std::uint64_t generated = 0, outcomes = 0;
  for (const auto& b : r.report.time_buckets) {
    generated += b.delivery.generated;
    outcomes += b.delivery.outcome_sum();
  }
  EXPECT_EQ(generated, d.generated);
  EXPECT_EQ(outcomes, d.generated);
}

TEST(SimgridConservation, PerReading) {
  const auto r = simulate(lossy_world(), quiet(lossy_capacity(Fidelity::PerReading)));
  EXPECT_EQ(r.stats.fidelity, Fidelity::PerReading);
  expect_conserved(r);
}

TEST(SimgridConservation, Aggregated) {
  const auto r = simulate(lossy_world(), quiet(lossy_capacity(Fidelity::Aggregated)));
  EXPECT_EQ(r.stats.fidelity, Fidelity::Aggregated);
  EXPECT_LT(r.stats.communications, r.stats.messages / 3);
  expect_conserved(r);
}

TEST(SimgridAlerts, RulesRunOnArrivingReadings) {
  const auto r = simulate(ward(3, 15s, 0.002, 0.0, 1), quiet(idle_capacity()));
  ASSERT_GT(r.stats.alerts, 0u);
  bool sick_alerted = false;
  for (const auto& a : r.report.alerts) {
    if (a.alert.patient == 3) sick_alerted = true;
    EXPECT_TRUE(a.trigger_known);
  }
  EXPECT_TRUE(sick_alerted);
  // Alert latency: the trigger's intended send -> ingest path -> alert delivery (20 ms).
  ASSERT_GT(r.report.alert_latency.count(), 0);
  EXPECT_GE(ms(r.report.alert_latency.min()), 20.0);
}

TEST(SimgridOnce, SecondSimulationInOneProcessThrows) {
  const auto s = ward(1, 60s);
  auto o = quiet(idle_capacity());
  o.duration = 1min;
  (void)simulate(s, o);
  EXPECT_THROW((void)simulate(s, o), SimulateError);
}

// Issue 22: report.json's capacity section. 200 monitors x 3 vitals every 15 s = 40
// readings (740-byte FHIR messages) a second; one server, one worker, 10 ms each:
// utilisation lambda S / c = 0.4. A 300 kbit/s WAN carries 40 x 740 x 8 = 237 kbit/s: it
// is the bottleneck, near 79 %, and the summary names it.
TEST(SimgridCapacity, UtilisationOfServersAndLinksNamesTheBottleneck) {
  auto cap = idle_capacity();
  cap.workers_per_server = 1;
  cap.service_time = 10ms;
  cap.wan_bandwidth_bps = 300e3;
  const auto s = ward(200, 15s, 0.002);
  const auto r = simulate(s, quiet(cap));
  const auto& c = r.report.capacity;
  ASSERT_FALSE(c.empty());
  const double lambda = static_cast<double>(r.report.delivery.generated) / r.report.duration_s();
  const reports::ResourceUse* servers = nullptr;
  const reports::ResourceUse* wan = nullptr;
  for (const auto& u : c.resources) {
    if (u.name == "servers") servers = &u;
    if (u.name == "wan") wan = &u;
  }
  ASSERT_NE(servers, nullptr);
  ASSERT_NE(wan, nullptr);
  EXPECT_EQ(servers->kind, "stage");
  EXPECT_NEAR(servers->utilisation, lambda * 0.010 / 1, 0.02 * lambda * 0.010);
  EXPECT_EQ(wan->kind, "link");
  EXPECT_FALSE(wan->wait_mean_s.has_value());
  EXPECT_GT(wan->utilisation, servers->utilisation);
  EXPECT_LT(wan->utilisation, 1.0);
  EXPECT_EQ(c.bottleneck, "wan");
  // Round trip through report.json.
  const auto back = reports::from_json(reports::to_json(r.report));
  EXPECT_EQ(back.capacity, c);
}

// Issue 22: a pipeline of stages. 200 monitors x 3 vitals every 15 s = 40 readings a
// second through api (1 worker, 2 ms: 8 %), broker (1 worker, 1 ms after 1 ms: 4 %) and
// database (1 worker, 20 ms: 80 %). The database is the bottleneck, each stage's
// utilisation is lambda S / c, and every reading is answered only after all three.
TEST(SimgridStages, AThreeStagePipelineNamesItsBottleneck) {
  auto cap = idle_capacity();
  cap.workers_per_server = 1;
  cap.service_time = 2ms;
  cap.front_stage = "api";
  CapacityModel::Stage broker;
  broker.name = "broker";
  broker.service_time = 1ms;
  broker.link_latency = 1ms;
  CapacityModel::Stage database;
  database.name = "database";
  database.service_time = 20ms;
  database.queue_capacity = 100'000;
  cap.downstream = {broker, database};
  const auto r = simulate(ward(200, 15s, 0.002), quiet(cap));
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  const double lambda = static_cast<double>(d.generated) / r.report.duration_s();
  std::map<std::string, double> use;
  for (const auto& u : r.report.capacity.resources)
    if (u.kind == "stage") use[u.name] = u.utilisation;
  ASSERT_EQ(use.size(), 3u);
  EXPECT_NEAR(use["api"], lambda * 0.002, 0.03 * lambda * 0.002);
  EXPECT_NEAR(use["broker"], lambda * 0.001, 0.03 * lambda * 0.001);
  EXPECT_NEAR(use["database"], lambda * 0.020, 0.03 * lambda * 0.020);
  EXPECT_EQ(r.report.capacity.bottleneck, "database");
  // 2 ms device path + 2 + 1 + 1 + 20 ms of stages, at the least.
  EXPECT_GE(r.report.ingest_latency.min(), std::chrono::nanoseconds(26ms).count());
}

// A later stage that cannot keep up (database: 1 worker x 50 ms against 40 readings a
// second, 10 waiting at most) refuses readings as a full queue does: 503, and each
// reading still ends in exactly one bucket.
TEST(SimgridStages, AnOverflowingLaterStageRejectsAndEveryReadingEndsOnce) {
  auto cap = idle_capacity();
  CapacityModel::Stage database;
  database.name = "database";
  database.service_time = 50ms;
  database.queue_capacity = 10;
  cap.downstream = {database};
  const auto r = simulate(ward(200, 15s, 0.002), quiet(cap));
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  // The database serves 20 a second of the 40 offered: about half is refused.
  EXPECT_NEAR(static_cast<double>(d[Outcome::Rejected]) / static_cast<double>(d.generated), 0.5,
              0.05);
  EXPECT_EQ(d[Outcome::Rejected], r.stats.queue_rejections);
  EXPECT_EQ(d[Outcome::Acknowledged] + d[Outcome::Rejected], d.generated);
  EXPECT_EQ(r.report.capacity.bottleneck, "database");
}
