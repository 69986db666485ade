// Tests that need two simulations: each runs in a forked child (SimGrid runs once per
// process) and hands its report back as report.json.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "sg_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace iomtsim::sim::simgrid::testing;
using reports::Outcome;

namespace {

// 300 patients (900 readings per 5 s) on 8 access points, a 20 Mbit/s WAN (about 25 %
// utilised) and 2 servers at about 40 % load: queueing and bandwidth sharing both matter.
scenarios::Scenario busy_ward() {
  auto s = ward(300, 5s, 0.004, 0.01);
  s.metadata.duration = 5min;
  s.network_profiles.at("lan").jitter_s = 0.002;
  return s;
}
CapacityModel busy_capacity(Fidelity f) {
  CapacityModel m;
  m.servers = 2;
  m.workers_per_server = 4;
  m.service_time = 2ms;
  m.wan_bandwidth_bps = 20e6;
  m.fidelity = f;
  return m;
}
double s_at(const reports::Histogram& h, double p) {
  return static_cast<double>(h.value_at_percentile(p)) * 1e-9;
}

}  // namespace

// The stated tolerance (simulate.hpp): counts identical, p50 and p99 ingest latency within
// 10 % + 2 ms, alerts identical in number.
TEST(SimgridFidelity, PerReadingAndAggregatedAgreeWithinTolerance) {
  const auto s = busy_ward();
  const auto fine = simulate_in_child(s, quiet(busy_capacity(Fidelity::PerReading)), "fine");
  const auto coarse = simulate_in_child(s, quiet(busy_capacity(Fidelity::Aggregated)), "coarse");
  ASSERT_TRUE(fine.ok);
  ASSERT_TRUE(coarse.ok);
  const auto& a = fine.report;
  const auto& b = coarse.report;
  EXPECT_EQ(a.delivery.generated, b.delivery.generated);
  EXPECT_GT(a.delivery.generated, 50'000u);
  for (auto o : {Outcome::LostNetwork, Outcome::DroppedBuffer, Outcome::Acknowledged})
    EXPECT_EQ(a.delivery[o], b.delivery[o]) << name(o);
  for (double p : {50.0, 99.0}) {
    const double x = s_at(a.ingest_latency, p), y = s_at(b.ingest_latency, p);
    std::printf("p%.0f ingest latency: per-reading %.4f s, aggregated %.4f s\n", p, x, y);
    EXPECT_NEAR(y, x, 0.10 * x + 0.002)
        << "p" << p << ": per-reading " << x << " s, aggregated " << y << " s";
  }
  EXPECT_EQ(a.alerts.size(), b.alerts.size());
  std::printf("communications: %s (per-reading) vs %s (aggregated)\n", fine.stats.c_str(),
              coarse.stats.c_str());
}

TEST(SimgridDeterminism, SameSeedSameReport) {
  auto s = busy_ward();
  s.metadata.duration = 2min;
  auto cap = busy_capacity(Fidelity::PerReading);
  cap.failures = {parse_failure("server:1@1min+20s")};
  const auto one = simulate_in_child(s, quiet(cap), "one");
  const auto two = simulate_in_child(s, quiet(cap), "two");
  ASSERT_TRUE(one.ok);
  ASSERT_TRUE(two.ok);
  EXPECT_GT(one.report.delivery[Outcome::Failed], 0u);
  EXPECT_EQ(reports::to_json(one.report), reports::to_json(two.report));
  EXPECT_EQ(one.stats, two.stats);
  // A different seed changes the figures (the comparison above can fail).
  s.metadata.seed += 1;
  const auto other = simulate_in_child(s, quiet(cap), "other");
  ASSERT_TRUE(other.ok);
  EXPECT_NE(reports::to_json(one.report), reports::to_json(other.report));
}
