// A stable adult ward cohort over 24 h lands inside the hospital centile bands of
// docs/clinical.md (Tarassenko 2011, used as plausibility bands) and shows the dips stable
// patients really have.
#include <gtest/gtest.h>

#include <algorithm>

#include "news2.hpp"
#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

double centile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

struct CohortStats {
  std::vector<double> hr, rr, spo2, sbp;
  double spo2_below92_60min = 0, spo2_below88_10min = 0, rr_above24_5min = 0, hr_above110_60min = 0,
         sbp_below90_twice = 0;
};

CohortStats simulate(Archetype a, int patients) {
  CohortStats s;
  const CohortSpec c = cohort(a, {});
  for (int p = 0; p < patients; ++p) {
    PatientGenerator g(c, static_cast<PatientIndex>(p), 2024, 24h);
    int m92 = 0, m88 = 0, m24 = 0, m110 = 0, sbp_episodes = 0;
    bool low = false;
    for (const VitalSigns& v : trajectory(g, 0h, 24h, 1min)) {
      s.hr.push_back(v.heart_rate_bpm);
      s.rr.push_back(v.resp_rate_per_min);
      s.spo2.push_back(v.spo2_pct);
      s.sbp.push_back(v.systolic_mmhg);
      m92 += v.spo2_pct < 92;
      m88 += v.spo2_pct < 88;
      m24 += v.resp_rate_per_min > 24;
      m110 += v.heart_rate_bpm > 110;
      if (v.systolic_mmhg < 90 && !low) ++sbp_episodes, low = true;
      if (v.systolic_mmhg >= 95) low = false;
    }
    s.spo2_below92_60min += m92 >= 60;
    s.spo2_below88_10min += m88 >= 10;
    s.rr_above24_5min += m24 >= 5;
    s.hr_above110_60min += m110 >= 60;
    s.sbp_below90_twice += sbp_episodes >= 2;
  }
  for (double* f : {&s.spo2_below92_60min, &s.spo2_below88_10min, &s.rr_above24_5min, &s.hr_above110_60min,
                    &s.sbp_below90_twice})
    *f /= patients;
  return s;
}

}  // namespace

TEST(Realism, StableWardCohortLandsInHospitalCentileBands) {
  CohortStats s = simulate(Archetype::ElderlyWard, 200);
  // Low tails between the 1st and 10th reference centiles, high tails between the 90th
  // and 99th (the reference includes sicker patients, so RR's upper tail is allowed to
  // sit a little below it).
  EXPECT_GE(centile(s.hr, 0.05), 42.0);
  EXPECT_LE(centile(s.hr, 0.05), 62.0);
  EXPECT_GE(centile(s.hr, 0.95), 98.0);
  EXPECT_LE(centile(s.hr, 0.95), 128.0);
  EXPECT_GE(centile(s.rr, 0.05), 7.0);
  EXPECT_LE(centile(s.rr, 0.05), 13.0);
  EXPECT_GE(centile(s.rr, 0.95), 20.0);
  EXPECT_LE(centile(s.rr, 0.95), 34.0);
  EXPECT_GE(centile(s.spo2, 0.05), 84.0);
  EXPECT_LE(centile(s.spo2, 0.05), 93.0);
  EXPECT_GE(centile(s.spo2, 0.50), 94.0);
  EXPECT_GE(centile(s.sbp, 0.05), 85.0);
  EXPECT_LE(centile(s.sbp, 0.05), 101.0);
  EXPECT_GE(centile(s.sbp, 0.95), 155.0);
  EXPECT_LE(centile(s.sbp, 0.95), 185.0);
}

// The stable-patient dips (docs/clinical.md, "Stable patients are not flat") are checked
// where the study measured them, on what a ward's devices chart rather than on the true
// vitals: tests/rules/clinical_alerting_test.cpp, StableWard.DipsAsTheWardStudySawThem.

TEST(GroundTruthNews2, ScoresTheChartRows) {
  VitalSigns v;  // defaults: all in the 0 rows
  v.heart_rate_bpm = 75;
  v.resp_rate_per_min = 16;
  v.spo2_pct = 97;
  v.systolic_mmhg = 125;
  v.temperature_c = 37.0;
  EXPECT_EQ(detail::news2_score(v, false), 0);
  v.resp_rate_per_min = 25;  // 3
  v.spo2_pct = 93;           // 2
  v.systolic_mmhg = 100;     // 2
  v.heart_rate_bpm = 131;    // 3
  v.temperature_c = 39.1;    // 2
  v.consciousness = Acvpu::Confusion;  // 3
  EXPECT_EQ(detail::news2_score(v, false), 15);
  v.on_oxygen = true;  // +2
  EXPECT_EQ(detail::news2_score(v, false), 17);
  EXPECT_EQ(detail::qsofa_score(v), 3);
  VitalSigns copd;
  copd.spo2_pct = 89;
  EXPECT_EQ(detail::news2_score(copd, true), 0);   // in the 88-92 % target on scale 2
  EXPECT_EQ(detail::news2_score(copd, false), 3);  // but 3 on scale 1
  copd.spo2_pct = 97;
  copd.on_oxygen = true;
  EXPECT_EQ(detail::news2_score(copd, true), 3 + 2);  // >= 97 on O2 scores 3 on scale 2
}

TEST(GroundTruth, CriteriaMetWhenTrueVitalsCrossThem) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  c.conditions.push_back(condition(ConditionKind::Sepsis, 3600.0, 0.8, Course::Progressive));
  for (PatientIndex p = 0; p < 6; ++p) {
    PatientGenerator g(c, p, 5, 16h);
    std::optional<SimTime> first;
    for (Duration t = 1h; t < 16h; t += 30s) {
      const VitalSigns v = g.true_vitals(SimTime{t});
      const bool met = detail::news2_score(v, false) >= 5 || detail::qsofa_score(v) >= 2;
      if (met && !first) first = SimTime{t};
    }
    g.finish();
    ASSERT_EQ(g.episodes().size(), 1u);
    const Episode& e = g.episodes()[0];
    ASSERT_TRUE(e.criteria_met.has_value());
    ASSERT_TRUE(first.has_value());
    EXPECT_GE(*e.criteria_met, e.onset);
    // Ground truth is judged on the slow (30 s grid) vitals, the probe above on the
    // instantaneous ones: they agree to within the fast variability's reach, which is
    // wider for the slow courses (a slow sepsis hovers near the threshold for an hour or
    // more before it stays over).
    EXPECT_LT(std::abs(to_seconds(*e.criteria_met - *first)), 2 * 3600.0);
  }
}
