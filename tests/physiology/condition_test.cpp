// Each condition reproduces its signature from docs/clinical.md (direction, magnitude and
// timing), and interventions change the course. Assertions use means over a few
// patients so one patient's spontaneous dip cannot decide a test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

constexpr int kPatients = 8;

// Mean of `field` over patients 0..kPatients-1 for true vitals in [from, to).
template <typename F>
double mean_over(const CohortSpec& c, Duration run, Duration from, Duration to, F field, Duration step = 60s) {
  double sum = 0.0;
  int n = 0;
  for (int p = 0; p < kPatients; ++p) {
    PatientGenerator g(c, static_cast<PatientIndex>(p), 7, run);
    for (const VitalSigns& v : trajectory(g, from, to, step)) {
      sum += field(v);
      ++n;
    }
  }
  return sum / n;
}

auto hr = [](const VitalSigns& v) { return v.heart_rate_bpm; };
auto rr = [](const VitalSigns& v) { return v.resp_rate_per_min; };
auto spo2 = [](const VitalSigns& v) { return v.spo2_pct; };
auto sbp = [](const VitalSigns& v) { return v.systolic_mmhg; };
auto temp = [](const VitalSigns& v) { return v.temperature_c; };
auto weight = [](const VitalSigns& v) { return v.weight_kg; };

}  // namespace

TEST(Sepsis, DevelopsOverHoursWithFeverTachycardiaTachypnoeaAndFallingPressure) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  c.conditions.push_back(condition(ConditionKind::Sepsis, 2 * 3600.0, 0.75, Course::Progressive));
  const Duration run = 14h;
  const Duration before_from = 1h, before_to = 2h;
  // An hour in, little has changed: sepsis develops over hours.
  EXPECT_LT(mean_over(c, run, 3h, 3h + 10min, hr) - mean_over(c, run, before_from, before_to, hr), 8.0);
  EXPECT_GT(mean_over(c, run, 10h, 12h, hr) - mean_over(c, run, before_from, before_to, hr), 15.0);
  EXPECT_GT(mean_over(c, run, 10h, 12h, rr) - mean_over(c, run, before_from, before_to, rr), 5.0);
  EXPECT_GT(mean_over(c, run, 10h, 12h, temp), 38.0);
  EXPECT_LT(mean_over(c, run, 10h, 12h, sbp) - mean_over(c, run, before_from, before_to, sbp), -15.0);
}

TEST(Sepsis, EarlyFluidsAndAntibioticsRecoverFasterAndLessSeverely) {
  CohortSpec untreated = cohort(Archetype::HealthyAdult, {});
  untreated.conditions.push_back(condition(ConditionKind::Sepsis, 3600.0, 0.75, Course::Progressive));
  CohortSpec treated = untreated;
  treated.conditions[0].interventions = {intervention(InterventionKind::Fluids, 3600.0, 2.0),
                                         intervention(InterventionKind::Antibiotics, 3600.0, 1.0)};
  const Duration run = 24h;
  EXPECT_GT(mean_over(treated, run, 8h, 12h, sbp), mean_over(untreated, run, 8h, 12h, sbp) + 10.0);
  EXPECT_LT(mean_over(treated, run, 8h, 12h, hr), mean_over(untreated, run, 8h, 12h, hr) - 10.0);
  for (int p = 0; p < kPatients; ++p) {
    PatientGenerator a(untreated, static_cast<PatientIndex>(p), 7, run), b(treated, static_cast<PatientIndex>(p), 7, run);
    a.finish();
    b.finish();
    ASSERT_EQ(a.episodes().size(), 1u);
    ASSERT_EQ(b.episodes().size(), 1u);
    EXPECT_EQ(a.episodes()[0].end, SimTime{run});  // never resolves untreated
    EXPECT_LT(b.episodes()[0].end, SimTime{20h});   // resolves with treatment
    EXPECT_TRUE(a.episodes()[0].criteria_met.has_value());
  }
}

