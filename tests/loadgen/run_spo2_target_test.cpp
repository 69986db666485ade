// The real-time engine's embedded reference target scores a cohort with `spo2_target:
// 88-92 %` on NEWS2 SpO2 Scale 2 (sim::apply_spo2_targets, as the simulated engine does):
// patients resting at 89 % raise no NEWS2 alert; the same patients without the key do.
#include <gtest/gtest.h>

#include "iomtsim/loadgen/run.hpp"
#include "quiet_options.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;

namespace {

scenarios::Scenario low_saturation(bool target) {
  auto s = tiny_scenarios::tiny(4, 0);
  s.metadata.duration = std::chrono::minutes(40);
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

TEST(RunSpo2Target, EmbeddedTargetScoresTargetPatientsOnScale2) {
  const auto with = run(low_saturation(true), quiet());
  const auto without = run(low_saturation(false), quiet());
  EXPECT_EQ(with.report.delivery[reports::Outcome::Acknowledged], with.report.delivery.generated);
  EXPECT_EQ(news2_alerts(with.report), 0u);
  EXPECT_GE(news2_alerts(without.report), 4u) << "each of the 4 patients scores 3 on Scale 1";
}
