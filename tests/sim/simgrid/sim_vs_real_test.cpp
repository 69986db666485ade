// Does the simulation predict what a real run on this machine does? Calibrate from two
// real runs (loadgen against the embedded reference target on loopback), then compare,
// at loads both can run, the simulation's throughput ceiling and p50/p99 ingest latency
// with real runs it was not calibrated on. The figures are printed and recorded as test
// properties (ctest --output-on-failure / the gtest XML show them).
//
// What is asserted, and why so little: the real side shares two cores between the load
// generator, the target and whatever else the machine runs (load average 6 while this
// was written), and its latency at half the measured ceiling is dominated by CPU
// contention the model does not have (first measurement: p50 4.4 ms real vs 0.20 ms
// simulated, p99 250 ms vs 0.41 ms; ceiling 12.8k/s real vs 16.5k/s simulated; on a
// quiet machine, 2026-11-25: ceiling 30.9k/s real vs 27.5k/s simulated, p50 0.113 vs
// 0.148 ms, p99 0.53 vs 0.26 ms). So:
//  - the throughput ceiling at an overload it was not calibrated on within 35 %;
//  - the simulation is never slower than reality (p50, p99 upper bounds), and its
//    p50 is at least the light-load latency calibrate measured, halved;
//  - both runs generate the same readings.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/sim/simgrid/calibration.hpp"
#include "sg_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace iomtsim::sim::simgrid::testing;
using namespace std::chrono_literals;
using reports::Outcome;

namespace {

loadgen::RunResult real_run(const scenarios::Scenario& s) {
  loadgen::RunOptions o;
  o.threads = 1;
  o.speed = 1.0;
  o.write_files = false;
  o.progress = loadgen::ProgressMode::None;
  o.drain_timeout = 30s;
  static std::ostringstream sink;
  o.log = &sink;
  return loadgen::run(s, o);
}

// Acknowledged readings per second over the run: sending time plus the backlog the
// last readings waited for (the same formula as calibrate, for both sides).
double ceiling(const reports::Report& r, double seconds) {
  return static_cast<double>(r.delivery[Outcome::Acknowledged]) /
         (seconds + static_cast<double>(r.ingest_latency.max()) * 1e-9);
}
double ms(const reports::Histogram& h, double p) {
  return static_cast<double>(h.value_at_percentile(p)) * 1e-6;
}

}  // namespace

TEST(SimVsReal, CeilingAndLatencyAgreeWithLoopbackRun) {
  // Calibration: light load for the loopback path, 40k/s offered for the ceiling (above
  // what the target takes: at 20k/s it kept up once the target got faster).
  const auto light = real_run(calibration_scenario(50, 1s, 3s));
  const auto heavy = real_run(calibration_scenario(4000, 100ms, 4s));
  const auto cal =
      derive_calibration(light.report, heavy.report,
                         4.0 + static_cast<double>(heavy.report.ingest_latency.max()) * 1e-9, 1);
  ASSERT_GT(cal.ceiling_per_s, 100.0);

  // Validation load 1: 1.5x the calibration's overload, for the ceiling.
  const auto over = calibration_scenario(6000, 100ms, 3s);
  const auto real_over = real_run(over);
  const auto sim_over = simulate_in_child(over, quiet(loopback_capacity(cal)), "over");
  ASSERT_TRUE(sim_over.ok);
  // Validation load 2: about half the ceiling, for latency.
  const auto patients = static_cast<std::uint32_t>(std::max(10.0, 0.5 * cal.ceiling_per_s * 0.1));
  const auto half = calibration_scenario(patients, 100ms, 4s);
  const auto real_half = real_run(half);
  const auto sim_half = simulate_in_child(half, quiet(loopback_capacity(cal)), "half");
  ASSERT_TRUE(sim_half.ok);

  const double c_real = ceiling(real_over.report, 3.0), c_sim = ceiling(sim_over.report, 3.0);
  const double p50_real = ms(real_half.report.ingest_latency, 50),
               p50_sim = ms(sim_half.report.ingest_latency, 50);
  const double p99_real = ms(real_half.report.ingest_latency, 99),
               p99_sim = ms(sim_half.report.ingest_latency, 99);
  std::printf(
      "calibration: service %.1f us/reading, loopback %.1f us one way, ceiling %.0f/s\n"
      "ceiling at 60k/s offered: real %.0f/s, simulated %.0f/s (%.1f %%)\n"
      "at %u readings/s (~half the ceiling): p50 real %.3f ms, simulated %.3f ms; "
      "p99 real %.3f ms, simulated %.3f ms\n",
      static_cast<double>(cal.service_time.count()) * 1e-3,
      static_cast<double>(cal.loopback_one_way.count()) * 1e-3, cal.ceiling_per_s, c_real, c_sim,
      100.0 * (c_sim - c_real) / c_real, patients * 10, p50_real, p50_sim, p99_real, p99_sim);
  RecordProperty("ceiling_real_per_s", std::to_string(c_real));
  RecordProperty("ceiling_sim_per_s", std::to_string(c_sim));
  RecordProperty("p50_real_ms", std::to_string(p50_real));
  RecordProperty("p50_sim_ms", std::to_string(p50_sim));
  RecordProperty("p99_real_ms", std::to_string(p99_real));
  RecordProperty("p99_sim_ms", std::to_string(p99_sim));

  EXPECT_EQ(sim_half.report.delivery.generated, real_half.report.delivery.generated);
  EXPECT_NEAR(c_sim, c_real, 0.35 * c_real);
  EXPECT_LT(p50_sim, 3.0 * p50_real + 0.5);
  EXPECT_LT(p99_sim, 3.0 * p99_real + 2.0);
  EXPECT_GE(p50_sim, 0.5 * static_cast<double>(cal.light_p50_raw.count()) * 1e-6);
}
