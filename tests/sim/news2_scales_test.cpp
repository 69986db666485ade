// Issue #21 item 5 below both engines: a cohort with `spo2_target: 88-92 %` is scored on
// NEWS2 SpO2 Scale 2 by the rules both engines build (sim::apply_spo2_targets). Patients
// whose SpO2 sits at 89 % get no SpO2 points and no alert for it; the same patients
// without the key score 3 and raise the single-parameter alert.
#include <gtest/gtest.h>

#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/rules/rules_engine.hpp"
#include "iomtsim/sim/news2_scales.hpp"
#include "support/ward_scenario.hpp"

using namespace iomtsim;
using namespace std::chrono_literals;

namespace {

// Two cohorts of healthy adults whose resting SpO2 is 89 %; the second is given a target.
scenarios::Scenario low_saturation_ward(bool target) {
  auto s = iomtsim::testing::ward_scenario({.healthy = 4, .seed = 2121, .name = "spo2-target"});
  s.metadata.duration = 40min;
  auto& c = s.cohorts[0];
  c.physiology.baselines = {{physiology::Vital::SpO2, physiology::Distribution::constant(89.0)}};
  auto other = c;
  other.physiology.name = "targeted";
  other.physiology.first_index = c.physiology.count;
  if (target) other.physiology.spo2_target = physiology::Spo2Target{88.0, 92.0};
  s.cohorts.push_back(other);
  return s;
}

struct Scored {
  std::vector<int> news2;           // per patient: the engine's NEWS2 total at the end
  std::vector<std::size_t> alerts;  // per patient: NEWS2 alerts (news2, news2_single_3)
};

Scored score(const scenarios::Scenario& s) {
  rules::RuleSet rules = rules::RuleSet::defaults();
  sim::apply_spo2_targets(s, rules);
  rules::RulesEngine engine(rules);
  Scored out;
  for (const auto& c : s.cohorts) {
    for (std::uint32_t k = 0; k < c.physiology.count; ++k) {
      const auto index = c.physiology.first_index + k;
      physiology::PatientGenerator g(c.physiology, index, s.metadata.seed, s.metadata.duration);
      std::size_t alerts = 0;
      physiology::SimTime last{};
      while (!g.done()) {
        const auto o = g.next();
        const auto& r = std::get<physiology::Reading>(o);
        for (const auto& a : engine.ingest(r))
          if (a.rule == "news2" || a.rule == "news2_single_3") ++alerts;
        last = r.device_time;
      }
      const auto result = engine.news2_for(index, last);
      EXPECT_EQ(result.parameters_present, 3) << "HR, RR and SpO2";
      out.news2.push_back(result.total);
      out.alerts.push_back(alerts);
    }
  }
  return out;
}

}  // namespace

TEST(News2Scales, CohortsWithTheTargetAreTheirIndexRanges) {
  const auto s = low_saturation_ward(true);
  const auto ranges = sim::spo2_scale2_patients(s);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].first, 4u);
  EXPECT_EQ(ranges[0].end, 8u);
  rules::RuleSet r;
  sim::apply_spo2_targets(s, r);
  sim::apply_spo2_targets(s, r);
  EXPECT_EQ(r.news2.scale2_patients.size(), 1u);
  EXPECT_TRUE(sim::spo2_scale2_patients(low_saturation_ward(false)).empty());
}

TEST(News2Scales, TargetPatientsAt89PercentScoreNothingForSpo2AndDoNotAlert) {
  const Scored with = score(low_saturation_ward(true));
  const Scored without = score(low_saturation_ward(false));
  ASSERT_EQ(with.alerts.size(), 8u);
  for (std::size_t p = 0; p < 8; ++p) {
    // Scale 1 scores 89-91 % as 3; the rest of the score (a breathing or heart rate at
    // the edge of its band) is the same patient's in both runs.
    EXPECT_GE(without.news2[p], 3) << "patient " << p;
    EXPECT_GT(without.alerts[p], 0u) << "patient " << p;
    if (p < 4) {  // the first cohort has no target in either scenario
      EXPECT_EQ(with.news2[p], without.news2[p]) << "patient " << p;
      EXPECT_EQ(with.alerts[p], without.alerts[p]) << "patient " << p;
    } else {
      EXPECT_EQ(with.news2[p], without.news2[p] - 3) << "patient " << p << ": no SpO2 points";
      EXPECT_EQ(with.alerts[p], 0u) << "patient " << p << " has a 88-92 % target";
    }
  }
}