TEST(Hemorrhage, ClassIvLossOverMinutesRaisesHeartRateBeforePressureFalls) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  c.conditions.push_back(condition(ConditionKind::Hemorrhage, 3600.0, 0.9, Course::Sudden));  // 45 % loss
  for (int p = 0; p < kPatients; ++p) {
    PatientGenerator g(c, static_cast<PatientIndex>(p), 7, 3h);
    const auto v = trajectory(g, 50min, 2h, 30s);  // index i is 50 min + 30 s * i
    const VitalSigns base = v[0];
    int hr_up = -1, sbp_down = -1;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (hr_up < 0 && v[i].heart_rate_bpm > base.heart_rate_bpm + 20) hr_up = static_cast<int>(i);
      if (sbp_down < 0 && v[i].systolic_mmhg < base.systolic_mmhg - 20) sbp_down = static_cast<int>(i);
    }
    ASSERT_GE(hr_up, 0);
    ASSERT_GE(sbp_down, 0);
    EXPECT_LT(hr_up, sbp_down) << "patient " << p;  // compensation first
    EXPECT_LT(sbp_down * 30, 40 * 60);             // within minutes of onset (10 min later)
    const VitalSigns& late = v.back();
    EXPECT_GT(late.heart_rate_bpm - base.heart_rate_bpm, 50.0);
    EXPECT_GT(late.resp_rate_per_min - base.resp_rate_per_min, 12.0);
    EXPECT_NE(late.consciousness, Acvpu::Alert);
  }
}

TEST(Hemorrhage, FluidsRestorePressureAndEndTheEpisode) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  c.conditions.push_back(condition(ConditionKind::Hemorrhage, 3600.0, 0.7, Course::Sudden));  // 35 % loss
  CohortSpec treated = c;
  treated.conditions[0].interventions = {intervention(InterventionKind::Fluids, 20 * 60.0, 3.0)};
  EXPECT_GT(mean_over(treated, 5h, 3h, 4h, sbp), mean_over(c, 5h, 3h, 4h, sbp) + 10.0);
  EXPECT_LT(mean_over(treated, 5h, 3h, 4h, hr), mean_over(c, 5h, 3h, 4h, hr) - 15.0);
  PatientGenerator g(treated, 0, 7, 5h), u(c, 0, 7, 5h);
  g.finish();
  u.finish();
  EXPECT_LT(g.episodes().at(0).end, SimTime{5h});
  EXPECT_EQ(u.episodes().at(0).end, SimTime{5h});
}

TEST(Hemorrhage, ClassIBarelyChangesVitals) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  c.conditions.push_back(condition(ConditionKind::Hemorrhage, 3600.0, 0.2, Course::Sudden));  // 10 % loss
  const double dhr = mean_over(c, 3h, 100min, 2h, hr) - mean_over(c, 3h, 30min, 50min, hr);
  const double dsbp = mean_over(c, 3h, 100min, 2h, sbp) - mean_over(c, 3h, 30min, 50min, sbp);
  EXPECT_LT(std::abs(dhr), 18.0);
  EXPECT_LT(std::abs(dsbp), 8.0);
}

TEST(OpioidDepression, RespiratoryRateFallsThenSpo2AndNaloxoneReversesWithinMinutes) {
  CohortSpec c = cohort(Archetype::PostOperativeAdult, {});
  c.conditions.push_back(condition(ConditionKind::OpioidRespiratoryDepression, 2 * 3600.0, 0.85, Course::Sudden));
  CohortSpec rescued = c;
  rescued.conditions[0].interventions = {intervention(InterventionKind::Naloxone, 45 * 60.0, 0.4)};
  const CohortSpec twin_spec = cohort(Archetype::PostOperativeAdult, {});
  for (int p = 0; p < kPatients; ++p) {
    PatientGenerator g(c, static_cast<PatientIndex>(p), 7, 5h);
    const auto v = trajectory(g, 110min, 170min, 30s);
    // The same patient without the condition has the same spontaneous dips: compare with
    // it, so a night-time desaturation cannot pass for the opioid's.
    PatientGenerator twin(twin_spec, static_cast<PatientIndex>(p), 7, 5h);
    const auto w = trajectory(twin, 110min, 170min, 30s);
    int rr_low = -1, sp_low = -1;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (rr_low < 0 && v[i].resp_rate_per_min < 0.75 * w[i].resp_rate_per_min)
        rr_low = static_cast<int>(i);
      if (sp_low < 0 && v[i].spo2_pct < w[i].spo2_pct - 4.0) sp_low = static_cast<int>(i);
    }
    ASSERT_GE(rr_low, 0);
    ASSERT_GE(sp_low, 0);
    EXPECT_LE(rr_low, sp_low) << "RR falls first, then SpO2";
    EXPECT_LT(v.back().resp_rate_per_min, 10.0);
    EXPECT_GE(static_cast<int>(v.back().consciousness), static_cast<int>(Acvpu::Voice));

    PatientGenerator r(rescued, static_cast<PatientIndex>(p), 7, 5h);
    const VitalSigns before = r.true_vitals(SimTime{2h + 44min});
    const VitalSigns after = r.true_vitals(SimTime{2h + 55min});  // 10 min after naloxone
    EXPECT_LT(before.resp_rate_per_min, 10.0);
    EXPECT_GT(after.resp_rate_per_min, w[0].resp_rate_per_min - 4.0);
    EXPECT_EQ(after.consciousness, Acvpu::Alert);
    r.finish();
    ASSERT_EQ(r.episodes().size(), 1u);
    EXPECT_LT(r.episodes()[0].end, SimTime{3h});
    EXPECT_TRUE(r.episodes()[0].criteria_met.has_value());
  }
}

