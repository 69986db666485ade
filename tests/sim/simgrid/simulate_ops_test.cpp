// Hospital operations devices in simulated time: pumps, RTLS tags and imaging results
// cross their paths and SimGrid like readings; the modelled target raises the pump-alarm
// alerts and answers asset queries from the fixes it has served; and on a
// bandwidth-limited access point, vital signs sent while an imaging result is on the link
// are slower (mirrors tests/loadgen/run_ops_test.cpp).
#include <gtest/gtest.h>

#include "sg_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace iomtsim::sim::simgrid::testing;
using reports::Outcome;

namespace {

// The loadgen test's spec (run_ops_test.cpp with_operations) on the SimGrid test ward.
scenarios::Scenario with_operations(scenarios::PayloadFormat pump_format) {
  auto s = ward(4, 15s);
  auto& o = s.cohorts[0].operations;
  o.model.pumps.per_patient = 1;
  o.model.pumps.alarms_per_day = 300;
  o.model.pumps.status_interval = 1min;
  o.pumps = {pump_format, "lan"};
  o.model.assets.count = 6;
  o.model.assets.fix_interval = 20s;
  o.model.assets.moves_per_day = 150;
  o.model.assets.weak_battery_fraction = 0.0;
  o.assets = {scenarios::PayloadFormat::FhirR4, "lan"};
  o.asset_query_interval = 1min;
  o.model.imaging.procedures_per_day = 400;
  o.imaging = {scenarios::PayloadFormat::FhirR4, "lan"};
  return s;
}

class SimulateOps : public ::testing::TestWithParam<scenarios::PayloadFormat> {};

TEST_P(SimulateOps, PumpAlarmsAssetsAndImagingAreScored) {
  auto cap = idle_capacity();
  cap.alert_delivery = 20ms;
  const auto r = simulate_in_child(with_operations(GetParam()), quiet(cap), "ops");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.report.delivery.balanced());
  const auto& d = r.report.ops.delivery;
  EXPECT_TRUE(d.balanced());
  for (const auto* k : {&d.pump_events, &d.location_fixes, &d.imaging_results}) {
    EXPECT_GT(k->generated, 0u);
    EXPECT_EQ((*k)[Outcome::Acknowledged], k->generated);  // lossless LAN, drained
  }
  const auto& ops = r.report.ops.scores;
  ASSERT_GT(ops.pump_alarms, 0u);
  EXPECT_EQ(ops.pump_alarms_delivered, ops.pump_alarms);
  EXPECT_EQ(ops.pump_alarm_latency.count(), static_cast<std::int64_t>(ops.pump_alarms));
  // 2 ms device path + the route there and back + one service time + alert delivery.
  EXPECT_GE(ops.pump_alarm_latency.min(), std::chrono::nanoseconds(22ms).count());
  EXPECT_LT(ops.pump_alarm_latency.max(), std::chrono::nanoseconds(100ms).count());
  for (const auto& a : r.report.alerts) EXPECT_NE(a.alert.rule, "pump_alarm");
  ASSERT_GT(ops.asset_queries, 40u);  // 6 assets x ~9 queries
  EXPECT_GE(ops.asset_correct_fraction, 0.75);
  EXPECT_FALSE(r.report.ops.asset_tracks.empty());
  for (const auto& q : r.report.ops.asset_queries) {
    EXPECT_GT(q.response_time.count(), 0);
    if (q.answered) {
      EXPECT_LE(q.fix_time, q.query_time + 1min);  // device clocks drift a little
    }
  }
  ASSERT_GT(ops.imaging_results, 0u);
  EXPECT_EQ(ops.imaging_acked, ops.imaging_results);
  EXPECT_GT(ops.imaging_throughput_mib_s, 0.0);
  // report.json keeps the section.
  EXPECT_EQ(reports::from_json(reports::to_json(r.report)).ops, r.report.ops);
}

INSTANTIATE_TEST_SUITE_P(PumpFormats, SimulateOps,
                         ::testing::Values(scenarios::PayloadFormat::Hl7v2,
                                           scenarios::PayloadFormat::FhirR4),
                         [](const auto& p) {
                           return p.param == scenarios::PayloadFormat::Hl7v2 ? std::string("hl7")
                                                                             : std::string("fhir");
                         });

