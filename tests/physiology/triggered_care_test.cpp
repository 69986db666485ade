// Care in response to the patient (issue #21 item 4): an intervention with a trigger on
// the true vitals ("naloxone when resp_rate < 8 for 2 min, after 3 min") is given at the
// instant the criterion first held + its persistence + the response delay, on the 30 s
// grid of the physiology; never when the criterion never holds; the same on every run.
// And the interventions added with it (glucagon, bronchodilator, corticosteroid, NIV)
// move the vitals they should, by about as much and as fast as docs/clinical.md says.
#include <gtest/gtest.h>

#include <cmath>

#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

constexpr double kGridS = 30.0;

InterventionSpec triggered(InterventionKind k, Vital v, InterventionTrigger::Op op,
                           double threshold, double for_s, double after_s, double dose) {
  InterventionSpec i = intervention(k, after_s, dose);
  InterventionTrigger t;
  t.vital = v;
  t.op = op;
  t.threshold = threshold;
  t.for_s = for_s;
  t.text = "test";
  i.when = t;
  return i;
}

CohortSpec opioid_ward(std::optional<InterventionSpec> care) {
  CohortSpec c = cohort(Archetype::PostOperativeAdult, {monitor(std::chrono::seconds(60))});
  c.conditions.push_back(
      condition(ConditionKind::OpioidRespiratoryDepression, 3600.0, 0.9, Course::Sudden));
  if (care) c.conditions[0].interventions.push_back(*care);
  return c;
}

// The first grid instant from which RR < 8 held on every grid point for 2 min, scanned on
// the true vitals of a generator that is not given the naloxone (its trajectory is the
// same until the dose).
std::optional<double> criteria_met_s(const CohortSpec& c, PatientIndex p, double for_s) {
  PatientGenerator g(c, p, 21, 4h);
  double since = -1;
  for (double t = 0; t < 4 * 3600.0; t += kGridS) {
    const double rr = g.true_vitals(at_seconds(t)).resp_rate_per_min;
    if (rr < 8.0) {
      if (since < 0) since = t;
      if (t - since >= for_s) return since;
    } else {
      since = -1;
    }
  }
  return std::nullopt;
}

double mean_true(PatientGenerator& g, double from_s, double to_s, Vital v) {
  double sum = 0;
  int n = 0;
  for (double t = from_s; t < to_s; t += kGridS, ++n) sum += g.true_vitals(at_seconds(t)).value(v);
  return sum / n;
}

}  // namespace

