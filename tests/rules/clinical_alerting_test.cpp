// The shipped post-operative ward, physiology to the reference rules with no network:
// - a stable ward of 300 patients over 24 h shows the dips stable patients really have, on
//   what its devices chart (docs/clinical.md, "Stable patients are not flat": each of the
//   five criteria within 10 points of the study), with heart rate, SpO2 and blood
//   pressure centiles inside the published bands;
// - the reference target's default alerting keeps that ward at or below 3 false alerts
//   per patient-day;
// - on the post-operative sepsis ward it still detects at least 80 % of the sepsis
//   episodes, counting an alert only once the condition shows, and above chance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "iomtsim/scenarios/loader.hpp"
#include "support/clinical_run.hpp"

namespace iomtsim {
namespace {

using physiology::Vital;

scenarios::Scenario ward(std::vector<std::string> overrides) {
  const auto r = scenarios::load_file(
      std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/postop_sepsis_ward.yaml", overrides);
  // The stable ward sets sepsis' probability to 0 on purpose: its warning is expected.
  for (const auto& d : r.diagnostics)
    if (!d.warning) ADD_FAILURE() << scenarios::format_diagnostic(d);
  return *r.scenario;
}

void print(const char* what, const testing::ClinicalRun& run) {
  const auto& a = run.accuracy.overall;
  std::printf(
      "%s: %.1f patient-days, %zu alerts, false/patient-day %.2f, sensitivity %.3f (%zu/%zu) "
      "chance %.3f "
      "lift %.3f, criteria lead median %.1f min (chance %.1f)\n",
      what, run.patient_days, static_cast<std::size_t>(a.alerts), a.false_per_patient_day,
      a.sensitivity, static_cast<std::size_t>(a.episodes_detected),
      static_cast<std::size_t>(a.episodes), a.chance.sensitivity, a.sensitivity_lift,
      a.criteria_lead_time_s.median / 60.0, a.chance.criteria_lead_time_s.median / 60.0);
  for (const auto& [rule, s] : run.accuracy.by_rule)
    std::printf("  rule %-22s alerts %5zu false/patient-day %.2f sensitivity %.3f\n", rule.c_str(),
                static_cast<std::size_t>(s.alerts), s.false_per_patient_day, s.sensitivity);
}

// One stable ward run shared by the tests below (300 patients, 24 h).
const testing::ClinicalRun& stable_ward() {
  static const testing::ClinicalRun run =
      testing::run_clinical(ward({"cohorts.0.count=300", "cohorts.0.conditions.0.probability=0",
                                  "metadata.duration=24h"}),
                            rules::RuleSet::defaults(), true);
  return run;
}

double centile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

std::vector<double> per_minute(const testing::ClinicalRun& run, Vital v) {
  std::vector<double> out;
  for (const auto& patient : run.minutes)
    for (const auto& m : patient)
      if (!std::isnan(m[static_cast<std::size_t>(v)]))
        out.push_back(m[static_cast<std::size_t>(v)]);
  return out;
}

TEST(StableWard, DipsAsTheWardStudySawThem) {
  const auto& run = stable_ward();
  ASSERT_EQ(run.minutes.size(), 300u);
  double spo2_92_60 = 0, spo2_88_10 = 0, rr_24_5 = 0, hr_110_60 = 0, sbp_90_twice = 0;
  for (std::size_t p = 0; p < run.minutes.size(); ++p) {
    int below92 = 0, below88 = 0, rr24 = 0, hr110 = 0;
    for (const auto& m : run.minutes[p]) {
      const float spo2 = m[static_cast<std::size_t>(Vital::SpO2)];
      below92 += spo2 < 92.0f;
      below88 += spo2 < 88.0f;
      rr24 += m[static_cast<std::size_t>(Vital::RespRate)] > 24.0f;
      hr110 += m[static_cast<std::size_t>(Vital::HeartRate)] > 110.0f;
    }
    spo2_92_60 += below92 >= 60;
    spo2_88_10 += below88 >= 10;
    rr_24_5 += rr24 >= 5;
    hr_110_60 += hr110 >= 60;
    sbp_90_twice += std::count_if(run.systolic[p].begin(), run.systolic[p].end(),
                                  [](double s) { return s < 90; }) >= 2;
  }
  const double n = static_cast<double>(run.minutes.size());
  std::printf(
      "dips: SpO2<92 >=60 min %.1f %%, SpO2<88 >=10 min %.1f %%, RR>24 >=5 min %.1f %%, HR>110 "
      ">=60 min "
      "%.1f %%, SBP<90 twice %.1f %%\n",
      100 * spo2_92_60 / n, 100 * spo2_88_10 / n, 100 * rr_24_5 / n, 100 * hr_110_60 / n,
      100 * sbp_90_twice / n);
  // docs/clinical.md: 52 %, 52 %, 12 %, 3.9 %, 9.4 %; each within 10 points.
  EXPECT_NEAR(spo2_92_60 / n, 0.52, 0.10);
  EXPECT_NEAR(spo2_88_10 / n, 0.52, 0.10);
  EXPECT_NEAR(rr_24_5 / n, 0.12, 0.10);
  EXPECT_NEAR(hr_110_60 / n, 0.039, 0.10);
  EXPECT_NEAR(sbp_90_twice / n, 0.094, 0.10);
}

TEST(StableWard, CentilesInsideThePublishedBands) {
  const auto& run = stable_ward();
  const auto hr = per_minute(run, Vital::HeartRate), spo2 = per_minute(run, Vital::SpO2);
  std::vector<double> sbp, map;
  for (const auto& s : run.systolic) sbp.insert(sbp.end(), s.begin(), s.end());
  map = per_minute(run, Vital::MeanBP);
  std::printf(
      "centiles: HR 5th %.0f 50th %.0f 95th %.0f; SpO2 5th %.0f 50th %.0f; SBP 5th %.0f 95th %.0f; "
      "MAP 5th %.0f "
      "50th %.0f 95th %.0f\n",
      centile(hr, 0.05), centile(hr, 0.5), centile(hr, 0.95), centile(spo2, 0.05),
      centile(spo2, 0.5), centile(sbp, 0.05), centile(sbp, 0.95), centile(map, 0.05),
      centile(map, 0.5), centile(map, 0.95));
  // Tarassenko 2011 (docs/clinical.md): low tails between the 1st and 10th centiles, high
  // tails between the 90th and 99th. SpO2 on air: median 96-98 %, as ward and ICU data.
  EXPECT_GE(centile(hr, 0.05), 42.0);
  EXPECT_LE(centile(hr, 0.05), 53.0);
  EXPECT_GE(centile(hr, 0.95), 105.0);
  EXPECT_LE(centile(hr, 0.95), 128.0);
  EXPECT_GE(centile(spo2, 0.05), 84.0);
  EXPECT_LE(centile(spo2, 0.05), 93.0);
  EXPECT_GE(centile(spo2, 0.5), 96.0);
  EXPECT_LE(centile(spo2, 0.5), 98.0);
  EXPECT_GE(centile(sbp, 0.05), 85.0);
  EXPECT_LE(centile(sbp, 0.05), 101.0);
  EXPECT_GE(centile(sbp, 0.95), 155.0);
  EXPECT_LE(centile(sbp, 0.95), 185.0);
  // MAP: inside the 5th-95th band of the PhysioNet 2019 sample's stable hours (65-116 mmHg,
  // median 86), the ward a little above the ICU.
  EXPECT_GE(centile(map, 0.05), 62.0);
  EXPECT_LE(centile(map, 0.5), 95.0);
  EXPECT_GE(centile(map, 0.5), 80.0);
  EXPECT_LE(centile(map, 0.95), 120.0);
}

TEST(DefaultAlerting, StableWardAtMostThreeFalseAlertsPerPatientDay) {
  const auto& run = stable_ward();
  print("stable ward", run);
  EXPECT_GT(run.patient_days, 290.0);  // observed spans: a little under 24 h each
  EXPECT_LE(run.accuracy.overall.false_per_patient_day, 3.0);
}

TEST(DefaultAlerting, PostOperativeSepsisWardSensitivityAtLeast0_8AboveChance) {
  // The shipped scenario's cohort and course, more patients for the statistics.
  const auto run = testing::run_clinical(ward({"cohorts.0.count=120"}), rules::RuleSet::defaults());
  print("sepsis ward", run);
  const auto& s = run.accuracy.by_condition.at("sepsis");
  EXPECT_GE(s.episodes, 20u);
  EXPECT_GE(s.sensitivity, 0.8);
  EXPECT_GT(s.sensitivity_lift, 0.0);
}

// The quick start as shipped (20 patients, 12 h), no network: the thresholds its scenario
// comment explains hold with the defaults (sepsis caught once it shows, at most 2 urgent
// NEWS2 calls and 3 alerts of any kind per patient-day without an episode).
TEST(DefaultAlerting, QuickStartMeetsItsClinicalThresholds) {
  const auto run = testing::run_clinical(ward({}), rules::RuleSet::defaults());
  print("quick start", run);
  const auto& s = run.accuracy.by_condition.at("sepsis");
  EXPECT_GE(s.episodes, 3u);
  EXPECT_GE(s.sensitivity, 0.8);
  EXPECT_GT(s.sensitivity_lift, 0.0);
  EXPECT_LE(run.accuracy.by_rule.at("news2").false_per_patient_day, 2.0);
  EXPECT_LE(run.accuracy.overall.false_per_patient_day, 3.0);
}

}  // namespace
}  // namespace iomtsim