TEST(HeartFailure, WeightRisesAboutTwoKilogramsOverTheThirtyDaysBeforeTheOnset) {
  // Decompensation on day 30: its prodrome (fluid, creeping rates) starts on day 0.
  CohortSpec c = cohort(Archetype::HomeHeartFailure, {});
  c.conditions.push_back(
      condition(ConditionKind::HeartFailureDecompensation, 30 * 86400.0, 0.6, Course::Progressive));
  const Duration run = std::chrono::hours(24 * 32);
  const Duration day = 24h;
  const double w0 = mean_over(c, run, 0h, day, weight, 1h), w30 = mean_over(c, run, 29 * day, 30 * day, weight, 1h);
  const double w27 = mean_over(c, run, 26 * day, 27 * day, weight, 1h);
  EXPECT_GT(w30 - w0, 1.5);  // docs/clinical.md: about 2.3 kg over the 30 days before
  EXPECT_LT(w30 - w0, 3.5);
  EXPECT_LT(w30 - w27, 2.0);  // >= 2 kg in 3 days is the exception, not the rule
  EXPECT_GT(mean_over(c, run, 29 * day, 30 * day, rr, 1h) - mean_over(c, run, 0h, day, rr, 1h), 2.0);
  EXPECT_GT(mean_over(c, run, 29 * day, 30 * day, hr, 1h) - mean_over(c, run, 0h, day, hr, 1h), 3.0);
  EXPECT_LT(mean_over(c, run, 29 * day, 30 * day, spo2, 1h) - mean_over(c, run, 0h, day, spo2, 1h), -1.0);
  // The ground truth carries the prodrome: onset on day 30, prodrome from day 0.
  PatientGenerator g(c, 0, 7, run);
  g.finish();
  ASSERT_EQ(g.episodes().size(), 1u);
  const Episode& e = g.episodes()[0];
  EXPECT_EQ(e.onset, SimTime{30 * day});
  ASSERT_TRUE(e.prodrome_start.has_value());
  EXPECT_EQ(*e.prodrome_start, SimTime{});
  EXPECT_EQ(e.signal_start(), SimTime{});
}

TEST(HeartFailure, AProdromeBegunBeforeTheScenarioStartsWithItsFluid) {
  // Onset on day 10: the prodrome began 20 days before the scenario, so the patient
  // starts with (20/30)^2 of the prodrome's gain and a negative prodrome start.
  CohortSpec c = cohort(Archetype::HomeHeartFailure, {});
  CohortSpec dry = c;
  c.conditions.push_back(
      condition(ConditionKind::HeartFailureDecompensation, 10 * 86400.0, 0.6, Course::Progressive));
  const Duration run = std::chrono::hours(24 * 12);
  const double gained =
      mean_over(c, run, 0h, 1h, weight, 10min) - mean_over(dry, run, 0h, 1h, weight, 10min);
  EXPECT_NEAR(gained, 3.8 * 0.6 * (20.0 / 30.0) * (20.0 / 30.0), 0.15);
  PatientGenerator g(c, 0, 7, run);
  g.finish();
  ASSERT_EQ(g.episodes().size(), 1u);
  ASSERT_TRUE(g.episodes()[0].prodrome_start.has_value());
  EXPECT_EQ(*g.episodes()[0].prodrome_start, SimTime{} - std::chrono::hours(24 * 20));
}