TEST(TriggeredCare, NaloxoneIsGivenAtTheCriterionPlusPersistencePlusDelayAndThePatientRecovers) {
  const auto care = triggered(InterventionKind::Naloxone, Vital::RespRate,
                              InterventionTrigger::Op::Less, 8.0, 120.0, 180.0, 0.4);
  const CohortSpec untreated = opioid_ward(std::nullopt);
  const CohortSpec treated = opioid_ward(care);
  int checked = 0;
  for (PatientIndex p = 0; p < 6; ++p) {
    const auto met = criteria_met_s(untreated, p, 120.0);
    ASSERT_TRUE(met) << "patient " << p << ": a severe opioid depression takes RR below 8";
    PatientGenerator g(treated, p, 21, 4h);
    // Walk to the end (the trigger is evaluated as the trajectory is generated).
    while (!g.done()) (void)g.next();
    g.finish();
    const auto given = g.interventions();
    ASSERT_EQ(given.size(), 1u) << "patient " << p;
    EXPECT_TRUE(given[0].triggered);
    EXPECT_EQ(given[0].kind, InterventionKind::Naloxone);
    EXPECT_EQ(given[0].criteria_met, at_seconds(*met));
    EXPECT_EQ(given[0].at, at_seconds(*met + 120.0 + 180.0)) << "patient " << p;

    // Recovery: 15 min after the dose the criterion no longer holds, the rate has at least
    // doubled (some patients breathe 11-12 /min at rest) and the patient is alert.
    PatientGenerator again(treated, p, 21, 4h);
    const double dose_s = *met + 300.0;
    const VitalSigns before = again.true_vitals(at_seconds(dose_s - 30.0));
    const VitalSigns after = again.true_vitals(at_seconds(dose_s + 15 * 60.0));
    EXPECT_LT(before.resp_rate_per_min, 8.0);
    EXPECT_GT(after.resp_rate_per_min, 8.5) << "patient " << p;
    EXPECT_GT(after.resp_rate_per_min, 2.0 * before.resp_rate_per_min) << "patient " << p;
    EXPECT_EQ(after.consciousness, Acvpu::Alert);
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

TEST(TriggeredCare, SameInstantsOnEveryRunWithTheSameSeed) {
  const auto care = triggered(InterventionKind::Naloxone, Vital::RespRate,
                              InterventionTrigger::Op::Less, 8.0, 120.0, 180.0, 0.4);
  const CohortSpec c = opioid_ward(care);
  for (PatientIndex p = 0; p < 4; ++p) {
    PatientGenerator a(c, p, 99, 4h), b(c, p, 99, 4h);
    a.finish();
    // b asks for true vitals at scattered instants on the way: the trigger must not
    // depend on who asked what.
    for (double t = 0; t < 4 * 3600.0; t += 977.0) (void)b.true_vitals(at_seconds(t));
    b.finish();
    const auto x = a.interventions(), y = b.interventions();
    ASSERT_EQ(x.size(), y.size());
    ASSERT_EQ(x.size(), 1u);
    EXPECT_EQ(x[0].at, y[0].at);
    EXPECT_EQ(x[0].criteria_met, y[0].criteria_met);
  }
}

TEST(TriggeredCare, ATriggerThatNeverHoldsGivesNoDose) {
  // A healthy patient never breathes below 5 /min: no dose, and the trajectory is the
  // untreated one.
  const auto care = triggered(InterventionKind::Naloxone, Vital::RespRate,
                              InterventionTrigger::Op::Less, 5.0, 120.0, 180.0, 0.4);
  CohortSpec with = cohort(Archetype::HealthyAdult, {monitor()});
  with.interventions.push_back(care);
  with.interventions.back().anchor = InterventionSpec::Anchor::ScenarioStart;
  const CohortSpec without = cohort(Archetype::HealthyAdult, {monitor()});
  for (PatientIndex p = 0; p < 5; ++p) {
    PatientGenerator a(with, p, 3, 12h), b(without, p, 3, 12h);
    std::size_t n = 0;
    while (!a.done()) {
      ASSERT_FALSE(b.done());
      const auto ra = std::get<Reading>(a.next());
      const auto rb = std::get<Reading>(b.next());
      ASSERT_EQ(ra.value, rb.value);
      ++n;
    }
    EXPECT_GT(n, 0u);
    a.finish();
    EXPECT_TRUE(a.interventions().empty());
  }
}

TEST(TriggeredCare, WatchesFromTheConditionOnsetOnly) {
  // "heart_rate > 0" holds always: watched from the onset at 1 h, given 1 min + 5 min later.
  const auto care = triggered(InterventionKind::Naloxone, Vital::HeartRate,
                              InterventionTrigger::Op::Greater, 0.0, 60.0, 300.0, 0.4);
  PatientGenerator g(opioid_ward(care), 0, 5, 3h);
  g.finish();
  const auto given = g.interventions();
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].criteria_met, at_seconds(3600.0));
  EXPECT_EQ(given[0].at, at_seconds(3600.0 + 60.0 + 300.0));
}

TEST(NewInterventions, DoseTableHasUnitsAndRangesForEveryKind) {
  for (std::size_t i = 0; i < kInterventionCount; ++i) {
    const auto k = static_cast<InterventionKind>(i);
    const DoseInfo& d = dose_info(k);
    EXPECT_FALSE(d.unit.empty()) << name(k);
    EXPECT_LE(d.typical_lo, d.typical_hi) << name(k);
    EXPECT_LE(d.typical_hi, d.max) << name(k);
    EXPECT_GT(d.default_dose, 0.0) << name(k);
    EXPECT_EQ(intervention_from_name(name(k)), k);
  }
  EXPECT_EQ(dose_info(InterventionKind::Glucagon).unit, "mg");
  EXPECT_EQ(dose_info(InterventionKind::Niv).unit, "cmH2O");
}

TEST(NewInterventions, GlucagonRaisesGlucoseByTwoToFourMmolPerLitreWithinFifteenMinutes) {
  CohortSpec c = cohort(Archetype::Type1Diabetes, {});
  c.conditions.push_back(condition(ConditionKind::Hypoglycemia, 3600.0, 0.9, Course::Sudden));
  CohortSpec treated = c;
  treated.conditions[0].interventions = {intervention(InterventionKind::Glucagon, 3600.0, 1.0)};
  for (PatientIndex p = 0; p < 5; ++p) {
    PatientGenerator a(c, p, 11, 4h), b(treated, p, 11, 4h);
    const double at = 2 * 3600.0;
    const double g0 = a.true_vitals(at_seconds(at)).glucose_mg_dl;
    EXPECT_EQ(g0, b.true_vitals(at_seconds(at)).glucose_mg_dl);
    const double rise_mmol = (b.true_vitals(at_seconds(at + 15 * 60.0)).glucose_mg_dl -
                              a.true_vitals(at_seconds(at + 15 * 60.0)).glucose_mg_dl) /
                             18.0;
    EXPECT_GE(rise_mmol, 2.0) << "patient " << p;
    EXPECT_LE(rise_mmol, 4.5) << "patient " << p;
  }
}

