// Operations devices end to end against the embedded reference target: pump alarms come
// back as alerts (and stay out of the clinical alert scoring), asset locations are asked
// for and scored against the true tracks, imaging results are acknowledged; and on a
// bandwidth-limited shared link, vital signs queued behind imaging results are slower.
#include <gtest/gtest.h>

#include <sstream>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/sim/network/shared_link.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using namespace std::chrono_literals;

namespace {

RunOptions quiet() {
  RunOptions o;
  o.threads = 2;
  o.write_files = false;
  o.progress = ProgressMode::None;
  o.drain_timeout = std::chrono::seconds(5);
  static std::ostringstream sink;
  o.log = &sink;
  return o;
}

scenarios::Scenario with_operations(scenarios::PayloadFormat pump_format) {
  auto s = tiny_scenarios::tiny(4, 0);
  s.time.speed = 120;  // 10 min in 5 s
  s.target.request_timeout = 10s;
  auto& o = s.cohorts[0].operations;
  o.model.pumps.per_patient = 1;
  o.model.pumps.alarms_per_day = 300;  // a few alarms per pump in ten minutes
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

}  // namespace

TEST(RunOps, PumpAlarmsAssetsAndImagingAreScored) {
  for (auto format : {scenarios::PayloadFormat::Hl7v2, scenarios::PayloadFormat::FhirR4}) {
    const auto r = run(with_operations(format), quiet());
    const auto& ops = r.report.ops.scores;
    EXPECT_TRUE(r.report.delivery.balanced());
    const auto& d = r.report.ops.delivery;
    EXPECT_TRUE(d.balanced());
    for (const auto* k : {&d.pump_events, &d.location_fixes, &d.imaging_results}) {
      EXPECT_GT(k->generated, 0u);
      // A lossless LAN: everything is acknowledged but what the run's end caught in flight.
      EXPECT_EQ((*k)[reports::Outcome::Acknowledged] + (*k)[reports::Outcome::InFlight],
                k->generated);
    }
    ASSERT_GT(ops.pump_alarms, 0u);
    // Every alarm the target took comes back; one raised in the last scenario seconds may
    // still be on the webhook when the run's grace period ends on a loaded machine.
    EXPECT_GE(ops.pump_alarms_delivered + 1, ops.pump_alarms);
    EXPECT_EQ(ops.pump_alarm_latency.count(), static_cast<std::int64_t>(ops.pump_alarms_delivered));
    for (const auto& a : r.report.alerts) EXPECT_NE(a.alert.rule, "pump_alarm");
    ASSERT_GT(ops.asset_queries, 40u);  // 6 assets x ~9 queries
    EXPECT_GE(ops.asset_correct_fraction, 0.75);
    EXPECT_EQ(r.report.ops.asset_tracks.empty(), false);
    ASSERT_GT(ops.imaging_results, 0u);
    EXPECT_EQ(ops.imaging_acked, ops.imaging_results);
    EXPECT_GT(ops.imaging_throughput_mib_s, 0.0);
    EXPECT_EQ(r.exit_code, 0);
  }
}

TEST(RunOps, LargeImagingResultsSlowVitalsOnTheSameLimitedLink) {
  auto s = with_operations(scenarios::PayloadFormat::Hl7v2);
  auto& lan = s.network_profiles.at("lan");
  lan.bandwidth_bps = 4e6;  // 4 Mbps shared by every device and result of the ward
  lan.shared_link = "ward1_ap";
  auto& o = s.cohorts[0].operations;
  o.model.imaging.ultrasound_bytes = physiology::Distribution::constant(4.0 * 1024 * 1024);
  o.model.imaging.procedures_per_day = 300;
  const auto r = run(s, quiet());
  const auto& during = r.report.ops.vitals_latency_during_imaging;
  const auto& outside = r.report.ops.vitals_latency_outside_imaging;
  ASSERT_GT(during.count(), 0);
  ASSERT_GT(outside.count(), 0);
  // 4 MiB at 4 Mbps occupies the link for about 8.4 s of scenario time.
  EXPECT_GT(during.value_at_percentile(50), outside.value_at_percentile(50));
  EXPECT_GT(during.max(), std::chrono::nanoseconds(4s).count());
}

TEST(RunOps, SharedLinkModelGivesTheLargePayloadEffectExactly) {
  // The mechanism the run above relies on, without sockets: one 620-byte vital-sign
  // message a second over 2 Mbps, and a 3 MiB result at t = 10 s.
  sim::network::SharedLink link(2e6);
  physiology::Duration worst{}, before{};
  for (int i = 0; i < 40; ++i) {
    const auto t = physiology::at_seconds(i);
    if (i == 10) link.transmit_done(t, 3u << 20);
    const auto d = link.transmit_done(t + 1ms, 620) - (t + 1ms);
    if (i < 10) before = std::max(before, d);
    worst = std::max(worst, d);
  }
  EXPECT_EQ(before, physiology::from_seconds(620 * 8 / 2e6));
  // The first reading after the result waits for all of it: 3 MiB * 8 / 2 Mbps = 12.58 s.
  EXPECT_NEAR(physiology::to_seconds(worst), (3.0 * 1024 * 1024 * 8 + 620 * 8) / 2e6 - 0.001, 1e-6);
}

TEST(RunOps, OperationsMessagesCrossTheirProfilesLossAndOutages) {
  auto s = with_operations(scenarios::PayloadFormat::FhirR4);
  scenarios::NetworkProfile flaky = s.network_profiles.at("lan");
  flaky.name = "flaky";
  flaky.loss = 0.2;
  // Down from 3 to 5 min: the tags buffer their fixes and drain them on reconnect.
  flaky.outages = {{physiology::at_seconds(180), 2min}};
  flaky.reconnect_initial = 1s;
  flaky.reconnect_max = 2s;
  flaky.buffer_readings = 4;  // small: a tag fixing every 20 s overflows it in 2 min
  s.network_profiles["flaky"] = flaky;
  auto& o = s.cohorts[0].operations;
  o.assets.network_profile = "flaky";
  o.pumps.network_profile = "flaky";
  const auto r = run(s, quiet());
  const auto& d = r.report.ops.delivery;
  EXPECT_TRUE(d.balanced());
  const auto& fixes = d.location_fixes;
  ASSERT_GT(fixes.generated, 150u);  // 6 tags, every 20 s and on movement, 10 min
  const double lost = fixes.fraction(reports::Outcome::LostNetwork);
  // 20 % of what left the device (the buffer's overflow never did).
  EXPECT_GT(lost, 0.10);
  EXPECT_LT(lost, 0.30);
  EXPECT_GT(fixes[reports::Outcome::DroppedBuffer], 0u);
  EXPECT_GT(d.pump_events[reports::Outcome::LostNetwork], 0u);
  // The LAN's imaging results are untouched by the tags' profile.
  EXPECT_EQ(d.imaging_results[reports::Outcome::LostNetwork], 0u);
  EXPECT_EQ(d.imaging_results[reports::Outcome::DroppedBuffer], 0u);
}

TEST(RunOps, PumpAlarmLatencyDoesNotGrowWithTheSpeed) {
  // At x1200 a 20 ms wall delay between the alarm's send and its alert would read as 24 s
  // on the scenario clock; stamped like clinical alerts it stays a LAN-scale figure.
  auto s = with_operations(scenarios::PayloadFormat::Hl7v2);
  s.time.speed = 1200;
  s.metadata.duration = 30min;  // 1.5 s of wall time
  s.cohorts[0].operations.model.pumps.alarms_per_day = 1000;
  const auto r = run(s, quiet());
  const auto& ops = r.report.ops.scores;
  ASSERT_GT(ops.pump_alarms_delivered, 5u);
  EXPECT_LT(ops.pump_alarm_latency.value_at_percentile(50), std::chrono::nanoseconds(2s).count());
}