TEST(CopdExacerbation, ThreeDaysBeforeTheOnsetRrAndHrHaveCrept) {
  // Exacerbation onset on day 8: the prodrome starts on day 1.
  CohortSpec c = cohort(Archetype::Copd, {});
  ConditionSpec cs =
      condition(ConditionKind::CopdExacerbation, 8 * 86400.0, 0.6, Course::SelfLimiting);
  cs.duration_s = Distribution::constant(10 * 86400.0);
  c.conditions.push_back(cs);
  const Duration run = std::chrono::hours(24 * 20);
  const Duration day = 24h;
  // docs/clinical.md: 3 days before treatment RR +2.0, HR +8.1 (a cohort mean).
  const double drr = mean_over(c, run, 5 * day, 6 * day, rr, 10min) - mean_over(c, run, 0h, day, rr, 10min);
  const double dhr = mean_over(c, run, 5 * day, 6 * day, hr, 10min) - mean_over(c, run, 0h, day, hr, 10min);
  EXPECT_GT(drr, 1.0);
  EXPECT_LT(drr, 4.0);
  EXPECT_GT(dhr, 4.0);
  EXPECT_LT(dhr, 13.0);
  // Nothing before the prodrome; the exacerbation itself is worse than the prodrome.
  EXPECT_NEAR(mean_over(c, run, 0h, day, hr, 10min),
              mean_over(cohort(Archetype::Copd, {}), run, 0h, day, hr, 10min), 1e-9);
  EXPECT_LT(mean_over(c, run, 9 * day, 10 * day, spo2, 10min),
            mean_over(c, run, 0h, day, spo2, 10min) - 2.0);
  PatientGenerator g(c, 0, 7, run);
  g.finish();
  ASSERT_EQ(g.episodes().size(), 1u);
  const Episode& e = g.episodes()[0];
  EXPECT_EQ(e.onset, SimTime{8 * day});
  ASSERT_TRUE(e.prodrome_start.has_value());
  EXPECT_EQ(*e.prodrome_start, SimTime{day});
  EXPECT_LE(e.end, SimTime{18 * day + 1min});  // self-limiting: resolves
  EXPECT_GE(e.end, SimTime{18 * day - 1min});
}

TEST(Hypoglycemia, GlucoseFallsBelow54AndCriteriaNeedFifteenMinutes) {
  CohortSpec c = cohort(Archetype::Type1Diabetes, {});
  c.conditions.push_back(condition(ConditionKind::Hypoglycemia, 2 * 3600.0, 0.6, Course::Sudden));
  CohortSpec treated = c;
  treated.conditions[0].interventions = {intervention(InterventionKind::Glucose, 30 * 60.0, 20.0)};
  for (int p = 0; p < kPatients; ++p) {
    PatientGenerator g(c, static_cast<PatientIndex>(p), 7, 6h);
    const auto v = trajectory(g, 0h, 6h, 30s);
    EXPECT_LT(v[(2 * 3600 + 45 * 60) / 30].glucose_mg_dl, 54.0);
    EXPECT_NE(v[(2 * 3600 + 60 * 60) / 30].consciousness, Acvpu::Alert);
    g.finish();
    ASSERT_EQ(g.episodes().size(), 1u);
    const Episode& e = g.episodes()[0];
    ASSERT_TRUE(e.criteria_met.has_value());
    const auto k = static_cast<std::size_t>(to_seconds(*e.criteria_met) / 30.0);
    for (std::size_t i = k - 29; i <= k; ++i) EXPECT_LT(v[i].glucose_mg_dl, 54.5) << i;  // 15 min below 54
    EXPECT_GE(v[k - 31].glucose_mg_dl, 53.5);  // and not much longer: met as soon as it was
    EXPECT_GT(v.back().glucose_mg_dl, 70.0);   // self-limited drive ends, glucose recovers

    PatientGenerator t(treated, static_cast<PatientIndex>(p), 7, 6h);
    EXPECT_GT(t.true_vitals(SimTime{3h}).glucose_mg_dl, 70.0);  // 30 min after 20 g
    t.finish();
    EXPECT_LT(t.episodes()[0].end, e.end);
  }
}