TEST(NewInterventions, BronchodilatorEasesACopdExacerbationWithinMinutesForHours) {
  CohortSpec c = cohort(Archetype::Copd, {});
  c.conditions.push_back(
      condition(ConditionKind::CopdExacerbation, 0.0, 0.8, Course::SelfLimiting));
  CohortSpec treated = c;
  const double dose_at = 3 * 86400.0;  // at the exacerbation's plateau
  treated.interventions = {intervention(InterventionKind::Bronchodilator, dose_at, 5.0)};
  treated.interventions[0].anchor = InterventionSpec::Anchor::ScenarioStart;
  for (PatientIndex p = 0; p < 4; ++p) {
    PatientGenerator a(c, p, 12, 96h), b(treated, p, 12, 96h);
    // 20-60 min after the dose, and 7-8 h after (worn off).
    const double rr_a = mean_true(a, dose_at + 1200, dose_at + 3600, Vital::RespRate);
    const double rr_b = mean_true(b, dose_at + 1200, dose_at + 3600, Vital::RespRate);
    const double sp_a = mean_true(a, dose_at + 1200, dose_at + 3600, Vital::SpO2);
    const double sp_b = mean_true(b, dose_at + 1200, dose_at + 3600, Vital::SpO2);
    EXPECT_LT(rr_b, rr_a - 1.5) << "patient " << p;
    EXPECT_GT(sp_b, sp_a + 1.5) << "patient " << p;
    const double late_a = mean_true(a, dose_at + 7 * 3600.0, dose_at + 8 * 3600.0, Vital::RespRate);
    const double late_b = mean_true(b, dose_at + 7 * 3600.0, dose_at + 8 * 3600.0, Vital::RespRate);
    EXPECT_NEAR(late_b, late_a, 0.3) << "patient " << p << ": worn off after 4-6 h";
  }
}

TEST(NewInterventions, CorticosteroidActsOverHoursNotMinutes) {
  CohortSpec c = cohort(Archetype::Copd, {});
  c.conditions.push_back(
      condition(ConditionKind::CopdExacerbation, 0.0, 0.8, Course::SelfLimiting));
  CohortSpec treated = c;
  const double dose_at = 3 * 86400.0;
  treated.interventions = {intervention(InterventionKind::Corticosteroid, dose_at, 40.0)};
  for (PatientIndex p = 0; p < 4; ++p) {
    PatientGenerator a(c, p, 13, 96h), b(treated, p, 13, 96h);
    const double early = mean_true(a, dose_at + 600, dose_at + 1800, Vital::RespRate) -
                         mean_true(b, dose_at + 600, dose_at + 1800, Vital::RespRate);
    const double later = mean_true(a, dose_at + 8 * 3600.0, dose_at + 9 * 3600.0, Vital::RespRate) -
                         mean_true(b, dose_at + 8 * 3600.0, dose_at + 9 * 3600.0, Vital::RespRate);
    EXPECT_LT(early, 0.3) << "patient " << p;
    EXPECT_GT(later, 0.8) << "patient " << p;
  }
}

TEST(NewInterventions, NivRaisesSpo2AndLowersRespRateWhileAppliedAndCountsAsOxygen) {
  CohortSpec c = cohort(Archetype::Copd, {});
  c.conditions.push_back(
      condition(ConditionKind::CopdExacerbation, 0.0, 0.9, Course::SelfLimiting));
  CohortSpec treated = c;
  const double on_at = 3 * 86400.0;
  treated.interventions = {intervention(InterventionKind::Niv, on_at, 20.0)};
  for (PatientIndex p = 0; p < 4; ++p) {
    PatientGenerator a(c, p, 14, 96h), b(treated, p, 14, 96h);
    EXPECT_FALSE(b.true_vitals(at_seconds(on_at - 60)).on_oxygen);
    const double rr_a = mean_true(a, on_at + 1800, on_at + 3600, Vital::RespRate);
    const double rr_b = mean_true(b, on_at + 1800, on_at + 3600, Vital::RespRate);
    const double sp_a = mean_true(a, on_at + 1800, on_at + 3600, Vital::SpO2);
    const double sp_b = mean_true(b, on_at + 1800, on_at + 3600, Vital::SpO2);
    EXPECT_LT(rr_b, rr_a - 1.5) << "patient " << p;
    EXPECT_GT(sp_b, sp_a + 2.0) << "patient " << p;
    EXPECT_TRUE(b.true_vitals(at_seconds(on_at + 3600)).on_oxygen);
    // Removed after 24 h: the effect is gone within the hour.
    const double off_a = mean_true(a, on_at + 25 * 3600.0, on_at + 26 * 3600.0, Vital::SpO2);
    const double off_b = mean_true(b, on_at + 25 * 3600.0, on_at + 26 * 3600.0, Vital::SpO2);
    EXPECT_NEAR(off_b, off_a, 0.3) << "patient " << p;
    EXPECT_FALSE(b.true_vitals(at_seconds(on_at + 26 * 3600.0)).on_oxygen);
  }
}
