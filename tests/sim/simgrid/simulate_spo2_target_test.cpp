// The simulated-time engine scores a cohort with `spo2_target: 88-92 %` on NEWS2 SpO2
// Scale 2, as the embedded target of a real-time run does (sim::apply_spo2_targets):
// patients resting at 89 % raise no NEWS2 alert; the same patients without the key do.
#include <gtest/gtest.h>

#include "sg_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace iomtsim::sim::simgrid::testing;

namespace {

scenarios::Scenario low_saturation(bool target) {
  auto s = ward(4);
  s.metadata.duration = 40min;
  auto& p = s.cohorts[0].physiology;
  p.baselines = {{physiology::Vital::SpO2, physiology::Distribution::constant(89.0)}};
  if (target) p.spo2_target = physiology::Spo2Target{88.0, 92.0};
  return s;
}

std::size_t news2_alerts(const reports::Report& r) {
  std::size_t n = 0;
  for (const auto& a : r.alerts)
    if (a.alert.rule == "news2" || a.alert.rule == "news2_single_3") ++n;
  return n;
}

}  // namespace

TEST(SimgridSpo2Target, Scale2PatientsAt89PercentDoNotAlertOnIt) {
  const auto with = simulate_in_child(low_saturation(true), quiet(idle_capacity()), "spo2-with");
  const auto without =
      simulate_in_child(low_saturation(false), quiet(idle_capacity()), "spo2-without");
  ASSERT_TRUE(with.ok);
  ASSERT_TRUE(without.ok);
  EXPECT_EQ(news2_alerts(with.report), 0u);
  EXPECT_GE(news2_alerts(without.report), 4u) << "each of the 4 patients scores 3 on Scale 1";
}