TEST(AtrialFibrillation, RapidRateDuringParoxysmAndRateControlSlowsIt) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  ConditionSpec cs = condition(ConditionKind::AtrialFibrillation, 3600.0, 0.7, Course::SelfLimiting);
  cs.duration_s = Distribution::constant(3 * 3600.0);
  c.conditions.push_back(cs);
  CohortSpec controlled = c;
  controlled.conditions[0].interventions = {intervention(InterventionKind::RateControl, 1800.0, 1.0)};
  EXPECT_GT(mean_over(c, 6h, 2h, 3h, hr), 110.0);
  EXPECT_LT(mean_over(c, 6h, 5h, 6h, hr), 95.0);  // back in sinus
  EXPECT_LT(mean_over(controlled, 6h, 2h + 30min, 3h + 30min, hr), mean_over(c, 6h, 2h + 30min, 3h + 30min, hr) - 20.0);
  PatientGenerator g(c, 0, 7, 6h);
  g.finish();
  ASSERT_EQ(g.episodes().size(), 1u);
  EXPECT_EQ(g.episodes()[0].onset, SimTime{1h});
  EXPECT_EQ(g.episodes()[0].end, SimTime{4h});
  ASSERT_TRUE(g.episodes()[0].criteria_met.has_value());
  EXPECT_LT(*g.episodes()[0].criteria_met, SimTime{1h + 15min});
}

TEST(Conditions, ProbabilityAndOnsetComeFromTheScenario) {
  CohortSpec c = cohort(Archetype::HealthyAdult, {});
  ConditionSpec cs = condition(ConditionKind::Sepsis, 0.0, 0.5, Course::Progressive);
  cs.probability = 0.3;
  cs.onset_s = Distribution::uniform(3600.0, 7200.0);
  c.conditions.push_back(cs);
  int with = 0;
  for (PatientIndex p = 0; p < 400; ++p) {
    PatientGenerator g(c, p, 11, 3h);
    g.finish();
    with += static_cast<int>(g.episodes().size());
    for (const Episode& e : g.episodes()) {
      EXPECT_GE(e.onset, SimTime{1h});
      EXPECT_LT(e.onset, SimTime{2h});
      EXPECT_EQ(e.patient, p);
    }
  }
  EXPECT_NEAR(with / 400.0, 0.3, 0.07);
}

TEST(Interventions, InsulinLowersGlucoseAndOxygenRaisesSpo2) {
  CohortSpec t1d = cohort(Archetype::Type1Diabetes, {});
  CohortSpec dosed = t1d;
  InterventionSpec insulin = intervention(InterventionKind::Insulin, 3600.0, 3.0);
  insulin.anchor = InterventionSpec::Anchor::ScenarioStart;
  dosed.interventions = {insulin};
  const double drop = mean_over(t1d, 6h, 3h, 4h, [](const VitalSigns& v) { return v.glucose_mg_dl; }) -
                      mean_over(dosed, 6h, 3h, 4h, [](const VitalSigns& v) { return v.glucose_mg_dl; });
  EXPECT_GT(drop, 40.0);  // ~40 mg/dL per active unit, a few units
  EXPECT_LT(drop, 160.0);

  CohortSpec copd = cohort(Archetype::Copd, {});
  CohortSpec on_o2 = copd;
  InterventionSpec o2 = intervention(InterventionKind::Oxygen, 3600.0, 2.0);
  o2.anchor = InterventionSpec::Anchor::ScenarioStart;
  on_o2.interventions = {o2};
  EXPECT_NEAR(mean_over(on_o2, 3h, 0h, 55min, spo2), mean_over(copd, 3h, 0h, 55min, spo2), 1e-9);
  EXPECT_GT(mean_over(on_o2, 3h, 2h, 3h, spo2), mean_over(copd, 3h, 2h, 3h, spo2) + 2.0);
}