TEST(SimulateOpsNetwork, LossAndOutagesOnTheTagsProfile) {
  auto s = with_operations(scenarios::PayloadFormat::FhirR4);
  scenarios::NetworkProfile flaky = s.network_profiles.at("lan");
  flaky.name = "flaky";
  flaky.loss = 0.2;
  flaky.outages = {{physiology::at_seconds(180), 2min}};
  flaky.reconnect_initial = 1s;
  flaky.reconnect_max = 2s;
  flaky.buffer_readings = 4;
  s.network_profiles["flaky"] = flaky;
  auto& o = s.cohorts[0].operations;
  o.assets.network_profile = "flaky";
  o.pumps.network_profile = "flaky";
  const auto r = simulate_in_child(s, quiet(idle_capacity()), "ops-flaky");
  ASSERT_TRUE(r.ok);
  const auto& d = r.report.ops.delivery;
  EXPECT_TRUE(d.balanced());
  const auto& fixes = d.location_fixes;
  ASSERT_GT(fixes.generated, 150u);
  const double lost = fixes.fraction(Outcome::LostNetwork);
  EXPECT_GT(lost, 0.10);
  EXPECT_LT(lost, 0.30);
  EXPECT_GT(fixes[Outcome::DroppedBuffer], 0u);
  EXPECT_GT(d.pump_events[Outcome::LostNetwork], 0u);
  EXPECT_EQ(d.imaging_results[Outcome::LostNetwork], 0u);
  // Lost fixes make some answers stale, not all of them.
  EXPECT_GT(r.report.ops.scores.asset_correct_fraction, 0.5);
}

scenarios::Scenario large_imaging() {
  auto s = with_operations(scenarios::PayloadFormat::Hl7v2);
  auto& o = s.cohorts[0].operations;
  o.model.imaging.ultrasound_bytes = physiology::Distribution::constant(4.0 * 1024 * 1024);
  o.model.imaging.procedures_per_day = 300;
  return s;
}

// `fifo`: the bottleneck serves messages in order (the profile's shared link), so a vital
// message waits for the whole result; SimGrid's flow model shares a link's bandwidth
// among the flows on it (as TCP does), so there it only crosses at a share of it.
void expect_vitals_slower_during_imaging(const reports::Report& report, bool fifo) {
  const auto& during = report.ops.vitals_latency_during_imaging;
  const auto& outside = report.ops.vitals_latency_outside_imaging;
  ASSERT_GT(during.count(), 0);
  ASSERT_GT(outside.count(), 0);
  // 4 MiB at 4 Mbps occupies the link for about 8.4 s.
  EXPECT_GT(during.value_at_percentile(50), outside.value_at_percentile(50));
  if (fifo) {
    EXPECT_GT(during.max(), std::chrono::nanoseconds(4s).count());
  }
  EXPECT_LT(outside.value_at_percentile(50), std::chrono::nanoseconds(100ms).count());
}

TEST(SimulateOpsNetwork, LargeImagingResultsSlowVitalsOnALimitedAccessPoint) {
  // The access point (a SimGrid link) is the bottleneck: 4 Mbps for the ward.
  auto cap = idle_capacity();
  cap.ap_bandwidth_bps = 4e6;
  const auto r = simulate_in_child(large_imaging(), quiet(cap), "ops-ap");
  ASSERT_TRUE(r.ok);
  expect_vitals_slower_during_imaging(r.report, false);
  EXPECT_TRUE(r.report.ops.delivery.balanced());
}

TEST(SimulateOpsNetwork, LargeImagingResultsSlowVitalsOnALimitedSharedLink) {
  // The profile's shared link (the device-side NetworkPath, as in a real run) is.
  auto s = large_imaging();
  auto& lan = s.network_profiles.at("lan");
  lan.bandwidth_bps = 4e6;
  lan.shared_link = "ward1_ap";
  const auto r = simulate_in_child(s, quiet(idle_capacity()), "ops-link");
  ASSERT_TRUE(r.ok);
  expect_vitals_slower_during_imaging(r.report, true);
}

}  // namespace
